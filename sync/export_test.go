package sync

// FeedStatements returns the statements a pull of scope runs on the feed
// (pages and counts, for each of collections), with their arguments: the
// tests read their query plans.
func FeedStatements(scope Scope, collections [][]string) (queries []string, args [][]any) {
	for _, cols := range collections {
		q, a := feedQuery(scope, 0, 1<<40, cols, 10)
		queries, args = append(queries, q), append(args, a)
		for _, f := range scope.ranges() {
			q, a := countQuery(f, 0, 1<<40, cols)
			queries, args = append(queries, q), append(args, a)
		}
	}
	return queries, args
}

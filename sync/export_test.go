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

// HoldPullSlots takes every pull slot of the process and returns their
// release.
func HoldPullSlots() func() {
	for range PullSlots {
		pullSlots <- struct{}{}
	}
	return func() {
		for range PullSlots {
			<-pullSlots
		}
	}
}

// QueuedPulls is how many pulls wait for a slot.
func QueuedPulls() int {
	queued.mu.Lock()
	defer queued.mu.Unlock()
	return queued.n
}

// WaitingPushes is how many pushes wait for the queued pulls (PullsFirst).
func WaitingPushes() int64 { return waitingPushes.Load() }

// PrebuiltUsed counts the records Prebuild built that Apply saved or
// answered from (taken and built).
func PrebuiltUsed(p *Pusher) int {
	n := 0
	for _, pb := range p.prebuilt {
		if pb.taken && pb.rec != nil {
			n++
		}
	}
	return n
}

package catalog

// RAD indicator directions: whether a higher or a lower value is better.
const (
	DirectionHigher = "higher"
	DirectionLower  = "lower"
)

// RadDirections lists the directions of a RAD indicator.
var RadDirections = []string{DirectionHigher, DirectionLower}

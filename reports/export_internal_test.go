package reports

// NoFormula lets the external tests check the CSV formula guard directly.
var NoFormula = noFormula

package hooks

// FindAuthRecord exposes findAuthRecord to the tests.
var FindAuthRecord = findAuthRecord

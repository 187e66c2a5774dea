package sync

import (
	validation "github.com/pocketbase/ozzo-validation/v4"

	"jangkau/audit"
)

// maxEchoed is the longest collection name, record id or field name a
// mutation may carry. A refused mutation's result names them, and native
// pushes store results (sync_mutations) so that a retry gets the same
// answer: without a bound one push could store megabytes of names.
const maxEchoed = 100

// maxDataFields is the most fields one mutation's data may name: a record
// has about 50, and each unknown one is repeated in the stored result.
const maxDataFields = 100

var errTooManyFields = validation.NewError("too_many_fields",
	"Paling banyak 100 kolom per mutasi. / At most 100 fields per mutation.")

var errTooLong = validation.NewError("too_long",
	"Terlalu panjang: nama koleksi, id dan nama kolom paling banyak 100 karakter. / "+
		"Too long: collection names, ids and field names have at most 100 characters.")

// checkMutationInput checks what a native push stores of a mutation besides
// its record (the record's fields are validated like every save): the
// phone's clientTime, which the audit trail keeps, and the names a result
// repeats. It returns the offending field of the mutation.
func checkMutationInput(m Mutation) (string, validation.Error) {
	if err := audit.CheckClientTime(m.ClientTime); err != nil {
		return "clientTime", err
	}
	if len(m.Collection) > maxEchoed {
		return "collection", errTooLong
	}
	if len(m.ID) > maxEchoed {
		return "id", errTooLong
	}
	if len(m.Data) > maxDataFields {
		return "data", errTooManyFields
	}
	for name := range m.Data {
		if len(name) > maxEchoed {
			return "data", errTooLong
		}
	}
	return "", nil
}

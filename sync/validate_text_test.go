package sync

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// validatePlainText answers as PocketBase's ValidatePlainValue for fields
// with and without patterns, primary keys among them, on values the
// pattern takes and refuses, too short, too long and with characters a
// primary key may not hold.
func TestPlainTextIsValidatedAsPocketBaseDoes(t *testing.T) {
	fields := []*core.TextField{
		{Name: "id", PrimaryKey: true, Required: true, Pattern: "^[a-z0-9]+$", Min: 15, Max: 15},
		{Name: "id", PrimaryKey: true, Required: true, Pattern: "^[A-Za-z0-9_-]+$", Min: 15, Max: 36},
		{Name: "id", PrimaryKey: true, Pattern: "^[^ ]+$"},
		{Name: "code", Pattern: `^[0-9]{2}(\.[0-9]{2})?$`, Max: 5},
		{Name: "code", Required: true, Pattern: "(["},
		{Name: "title", Max: 10},
	}
	values := []string{"", "abc", "abcdefghij12345", "ABCdefghij12345", "abc-def_ghi-123", "abcdefghij1234567890abcdefghij123456789",
		"18", "18.01", "18.01.02", "bad/id/00000001", "bad id 00000001", "a..b", "./x", strings.Repeat("z", 5001), "é日本"}
	for _, f := range fields {
		for _, v := range values {
			want, got := f.ValidatePlainValue(v), validatePlainText(f, v)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("field %+v value %q: %v, PocketBase %v", *f, v, got, want)
			}
		}
	}
}

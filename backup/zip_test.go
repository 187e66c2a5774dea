package backup_test

import (
	"archive/zip"
	"io"
	"testing"
)

func zipWith(t *testing.T, w io.Writer, files map[string]string) {
	t.Helper()
	zw := zip.NewWriter(w)
	for name, content := range files {
		f, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(content))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

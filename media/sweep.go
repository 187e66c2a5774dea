package media

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// Sweep removes from storage every photo file that no row names, and the
// thumbnails of such files: what a server killed in the middle of a photo
// write leaves behind. PocketBase stores a new photo before the row that
// names it commits, and removes a replaced photo, or the files of a
// deleted record, after the commit (the latter in the background): a kill
// between the two steps leaves files without a row, which nothing else
// would ever remove. A file a row names is never touched, nor anything
// outside the photo collections' folders (audit archives).
//
// The server runs it at start, before it takes requests, so that no write
// is in flight; it returns the number of files removed.
func Sweep(app core.App) (int, error) {
	fsys, err := app.NewFilesystem()
	if err != nil {
		return 0, err
	}
	defer fsys.Close()
	removed := 0
	for _, name := range Collections {
		col, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			return removed, err
		}
		var fields []string
		for _, f := range col.Fields {
			if f.Type() == core.FieldTypeFile {
				fields = append(fields, f.GetName())
			}
		}
		prefix := col.Id + "/"
		objs, err := fsys.List(prefix)
		if err != nil {
			return removed, err
		}
		files := map[string][]string{} // record id -> its files' keys below its folder
		for _, o := range objs {
			id, rest, ok := strings.Cut(strings.TrimPrefix(o.Key, prefix), "/")
			if ok && rest != "" {
				files[id] = append(files[id], rest)
			}
		}
		ids := make([]string, 0, len(files))
		for id := range files {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		named := map[string]map[string]bool{} // record id -> the file names its row holds
		for start := 0; start < len(ids); start += 500 {
			recs, err := app.FindRecordsByIds(col, ids[start:min(start+500, len(ids))])
			if err != nil {
				return removed, err
			}
			for _, rec := range recs {
				names := map[string]bool{}
				for _, f := range fields {
					for _, n := range rec.GetStringSlice(f) {
						names[n] = true
					}
				}
				named[rec.Id] = names
			}
		}
		for _, id := range ids {
			for _, rest := range files[id] {
				if kept(rest, named[id]) {
					continue
				}
				if err := fsys.Delete(prefix + id + "/" + rest); err != nil {
					return removed, err
				}
				removed++
			}
		}
		if !app.Settings().S3.Enabled {
			n, err := sweepSidecars(filepath.Join(app.DataDir(), core.LocalStorageDirName, col.Id))
			removed += n
			if err != nil {
				return removed, err
			}
		}
	}
	return removed, nil
}

// sweepSidecars removes, below dir of the local store, the attribute files
// (<file>.attrs) whose file is not there: the local store writes a file's
// attributes before it moves the file into place, so a kill between the
// two leaves the attributes alone, which the store's listing never shows.
func sweepSidecars(dir string) (int, error) {
	removed := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, sidecarExt) {
			return nil
		}
		if _, err := os.Stat(strings.TrimSuffix(path, sidecarExt)); !errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err := os.Remove(path); err != nil {
			return err
		}
		removed++
		return nil
	})
	return removed, err
}

// sidecarExt is how the local store names a file's attributes file.
const sidecarExt = ".attrs"

// kept reports whether the file at rest (below its record's folder) is one
// of names or a thumbnail of one (thumbs_<name>/<size>_<name>).
func kept(rest string, names map[string]bool) bool {
	if dir, _, ok := strings.Cut(rest, "/"); ok {
		return strings.HasPrefix(dir, "thumbs_") && names[strings.TrimPrefix(dir, "thumbs_")]
	}
	return names[rest]
}

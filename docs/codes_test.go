package docs_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// codeRe is the form of an error code: lower-case words joined by "_".
var codeRe = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)+$`)

// errorCodes finds the error codes the server's sources can answer: a
// code-like string literal passed in one call with a bilingual message (a
// literal holding " / ", or a call of Text or Bilingual), and the values of
// constants named Code*. It reads the sources, not a registry, so that a
// code written in a new package is found too.
func errorCodes(t *testing.T, root string) map[string]string {
	codes := map[string]string{}
	fset := token.NewFileSet()
	skip := regexp.MustCompile(`^(migrations|internal|web|tests|bench|node_modules|pb_public|pb_data|docs)(/|$)`)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if rel != "." && (skip.MatchString(rel) || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		literal := func(e ast.Expr) (string, bool) {
			bl, ok := e.(*ast.BasicLit)
			if !ok || bl.Kind != token.STRING {
				return "", false
			}
			s, err := strconv.Unquote(bl.Value)
			return s, err == nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				for i, name := range n.Names {
					if strings.HasPrefix(name.Name, "Code") && i < len(n.Values) {
						if s, ok := literal(n.Values[i]); ok && codeRe.MatchString(s) {
							codes[s] = fset.Position(name.Pos()).String()
						}
					}
				}
			case *ast.CallExpr:
				bilingual := false
				for _, a := range n.Args {
					if s, ok := literal(a); ok && strings.Contains(s, " / ") {
						bilingual = true
					}
					if c, ok := a.(*ast.CallExpr); ok {
						if sel, ok := c.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Text" || sel.Sel.Name == "Sprintf") {
							if len(c.Args) > 0 {
								if s, ok := literal(c.Args[0]); ok && strings.Contains(s, " / ") || sel.Sel.Name == "Text" {
									bilingual = true
								}
							}
						}
					}
					if id, ok := a.(*ast.Ident); ok && strings.HasPrefix(id.Name, "msg") {
						bilingual = true // a bilingual message kept in a variable (msgOld, msgBody)
					}
				}
				if !bilingual {
					return true
				}
				for _, a := range n.Args {
					if s, ok := literal(a); ok && codeRe.MatchString(s) {
						if _, seen := codes[s]; !seen {
							codes[s] = fset.Position(a.Pos()).String()
						}
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return codes
}

// TestEveryErrorCodeIsDocumented fails on an error code the server can
// answer that no doc names: apps key their behaviour on data.<field>.code
// (api.md, Errors), so each one needs its field and meaning in the docs.
// PocketBase's own validation_* codes are documented as a family.
func TestEveryErrorCodeIsDocumented(t *testing.T) {
	files, _ := filepath.Glob("*.md")
	var docs strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs.Write(b)
	}
	text := docs.String()
	codes := errorCodes(t, "..")
	if len(codes) < 80 {
		t.Fatalf("found only %d codes: the source scan no longer sees them", len(codes))
	}
	var missing []string
	for code, where := range codes {
		if strings.HasPrefix(code, "validation_") {
			continue
		}
		// `code`, or with its status before it: `409 file_changed`
		if !regexp.MustCompile("`(?:[0-9]{3} )?" + regexp.QuoteMeta(code) + "`").MatchString(text) {
			missing = append(missing, code+" ("+where+")")
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("error code %s is answered by the server but no doc names it (in backticks)", m)
	}
}

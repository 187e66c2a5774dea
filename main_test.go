package main

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"regexp"
	"testing"
)

// The web builds link each bundle as name?v=<first 12 hex digits of its
// SHA-256>; static serves a bundle as immutable only under that URL. A
// build that changed the scheme would leave every bundle revalidated.
func TestBuiltPagesLinkBundlesByTheirHash(t *testing.T) {
	link := regexp.MustCompile(`(?:src|href)="/([^"?]+\.(?:js|css))\?v=([0-9a-f]+)"`)
	for _, page := range []string{"pb_public/index.html", "pb_public/app/index.html"} {
		html, err := fs.ReadFile(publicFiles, page)
		if err != nil {
			t.Fatal(err)
		}
		links := link.FindAllStringSubmatch(string(html), -1)
		if len(links) < 2 {
			t.Fatalf("%s links %d hashed bundles", page, len(links))
		}
		for _, l := range links {
			content, err := fs.ReadFile(publicFiles, "pb_public/"+l[1])
			if err != nil {
				t.Fatalf("%s links %s: %v", page, l[1], err)
			}
			sum := sha256.Sum256(content)
			if got := hex.EncodeToString(sum[:])[:12]; got != l[2] {
				t.Errorf("%s links %s?v=%s, its hash is %s", page, l[1], l[2], got)
			}
		}
	}
}

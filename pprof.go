//go:build pprof

package main

import (
	"log"
	"net/http"
	_ "net/http/pprof" // profiles of the real binary, built with -tags pprof only
	"os"
)

// A binary built with `go build -tags pprof` serves Go's profiles on
// JANGKAU_PPROF (for example 127.0.0.1:6060): how the benchmarks' hot
// spots are found. Release builds have no such listener.
func init() {
	if addr := os.Getenv("JANGKAU_PPROF"); addr != "" {
		go func() { log.Println(http.ListenAndServe(addr, nil)) }()
	}
}

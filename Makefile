# Jangkau: make run serves the app, make test runs every test.
# PocketBase v0.40 needs Go 1.27; the go command fetches it from the module proxy once.
export GOTOOLCHAIN := auto
export GOFLAGS := -mod=mod

BIN := ./jangkau
ADDR ?= 127.0.0.1:8090

.PHONY: build run demo test test-go test-node bench clean

build:
	go build -o $(BIN) .

run: build
	$(BIN) migrate up
	$(BIN) serve --http $(ADDR)

demo: build
	$(BIN) demo

test: test-go

test-go:
	go vet ./...
	go test -count=1 ./...

bench: build
	go test -run '^$$' -bench . -benchtime 1x ./...

clean:
	rm -rf $(BIN) pb_data test-output

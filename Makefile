# Jangkau: make run serves the app, make test runs every test.
# PocketBase v0.40 needs Go 1.27; the go command fetches it from the module proxy once.
export GOTOOLCHAIN := auto
export GOFLAGS := -mod=mod

BIN := ./jangkau
ADDR ?= 127.0.0.1:8090
CLIENTS := tests/clients

.PHONY: build run demo test test-go test-node bench clean

build:
	go build -o $(BIN) .

run: build
	$(BIN) migrate up
	$(BIN) serve --http $(ADDR)

demo: build
	$(BIN) demo

test: test-go test-node

test-go:
	go vet ./...
	go test -count=1 ./...

# End-to-end tests with the real WatermelonDB and RxDB libraries in Node 20,
# installed from tests/clients/package-lock.json, against ./jangkau.
test-node: build
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || \
		{ echo "test-node: Node.js 20 or newer (node and npm) is required for $(CLIENTS)" >&2; exit 1; }
	@node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || \
		{ echo "test-node: Node.js 20 or newer is required, found $$(node --version)" >&2; exit 1; }
	cd $(CLIENTS) && npm ci --no-audit --no-fund
	cd $(CLIENTS) && JANGKAU_BIN=$(abspath $(BIN)) node --test --test-reporter=spec --test-timeout=180000

bench: build
	go test -run '^$$' -bench . -benchtime 1x ./...

clean:
	rm -rf $(BIN) pb_data test-output $(CLIENTS)/node_modules

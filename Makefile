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

test: test-go test-pwa

test-go:
	go vet ./...
	go test -count=1 ./...

bench: build
	go test -run '^$$' -bench . -benchtime 1x ./...

clean:
	rm -rf $(BIN) pb_data test-output

# Field app (web/app -> pb_public/app, served at /app/). The bundle is
# committed, so `make run` needs only Go. After editing web/app: make app,
# then commit pb_public/app. CI runs make app-check.
.PHONY: app app-check test-pwa
CHROMIUM ?= /usr/bin/chromium

web/app/node_modules/.installed: web/app/package-lock.json
	cd web/app && npm ci --no-audit --no-fund
	touch $@

app: web/app/node_modules/.installed
	cd web/app && node build.mjs

# Fails when the committed pb_public/app differs from a fresh build.
app-check: app
	@git diff --exit-code --stat -- pb_public/app || { echo "pb_public/app is stale: run make app and commit it" >&2; exit 1; }
	@test -z "$$(git status --porcelain --untracked-files=all -- pb_public/app)" || { git status --short -- pb_public/app; echo "pb_public/app has files git does not know: run make app and commit them" >&2; exit 1; }

tests/pwa/node_modules/.installed: tests/pwa/package-lock.json
	cd tests/pwa && npm ci --no-audit --no-fund
	touch $@

# Browser tests of the field app: the real binary driven through Debian's
# Chromium (apt-get install chromium); screenshots in test-output/pwa/.
test-pwa: build tests/pwa/node_modules/.installed
	@test -x $(CHROMIUM) || { echo "$(CHROMIUM) is missing: apt-get install -y chromium" >&2; exit 1; }
	rm -rf test-output/pwa
	cd tests/pwa && CHROMIUM=$(CHROMIUM) JANGKAU_BIN=$(abspath $(BIN)) node --test --test-concurrency=1 ./*.test.mjs

# Jangkau: make run serves the app, make test runs every test.
# PocketBase v0.40 needs Go 1.27; the go command fetches it from the module proxy once.
export GOTOOLCHAIN := auto
export GOFLAGS := -mod=mod

BIN := ./jangkau
ADDR ?= 127.0.0.1:8090
CLIENTS := tests/clients

.PHONY: build run demo test test-go test-node bench clean web web-check test-browser lint

# staticcheck, pinned: `go run` fetches and builds this version through the
# module proxy, so a clean machine needs nothing installed.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

build:
	go build -o $(BIN) .

run: build
	$(BIN) migrate up
	$(BIN) serve --http $(ADDR)

demo: build
	$(BIN) demo --http $(ADDR)

test: test-go test-node test-browser test-pwa

test-go: lint mailpit
	go test -count=1 ./...

# Mailpit (a real SMTP server with an HTTP API) for the e-mail tests, built
# once per machine into the cache and reused (internal/testapp/mailpit.go).
MAILPIT_VERSION := v1.33.1
MAILPIT_DIR := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/jangkau-tools/mailpit-$(MAILPIT_VERSION)
.PHONY: mailpit
mailpit: $(MAILPIT_DIR)/mailpit
$(MAILPIT_DIR)/mailpit:
	GOBIN=$(MAILPIT_DIR) GOFLAGS= go install github.com/axllent/mailpit@$(MAILPIT_VERSION)

lint:
	go vet ./...
	go run $(STATICCHECK) ./...

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

# Go fuzzing of the sync request decoders past their seeds (go test runs the
# seeds), FUZZTIME per target. Minimising is off: under the fuzzer's coverage
# instrumentation the pure-Go SQLite makes each input slow, and minimising
# an input restarts the worker, which all but stops the run.
FUZZTIME ?= 20s
.PHONY: fuzz
fuzz:
	for f in $$(go test -list '^Fuzz' ./sync/ | grep '^Fuzz'); do \
		go test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 0s -parallel 1 ./sync/ || exit 1; done

clean:
	rm -rf $(BIN) pb_data test-output

# Web apps (web/ -> pb_public/, embedded by main.go). make run and make build
# need only Go: the built bundle is committed. After editing web/, run
# make web and commit pb_public; CI runs make web-check.
CHROMIUM ?= /usr/bin/chromium

web/node_modules/.installed: web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

web: web/node_modules/.installed
	cd web && node build.mjs

# Fails when the committed pb_public differs from a fresh build of web/.
web-check: web
	@git diff --exit-code --stat -- pb_public || { echo "pb_public is stale: run make web and commit it" >&2; exit 1; }
	@test -z "$$(git status --porcelain --untracked-files=all -- pb_public)" || { git status --short -- pb_public; echo "pb_public has files git does not know: run make web and commit it" >&2; exit 1; }

tests/browser/node_modules/.installed: tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund
	touch $@

# Browser tests: the real binary (built after the bundle) driven through
# Debian's Chromium (apt-get install chromium); screenshots in test-output/browser/.
test-browser: web tests/browser/node_modules/.installed mailpit
	@test -x $(CHROMIUM) || { echo "$(CHROMIUM) is missing: apt-get install -y chromium" >&2; exit 1; }
	$(MAKE) build
	rm -rf test-output/browser
	cd tests/browser && CHROMIUM=$(CHROMIUM) node --test --test-concurrency=1 ./*.test.mjs

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
test-pwa: build tests/pwa/node_modules/.installed mailpit
	@test -x $(CHROMIUM) || { echo "$(CHROMIUM) is missing: apt-get install -y chromium" >&2; exit 1; }
	rm -rf test-output/pwa
	cd tests/pwa && CHROMIUM=$(CHROMIUM) JANGKAU_BIN=$(abspath $(BIN)) node --test --test-concurrency=1 ./*.test.mjs

# Operations tests that start real processes on loopback: an S3 server
# (versitygw) and Litestream, each built once into
# $${XDG_CACHE_HOME:-$$HOME/.cache}/jangkau-tools/ and reused (the first
# build takes minutes). Test files carry the build tag ops.
.PHONY: test-ops
OPS_PACKAGES := ./objectstore/ ./backup/
test-ops:
	go test -tags ops -count=1 -timeout 30m $(OPS_PACKAGES)

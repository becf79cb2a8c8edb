# Eventboard's one entry point. `make run` and `make test` work from a clean
# clone: they install what they need first.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

GO          ?= go
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
ACTIONLINT  := github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
TOOLS       := $(CURDIR)/.tools
APIDOCS     := .build/apidocs

# Redocly CLI: no telemetry, no update check (CI has no such network).
export REDOCLY_TELEMETRY := off
export REDOCLY_SUPPRESS_UPDATE_NOTICE := true

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

.PHONY: run
run: apidocs frontend/dist/index.html ## run the whole system locally at http://127.0.0.1:8080
	$(GO) run ./cmd/eventboard local --docs $(APIDOCS)

# The SPA is built when dist is missing or older than any of its sources.
FRONTEND_SRC := $(shell find frontend/src frontend/public -type f 2>/dev/null) \
	frontend/index.html frontend/package.json frontend/package-lock.json frontend/tsconfig.json \
	frontend/vite.config.ts frontend/scripts/bundle-size.mjs

frontend/dist/index.html: frontend/node_modules $(FRONTEND_SRC)
	cd frontend && npm run build

frontend/node_modules: frontend/package.json frontend/package-lock.json
	cd frontend && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@touch frontend/node_modules

.PHONY: test-frontend
test-frontend: frontend/node_modules ## the SPA's unit tests (vitest): API client, session, state
	cd frontend && npm test

.PHONY: test-browser
test-browser: frontend/dist/index.html ## the SPA in Debian's chromium against a real `eventboard local`
	scripts/install-tools.sh chromium awscli
	cd frontend && npm run test:browser

.PHONY: frontend
frontend: frontend/dist/index.html ## build the SPA into frontend/dist (when its sources changed)

# `make test` first installs and builds what the tiers share (test-prepare),
# then runs the independent tiers TEST_JOBS at a time: they use free ports
# and their own temporary data, and most of their time is waiting (on a
# JVM, a browser, a long poll), not CPU. The longest start first, so the
# short ones fill in at the end. Each tier's output is printed whole when
# it ends; a table of wall times closes the run.
TEST_TIERS := unit lint-cfn dlq lint browser dynamodb-local deploy frontend cognito-local
TEST_JOBS  ?= 4
TIER_DIR   := .build/tiers

.PHONY: test
test: ## every test tier (what CI runs), in parallel, then each tier's wall time
	@start=$$(date +%s); rm -rf $(TIER_DIR); \
	scripts/tier.sh $(TIER_DIR) prepare $(MAKE) --no-print-directory test-prepare && \
	$(MAKE) --no-print-directory -k -O -j$(TEST_JOBS) $(addprefix tier-,$(TEST_TIERS)) || true; \
	scripts/tier-times.sh $(TIER_DIR) $$start prepare $(TEST_TIERS)

.PHONY: test-prepare
test-prepare: node_modules frontend/node_modules frontend/dist/index.html build ## install the tools and packages every tier needs, once, before they run in parallel
	scripts/install-tools.sh os rie dynamodb-local awscli chromium
	$(GO) mod download
	$(GO) build ./...

# The tiers use the bootstraps test-prepare built (BUILD_DEP empty): two
# tiers building them at once would write the same zips.
BUILD_DEP ?= build
tier-lint tier-lint-cfn: tier-%:
	@scripts/tier.sh $(TIER_DIR) $* $(MAKE) --no-print-directory BUILD_DEP= $*
tier-%:
	@scripts/tier.sh $(TIER_DIR) $* $(MAKE) --no-print-directory BUILD_DEP= test-$*

# The race detector runs on the packages with concurrency of their own
# (the local stack, the pollers and the DLQ tool, the outbox and the bus,
# the warmer, the Cognito adapter): the rest are handlers and pure logic,
# tested without it, which halves the tier's compile and run time.
RACE_PKGS := ./cmd/... ./internal/local/... ./internal/dlq/... ./internal/counterworker/... \
	./internal/outbox/... ./internal/outboxsweeper/... ./internal/eventbus/... ./internal/warmer/... \
	./internal/warmping/... ./internal/cognito/...

.PHONY: test-unit
test-unit: ## unit, handler, kumo and local-stack tests; the race detector on the concurrent packages
	race=$$($(GO) list $(RACE_PKGS)); \
	$(GO) test -race -count=1 $$race && \
	$(GO) test -count=1 $$($(GO) list ./... | grep -vxF "$$race")

.PHONY: test-short
test-short: ## the fast tests only
	$(GO) test -short ./...

.PHONY: tools
tools: ## install the tools the test tiers need (idempotent)
	scripts/install-tools.sh

.PHONY: test-dynamodb-local
test-dynamodb-local: tools ## the DynamoDB adapters, the counter worker under contention, and the built bootstraps under AWS's Lambda emulator, on DynamoDB Local
	# Nothing can be downloaded inside the namespace: warm the caches first.
	$(GO) mod download && $(GO) build ./... && $(GO) test -count=1 -run XXX ./internal/dynamo/ ./internal/counterworker/ ./internal/lambdatest/ >/dev/null
	scripts/dynamodb-local.sh env LAMBDA_RIE=$(TOOLS)/bin/aws-lambda-rie REQUIRE_LAMBDA_RIE=1 \
		$(GO) test -count=1 -timeout 15m -run 'DynamoDBLocal$$|TestBootstrapsUnderRIE' -skip '^TestMeasure' ./internal/dynamo/ ./internal/counterworker/ ./internal/lambdatest/

.PHONY: test-cognito-local
test-cognito-local: node_modules ## the Cognito adapter against cognito-local (npm)
	scripts/cognito-local.sh $(GO) test -count=1 -run TestProviderCognitoLocal ./internal/cognito/

# Two made-up account ids for the packaged bus policy's check.
SUBSCRIBERS := 111122223333,444455556666

.PHONY: test-deploy
test-deploy: $(BUILD_DEP) node_modules ## `serverless package` offline, then check the CloudFormation it generates
	# Once with subscriber accounts in the param (the bus policy), then as a
	# stage has it by default (none). The framework empties .serverless/ on
	# every run, so this order keeps both.
	SLS_OUT=.serverless-subscribers scripts/sls-package.sh --param="subscriberAccounts=$(SUBSCRIBERS)"
	scripts/sls-package.sh
	EVENTBOARD_CFN_TEMPLATE=$(CURDIR)/.serverless/cloudformation-template-update-stack.json EVENTBOARD_REQUIRE_CFN=1 \
		$(GO) test -count=1 ./internal/manifest/cfn/
	EVENTBOARD_CFN_TEMPLATE=$(CURDIR)/.serverless-subscribers/cloudformation-template-update-stack.json EVENTBOARD_REQUIRE_CFN=1 \
		EVENTBOARD_CFN_SUBSCRIBERS=$(SUBSCRIBERS) $(GO) test -count=1 -run TestGeneratedTemplate ./internal/manifest/cfn/

.PHONY: test-dlq
test-dlq: ## the operators' DLQ scenario: the AWS CLI and 'eventboard dlq' against a running 'eventboard local'
	scripts/install-tools.sh awscli
	scripts/dlq-scenario.sh

# AWS's own validators on the packaged prod template, with and without
# subscriber accounts (each in a directory of its own, so this can run beside
# test-deploy): cfn-lint 1.51 (pip install cfn-lint==1.51.0; its warnings settled in
# .cfnlintrc), cfn-guard with the Control Tower rules (npm), and the
# functions' environments against their Configs.
CFN_LINT_DIR := .serverless-lint
CFN_GUARD    := node_modules/@cdklabs/cdk-validator-cfnguard
.PHONY: lint-cfn
lint-cfn: $(BUILD_DEP) node_modules ## cfn-lint and cfn-guard (Control Tower rules) on the packaged templates; each function's environment against its Config
	@command -v cfn-lint >/dev/null || { echo "lint-cfn: cfn-lint is missing: pip install cfn-lint==1.51.0"; exit 1; }
	SLS_STAGE=prod SLS_OUT=$(CFN_LINT_DIR)/prod scripts/sls-package.sh
	SLS_STAGE=prod SLS_OUT=$(CFN_LINT_DIR)/prod-subscribers scripts/sls-package.sh --param="subscriberAccounts=$(SUBSCRIBERS)"
	cfn-lint $(CFN_LINT_DIR)/prod/cloudformation-template-update-stack.json $(CFN_LINT_DIR)/prod-subscribers/cloudformation-template-update-stack.json
	$(GO) test -count=1 -run TestEachFunctionGetsOnlyTheVariablesItReads ./internal/registry/
	for t in prod prod-subscribers; do \
		EVENTBOARD_CFN_TEMPLATE=$(CURDIR)/$(CFN_LINT_DIR)/$$t/cloudformation-template-update-stack.json EVENTBOARD_CFN_STAGE=prod \
		EVENTBOARD_CFN_GUARD=$(CURDIR)/$(CFN_GUARD)/bin/ubuntu/$$(uname -m)/cfn-guard EVENTBOARD_CFN_GUARD_RULES=$(CURDIR)/$(CFN_GUARD)/rules/control-tower/cfn-guard \
		EVENTBOARD_REQUIRE_CFN=1 EVENTBOARD_REQUIRE_GUARD=1 $(GO) test -count=1 -run 'TestControlTowerRules|TestStageDependsOnTheRoutesItsSettingsName|TestProductionSettings' ./internal/manifest/cfn/ || exit 1; \
	done

node_modules: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch node_modules

.PHONY: build
build: ## every function's bootstrap zip (linux/arm64) under .build/
	scripts/build-functions.sh arm64

.PHONY: bench
bench: build ## benchmarks and the load run; writes docs/performance.md
	scripts/bench.sh

.PHONY: bench-coldstart
bench-coldstart: ## only the cold starts of make bench: p50/p95 per function and the ratio to hello; fails over 1.25x
	scripts/install-tools.sh rie
	@mkdir -p .build
	LAMBDA_RIE=$(CURDIR)/.tools/bin/aws-lambda-rie EVENTBOARD_COLDSTART_OUT=$(CURDIR)/.build/coldstart.json \
		$(GO) test -count=1 -timeout 30m -run '^TestColdStarts$$' -v ./internal/lambdatest/ | grep -E 'p50|load average|over|^(ok|FAIL|---)'

.PHONY: load-read
load-read: ## read posts from eventboard local at LOAD_RATE/s (1000) for LOAD_SECONDS (30); fails on any 5xx
	EVENTBOARD_LOAD_READ=1 EVENTBOARD_LOAD_RATE=$${LOAD_RATE:-1000} EVENTBOARD_LOAD_SECONDS=$${LOAD_SECONDS:-30} \
		$(GO) test -count=1 -timeout 10m -run TestLoadReadRate -v ./internal/local/ | grep -E 'rate_test|^(---|ok|FAIL)'

.PHONY: load
load: ## step up the request rate against eventboard local until p99 > 100 ms; writes docs/load.*
	EVENTBOARD_LOAD_DOCS=$(CURDIR)/docs $(GO) test -count=1 -timeout 5m -run '^TestLoadSteps$$' -v ./internal/local/ | grep -E 'req/s|knee|counters|^(ok|FAIL|---)'

.PHONY: fuzz
fuzz: ## run each fuzz target for a while (FUZZTIME, default 30s)
	for t in FuzzCreate FuzzUpdate FuzzList; do $(GO) test -run XXX -fuzz "^$$t$$" -fuzztime $${FUZZTIME:-30s} ./internal/postapi/; done
	$(GO) test -run XXX -fuzz FuzzDecodeCursor -fuzztime $${FUZZTIME:-30s} ./internal/post/
	$(GO) test -run XXX -fuzz FuzzMessageBody -fuzztime $${FUZZTIME:-30s} ./internal/counterworker/

.PHONY: lint
lint: node_modules frontend/node_modules ## gofmt, go vet, staticcheck, go mod tidy; the OpenAPI and AsyncAPI contracts; actionlint; the SPA's types and API client
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	$(GO) mod tidy -diff
	npx --no-install redocly lint --format=stylish
	node scripts/asyncapi-validate.cjs events/asyncapi.yaml
	$(GO) run $(ACTIONLINT) .github/workflows/*.yml
	cd frontend && npm run --silent check:api && npx tsc -p .

# The API reference `eventboard local` serves at /local/docs: one HTML file
# with Redoc inlined (no CDN), rebuilt when the contract changes.
.PHONY: apidocs
apidocs: $(APIDOCS)/index.html ## the rendered API reference, from api/openapi.yaml
$(APIDOCS)/index.html: api/openapi.yaml redocly.yaml | node_modules
	npx --no-install redocly build-docs eventboard --inlineBundle --output $@

.PHONY: clean
clean: ## remove build output and local data
	rm -rf .build .serverless .serverless-subscribers .serverless-lint .eventboard

# The two commands of the README: `make demo` and `make test`. Each installs what is missing first.
SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := librdkafka-dev postgresql kcat
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build build-tests test demo bench clean deploy-check

# Idempotent: apt runs only when a package is missing.
deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@# The contract tests cross-check our JSON Schema validator against Python's reference implementation;
	@# schemathesis fuzzes rsc-export's public listener from its OpenAPI spec (ProcessTests).
	@python3 -c 'import jsonschema, rfc3339_validator, schemathesis' 2>/dev/null || python3 -m pip install -q jsonschema rfc3339-validator schemathesis

build: deps
	$(SWIFT) build

build-tests: deps
	$(SWIFT) build --build-tests

# Tests start their own PostgreSQL server (Debian's binaries, throwaway directory, loopback) and their own
# librdkafka mock clusters in-process; nothing else needs to be running.
test: build-tests deploy-check
	$(SWIFT) test --skip-build --disable-xctest

demo: build
	.build/debug/rsc demo

# Speed and memory, measured on a release build; figures go to docs/benchmarks.md by hand, with the machine.
bench: deps
	$(SWIFT) build -c release
	.build/release/rsc bench outbound
	.build/release/rsc bench first-sync
	.build/release/rsc bench reconcile
	.build/release/rsc bench inbound
	.build/release/rsc bench export

# Offline checks of deploy/ (manifests, alert rules and their tests, Dockerfile, metric names).
deploy-check:
	deploy/check

clean:
	rm -rf .build

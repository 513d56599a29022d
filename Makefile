# Thin wrapper: CMake builds, CTest tests, deploy/local/stack.sh runs the stack.
BUILD_DIR  ?= build
BUILD_TYPE ?= Release
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?=

.PHONY: all deps configure build test test-unit test-integration asan run up down status fmt clean \
        eval-related bench bench-related bench-gateway observe fuzz fault

all: build

deps:
	@deploy/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_ARGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Unit tests need nothing; integration tests start their own private
# PostgreSQL and Redis on free loopback ports and remove them afterwards.
test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

test-unit: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -L unit

test-integration: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -L integration

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer.
asan:
	@$(MAKE) test BUILD_DIR=build-asan BUILD_TYPE=Debug CMAKE_ARGS=-DAKHBAR_SANITIZE=ON

# The libFuzzer targets of tests/fuzz, built with clang in build-fuzz and run
# AKHBAR_FUZZ_SECONDS each (default 20) over their committed seed corpora.
fuzz: deps
	@JOBS=$(JOBS) tests/fuzz/run.sh

# The related engine measured through the real services on the labelled
# development corpus (tools/eval_related/README.md). The script checks for the
# corpus first (skipped without it), then installs, configures and builds.
eval-related:
	@BUILD_DIR=$(BUILD_DIR) JOBS=$(JOBS) tools/eval_related/eval.sh

bench-related:
	@BUILD_DIR=$(BUILD_DIR) JOBS=$(JOBS) tools/eval_related/eval.sh --bench

# Every hot path beside a reference doing the least work for the same answer,
# in one run (tools/bench/bench.sh; about 10 minutes; not part of make test).
bench:
	@BUILD_DIR=$(BUILD_DIR) JOBS=$(JOBS) tools/bench/bench.sh

# Only the gateway beside nginx serving the same bytes.
bench-gateway:
	@BUILD_DIR=$(BUILD_DIR) JOBS=$(JOBS) AKHBAR_BENCH_ONLY="import http" tools/bench/bench.sh

# Faults under load (Redis and PostgreSQL killed and hung, replicas killed,
# a rolling restart, overload) with a table of what happened (tools/fault).
fault:
	@BUILD_DIR=$(BUILD_DIR) JOBS=$(JOBS) tools/fault/fault.sh

# Foreground: Ctrl-C stops everything.
run: build
	@deploy/local/stack.sh run

up: build
	@deploy/local/stack.sh up

# The stack in the background and Prometheus scraping it, with the alerts.
observe: up
	@deploy/local/observe.sh start

down:
	@deploy/local/stack.sh down

status:
	@deploy/local/stack.sh status

fmt:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	@rm -rf $(BUILD_DIR) build-asan build-fuzz

# vigie — two commands: `make demo` and `make test`. Both install what is missing
# (scripts/deps.sh), build, and run. The build itself is CMake; this file only
# names the configurations:
#   build/release  Release (-O3)                     — what `make demo` runs
#   build/asan     Debug + ASan + UBSan              — every test runs here too
#   build/fuzz     clang + libFuzzer + ASan + UBSan  — fuzz targets
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
MAKEFLAGS += --no-print-directory
FUZZ_SECONDS ?= 20
CMAKE ?= cmake

.PHONY: all deps build release asan fuzz-build test test-release test-asan fuzz demo bench clean

all: build

deps:
	@bash scripts/deps.sh

build: release

release:
	@$(CMAKE) -S . -B build/release -DCMAKE_BUILD_TYPE=Release >/dev/null
	@$(CMAKE) --build build/release -j $(JOBS)

asan:
	@$(CMAKE) -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DVG_SANITIZE=ON >/dev/null
	@$(CMAKE) --build build/asan -j $(JOBS)

fuzz-build:
	@CC=clang $(CMAKE) -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVG_FUZZ=ON >/dev/null
	@$(CMAKE) --build build/fuzz -j $(JOBS)

test-release: release
	@cd build/release && ctest --output-on-failure -j $(JOBS)

test-asan: asan
	@cd build/asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

# Each fuzz target runs for FUZZ_SECONDS over its corpus; new inputs go to a scratch
# directory so the committed corpus only changes by hand.
fuzz: fuzz-build
	@bash scripts/fuzz.sh build/fuzz $(FUZZ_SECONDS)

test: deps
	@$(MAKE) --no-print-directory test-release test-asan fuzz
	@echo "make test: all configurations passed"

demo: deps release
	@bash scripts/demo.sh build/release/vigie

bench: deps release
	@build/release/bench/bench_codec

clean:
	rm -rf build

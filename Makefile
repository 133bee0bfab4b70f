# rxdesk — the front door. `make demo` and `make test` each work alone on a fresh Debian 12.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps build build-program test bench demo clean format asan fuzz

all: build

deps:
	@bash scripts/deps.sh

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The demo needs only the program, not the tests and benchmarks.
build-program: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS) --target rxdesk

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

bench: build
	@bash scripts/bench.sh $(BUILD_DIR)

demo: build-program
	@bash scripts/demo.sh $(BUILD_DIR)

asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DRXDESK_SANITIZE=ON
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ctest --output-on-failure -j $(JOBS)

# libFuzzer targets with ASan/UBSan in build-fuzz (clang); docs/fuzzing.md.
FUZZ_SECONDS ?= 60
fuzz: deps
	@FUZZ_SECONDS=$(FUZZ_SECONDS) JOBS=$(JOBS) bash scripts/fuzz.sh

format:
	find domain infra store services api app bench tests -name '*.h' -o -name '*.cc' | xargs -r clang-format -i

clean:
	rm -rf $(BUILD_DIR) build-asan build-fuzz

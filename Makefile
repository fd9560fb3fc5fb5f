# SPDX-License-Identifier: GPL-2.0-or-later
# Thin wrapper around Meson (style.md B7). `make`, `make demo`, `make test`, `make bench`.
BUILD ?= build
MESON ?= meson

.PHONY: all deps demo test bench fuzz clean check

all: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	$(MESON) setup $(BUILD) --buildtype=release -Db_ndebug=true

demo: all
	@scripts/demo $(BUILD)/tracewall

test: all
	@tests/run-all.sh $(BUILD)

bench: all
	@bench/run-bench.sh $(BUILD)

fuzz: deps
	@tests/fuzz/run-fuzz.sh

check:
	@scripts/checksrc.sh

clean:
	rm -rf $(BUILD) build-asan build-fuzz build-clang

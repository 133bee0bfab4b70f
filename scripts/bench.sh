#!/usr/bin/env bash
# Prints the benchmark figures. Usage: scripts/bench.sh BUILD_DIR
set -euo pipefail
BUILD_DIR=${1:-build}
echo "== domain core (Google Benchmark) =="
"$BUILD_DIR/bench/domain_bench" --benchmark_counters_tabular=true

#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets (fuzz/) with clang, AddressSanitizer
# and UBSan, runs each for FUZZ_SECONDS on its committed corpus, copies any
# crashing input to fuzz/regressions/<target>/ (replayed by ctest from then on),
# and prints per target the executions, executions per second and coverage.
# Exits 1 when a target crashed or broke a property. How to read it: docs/fuzzing.md.
#
# Usage: scripts/fuzz.sh [TARGET...]   (default: all targets)
# Environment: FUZZ_SECONDS (60 per target), FUZZ_BUILD_DIR (build-fuzz), JOBS (nproc).
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
BUILD_DIR=${FUZZ_BUILD_DIR:-build-fuzz}
JOBS=${JOBS:-$(nproc)}
ALL_TARGETS=(json_body address identifiers config)
if [ $# -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL_TARGETS[@]}"); fi
for t in "${TARGETS[@]}"; do
  [ -f "fuzz/${t}_fuzzer.cc" ] || { echo "fuzz: unknown target '$t' (known: ${ALL_TARGETS[*]})" >&2; exit 2; }
done

# 1. Toolchain: Debian's clang 14; libFuzzer and the sanitizer runtimes come with
# libclang-rt-14-dev. Installed with apt-get only when missing, as scripts/deps.sh does.
PACKAGES=(clang-14 libclang-rt-14-dev)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "fuzz: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
CXX_FUZZ=$(command -v clang++-14 || command -v clang++ || true)
[ -n "$CXX_FUZZ" ] || { echo "fuzz: clang++ not found" >&2; exit 2; }
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' >"$probe/p.cc"
if ! "$CXX_FUZZ" -fsanitize=fuzzer,address,undefined "$probe/p.cc" -o "$probe/p" 2>"$probe/err"; then
  echo "fuzz: $CXX_FUZZ cannot link -fsanitize=fuzzer (is libclang-rt-14-dev installed?):" >&2
  cat "$probe/err" >&2
  exit 2
fi

# 2. A separate clang build: libraries get coverage instrumentation and the
# sanitizers (fuzzer-no-link), the fuzz_* binaries link libFuzzer's main.
LAUNCHER=()
if command -v ccache >/dev/null; then LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$CXX_FUZZ" -DRXDESK_FUZZ=ON \
  "${LAUNCHER[@]}" \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g" \
  >"$probe/cmake.log" || { cat "$probe/cmake.log" >&2; exit 2; }
BINARIES=()
for t in "${TARGETS[@]}"; do BINARIES+=("fuzz_$t"); done
cmake --build "$BUILD_DIR" -j "$JOBS" --target "${BINARIES[@]}"

# 3. Run each target. New inputs go to a scratch corpus in the build dir (the
# first directory libFuzzer is given); the committed seeds and regressions are read only.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
summary=()
failed=0
for t in "${TARGETS[@]}"; do
  work="$BUILD_DIR/fuzz-corpus/$t"
  artifacts="$BUILD_DIR/fuzz-artifacts/$t"
  log="$BUILD_DIR/fuzz-logs/$t.log"
  mkdir -p "$work" "$artifacts" "$(dirname "$log")" "fuzz/regressions/$t"
  rm -f "$artifacts"/*
  dict=()
  if [ -f "fuzz/dict/$t.dict" ]; then dict=(-dict="fuzz/dict/$t.dict"); fi
  echo "== fuzz_$t: ${FUZZ_SECONDS} s (log: $log)"
  set +e
  "$BUILD_DIR/fuzz/fuzz_$t" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/" "${dict[@]}" "$work" "fuzz/corpus/$t" "fuzz/regressions/$t" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
  status_line=$(grep -E '^#[0-9]+' "$log" | grep ' cov: ' | tail -n 1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$status_line")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$status_line")
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$status_line")
  verdict="ok"
  crashes=()
  for f in "$artifacts"/*; do [ -f "$f" ] && crashes+=("$f"); done
  if [ ${#crashes[@]} -gt 0 ] || [ $rc -ne 0 ]; then
    verdict="CRASH"
    failed=1
    for f in "${crashes[@]}"; do
      cp "$f" "fuzz/regressions/$t/"
      echo "   saved fuzz/regressions/$t/$(basename "$f")"
    done
    grep -E 'ERROR: |fuzz property broken|runtime error|SUMMARY' "$log" | head -n 5 | sed 's/^/   /' || true
    [ ${#crashes[@]} -gt 0 ] || { echo "   exit code $rc without an artifact; see $log"; tail -n 20 "$log" | sed 's/^/   /'; }
  fi
  summary+=("$(printf '%-12s %12s execs %8s execs/s   cov %6s  ft %6s  corpus %6s   %s' \
    "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$verdict")")
done

echo
echo "== fuzz summary (${FUZZ_SECONDS} s per target; cov = covered edges, ft = features)"
printf '%s\n' "${summary[@]}"
if [ $failed -ne 0 ]; then
  echo "fuzz: a target crashed; its input is in fuzz/regressions/<target>/ (replay: build/fuzz/fuzz_regressions fuzz)"
  exit 1
fi

#!/usr/bin/env bash
# Fuzz the parsers for a bounded time: the SSE parser + event decoder + answer assembly,
# the markdown renderer and the sanitiser (tests/fuzz.rs), with many more cases than
# `cargo test` runs. Usage: bench/fuzz.sh [SECONDS] (default 300). Exits non-zero on any
# failure; proptest prints the minimal failing input.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
cases="${FUZZ_CASES:-200000}"
echo "fuzzing for at most ${seconds}s, ${cases} cases per target"
cargo build --release --tests -q
status=0
FUZZ_CASES="$cases" timeout --signal=INT "$seconds" \
  cargo test --release -q --test all fuzz:: -- --test-threads 2 || status=$?
# 124/130: the time bound ended the run without a failure.
if [ "$status" -eq 124 ] || [ "$status" -eq 130 ]; then
  echo "time bound reached without a failure"
  exit 0
fi
exit "$status"

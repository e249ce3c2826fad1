#!/usr/bin/env bash
# usage: run_regression.sh DIFF_DRIVER MODULE.wasm EXPECTED
# Runs MODULE.wasm through diff_driver and compares its events (all but the "module PATH"
# line) with EXPECTED; prints the difference and fails when they differ.
set -euo pipefail
driver=$1 wasm=$2 expected=$3
actual=$("$driver" "$wasm" 2>/dev/null | grep -v '^module ')
if ! diff -u "$expected" <(printf '%s\n' "$actual"); then
  echo "regression: $(basename "$wasm") differs from $(basename "$expected") (- expected, + weft)"
  exit 1
fi

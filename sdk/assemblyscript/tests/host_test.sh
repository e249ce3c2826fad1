#!/usr/bin/env bash
# The SDK's ABI exports and abort handling through weft itself: builds plugins/*_checks.ts and
# runs them with `weft process`. A record that fails an assertion must fail that event only,
# with the assertion's message logged, and the others must come out; a refused configuration
# must stop the run with the plugin's reason.
# Usage: host_test.sh WEFT_CLI [NODE]
set -u
weft=$1
node=${2:-node}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
asc=$root/node_modules/assemblyscript/bin/asc.js
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
failures=0
fail() { echo "FAILED: $*"; failures=$((failures + 1)); }

printf '%s\n' \
  '{"tag":"a","time":1,"record":{"n":1}}' \
  '{"tag":"a","time":2,"record":{"boom":true}}' \
  '{"tag":"a","time":3,"record":{"n":3}}' > "$out/in.ndjson"

for abi in weft elastic; do
  # From the repository root, so that --use names the SDK by its internal path.
  (cd "$root" && "$node" "$asc" "sdk/assemblyscript/tests/plugins/${abi}_checks.ts" \
    -o "$out/$abi.wasm" -O3 --noColors \
    --use "abort=sdk/assemblyscript/assembly/$abi/${abi}Abort") ||
    { fail "$abi: the plugin did not compile"; continue; }

  "$weft" process --abi "$abi" --plugin "$out/$abi.wasm" --log-level error \
    < "$out/in.ndjson" > "$out/$abi.out" 2> "$out/$abi.err"
  [ "$(wc -l < "$out/$abi.out")" -eq 2 ] ||
    fail "$abi: want 2 events out, got: $(cat "$out/$abi.out")"
  grep -q '"n":1' "$out/$abi.out" && grep -q '"n":3' "$out/$abi.out" ||
    fail "$abi: the events around the failing one are missing"
  grep -q 'line 2' "$out/$abi.err" || fail "$abi: no error for line 2 in: $(cat "$out/$abi.err")"
  grep -q 'abort: the record says boom at' "$out/$abi.err" ||
    fail "$abi: the assertion's message was not logged: $(cat "$out/$abi.err")"
  grep -q '1 failed' "$out/$abi.err" || fail "$abi: the summary does not count 1 failure"

  "$weft" process --abi "$abi" --plugin "$out/$abi.wasm" --config refuse=because \
    < "$out/in.ndjson" > "$out/$abi.out" 2> "$out/$abi.err"
  rc=$?
  [ "$rc" -ne 0 ] || fail "$abi: a refused configuration must stop the run"
  grep -q 'refused: because' "$out/$abi.err" ||
    fail "$abi: the refusal's reason is missing: $(cat "$out/$abi.err")"
  [ ! -s "$out/$abi.out" ] || fail "$abi: events came out despite the refusal"
done

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all host checks passed"

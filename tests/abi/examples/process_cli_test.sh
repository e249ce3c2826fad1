#!/usr/bin/env bash
# `weft process` as a user runs it: the bundled examples over the sample events, compared as
# JSON with the expected outputs; malformed lines reported with their line numbers while the
# other events still come out; the summary line; usage errors.
# usage: process_cli_test.sh WEFT EXAMPLES_OUT EVENTS_DIR FB_FILTER_WASM EVENTS_WASM
#   FB_FILTER_WASM  tests/abi/fluentbit's test filter (exports trapper and dropper)
#   EVENTS_WASM     the demo's weft-ABI processor (traps on a record containing "boom")
set -uo pipefail
weft=$1 out=$2 events=$3 fb_filter=$4 events_wasm=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# Compares two NDJSON files as JSON values, line by line.
same_events() {
  python3 - "$1" "$2" <<'PY'
import json, sys
a = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
b = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
if a != b:
    print("got:", *a, "expected:", *b, sep="\n  ", file=sys.stderr)
    sys.exit(1)
PY
}

run_example() {  # abi lang behaviour [extra args]
  local abi=$1 lang=$2 behaviour=$3
  shift 3
  local wasm=$out/$abi/$lang/$behaviour.wasm
  [ -f "$wasm" ] || { fail "$wasm was not built"; return; }
  "$weft" process --abi "$abi" --plugin "$wasm" "$@" < "$events/sample.ndjson" > "$tmp/out" 2> "$tmp/err"
  local rc=$?
  [ $rc -eq 0 ] || { fail "$abi/$lang/$behaviour: exit $rc: $(cat "$tmp/err")"; return; }
  same_events "$tmp/out" "$events/expected/$behaviour.ndjson" || fail "$abi/$lang/$behaviour: wrong output"
  local n_out
  n_out=$(grep -c . "$events/expected/$behaviour.ndjson")
  grep -q "^weft process: 7 events in, $n_out out, $((7 - n_out)) dropped, 0 failed, 0 malformed (" "$tmp/err" ||
    fail "$abi/$lang/$behaviour: summary line: $(cat "$tmp/err")"
}

for b in redact parse drop; do
  run_example weft c $b
  run_example elastic c $b
  run_example fluentbit c $b --function filter
done

# Malformed lines: reported with their numbers; every other event still comes out; exit 65.
{
  sed -n 1,2p "$events/sample.ndjson"
  echo '{"tag":"x","record":[1,2]}'
  echo 'not json at all'
  echo
  sed -n 3,7p "$events/sample.ndjson"
} > "$tmp/mixed.ndjson"
"$weft" process --abi weft --plugin "$out/weft/c/redact.wasm" "$tmp/mixed.ndjson" > "$tmp/out" 2> "$tmp/err"
rc=$?
[ $rc -eq 65 ] || fail "malformed lines: exit $rc, expected 65"
grep -q "^weft process: $tmp/mixed.ndjson:3: malformed event: record: must be a JSON object$" "$tmp/err" &&
grep -q "^weft process: $tmp/mixed.ndjson:4: malformed event: invalid JSON" "$tmp/err" ||
  fail "malformed lines: messages: $(cat "$tmp/err")"
grep -q "^weft process: 9 events in, 7 out, 0 dropped, 0 failed, 2 malformed (" "$tmp/err" ||
  fail "malformed lines: summary: $(cat "$tmp/err")"
same_events "$tmp/out" "$events/expected/redact.ndjson" || fail "malformed lines: the good events"

# From standard input, the line number alone.
printf '{"record":{}}\n{"record":5}\n' |
  "$weft" process --abi weft --plugin "$out/weft/c/redact.wasm" > "$tmp/out" 2> "$tmp/err"
grep -q "^weft process: line 2: malformed event: record: must be a JSON object$" "$tmp/err" ||
  fail "stdin line numbers: $(cat "$tmp/err")"
grep -q '^{"tag":"weft","time":[0-9]*\.[0-9]\{9\},"record":{}}$' "$tmp/out" || fail "default tag and time: $(cat "$tmp/out")"

# A plugin that traps on one event, or answers one with something that is not a JSON object:
# that event is reported with its reason, the others come out, nothing is dropped silently.
printf '%s\n' '{"tag":"t","time":1,"record":{"m":"ok"}}' '{"tag":"t","time":2,"record":{"m":"boom"}}' \
  '{"tag":"t","time":3,"record":{"m":"fine"}}' > "$tmp/boom.ndjson"
"$weft" process --abi fluentbit --function trapper --plugin "$fb_filter" < "$tmp/boom.ndjson" > "$tmp/out" 2> "$tmp/err"
rc=$?
[ $rc -eq 65 ] || fail "fluentbit trap: exit $rc"
grep -q '^weft process: line 2: .*unreachable' "$tmp/err" || fail "fluentbit trap: message: $(cat "$tmp/err")"
[ "$(grep -c . "$tmp/out")" -eq 2 ] && grep -q '"m":"ok"' "$tmp/out" && grep -q '"m":"fine"' "$tmp/out" ||
  fail "fluentbit trap: the other events: $(cat "$tmp/out")"
grep -q "^weft process: 3 events in, 2 out, 0 dropped, 1 failed, 0 malformed (" "$tmp/err" ||
  fail "fluentbit trap: summary: $(cat "$tmp/err")"

"$weft" process --abi weft --plugin "$events_wasm" --batch 3 < "$tmp/boom.ndjson" > "$tmp/out" 2> "$tmp/err"
rc=$?
[ $rc -eq 65 ] && grep -q '^weft process: line 2: weft_process trapped: unreachable' "$tmp/err" &&
  [ "$(grep -c . "$tmp/out")" -eq 2 ] || fail "weft trap in a batch: exit $rc: $(cat "$tmp/err") $(cat "$tmp/out")"

printf '%s\n' '{"record":{"k":"text"}}' '{"record":{"k":"null"}}' '{"record":{"k":"array"}}' '{"record":{"k":"v"}}' |
  "$weft" process --abi fluentbit --function dropper --plugin "$fb_filter" > "$tmp/out" 2> "$tmp/err"
rc=$?
[ $rc -eq 65 ] || fail "fluentbit invalid output: exit $rc"
grep -q '^weft process: line 1: .*invalid JSON' "$tmp/err" && grep -q '^weft process: line 3: .*JSON object' "$tmp/err" ||
  fail "fluentbit invalid output: messages: $(cat "$tmp/err")"
grep -q "^weft process: 4 events in, 1 out, 1 dropped, 2 failed, 0 malformed (" "$tmp/err" ||
  fail "fluentbit invalid output: summary: $(cat "$tmp/err")"

# Usage errors.
"$weft" process --plugin x.wasm < /dev/null > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -eq 64 ] && grep -q -- "--abi is required" "$tmp/err" || fail "missing --abi: exit $rc: $(cat "$tmp/err")"
"$weft" process --abi nope --plugin x.wasm < /dev/null > /dev/null 2> "$tmp/err"
[ $? -eq 64 ] || fail "bad --abi"
"$weft" process --abi weft --plugin "$tmp/none.wasm" < /dev/null > /dev/null 2> "$tmp/err"
[ $? -eq 66 ] || fail "missing plugin file: $(cat "$tmp/err")"
"$weft" process --abi fluentbit --plugin "$out/fluentbit/c/redact.wasm" < /dev/null > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q "no default function" "$tmp/err" || fail "fluentbit without --function: exit $rc: $(cat "$tmp/err")"
# A plugin of another ABI is refused before it runs.
"$weft" process --abi elastic --plugin "$out/weft/c/redact.wasm" < "$events/sample.ndjson" > "$tmp/out" 2> "$tmp/err"
rc=$?
[ $rc -eq 1 ] && [ ! -s "$tmp/out" ] || fail "wrong ABI: exit $rc: $(cat "$tmp/err")"

if [ $failures -ne 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "process CLI: all checks passed"

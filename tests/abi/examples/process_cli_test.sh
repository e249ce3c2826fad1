#!/usr/bin/env bash
# `weft process` as a user runs it: the bundled examples over the sample events, compared as
# JSON with the expected outputs; malformed lines reported with their line numbers while the
# other events still come out; the summary line; usage errors.
# usage: process_cli_test.sh WEFT EXAMPLES_OUT EVENTS_DIR
set -uo pipefail
weft=$1 out=$2 events=$3
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

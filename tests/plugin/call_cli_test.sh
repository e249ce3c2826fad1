#!/usr/bin/env bash
# `weft call` with the C test plugins: output bytes, guest errors (status 1), traps (2),
# limits, config, logging, manifests and usage errors.
# usage: call_cli_test.sh WEFT PLUGIN_DIR
set -u
WEFT=$1
DIR=$(cd "$2" && pwd)
P=$DIR/abi_test.wasm
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect NAME STATUS STDOUT STDERR_SUBSTRING -- ARGS... (stdin from /dev/null)
expect() {
  local name=$1 want_status=$2 want_out=$3 want_err=$4
  shift 5
  local out err status
  out=$("$WEFT" "$@" </dev/null 2>"$tmp/err")
  status=$?
  err=$(cat "$tmp/err")
  if [[ $status -ne $want_status || "$out" != "$want_out" || "$err" != *"$want_err"* ]]; then
    echo "FAIL $name: status $status (want $want_status), stdout '$out' (want '$want_out'), stderr '$err' (want ...'$want_err'...)"
    failures=$((failures + 1))
  else
    echo "ok   $name"
  fi
}

expect upper 0 "HELLO" "" -- call "$P" upper --input hello
expect input_eq 0 "x=y" "" -- call "$P" echo --input=x=y
printf 'from a file' >"$tmp/in"
expect input_file 0 "from a file" "" -- call "$P" echo --input-file "$tmp/in"
out=$(printf 'piped' | "$WEFT" call "$P" echo)
if [[ "$out" == "piped" ]]; then echo "ok   stdin"; else echo "FAIL stdin: '$out'"; failures=$((failures + 1)); fi
expect config 0 "hi" "" -- call "$P" config --input greeting --config greeting=hi
expect config_absent 0 "<none>" "" -- call "$P" config --input greeting
expect guest_error 1 "" "error: boom: bad" -- call "$P" fail --input bad
expect return_code 1 "" "returned 7" -- call "$P" rc --input ""
expect trap 2 "" "unreachable" -- call "$P" trap --input ""
expect timeout 2 "" "timed out after 100 ms" -- call "$P" loop --input "" --timeout 100
expect fuel 2 "" "out of fuel" -- call "$P" loop --input "" --fuel 10000
expect max_pages 0 "fail" "" -- call "$P" grow --input 100 --max-pages 4
expect log 0 "1" "[debug] debug line" -- call "$P" log --input "info" --log-level debug
expect log_off 0 "2147483647" "" -- call "$P" log --input "info"
expect http_bad_request 2 "" 'the request needs a "url" string' -- call "$P" http --input ""
expect no_function 1 "" "no function named 'nope'" -- call "$P" nope --input ""
expect unlinkable 1 "" "extism:host/user" -- call "$DIR/abi_host.wasm" greet --input ""
expect no_file 66 "" "cannot read" -- call "$tmp/missing.wasm" echo --input ""
expect usage 64 "" "expected PLUGIN_OR_MANIFEST and FUNC" -- call "$P"
expect bad_level 64 "" "--log-level needs" -- call "$P" echo --log-level loud

# --wasi and --allow-path: a WASI plugin opens files under the preopen only.
W=$DIR/../as/abi_wasi.wasm
if [[ -f "$W" ]]; then
  mkdir -p "$tmp/data" && printf 'x' >"$tmp/data/file.txt" && printf 's' >"$tmp/secret.txt"
  expect wasi_inside 0 "0" "" -- call "$W" open_path --input file.txt --wasi --allow-path "$tmp/data:/data"
  expect wasi_outside 0 "76" "" -- call "$W" open_path --input ../secret.txt --wasi --allow-path "$tmp/data:/data"
  expect wasi_unlinked 1 "" "wasi_snapshot_preview1" -- call "$W" open_path --input file.txt
else
  echo "FAIL wasi: $W was not built"
  failures=$((failures + 1))
fi

hash=$(sha256sum "$P" | cut -d' ' -f1)
cat >"$tmp/good.json" <<JSON
{"wasm": [{"path": "$P", "hash": "$hash"}], "config": {"greeting": "manifest"}}
JSON
expect manifest 0 "manifest" "" -- call "$tmp/good.json" config --input greeting
expect manifest_override 0 "cli" "" -- call "$tmp/good.json" config --input greeting --config greeting=cli
cat >"$tmp/bad.json" <<JSON
{"wasm": [{"path": "$P", "hash": "0000000000000000000000000000000000000000000000000000000000000000"}]}
JSON
expect manifest_bad_hash 1 "" "wasm[0].hash: sha256 mismatch" -- call "$tmp/bad.json" echo --input x
cat >"$tmp/timeout.json" <<JSON
{"wasm": [{"path": "$P"}], "timeout_ms": 50}
JSON
expect manifest_timeout 2 "" "timed out after 50 ms" -- call "$tmp/timeout.json" loop --input ""

if [[ $failures -ne 0 ]]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all passed"

#!/usr/bin/env bash
# `weft run` end to end: exit statuses, traps, usage errors, bad directories.
#   run_cli_test.sh WEFT MODULES_DIR
set -uo pipefail
weft=$1 mods=$2
failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/weft-run-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

check() {  # NAME EXPECTED_STATUS EXPECTED_STDOUT_SUBSTRING EXPECTED_STDERR_SUBSTRING -- CMD...
  local name=$1 want=$2 out_sub=$3 err_sub=$4
  shift 5
  "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null
  local got=$?
  local ok=1
  [ "$got" = "$want" ] || ok=0
  [ -z "$out_sub" ] || grep -qF -- "$out_sub" "$tmp/out" || ok=0
  [ -z "$err_sub" ] || grep -qF -- "$err_sub" "$tmp/err" || ok=0
  if [ $ok = 1 ]; then
    echo "ok   $name"
  else
    echo "FAIL $name: status $got (want $want)"
    sed 's/^/  out: /' "$tmp/out"
    sed 's/^/  err: /' "$tmp/err"
    failed=1
  fi
}

check proc_exit 42 "" "" -- "$weft" run "$mods/exit42.wasm"
check trap 2 "" "unreachable" -- "$weft" run "$mods/trap.wasm"
check hello 0 "hello" "" -- "$weft" run "$mods/hello.wasm"
check bad_pointer_is_efault 21 "" "" -- "$weft" run "$mods/badptr.wasm"
check no_start 64 "" "_start" -- "$weft" run "$mods/reactor.wasm"
check missing_dir 66 "" "cannot open preopened directory" -- \
  "$weft" run --dir "$tmp/does-not-exist" "$mods/hello.wasm"
check dir_after_module 0 "hello" "" -- "$weft" run "$mods/hello.wasm" --dir "$tmp" --env A=B -- x
check bad_env 64 "" "KEY=VALUE" -- "$weft" run "$mods/hello.wasm" --env NOEQUALS
check no_module 64 "" "no module" -- "$weft" run
check unreadable 66 "" "cannot read" -- "$weft" run "$tmp/nope.wasm"
# A read-only preopen: the C guest's first write fails with EROFS (wasi-libc's errno is
# WASI's: 69) and it exits with 10.
if [ -f "$mods/../guests/c_files.wasm" ]; then
  mkdir -p "$tmp/ro"
  check read_only_dir 10 "open out.txt: errno 69" "" -- \
    "$weft" run --dir-ro "$tmp/ro::/sandbox" "$mods/../guests/c_files.wasm"
  [ ! -e "$tmp/ro/out.txt" ] || { echo "FAIL read_only_dir: out.txt was created"; failed=1; }
fi
check help 0 "usage: weft run" "" -- "$weft" run --help
check listed 0 "run" "" -- "$weft" --help
exit $failed

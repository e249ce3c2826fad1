#!/usr/bin/env bash
# End-to-end tests of the `weft` command line, one case per ctest test (cli.<case>).
#
# usage: WEFT=path/to/weft MODULES=dir/of/test/modules WEFT_VERSION=x.y.z cli_test.sh CASE
# The test modules are tests/cli/modules/*.wat, converted by wat2wasm at build time.
set -u

case_name=${1:?usage: cli_test.sh CASE}
: "${WEFT:?set WEFT to the weft binary}" "${MODULES:?set MODULES to the test modules}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

# weft ARGS...: runs weft (stdin from $stdin if set), keeps stdout, stderr and the status.
weft() {
  "$WEFT" "$@" >"$tmp/out" 2>"$tmp/err" <"${stdin:-/dev/null}"
  status=$?
  last="weft $*"
}
fail() {
  echo "FAIL: $last: $*"
  echo "--- stdout:"; cat "$tmp/out"
  echo "--- stderr:"; cat "$tmp/err"
  echo "---"
  failures=$((failures + 1))
}
expect_status() { [ "$status" -eq "$1" ] || fail "exit status $status, expected $1"; }
# expect_out TEXT / expect_err TEXT: the output contains TEXT (fixed string).
expect_out() { grep -qF -- "$1" "$tmp/out" || fail "stdout lacks: $1"; }
expect_err() { grep -qF -- "$1" "$tmp/err" || fail "stderr lacks: $1"; }
# expect_out_i TEXT: case-insensitively.
expect_out_i() { grep -qiF -- "$1" "$tmp/out" || fail "stdout lacks (any case): $1"; }
# expect_stdout TEXT: stdout is exactly TEXT (plus a final newline).
expect_stdout() {
  [ "$(cat "$tmp/out")" = "$1" ] || fail "stdout is not exactly: $1"
}

m=$MODULES
case "$case_name" in
  help)
    weft --help; expect_status 0
    expect_out "usage: weft <command>"
    for c in validate invoke inspect demo; do expect_out "  $c "; done
    weft help invoke; expect_status 0; expect_out "usage: weft invoke"; expect_out "--enable=FEATURE"
    weft invoke --help; expect_status 0; expect_out "usage: weft invoke"
    weft validate -h; expect_status 0; expect_out "usage: weft validate"
    ;;
  version)
    weft --version; expect_status 0; expect_stdout "weft ${WEFT_VERSION:-}"
    ;;
  usage)
    weft; expect_status 64; expect_err "no command given"
    weft frobnicate; expect_status 64; expect_err "unknown command 'frobnicate'"
    weft validate; expect_status 64; expect_err "no module given"; expect_err "usage: weft validate"
    weft validate --bogus "$m/arith.wasm"; expect_status 64; expect_err "unknown option '--bogus'"
    weft validate --enable=telepathy "$m/arith.wasm"; expect_status 64; expect_err "unknown feature 'telepathy'"
    weft inspect "$m/arith.wasm" "$m/arith.wasm"; expect_status 64; expect_err "one module at a time"
    weft invoke; expect_status 64; expect_err "no module given"
    weft demo no-such-scenario; expect_status 64; expect_err "no scenario named 'no-such-scenario'"
    ;;
  io)
    weft validate "$tmp/missing.wasm"; expect_status 66
    expect_err "io: cannot read '$tmp/missing.wasm': No such file or directory"
    weft invoke "$tmp/missing.wasm" f; expect_status 66; expect_err "No such file or directory"
    weft inspect "$tmp"; expect_status 66; expect_err "it is a directory"
    : >"$tmp/empty.wasm"
    weft validate "$tmp/empty.wasm"; expect_status 1; expect_err "malformed"
    ;;
  validate_good)
    weft validate "$m/arith.wasm"; expect_status 0; expect_stdout "valid"
    stdin="$m/arith.wasm" weft validate -; expect_status 0; expect_stdout "valid"
    ;;
  validate_invalid)
    weft validate "$m/invalid.wasm"; expect_status 1
    expect_err "invalid.wasm: invalid at offset 0x"
    weft validate "$m/arith.wasm" "$m/invalid.wasm"; expect_status 1
    expect_out "$m/arith.wasm: valid"; expect_err "invalid.wasm: invalid at offset 0x"
    ;;
  validate_malformed)
    printf '\0asm\1\0\0\0\1\5\1' >"$tmp/truncated.wasm"   # a type section cut short
    weft validate "$tmp/truncated.wasm"; expect_status 1; expect_err "malformed at offset 0x"
    printf '(module)' >"$tmp/text.wasm"
    weft validate "$tmp/text.wasm"; expect_status 1; expect_err "malformed at offset 0x"
    ;;
  invoke_results)
    weft invoke "$m/arith.wasm" add 2 3; expect_status 0; expect_stdout "i32:5"
    weft invoke "$m/arith.wasm" add -1 0x10; expect_status 0; expect_stdout "i32:15"
    weft invoke "$m/arith.wasm" add 0xffffffff 1; expect_status 0; expect_stdout "i32:0"
    weft invoke "$m/arith.wasm" add64 9223372036854775807 1; expect_status 0
    expect_stdout "i64:-9223372036854775808"
    weft invoke "$m/arith.wasm" swap 7 -0x8; expect_status 0; expect_stdout "i64:-8
i32:7"
    weft invoke "$m/arith.wasm" nothing; expect_status 0; expect_stdout ""
    weft invoke "$m/arith.wasm" add -- 1 2; expect_status 0; expect_stdout "i32:3"
    ;;
  invoke_floats)
    weft invoke "$m/arith.wasm" fdiv32 1 4; expect_status 0; expect_stdout "f32:0x1p-2"
    weft invoke "$m/arith.wasm" fmul64 1.5 2; expect_status 0; expect_stdout "f64:0x1.8p+1"
    weft invoke "$m/arith.wasm" fmul64 0x1p-3 -8; expect_status 0; expect_stdout "f64:-0x1p+0"
    weft invoke "$m/arith.wasm" bits32 nan; expect_status 0; expect_stdout "i32:2143289344"
    weft invoke "$m/arith.wasm" bits32 -nan:0x1; expect_status 0; expect_stdout "i32:-8388607"
    weft invoke "$m/arith.wasm" bits32 inf; expect_status 0; expect_stdout "i32:2139095040"
    weft invoke "$m/arith.wasm" bits32 -0; expect_status 0; expect_stdout "i32:-2147483648"
    weft invoke "$m/arith.wasm" bits32 0.1; expect_status 0; expect_stdout "i32:1036831949"
    ;;
  invoke_bad_args)
    weft invoke "$m/arith.wasm"; expect_status 64; expect_err "no function given"
    weft invoke "$m/arith.wasm" add 1; expect_status 64
    expect_err "add takes 2 argument(s) (i32, i32) -> (i32), got 1"
    weft invoke "$m/arith.wasm" add 1 x; expect_status 64; expect_err "argument 2 of add"
    weft invoke "$m/arith.wasm" add 1 4294967296; expect_status 64; expect_err "out of range for i32"
    weft invoke "$m/arith.wasm" fdiv32 1 1e39; expect_status 64; expect_err "out of range for f32"
    weft invoke "$m/arith.wasm" bits32 nan:0x800000; expect_status 64; expect_err "NaN payload"
    weft invoke "$m/arith.wasm" nope; expect_status 64
    expect_err "exports no function named 'nope'"; expect_err "add: (i32, i32) -> (i32)"
    weft invoke "$m/arith.wasm" mem; expect_status 64; expect_err "exports no function named 'mem'"
    ;;
  invoke_trap)
    weft invoke "$m/arith.wasm" div_s 1 0; expect_status 2
    expect_err "trap (integer_divide_by_zero)"; expect_err "integer divide by zero"
    weft invoke "$m/arith.wasm" div_s -2147483648 -1; expect_status 2
    expect_err "trap (integer_overflow)"
    ;;
  invoke_unlinkable)
    weft invoke "$m/imports.wasm" run; expect_status 1
    expect_err "unlinkable"; expect_err "env.log: func (i32) -> ()"
    expect_err "env.memory: memory 1"; expect_err "env.base: global i32"
    ;;
  invoke_uninstantiable)
    weft invoke "$m/start_trap.wasm" never; expect_status 1; expect_err "uninstantiable"
    ;;
  inspect)
    weft inspect "$m/arith.wasm"; expect_status 0
    expect_out "bytes, valid"; expect_out "sections (7)"
    expect_out_i "type"; expect_out_i "code"; expect_out "0x0000000a"
    expect_out "imports (0)"; expect_out "exports (12)"
    expect_out "add: func (i32, i32) -> (i32)"; expect_out "swap: func (i32, i64) -> (i64, i32)"
    expect_out "mem: memory 1..2"; expect_out "tab: table 2 funcref"
    expect_out "answer: global i32"; expect_out "counter: global mut i64"
    weft inspect "$m/imports.wasm"; expect_status 0
    expect_out "imports (3)"; expect_out "env.log: func (i32) -> ()"
    weft inspect "$m/invalid.wasm"; expect_status 1; expect_err "invalid at offset 0x"
    # --code: the lowered code, per defined function, headed by its index and export names
    weft inspect --code "$m/arith.wasm"; expect_status 0
    expect_out "lowered code:"; expect_out 'func 0 "add":'
    expect_out "i32_add              0 0 8"; expect_out "ret"
    ;;
  demo)
    weft demo; expect_status 0
    expect_out "demo: 8 of 8 scenarios behaved as expected"
    expect_out "fac_rec(i64:20) = i64:2432902008176640000"
    expect_out "fib_step(i64:5, i64:8) = i64:8, i64:13"
    expect_out "memory[64, 81) = \"bulk memory works\""
    expect_out "trap: integer divide by zero (integer_divide_by_zero)"
    expect_out "env.print(\"hello from wasm\")"
    expect_out "-> unlinkable"
    if grep -q UNEXPECTED "$tmp/out"; then fail "a demo step did not behave as expected"; fi
    weft demo --list; expect_status 0; expect_out "factorial: "; expect_out "validation: "
    weft demo traps; expect_status 0; expect_out "demo: 1 of 1 scenarios behaved as expected"
    ;;
  *)
    echo "cli_test.sh: unknown case '$case_name'" >&2
    exit 2
    ;;
esac

if [ "$failures" -ne 0 ]; then
  echo "cli.$case_name: $failures check(s) failed"
  exit 1
fi
echo "cli.$case_name: ok"

#!/usr/bin/env bash
# Runs one WASI guest under `weft run` and under node's WASI, each in a fresh sandbox
# directory seeded the same way, and compares standard output, standard error, the exit
# status and what the guest left in its directory.
#   compare.sh WEFT NODE_RUNNER MODULE.wasm EXPECTED_STATUS [ARGS...]
set -uo pipefail
weft=$1 runner=$2 module=$3 expected=$4
shift 4
work=$(mktemp -d "${TMPDIR:-/tmp}/weft-wasi-XXXXXX")
trap 'rm -rf "$work"' EXIT

run_one() {  # NAME COMMAND...
  local name=$1
  shift
  mkdir -p "$work/$name/sandbox"
  printf 'input line 1\ninput line 2\n' > "$work/$name/sandbox/input.txt"
  printf 'line a\nline b\nline c\n' |
    "$@" "$module" --dir "$work/$name/sandbox::/sandbox" --env GREETING=hello \
      -- "first arg" "$expected" "${extra[@]}" \
      > "$work/$name.out" 2> "$work/$name.err"
  echo $? > "$work/$name.status"
  (cd "$work/$name/sandbox" && find . | sort) > "$work/$name.tree"
}
extra=("$@")
run_one weft "$weft" run
run_one node node --no-warnings "$runner"

status=0
for part in out err status tree; do
  if ! diff -u "$work/node.$part" "$work/weft.$part" > "$work/diff.$part"; then
    echo "compare: $(basename "$module"): $part differs (node vs weft):"
    cat "$work/diff.$part"
    status=1
  fi
done
if [ "$(cat "$work/weft.status")" != "$expected" ]; then
  echo "compare: $(basename "$module"): exit status $(cat "$work/weft.status"), expected $expected"
  status=1
fi
[ $status -eq 0 ] && echo "compare: $(basename "$module"): same output, status $expected"
exit $status

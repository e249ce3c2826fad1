;; _start calls proc_exit(42): `weft run` exits with 42.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (call $exit (i32.const 42)) unreachable))

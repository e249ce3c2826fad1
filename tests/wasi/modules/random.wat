;; `fill` writes random_get(0, 16) and clock_time_get(monotonic) at 32; `errno_of` returns
;; what random_get says for a buffer past the end of memory.
(module
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "fill") (result i32)
    (i32.or (call $random (i32.const 0) (i32.const 16))
            (call $clock (i32.const 1) (i64.const 0) (i32.const 32))))
  (func (export "errno_of") (result i32) (call $random (i32.const 65530) (i32.const 16))))

;; The conventions the three oracles are read with: binaryen 108's interpreter logs an i64
;; as two signed i32 halves, low first ("[LoggingExternalInterface logging -9 -1]" is -9);
;; node passes a BigInt; weft logs one signed decimal. Floats are widened to f64 and printed
;; shortest; -0 stays -0. Traps end a call, not the run; the memory is hashed at the end.
(module
  (import "fuzzing-support" "log-i64" (func $log-i64 (param i64)))
  (import "fuzzing-support" "log-f32" (func $log-f32 (param f32)))
  (import "fuzzing-support" "log-f64" (func $log-f64 (param f64)))
  (memory (export "memory") 1 1)
  (data (i32.const 8) "weft")
  (func (export "logs") (param i64) (result i64 f32 f64)
    (call $log-i64 (i64.const -9))
    (call $log-i64 (i64.const 0x7fffffff00000001))
    (call $log-i64 (i64.const -9223372036854775808))
    (call $log-f32 (f32.const -1.014))
    (call $log-f32 (f32.const -0))
    (call $log-f64 (f64.const 0x1p-1074))
    (call $log-f64 (f64.const -inf))
    (local.get 0) (f32.const 3.5) (f64.const -0))
  (func (export "trap") (result i32) (i32.div_s (i32.const 1) (i32.const 0)))
  (func (export "after_trap") (result i64) (i64.const 42)))

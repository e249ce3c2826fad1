;; The main module of the multi-module manifest test: imports "lib", and a reactor's
;; _initialize sets $g to 1 before the first call. run outputs "7" ('0' + double(3) + $g).
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (import "lib" "double" (func $double (param i32) (result i32)))
  (global $g (mut i32) (i32.const 0))
  (func (export "_initialize")
    (global.set $g (i32.const 1)))
  (func (export "run") (result i32)
    (local $h i64)
    (local.set $h (call $alloc (i64.const 1)))
    (call $store_u8 (local.get $h)
      (i32.add (i32.add (i32.const 48) (call $double (i32.const 3))) (global.get $g)))
    (call $output_set (local.get $h) (i64.const 1))
    (i32.const 0)))

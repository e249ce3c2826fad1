;; arith: functions of every number type for `weft invoke`, plus a memory, a table and a
;; global so that `weft inspect` has each kind of export to list.
(module
  (memory (export "mem") 1 2)
  (table (export "tab") 2 funcref)
  (global (export "answer") i32 (i32.const 42))
  (global (export "counter") (mut i64) (i64.const 0))

  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func (export "add64") (param i64 i64) (result i64)
    (i64.add (local.get 0) (local.get 1)))
  (func (export "div_s") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func (export "fdiv32") (param f32 f32) (result f32)
    (f32.div (local.get 0) (local.get 1)))
  (func (export "fmul64") (param f64 f64) (result f64)
    (f64.mul (local.get 0) (local.get 1)))
  ;; Returns its argument's bits unchanged, NaN payloads included.
  (func (export "bits32") (param f32) (result i32)
    (i32.reinterpret_f32 (local.get 0)))
  (func (export "swap") (param i32 i64) (result i64 i32)
    (local.get 1) (local.get 0))
  (func (export "nothing")))

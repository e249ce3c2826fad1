;; Differential seed 961353426172 (and 961353426480, 961353427580): an export returning
;; (ref.func $import). binaryen's --fuzz-exec prints only the type of a single reference
;; result ("funcref"), since a function index may change under optimization; diff_compare
;; read that as null. Now a bare type name matches null and non-null alike (a tuple still
;; prints "funcref(name)"). weft must return the non-null reference V8 returns.
(module
  (import "fuzzing-support" "log-i64" (func $log-i64 (param i64)))
  (elem declare func $log-i64)
  (func (export "func_ref") (result funcref) (ref.func $log-i64))
  (func (export "null_ref") (result funcref) (ref.null func))
  (func (export "tuple") (result i32 funcref externref)
    (i32.const 7) (ref.func $log-i64) (ref.null extern)))

;; traps: each function stops in its own way. A trap unwinds to the host as an error value
;; with a kind; the store stays usable afterwards.
(module
  (type $to_i32 (func (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $seven)
  (func $seven (type $to_i32) (i32.const 7))

  ;; integer divide by zero (div_s 1 0), integer overflow (div_s -2147483648 -1)
  (func (export "div_s") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func (export "unreachable")
    (unreachable))
  ;; invalid conversion to integer: (trunc nan), integer overflow: (trunc 1e10)
  (func (export "trunc") (param f64) (result i32)
    (i32.trunc_f64_s (local.get 0)))
  ;; call stack exhausted: recursion without end
  (func $recurse (export "recurse") (param i32) (result i32)
    (call $recurse (i32.add (local.get 0) (i32.const 1))))
  ;; (call_slot 0) = 7; slot 1 is uninitialized; slot 5 is past the table's end
  (func (export "call_slot") (param i32) (result i32)
    (call_indirect (type $to_i32) (local.get 0))))

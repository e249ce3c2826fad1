;; Differential seed 961353426187 (120 of the first 15000 modules): call_indirect past the
;; end of its table. binaryen says "callTable overflow", which diff_compare classed as an
;; arithmetic overflow, against weft's table trap (V8: "table index is out of bounds"). The
;; classifier now looks for table words first. weft must trap with a table kind, and the
;; instance must go on: later exports still run, hangLimitInitializer before each.
(module
  (import "fuzzing-support" "log-i32" (func $log-i32 (param i32)))
  (type $v (func))
  (table 2 funcref)
  (elem (i32.const 0) $hello)
  (global $hang (mut i32) (i32.const 0))
  (func $hello (call $log-i32 (global.get $hang)))
  (func (export "past_end") (call_indirect (type $v) (i32.const 5)))
  (func (export "null_slot") (call_indirect (type $v) (i32.const 1)))
  (func (export "ok") (call_indirect (type $v) (i32.const 0)))
  (func (export "hangLimitInitializer") (global.set $hang (i32.const 10))))

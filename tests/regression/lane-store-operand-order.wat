;; Lane loads and stores in the differential test (issue #8), and an oracle difference.
;;
;; Found by tests/fuzz/differential --seeds 1-4000, seed 1947, once the SIMD rewrite substituted
;; lane stores (binaryen 108's generator emits none): a v128.store64_lane to address -8192 whose
;; vector operand returns from the function. V8 and weft evaluate both operands first, as the
;; spec says, so the call returns; binaryen 108's interpreter checks a lane load's or store's
;; address before it evaluates the vector operand, and trapped ("final > memory:
;; 18446744073709543424 > 1048554"). Likewise a log in the operand: binaryen traps before it.
;; Not a weft bug. The rewrite (tests/fuzz/differential, rewrite_simd_text) therefore sets a
;; substituted lane store's operands to locals first, in order, and stores from them, as below:
;; then every engine runs the operand's return, log or trap before the store. (Substituted lane
;; loads get a constant vector operand: nothing to reorder.)
(module
  (import "fuzzing-support" "log-i32" (func $log (param i32)))
  (memory 1)
  (func (export "store-lane-returns")
    (local $p i32) (local $v v128)
    (local.set $p (i32.const -8192))
    (local.set $v (block (result v128) (return)))
    (v128.store64_lane offset=22 1 (local.get $p) (local.get $v)))
  (func (export "store-lane-logs-then-traps")
    (local $p i32) (local $v v128)
    (local.set $p (i32.const -8192))
    (local.set $v (block (result v128) (call $log (i32.const 7)) (v128.const i64x2 0 0)))
    (v128.store8_lane 0 (local.get $p) (local.get $v)))
  (func (export "store-lane-in-bounds") (result i64)
    (v128.store32_lane offset=4 1 (i32.const 8) (v128.const i32x4 1 2 3 4))
    (i64.load (i32.const 8)))
  (func (export "store-lane-last-byte")
    (v128.store16_lane offset=65534 7 (i32.const 0) (v128.const i16x8 0 0 0 0 0 0 0 -1)))
  (func (export "store-lane-past-end")
    (v128.store16_lane offset=65535 7 (i32.const 0) (v128.const i16x8 0 0 0 0 0 0 0 -1)))
  (func (export "load-lane-in-bounds") (result v128)
    (v128.load16_lane 3 (i32.const 65534) (v128.const i32x4 -1 -1 -1 -1)))
  (func (export "load-lane-zero") (result v128)
    (v128.load64_zero offset=65528 (i32.const 0))))

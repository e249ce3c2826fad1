;; SIMD in the differential test (issue #8): how v128 values cross the three oracles, and
;; which NaN lanes are deterministic.
;;
;; Found while adding --enable-simd to tests/fuzz/differential: binaryen 108's --denan pass
;; leaves v128 alone, and the lanes of a SIMD float operation that yields NaN differ between
;; engines: 0/0 in f32x4.div is 0x7fc00000 in binaryen's interpreter and 0xffc00000 (negative)
;; in V8 and weft on x86 (both allowed: the spec leaves a NaN's sign and payload open).
;; Not a weft bug. The differential script therefore wraps each such operation in a call that
;; zeroes its NaN lanes ($weft_denan_f32x4 / _f64x2 below, as the script adds them); what
;; stays exact is kept here: NaN lanes that are only moved, negated or selected (neg, abs,
;; pmin, shuffles) keep their bits in every engine.
;;
;; Also checks the v128 plumbing: log-v128 (V8's harness passes the lanes to JS through a
;; generated wasm function), an export with a v128 result and one with a v128 parameter
;; (V8 cannot call them from JS; the harness calls them through a generated wasm trampoline).
(module
  (import "fuzzing-support" "log-v128" (func $log (param v128)))
  (func $weft_denan_f32x4 (param $0 v128) (result v128)
    (v128.and (local.get $0) (f32x4.eq (local.get $0) (local.get $0))))
  (func $weft_denan_f64x2 (param $0 v128) (result v128)
    (v128.and (local.get $0) (f64x2.eq (local.get $0) (local.get $0))))
  ;; 0/0 lanes become 0 after the wrapper; the 1/0 lane stays +inf.
  (func (export "div-zero") (result v128)
    (call $weft_denan_f32x4
      (f32x4.div (v128.const f32x4 0 -0 1 0) (v128.const f32x4 0 0 0 0))))
  (func (export "sqrt-negative")
    (call $log (call $weft_denan_f64x2
      (f64x2.sqrt (v128.const f64x2 -1 4)))))
  ;; Bit-exact on NaN inputs: neg and abs flip or clear the sign bit only, pmin selects.
  (func (export "neg-abs-nan") (result v128 v128)
    (f32x4.neg (v128.const i32x4 0x7fc00001 0xffc00000 0x7f800000 0x00000001))
    (f64x2.abs (v128.const i64x2 0xfff8000000000001 0x8000000000000000)))
  (func (export "pmin-nan") (result v128)
    (f32x4.pmin (v128.const i32x4 0x7fc00005 0 0x7fc00005 1)
                (v128.const i32x4 0 0x7fc00006 0xffc00007 0)))
  ;; A v128 parameter (called with zero) and a mix of results.
  (func (export "param") (param $v v128) (param $i i32) (result i32 v128 i64)
    (i32x4.extract_lane 0 (local.get $v))
    (i8x16.shuffle 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0
      (i32x4.splat (i32.const 0x01020304)) (local.get $v))
    (i64x2.extract_lane 1 (i64x2.splat (i64.const -2)))))

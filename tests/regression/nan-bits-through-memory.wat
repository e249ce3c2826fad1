;; Differential seed 961353427898 (and 961353427465, ...): an f64.add with a NaN operand
;; stored to memory, then its bytes loaded as integers and logged. weft, V8 and binaryen
;; logged different bytes: the payload of an arithmetic NaN is nondeterministic in
;; WebAssembly, so this was an oracle difference, not a bug. The differential test now runs
;; binaryen's --denan pass on every generated module. What stays deterministic, and is kept
;; here: the result is a NaN (exponent all ones) and, being arithmetic, a quiet one.
(module
  (import "fuzzing-support" "log-i32" (func $log-i32 (param i32)))
  (memory (export "memory") 1 1)
  (global $g (mut f64) (f64.const 1.5))
  (func (export "nan_bits") (result i32)
    (f64.store offset=4 (i32.const 0)
      (f64.add (f64.const nan:0xfffffffffd732) (global.get $g)))
    ;; the top 16 bits of the f64: sign, exponent, quiet bit, 3 payload bits
    (call $log-i32 (i32.and (i32.load16_u offset=10 (i32.const 0)) (i32.const 0x7ff8)))
    (i32.and (i32.load16_u offset=10 (i32.const 0)) (i32.const 0x7ff8)))
  (func (export "nan_result") (result f64)
    (f64.add (f64.const nan:0x1) (global.get $g))))

;; wat2wasm-flags: --no-check
;; invalid: i32.add given an f64; validation must fail with the offset of the instruction.
(module
  (func (export "bad") (result i32)
    (i32.add (i32.const 1) (f64.const 2))))

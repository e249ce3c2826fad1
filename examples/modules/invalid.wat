;; wat2wasm-flags: --no-check
;; invalid: well-formed bytes, but i32.add is given an f64, so validation rejects the module
;; with the offset of the offending instruction. (wat2wasm --no-check writes it anyway.)
(module
  (func (export "bad") (result i32)
    (i32.add (i32.const 1) (f64.const 2))))

;; A guest with memory but none of Wasp's helpers: numbers work, strings cannot be passed.
(module
  (memory (export "memory") 1)
  (func (export "double") (param $x i32) (result i32)
    (i32.mul (local.get $x) (i32.const 2)))
  (func (export "takes_string") (param i32) (result i32) (i32.const 0))
  (func (export "returns_string") (result i32) (i32.const 16)))

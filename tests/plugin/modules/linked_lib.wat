;; A library module for the multi-module manifest test: linked under the name "lib".
(module
  (func (export "double") (param i32) (result i32)
    local.get 0
    i32.const 2
    i32.mul))

;; Exports everything of the weft events ABI but its marker: not built for it, refused.
(module
  (memory (export "memory") 1)
  (func (export "weft_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "weft_process") (param i32 i32 i32) (result i32) (i32.const 0)))

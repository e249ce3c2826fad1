;; weft_alloc always fails (returns 0): processing cannot start, and says why.
(module
  (memory (export "memory") 1)
  (func (export "weft_events_abi_1"))
  (func (export "weft_alloc") (param i32) (result i32) (i32.const 0))
  (func (export "weft_process") (param i32 i32 i32) (result i32) (i32.const 0)))

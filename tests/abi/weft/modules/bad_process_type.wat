;; The marker, but a process function of the wrong type: refused by the check.
(module
  (memory (export "memory") 1)
  (func (export "weft_events_abi_1"))
  (func (export "weft_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "weft_process") (param i32 i32) (result i32) (i32.const 0)))

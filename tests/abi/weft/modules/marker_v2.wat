;; A module built for a future major version of the weft events ABI: refused before it is
;; instantiated, with an error naming both versions.
(module
  (memory (export "memory") 1)
  (func (export "weft_events_abi_2"))
  (func (export "weft_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "weft_process") (param i32 i32 i32) (result i32) (i32.const 0)))

;; process takes an argument: refused by the check, naming the type.
(module
  (memory (export "memory") 1)
  (func (export "elastic_ingest_wasm_abi_1_0"))
  (func (export "malloc") (param i32) (result i32) (i32.const 1024))
  (func (export "process") (param i32) (result i32) (i32.const 0)))

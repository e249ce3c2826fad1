;; No elastic_ingest_wasm_abi_<major>_<minor> export: not built for the ABI, refused.
(module
  (memory (export "memory") 1)
  (func (export "malloc") (param i32) (result i32) (i32.const 1024))
  (func (export "process") (result i32) (i32.const 0)))

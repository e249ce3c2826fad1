;; ABI 1.7: any 1.x minor is accepted. Emits nothing, so every event is dropped.
(module
  (memory (export "memory") 1)
  (func (export "elastic_ingest_wasm_abi_1_7"))
  (func (export "malloc") (param i32) (result i32) (i32.const 1024))
  (func (export "process") (result i32) (i32.const 0)))

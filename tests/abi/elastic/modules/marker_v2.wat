;; Built for elastic ingest ABI 2.0, which weft does not speak: refused before instantiation.
(module
  (memory (export "memory") 1)
  (func (export "elastic_ingest_wasm_abi_2_0"))
  (func (export "malloc") (param i32) (result i32) (i32.const 1024))
  (func (export "process") (result i32) (i32.const 0)))

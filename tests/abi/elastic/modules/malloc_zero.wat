;; A malloc that always fails: elastic_get_field of an existing field answers InternalFailure
;; (1), which process returns, so the event's error says "process returned 1".
(module
  (import "elastic" "elastic_get_field" (func $get (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "a")
  (func (export "elastic_ingest_wasm_abi_1_0"))
  (func (export "malloc") (param i32) (result i32) (i32.const 0))
  (func (export "process") (result i32)
    (call $get (i32.const 16) (i32.const 1) (i32.const 32) (i32.const 36))))

;; A filter function of the right type but no exported memory: refused by check().
(module
  (func (export "filter") (param i32 i32 i32 i32 i32 i32) (result i32) (i32.const 0)))

;; A guest with an allocator but no exported memory.
(module
  (memory 1)
  (func (export "allocate") (param i32) (result i32) (i32.const 16))
  (func (export "deallocate") (param i32 i32))
  (func (export "takes_string") (param i32) (result i32) (i32.const 0)))

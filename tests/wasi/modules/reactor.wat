;; A reactor: _initialize sets a global, `get` returns it, `say` writes "reactor\n" to fd 1.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $g (mut i32) (i32.const 0))
  (data (i32.const 16) "reactor\n")
  (data (i32.const 0) "\10\00\00\00\08\00\00\00")
  (func (export "_initialize") (global.set $g (i32.const 1234)))
  (func (export "get") (result i32) (global.get $g))
  (func (export "say") (result i32)
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

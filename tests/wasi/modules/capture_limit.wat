;; Writes "hello\n" twice to fd 1 and exits with a status that records what happened:
;; first errno * 10000 + bytes the first write took * 100 + second errno.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello\n")
  (data (i32.const 0) "\10\00\00\00\06\00\00\00")  ;; iovec {16, 6}
  (func (export "_start") (local $first i32) (local $taken i32)
    (local.set $first (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (local.set $taken (i32.load (i32.const 8)))
    (call $exit
      (i32.add
        (i32.add (i32.mul (local.get $first) (i32.const 10000))
                 (i32.mul (local.get $taken) (i32.const 100)))
        (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))))

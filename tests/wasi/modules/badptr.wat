;; fd_write with an iovec array that crosses the end of memory: the errno (fault, 21)
;; becomes the exit status.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    ;; iovs at 65532: its 8 bytes cross the end of the 64 KiB memory.
    (call $exit (call $fd_write (i32.const 1) (i32.const 65532) (i32.const 1) (i32.const 0)))))

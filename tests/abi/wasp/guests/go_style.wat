;; A guest in the style of Wasp's Go ABI (go-abi/abi.go): env.raise_error takes one pointer,
;; to a NUL-terminated string, rather than a pointer and a length.
(module
  (import "env" "raise_error" (func $raise_error (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "boom from go\00")
  ;; "xx" in the last two bytes of memory, with no NUL after it.
  (data (i32.const 65534) "xx")
  (global $top (mut i32) (i32.const 1024))
  (func (export "allocate") (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $top))
    (global.set $top (i32.add (global.get $top) (local.get $size)))
    (local.get $p))
  (func (export "deallocate") (param i32 i32))
  (func (export "fail") (result i32)
    (call $raise_error (i32.const 16))
    (i32.const 0))
  (func (export "fail_unterminated")
    (call $raise_error (i32.const 65534)))
  (func (export "ok") (param $x i32) (result i32)
    (i32.add (local.get $x) (i32.const 1))))

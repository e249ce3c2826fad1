;; host: a module that imports functions from its host (module "env") and hands them strings
;; as (pointer, length) pairs in its exported memory.
(module
  (import "env" "log_i32" (func $log_i32 (param i32)))
  (import "env" "print" (func $print (param i32 i32)))
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  (import "env" "fail" (func $fail))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from wasm")

  (func (export "greet")
    (call $print (i32.const 16) (i32.const 15)))

  ;; count(n): logs 0 .. n-1 through the host.
  (func (export "count") (param $n i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (call $log_i32 (local.get $i))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  (func (export "add_via_host") (param i32 i32) (result i32)
    (call $add (local.get 0) (local.get 1)))

  ;; The host refuses: a host error traps the guest.
  (func (export "call_failing_host")
    (call $fail))
  ;; A string that runs past the end of memory: the host's bounds-checked view says no.
  (func (export "print_out_of_bounds")
    (call $print (i32.const 65530) (i32.const 100))))

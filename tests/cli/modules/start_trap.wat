;; start_trap: the start function traps, so instantiation fails (uninstantiable).
(module
  (func $start (unreachable))
  (start $start)
  (func (export "never") (result i32) (i32.const 1)))

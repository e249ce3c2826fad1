;; imports: a module that needs its host; `weft invoke` must refuse it as unlinkable and name
;; every import.
(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "memory" (memory 1))
  (import "env" "base" (global i32))
  (func (export "run") (call $log (global.get 0))))

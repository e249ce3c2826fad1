;; _start traps: `weft run` reports the trap and exits with 2.
(module
  (memory (export "memory") 1)
  (func (export "_start") unreachable))

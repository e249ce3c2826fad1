;; env.raise_error imported with a type Wasp does not use.
(module
  (import "env" "raise_error" (func (param i64)))
  (memory (export "memory") 1))

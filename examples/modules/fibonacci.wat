;; fibonacci: the same sequence three ways.
;;   (fib_rec 25)     = 75025, by exponential recursion: a workout for calls
;;   (fib_iter 90)    = 2880067194370816120, with a loop over i64
;;   (fib_step 5 8)   = 8 13, one step with two results (multi-value)
(module
  (func $fib_rec (export "fib_rec") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add (call $fib_rec (i32.sub (local.get $n) (i32.const 1)))
                 (call $fib_rec (i32.sub (local.get $n) (i32.const 2)))))))

  (func (export "fib_iter") (param $n i32) (result i64)
    (local $a i64) (local $b i64) (local $t i64)
    (local.set $b (i64.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $t (i64.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $t))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $a))

  (func (export "fib_step") (param $a i64) (param $b i64) (result i64 i64)
    (local.get $b)
    (i64.add (local.get $a) (local.get $b))))

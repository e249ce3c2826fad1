;; plugin: an Extism plugin written directly against the extism:host/env ABI, no PDK. Every
;; export has type [] -> [i32] (0 = success) and talks to the host through handles (i64
;; offsets into the Extism memory, which the host keeps apart from this module's memory).
;;
;;   count_vowels  reads the input bytes, outputs {"count":N} (N vowels: a e i o u, any case)
;;   fail          sets an error message with error_set and returns 1
;;   spin          loops forever (the host's timeout ends it)
(module
  (import "extism:host/env" "input_length" (func $input_length (result i64)))
  (import "extism:host/env" "input_load_u8" (func $input_load_u8 (param i64) (result i32)))
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (import "extism:host/env" "error_set" (func $error_set (param i64)))

  (memory 1)
  ;; [0, 22): the error message of `fail`.
  (data (i32.const 0) "the plugin said no: 42")
  ;; [64, 73): the start of count_vowels' output; the digits and "}" are written after it.
  (data (i32.const 64) "{\"count\":")

  ;; A new Extism block holding [ptr, ptr + len) of this module's memory; 0 if the host's
  ;; memory is full.
  (func $to_block (param $ptr i32) (param $len i32) (result i64)
    (local $h i64) (local $i i32)
    (local.set $h (call $alloc (i64.extend_i32_u (local.get $len))))
    (if (i64.eqz (local.get $h)) (then (return (i64.const 0))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (call $store_u8
          (i64.add (local.get $h) (i64.extend_i32_u (local.get $i)))
          (i32.load8_u (i32.add (local.get $ptr) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $h))

  ;; 1 if the byte is a vowel: folded to lower case (| 0x20), a byte outside the letters
  ;; cannot land on one.
  (func $is_vowel (param $b i32) (result i32)
    (local $c i32)
    (local.set $c (i32.or (local.get $b) (i32.const 0x20)))
    (i32.or
      (i32.or
        (i32.or (i32.eq (local.get $c) (i32.const 0x61))    ;; a
                (i32.eq (local.get $c) (i32.const 0x65)))   ;; e
        (i32.or (i32.eq (local.get $c) (i32.const 0x69))    ;; i
                (i32.eq (local.get $c) (i32.const 0x6f))))  ;; o
      (i32.eq (local.get $c) (i32.const 0x75))))            ;; u

  (func (export "count_vowels") (result i32)
    (local $n i64) (local $i i64) (local $count i64)
    (local $digits i32) (local $v i64) (local $end i32) (local $len i32) (local $h i64)
    (local.set $n (call $input_length))
    (block $done
      (loop $next
        (br_if $done (i64.ge_u (local.get $i) (local.get $n)))
        (if (call $is_vowel (call $input_load_u8 (local.get $i)))
          (then (local.set $count (i64.add (local.get $count) (i64.const 1)))))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $next)))
    ;; How many decimal digits (at least one, for 0).
    (local.set $digits (i32.const 1))
    (local.set $v (i64.div_u (local.get $count) (i64.const 10)))
    (block $counted
      (loop $more
        (br_if $counted (i64.eqz (local.get $v)))
        (local.set $digits (i32.add (local.get $digits) (i32.const 1)))
        (local.set $v (i64.div_u (local.get $v) (i64.const 10)))
        (br $more)))
    ;; The digits go at [73, 73 + digits), last digit first; then "}".
    (local.set $end (i32.add (i32.const 73) (local.get $digits)))
    (i32.store8 (local.get $end) (i32.const 0x7d))
    (local.set $v (local.get $count))
    (local.set $i (i64.extend_i32_u (local.get $end)))
    (loop $digit
      (local.set $i (i64.sub (local.get $i) (i64.const 1)))
      (i32.store8 (i32.wrap_i64 (local.get $i))
        (i32.add (i32.const 0x30) (i32.wrap_i64 (i64.rem_u (local.get $v) (i64.const 10)))))
      (local.set $v (i64.div_u (local.get $v) (i64.const 10)))
      (br_if $digit (i64.ne (local.get $i) (i64.const 73))))
    (local.set $len (i32.sub (i32.add (local.get $end) (i32.const 1)) (i32.const 64)))
    (local.set $h (call $to_block (i32.const 64) (local.get $len)))
    ;; No room for the output: a non-zero return fails the call.
    (if (i64.eqz (local.get $h)) (then (return (i32.const 2))))
    (call $output_set (local.get $h) (i64.extend_i32_u (local.get $len)))
    (i32.const 0))

  (func (export "fail") (result i32)
    (call $error_set (call $to_block (i32.const 0) (i32.const 22)))
    (i32.const 1))

  (func (export "spin") (result i32)
    (loop $forever (br $forever))
    unreachable))

;; A filter with its own allocator exports (malloc, free): the host must use them for the
;; inputs and give back every buffer through free. malloc is a bump allocator over a free
;; list of one size class per request size seen (enough for a test); `frees` counts the calls
;; and `live` the blocks not yet freed. The filter returns a fresh malloc'ed copy of the
;; record ("copy"), or the record buffer itself ("same").
(module
  (memory (export "memory") 2)
  (global $bump (mut i32) (i32.const 1024))
  (global $live (export "live") (mut i32) (i32.const 0))
  (global $frees (export "frees") (mut i32) (i32.const 0))
  (global $last_freed (mut i32) (i32.const 0))
  ;; each block: [size:i32][next:i32] header, then the bytes; freed blocks go to a list
  (global $free_list (mut i32) (i32.const 0))
  (func $malloc (export "malloc") (param $n i32) (result i32)
    (local $p i32) (local $prev i32)
    ;; first fit in the free list
    (local.set $p (global.get $free_list))
    (block $done
      (loop $scan
        (br_if $done (i32.eqz (local.get $p)))
        (if (i32.ge_u (i32.load (i32.sub (local.get $p) (i32.const 8))) (local.get $n))
          (then
            (if (local.get $prev)
              (then (i32.store (i32.sub (local.get $prev) (i32.const 4))
                               (i32.load (i32.sub (local.get $p) (i32.const 4)))))
              (else (global.set $free_list (i32.load (i32.sub (local.get $p) (i32.const 4))))))
            (global.set $live (i32.add (global.get $live) (i32.const 1)))
            (return (local.get $p))))
        (local.set $prev (local.get $p))
        (local.set $p (i32.load (i32.sub (local.get $p) (i32.const 4))))
        (br $scan)))
    (local.set $p (i32.add (global.get $bump) (i32.const 8)))
    (global.set $bump (i32.and (i32.add (i32.add (local.get $p) (local.get $n)) (i32.const 15))
                               (i32.const -16)))
    (if (i32.gt_u (global.get $bump) (i32.mul (memory.size) (i32.const 65536)))
      (then (drop (memory.grow (i32.add (i32.shr_u (local.get $n) (i32.const 16)) (i32.const 1))))))
    (i32.store (i32.sub (local.get $p) (i32.const 8)) (local.get $n))
    (global.set $live (i32.add (global.get $live) (i32.const 1)))
    (local.get $p))
  (func $free (export "free") (param $p i32)
    (if (i32.eqz (local.get $p)) (then (return)))
    (global.set $frees (i32.add (global.get $frees) (i32.const 1)))
    (global.set $live (i32.sub (global.get $live) (i32.const 1)))
    (i32.store (i32.sub (local.get $p) (i32.const 4)) (global.get $free_list))
    (global.set $free_list (local.get $p)))
  (func (export "filter") (param $tag i32) (param $tag_len i32) (param $sec i32) (param $nsec i32)
                          (param $rec i32) (param $len i32) (result i32)
    (local $out i32)
    ;; "same": the record's first key starts with 's'
    (if (i32.eq (i32.load8_u offset=2 (local.get $rec)) (i32.const 115))
      (then (return (local.get $rec))))
    (local.set $out (call $malloc (i32.add (local.get $len) (i32.const 1))))
    (memory.copy (local.get $out) (local.get $rec) (i32.add (local.get $len) (i32.const 1)))
    (local.get $out)))

;; weft demo: an event processor for weft's events ABI (docs/abi/weft-events.md), in WAT.
;; For each event of the batch: a record containing "debug" is dropped, one containing
;; "error" is routed to the tag "alerts", every other passes unchanged; a record containing
;; "boom" traps, to show that only that event fails and the others still come out.
(module
  (import "weft" "emit_input" (func $emit_input (param i32) (result i32)))
  (import "weft" "drop" (func $drop (param i32) (result i32)))
  (import "weft" "route" (func $route (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "\"debug\"")
  (data (i32.const 32) "\"boom\"")
  (data (i32.const 48) "alerts")
  (data (i32.const 64) "\"error\"")
  (global $heap (mut i32) (i32.const 1024))

  ;; The ABI marker: this module speaks version 1.
  (func (export "weft_events_abi_1"))

  ;; The host asks once for its batch buffer and keeps it: a bump allocator will do.
  (func (export "weft_alloc") (param $n i32) (result i32)
    (local $p i32) (local $end i32) (local $have i32)
    (local.set $p (global.get $heap))
    (local.set $end (i32.and (i32.add (i32.add (local.get $p) (local.get $n)) (i32.const 7)) (i32.const -8)))
    (local.set $have (i32.shl (memory.size) (i32.const 16)))
    (if (i32.gt_u (local.get $end) (local.get $have))
      (then
        (if (i32.lt_s (memory.grow (i32.shr_u (i32.add (i32.sub (local.get $end) (local.get $have))
                                                       (i32.const 65535))
                                              (i32.const 16)))
                      (i32.const 0))
          (then (return (i32.const 0))))))
    (global.set $heap (local.get $end))
    (local.get $p))

  ;; Whether bytes [p, p+n) contain the m bytes at s.
  (func $contains (param $p i32) (param $n i32) (param $s i32) (param $m i32) (result i32)
    (local $i i32) (local $j i32)
    (if (i32.lt_u (local.get $n) (local.get $m)) (then (return (i32.const 0))))
    (loop $outer
      (local.set $j (i32.const 0))
      (block $mismatch
        (loop $inner
          (if (i32.eq (local.get $j) (local.get $m)) (then (return (i32.const 1))))
          (br_if $mismatch
            (i32.ne (i32.load8_u (i32.add (local.get $p) (i32.add (local.get $i) (local.get $j))))
                    (i32.load8_u (i32.add (local.get $s) (local.get $j)))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $inner)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outer (i32.le_u (local.get $i) (i32.sub (local.get $n) (local.get $m)))))
    (i32.const 0))

  ;; The batch: a 12-byte header, then per event u32 size, i64 sec, u32 nsec, u32 tag_len,
  ;; tag, u32 record_len, record, u32 meta_count, metadata.
  (func (export "weft_process") (param $buf i32) (param $len i32) (param $count i32) (result i32)
    (local $i i32) (local $p i32) (local $tag_len i32) (local $rec i32) (local $rec_len i32)
    (local.set $p (i32.add (local.get $buf) (i32.const 12)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $tag_len (i32.load offset=16 (local.get $p)))
        (local.set $rec_len (i32.load offset=20 (i32.add (local.get $p) (local.get $tag_len))))
        (local.set $rec (i32.add (i32.add (local.get $p) (i32.const 24)) (local.get $tag_len)))
        (if (call $contains (local.get $rec) (local.get $rec_len) (i32.const 32) (i32.const 6))
          (then unreachable))
        (if (call $contains (local.get $rec) (local.get $rec_len) (i32.const 16) (i32.const 7))
          (then (drop (call $drop (local.get $i))))
          (else
            (if (call $contains (local.get $rec) (local.get $rec_len) (i32.const 64) (i32.const 7))
              (then (drop (call $route (local.get $i) (i32.const 48) (i32.const 6)))))
            (drop (call $emit_input (local.get $i)))))
        (local.set $p (i32.add (i32.add (local.get $p) (i32.const 4)) (i32.load (local.get $p))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 0)))

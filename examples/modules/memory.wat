;; memory: one page of linear memory (it may grow to four), an active and a passive data
;; segment, and the bulk memory instructions. The host reads the memory through its export.
(module
  (memory (export "memory") 1 4)
  (data (i32.const 0) "hello, weft")
  (data $greeting "bulk memory works")

  ;; sum(ptr, len): the sum of the len bytes at ptr.
  (func (export "sum") (param $p i32) (param $len i32) (result i32)
    (local $s i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $len)))
        (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br $next)))
    (local.get $s))

  (func (export "fill") (param $dst i32) (param $byte i32) (param $len i32)
    (memory.fill (local.get $dst) (local.get $byte) (local.get $len)))

  (func (export "copy") (param $dst i32) (param $src i32) (param $len i32)
    (memory.copy (local.get $dst) (local.get $src) (local.get $len)))

  ;; init(dst): copies the passive segment to dst. After drop(), init traps.
  (func (export "init") (param $dst i32)
    (memory.init $greeting (local.get $dst) (i32.const 0) (i32.const 17)))
  (func (export "drop")
    (data.drop $greeting))

  (func (export "grow") (param $pages i32) (result i32)
    (memory.grow (local.get $pages)))
  (func (export "size") (result i32)
    (memory.size))
  (func (export "load_i32") (param $p i32) (result i32)
    (i32.load (local.get $p))))

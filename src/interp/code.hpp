// weft: the interpreter's code, as the validator lowers it.
//
// A function's code is a sequence of instructions in ModuleData::code. Each instruction is
// the address of its handler (8 bytes, direct threading) followed by 32-bit operands:
// slot operands are byte offsets from the frame pointer (slot index * 8), branch operands
// are byte offsets relative to the start of the branching instruction. Operands are
// addressed where they live (a local, or the operand stack slot a value was computed into),
// so there is no push or pop at run time and no stack check inside a function: the
// validator computed each function's frame size.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>

#include "wasm/opcodes.hpp"

// Which instructions of opcodes.def have a generated handler: the simple ones (one handler
// computing num::<name>), loads and stores. Special instructions are lowered by hand to
// the internal operations below. SIMD handlers compute simd::<name> (interp/simd.hpp); their
// bodies are in interpreter_simd.inc.
#define WEFT_EXEC_simple_mvp(X, n, s) X(n, s, simple)
#define WEFT_EXEC_simple_sign_extension(X, n, s) X(n, s, simple)
#define WEFT_EXEC_simple_saturating_float_to_int(X, n, s) X(n, s, simple)
#define WEFT_EXEC_simple_simd(X, n, s) X(n, s, simple)
#define WEFT_EXEC_load_mvp(X, n, s) X(n, s, load)
#define WEFT_EXEC_load_simd(X, n, s) X(n, s, load)
#define WEFT_EXEC_store_mvp(X, n, s) X(n, s, store)
#define WEFT_EXEC_store_simd(X, n, s) X(n, s, store)
#define WEFT_EXEC_special_mvp(X, n, s)
#define WEFT_EXEC_special_sign_extension(X, n, s)
#define WEFT_EXEC_special_saturating_float_to_int(X, n, s)
#define WEFT_EXEC_special_multi_value(X, n, s)
#define WEFT_EXEC_special_bulk_memory(X, n, s)
#define WEFT_EXEC_special_reference_types(X, n, s)
#define WEFT_EXEC_special_simd(X, n, s)

// The internal operations, with their operands.
#define WEFT_INTERNAL_OPS(X)                                              \
  X(copy64, 2)        /* dst src */                                      \
  X(copy128, 2)       /* dst src */                                      \
  X(const32, 2)       /* dst imm */                                      \
  X(const64, 3)       /* dst lo hi */                                    \
  X(br, 1)            /* off */                                          \
  X(br_if, 2)         /* cond off: jump if cond != 0 */                  \
  X(br_unless, 2)     /* cond off: jump if cond == 0 */                  \
  X(br_table, 2)      /* index count, then off[count] off_default */     \
  X(ret, 0)           /* results are already at the frame's base */      \
  X(call, 2)          /* funcidx argbase */                              \
  X(call_local, 2)    /* defined funcidx, argbase: a function of the same module */ \
  X(call_indirect, 4) /* typeid table argbase index */                   \
  X(select, 4)        /* dst a b cond */                                 \
  X(select128, 4)     /* dst a b cond */                                 \
  X(global_get, 2)    /* dst globalidx */                                \
  X(global_set, 2)    /* globalidx src */                                \
  X(global_get128, 2) /* dst globalidx */                                \
  X(global_set128, 2) /* globalidx src */                                \
  X(memory_size, 1)   /* dst */                                          \
  X(memory_grow, 2)   /* dst delta */                                    \
  X(memory_fill, 3)   /* d val n */                                      \
  X(memory_copy, 3)   /* d s n */                                        \
  X(memory_init, 4)   /* seg d s n */                                    \
  X(data_drop, 1)     /* seg */                                          \
  X(table_get, 3)     /* dst table index */                              \
  X(table_set, 3)     /* table index value */                            \
  X(table_size, 2)    /* dst table */                                    \
  X(table_grow, 4)    /* dst table init n */                             \
  X(table_fill, 4)    /* table i value n */                              \
  X(table_copy, 5)    /* dst_table src_table d s n */                    \
  X(table_init, 5)    /* table seg d s n */                              \
  X(elem_drop, 1)     /* seg */                                          \
  X(ref_func, 2)      /* dst funcidx */                                  \
  X(ref_is_null, 2)   /* dst src */                                      \
  X(unreachable, 0)   /* */                                              \
  X(loop_entry, 2)    /* cost (64 bits): fuel and interrupt check at a loop header */ \
  /* A comparison fused with the conditional branch on its result: a b off */ \
  X(br_i32_eq, 3) X(br_i32_ne, 3) X(br_i32_lt_s, 3) X(br_i32_lt_u, 3)     \
  X(br_i32_gt_s, 3) X(br_i32_gt_u, 3) X(br_i32_le_s, 3) X(br_i32_le_u, 3) \
  X(br_i32_ge_s, 3) X(br_i32_ge_u, 3)                                     \
  X(br_i64_eq, 3) X(br_i64_ne, 3) X(br_i64_lt_s, 3) X(br_i64_lt_u, 3)     \
  X(br_i64_gt_s, 3) X(br_i64_gt_u, 3) X(br_i64_le_s, 3) X(br_i64_le_u, 3) \
  X(br_i64_ge_s, 3) X(br_i64_ge_u, 3)                                     \
  X(br_i64_eqz, 2)    /* a off: jump if a == 0 (64 bits) */              \
  /* A load or store whose address is an i32.add: dst a b offset / a b value offset */ \
  X(i32_load_add, 4) \
  X(i64_load_add, 4) \
  X(f32_load_add, 4) \
  X(f64_load_add, 4) \
  X(i32_load8_s_add, 4) \
  X(i32_load8_u_add, 4) \
  X(i32_load16_s_add, 4) \
  X(i32_load16_u_add, 4) \
  X(i64_load8_s_add, 4) \
  X(i64_load8_u_add, 4) \
  X(i64_load16_s_add, 4) \
  X(i64_load16_u_add, 4) \
  X(i64_load32_s_add, 4) \
  X(i64_load32_u_add, 4) \
  X(i32_store_add, 4) \
  X(i64_store_add, 4) \
  X(f32_store_add, 4) \
  X(f64_store_add, 4) \
  X(i32_store8_add, 4) \
  X(i32_store16_add, 4) \
  X(i64_store8_add, 4) \
  X(i64_store16_add, 4) \
  X(i64_store32_add, 4) \
  X(br_i64_nez, 2)    /* a off: jump if a != 0 (64 bits) */              \
  X(copy64x2, 4)      /* d1 s1 d2 s2: two copy64 in a row, in order */   \
  X(copy64_br, 3)     /* d s off: copy64, then br (values carried to a label) */ \
  X(i32_add_br, 4)    /* d a b off: i32.add, then br (a loop's step, then its jump back) */ \
  X(i32_add_call_local, 5) /* d a b func frame: i32.add (an argument), then call_local */ \
  X(copy64x2_br, 5)   /* d1 s1 d2 s2 off: copy64x2, then br */           \
  X(copy64x4, 8)      /* four copy64 in a row, in order (locals rotated by a loop) */ \
  X(copy64x4_br, 9)   /* copy64x4, then br */                            \
  X(copy64_ret, 2)    /* d s: copy64 (a result to its slot), then ret */ \
  X(i32_add_x2, 6)    /* d1 a1 b1 d2 a2 b2: two i32.add in a row, in order */ \
  X(i32_add_br_table, 3) /* a b count, then off[count] off_default: br_table on a + b */ \
  /* d a b off c count, then the table: d = load8(a + b + off), br_table on d + c */        \
  X(i32_load8_s_add_br_table, 6)                                                          \
  /* d1 a1 b1 d2 a2 b2 off1 off2 c: d1 = a1 + b1, d2 = a2 + b2, mem[d1 + off1] += mem[d2 + off2] * c */ \
  X(i32_add_x2_f64_load_f64_mul_f64_add_mem, 9)                                           \
  X(i32_load8_u_add_br_table, 6)                                                          \
  /* A loop unrolled by two around that step (`c[j] += x * b[j]; c[j+1] += x * b[j+1]`), */ \
  /* then its closing add-compare-branch: d1 a1 b1 d2 a2 b2 off1 off2 c k1 k2, then the   */ \
  /* branch's d a b limit off. The step as above at p = a1 + b1, q = a2 + b2; then again  */ \
  /* at p + k1, q + k2; d1 = p + k1, d2 = q; then d = a + b, jump if d x limit.            */ \
  X(i32_add_x2_f64_load_f64_mul_f64_add_mem_x2_add_br_i32_ne, 16)                          \
  X(i32_add_x2_f64_load_f64_mul_f64_add_mem_x2_add_br_i32_lt_u, 16)                        \
  X(i32_add_x2_f64_load_f64_mul_f64_add_mem_x2_add_br_i32_lt_s, 16)                        \
  /* d x l a b off c: l = c - load(a + b + off) (a local), then d = x * l (x may be l)     */ \
  X(f64_load_add_f64_sub_r_f64_mul_keep, 7)                                                 \
  /* SIMD (interpreter_simd.inc). lane: the lane's byte offset in the v128 */ \
  X(const128, 5)      /* dst bits[4] (low word first) */                 \
  X(lane_get8_s, 3)   /* dst src lane */                                 \
  X(lane_get8_u, 3)   /* dst src lane */                                 \
  X(lane_get16_s, 3)  /* dst src lane */                                 \
  X(lane_get16_u, 3)  /* dst src lane */                                 \
  X(lane_get32, 3)    /* dst src lane */                                 \
  X(lane_get64, 3)    /* dst src lane */                                 \
  X(lane_set8, 4)     /* dst src lane value */                           \
  X(lane_set16, 4)    /* dst src lane value */                           \
  X(lane_set32, 4)    /* dst src lane value */                           \
  X(lane_set64, 4)    /* dst src lane value */                           \
  X(shuffle, 7)       /* dst a b lanes[16] (4 words, byte i = lane i) */ \
  X(load8_lane, 5)    /* dst addr vec offset lane */                     \
  X(load16_lane, 5)   /* dst addr vec offset lane */                     \
  X(load32_lane, 5)   /* dst addr vec offset lane */                     \
  X(load64_lane, 5)   /* dst addr vec offset lane */                     \
  X(store8_lane, 4)   /* addr vec offset lane */                         \
  X(store16_lane, 4)  /* addr vec offset lane */                         \
  X(store32_lane, 4)  /* addr vec offset lane */                         \
  X(store64_lane, 4)  /* addr vec offset lane */

// ---- superinstructions -------------------------------------------------------------------
// Each is two (or three) wasm-level instructions whose intermediate values stay in registers
// instead of frame slots, in one dispatch. The lowering forms them when the first
// instruction is the last one emitted and its result has no other reader
// (func_lowering_fuse.cpp has the rules, interpreter.cpp the handlers). Which ones exist was
// decided with the dispatch profile of bench/ (docs/RATIONALE.md). WEFT_FUSED_OPS() expands
// to one WEFT_FUSED(kind, T, first, second, x, name, operands) per superinstruction, which
// each user defines. T is the handler's operand type; x is a branch's comparison operator,
// a read-modify-write's operator, or the memory type of a load_add. Kinds:
//   pair    `t = a op1 b; d = t op2 c` -> `op1_op2 d a b c`
//   pair_r  the same with t as op2's right operand, for sub and div: `d = c op2 t`
//   load    `t = load addr off; d = t op c` -> `load_op d addr off c`
//   store   `t = a op b; store addr t off` -> `op_store addr a b off`
//   load_add the same with a load whose address is an add: `load_add_op d a b off c`
//   load_r, load_add_r: with t as the operator's right operand, for sub and div
//   rmw     `load_op t addr off c; store addr t off` (the same address) -> `op_mem addr off c`:
//           memory[addr + off] op= c
//   branch  `d = first...; br d c off`, where first is i32.add `d a b`, i32.load8_u with an
//           added address `d a b off`, i32.load `d addr off` or the pair i32_add_i32_and
//           `d a b m` (a range check, `(c - '0') & 255 < 10`): -> `first_br d ... c off`,
//           which writes d and jumps if `d x c`
//   branch_z the same for br_if and br_unless on d (first is also i32.and, a bit test):
//           `first_br_if ... off` jumps if d != 0, `first_br_unless` if d == 0
//   select  `t = a cmp b; select d x y t` -> `cmp_select d x y a b`
//   scaled  a load or store whose address is `(i << k) + base` (an i32_shl_i32_add pair):
//           `load d i k base off`, `store i k base v off`
//   pair_keep a pair whose t is a local, still written: `op1_op2_keep d a b c t`
// Three instructions, formed from a superinstruction and the instruction before it:
//   rmw_of  `t = first ...; op_mem addr off t` -> `first_op_mem addr off <first's inputs>`:
//           memory[addr + off] op= first(...), e.g. the `c[j] += a * b[j]` of linear algebra
//   chain   the sums of rotations of SHA-2 (Σ and σ): `t = rotl a k1; d = rotl(a, k2) ^ t`
//           -> `rotl2_xor d a k1 k2`, and a third rotation or shift of the same a the same way
//   absorb  `t = prev ins...; d = cur ... t ...` -> `merged d <cur's other fields> ins...`:
//           the table lookups of a CRC, `table[((c & m) ^ x) << 2]`, and `(c >> 8) ^` them;
//           a byte loaded, then range-checked: [d c1 m cmp off addr loff]; two loads
//           multiplied (a dot product's step): [d addr off addr2 off2], [d a b off addr2 off2];
//           a sum of three, one of them SHA-2's Σ or σ: [d a b x k1 k2 k3]
//   add_addr `i32_add d a b; X_mem d off ...` (d a local) -> `i32_add_X_mem d a b off ...`
//   then_br a store, copy or addition, then the conditional branch after it (which may or
//           may not read what it wrote): `store... ; add_br d x y c off` ->
//           `store_add_br ... d x y c off`, `i32_add d a b; br_if c off` -> `i32_add_then_br_if`;
//           and a branch on a value loaded, then another (a character tested twice, a
//           list walked: `while (p && p->key != k) p = p->next`)
// No operator here traps; loads and stores trap as they would alone.
#define WEFT_FP(T, a, b) WEFT_FUSED(pair, T, a, b, _, a##_##b, 4)
#define WEFT_FPR(T, a, b) WEFT_FUSED(pair_r, T, a, b, _, a##_##b##_r, 4)
#define WEFT_FLR(T, l, b) WEFT_FUSED(load_r, T, l, b, _, l##_##b##_r, 4)
#define WEFT_FLAR(T, M, l, b) WEFT_FUSED(load_add_r, T, l##_add, b, M, l##_add_##b##_r, 5)
// The fusing operators of an integer type p (i32, i64) and of a float type, as F(T, p, op)
// (the _A lists) or F(T, a, op) for a first operator a (the _B lists: a macro cannot expand
// inside itself, so the rows of the pair table need a second list).
#define WEFT_INT_OPS_A(F, T, p)                                                               \
  F(T, p, p##_add) F(T, p, p##_sub) F(T, p, p##_mul) F(T, p, p##_and) F(T, p, p##_or)        \
  F(T, p, p##_xor) F(T, p, p##_shl) F(T, p, p##_shr_s) F(T, p, p##_shr_u) F(T, p, p##_rotl)  \
  F(T, p, p##_rotr)
#define WEFT_INT_OPS_B(F, T, p, a)                                                            \
  F(T, a, p##_add) F(T, a, p##_sub) F(T, a, p##_mul) F(T, a, p##_and) F(T, a, p##_or)        \
  F(T, a, p##_xor) F(T, a, p##_shl) F(T, a, p##_shr_s) F(T, a, p##_shr_u) F(T, a, p##_rotl)  \
  F(T, a, p##_rotr)
#define WEFT_FLOAT_OPS_A(F, T, p) F(T, p, p##_add) F(T, p, p##_sub) F(T, p, p##_mul) F(T, p, p##_div)
#define WEFT_FLOAT_OPS_B(F, T, p, a) F(T, a, p##_add) F(T, a, p##_sub) F(T, a, p##_mul) F(T, a, p##_div)
// One row of the pair table (first operator a, every second one), and of its reversed forms.
#define WEFT_FUSE_ROW_INT(T, p, a) WEFT_INT_OPS_B(WEFT_FP, T, p, a)
#define WEFT_FUSE_ROW_FLOAT(T, p, a) WEFT_FLOAT_OPS_B(WEFT_FP, T, p, a)
#define WEFT_FUSE_ROW_R(T, p, a) WEFT_FPR(T, a, p##_sub)
#define WEFT_FUSE_ROW_RF(T, p, a) WEFT_FPR(T, a, p##_sub) WEFT_FPR(T, a, p##_div)
// A load and an operator, and the read-modify-write of memory they make with a store.
#define WEFT_FL(T, l, b, s, m) \
  WEFT_FUSED(load, T, l, b, _, l##_##b, 4) WEFT_FUSED(rmw, T, l##_##b, s, b, m, 3)
#define WEFT_FS(T, b, s) WEFT_FUSED(store, T, b, s, _, b##_##s, 4)
#define WEFT_FLA(T, M, l, b) WEFT_FUSED(load_add, T, l##_add, b, M, l##_add_##b, 5)
#define WEFT_FB(T, p, n, br, x) WEFT_FUSED(branch, T, p, br, x, p##_##br, n)
#define WEFT_FUSE_BR_ROW(p, n)                                                                \
  WEFT_FB(uint32_t, p, n, br_i32_eq, ==) WEFT_FB(uint32_t, p, n, br_i32_ne, !=)              \
  WEFT_FB(int32_t, p, n, br_i32_lt_s, <) WEFT_FB(uint32_t, p, n, br_i32_lt_u, <)             \
  WEFT_FB(int32_t, p, n, br_i32_gt_s, >) WEFT_FB(uint32_t, p, n, br_i32_gt_u, >)             \
  WEFT_FB(int32_t, p, n, br_i32_le_s, <=) WEFT_FB(uint32_t, p, n, br_i32_le_u, <=)           \
  WEFT_FB(int32_t, p, n, br_i32_ge_s, >=) WEFT_FB(uint32_t, p, n, br_i32_ge_u, >=)
#define WEFT_FBZ(p, n)                                                                      \
  WEFT_FUSED(branch_z, u32, p, br_if, !=, p##_br_if, n)                                      \
  WEFT_FUSED(branch_z, u32, p, br_unless, ==, p##_br_unless, n)
#define WEFT_FSEL(T, cmp, x) WEFT_FUSED(select, T, cmp, select, x, cmp##_select, 5)
#define WEFT_FSC(T, m, name, n) WEFT_FUSED(scaled, T, i32_shl_i32_add, m, _, name, n)
// pair_keep: a pair whose first result also goes to a local (a local.tee, or a local.set
// then local.get): `t = a op1 b` written, then `d = t op2 c` -> `op1_op2_keep d a b c t`.
#define WEFT_FPK(T, a, b) WEFT_FUSED(pair_keep, T, a, b, _, a##_##b##_keep, 5)
#define WEFT_KEEP_OPS_A(F, T, p)                                                              \
  F(T, p, p##_add) F(T, p, p##_sub) F(T, p, p##_and) F(T, p, p##_or) F(T, p, p##_xor)        \
  F(T, p, p##_shl) F(T, p, p##_shr_u)
#define WEFT_KEEP_OPS_B(F, T, p, a)                                                           \
  F(T, a, p##_add) F(T, a, p##_sub) F(T, a, p##_and) F(T, a, p##_or) F(T, a, p##_xor)        \
  F(T, a, p##_shl) F(T, a, p##_shr_u)
#define WEFT_KEEP_ROW(T, p, a) WEFT_KEEP_OPS_B(WEFT_FPK, T, p, a)
// `memory[addr + off] op= first(...)`, op add or sub; n: the operands (addr, off and
// first's inputs). The add_addr forms compute addr as a sum into a local first:
// [d a b off inputs...].
#define WEFT_FRMW(T, first, n)                                                                \
  WEFT_FUSED(rmw_of, T, first, T##_add_mem, _, first##_##T##_add_mem, n)                     \
  WEFT_FUSED(rmw_of, T, first, T##_sub_mem, _, first##_##T##_sub_mem, n)                     \
  WEFT_FUSED(add_addr, T, i32_add, first##_##T##_add_mem, (first, T##_add_mem),                 \
             i32_add_##first##_##T##_add_mem, n + 2)                                           \
  WEFT_FUSED(add_addr, T, i32_add, first##_##T##_sub_mem, (first, T##_sub_mem),                 \
             i32_add_##first##_##T##_sub_mem, n + 2)
#define WEFT_FCHAIN(T, p)                                                                     \
  WEFT_FUSED(chain, T, p##_rotl, p##_rotl_##p##_xor, _, p##_rotl2_xor, 4)                     \
  WEFT_FUSED(chain, T, p##_rotl2_xor, p##_rotl_##p##_xor, _, p##_rotl3_xor, 5)                \
  WEFT_FUSED(chain, T, p##_rotl2_xor, p##_shr_u_##p##_xor, _, p##_rotl2_shr_u_xor, 5)
// An instruction s of n operands, then a conditional branch: the add-compare-branch that
// closes a loop (five operands), a compare-branch (three) or br_if/br_unless (two).
#define WEFT_FTHEN_BR(s, n)                                                                   \
  WEFT_FUSED(then_br, u32, s, i32_add_br_i32_ne, !=, s##_add_br_i32_ne, n + 5)               \
  WEFT_FUSED(then_br, u32, s, i32_add_br_i32_lt_u, <, s##_add_br_i32_lt_u, n + 5)            \
  WEFT_FUSED(then_br, int32_t, s, i32_add_br_i32_lt_s, <, s##_add_br_i32_lt_s, n + 5)        \
  WEFT_FUSED(then_br, u32, s, br_i32_eq, ==, s##_then_br_i32_eq, n + 3)                      \
  WEFT_FUSED(then_br, u32, s, br_i32_ne, !=, s##_then_br_i32_ne, n + 3)                      \
  WEFT_FUSED(then_br, u32, s, br_i32_lt_u, <, s##_then_br_i32_lt_u, n + 3)                   \
  WEFT_FUSED(then_br, int32_t, s, br_i32_lt_s, <, s##_then_br_i32_lt_s, n + 3)               \
  WEFT_FUSED(then_br, u32, s, br_if, !=, s##_then_br_if, n + 2)                              \
  WEFT_FUSED(then_br, u32, s, br_unless, ==, s##_then_br_unless, n + 2)
#define WEFT_FUSED_OPS()                                                                      \
  WEFT_INT_OPS_A(WEFT_FUSE_ROW_INT, u32, i32) WEFT_INT_OPS_A(WEFT_FUSE_ROW_INT, u64, i64)   \
  WEFT_FLOAT_OPS_A(WEFT_FUSE_ROW_FLOAT, f32, f32)                                            \
  WEFT_FLOAT_OPS_A(WEFT_FUSE_ROW_FLOAT, f64, f64)                                            \
  WEFT_INT_OPS_A(WEFT_FUSE_ROW_R, u32, i32) WEFT_INT_OPS_A(WEFT_FUSE_ROW_R, u64, i64)       \
  WEFT_FLOAT_OPS_A(WEFT_FUSE_ROW_RF, f32, f32) WEFT_FLOAT_OPS_A(WEFT_FUSE_ROW_RF, f64, f64) \
  WEFT_FLR(u32, i32_load, i32_sub) WEFT_FLR(u64, i64_load, i64_sub)                          \
  WEFT_FLR(f32, f32_load, f32_sub) WEFT_FLR(f32, f32_load, f32_div)                          \
  WEFT_FLR(f64, f64_load, f64_sub) WEFT_FLR(f64, f64_load, f64_div)                          \
  WEFT_FLAR(u32, u32, i32_load, i32_sub) WEFT_FLAR(u32, uint8_t, i32_load8_u, i32_sub)       \
  WEFT_FLAR(u32, int8_t, i32_load8_s, i32_sub) WEFT_FLAR(u64, u64, i64_load, i64_sub)        \
  WEFT_FLAR(f32, f32, f32_load, f32_sub) WEFT_FLAR(f32, f32, f32_load, f32_div)              \
  WEFT_FLAR(f64, f64, f64_load, f64_sub) WEFT_FLAR(f64, f64, f64_load, f64_div)              \
  WEFT_FL(u32, i32_load, i32_add, i32_store, i32_add_mem)                                    \
  WEFT_FL(u32, i32_load, i32_sub, i32_store, i32_sub_mem)                                    \
  WEFT_FL(u32, i32_load, i32_mul, i32_store, i32_mul_mem)                                    \
  WEFT_FL(u32, i32_load, i32_and, i32_store, i32_and_mem)                                    \
  WEFT_FL(u32, i32_load, i32_or, i32_store, i32_or_mem)                                      \
  WEFT_FL(u32, i32_load, i32_xor, i32_store, i32_xor_mem)                                    \
  WEFT_FL(u64, i64_load, i64_add, i64_store, i64_add_mem)                                    \
  WEFT_FL(u64, i64_load, i64_sub, i64_store, i64_sub_mem)                                    \
  WEFT_FL(u64, i64_load, i64_mul, i64_store, i64_mul_mem)                                    \
  WEFT_FL(u64, i64_load, i64_and, i64_store, i64_and_mem)                                    \
  WEFT_FL(u64, i64_load, i64_or, i64_store, i64_or_mem)                                      \
  WEFT_FL(u64, i64_load, i64_xor, i64_store, i64_xor_mem)                                    \
  WEFT_FL(f32, f32_load, f32_add, f32_store, f32_add_mem)                                    \
  WEFT_FL(f32, f32_load, f32_sub, f32_store, f32_sub_mem)                                    \
  WEFT_FL(f32, f32_load, f32_mul, f32_store, f32_mul_mem)                                    \
  WEFT_FL(f32, f32_load, f32_div, f32_store, f32_div_mem)                                    \
  WEFT_FL(f64, f64_load, f64_add, f64_store, f64_add_mem)                                    \
  WEFT_FL(f64, f64_load, f64_sub, f64_store, f64_sub_mem)                                    \
  WEFT_FL(f64, f64_load, f64_mul, f64_store, f64_mul_mem)                                    \
  WEFT_FL(f64, f64_load, f64_div, f64_store, f64_div_mem)                                    \
  WEFT_FLA(u32, u32, i32_load, i32_add) WEFT_FLA(u32, u32, i32_load, i32_sub)                \
  WEFT_FLA(u32, u32, i32_load, i32_mul) WEFT_FLA(u32, u32, i32_load, i32_and)                \
  WEFT_FLA(u32, u32, i32_load, i32_or) WEFT_FLA(u32, u32, i32_load, i32_xor)                 \
  WEFT_FLA(u32, uint8_t, i32_load8_u, i32_add) WEFT_FLA(u32, uint8_t, i32_load8_u, i32_sub)  \
  WEFT_FLA(u32, uint8_t, i32_load8_u, i32_and) WEFT_FLA(u32, uint8_t, i32_load8_u, i32_or)   \
  WEFT_FLA(u32, uint8_t, i32_load8_u, i32_xor) WEFT_FLA(u32, int8_t, i32_load8_s, i32_add)   \
  WEFT_FLA(u32, int8_t, i32_load8_s, i32_sub)                                                \
  WEFT_FLA(u64, u64, i64_load, i64_add) WEFT_FLA(u64, u64, i64_load, i64_sub)                \
  WEFT_FLA(u64, u64, i64_load, i64_and) WEFT_FLA(u64, u64, i64_load, i64_or)                 \
  WEFT_FLA(u64, u64, i64_load, i64_xor)                                                      \
  WEFT_FLA(f32, f32, f32_load, f32_add) WEFT_FLA(f32, f32, f32_load, f32_sub)                \
  WEFT_FLA(f32, f32, f32_load, f32_mul) WEFT_FLA(f32, f32, f32_load, f32_div)                \
  WEFT_FLA(f64, f64, f64_load, f64_add) WEFT_FLA(f64, f64, f64_load, f64_sub)                \
  WEFT_FLA(f64, f64, f64_load, f64_mul) WEFT_FLA(f64, f64, f64_load, f64_div)                \
  WEFT_FS(u32, i32_add, i32_store) WEFT_FS(u32, i32_sub, i32_store)                          \
  WEFT_FS(u32, i32_mul, i32_store) WEFT_FS(u32, i32_and, i32_store)                          \
  WEFT_FS(u32, i32_or, i32_store) WEFT_FS(u32, i32_xor, i32_store)                           \
  WEFT_FS(u32, i32_shl, i32_store) WEFT_FS(u32, i32_shr_u, i32_store)                        \
  WEFT_FS(u64, i64_add, i64_store) WEFT_FS(u64, i64_sub, i64_store)                          \
  WEFT_FS(u64, i64_mul, i64_store) WEFT_FS(u64, i64_and, i64_store)                          \
  WEFT_FS(u64, i64_or, i64_store) WEFT_FS(u64, i64_xor, i64_store)                           \
  WEFT_FS(f32, f32_add, f32_store) WEFT_FS(f32, f32_sub, f32_store)                          \
  WEFT_FS(f32, f32_mul, f32_store) WEFT_FS(f32, f32_div, f32_store)                          \
  WEFT_FS(f64, f64_add, f64_store) WEFT_FS(f64, f64_sub, f64_store)                          \
  WEFT_FS(f64, f64_mul, f64_store) WEFT_FS(f64, f64_div, f64_store)                          \
  WEFT_FUSE_BR_ROW(i32_add, 5) WEFT_FUSE_BR_ROW(i32_load8_u_add, 6)                          \
  WEFT_FUSE_BR_ROW(i32_load, 5) WEFT_FUSE_BR_ROW(i32_add_i32_and, 6)                        \
  WEFT_FUSED(absorb, u32, i32_load8_u, i32_add_i32_and_br_i32_lt_u, <,                         \
             i32_load8_u_i32_add_i32_and_br_i32_lt_u, 7)                                      \
  WEFT_FUSED(absorb, u32, i32_load8_u, i32_add_i32_and_br_i32_ge_u, >=,                        \
             i32_load8_u_i32_add_i32_and_br_i32_ge_u, 7)                                      \
  WEFT_FBZ(i32_add, 4) WEFT_FBZ(i32_and, 4) WEFT_FBZ(i32_load, 4) WEFT_FBZ(i32_load8_u_add, 5) \
  WEFT_FSEL(uint32_t, i32_eq, ==) WEFT_FSEL(uint32_t, i32_ne, !=)                            \
  WEFT_FSEL(int32_t, i32_lt_s, <) WEFT_FSEL(uint32_t, i32_lt_u, <)                           \
  WEFT_FSEL(int32_t, i32_gt_s, >) WEFT_FSEL(uint32_t, i32_gt_u, >)                           \
  WEFT_FSEL(int32_t, i32_le_s, <=) WEFT_FSEL(uint32_t, i32_le_u, <=)                         \
  WEFT_FSEL(int32_t, i32_ge_s, >=) WEFT_FSEL(uint32_t, i32_ge_u, >=)                         \
  WEFT_FSC(u32, i32_load, i32_load_scaled, 5) WEFT_FSC(u64, i64_load, i64_load_scaled, 5)    \
  WEFT_FSC(f32, f32_load, f32_load_scaled, 5) WEFT_FSC(f64, f64_load, f64_load_scaled, 5)    \
  WEFT_FSC(u32, i32_store, i32_store_scaled, 5) WEFT_FSC(u64, i64_store, i64_store_scaled, 5) \
  WEFT_FSC(f32, f32_store, f32_store_scaled, 5) WEFT_FSC(f64, f64_store, f64_store_scaled, 5) \
  WEFT_FRMW(f64, f64_mul, 4) WEFT_FRMW(f64, f64_mul_f64_mul, 5)                               \
  WEFT_FRMW(f64, f64_load_f64_mul, 5) WEFT_FRMW(f32, f32_mul, 4)                              \
  WEFT_FRMW(f32, f32_mul_f32_mul, 5) WEFT_FRMW(f32, f32_load_f32_mul, 5)                      \
  WEFT_FCHAIN(u32, i32) WEFT_FCHAIN(u64, i64)                                                 \
  WEFT_KEEP_OPS_A(WEFT_KEEP_ROW, u32, i32)                                                    \
  WEFT_FTHEN_BR(i32_store8_add, 4) WEFT_FTHEN_BR(i32_store_add, 4)                            \
  WEFT_FTHEN_BR(i32_store8, 3) WEFT_FTHEN_BR(i32_store, 3)                                    \
  WEFT_FTHEN_BR(f64_store, 3) WEFT_FTHEN_BR(i32_store_scaled, 5)                              \
  WEFT_FTHEN_BR(copy64, 2) WEFT_FTHEN_BR(i32_add, 3) WEFT_FTHEN_BR(i32_add_x2, 6)             \
  WEFT_FUSED(then_br, u32, i32_add_x2_f64_load_f64_mul_f64_add_mem, i32_add_br_i32_ne, !=,   \
             i32_add_x2_f64_load_f64_mul_f64_add_mem_add_br_i32_ne, 14)                       \
  WEFT_FUSED(then_br, u32, i32_add_x2_f64_load_f64_mul_f64_add_mem, i32_add_br_i32_lt_u, <,  \
             i32_add_x2_f64_load_f64_mul_f64_add_mem_add_br_i32_lt_u, 14)                     \
  WEFT_FUSED(then_br, int32_t, i32_add_x2_f64_load_f64_mul_f64_add_mem, i32_add_br_i32_lt_s, <, \
             i32_add_x2_f64_load_f64_mul_f64_add_mem_add_br_i32_lt_s, 14)                     \
  WEFT_FUSED(then_br, u32, i32_load8_u_add_br_i32_eq, br_i32_eq, ==,                          \
             i32_load8_u_add_br_i32_eq_then_br_i32_eq, 9)                                    \
  WEFT_FUSED(then_br, u32, i32_load8_u_add_br_i32_eq, br_i32_ne, !=,                          \
             i32_load8_u_add_br_i32_eq_then_br_i32_ne, 9)                                    \
  WEFT_FUSED(then_br, u32, i32_load_br_i32_eq, i32_load_br_if, !=, i32_load_br_i32_eq_then_i32_load_br_if, 9) \
  WEFT_FUSED(then_br, u32, i32_load_br_if, i32_load_br_i32_eq, ==, i32_load_br_if_then_i32_load_br_i32_eq, 9) \
  WEFT_FUSED(absorb, u32, i32_and_i32_xor, i32_load_scaled, _, i32_table_and_xor, 7)          \
  WEFT_FUSED(absorb, u32, i32_load, i32_load_i32_mul, _, i32_load_x2_i32_mul, 5)              \
  WEFT_FUSED(absorb, u32, i32_rotl3_xor, i32_add_i32_add, _, i32_add_i32_add_rotl3_xor, 7)     \
  WEFT_FUSED(absorb, u32, i32_rotl2_shr_u_xor, i32_add_i32_add, _, i32_add_i32_add_rotl2_shr_u_xor, 7) \
  WEFT_FUSED(absorb, u32, i32_load, i32_load_add_i32_mul, _, i32_load_add_load_i32_mul, 6)     \
  WEFT_FUSED(absorb, u32, i32_xor_i32_and, i32_load_scaled, _, i32_table_xor_and, 7)          \
  WEFT_FUSED(absorb, u32, i32_table_and_xor, i32_shr_u_i32_xor, _, i32_shr_u_xor_table_and_xor, 9) \
  WEFT_FUSED(absorb, u32, i32_table_xor_and, i32_shr_u_i32_xor, _, i32_shr_u_xor_table_xor_and, 9) \
  WEFT_FUSED(absorb, f64, f64_mul_f64_add, f64_add, _, f64_mul_f64_add_f64_add, 5)            \
  WEFT_FUSED(absorb, u32, i32_xor_i32_and, i32_and_i32_xor, _, i32_maj, 6)                     \
  WEFT_FUSED(absorb, u32, i32_xor_i32_and, i32_add_i32_add, _, i32_add_i32_add_xor_and, 6)      \
  WEFT_FUSED(absorb, f64, f64_sqrt, f64_mul_f64_div_r, _, f64_sqrt_f64_mul_f64_div_r, 4)

namespace weft::interp {

/// Every handler of the interpreter: generated ones first, then the internal ones.
enum class IOp : uint16_t {
#define WEFT_IOP_GEN(name, sig, kind) name,
#define WEFT_OP(name, prefix, code, text, imm, sig, kind, feature) \
  WEFT_EXEC_##kind##_##feature(WEFT_IOP_GEN, name, sig)
#include "wasm/opcodes.def"
#undef WEFT_OP
#undef WEFT_IOP_GEN
#define WEFT_IOP_INTERNAL(name, operands) name,
  WEFT_INTERNAL_OPS(WEFT_IOP_INTERNAL)
#define WEFT_FUSED(kind, T, a, b, x, name, n) name,
  WEFT_FUSED_OPS()
#undef WEFT_FUSED
#undef WEFT_IOP_INTERNAL
      count_
};
inline constexpr size_t iop_count = static_cast<size_t>(IOp::count_);

/// The handler address of each IOp, from the interpreter's dispatch table.
const void* const* handler_table() noexcept;
/// For the instructions with one branch, its offset their last operand: the handler
/// compiled for a backward branch (`back`) or a forward one, which finish_code puts in
/// place of handler_table()'s; null for the other instructions.
const void* const* directed_handler_table(bool back) noexcept;
/// Which IOp a handler address is (any of its variants), if it is one.
std::optional<IOp> handler_iop(const void* handler) noexcept;
/// Which of its operands hold immediates (bit i: operand i), for a handler with some.
uint32_t handler_immediates(const void* handler) noexcept;

/// Maps a simple, load or store wasm instruction to its handler; special ones to count_.
IOp iop_of(wasm::Op op) noexcept;

/// The name of a handler ("i32.add", "copy64").
std::string_view iop_name(IOp op) noexcept;
/// How many operands follow the handler (br_table: the fixed part, before its table).
uint32_t iop_operands(IOp op) noexcept;

inline constexpr uint32_t handler_size = 8;
inline constexpr uint32_t operand_size = 4;

inline uint32_t read_operand(const uint8_t* pc, uint32_t i) noexcept {
  uint32_t v;
  std::memcpy(&v, pc + handler_size + operand_size * i, 4);
  return v;
}

/// Whether the instruction's fixed operands end with a count, followed by that many offsets
/// and a default one (br_table and its fused forms).
inline bool has_offset_table(IOp op) noexcept {
  return op == IOp::br_table || op == IOp::i32_add_br_table || op == IOp::i32_load8_s_add_br_table ||
         op == IOp::i32_load8_u_add_br_table;
}

/// A loop's cost, the 8 bytes before its body (loop_entry's two operand fields).
inline int64_t read_loop_cost(const uint8_t* body) noexcept {
  int64_t v;
  std::memcpy(&v, body - 8, 8);
  return v;
}

}  // namespace weft::interp

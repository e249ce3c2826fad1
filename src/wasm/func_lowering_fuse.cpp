// weft: superinstructions. Two instructions in a row become one handler, so the interpreter
// dispatches once and keeps the value passed between them in a register:
// - when the first one's result is read only by the second: it was computed into its
//   operand stack home by the last instruction emitted, and the second pops it (pairs,
//   loads into operators, operators into stores, compares into select or br_table);
// - when a branch tests the value the instruction before it just wrote (a counter, a
//   loaded byte), which may live in a local: both are kept, in one handler;
// - copies then the br or ret that carries them, and two additions in a row.
// Never across a label: loop, else and end start a new sequence (end_sequence), and the
// producer tracking of func_lowering.cpp forgets the producer at every control instruction.
// The forms are listed in interp/code.hpp (WEFT_FUSED_OPS and the internal operations);
// which pairs are worth a handler was decided with the dispatch profile of bench/
// (docs/RATIONALE.md).
#include <unordered_map>
#include <vector>

#include "wasm/func_lowering.hpp"

namespace weft::wasm {

using interp::IOp;

namespace {

/// The kinds of WEFT_FUSED_OPS (interp/code.hpp says what each one fuses).
enum class FuseKind : uint8_t {
  pair, pair_r, load, load_r, load_add, load_add_r, store, rmw, branch, branch_z, select, scaled,
  rmw_of, chain, then_br, pair_keep, absorb, add_addr
};

struct Fusion {
  FuseKind kind;
  IOp first;
  IOp second;
  IOp fused;
};

constexpr Fusion fusions[] = {
#define WEFT_FUSED(kind, T, a, b, x, name, n) {FuseKind::kind, IOp::a, IOp::b, IOp::name},
    WEFT_FUSED_OPS()
#undef WEFT_FUSED
};

/// The lookups the lowering needs, built once: which IOp a handler address is, and the
/// superinstruction of (kind, first, second).
class FusionTable {
 public:
  FusionTable() {
    const void* const* handlers = interp::handler_table();
    for (size_t i = 0; i < interp::iop_count; ++i)
      m_by_handler.emplace(handlers[i], static_cast<IOp>(i));
    m_fused.reserve(std::size(fusions));
    m_parts.assign(interp::iop_count, -1);
    m_pure.assign(interp::iop_count, false);
    m_absorbs.assign(interp::iop_count, false);
    for (size_t i = 0; i < std::size(fusions); ++i) {
      const Fusion& f = fusions[i];
      if (f.kind == FuseKind::absorb || f.kind == FuseKind::rmw_of || f.kind == FuseKind::chain)
        m_absorbs[static_cast<size_t>(f.second)] = true;
      m_fused.emplace(key(f.kind, f.first, f.second), f.fused);
      m_parts[static_cast<size_t>(f.fused)] = static_cast<int32_t>(i);
      // Operators of pairs never trap nor touch memory, and neither do their pairs.
      if (f.kind == FuseKind::pair || f.kind == FuseKind::pair_r) {
        m_pure[static_cast<size_t>(f.first)] = true;
        m_pure[static_cast<size_t>(f.second)] = true;
        m_pure[static_cast<size_t>(f.fused)] = true;
      }
    }
  }
  /// Whether `op` writes only its destination slot, reads only slots, and never traps.
  bool pure(IOp op) const { return m_pure[static_cast<size_t>(op)]; }
  /// Whether `op` may take in the instruction before it (merge_previous's kinds).
  bool absorbs(IOp op) const { return m_absorbs[static_cast<size_t>(op)]; }
  /// What superinstruction `op` is made of.
  std::optional<Fusion> parts(IOp op) const {
    int32_t i = m_parts[static_cast<size_t>(op)];
    if (i < 0) return std::nullopt;
    return fusions[i];
  }
  std::optional<IOp> iop_of(const void* handler) const {
    auto it = m_by_handler.find(handler);
    if (it == m_by_handler.end()) return std::nullopt;
    return it->second;
  }
  std::optional<IOp> fused(FuseKind kind, IOp first, IOp second) const {
    auto it = m_fused.find(key(kind, first, second));
    if (it == m_fused.end()) return std::nullopt;
    return it->second;
  }

 private:
  static uint64_t key(FuseKind kind, IOp first, IOp second) {
    return (uint64_t{static_cast<uint8_t>(kind)} << 32) |
           (uint64_t{static_cast<uint16_t>(first)} << 16) | static_cast<uint16_t>(second);
  }
  std::unordered_map<const void*, IOp> m_by_handler;
  std::unordered_map<uint64_t, IOp> m_fused;
  std::vector<bool> m_pure;       ///< by IOp
  std::vector<bool> m_absorbs;    ///< by IOp
  std::vector<int32_t> m_parts;   ///< by IOp: its index in fusions, or -1
};

const FusionTable& fusion_table() {
  static const FusionTable table;
  return table;
}

/// Operators whose operands may be swapped. For float add and mul, swapping can change
/// which NaN payload comes out when both operands are NaNs; the spec leaves that payload
/// open (any arithmetic NaN, or a canonical one when the inputs are canonical).
bool commutes(IOp op) {
  switch (op) {
    case IOp::i32_add: case IOp::i32_mul: case IOp::i32_and: case IOp::i32_or: case IOp::i32_xor:
    case IOp::i64_add: case IOp::i64_mul: case IOp::i64_and: case IOp::i64_or: case IOp::i64_xor:
    case IOp::f32_add: case IOp::f32_mul: case IOp::f64_add: case IOp::f64_mul:
      return true;
    default: return false;
  }
}

/// `a cmp b` is `b swapped(cmp) a`.
IOp swapped_compare(IOp br) {
  switch (br) {
    case IOp::br_i32_lt_s: return IOp::br_i32_gt_s;
    case IOp::br_i32_gt_s: return IOp::br_i32_lt_s;
    case IOp::br_i32_lt_u: return IOp::br_i32_gt_u;
    case IOp::br_i32_gt_u: return IOp::br_i32_lt_u;
    case IOp::br_i32_le_s: return IOp::br_i32_ge_s;
    case IOp::br_i32_ge_s: return IOp::br_i32_le_s;
    case IOp::br_i32_le_u: return IOp::br_i32_ge_u;
    case IOp::br_i32_ge_u: return IOp::br_i32_le_u;
    default: return br;  // eq, ne
  }
}

}  // namespace

std::optional<IOp> FuncLowering::iop_at(size_t start) const {
  const void* h;
  std::memcpy(&h, m_code.data() + start, sizeof h);
  return fusion_table().iop_of(h);
}

void FuncLowering::fields_at(size_t start, uint32_t n, Field* out) const {
  for (uint32_t i = 0; i < n; ++i) out[i] = field_at(start + interp::handler_size + 4 * i);
}

FuncLowering::Field FuncLowering::field_at(size_t at) const {
  Field f;
  std::memcpy(&f.raw, m_code.data() + at, 4);
  // The records of the last instructions are at the back of each list, in order.
  for (size_t i = m_temp_fields.size(); i-- > 0 && m_temp_fields[i] >= at;)
    if (m_temp_fields[i] == at) f.kind = 1;
  for (size_t i = m_const_fields.size(); i-- > 0 && m_const_fields[i] >= at;)
    if (m_const_fields[i] == at) f.kind = 2;
  return f;
}

void FuncLowering::emit_field(Field f) {
  if (f.kind == 1) m_temp_fields.push_back(m_code.size());
  if (f.kind == 2) m_const_fields.push_back(m_code.size());
  emit_u32(f.raw);
}

void FuncLowering::restart_instruction(size_t start, IOp op) {
  for (std::vector<size_t>* list : {&m_temp_fields, &m_const_fields})
    while (!list->empty() && list->back() >= start) list->pop_back();
  m_code.resize(start + interp::handler_size);
  const void* h = m_handlers[static_cast<size_t>(op)];
  std::memcpy(m_code.data() + start, &h, sizeof h);
}

bool FuncLowering::fuse_binary(IOp op, const StackEntry (&args)[3], ValType result) {
  const FusionTable& table = fusion_table();
  // `l = c - load(a + b + off)` into a local, then `x * l` (or `l * x`, `l * l`): one
  // handler, which still writes l, before it reads x.
  if (op == IOp::f64_mul && !dead() && m_last_start != k_no_start &&
      m_code.size() - m_last_start == interp::handler_size + 5 * interp::operand_size &&
      iop_at(m_last_start) == IOp::f64_load_add_f64_sub_r) {
    const size_t fields = m_last_start + interp::handler_size;
    Field first[5];
    for (uint32_t i = 0; i < 5; ++i) first[i] = field_at(fields + 4 * i);
    for (int side = 0; side < 2; ++side) {
      const StackEntry& e = args[side];
      if (e.src == e.home || e.src >= m_locals_end || is_const_slot(e.src)) continue;
      if (slot_field(e.src) != first[0]) continue;
      const Field x = slot_field(args[1 - side].src);
      const size_t start = m_last_start;
      restart_instruction(start, IOp::f64_load_add_f64_sub_r_f64_mul_keep);
      push(result);
      const size_t dst_field = m_code.size();
      emit_slot(m_stack.back().home);
      emit_field(x);
      for (const Field& f : first) emit_field(f);
      mark_producer(dst_field);
      return true;
    }
  }
  // The left operand (or either, when op commutes) reads a local the last instruction, a
  // binary operator, just wrote: both in one handler, which still writes the local.
  for (int side = 0; side < 2 && !dead() && m_last_start != k_no_start; ++side) {
    if (side == 1 && !commutes(op)) break;
    const StackEntry& e = args[side];
    if (e.src == e.home || e.src >= m_locals_end || is_const_slot(e.src)) continue;
    if (m_code.size() - m_last_start != interp::handler_size + 3 * interp::operand_size) break;
    std::optional<IOp> first = iop_at(m_last_start);
    std::optional<IOp> fused = first ? table.fused(FuseKind::pair_keep, *first, op) : std::nullopt;
    if (!fused) break;
    const size_t fields = m_last_start + interp::handler_size;
    const Field t = field_at(fields), a = field_at(fields + 4), b = field_at(fields + 8);
    if (t != slot_field(e.src)) continue;
    const Field c = slot_field(args[1 - side].src);
    const size_t start = m_last_start;
    restart_instruction(start, *fused);
    push(result);
    size_t dst_field = m_code.size();
    emit_slot(m_stack.back().home);
    emit_field(a);
    emit_field(b);
    emit_field(c);
    emit_field(t);
    mark_producer(dst_field);
    return true;
  }
  for (int side = 0; side < 2; ++side) {
    // The producer's result is the left operand; or the right one, when `op` commutes or
    // has a form with its operands the other way round (sub, div: `c - t`).
    const bool reversed = side == 1 && !commutes(op);
    const void* h = producer_of(args[side]);
    if (h == nullptr) continue;
    std::optional<IOp> first = table.iop_of(h);
    if (!first) continue;
    std::optional<IOp> fused = table.fused(reversed ? FuseKind::pair_r : FuseKind::pair, *first, op);
    if (!fused) fused = table.fused(reversed ? FuseKind::load_r : FuseKind::load, *first, op);
    if (!fused) fused = table.fused(reversed ? FuseKind::load_add_r : FuseKind::load_add, *first, op);
    if (!fused) continue;
    // `t = a op1 b` (or `t = load addr off`, `t = load_add a b off`) is the last
    // instruction and its destination field names t's home. The result goes to args[0]'s
    // home, which is t's home or below it, and is a temporary like t's, so the field's
    // relocation record stays right. The other operand is appended.
    size_t dst_field = m_producer_field;
    const void* fh = m_handlers[static_cast<size_t>(*fused)];
    std::memcpy(m_code.data() + dst_field - interp::handler_size, &fh, sizeof fh);
    push(result);
    uint32_t d = m_stack.back().home * 8;
    std::memcpy(m_code.data() + dst_field, &d, 4);
    emit_slot(args[1 - side].src);
    mark_producer(dst_field);
    merge_previous(interp::iop_operands(*fused) - 1);  // the operand just appended
    return true;
  }
  return false;
}

FuncLowering::Field FuncLowering::slot_field(uint32_t slot) const {
  if (is_const_slot(slot)) return Field{slot - k_const_slot, 2};
  return Field{slot * 8, static_cast<uint8_t>(slot >= m_locals_end ? 1 : 0)};
}

std::optional<const void*> FuncLowering::fused_scaled(IOp iop, const StackEntry& addr) const {
  const void* h = producer_of(addr);
  if (h == nullptr || h != m_handlers[static_cast<size_t>(IOp::i32_shl_i32_add)]) return std::nullopt;
  std::optional<IOp> fused = fusion_table().fused(FuseKind::scaled, IOp::i32_shl_i32_add, iop);
  if (!fused) return std::nullopt;
  return m_handlers[static_cast<size_t>(*fused)];
}

bool FuncLowering::fuse_store(IOp store, const StackEntry& addr, const StackEntry& value,
                              uint32_t offset) {
  const void* h = producer_of(value);
  if (h == nullptr) return false;
  const FusionTable& table = fusion_table();
  std::optional<IOp> first = table.iop_of(h);
  if (!first) return false;
  if (std::optional<IOp> rmw = table.fused(FuseKind::rmw, *first, store)) {
    // `load_op t addr off c; store addr t off`, the same address and offset: memory[addr +
    // off] op= c. The producer's fields are [t addr off c].
    Field load_addr = field_at(m_producer_field + 4);
    Field load_offset = field_at(m_producer_field + 8);
    if (load_addr == slot_field(addr.src) && load_offset == Field{offset, 0}) {
      size_t start = m_producer_field - interp::handler_size;
      Field c = field_at(m_producer_field + 12);
      restart_instruction(start, *rmw);
      emit_field(load_addr);
      emit_u32(offset);
      emit_field(c);
      forget_producer();
      merge_previous(2);
      return true;
    }
  }
  if (fuse_load_op_store(store, addr, offset, *first)) return true;
  std::optional<IOp> fused = table.fused(FuseKind::store, *first, store);
  if (!fused) return false;
  // `op t a b; store addr t off` -> `op_store addr a b off`. The address was computed
  // before the producer, which wrote only t's home: addr.src still holds it.
  size_t start = m_producer_field - interp::handler_size;
  Field a = field_at(m_producer_field + 4);
  Field b = field_at(m_producer_field + 8);
  restart_instruction(start, *fused);
  emit_slot(addr.src);
  emit_field(a);
  emit_field(b);
  emit_u32(offset);
  forget_producer();
  return true;
}

std::optional<size_t> FuncLowering::fuse_branch_on_value(size_t start) {
  // `first d ...` then `br_cmp x y off` (or `br_if d off`, `br_unless d off`) at `start`,
  // right after it with no label between.
  if (dead() || m_last_start != start || m_prev_start == k_no_start) return std::nullopt;
  const FusionTable& table = fusion_table();
  std::optional<IOp> first = iop_at(m_prev_start);
  if (!first) return std::nullopt;
  // The operand fields of the first instruction: d and its inputs.
  uint32_t fields;
  switch (*first) {
    case IOp::i32_add: fields = 3; break;           // d a b
    case IOp::i32_and: fields = 3; break;           // d a b
    case IOp::i32_load: fields = 3; break;          // d addr off
    case IOp::i32_load8_u_add: fields = 4; break;   // d a b off
    case IOp::i32_add_i32_and: fields = 4; break;   // d a b m
    default: return std::nullopt;
  }
  if (start - m_prev_start != interp::handler_size + fields * interp::operand_size) return std::nullopt;
  std::optional<IOp> br = iop_at(start);
  if (!br) return std::nullopt;
  const size_t first_fields = m_prev_start + interp::handler_size;
  const size_t br_fields = start + interp::handler_size;
  Field in[4];
  for (uint32_t i = 0; i < fields; ++i) in[i] = field_at(first_fields + 4 * i);
  const Field d = in[0];
  std::optional<IOp> fused;
  std::optional<Field> c;  // the compared operand; none for br_if/br_unless, which test d
  if (*br == IOp::br_if || *br == IOp::br_unless) {
    if (field_at(br_fields) != d) return std::nullopt;
    fused = table.fused(FuseKind::branch_z, *first, *br);
  } else {
    Field x = field_at(br_fields), y = field_at(br_fields + 4);
    IOp cmp = *br;
    if (x == d) {
      c = y;
    } else if (y == d) {
      cmp = swapped_compare(cmp);
      c = x;
    } else {
      return std::nullopt;
    }
    fused = table.fused(FuseKind::branch, *first, cmp);
  }
  if (!fused) return std::nullopt;
  size_t first_start = m_prev_start;
  // A byte loaded into a temporary just before, which only the range check reads: it joins
  // too, as [d c1 m limit off addr loff] (the absorb kind).
  if (m_prev2_start != k_no_start && c &&
      m_prev_start - m_prev2_start == interp::handler_size + 3 * interp::operand_size) {
    std::optional<IOp> load = iop_at(m_prev2_start);
    std::optional<IOp> whole = load ? table.fused(FuseKind::absorb, *load, *fused) : std::nullopt;
    const size_t load_fields = m_prev2_start + interp::handler_size;
    const Field t = field_at(load_fields), addr = field_at(load_fields + 4), loff = field_at(load_fields + 8);
    if (whole && t.kind == 1 && in[1] == t && in[2] != t && in[3] != t && *c != t) {
      first_start = m_prev2_start;
      restart_instruction(first_start, *whole);
      for (const Field& f : {in[0], in[2], in[3], *c}) emit_field(f);
      size_t field = m_code.size();
      emit_u32(0);  // the end of a fixup chain, as emitted
      emit_field(addr);
      emit_field(loff);
      forget_producer();
      m_last_start = first_start;
      m_prev_start = m_prev2_start = k_no_start;
      return field;
    }
  }
  restart_instruction(first_start, *fused);
  for (uint32_t i = 0; i < fields; ++i) emit_field(in[i]);
  if (c) emit_field(*c);
  size_t field = m_code.size();
  emit_u32(0);  // the end of a fixup chain, as emitted
  m_last_start = first_start;
  m_prev_start = m_prev2_start;
  m_prev2_start = k_no_start;
  if (auto joined = merge_before_branch(first_start)) return joined;
  return field;
}

std::optional<size_t> FuncLowering::merge_before_branch(size_t start) {
  // `first ...; branch ... off` (the branch at `start`, its offset field last and as
  // emitted) -> `first_then_branch ... off`, when first is a store, a copy or an addition
  // (then_br in code.hpp): first is done, then the branch, as before.
  if (dead() || m_last_start != start || m_prev_start == k_no_start) return std::nullopt;
  const FusionTable& table = fusion_table();
  std::optional<IOp> first = iop_at(m_prev_start);
  std::optional<IOp> branch = iop_at(start);
  if (!first || !branch) return std::nullopt;
  std::optional<IOp> whole = table.fused(FuseKind::then_br, *first, *branch);
  if (!whole) return std::nullopt;
  const uint32_t first_fields = interp::iop_operands(*first);
  const uint32_t branch_fields = interp::iop_operands(*branch);
  if (start - m_prev_start != interp::handler_size + first_fields * interp::operand_size ||
      m_code.size() - start != interp::handler_size + branch_fields * interp::operand_size)
    return std::nullopt;
  Field f[16];
  fields_at(m_prev_start, first_fields, f);
  fields_at(start, branch_fields - 1, f + first_fields);
  const size_t merged = m_prev_start;
  restart_instruction(merged, *whole);
  for (uint32_t i = 0; i + 1 < first_fields + branch_fields; ++i) emit_field(f[i]);
  size_t field = m_code.size();
  emit_u32(0);  // the end of a fixup chain, as emitted
  forget_producer();
  m_copy_end = 0;
  m_last_start = merged;
  m_prev_start = m_prev2_start;
  m_prev2_start = k_no_start;
  if (auto joined = merge_unrolled_step(merged)) return joined;
  return field;
}

bool FuncLowering::may_absorb_previous(IOp cur) const { return fusion_table().absorbs(cur); }

bool FuncLowering::merge_previous(uint32_t value_field) {
  // `prev c ...` then `cur ... c ...` (c at cur's operand value_field), both whole and in a
  // row with no label between; c is a temporary that only cur reads.
  if (dead() || m_last_start == k_no_start || m_prev_start == k_no_start) return false;
  const FusionTable& table = fusion_table();
  std::optional<IOp> cur = iop_at(m_last_start);
  std::optional<IOp> prev = iop_at(m_prev_start);
  if (!cur || !prev) return false;
  std::optional<IOp> kind_absorb = table.fused(FuseKind::rmw_of, *prev, *cur);
  if (!kind_absorb) kind_absorb = table.fused(FuseKind::absorb, *prev, *cur);
  std::optional<IOp> kind_chain = table.fused(FuseKind::chain, *prev, *cur);
  if (!kind_absorb && !kind_chain) return false;
  const uint32_t prev_fields = interp::iop_operands(*prev);
  const uint32_t cur_fields = interp::iop_operands(*cur);
  if (m_last_start - m_prev_start != interp::handler_size + prev_fields * interp::operand_size ||
      m_code.size() - m_last_start != interp::handler_size + cur_fields * interp::operand_size)
    return false;
  Field p[8], q[8];
  fields_at(m_prev_start, prev_fields, p);
  fields_at(m_last_start, cur_fields, q);
  const Field c = p[0];
  if (c.kind == 1 && q[value_field] != c) {
    // Inputs that commute with one another: whichever one prev computed may be absorbed
    // (a sum of three; the product in `c / (a * b)`).
    const uint32_t last = *cur == IOp::i32_add_i32_add ? cur_fields - 1 : *cur == IOp::f64_mul_f64_div_r ? 2 : 0;
    for (uint32_t i = 1; i <= last; ++i)
      if (q[i] == c) value_field = i;
  }
  if (c.kind != 1 || q[value_field] != c) return false;
  // No other input of cur may name c: cur read the value prev wrote there, and the merged
  // instruction never writes it. (Field 0 of a chain, or of a cur that is the producer of
  // the value on top, is its destination.)
  const bool produces = m_producer_field == m_last_start + interp::handler_size;
  for (uint32_t i = kind_chain || produces ? 1 : 0; i < cur_fields; ++i)
    if (i != value_field && q[i] == c) return false;
  const size_t start = m_prev_start;
  if (kind_absorb) {
    // `prev c ins...; cur ... c ...` -> `merged <cur's fields but c> ins...`: the merged
    // handler computes prev's value from its inputs, then does cur with it. Its result, if
    // any, is cur's field 0, as before.
    restart_instruction(start, *kind_absorb);
    size_t dst = m_code.size();
    for (uint32_t i = 0; i < cur_fields; ++i)
      if (i != value_field) emit_field(q[i]);
    for (uint32_t i = 1; i < prev_fields; ++i) emit_field(p[i]);
    if (produces) mark_producer(dst);
  } else {
    // `rotl c a k1 [k2]; X_xor d a k c` -> `... d a k1 [k2] k`, rotations of the same a.
    // prev read a before writing c, cur after: c must not be a, nor cur's k.
    if (q[1] != p[1] || p[1] == c) return false;
    restart_instruction(start, *kind_chain);
    size_t dst = m_code.size();
    emit_field(q[0]);
    for (uint32_t i = 1; i < prev_fields; ++i) emit_field(p[i]);
    emit_field(q[2]);
    mark_producer(dst);
  }
  m_last_start = start;
  m_prev_start = m_prev2_start;
  m_prev2_start = k_no_start;
  if (!merge_address_adds()) merge_address_add();
  return true;
}

bool FuncLowering::fuse_load_op_store(IOp store, const StackEntry& addr, uint32_t offset, IOp op) {
  // `load a addr off; mid ...; op t a b; store addr t off` (`p->x -= expr`: the load comes
  // first, expr between) -> `mid ...; op_mem addr off b`. The load moves after mid, which
  // is sound when mid neither writes memory nor traps and writes neither addr nor a.
  if (m_last_start == k_no_start || m_prev_start == k_no_start ||
      m_producer_field != m_last_start + interp::handler_size)
    return false;
  const FusionTable& table = fusion_table();
  if (std::optional<Fusion> pair = table.parts(op);
      pair && (pair->kind == FuseKind::pair || pair->kind == FuseKind::pair_r)) {
    // mid and op became the pair `op t x y a` (t = (x mid y) op a, or a op (x mid y) for
    // pair_r) -> `mid t x y; op_mem addr off t`, where op must commute for `pair`.
    std::optional<IOp> load = iop_at(m_prev_start);
    if (!load || (pair->kind == FuseKind::pair && !commutes(pair->second))) return false;
    std::optional<IOp> load_op = table.fused(FuseKind::load, *load, pair->second);
    std::optional<IOp> rmw = load_op ? table.fused(FuseKind::rmw, *load_op, store) : std::nullopt;
    if (!rmw || m_last_start - m_prev_start != interp::handler_size + 3 * interp::operand_size ||
        m_code.size() - m_last_start != interp::handler_size + 4 * interp::operand_size)
      return false;
    const size_t load_fields = m_prev_start + interp::handler_size;
    const Field a = field_at(load_fields), address = slot_field(addr.src);
    if (a.kind != 1 || field_at(load_fields + 4) != address || field_at(load_fields + 8) != Field{offset, 0})
      return false;
    const size_t op_fields = m_last_start + interp::handler_size;
    const Field t = field_at(op_fields), x = field_at(op_fields + 4), y = field_at(op_fields + 8);
    if (field_at(op_fields + 12) != a || x == a || y == a || t == address || t.kind != 1) return false;
    const size_t start = m_prev_start;
    const size_t before = m_prev2_start;  // the instruction before the load, if known
    restart_instruction(start, pair->first);
    emit_field(t);
    emit_field(x);
    emit_field(y);
    const size_t rmw_start = m_code.size();
    restart_instruction(rmw_start, *rmw);
    emit_field(address);
    emit_u32(offset);
    emit_field(t);
    forget_producer();
    m_prev2_start = before;
    m_prev_start = start;
    m_last_start = rmw_start;
    merge_previous(2);
    return true;
  }
  if (m_prev2_start == k_no_start) return false;
  std::optional<IOp> load = iop_at(m_prev2_start);
  std::optional<IOp> mid = iop_at(m_prev_start);
  if (!load || !mid || !table.pure(*mid)) return false;
  std::optional<IOp> load_op = table.fused(FuseKind::load, *load, op);
  std::optional<IOp> rmw = load_op ? table.fused(FuseKind::rmw, *load_op, store) : std::nullopt;
  if (!rmw) return false;
  const uint32_t mid_fields = interp::iop_operands(*mid);
  if (m_prev_start - m_prev2_start != interp::handler_size + 3 * interp::operand_size ||
      m_last_start - m_prev_start != interp::handler_size + mid_fields * interp::operand_size ||
      m_code.size() - m_last_start != interp::handler_size + 3 * interp::operand_size)
    return false;
  const size_t load_fields = m_prev2_start + interp::handler_size;
  const Field a = field_at(load_fields), load_addr = field_at(load_fields + 4);
  const Field address = slot_field(addr.src);
  if (a.kind != 1 || load_addr != address || field_at(load_fields + 8) != Field{offset, 0}) return false;
  const size_t op_fields = m_last_start + interp::handler_size;
  Field x = field_at(op_fields + 4), y = field_at(op_fields + 8);
  if (y == a && commutes(op)) std::swap(x, y);
  if (x != a || y == a) return false;  // `load op b`, b not the loaded value
  Field m[8];
  fields_at(m_prev_start, mid_fields, m);
  for (uint32_t i = 0; i < mid_fields; ++i)
    if (m[i] == a || (i == 0 && m[i] == address)) return false;
  const size_t start = m_prev2_start;
  restart_instruction(start, *mid);
  for (uint32_t i = 0; i < mid_fields; ++i) emit_field(m[i]);
  const size_t rmw_start = m_code.size();
  restart_instruction(rmw_start, *rmw);  // appends the handler
  emit_field(address);
  emit_u32(offset);
  emit_field(y);
  forget_producer();
  m_prev2_start = k_no_start;
  m_prev_start = start;
  m_last_start = rmw_start;
  merge_previous(2);  // mid may compute b: `memory[addr + off] -= x * y`
  return true;
}

bool FuncLowering::merge_address_add() {
  // `i32_add d a b; X_mem d off ...` where d is a local (a computed address kept for later
  // use): one handler which writes d, then does X at d.
  if (dead() || m_last_start == k_no_start || m_prev_start == k_no_start) return false;
  const FusionTable& table = fusion_table();
  const void* h;
  std::memcpy(&h, m_code.data() + m_prev_start, sizeof h);
  if (h != m_handlers[static_cast<size_t>(IOp::i32_add)]) return false;
  std::optional<IOp> cur = iop_at(m_last_start);
  std::optional<IOp> merged = cur ? table.fused(FuseKind::add_addr, IOp::i32_add, *cur) : std::nullopt;
  if (!merged) return false;
  const uint32_t cur_fields = interp::iop_operands(*cur);
  if (m_last_start - m_prev_start != interp::handler_size + 3 * interp::operand_size ||
      m_code.size() - m_last_start != interp::handler_size + cur_fields * interp::operand_size)
    return false;
  Field p[3], q[8];
  fields_at(m_prev_start, 3, p);
  fields_at(m_last_start, cur_fields, q);
  if (q[0] != p[0]) return false;
  const size_t start = m_prev_start;
  restart_instruction(start, *merged);
  for (Field f : {p[0], p[1], p[2]}) emit_field(f);
  for (uint32_t i = 1; i < cur_fields; ++i) emit_field(q[i]);
  forget_producer();
  m_last_start = start;
  m_prev_start = m_prev2_start = k_no_start;
  return true;
}

bool FuncLowering::merge_address_adds() {
  // `i32_add_x2 d1 a1 b1 d2 a2 b2; f64_load_f64_mul_f64_add_mem d1 off1 d2 off2 c` (the two
  // addresses of `c[j] += x * b[j]`, in locals or temporaries): one handler, which still
  // writes d1 and d2.
  if (dead() || m_last_start == k_no_start || m_prev_start == k_no_start) return false;
  const void* h;
  std::memcpy(&h, m_code.data() + m_prev_start, sizeof h);
  if (h != m_handlers[static_cast<size_t>(IOp::i32_add_x2)]) return false;
  std::memcpy(&h, m_code.data() + m_last_start, sizeof h);
  if (h != m_handlers[static_cast<size_t>(IOp::f64_load_f64_mul_f64_add_mem)]) return false;
  if (m_last_start - m_prev_start != interp::handler_size + 6 * interp::operand_size ||
      m_code.size() - m_last_start != interp::handler_size + 5 * interp::operand_size)
    return false;
  Field p[6], q[5];
  fields_at(m_prev_start, 6, p);
  fields_at(m_last_start, 5, q);
  if (q[0] != p[0] || q[2] != p[3] || p[0] == p[3]) return false;
  const size_t start = m_prev_start;
  restart_instruction(start, IOp::i32_add_x2_f64_load_f64_mul_f64_add_mem);
  for (Field f : {p[0], p[1], p[2], p[3], p[4], p[5], q[1], q[3], q[4]}) emit_field(f);
  forget_producer();
  m_last_start = start;
  m_prev_start = m_prev2_start = k_no_start;
  m_step_prev = m_step_last;
  m_step_last = start;
  return true;
}

std::optional<size_t> FuncLowering::merge_unrolled_step(size_t merged) {
  // `step d1 a1 b1 d2 a2 b2 off1 off2 c` then, right after it (no label between, as both
  // were formed in this sequence), `step_add_br D1 A1 B1 D2 A2 B2 OFF1 OFF2 C d a b lim off`
  // -> `step_x2_add_br d1 a1 b1 d2 a2 b2 off1 off2 c B1 B2 d a b lim off`.
  constexpr uint32_t step_fields = 9;
  const size_t step_size = interp::handler_size + step_fields * interp::operand_size;
  if (dead() || m_step_last != merged || m_step_prev == k_no_start || m_step_prev + step_size != merged)
    return std::nullopt;
  static constexpr std::pair<IOp, IOp> forms[] = {
      {IOp::i32_add_x2_f64_load_f64_mul_f64_add_mem_add_br_i32_ne,
       IOp::i32_add_x2_f64_load_f64_mul_f64_add_mem_x2_add_br_i32_ne},
      {IOp::i32_add_x2_f64_load_f64_mul_f64_add_mem_add_br_i32_lt_u,
       IOp::i32_add_x2_f64_load_f64_mul_f64_add_mem_x2_add_br_i32_lt_u},
      {IOp::i32_add_x2_f64_load_f64_mul_f64_add_mem_add_br_i32_lt_s,
       IOp::i32_add_x2_f64_load_f64_mul_f64_add_mem_x2_add_br_i32_lt_s},
  };
  std::optional<IOp> second = iop_at(merged);
  std::optional<IOp> first = iop_at(m_step_prev);
  if (!second || first != IOp::i32_add_x2_f64_load_f64_mul_f64_add_mem) return std::nullopt;
  std::optional<IOp> whole;
  for (auto [from, to] : forms)
    if (*second == from) whole = to;
  if (!whole) return std::nullopt;
  constexpr uint32_t branch_fields = 5;
  if (m_code.size() - merged != interp::handler_size + (step_fields + branch_fields) * interp::operand_size)
    return std::nullopt;
  Field p[step_fields], q[step_fields + branch_fields];
  fields_at(m_step_prev, step_fields, p);
  fields_at(merged, step_fields + branch_fields - 1, q);  // the offset field is as emitted
  const Field d1 = p[0], d2 = p[3];
  // The second step adds to the first one's sums and writes its first sum back to d1 and
  // its second only to a temporary (read by nothing but its load); same offsets and factor.
  if (q[0] != d1 || q[1] != d1 || q[4] != d2 || q[3].kind != 1 || q[6] != p[6] || q[7] != p[7] ||
      q[8] != p[8])
    return std::nullopt;
  // Read after d1 (or d2) is written in the two instructions: the first step's second sum's
  // inputs, the factor and the increments. The merged handler reads them all before it
  // writes d1 and d2; the factor is not the temporary either.
  for (const Field& f : {p[4], p[5]})
    if (f == d1) return std::nullopt;
  for (const Field& f : {p[8], q[2], q[5]})
    if (f == d1 || f == d2) return std::nullopt;
  if (p[8] == q[3]) return std::nullopt;
  const size_t start = m_step_prev;
  restart_instruction(start, *whole);
  for (uint32_t i = 0; i < step_fields; ++i) emit_field(p[i]);
  emit_field(q[2]);
  emit_field(q[5]);
  for (uint32_t i = step_fields; i + 1 < step_fields + branch_fields; ++i) emit_field(q[i]);
  size_t field = m_code.size();
  emit_u32(0);  // the end of a fixup chain, as emitted
  forget_producer();
  m_copy_end = 0;
  m_last_start = start;
  m_prev_start = m_prev2_start = k_no_start;
  m_step_last = m_step_prev = k_no_start;
  return field;
}

bool FuncLowering::rewrite_last(IOp from, uint32_t operands, IOp to) {
  if (dead() || m_last_start == k_no_start ||
      m_code.size() - m_last_start != interp::handler_size + operands * interp::operand_size)
    return false;
  const void* h;
  std::memcpy(&h, m_code.data() + m_last_start, sizeof h);
  if (h != m_handlers[static_cast<size_t>(from)]) return false;
  h = m_handlers[static_cast<size_t>(to)];
  std::memcpy(m_code.data() + m_last_start, &h, sizeof h);
  return true;
}

bool FuncLowering::fuse_copy_branch() {
  if (!rewrite_last(IOp::copy64, 2, IOp::copy64_br) && !rewrite_last(IOp::copy64x2, 4, IOp::copy64x2_br) &&
      !rewrite_last(IOp::copy64x4, 8, IOp::copy64x4_br) && !rewrite_last(IOp::i32_add, 3, IOp::i32_add_br))
    return false;
  m_copy_end = 0;  // a copy that follows cannot merge into it
  return true;
}

bool FuncLowering::fuse_select(ValType t, const StackEntry& a, const StackEntry& b,
                               const StackEntry& cond) {
  const void* h = producer_of(cond);
  if (h == nullptr) return false;
  const FusionTable& table = fusion_table();
  std::optional<IOp> cmp = table.iop_of(h);
  if (!cmp) return false;
  std::optional<IOp> fused = table.fused(FuseKind::select, *cmp, IOp::select);
  if (!fused) return false;
  // `cmp t x y; select d a b t` -> `cmp_select d a b x y`. d is a's home, below t's.
  size_t start = m_producer_field - interp::handler_size;
  Field x = field_at(m_producer_field + 4);
  Field y = field_at(m_producer_field + 8);
  restart_instruction(start, *fused);
  push(t);
  size_t dst_field = m_code.size();
  emit_slot(m_stack.back().home);
  emit_slot(a.src);
  emit_slot(b.src);
  emit_field(x);
  emit_field(y);
  mark_producer(dst_field);
  return true;
}

bool FuncLowering::fuse_add_br_table(Producer producer, const StackEntry& index) {
  const void* h = producer_of(index, producer);
  if (h == nullptr || h != m_handlers[static_cast<size_t>(IOp::i32_add)]) return false;
  // `add t a b; br_table t ...` -> `i32_add_br_table a b ...`; the caller emits the count
  // and the table.
  size_t start = producer.field - interp::handler_size;
  Field a = field_at(producer.field + 4);
  Field b = field_at(producer.field + 8);
  // `load8_add d x y off; add t d c; br_table t` (a character, then a switch on it): one
  // instruction, which still writes d (a local, or a temporary nothing else reads).
  if (m_last_start == start && m_prev_start != k_no_start &&
      start - m_prev_start == interp::handler_size + 4 * interp::operand_size) {
    const void* ph;
    std::memcpy(&ph, m_code.data() + m_prev_start, sizeof ph);
    const bool is_signed = ph == m_handlers[static_cast<size_t>(IOp::i32_load8_s_add)];
    if (is_signed || ph == m_handlers[static_cast<size_t>(IOp::i32_load8_u_add)]) {
      const size_t load_fields = m_prev_start + interp::handler_size;
      Field d = field_at(load_fields), x = field_at(load_fields + 4), y = field_at(load_fields + 8),
            off = field_at(load_fields + 12);
      Field c = b;
      if (b == d) std::swap(a, c);  // the sum commutes
      if (a == d && c != d) {
        size_t load_start = m_prev_start;
        restart_instruction(load_start,
                            is_signed ? IOp::i32_load8_s_add_br_table : IOp::i32_load8_u_add_br_table);
        for (Field f : {d, x, y, off, c}) emit_field(f);
        m_last_start = load_start;
        m_prev_start = m_prev2_start = k_no_start;
        return true;
      }
    }
  }
  restart_instruction(start, IOp::i32_add_br_table);
  emit_field(a);
  emit_field(b);
  return true;
}

bool FuncLowering::join_add() { return rewrite_last(IOp::i32_add, 3, IOp::i32_add_x2); }

bool FuncLowering::fuse_copy_return() {
  if (!rewrite_last(IOp::copy64, 2, IOp::copy64_ret)) return false;
  m_copy_end = 0;
  return true;
}

}  // namespace weft::wasm

// weft: operand stack, control frames and code emission of the function validator.
#include "wasm/func_lowering.hpp"

#include "wasm/instruction_reader.hpp"

#include <algorithm>
#include <cstdio>

namespace weft::wasm {

using interp::IOp;

namespace {
constexpr ValType single_types[] = {ValType::i32,  ValType::i64,     ValType::f32,      ValType::f64,
                                    ValType::v128, ValType::funcref, ValType::externref};

std::span<const ValType> single(ValType t) {
  for (const ValType& s : single_types)
    if (s == t) return {&s, 1};
  return {};
}

std::string type_name(ValType t) {
  return t == any_type ? std::string("unknown") : std::string(valtype_name(t));
}
}  // namespace

FuncLowering::FuncLowering(const detail::EngineImpl& engine, const detail::ModuleData& data,
                           uint32_t func_index, std::vector<uint8_t>& code)
    : m_engine(engine),
      m_data(data),
      m_module(data.module),
      m_func_index(func_index),
      m_type(data.module.types[data.module.func_types[func_index]]),
      m_code(code),
      m_handlers(interp::handler_table()),
      m_reader([&] {
        const FunctionBody& b = data.module.bodies[func_index - data.module.imported_funcs];
        return Reader(std::span<const uint8_t>(data.module.bytes.data() + b.code_offset,
                                               b.end_offset - b.code_offset),
                      b.code_offset);
      }()) {}

// ---- errors --------------------------------------------------------------------------

Failure FuncLowering::invalid(std::string message) const {
  return fail(ErrorKind::invalid, std::move(message), m_op_offset);
}
Failure FuncLowering::malformed(std::string message) const {
  return fail(ErrorKind::malformed, std::move(message), m_op_offset);
}
Failure FuncLowering::type_mismatch(ValType expected, ValType got, const char* what) const {
  return invalid("type mismatch in " + std::string(what) + ": expected " + type_name(expected) +
                 ", got " + type_name(got));
}

// ---- operand stack -------------------------------------------------------------------

uint32_t FuncLowering::next_home() const noexcept {
  if (m_stack.empty()) return m_locals_end;
  const StackEntry& top = m_stack.back();
  return top.home + (top.type == any_type ? 2 : slot_count(top.type));
}

void FuncLowering::push(ValType t) {
  uint32_t home = next_home();
  m_stack.push_back({t, home, home});
  m_max_slots = std::max(m_max_slots, home + (t == any_type ? 2 : slot_count(t)));
}

void FuncLowering::push_local(ValType t, uint32_t local_slot) {
  push(t);
  m_stack.back().src = local_slot;
  ++m_deferred;
}

Result<StackEntry> FuncLowering::pop(ValType expected) {
  const ControlFrame& c = m_ctrls.back();
  if (m_stack.size() == c.height) {
    if (c.unreachable) {
      uint32_t home = next_home();
      return StackEntry{expected, home, home};
    }
    return invalid("type mismatch: expected " + type_name(expected) +
                   " on the operand stack, but it is empty");
  }
  StackEntry e = m_stack.back();
  if (e.type != expected && e.type != any_type && expected != any_type)
    return invalid("type mismatch: expected " + type_name(expected) + ", got " +
                   type_name(e.type));
  m_stack.pop_back();
  if (e.src != e.home) --m_deferred;
  if (e.type == any_type) e.type = expected;
  return e;
}

Result<StackEntry> FuncLowering::pop_any() { return pop(any_type); }

Result<void> FuncLowering::pop_types(std::span<const ValType> types) {
  for (size_t i = types.size(); i-- > 0;) {
    WEFT_TRY_VOID(pop(types[i]));
  }
  return {};
}

Result<void> FuncLowering::check_top(std::span<const ValType> types) {
  // Checks that the top of the stack holds `types` without changing the stack.
  const ControlFrame& c = m_ctrls.back();
  size_t available = m_stack.size() - c.height;
  for (size_t i = 0; i < types.size(); ++i) {
    size_t from_top = types.size() - 1 - i;
    if (from_top >= available) {
      if (c.unreachable) continue;
      return invalid("type mismatch: branch expects " + std::to_string(types.size()) +
                     " values, the stack has " + std::to_string(available));
    }
    ValType got = m_stack[m_stack.size() - 1 - from_top].type;
    if (got != types[i] && got != any_type)
      return invalid("type mismatch: branch expects " + type_name(types[i]) + ", got " +
                     type_name(got));
  }
  return {};
}

void FuncLowering::push_types(std::span<const ValType> types) {
  for (ValType t : types) push(t);
}

// ---- deferred locals -----------------------------------------------------------------

void FuncLowering::materialize(StackEntry& e) {
  if (e.src == e.home) return;
  emit_copy(e.type, e.home, e.src);
  e.src = e.home;
  --m_deferred;
}

void FuncLowering::materialize_all() {
  if (m_deferred == 0) return;
  for (StackEntry& e : m_stack) materialize(e);
}

void FuncLowering::materialize_top(uint32_t n) {
  if (m_deferred == 0) return;
  size_t first = m_stack.size() - std::min<size_t>(n, m_stack.size() - m_ctrls.back().height);
  for (size_t i = first; i < m_stack.size(); ++i) materialize(m_stack[i]);
}

void FuncLowering::materialize_local(uint32_t local_slot) {
  if (m_deferred == 0) return;
  for (StackEntry& e : m_stack)
    if (e.src == local_slot && e.src != e.home) materialize(e);
}

// ---- emission ------------------------------------------------------------------------

size_t FuncLowering::emit_op(IOp op) {
  size_t at = m_code.size();
  if (dead()) return at;
  const void* h = m_handlers[static_cast<size_t>(op)];
  m_prev2_start = m_prev_start;
  m_prev_start = m_last_start;
  m_last_start = at;
  m_code.resize(at + interp::handler_size);
  std::memcpy(m_code.data() + at, &h, sizeof h);
  return at;
}

void FuncLowering::emit_u32(uint32_t v) {
  if (dead()) return;
  size_t at = m_code.size();
  m_code.resize(at + 4);
  std::memcpy(m_code.data() + at, &v, 4);
}

void FuncLowering::emit_slot(uint32_t slot) {
  if (dead()) return;
  if (is_const_slot(slot)) {
    m_const_fields.push_back(m_code.size());
    emit_u32(slot - k_const_slot);
    return;
  }
  if (slot >= m_locals_end) m_temp_fields.push_back(m_code.size());
  emit_u32(slot * 8);
}

void FuncLowering::emit_copy(ValType t, uint32_t dst, uint32_t src) {
  if (dst == src) return;
  if (t != ValType::v128 && !dead() && m_copy_end != 0 && m_copy_end == m_code.size()) {
    // Two copies in a row are one instruction (no label between them).
    size_t at = m_code.size() - interp::handler_size - 2 * interp::operand_size;
    const void* h = m_handlers[static_cast<size_t>(IOp::copy64x2)];
    std::memcpy(m_code.data() + at, &h, sizeof h);
    emit_slot(dst);
    emit_slot(src);
    m_copy_end = 0;
    // And two such pairs in a row are one copy64x4 (a loop rotating its locals, as SHA-2's
    // rounds do).
    const void* prev;
    if (m_prev_start != k_no_start && m_last_start == at &&
        at - m_prev_start == interp::handler_size + 4 * interp::operand_size &&
        (std::memcpy(&prev, m_code.data() + m_prev_start, sizeof prev),
         prev == m_handlers[static_cast<size_t>(IOp::copy64x2)])) {
      Field f[8];
      fields_at(m_prev_start, 4, f);
      fields_at(at, 4, f + 4);
      const size_t start = m_prev_start;
      restart_instruction(start, IOp::copy64x4);
      for (const Field& x : f) emit_field(x);
      m_last_start = start;
      m_prev_start = m_prev2_start;
      m_prev2_start = k_no_start;
    }
    return;
  }
  if (t != ValType::v128 && !dead()) {
    emit_op(IOp::copy64);
    emit_slot(dst);
    emit_slot(src);
    m_copy_end = m_code.size();
    return;
  }
  emit_op(t == ValType::v128 ? IOp::copy128 : IOp::copy64);
  emit_slot(dst);
  emit_slot(src);
}

void FuncLowering::mark_producer(size_t dst_field) {
  if (dead()) return;
  m_producer_field = dst_field;
  m_producer_end = m_code.size();
}

bool FuncLowering::try_retarget(const StackEntry& top, uint32_t local_slot) {
  // The value on top was just computed into its home by the last instruction: make that
  // instruction write the local instead of copying afterwards.
  if (producer_of(top) == nullptr) return false;
  uint32_t local_field = local_slot * 8;
  std::memcpy(m_code.data() + m_producer_field, &local_field, 4);
  // The field named a temporary; it names a local now, which is never relocated.
  for (size_t i = m_temp_fields.size(); i-- > 0;) {
    if (m_temp_fields[i] == m_producer_field) {
      m_temp_fields.erase(m_temp_fields.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
    if (m_temp_fields[i] < m_producer_field) break;
  }
  forget_producer();
  return true;
}

void FuncLowering::remove_operand_field(size_t field) {
  size_t end = m_code.size();
  std::memmove(m_code.data() + field, m_code.data() + field + 4, end - field - 4);
  // Records of the last instruction are at the back of each list.
  for (std::vector<size_t>* list : {&m_temp_fields, &m_const_fields}) {
    for (size_t i = list->size(); i-- > 0 && (*list)[i] >= field;) {
      if ((*list)[i] == field)
        list->erase(list->begin() + static_cast<std::ptrdiff_t>(i));
      else
        (*list)[i] -= 4;
    }
  }
}

// ---- constants -----------------------------------------------------------------------

std::optional<uint32_t> FuncLowering::const_slot(uint64_t bits) {
  for (size_t i = 0; i < m_consts.size(); ++i)
    if (m_consts[i] == bits) return k_const_slot + static_cast<uint32_t>(i);
  if (m_consts.size() >= k_max_consts) return std::nullopt;
  m_consts.push_back(bits);
  return k_const_slot + static_cast<uint32_t>(m_consts.size() - 1);
}

void FuncLowering::finish_slots(interp::FunctionCode& out) {
  // Frame: [params][locals][constants][temporaries]. Temporaries were numbered from
  // m_locals_end before the constants were counted: they move up past them.
  const uint32_t n = static_cast<uint32_t>(m_consts.size());
  for (size_t at : m_temp_fields) {
    uint32_t v;
    std::memcpy(&v, m_code.data() + at, 4);
    v += n * 8;
    std::memcpy(m_code.data() + at, &v, 4);
  }
  for (size_t at : m_const_fields) {
    uint32_t index;
    std::memcpy(&index, m_code.data() + at, 4);
    uint32_t v = (m_locals_end + index) * 8;
    std::memcpy(m_code.data() + at, &v, 4);
  }
  out.const_slots = n;
  out.const_fields = m_const_fields;
  out.const_offset = m_code.size();
  if (n) {
    m_code.resize(m_code.size() + n * 8);
    std::memcpy(m_code.data() + out.const_offset, m_consts.data(), n * 8);
  }
  out.frame_slots = m_max_slots + n;
}

// ---- conditional branches ------------------------------------------------------------

namespace {
struct FusedCompare {
  IOp compare;
  IOp jump_if_true;   ///< taken when the comparison holds
  IOp jump_if_false;  ///< taken when it does not (the inverse integer comparison)
};
constexpr FusedCompare fused_compares[] = {
    {IOp::i32_eqz, IOp::br_unless, IOp::br_if},          {IOp::i64_eqz, IOp::br_i64_eqz, IOp::br_i64_nez},
    {IOp::i32_eq, IOp::br_i32_eq, IOp::br_i32_ne},       {IOp::i32_ne, IOp::br_i32_ne, IOp::br_i32_eq},
    {IOp::i32_lt_s, IOp::br_i32_lt_s, IOp::br_i32_ge_s}, {IOp::i32_lt_u, IOp::br_i32_lt_u, IOp::br_i32_ge_u},
    {IOp::i32_gt_s, IOp::br_i32_gt_s, IOp::br_i32_le_s}, {IOp::i32_gt_u, IOp::br_i32_gt_u, IOp::br_i32_le_u},
    {IOp::i32_le_s, IOp::br_i32_le_s, IOp::br_i32_gt_s}, {IOp::i32_le_u, IOp::br_i32_le_u, IOp::br_i32_gt_u},
    {IOp::i32_ge_s, IOp::br_i32_ge_s, IOp::br_i32_lt_s}, {IOp::i32_ge_u, IOp::br_i32_ge_u, IOp::br_i32_lt_u},
    {IOp::i64_eq, IOp::br_i64_eq, IOp::br_i64_ne},       {IOp::i64_ne, IOp::br_i64_ne, IOp::br_i64_eq},
    {IOp::i64_lt_s, IOp::br_i64_lt_s, IOp::br_i64_ge_s}, {IOp::i64_lt_u, IOp::br_i64_lt_u, IOp::br_i64_ge_u},
    {IOp::i64_gt_s, IOp::br_i64_gt_s, IOp::br_i64_le_s}, {IOp::i64_gt_u, IOp::br_i64_gt_u, IOp::br_i64_le_u},
    {IOp::i64_le_s, IOp::br_i64_le_s, IOp::br_i64_gt_s}, {IOp::i64_le_u, IOp::br_i64_le_u, IOp::br_i64_gt_u},
    {IOp::i64_ge_s, IOp::br_i64_ge_s, IOp::br_i64_lt_s}, {IOp::i64_ge_u, IOp::br_i64_ge_u, IOp::br_i64_lt_u},
};
}  // namespace

const void* FuncLowering::producer_of(const StackEntry& e, Producer p) const {
  if (dead() || p.field == 0 || p.end != m_code.size() || e.src != e.home) return nullptr;
  uint32_t dst;
  std::memcpy(&dst, m_code.data() + p.field, 4);
  if (dst != e.home * 8) return nullptr;
  if (m_last_start != k_no_start && p.field - interp::handler_size != m_last_start) {
    // The second half of a joined instruction (i32_add_x2): its destination may still be
    // retargeted, but it fuses with nothing, so its "handler" matches none.
    static const char opaque = 0;
    return &opaque;
  }
  const void* handler;
  std::memcpy(&handler, m_code.data() + p.field - interp::handler_size, sizeof handler);
  return handler;
}

std::optional<const void*> FuncLowering::fused_address(IOp iop, const StackEntry& addr) const {
  const void* h = producer_of(addr);
  if (h == nullptr || h != m_handlers[static_cast<size_t>(IOp::i32_add)]) return std::nullopt;
  static constexpr std::pair<IOp, IOp> forms[] = {
      {IOp::i32_load, IOp::i32_load_add},         {IOp::i64_load, IOp::i64_load_add},
      {IOp::f32_load, IOp::f32_load_add},         {IOp::f64_load, IOp::f64_load_add},
      {IOp::i32_load8_s, IOp::i32_load8_s_add},   {IOp::i32_load8_u, IOp::i32_load8_u_add},
      {IOp::i32_load16_s, IOp::i32_load16_s_add}, {IOp::i32_load16_u, IOp::i32_load16_u_add},
      {IOp::i64_load8_s, IOp::i64_load8_s_add},   {IOp::i64_load8_u, IOp::i64_load8_u_add},
      {IOp::i64_load16_s, IOp::i64_load16_s_add}, {IOp::i64_load16_u, IOp::i64_load16_u_add},
      {IOp::i64_load32_s, IOp::i64_load32_s_add}, {IOp::i64_load32_u, IOp::i64_load32_u_add},
      {IOp::i32_store, IOp::i32_store_add},       {IOp::i64_store, IOp::i64_store_add},
      {IOp::f32_store, IOp::f32_store_add},       {IOp::f64_store, IOp::f64_store_add},
      {IOp::i32_store8, IOp::i32_store8_add},     {IOp::i32_store16, IOp::i32_store16_add},
      {IOp::i64_store8, IOp::i64_store8_add},     {IOp::i64_store16, IOp::i64_store16_add},
      {IOp::i64_store32, IOp::i64_store32_add},
  };
  for (auto [plain, fused] : forms)
    if (plain == iop) return m_handlers[static_cast<size_t>(fused)];
  return std::nullopt;  // SIMD loads and stores keep their address computation
}

bool FuncLowering::invert_compare(const StackEntry& value) {
  const void* h = producer_of(value);
  if (h == nullptr) return false;
  static constexpr std::pair<IOp, IOp> inverse[] = {
      {IOp::i32_eq, IOp::i32_ne},     {IOp::i32_ne, IOp::i32_eq},     {IOp::i32_lt_s, IOp::i32_ge_s},
      {IOp::i32_ge_s, IOp::i32_lt_s}, {IOp::i32_lt_u, IOp::i32_ge_u}, {IOp::i32_ge_u, IOp::i32_lt_u},
      {IOp::i32_gt_s, IOp::i32_le_s}, {IOp::i32_le_s, IOp::i32_gt_s}, {IOp::i32_gt_u, IOp::i32_le_u},
      {IOp::i32_le_u, IOp::i32_gt_u}, {IOp::i64_eq, IOp::i64_ne},     {IOp::i64_ne, IOp::i64_eq},
      {IOp::i64_lt_s, IOp::i64_ge_s}, {IOp::i64_ge_s, IOp::i64_lt_s}, {IOp::i64_lt_u, IOp::i64_ge_u},
      {IOp::i64_ge_u, IOp::i64_lt_u}, {IOp::i64_gt_s, IOp::i64_le_s}, {IOp::i64_le_s, IOp::i64_gt_s},
      {IOp::i64_gt_u, IOp::i64_le_u}, {IOp::i64_le_u, IOp::i64_gt_u},
  };
  for (auto [from, to] : inverse) {
    if (h == m_handlers[static_cast<size_t>(from)]) {
      const void* t = m_handlers[static_cast<size_t>(to)];
      std::memcpy(m_code.data() + m_producer_field - interp::handler_size, &t, sizeof t);
      return true;  // still the producer of the (inverted) value
    }
  }
  return false;
}

size_t FuncLowering::emit_cond_jump(const StackEntry& cond, bool when_true, Producer p) {
  // The comparison that computed `cond` is the last instruction and wrote only `cond`'s
  // home, which nothing else reads: it becomes the jump, `cmp dst a b` -> `br_cmp a b off`
  // (`eqz dst a` -> `br_unless a off`), in place and of the same size.
  if (const void* handler = producer_of(cond, p)) {
    std::optional<IOp> fused;
    for (const FusedCompare& f : fused_compares)
      if (handler == m_handlers[static_cast<size_t>(f.compare)])
        fused = when_true ? f.jump_if_true : f.jump_if_false;
    if (fused) {
      const void* h = m_handlers[static_cast<size_t>(*fused)];
      size_t start = p.field - interp::handler_size;
      std::memcpy(m_code.data() + start, &h, sizeof h);
      remove_operand_field(p.field);
      size_t field = m_code.size() - 4;
      std::memset(m_code.data() + field, 0, 4);  // as emitted: the end of a fixup chain
      forget_producer();
      if (auto joined = fuse_branch_on_value(start)) return *joined;
      if (auto joined = merge_before_branch(start)) return *joined;
      return field;
    }
  }
  size_t start = emit_op(when_true ? IOp::br_if : IOp::br_unless);
  emit_slot(cond.src);
  size_t field = m_code.size();
  emit_u32(0);
  if (auto joined = fuse_branch_on_value(start)) return *joined;
  if (auto joined = merge_before_branch(start)) return *joined;
  return field;
}

// ---- control -------------------------------------------------------------------------

Result<BlockType> FuncLowering::read_block_type() {
  if (m_reader.at_end()) return malformed("unexpected end");
  uint8_t b = *m_reader.position();
  if (b == 0x40) {
    (void)m_reader.u8();
    return BlockType{};
  }
  if (is_valtype_byte(b)) {
    // v128 and the reference types need their features, as everywhere else in the module.
    WEFT_TRY(ValType t, read_valtype(m_reader, m_engine.config.features));
    return BlockType{{}, single(t)};
  }
  WEFT_TRY(int64_t index, m_reader.s33());
  if (index < 0) return malformed("malformed block type");
  if (static_cast<uint64_t>(index) >= m_module.types.size())
    return invalid("unknown type " + std::to_string(index) + " in block type");
  const FuncType& ft = m_module.types[static_cast<size_t>(index)];
  if (!m_engine.config.features.multi_value && (ft.results.size() > 1 || !ft.params.empty()))
    return invalid("block type with parameters or several results needs multi-value");
  return BlockType{ft.params, ft.results};
}

void FuncLowering::push_ctrl(Op kind, BlockType type) {
  ControlFrame c;
  c.kind = kind;
  c.type = type;
  c.height = static_cast<uint32_t>(m_stack.size());
  c.home_base = next_home();
  c.dead_on_entry = m_ctrls.empty() ? false : dead();
  m_ctrls.push_back(c);
}

std::span<const ValType> FuncLowering::label_types(const ControlFrame& c) const {
  return c.kind == Op::loop ? c.type.params : c.type.results;
}

Result<ControlFrame*> FuncLowering::label(uint32_t depth) {
  if (depth >= m_ctrls.size()) return invalid("unknown label " + std::to_string(depth));
  return &m_ctrls[m_ctrls.size() - 1 - depth];
}

void FuncLowering::set_unreachable() {
  ControlFrame& c = m_ctrls.back();
  for (size_t i = c.height; i < m_stack.size(); ++i)
    if (m_stack[i].src != m_stack[i].home) --m_deferred;
  m_stack.resize(c.height);
  c.unreachable = true;
  forget_producer();
}

bool FuncLowering::branch_needs_copies(const ControlFrame& target) const {
  if (target.is_function) return true;
  auto types = label_types(target);
  uint32_t slot = target.home_base;
  size_t first = m_stack.size() - types.size();
  for (size_t i = 0; i < types.size(); ++i) {
    if (m_stack[first + i].src != slot) return true;
    slot += slot_count(types[i]);
  }
  return false;
}

void FuncLowering::emit_branch_copies(const ControlFrame& target, uint32_t count) {
  // Values move from the top of the stack to the label's homes, lowest first: a home is
  // never above the value it receives, so no value is overwritten before it is read.
  uint32_t slot = target.home_base;
  size_t first = m_stack.size() - count;
  for (size_t i = 0; i < count; ++i) {
    const StackEntry& e = m_stack[first + i];
    emit_copy(e.type, slot, e.src);
    slot += slot_count(e.type);
  }
}

void FuncLowering::add_fixup(uint32_t& chain, size_t field) {
  if (dead()) return;
  // The field holds the previous link of the chain until it is resolved.
  std::memcpy(m_code.data() + field, &chain, 4);
  chain = static_cast<uint32_t>(field + 1);
}

void FuncLowering::resolve_fixups(uint32_t chain, size_t target) {
  if (target == m_code.size()) m_copy_end = 0;  // a label here: nothing merges across it
  while (chain != 0) {
    size_t field = chain - 1;
    uint32_t next;
    std::memcpy(&next, m_code.data() + field, 4);
    int32_t rel = static_cast<int32_t>(static_cast<int64_t>(target) - static_cast<int64_t>(field));
    std::memcpy(m_code.data() + field, &rel, 4);
    chain = next;
  }
}

void FuncLowering::emit_jump_to(ControlFrame& target) {
  if (dead()) return;
  if (!fuse_copy_branch()) emit_op(IOp::br);
  size_t field = m_code.size();
  emit_u32(0);
  if (target.kind == Op::loop) {
    int32_t rel = static_cast<int32_t>(static_cast<int64_t>(target.loop_start) -
                                       static_cast<int64_t>(field));
    std::memcpy(m_code.data() + field, &rel, 4);
  } else {
    add_fixup(target.fixups, field);
  }
}

void FuncLowering::emit_return() { emit_return(Producer{}); }

void FuncLowering::emit_return(Producer producer) {
  // Results go to the frame's first slots. Locals live there, so a result still read from
  // a local is first copied to its home; homes are never below their result slot.
  if (dead()) return;
  size_t n = m_type.results.size();
  size_t first = m_stack.size() - n;
  // Works on a copy: a return inside br_if runs on one path only, so the stack entries
  // must keep describing the other path.
  std::vector<StackEntry> values(m_stack.begin() + static_cast<std::ptrdiff_t>(first), m_stack.end());
  // Result i goes to slot_i after results 0..i-1 filled [0, slot_i): only a value still
  // read from a local or a constant below its own result slot may have been overwritten.
  bool clash = false;
  uint32_t result_slot = 0;
  for (const StackEntry& e : values) {
    uint32_t at = is_const_slot(e.src) ? m_locals_end + (e.src - k_const_slot) : e.src;
    if (e.src != e.home && at < result_slot) clash = true;
    result_slot += slot_count(e.type);
  }
  if (values.size() == 1 && values[0].type != ValType::v128 && producer_of(values[0], producer)) {
    // The last instruction computed the only result into its home: it writes the result
    // slot instead, as a local.set retargets it (handlers read their operands first).
    size_t field = producer.field;
    uint32_t result_field = 0;
    std::memcpy(m_code.data() + field, &result_field, 4);
    for (size_t i = m_temp_fields.size(); i-- > 0 && m_temp_fields[i] >= field;)
      if (m_temp_fields[i] == field) m_temp_fields.erase(m_temp_fields.begin() + static_cast<std::ptrdiff_t>(i));
    emit_op(IOp::ret);
    return;
  }
  if (clash) {
    for (StackEntry& e : values) {
      emit_copy(e.type, e.home, e.src);
      e.src = e.home;
    }
  }
  uint32_t slot = 0;
  for (const StackEntry& e : values) {
    emit_copy(e.type, slot, e.src);
    slot += slot_count(e.type);
  }
  if (!fuse_copy_return()) emit_op(IOp::ret);
}

// ---- the body ------------------------------------------------------------------------

Result<void> FuncLowering::run(interp::FunctionCode& out) {
  const FunctionBody& body = m_module.bodies[m_func_index - m_module.imported_funcs];
  // Value types were checked against the enabled features when the module was decoded.
  for (ValType t : m_type.params) {
    m_local_types.push_back(t);
    m_local_slots.push_back(m_locals_end);
    m_locals_end += slot_count(t);
  }
  uint32_t param_slots = m_locals_end;
  for (auto [count, t] : body.locals) {
    for (uint32_t i = 0; i < count; ++i) {
      m_local_types.push_back(t);
      m_local_slots.push_back(m_locals_end);
      m_locals_end += slot_count(t);
    }
  }
  // Results are returned in the frame's first slots. Slots below m_locals_end are fixed;
  // slots above (temporaries) move up past the constants when the function ends. Results
  // must stay put, so the fixed part covers them (zeroed on entry like locals).
  uint32_t result_slot_count = 0;
  for (ValType t : m_type.results) result_slot_count += slot_count(t);
  m_locals_end = std::max(m_locals_end, result_slot_count);
  m_max_slots = m_locals_end;

  out.type_id = m_data.type_ids[m_module.func_types[m_func_index]];
  out.param_slots = param_slots;
  out.local_slots = m_locals_end - param_slots;
  out.result_slots = 0;
  for (ValType t : m_type.results) out.result_slots += slot_count(t);
  out.code_offset = m_code.size();

  m_ctrls.reserve(16);
  m_stack.reserve(32);
  push_ctrl(Op::block, BlockType{{}, m_type.results});
  m_ctrls.back().is_function = true;
  m_meters.push_back(0);

  while (!m_ctrls.empty()) {
    m_op_offset = m_reader.offset();
    if (m_reader.at_end()) return malformed("unexpected end of function body: missing end");
    WEFT_TRY(Op op, read_opcode(m_reader, m_engine.config.features));
    // Fuel: every instruction counts toward the innermost loop's (or the function's) cost.
    ++m_ctrls[m_meters.back()].cost;
    if (op == Op::end && m_ctrls.size() == 1) out.entry_cost = m_ctrls[0].cost;
    WEFT_TRY_VOID(lower_instruction(op));
  }
  if (!m_reader.at_end())
    return fail(ErrorKind::malformed, "section size mismatch: bytes after the function's end",
                m_reader.offset());
  if (m_code.size() > (size_t{1} << 31))
    return fail(ErrorKind::invalid, "module too large: lowered code exceeds 2 GiB", m_op_offset);
  if (m_max_slots + k_max_consts >= k_const_slot)
    return fail(ErrorKind::unsupported, "function frame too large: " + std::to_string(m_max_slots) + " slots",
                m_op_offset);
  finish_slots(out);
  return {};
}

}  // namespace weft::wasm

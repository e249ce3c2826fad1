// weft: validation and lowering of each instruction.
#include <cstring>

#include "wasm/func_lowering.hpp"
#include "wasm/instruction_reader.hpp"

namespace weft::wasm {

using interp::IOp;

Result<void> FuncLowering::lower_instruction(Op op) {
  const OpInfo& info = op_info(op);
  if (info.kind != OpKind::special) return lower_generic(op);
  if (info.feature == Feature::simd) return lower_simd(op);
  switch (op) {
    case Op::unreachable:
      emit_op(IOp::unreachable);
      set_unreachable();
      return {};
    case Op::nop: return {};
    case Op::block:
    case Op::loop:
    case Op::if_:
    case Op::else_:
    case Op::end: {
      // loop, else and end place labels: nothing before them fuses with what follows.
      // block and if place none where they are.
      const bool label = op == Op::loop || op == Op::else_ || op == Op::end;
      if (label) end_sequence();
      Result<void> r = lower_control(op);
      if (label) end_sequence();
      return r;
    }
    case Op::br:
    case Op::br_if:
    case Op::br_table:
    case Op::return_: return lower_branch(op);
    case Op::call:
    case Op::call_indirect: return lower_call(op);
    case Op::drop: {
      WEFT_TRY_VOID(pop_any());
      return {};
    }
    case Op::select:
    case Op::select_t: return lower_select(op);
    case Op::local_get:
    case Op::local_set:
    case Op::local_tee:
    case Op::global_get:
    case Op::global_set: return lower_variable(op);
    case Op::i32_const:
    case Op::i64_const:
    case Op::f32_const:
    case Op::f64_const: return lower_const(op);
    case Op::memory_size:
    case Op::memory_grow:
    case Op::memory_init:
    case Op::data_drop:
    case Op::memory_copy:
    case Op::memory_fill: return lower_memory(op);
    case Op::table_get:
    case Op::table_set:
    case Op::table_init:
    case Op::elem_drop:
    case Op::table_copy:
    case Op::table_grow:
    case Op::table_size:
    case Op::table_fill: return lower_table(op);
    case Op::ref_null:
    case Op::ref_is_null:
    case Op::ref_func: return lower_reference(op);
    default: break;
  }
  // Reached only if opcodes.def gains a special instruction this switch does not lower.
  return fail(ErrorKind::unsupported,
              "internal error: no lowering for " + std::string(info.text), m_op_offset);
}

// ---- generic instructions: their types come from the opcode table ------------------------

Result<void> FuncLowering::lower_generic(Op op) {
  const OpInfo& info = op_info(op);
  const SigInfo& sig = sig_info(info.sig);
  IOp iop = interp::iop_of(op);
  if (info.kind == OpKind::load || info.kind == OpKind::store) {
    WEFT_TRY(uint32_t offset, read_memarg(op));
    if (info.kind == OpKind::load) {
      WEFT_TRY(StackEntry addr, pop(ValType::i32));
      push(sig.result);
      std::optional<const void*> fused = fused_address(iop, addr);
      if (!fused) fused = fused_scaled(iop, addr);
      if (fused) {
        // `add t a b; load d t off` -> `load_add d a b off`: d is t's home, as t was popped.
        // The same for `shl_add t i k base` -> `load_scaled d i k base off`.
        size_t dst_field = m_producer_field;
        std::memcpy(m_code.data() + dst_field - interp::handler_size, &*fused, sizeof(void*));
        emit_u32(offset);
        mark_producer(dst_field);
        merge_previous(1);  // a table lookup at an index just computed
        return {};
      }
      emit_op(iop);
      size_t dst_field = m_code.size();
      emit_slot(m_stack.back().home);
      emit_slot(addr.src);
      emit_u32(offset);
      mark_producer(dst_field);
    } else {
      WEFT_TRY(StackEntry value, pop(sig.params[1]));
      WEFT_TRY(StackEntry addr, pop(ValType::i32));
      std::optional<const void*> fused = fused_address(iop, addr);
      if (!fused) fused = fused_scaled(iop, addr);
      if (fused) {
        // `add t a b; store t v off` -> `store_add a b v off` (or `store_scaled i k base v off`).
        std::memcpy(m_code.data() + m_producer_field - interp::handler_size, &*fused, sizeof(void*));
        remove_operand_field(m_producer_field);
        m_code.resize(m_code.size() - 4);
        forget_producer();
        emit_slot(value.src);
        emit_u32(offset);
        return {};
      }
      if (fuse_store(iop, addr, value, offset)) return {};
      emit_op(iop);
      emit_slot(addr.src);
      emit_slot(value.src);
      emit_u32(offset);
    }
    return {};
  }
  // simple: pops the signature's parameters, pushes its result.
  StackEntry args[3];
  for (int i = sig.param_count - 1; i >= 0; --i) {
    WEFT_TRY(args[i], pop(sig.params[i]));
  }
  if (op == Op::i32_sub && is_const_slot(args[1].src)) {
    // x - C is x + (-C) modulo 2^32: an add, which a following load or store absorbs.
    uint32_t c = static_cast<uint32_t>(m_consts[args[1].src - k_const_slot]);
    if (auto negated = const_slot(static_cast<uint32_t>(0u - c))) {
      args[1].src = *negated;
      iop = IOp::i32_add;
    }
  }
  if (sig.param_count == 2 && fuse_binary(iop, args, sig.result)) return {};
  if (op == Op::i32_eqz && invert_compare(args[0])) {
    // `cmp t a b; i32.eqz t` -> `!cmp t a b`: the result's home is t's.
    push(sig.result);
    return {};
  }
  push(sig.result);
  if (iop == IOp::i32_add && join_add()) {
    // Appended to the i32.add before it (i32_add_x2), whose second half this is.
  } else {
    emit_op(iop);
  }
  size_t dst_field = m_code.size();
  emit_slot(m_stack.back().home);
  for (int i = 0; i < sig.param_count; ++i) emit_slot(args[i].src);
  mark_producer(dst_field);
  // A superinstruction just before that computed one operand may be absorbed into this
  // instruction (the absorb kind of code.hpp: `y + (a * b + c)`); the table's test keeps
  // merge_previous's lookups off the binary instructions no form takes.
  if (sig.param_count == 2 && may_absorb_previous(iop) && !merge_previous(1)) merge_previous(2);
  return {};
}

Result<uint32_t> FuncLowering::read_memarg(Op op) {
  WEFT_TRY(uint32_t align, m_reader.u32());
  WEFT_TRY(uint32_t offset, m_reader.u32());
  WEFT_TRY_VOID(need_memory(0));
  if (align > natural_alignment(op))
    return invalid("alignment must not be larger than natural: 2^" + std::to_string(align) +
                   " for " + std::string(op_name(op)));
  return offset;
}

Result<void> FuncLowering::need_memory(uint32_t index) const {
  if (index >= m_module.memories.size()) return invalid("unknown memory " + std::to_string(index));
  return {};
}

Result<void> FuncLowering::need_table(uint32_t index) const {
  if (index >= m_module.tables.size()) return invalid("unknown table " + std::to_string(index));
  return {};
}

Result<void> FuncLowering::need_data_segment(uint32_t index) const {
  // The whole module is decoded before bodies are validated, so a segment index can be
  // checked against the data section even when the data count section is missing.
  if (index >= m_module.datas.size()) return invalid("unknown data segment " + std::to_string(index));
  if (!m_module.data_count)
    return malformed("data count section required: memory.init and data.drop need it");
  return {};
}

// ---- constants, variables, select ----------------------------------------------------------

Result<void> FuncLowering::lower_const(Op op) {
  uint64_t bits = 0;
  ValType t = ValType::i32;
  switch (op) {
    case Op::i32_const: {
      WEFT_TRY(int32_t v, m_reader.s32());
      bits = static_cast<uint32_t>(v);
      break;
    }
    case Op::i64_const: {
      WEFT_TRY(int64_t v, m_reader.s64());
      bits = static_cast<uint64_t>(v);
      t = ValType::i64;
      break;
    }
    case Op::f32_const: {
      WEFT_TRY(bits, m_reader.f32_bits());
      t = ValType::f32;
      break;
    }
    default: {
      WEFT_TRY(bits, m_reader.f64_bits());
      t = ValType::f64;
      break;
    }
  }
  push(t);
  // A constant lives in a constant slot, read in place like a local.
  if (!dead()) {
    if (auto slot = const_slot(bits)) {
      m_stack.back().src = *slot;
      ++m_deferred;
      return {};
    }
  }
  bool wide = bits > 0xFFFFFFFFu;
  emit_op(wide ? IOp::const64 : IOp::const32);
  size_t dst_field = m_code.size();
  emit_slot(m_stack.back().home);
  emit_u32(static_cast<uint32_t>(bits));
  if (wide) emit_u32(static_cast<uint32_t>(bits >> 32));
  mark_producer(dst_field);
  return {};
}

Result<void> FuncLowering::lower_variable(Op op) {
  WEFT_TRY(uint32_t index, m_reader.u32());
  if (op == Op::global_get || op == Op::global_set) {
    if (index >= m_module.global_types.size())
      return invalid("unknown global " + std::to_string(index));
    const GlobalType& g = m_module.global_types[index];
    bool wide = g.type == ValType::v128;
    if (op == Op::global_get) {
      push(g.type);
      emit_op(wide ? IOp::global_get128 : IOp::global_get);
      size_t dst_field = m_code.size();
      emit_slot(m_stack.back().home);
      emit_u32(index);
      mark_producer(dst_field);
    } else {
      if (!g.mutable_) return invalid("global is immutable: global.set " + std::to_string(index));
      WEFT_TRY(StackEntry v, pop(g.type));
      emit_op(wide ? IOp::global_set128 : IOp::global_set);
      emit_u32(index);
      emit_slot(v.src);
    }
    return {};
  }
  if (index >= m_local_types.size()) return invalid("unknown local " + std::to_string(index));
  ValType t = m_local_types[index];
  uint32_t slot = m_local_slots[index];
  if (op == Op::local_get) {
    push_local(t, slot);
    return {};
  }
  // Values on the stack still read from this local must be copied out before it changes.
  materialize_local(slot);
  if (op == Op::local_set) {
    if (m_stack.size() > m_ctrls.back().height && m_stack.back().type == t &&
        try_retarget(m_stack.back(), slot)) {
      WEFT_TRY_VOID(pop(t));
      return {};
    }
    WEFT_TRY(StackEntry v, pop(t));
    emit_copy(t, slot, v.src);
    return {};
  }
  // local.tee
  WEFT_TRY(StackEntry v, pop(t));
  push(t);
  StackEntry& top = m_stack.back();
  if (v.src == v.home && try_retarget(top, slot)) {
    top.src = slot;
    ++m_deferred;
    return {};
  }
  emit_copy(t, slot, v.src);
  if (v.src != v.home) {
    // The value came from another local: keep reading it from the one just written.
    top.src = slot;
    ++m_deferred;
  }
  return {};
}

Result<void> FuncLowering::lower_select(Op op) {
  ValType t = any_type;
  if (op == Op::select_t) {
    WEFT_TRY(uint32_t n, m_reader.u32());
    if (n != 1) return invalid("invalid result arity: typed select takes exactly one type");
    WEFT_TRY(t, read_valtype(m_reader, m_engine.config.features));
  }
  WEFT_TRY(StackEntry cond, pop(ValType::i32));
  WEFT_TRY(StackEntry b, pop(t));
  WEFT_TRY(StackEntry a, pop(t));
  if (op == Op::select) {
    // Untyped select: both operands of one numeric type (or unknown in dead code).
    ValType ta = a.type;
    ValType tb = b.type;
    if (is_reftype(ta) || is_reftype(tb))
      return invalid("type mismatch: select without a type needs numeric operands");
    if (ta != tb && ta != any_type && tb != any_type)
      return invalid("type mismatch in select: " + std::string(valtype_name(ta)) + " and " +
                     std::string(valtype_name(tb)));
    t = ta == any_type ? tb : ta;
  }
  if (t != ValType::v128 && fuse_select(t, a, b, cond)) return {};
  push(t);
  emit_op(t == ValType::v128 ? IOp::select128 : IOp::select);
  size_t dst_field = m_code.size();
  emit_slot(m_stack.back().home);
  emit_slot(a.src);
  emit_slot(b.src);
  emit_slot(cond.src);
  mark_producer(dst_field);
  return {};
}

// ---- memory ------------------------------------------------------------------------------

Result<void> FuncLowering::lower_memory(Op op) {
  auto zero_byte = [&]() -> Result<void> {
    WEFT_TRY(uint8_t b, m_reader.u8());
    if (b != 0) return malformed("zero byte expected");
    return {};
  };
  switch (op) {
    case Op::memory_size: {
      WEFT_TRY_VOID(zero_byte());
      WEFT_TRY_VOID(need_memory(0));
      push(ValType::i32);
      emit_op(IOp::memory_size);
      emit_slot(m_stack.back().home);
      return {};
    }
    case Op::memory_grow: {
      WEFT_TRY_VOID(zero_byte());
      WEFT_TRY_VOID(need_memory(0));
      WEFT_TRY(StackEntry delta, pop(ValType::i32));
      push(ValType::i32);
      emit_op(IOp::memory_grow);
      emit_slot(m_stack.back().home);
      emit_slot(delta.src);
      return {};
    }
    case Op::memory_init: {
      WEFT_TRY(uint32_t seg, m_reader.u32());
      WEFT_TRY_VOID(zero_byte());
      WEFT_TRY_VOID(need_memory(0));
      WEFT_TRY_VOID(need_data_segment(seg));
      WEFT_TRY(StackEntry n, pop(ValType::i32));
      WEFT_TRY(StackEntry s, pop(ValType::i32));
      WEFT_TRY(StackEntry d, pop(ValType::i32));
      emit_op(IOp::memory_init);
      emit_u32(seg);
      emit_slot(d.src);
      emit_slot(s.src);
      emit_slot(n.src);
      return {};
    }
    case Op::data_drop: {
      WEFT_TRY(uint32_t seg, m_reader.u32());
      WEFT_TRY_VOID(need_data_segment(seg));
      emit_op(IOp::data_drop);
      emit_u32(seg);
      return {};
    }
    case Op::memory_copy:
    case Op::memory_fill: {
      WEFT_TRY_VOID(zero_byte());
      if (op == Op::memory_copy) WEFT_TRY_VOID(zero_byte());
      WEFT_TRY_VOID(need_memory(0));
      WEFT_TRY(StackEntry n, pop(ValType::i32));
      WEFT_TRY(StackEntry s, pop(ValType::i32));
      WEFT_TRY(StackEntry d, pop(ValType::i32));
      emit_op(op == Op::memory_copy ? IOp::memory_copy : IOp::memory_fill);
      emit_slot(d.src);
      emit_slot(s.src);
      emit_slot(n.src);
      return {};
    }
    default: break;
  }
  return invalid("not a memory instruction");
}

// ---- tables and references -------------------------------------------------------------------

Result<void> FuncLowering::lower_table(Op op) {
  switch (op) {
    case Op::table_get:
    case Op::table_set:
    case Op::table_size:
    case Op::table_grow:
    case Op::table_fill: {
      WEFT_TRY(uint32_t t, m_reader.u32());
      WEFT_TRY_VOID(need_table(t));
      ValType et = m_module.tables[t].element;
      if (op == Op::table_get) {
        WEFT_TRY(StackEntry i, pop(ValType::i32));
        push(et);
        emit_op(IOp::table_get);
        size_t dst_field = m_code.size();
        emit_slot(m_stack.back().home);
        emit_u32(t);
        emit_slot(i.src);
        mark_producer(dst_field);
      } else if (op == Op::table_set) {
        WEFT_TRY(StackEntry v, pop(et));
        WEFT_TRY(StackEntry i, pop(ValType::i32));
        emit_op(IOp::table_set);
        emit_u32(t);
        emit_slot(i.src);
        emit_slot(v.src);
      } else if (op == Op::table_size) {
        push(ValType::i32);
        emit_op(IOp::table_size);
        emit_slot(m_stack.back().home);
        emit_u32(t);
      } else if (op == Op::table_grow) {
        WEFT_TRY(StackEntry n, pop(ValType::i32));
        WEFT_TRY(StackEntry init, pop(et));
        push(ValType::i32);
        emit_op(IOp::table_grow);
        emit_slot(m_stack.back().home);
        emit_u32(t);
        emit_slot(init.src);
        emit_slot(n.src);
      } else {
        WEFT_TRY(StackEntry n, pop(ValType::i32));
        WEFT_TRY(StackEntry v, pop(et));
        WEFT_TRY(StackEntry i, pop(ValType::i32));
        emit_op(IOp::table_fill);
        emit_u32(t);
        emit_slot(i.src);
        emit_slot(v.src);
        emit_slot(n.src);
      }
      return {};
    }
    case Op::table_init: {
      WEFT_TRY(uint32_t seg, m_reader.u32());
      WEFT_TRY(uint32_t t, m_reader.u32());
      WEFT_TRY_VOID(need_table(t));
      if (seg >= m_module.elems.size()) return invalid("unknown elem segment " + std::to_string(seg));
      if (m_module.elems[seg].type != m_module.tables[t].element)
        return invalid("type mismatch: table.init of a " +
                       std::string(valtype_name(m_module.elems[seg].type)) + " segment into a " +
                       std::string(valtype_name(m_module.tables[t].element)) + " table");
      WEFT_TRY(StackEntry n, pop(ValType::i32));
      WEFT_TRY(StackEntry s, pop(ValType::i32));
      WEFT_TRY(StackEntry d, pop(ValType::i32));
      emit_op(IOp::table_init);
      emit_u32(t);
      emit_u32(seg);
      emit_slot(d.src);
      emit_slot(s.src);
      emit_slot(n.src);
      return {};
    }
    case Op::elem_drop: {
      WEFT_TRY(uint32_t seg, m_reader.u32());
      if (seg >= m_module.elems.size()) return invalid("unknown elem segment " + std::to_string(seg));
      emit_op(IOp::elem_drop);
      emit_u32(seg);
      return {};
    }
    case Op::table_copy: {
      WEFT_TRY(uint32_t dt, m_reader.u32());
      WEFT_TRY(uint32_t st, m_reader.u32());
      WEFT_TRY_VOID(need_table(dt));
      WEFT_TRY_VOID(need_table(st));
      if (m_module.tables[dt].element != m_module.tables[st].element)
        return invalid("type mismatch: table.copy between tables of different element types");
      WEFT_TRY(StackEntry n, pop(ValType::i32));
      WEFT_TRY(StackEntry s, pop(ValType::i32));
      WEFT_TRY(StackEntry d, pop(ValType::i32));
      emit_op(IOp::table_copy);
      emit_u32(dt);
      emit_u32(st);
      emit_slot(d.src);
      emit_slot(s.src);
      emit_slot(n.src);
      return {};
    }
    default: break;
  }
  return invalid("not a table instruction");
}

Result<void> FuncLowering::lower_reference(Op op) {
  if (op == Op::ref_null) {
    WEFT_TRY(uint8_t b, m_reader.u8());
    if (b != static_cast<uint8_t>(ValType::funcref) && b != static_cast<uint8_t>(ValType::externref))
      return malformed("malformed reference type");
    push(static_cast<ValType>(b));
    emit_op(IOp::const32);
    size_t dst_field = m_code.size();
    emit_slot(m_stack.back().home);
    emit_u32(0);
    mark_producer(dst_field);
    return {};
  }
  if (op == Op::ref_is_null) {
    const ControlFrame& c = m_ctrls.back();
    if (m_stack.size() > c.height && !is_reftype(m_stack.back().type) &&
        m_stack.back().type != any_type)
      return invalid("type mismatch: ref.is_null needs a reference, got " +
                     std::string(valtype_name(m_stack.back().type)));
    WEFT_TRY(StackEntry r, pop_any());
    push(ValType::i32);
    emit_op(IOp::ref_is_null);
    size_t dst_field = m_code.size();
    emit_slot(m_stack.back().home);
    emit_slot(r.src);
    mark_producer(dst_field);
    return {};
  }
  WEFT_TRY(uint32_t f, m_reader.u32());
  if (f >= m_module.func_types.size()) return invalid("unknown function " + std::to_string(f));
  if (f >= m_module.declared_funcs.size() || !m_module.declared_funcs[f])
    return invalid("undeclared function reference " + std::to_string(f));
  push(ValType::funcref);
  emit_op(IOp::ref_func);
  size_t dst_field = m_code.size();
  emit_slot(m_stack.back().home);
  emit_u32(f);
  mark_producer(dst_field);
  return {};
}

// ---- calls -------------------------------------------------------------------------------------

Result<void> FuncLowering::lower_call(Op op) {
  const FuncType* ft = nullptr;
  uint32_t func = 0, type_index = 0, table = 0;
  if (op == Op::call) {
    WEFT_TRY(func, m_reader.u32());
    if (func >= m_module.func_types.size()) return invalid("unknown function " + std::to_string(func));
    ft = &m_module.types[m_module.func_types[func]];
  } else {
    WEFT_TRY(type_index, m_reader.u32());
    WEFT_TRY(table, m_reader.u32());
    WEFT_TRY_VOID(need_table(table));
    if (type_index >= m_module.types.size())
      return invalid("unknown type " + std::to_string(type_index));
    if (m_module.tables[table].element != ValType::funcref)
      return invalid("type mismatch: call_indirect through a table of " +
                     std::string(valtype_name(m_module.tables[table].element)));
    ft = &m_module.types[type_index];
  }
  StackEntry index{};
  if (op == Op::call_indirect) {
    WEFT_TRY(index, pop(ValType::i32));
  }
  // Arguments must sit contiguously at their homes: they become the callee's first locals.
  WEFT_TRY_VOID(check_top(ft->params));
  materialize_top(static_cast<uint32_t>(ft->params.size()));
  WEFT_TRY_VOID(pop_types(ft->params));
  uint32_t arg_base = next_home();
  if (op == Op::call && func >= m_module.imported_funcs) {
    // An argument computed by an addition just before (`f(n - 1)`): one instruction.
    if (rewrite_last(IOp::i32_add, 3, IOp::i32_add_call_local))
      forget_producer();
    else
      emit_op(IOp::call_local);
    emit_u32(func - m_module.imported_funcs);
    emit_slot(arg_base);
  } else if (op == Op::call) {
    emit_op(IOp::call);
    emit_u32(func);
    emit_slot(arg_base);
  } else {
    emit_op(IOp::call_indirect);
    emit_u32(m_data.type_ids[type_index]);
    emit_u32(table);
    emit_slot(arg_base);
    emit_slot(index.src);
  }
  push_types(ft->results);
  uint32_t param_slots = 0;
  for (ValType t : ft->params) param_slots += slot_count(t);
  m_max_slots = std::max(m_max_slots, arg_base + param_slots);
  return {};
}

// ---- control -----------------------------------------------------------------------------------

Result<void> FuncLowering::lower_control(Op op) {
  const Producer producer{m_producer_field, m_producer_end};
  forget_producer();
  switch (op) {
    case Op::block:
    case Op::loop:
    case Op::if_: {
      WEFT_TRY(BlockType bt, read_block_type());
      StackEntry cond{};
      if (op == Op::if_) {
        WEFT_TRY(cond, pop(ValType::i32));
      }
      WEFT_TRY_VOID(check_top(bt.params));
      // Every value crosses the boundary at its home, so both paths agree where it is.
      materialize_all();
      WEFT_TRY_VOID(pop_types(bt.params));
      push_ctrl(op, bt);
      push_types(bt.params);
      ControlFrame& c = m_ctrls.back();
      if (op == Op::loop) {
        // The check runs once on entry. Back-edges land just after it, on the body: a
        // taken backward branch charges the cost it reads in the check's operand, right
        // before its target (interpreter.cpp, back_edge), saving a dispatch per iteration.
        emit_op(IOp::loop_entry);
        if (!dead()) c.cost_field = m_code.size();
        emit_u32(0);  // the cost, 64 bits
        emit_u32(0);
        c.loop_start = m_code.size();
        m_copy_end = 0;
        m_meters.push_back(static_cast<uint32_t>(m_ctrls.size() - 1));
      }
      if (op == Op::if_) {
        size_t field = emit_cond_jump(cond, false, producer);
        if (!dead()) c.else_fixup = static_cast<uint32_t>(field + 1);
      }
      return {};
    }
    case Op::else_: {
      ControlFrame& c = m_ctrls.back();
      if (c.kind != Op::if_) return invalid("else without a matching if");
      WEFT_TRY_VOID(check_top(c.type.results));
      if (m_stack.size() - c.height != c.type.results.size() && !c.unreachable)
        return invalid("type mismatch: the then branch leaves " +
                       std::to_string(m_stack.size() - c.height) + " values, the block type has " +
                       std::to_string(c.type.results.size()));
      if (m_stack.size() - c.height > c.type.results.size())
        return invalid("type mismatch: values remain on the stack at else");
      materialize_all();
      emit_jump_to(c);
      // The false path starts here, with the parameters where the if left them.
      if (c.else_fixup) resolve_fixups(c.else_fixup, m_code.size());
      c.else_fixup = 0;
      for (size_t i = c.height; i < m_stack.size(); ++i)
        if (m_stack[i].src != m_stack[i].home) --m_deferred;
      m_stack.resize(c.height);
      c.kind = Op::else_;
      c.unreachable = false;
      push_types(c.type.params);
      return {};
    }
    case Op::end: return end_frame(producer);
    default: break;
  }
  return invalid("not a control instruction");
}

Result<void> FuncLowering::end_frame(Producer producer) {
  ControlFrame& c = m_ctrls.back();
  WEFT_TRY_VOID(check_top(c.type.results));
  size_t have = m_stack.size() - c.height;
  if (have > c.type.results.size() || (have < c.type.results.size() && !c.unreachable))
    return invalid("type mismatch: block leaves " + std::to_string(have) +
                   " values, its type has " + std::to_string(c.type.results.size()));
  if (c.kind == Op::if_) {
    // An if without else: the false path passes its parameters through as results.
    if (!std::equal(c.type.params.begin(), c.type.params.end(), c.type.results.begin(),
                    c.type.results.end()))
      return invalid("type mismatch: if without else must have matching parameter and result types");
  }
  if (c.is_function) {
    // No label can be here: branches to the function's label are returns themselves.
    emit_return(producer);
    m_ctrls.pop_back();
    return {};
  }
  materialize_all();
  if (c.kind == Op::loop) {
    if (c.cost_field) {
      const int64_t cost = c.cost;
      std::memcpy(m_code.data() + c.cost_field, &cost, 8);
    }
    m_meters.pop_back();
  }
  size_t here = m_code.size();
  resolve_fixups(c.fixups, here);
  if (c.else_fixup) resolve_fixups(c.else_fixup, here);
  std::span<const ValType> results = c.type.results;
  uint32_t height = c.height;
  for (size_t i = height; i < m_stack.size(); ++i)
    if (m_stack[i].src != m_stack[i].home) --m_deferred;
  m_stack.resize(height);
  m_ctrls.pop_back();
  push_types(results);
  return {};
}

Result<void> FuncLowering::lower_branch(Op op) {
  const Producer producer{m_producer_field, m_producer_end};
  forget_producer();
  if (op == Op::return_) {
    WEFT_TRY_VOID(check_top(m_type.results));
    emit_return(producer);
    set_unreachable();
    return {};
  }
  if (op == Op::br) {
    WEFT_TRY(uint32_t depth, m_reader.u32());
    WEFT_TRY(ControlFrame * target, label(depth));
    auto types = label_types(*target);
    WEFT_TRY_VOID(check_top(types));
    if (!dead()) {
      if (target->is_function) {
        emit_return();
      } else {
        emit_branch_copies(*target, static_cast<uint32_t>(types.size()));
        emit_jump_to(*target);
      }
    }
    set_unreachable();
    return {};
  }
  if (op == Op::br_if) {
    WEFT_TRY(uint32_t depth, m_reader.u32());
    WEFT_TRY(StackEntry cond, pop(ValType::i32));
    WEFT_TRY(ControlFrame * target, label(depth));
    auto types = label_types(*target);
    WEFT_TRY_VOID(check_top(types));
    if (dead()) {
      // In unreachable code br_if's outputs take the label's types.
      WEFT_TRY_VOID(pop_types(types));
      push_types(types);
      return {};
    }
    // The values stay where they are for the fall-through path.
    if (!target->is_function && !branch_needs_copies(*target)) {
      size_t field = emit_cond_jump(cond, true, producer);
      if (target->kind == Op::loop) {
        int32_t rel = static_cast<int32_t>(static_cast<int64_t>(target->loop_start) -
                                           static_cast<int64_t>(field));
        std::memcpy(m_code.data() + field, &rel, 4);
      } else {
        add_fixup(target->fixups, field);
      }
      return {};
    }
    // Values must move first: skip the moves and the jump when the condition is false.
    size_t skip_field = emit_cond_jump(cond, false, producer);
    if (target->is_function) {
      emit_return();
    } else {
      emit_branch_copies(*target, static_cast<uint32_t>(types.size()));
      emit_jump_to(*target);
    }
    resolve_fixups(static_cast<uint32_t>(skip_field + 1), m_code.size());
    return {};
  }
  // br_table
  WEFT_TRY(uint32_t count, m_reader.count(1));
  std::vector<uint32_t> depths(count + 1);
  for (uint32_t i = 0; i <= count; ++i) {
    WEFT_TRY(depths[i], m_reader.u32());
  }
  WEFT_TRY(StackEntry index, pop(ValType::i32));
  WEFT_TRY(ControlFrame * def, label(depths[count]));
  size_t arity = label_types(*def).size();
  for (uint32_t d : depths) {
    WEFT_TRY(ControlFrame * t, label(d));
    auto types = label_types(*t);
    if (types.size() != arity)
      return invalid("type mismatch: br_table targets have different arities");
    WEFT_TRY_VOID(check_top(types));
  }
  if (!dead()) {
    if (!fuse_add_br_table(producer, index)) {
      emit_op(IOp::br_table);
      emit_slot(index.src);
    }
    emit_u32(count);
    size_t table_at = m_code.size();
    for (uint32_t i = 0; i <= count; ++i) emit_u32(0);
    for (uint32_t i = 0; i <= count; ++i) {
      ControlFrame& t = m_ctrls[m_ctrls.size() - 1 - depths[i]];
      size_t field = table_at + 4 * i;
      if (t.is_function || branch_needs_copies(t)) {
        // A trampoline after the table moves the values, then jumps. Its start is a label.
        int32_t rel = static_cast<int32_t>(m_code.size() - field);
        m_copy_end = 0;
        end_sequence();
        std::memcpy(m_code.data() + field, &rel, 4);
        if (t.is_function) {
          emit_return();
        } else {
          emit_branch_copies(t, static_cast<uint32_t>(arity));
          emit_jump_to(t);
        }
      } else if (t.kind == Op::loop) {
        int32_t rel = static_cast<int32_t>(static_cast<int64_t>(t.loop_start) -
                                           static_cast<int64_t>(field));
        std::memcpy(m_code.data() + field, &rel, 4);
      } else {
        add_fixup(t.fixups, field);
      }
    }
  }
  set_unreachable();
  return {};
}

}  // namespace weft::wasm

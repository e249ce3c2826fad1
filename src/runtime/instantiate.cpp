// weft: store objects and module instantiation.
// https://webassembly.github.io/spec/core/exec/modules.html#instantiation
#include "runtime/instantiate.hpp"

#include <algorithm>
#include <new>
#include <string>

#include "interp/interpreter.hpp"
#include "runtime/const_expr.hpp"

namespace weft::detail {

// ---- store objects --------------------------------------------------------------------

FuncInst* new_host_func(StoreImpl& store, uint32_t type_id, HostFunction fn) {
  FuncInst& f = store.funcs.emplace_back();
  f.type_id = type_id;
  f.type = &store.engine->types.get(type_id);
  f.store = &store;
  if (fn) {
    f.host = std::move(fn);
  } else {
    f.host = [](Caller&, std::span<const Value>, std::span<Value>) -> Result<void> {
      return fail(ErrorKind::usage, "host function has no body");
    };
  }
  return &f;
}

Result<MemoryInst*> new_memory(StoreImpl& store, const MemoryType& type) {
  uint64_t limit = std::min<uint64_t>(store.engine->config.max_memory_pages, store.memory_limit_pages);
  WEFT_TRY(auto mem, MemoryInst::create(type, limit, store.engine));
  mem->store = &store;
  MemoryInst* raw = mem.get();
  store.memories.push_back(std::move(mem));
  return raw;
}

Result<TableInst*> new_table(StoreImpl& store, const TableType& type, void* init) {
  uint64_t limit = std::min<uint64_t>(type.limits.max.value_or(UINT32_MAX),
                                      store.engine->config.max_table_elements);
  if (type.limits.min > limit) {
    return fail(ErrorKind::uninstantiable, "table of " + std::to_string(type.limits.min) +
                                               " elements exceeds the limit of " +
                                               std::to_string(limit) + " elements");
  }
  auto table = std::make_unique<TableInst>();
  table->store = &store;
  table->element = type.element;
  table->max = type.limits.max;
  table->limit = limit;
  try {
    table->elems.assign(static_cast<size_t>(type.limits.min), init);
  } catch (const std::bad_alloc&) {
    return fail(ErrorKind::uninstantiable,
                "out of memory for a table of " + std::to_string(type.limits.min) + " elements");
  }
  TableInst* raw = table.get();
  store.tables.push_back(std::move(table));
  return raw;
}

GlobalInst* new_global(StoreImpl& store, const GlobalType& type, const uint64_t bits[2]) {
  GlobalInst& g = store.globals.emplace_back();
  g.store = &store;
  g.type = type;
  g.value[0] = bits[0];
  g.value[1] = bits[1];
  return &g;
}

ExternType extern_type(const Extern& value) {
  ExternType t;
  t.kind = value.kind();
  if (value.raw() == nullptr) return t;
  switch (value.kind()) {
    case ExternKind::func: t.func = *static_cast<const FuncInst*>(value.raw())->type; break;
    case ExternKind::table: {
      const auto* table = static_cast<const TableInst*>(value.raw());
      t.table = TableType{table->element, Limits{table->elems.size(), table->max}};
      break;
    }
    case ExternKind::memory: {
      const auto* mem = static_cast<const MemoryInst*>(value.raw());
      t.memory = MemoryType{Limits{mem->pages, mem->max}};
      break;
    }
    case ExternKind::global: t.global = static_cast<const GlobalInst*>(value.raw())->type; break;
  }
  return t;
}

StoreImpl* extern_store(const Extern& value) noexcept {
  if (value.raw() == nullptr) return nullptr;
  switch (value.kind()) {
    case ExternKind::func: return static_cast<const FuncInst*>(value.raw())->store;
    case ExternKind::table: return static_cast<const TableInst*>(value.raw())->store;
    case ExternKind::memory: return static_cast<const MemoryInst*>(value.raw())->store;
    case ExternKind::global: return static_cast<const GlobalInst*>(value.raw())->store;
  }
  return nullptr;
}

// ---- module types ---------------------------------------------------------------------

ExternType import_type(const wasm::Module& module, size_t index) {
  const wasm::Import& imp = module.imports[index];
  ExternType t;
  t.kind = imp.kind;
  switch (imp.kind) {
    case ExternKind::func: t.func = module.types.at(imp.func_type); break;
    case ExternKind::table: t.table = imp.table; break;
    case ExternKind::memory: t.memory = imp.memory; break;
    case ExternKind::global: t.global = imp.global; break;
  }
  return t;
}

ExternType export_type(const wasm::Module& module, const wasm::Export& e) {
  ExternType t;
  t.kind = e.kind;
  switch (e.kind) {
    case ExternKind::func: t.func = module.types.at(module.func_types.at(e.index)); break;
    case ExternKind::table: t.table = module.tables.at(e.index); break;
    case ExternKind::memory: t.memory = module.memories.at(e.index); break;
    case ExternKind::global: t.global = module.global_types.at(e.index); break;
  }
  return t;
}

// ---- instantiation --------------------------------------------------------------------

namespace {

/// https://webassembly.github.io/spec/core/valid/types.html#match-limits
bool limits_match(const Limits& actual, const Limits& declared) {
  if (actual.min < declared.min) return false;
  if (declared.max && (!actual.max || *actual.max > *declared.max)) return false;
  return true;
}

std::string import_name(const wasm::Import& imp) {
  return "\"" + imp.module + "\" \"" + imp.name + "\"";
}

/// Checks that `value` may be import `index` of `data`: from `store`, of a matching type.
/// https://webassembly.github.io/spec/core/exec/modules.html#import-matching
Result<void> check_import(const StoreImpl& store, const ModuleData& data, size_t index,
                          const Extern& value) {
  const wasm::Import& imp = data.module.imports[index];
  if (value.raw() == nullptr)
    return fail(ErrorKind::usage, "import " + import_name(imp) + " is a null handle");
  if (extern_store(value) != &store)
    return fail(ErrorKind::usage, "import " + import_name(imp) + " belongs to a different store");
  bool ok = value.kind() == imp.kind;
  if (ok) {
    switch (imp.kind) {
      case ExternKind::func:
        ok = static_cast<const FuncInst*>(value.raw())->type_id == data.type_ids.at(imp.func_type);
        break;
      case ExternKind::table: {
        const auto* table = static_cast<const TableInst*>(value.raw());
        ok = table->element == imp.table.element &&
             limits_match(Limits{table->elems.size(), table->max}, imp.table.limits);
        break;
      }
      case ExternKind::memory: {
        const auto* mem = static_cast<const MemoryInst*>(value.raw());
        ok = limits_match(Limits{mem->pages, mem->max}, imp.memory.limits);
        break;
      }
      case ExternKind::global: {
        const GlobalType& g = static_cast<const GlobalInst*>(value.raw())->type;
        ok = g.type == imp.global.type && g.mutable_ == imp.global.mutable_;
        break;
      }
    }
  }
  if (ok) return {};
  return fail(ErrorKind::unlinkable, "incompatible import type: " + import_name(imp) +
                                         ": expected " +
                                         import_type(data.module, index).to_string() + ", got " +
                                         extern_type(value).to_string());
}

Failure segment_trap(TrapKind trap) {
  Error e = Error::make(ErrorKind::uninstantiable, std::string(trap_message(trap)));
  e.trap = trap;
  return Failure{std::move(e)};
}

/// Adds the imports to the index spaces, then the module's own functions, tables, memories
/// and globals, then its segments and exports.
/// https://webassembly.github.io/spec/core/exec/modules.html#alloc-module
Result<void> allocate(StoreImpl& store, InstanceImpl& inst, std::span<const Extern> imports) {
  const ModuleData& data = *inst.module;
  const wasm::Module& m = data.module;
  const TypeRegistry& types = store.engine->types;

  for (const Extern& e : imports) {
    switch (e.kind()) {
      case ExternKind::func: inst.funcs.push_back(static_cast<FuncInst*>(e.raw())); break;
      case ExternKind::table: inst.tables.push_back(static_cast<TableInst*>(e.raw())); break;
      case ExternKind::memory: inst.memories.push_back(static_cast<MemoryInst*>(e.raw())); break;
      case ExternKind::global: inst.globals.push_back(static_cast<GlobalInst*>(e.raw())); break;
    }
  }

  const size_t defined_funcs = m.func_types.size() - m.imported_funcs;
  if (data.funcs.size() != defined_funcs)
    return fail(ErrorKind::invalid, "module has " + std::to_string(defined_funcs) +
                                        " functions but " + std::to_string(data.funcs.size()) +
                                        " were lowered");
  for (size_t i = 0; i < defined_funcs; ++i) {
    FuncInst& f = store.funcs.emplace_back();
    f.type_id = data.type_ids.at(m.func_types[m.imported_funcs + i]);
    f.type = &types.get(f.type_id);
    f.store = &store;
    f.instance = &inst;
    f.code = &data.funcs[i];
    inst.funcs.push_back(&f);
  }
  for (size_t i = m.imported_tables; i < m.tables.size(); ++i) {
    WEFT_TRY(TableInst * t, new_table(store, m.tables[i], nullptr));
    inst.tables.push_back(t);
  }
  for (size_t i = m.imported_memories; i < m.memories.size(); ++i) {
    WEFT_TRY(MemoryInst * mem, new_memory(store, m.memories[i]));
    inst.memories.push_back(mem);
  }
  // Each initializer sees the globals before it (imports only, in 2.0: the validator's rule).
  for (const wasm::Global& g : m.globals) {
    WEFT_TRY(ConstValue v, eval_const(g.init, inst));
    inst.globals.push_back(new_global(store, g.type, v.bits));
  }

  inst.elems.resize(m.elems.size());
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const wasm::ElemSegment& seg = m.elems[i];
    ElemInst& elem = inst.elems[i];
    elem.type = seg.type;
    elem.refs.reserve(seg.items.size());
    for (const wasm::ConstExpr& item : seg.items) {
      WEFT_TRY(ConstValue v, eval_const(item, inst));
      elem.refs.push_back(reinterpret_cast<void*>(static_cast<uintptr_t>(v.bits[0])));
    }
  }
  inst.datas.reserve(m.datas.size());
  for (const wasm::DataSegment& seg : m.datas)
    inst.datas.emplace_back(m.bytes.data() + seg.data_offset, seg.data_size);

  inst.exports.reserve(m.exports.size());
  for (const wasm::Export& e : m.exports) {
    Extern x;
    switch (e.kind) {
      case ExternKind::func: x = Func(inst.funcs.at(e.index)); break;
      case ExternKind::table: x = Table(inst.tables.at(e.index)); break;
      case ExternKind::memory: x = Memory(inst.memories.at(e.index)); break;
      case ExternKind::global: x = Global(inst.globals.at(e.index)); break;
    }
    inst.exports.emplace_back(e.name, x);
  }
  return {};
}

/// The offset of an active segment: an i32 (u32 in the index space).
Result<uint64_t> segment_offset(const wasm::ConstExpr& expr, const InstanceImpl& inst) {
  WEFT_TRY(ConstValue v, eval_const(expr, inst));
  return v.type == ValType::i32 ? static_cast<uint32_t>(v.bits[0]) : v.bits[0];
}

/// Active element segments are copied (table.init) then dropped; declarative ones dropped.
Result<void> init_elems(InstanceImpl& inst) {
  const wasm::Module& m = inst.module->module;
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const wasm::ElemSegment& seg = m.elems[i];
    ElemInst& elem = inst.elems[i];
    if (seg.mode == wasm::ElemSegment::Mode::passive) continue;
    if (seg.mode == wasm::ElemSegment::Mode::active) {
      WEFT_TRY(uint64_t offset, segment_offset(seg.offset, inst));
      TableInst& table = *inst.tables.at(seg.table);
      const uint64_t n = elem.refs.size();
      if (offset > table.elems.size() || n > table.elems.size() - offset)
        return segment_trap(TrapKind::table_out_of_bounds);
      std::copy(elem.refs.begin(), elem.refs.end(),
                table.elems.begin() + static_cast<ptrdiff_t>(offset));
    }
    std::vector<void*>().swap(elem.refs);  // elem.drop
  }
  return {};
}

/// Active data segments are copied (memory.init) then dropped.
Result<void> init_datas(InstanceImpl& inst) {
  const wasm::Module& m = inst.module->module;
  for (size_t i = 0; i < m.datas.size(); ++i) {
    const wasm::DataSegment& seg = m.datas[i];
    if (seg.mode != wasm::DataSegment::Mode::active) continue;
    WEFT_TRY(uint64_t offset, segment_offset(seg.offset, inst));
    MemoryInst& mem = *inst.memories.at(seg.memory);
    std::span<const uint8_t> bytes = inst.datas[i];
    if (offset > mem.size || bytes.size() > mem.size - offset)
      return segment_trap(TrapKind::memory_out_of_bounds);
    if (!bytes.empty()) std::memcpy(mem.base + offset, bytes.data(), bytes.size());
    inst.datas[i] = {};  // data.drop
  }
  return {};
}

}  // namespace

Result<InstanceImpl*> instantiate(StoreImpl& store, std::shared_ptr<const ModuleData> module,
                                  std::span<const Extern> imports) {
  if (!module) return fail(ErrorKind::usage, "instantiate: the module is empty");
  const ModuleData& data = *module;
  if (data.engine != store.engine)
    return fail(ErrorKind::usage, "the module was compiled by a different engine than the store's");
  const size_t expected = data.module.imports.size();
  if (imports.size() != expected)
    return fail(ErrorKind::usage, "the module has " + std::to_string(expected) + " imports but " +
                                      std::to_string(imports.size()) + " values were given");
  for (size_t i = 0; i < expected; ++i) WEFT_TRY_VOID(check_import(store, data, i, imports[i]));

  // From here on the instance belongs to the store, also when a step below fails: its
  // functions may already sit in tables of other instances.
  auto owned = std::make_unique<InstanceImpl>();
  InstanceImpl& inst = *owned;
  inst.module = std::move(module);
  inst.store = &store;
  store.instances.push_back(std::move(owned));

  WEFT_TRY_VOID(allocate(store, inst, imports));
  WEFT_TRY_VOID(init_elems(inst));
  WEFT_TRY_VOID(init_datas(inst));

  if (data.module.start) {
    uint64_t slots[2] = {0, 0};
    auto r = interp::invoke(store, inst.funcs.at(*data.module.start), slots);
    if (!r) {
      Error e = std::move(r).error();
      if (e.kind == ErrorKind::trap) e.kind = ErrorKind::uninstantiable;
      return Failure{std::move(e)};
    }
  }
  return &inst;
}

}  // namespace weft::detail

// weft: the handles of store objects (Func, Memory, Table, Global, Extern, Instance) and
// what a host function sees of its caller.
#include <algorithm>
#include <string>

#include "interp/interpreter.hpp"
#include "runtime/instantiate.hpp"
#include "runtime/objects.hpp"

namespace weft {

namespace {

std::string type_name(ValType t) { return std::string(valtype_name(t)); }

void* ref_bits(const Value& v) noexcept {
  return reinterpret_cast<void*>(static_cast<uintptr_t>(v.raw()));
}
Value ref_value(ValType t, void* p) noexcept {
  return Value::from_raw(t, static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p)));
}

/// A value going into `store` must have type `want`, and a funcref must be of that store.
Result<void> check_value(const detail::StoreImpl* store, const Value& v, ValType want,
                         const std::string& what) {
  if (v.type() != want)
    return fail(ErrorKind::usage,
                what + " is " + type_name(v.type()) + ", expected " + type_name(want));
  if (v.type() == ValType::funcref && !v.is_null() && v.funcref()->store != store)
    return fail(ErrorKind::usage, what + " is a funcref of a different store");
  return {};
}

/// Checks the handle, the store and the arguments of a call, then packs them into `slots`.
Result<void> prepare_call(const detail::FuncInst* f, Store& store, std::span<const Value> args,
                          std::vector<uint64_t>& slots) {
  if (f == nullptr) return fail(ErrorKind::usage, "call of a null function");
  if (f->store != &store.impl())
    return fail(ErrorKind::usage, "call of a function of a different store");
  const FuncType& type = *f->type;
  if (args.size() != type.params.size())
    return fail(ErrorKind::usage, "call with " + std::to_string(args.size()) +
                                      " arguments, expected " + std::to_string(type.params.size()) +
                                      " for " + type.to_string());
  // At least one slot, so that the interpreter never sees a null pointer.
  slots.assign(
      std::max<size_t>({1, detail::slot_count(type.params), detail::slot_count(type.results)}), 0);
  size_t s = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    WEFT_TRY_VOID(check_value(f->store, args[i], type.params[i], "argument " + std::to_string(i)));
    detail::to_slots(args[i], &slots[s]);
    s += detail::slot_count(type.params[i]);
  }
  return {};
}

}  // namespace

// ---- Func -----------------------------------------------------------------------------

namespace detail {

Result<void> call_raw(Store& store, FuncInst* f, uint64_t* slots) {
  if (f == nullptr) return fail(ErrorKind::usage, "call of a null function");
  if (f->store != &store.impl())
    return fail(ErrorKind::usage, "call of a function of a different store");
  return interp::invoke(store.impl(), f, slots);
}

const FuncType& func_type(const FuncInst* f) {
  static const FuncType none;
  return f != nullptr && f->type != nullptr ? *f->type : none;
}

}  // namespace detail

const FuncType& Func::type() const { return detail::func_type(m_f); }

Result<std::vector<Value>> Func::call(Store& store, std::span<const Value> args) const {
  std::vector<Value> results(m_f != nullptr ? m_f->type->results.size() : 0);
  WEFT_TRY_VOID(call(store, args, results));
  return results;
}

Result<void> Func::call(Store& store, std::span<const Value> args, std::span<Value> results) const {
  std::vector<uint64_t> slots;
  WEFT_TRY_VOID(prepare_call(m_f, store, args, slots));
  const FuncType& type = *m_f->type;
  if (results.size() != type.results.size())
    return fail(ErrorKind::usage, "call with room for " + std::to_string(results.size()) +
                                      " results, expected " + std::to_string(type.results.size()) +
                                      " for " + type.to_string());
  WEFT_TRY_VOID(interp::invoke(store.impl(), m_f, slots.data()));
  size_t s = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    results[i] = detail::from_slots(type.results[i], &slots[s]);
    s += detail::slot_count(type.results[i]);
  }
  return {};
}

// ---- Memory ---------------------------------------------------------------------------

uint64_t Memory::size_pages() const noexcept { return m_m != nullptr ? m_m->pages : 0; }
uint64_t Memory::size_bytes() const noexcept { return m_m != nullptr ? m_m->size : 0; }
uint8_t* Memory::data() const noexcept { return m_m != nullptr ? m_m->base : nullptr; }

std::optional<uint64_t> Memory::grow(uint64_t delta) const {
  if (m_m == nullptr) return std::nullopt;
  uint64_t old = m_m->grow(delta);
  if (old == UINT64_MAX) return std::nullopt;
  return old;
}

std::optional<std::span<uint8_t>> Memory::view(uint64_t offset, uint64_t length) const noexcept {
  if (m_m == nullptr || offset > m_m->size || length > m_m->size - offset) return std::nullopt;
  return std::span<uint8_t>(m_m->base + offset, static_cast<size_t>(length));
}

std::optional<std::string_view> Memory::read_string(uint64_t offset,
                                                    uint64_t length) const noexcept {
  auto v = view(offset, length);
  if (!v) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(v->data()), v->size());
}

MemoryType Memory::type() const {
  if (m_m == nullptr) return {};
  return MemoryType{Limits{m_m->pages, m_m->max}};
}

// ---- Table ----------------------------------------------------------------------------

uint64_t Table::size() const noexcept { return m_t != nullptr ? m_t->elems.size() : 0; }

std::optional<Value> Table::get(uint64_t index) const {
  if (m_t == nullptr || index >= m_t->elems.size()) return std::nullopt;
  return ref_value(m_t->element, m_t->elems[static_cast<size_t>(index)]);
}

Result<void> Table::set(uint64_t index, const Value& v) const {
  if (m_t == nullptr) return fail(ErrorKind::usage, "set on a null table");
  WEFT_TRY_VOID(check_value(m_t->store, v, m_t->element, "table value"));
  if (index >= m_t->elems.size())
    return fail(ErrorKind::usage, "table index " + std::to_string(index) +
                                      " is out of bounds for a table of " +
                                      std::to_string(m_t->elems.size()) + " elements");
  m_t->elems[static_cast<size_t>(index)] = ref_bits(v);
  return {};
}

std::optional<uint64_t> Table::grow(uint64_t delta, const Value& init) const {
  if (m_t == nullptr || !check_value(m_t->store, init, m_t->element, "init")) return std::nullopt;
  uint64_t old = m_t->grow(delta, ref_bits(init));
  if (old == UINT64_MAX) return std::nullopt;
  return old;
}

TableType Table::type() const {
  if (m_t == nullptr) return {};
  return TableType{m_t->element, Limits{m_t->elems.size(), m_t->max}};
}

// ---- Global ---------------------------------------------------------------------------

Value Global::get() const {
  if (m_g == nullptr) return Value();
  return detail::from_slots(m_g->type.type, m_g->value);
}

Result<void> Global::set(const Value& v) const {
  if (m_g == nullptr) return fail(ErrorKind::usage, "set on a null global");
  if (!m_g->type.mutable_) return fail(ErrorKind::usage, "set on an immutable global");
  WEFT_TRY_VOID(check_value(m_g->store, v, m_g->type.type, "global value"));
  detail::to_slots(v, m_g->value);
  return {};
}

GlobalType Global::type() const { return m_g != nullptr ? m_g->type : GlobalType{}; }

// ---- Extern ---------------------------------------------------------------------------

std::optional<Func> Extern::func() const {
  if (m_kind != ExternKind::func || m_ptr == nullptr) return std::nullopt;
  return Func(static_cast<detail::FuncInst*>(m_ptr));
}
std::optional<Table> Extern::table() const {
  if (m_kind != ExternKind::table || m_ptr == nullptr) return std::nullopt;
  return Table(static_cast<detail::TableInst*>(m_ptr));
}
std::optional<Memory> Extern::memory() const {
  if (m_kind != ExternKind::memory || m_ptr == nullptr) return std::nullopt;
  return Memory(static_cast<detail::MemoryInst*>(m_ptr));
}
std::optional<Global> Extern::global() const {
  if (m_kind != ExternKind::global || m_ptr == nullptr) return std::nullopt;
  return Global(static_cast<detail::GlobalInst*>(m_ptr));
}

// ---- Instance -------------------------------------------------------------------------

namespace {

std::optional<Extern> find_export(const detail::InstanceImpl* inst, std::string_view name) {
  if (inst == nullptr) return std::nullopt;
  for (const auto& [n, x] : inst->exports)
    if (n == name) return x;
  return std::nullopt;
}

}  // namespace

std::optional<Extern> Instance::get_export(std::string_view name) const {
  return find_export(m_i, name);
}
std::optional<Func> Instance::get_func(std::string_view name) const {
  auto x = find_export(m_i, name);
  return x ? x->func() : std::nullopt;
}
std::optional<Memory> Instance::get_memory(std::string_view name) const {
  auto x = find_export(m_i, name);
  return x ? x->memory() : std::nullopt;
}
std::optional<Table> Instance::get_table(std::string_view name) const {
  auto x = find_export(m_i, name);
  return x ? x->table() : std::nullopt;
}
std::optional<Global> Instance::get_global(std::string_view name) const {
  auto x = find_export(m_i, name);
  return x ? x->global() : std::nullopt;
}
std::vector<std::pair<std::string, Extern>> Instance::exports() const {
  if (m_i == nullptr) return {};
  return m_i->exports;
}

// ---- Caller ---------------------------------------------------------------------------

std::optional<Memory> Caller::memory() const {
  if (m_instance == nullptr || m_instance->memories.empty()) return std::nullopt;
  return Memory(m_instance->memories[0]);
}

std::optional<Extern> Caller::get_export(std::string_view name) const {
  return find_export(m_instance, name);
}

void* Caller::user_data() const noexcept { return m_store.user_data(); }

}  // namespace weft

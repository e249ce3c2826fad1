// weft: Store, the owner of every runtime object and of the interpreter's stacks.
#include <algorithm>
#include <string>

#include "runtime/instantiate.hpp"
#include "runtime/objects.hpp"

namespace weft {

namespace {

/// The pointer bits a reference value is stored as in tables and globals.
void* ref_bits(const Value& v) noexcept {
  return reinterpret_cast<void*>(static_cast<uintptr_t>(v.raw()));
}

/// A funcref must name a function of the store it goes into.
Result<void> check_ref_store(const detail::StoreImpl& store, const Value& v, const char* what) {
  if (v.type() == ValType::funcref && !v.is_null() && v.funcref()->store != &store)
    return fail(ErrorKind::usage, std::string(what) + ": the funcref belongs to a different store");
  return {};
}

Result<void> check_limits(const Limits& l, uint64_t ceiling, const char* what, const char* unit) {
  if (l.max && *l.max < l.min)
    return fail(ErrorKind::usage, std::string(what) + ": minimum " + std::to_string(l.min) +
                                      " is above maximum " + std::to_string(*l.max));
  if (l.min > ceiling)
    return fail(ErrorKind::usage, std::string(what) + ": minimum of " + std::to_string(l.min) +
                                      " " + unit + " exceeds the limit of " +
                                      std::to_string(ceiling) + " " + unit);
  return {};
}

}  // namespace

Store::Store(const Engine& engine, void* user_data)
    : m_impl(std::make_unique<detail::StoreImpl>()) {
  detail::StoreImpl& s = *m_impl;
  s.engine = &engine.impl();
  s.owner = this;
  s.user_data = user_data;
  // The value stack is left uninitialized: a large allocation is mapped lazily by the OS,
  // so a store only pays for the depth it uses.
  const EngineConfig& config = engine.config();
  s.value_stack.reset(new uint64_t[config.value_stack_slots]);
  s.stack_top = s.value_stack.get();
  s.value_stack_end = s.value_stack.get() + config.value_stack_slots;
  s.frames.reset(new detail::Frame[config.max_call_depth]);  // default-initialized: untouched
  s.frame_capacity = config.max_call_depth;
  s.frame_count = 0;
}

Store::~Store() = default;

const Engine& Store::engine() const noexcept { return *m_impl->engine->owner; }
void* Store::user_data() const noexcept { return m_impl->user_data; }
void Store::set_user_data(void* p) noexcept { m_impl->user_data = p; }

void Store::set_fuel(std::optional<uint64_t> fuel) noexcept {
  m_impl->metering = fuel.has_value();
  m_impl->fuel = fuel ? static_cast<int64_t>(std::min<uint64_t>(*fuel, INT64_MAX)) : INT64_MAX;
}

std::optional<uint64_t> Store::fuel() const noexcept {
  if (!m_impl->metering) return std::nullopt;
  return static_cast<uint64_t>(std::max<int64_t>(m_impl->fuel, 0));
}

void Store::set_memory_limit_pages(uint64_t pages) noexcept {
  m_impl->memory_limit_pages = pages;
}

uint64_t Store::memory_limit_pages() const noexcept {
  return std::min<uint64_t>(m_impl->engine->config.max_memory_pages, m_impl->memory_limit_pages);
}

void Store::interrupt() noexcept {
  m_impl->interrupt_requested.store(true, std::memory_order_relaxed);
}

void Store::clear_interrupt() noexcept {
  m_impl->interrupt_requested.store(false, std::memory_order_relaxed);
}

Func Store::create_host_func(const FuncType& type, HostFunction fn) {
  uint32_t id = m_impl->engine->types.intern(type);
  return Func(detail::new_host_func(*m_impl, id, std::move(fn)));
}

Result<Memory> Store::create_memory(const MemoryType& type) {
  const uint64_t ceiling = std::min<uint64_t>(memory_limit_pages(), 65536);
  WEFT_TRY_VOID(check_limits(type.limits, ceiling, "create_memory", "pages"));
  if (type.limits.max && *type.limits.max > 65536)
    return fail(ErrorKind::usage, "create_memory: maximum of " + std::to_string(*type.limits.max) +
                                      " pages exceeds 65536 pages (4 GiB)");
  WEFT_TRY(detail::MemoryInst * mem, detail::new_memory(*m_impl, type));
  return Memory(mem);
}

Result<Table> Store::create_table(const TableType& type, const Value& init) {
  if (!is_reftype(type.element))
    return fail(ErrorKind::usage, "create_table: element type " +
                                      std::string(valtype_name(type.element)) +
                                      " is not a reference type");
  if (init.type() != type.element)
    return fail(ErrorKind::usage, "create_table: initial value is " +
                                      std::string(valtype_name(init.type())) + ", expected " +
                                      std::string(valtype_name(type.element)));
  WEFT_TRY_VOID(check_ref_store(*m_impl, init, "create_table"));
  WEFT_TRY_VOID(check_limits(type.limits, m_impl->engine->config.max_table_elements, "create_table",
                             "elements"));
  WEFT_TRY(detail::TableInst * t, detail::new_table(*m_impl, type, ref_bits(init)));
  return Table(t);
}

Result<Global> Store::create_global(const GlobalType& type, const Value& init) {
  if (init.type() != type.type)
    return fail(ErrorKind::usage, "create_global: initial value is " +
                                      std::string(valtype_name(init.type())) + ", expected " +
                                      std::string(valtype_name(type.type)));
  WEFT_TRY_VOID(check_ref_store(*m_impl, init, "create_global"));
  uint64_t bits[2] = {0, 0};
  detail::to_slots(init, bits);
  return Global(detail::new_global(*m_impl, type, bits));
}

}  // namespace weft

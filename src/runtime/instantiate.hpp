// weft: creating store objects and instantiating modules, below the public API.
// https://webassembly.github.io/spec/core/exec/modules.html
#pragma once

#include <cstring>
#include <memory>
#include <span>

#include "runtime/objects.hpp"

namespace weft::detail {

// ---- values in slots ------------------------------------------------------------------

/// Slots a value of type `t` takes on the interpreter's stack and in globals.
inline size_t slot_count(ValType t) noexcept { return t == ValType::v128 ? 2 : 1; }
inline size_t slot_count(const std::vector<ValType>& types) noexcept {
  size_t n = 0;
  for (ValType t : types) n += slot_count(t);
  return n;
}
/// Writes `v` to `slots` (one, or two for a v128), i32 and f32 zero-extended.
inline void to_slots(const Value& v, uint64_t* slots) noexcept {
  if (v.type() == ValType::v128)
    std::memcpy(slots, v.v128().bytes, 16);
  else if (v.type() == ValType::i32 || v.type() == ValType::f32)
    slots[0] = static_cast<uint32_t>(v.raw());
  else
    slots[0] = v.raw();
}
/// Reads a value of type `t` from `slots`.
inline Value from_slots(ValType t, const uint64_t* slots) noexcept {
  if (t == ValType::v128) {
    V128 x;
    std::memcpy(x.bytes, slots, 16);
    return Value::v128(x);
  }
  if (t == ValType::i32 || t == ValType::f32)
    return Value::from_raw(t, static_cast<uint32_t>(slots[0]));
  return Value::from_raw(t, slots[0]);
}

// ---- store objects --------------------------------------------------------------------

/// A host function of `type_id` in `store`.
FuncInst* new_host_func(StoreImpl& store, uint32_t type_id, HostFunction fn);
/// A memory in `store`, within the engine's page limit (uninstantiable when above it or when
/// the address space cannot be reserved).
Result<MemoryInst*> new_memory(StoreImpl& store, const MemoryType& type);
/// A table of `type.limits.min` copies of `init`, within the engine's element limit.
Result<TableInst*> new_table(StoreImpl& store, const TableType& type, void* init);
/// A global holding `bits` (two words for a v128).
GlobalInst* new_global(StoreImpl& store, const GlobalType& type, const uint64_t bits[2]);

/// The current type of an external value (a table's and a memory's min is its current size).
ExternType extern_type(const Extern& value);
/// The store that owns an external value (null if the handle is null).
StoreImpl* extern_store(const Extern& value) noexcept;

// ---- module types ---------------------------------------------------------------------

/// The type of import `index` of `module`, as declared.
ExternType import_type(const wasm::Module& module, size_t index);
/// The type of an export of `module`, resolved through its index spaces.
ExternType export_type(const wasm::Module& module, const wasm::Export& e);

// ---- instantiation --------------------------------------------------------------------

/// Instantiates `module` in `store` with `imports`, one per module import in order,
/// following the spec's instantiation: imports are checked (unlinkable), the instance is
/// allocated, element then data segments are initialized (uninstantiable on an out-of-bounds
/// segment, keeping what earlier segments wrote) and the start function runs (uninstantiable
/// with the trap). The instance belongs to the store even when a later step fails, since
/// tables elsewhere may already refer to its functions.
Result<InstanceImpl*> instantiate(StoreImpl& store, std::shared_ptr<const ModuleData> module,
                                  std::span<const Extern> imports);

}  // namespace weft::detail

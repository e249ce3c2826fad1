// Imports for fuzzed modules: a dummy of each import's declared type (a host function
// returning zeros, a memory, a table, a global), so instantiation runs its full path.
// Shared by fuzz_module.cpp and fuzz_exec.cpp.
#pragma once

#include <span>

#include "weft/weft.hpp"

namespace weft_fuzz {

/// The zero value of a type: 0, 0.0, a zero v128, or a null reference.
inline weft::Value zero_of(weft::ValType type) {
  if (type == weft::ValType::v128) return weft::Value::v128(weft::V128{});
  if (weft::is_reftype(type)) return weft::Value::null(type);
  return weft::Value::zero(type);
}

/// Defines a dummy of each import's type. A dummy that cannot be made (a memory over the
/// limit) is left out, so instantiation reports it as unlinkable.
inline void define_dummies(weft::Store& store, weft::Linker& linker, const weft::Module& module) {
  for (const weft::ImportDesc& import : module.imports()) {
    const weft::ExternType& type = import.type;
    switch (type.kind) {
      case weft::ExternKind::func: {
        weft::Func f =
            store.create_host_func(type.func,
                                   [](weft::Caller&, std::span<const weft::Value>,
                                      std::span<weft::Value> results) -> weft::Result<void> {
                                     for (weft::Value& r : results) r = zero_of(r.type());
                                     return {};
                                   });
        linker.define(import.module, import.name, f);
        break;
      }
      case weft::ExternKind::memory:
        if (auto m = store.create_memory(type.memory))
          linker.define(import.module, import.name, *m);
        break;
      case weft::ExternKind::table:
        if (auto t = store.create_table(type.table, zero_of(type.table.element)))
          linker.define(import.module, import.name, *t);
        break;
      case weft::ExternKind::global:
        if (auto g = store.create_global(type.global, zero_of(type.global.type)))
          linker.define(import.module, import.name, *g);
        break;
    }
  }
}

}  // namespace weft_fuzz

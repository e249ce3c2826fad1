// A libFuzzer target over decode, validate and instantiate.
//
// Every import is satisfied by a dummy of the declared type (a host function returning
// zeros, a memory, a table, a global), so instantiation runs its full path: import type
// checks, globals, tables and memories, element and data segments. Nothing is executed:
// modules with a start function are compiled but not instantiated, and no export is called.
//
// Built twice: with -fsanitize=fuzzer by the fuzz preset (tests/fuzz/run-bounded), and with
// replay_main.cpp in every other build, where ctest replays the regression inputs.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "weft/weft.hpp"

namespace {

/// The binary format's id of the start section.
constexpr uint8_t k_start_section = 8;

weft::EngineConfig fuzz_config() {
  weft::EngineConfig config;
  // Everything the engine decodes and validates is in reach of the fuzzer.
  config.features.simd = true;
  // Small ceilings keep every input fast: a huge table or memory is refused, not built.
  config.max_memory_pages = 1024;  // 64 MiB
  config.max_table_elements = 1 << 16;
  return config;
}

weft::Value zero_of(weft::ValType type) {
  if (type == weft::ValType::v128) return weft::Value::v128(weft::V128{});
  if (weft::is_reftype(type)) return weft::Value::null(type);
  return weft::Value::zero(type);
}

/// Defines a dummy of each import's type. A dummy that cannot be made (a memory over the
/// limit) is left out, so instantiation reports it as unlinkable.
void define_dummies(weft::Store& store, weft::Linker& linker, const weft::Module& module) {
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const weft::Engine engine(fuzz_config());
  std::span<const uint8_t> bytes(data, size);

  // validate() and compile() must agree on what is valid; compile() may only add refusals of
  // kind unsupported (something valid that the executor cannot run yet).
  auto validated = engine.validate(bytes);
  auto module = engine.compile(bytes);
  if (module && !validated) {
    std::fprintf(stderr, "compile() accepted a module that validate() refused: %s\n",
                 validated.error().to_string().c_str());
    std::abort();
  }
  if (!module && validated && module.error().kind != weft::ErrorKind::unsupported) {
    std::fprintf(stderr, "validate() accepted a module that compile() refused: %s\n",
                 module.error().to_string().c_str());
    std::abort();
  }
  if (!module) return 0;

  // Inspection must not fail on anything that compiled.
  bool has_start = false;
  for (const auto& section : module->sections()) has_start |= section.id == k_start_section;
  if (has_start) return 0;

  weft::Store store(engine);
  weft::Linker linker(engine);
  define_dummies(store, linker, *module);
  auto instance = linker.instantiate(store, *module);
  if (instance) (void)instance->exports();
  return 0;
}

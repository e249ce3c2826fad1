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

#include "dummy_imports.hpp"
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

using weft_fuzz::define_dummies;

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

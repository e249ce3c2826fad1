// weft CLI: the demo modules of examples/modules, compiled by wat2wasm and embedded into the
// binary at build time (see examples/modules/embed.cmake), so `weft demo` needs no files.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace weft::cli {

/// One embedded module: its name (the .wat file's stem) and its binary.
struct EmbeddedModule {
  std::string_view name;
  std::span<const uint8_t> bytes;
};

/// Every demo module, sorted by name. Defined in the generated demo_modules.cpp.
std::span<const EmbeddedModule> demo_modules();

}  // namespace weft::cli

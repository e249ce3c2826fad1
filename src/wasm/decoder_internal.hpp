// weft: what the section decoders share. Private to src/wasm/decode*.cpp.
//
// Decoding follows the spec's reference interpreter: the whole module is decoded before it is
// validated, so a malformed error anywhere wins over an invalid one. The decoders validate as
// they go (every index space they need is complete by then, thanks to the section order), but
// an invalid finding is only recorded (Context::invalid) and decoding goes on; a malformed one
// returns at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wasm/instruction_reader.hpp"
#include "wasm/module.hpp"
#include "wasm/reader.hpp"

namespace weft::wasm::decoder {

/// State of one decode_module() call.
struct Context {
  Module& module;
  const Features& features;
  /// The first validation error found; reported only if the module decodes completely.
  std::optional<Error> first_invalid;
  /// The entry being decoded ("import", 3), to say where a malformed error happened.
  const char* item = nullptr;
  uint32_t item_index = 0;

  /// Records a validation error (the first one wins).
  void invalid(size_t offset, std::string message) {
    if (!first_invalid) first_invalid = Error::make(ErrorKind::invalid, std::move(message), offset);
  }
  void at(const char* what, uint32_t index) {
    item = what;
    item_index = index;
  }

  uint32_t func_count() const { return static_cast<uint32_t>(module.func_types.size()); }
};

// ---- sections: each decoder reads the whole contents of its section from `r` ----------------
// https://webassembly.github.io/spec/core/binary/modules.html

Result<void> decode_type_section(Reader& r, Context& ctx);
Result<void> decode_import_section(Reader& r, Context& ctx);
Result<void> decode_function_section(Reader& r, Context& ctx);
Result<void> decode_table_section(Reader& r, Context& ctx);
Result<void> decode_memory_section(Reader& r, Context& ctx);
Result<void> decode_global_section(Reader& r, Context& ctx);
Result<void> decode_export_section(Reader& r, Context& ctx);
Result<void> decode_start_section(Reader& r, Context& ctx);
Result<void> decode_element_section(Reader& r, Context& ctx);
Result<void> decode_data_count_section(Reader& r, Context& ctx);
Result<void> decode_code_section(Reader& r, Context& ctx);
Result<void> decode_data_section(Reader& r, Context& ctx);

// ---- types (decode_types.cpp) -----------------------------------------------------------------

/// The type index of a function, checked against the type section ("unknown type").
void check_type_index(uint32_t type_index, size_t offset, Context& ctx, std::string_view what);

// ---- tables and memories (decode_tables_memories.cpp) -----------------------------------------

Result<TableType> read_table_type(Reader& r, const Features& features);
Result<MemoryType> read_memory_type(Reader& r);
/// Validates a table type and appends it to the table index space (imported or defined).
void add_table(const TableType& type, size_t offset, Context& ctx);
/// Validates a memory type and appends it to the memory index space (at most one in 2.0).
void add_memory(const MemoryType& type, size_t offset, Context& ctx);

// ---- globals (decode_globals.cpp) -------------------------------------------------------------

/// A value type then a mutability byte (0 or 1, else "malformed mutability").
Result<GlobalType> read_global_type(Reader& r, const Features& features);

// ---- constant expressions (decode_const_expr.cpp) ---------------------------------------------
// https://webassembly.github.io/spec/core/valid/instructions.html#constant-expressions

/// Decodes an expression up to its final `end` and validates it as a constant expression of
/// type `expected`; `what` names its user in messages ("the initializer of global 2").
Result<ConstExpr> decode_const_expr(Reader& r, Context& ctx, ValType expected,
                                    std::string_view what);

// ---- small helpers (decoder.cpp) ----------------------------------------------------------------

/// "0x1f"
std::string hex(uint64_t value);
/// "type 3", "function 0"
std::string indexed(std::string_view what, uint64_t index);

}  // namespace weft::wasm::decoder

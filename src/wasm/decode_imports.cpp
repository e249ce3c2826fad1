// weft: the import section. Imports open the function, table, memory and global index spaces.
// https://webassembly.github.io/spec/core/binary/modules.html#import-section
#include "wasm/decoder_internal.hpp"

namespace weft::wasm::decoder {

Result<void> decode_import_section(Reader& r, Context& ctx) {
  Module& m = ctx.module;
  WEFT_TRY(uint32_t n, r.count(1));
  for (uint32_t i = 0; i < n; ++i) {
    ctx.at("import", i);
    Import imp;
    WEFT_TRY(imp.module, r.name());
    WEFT_TRY(imp.name, r.name());
    size_t kind_at = r.offset();
    WEFT_TRY(uint8_t kind, r.u8());
    size_t desc_at = r.offset();
    switch (kind) {
      case 0: {
        WEFT_TRY(imp.func_type, r.u32());
        check_type_index(imp.func_type, desc_at, ctx, "function import " + std::to_string(i));
        m.func_types.push_back(imp.func_type);
        ++m.imported_funcs;
        break;
      }
      case 1: {
        WEFT_TRY(imp.table, read_table_type(r, ctx.features));
        add_table(imp.table, desc_at, ctx);
        ++m.imported_tables;
        break;
      }
      case 2: {
        WEFT_TRY(imp.memory, read_memory_type(r));
        add_memory(imp.memory, desc_at, ctx);
        ++m.imported_memories;
        break;
      }
      case 3: {
        WEFT_TRY(imp.global, read_global_type(r, ctx.features));
        m.global_types.push_back(imp.global);
        ++m.imported_globals;
        break;
      }
      default:
        return r.error_at(kind_at, "malformed import kind " + hex(kind) +
                                       ": expected 0 (func), 1 (table), 2 (memory) or 3 (global)");
    }
    imp.kind = static_cast<ExternKind>(kind);
    m.imports.push_back(std::move(imp));
  }
  return {};
}

}  // namespace weft::wasm::decoder

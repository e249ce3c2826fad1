// weft: the export section and the start section.
// https://webassembly.github.io/spec/core/binary/modules.html#export-section
// https://webassembly.github.io/spec/core/valid/modules.html#exports
#include <string_view>
#include <unordered_set>

#include "wasm/decoder_internal.hpp"

namespace weft::wasm::decoder {
namespace {

/// The size of the index space an export of `kind` names.
size_t index_space_size(const Module& m, ExternKind kind) {
  switch (kind) {
    case ExternKind::func: return m.func_types.size();
    case ExternKind::table: return m.tables.size();
    case ExternKind::memory: return m.memories.size();
    case ExternKind::global: return m.global_types.size();
  }
  return 0;
}

std::string_view kind_word(ExternKind kind) {
  switch (kind) {
    case ExternKind::func: return "function";
    case ExternKind::table: return "table";
    case ExternKind::memory: return "memory";
    case ExternKind::global: return "global";
  }
  return "?";
}

}  // namespace

Result<void> decode_export_section(Reader& r, Context& ctx) {
  Module& m = ctx.module;
  WEFT_TRY(uint32_t n, r.count(1));
  std::vector<size_t> offsets;
  for (uint32_t i = 0; i < n; ++i) {
    ctx.at("export", i);
    offsets.push_back(r.offset());
    Export e;
    WEFT_TRY(e.name, r.name());
    size_t kind_at = r.offset();
    WEFT_TRY(uint8_t kind, r.u8());
    if (kind > 3)
      return r.error_at(kind_at, "malformed export kind " + hex(kind) +
                                     ": expected 0 (func), 1 (table), 2 (memory) or 3 (global)");
    e.kind = static_cast<ExternKind>(kind);
    size_t index_at = r.offset();
    WEFT_TRY(e.index, r.u32());
    size_t space = index_space_size(m, e.kind);
    if (e.index >= space)
      ctx.invalid(index_at, "unknown " + std::string(kind_word(e.kind)) + " " +
                                std::to_string(e.index) + ": export \"" + e.name + "\" names " +
                                std::string(kind_word(e.kind)) + " " + std::to_string(e.index) +
                                " but the module has " + std::to_string(space));
    m.exports.push_back(std::move(e));
  }
  // m.exports no longer changes, so views of its names stay valid.
  std::unordered_set<std::string_view> names;
  for (size_t i = 0; i < m.exports.size(); ++i)
    if (!names.insert(m.exports[i].name).second)
      ctx.invalid(offsets[i], "duplicate export name \"" + m.exports[i].name + "\"");
  return {};
}

Result<void> decode_start_section(Reader& r, Context& ctx) {
  Module& m = ctx.module;
  size_t at = r.offset();
  WEFT_TRY(uint32_t index, r.u32());
  m.start = index;
  if (index >= m.func_types.size()) {
    ctx.invalid(at, "unknown function " + std::to_string(index) + ": the start function index " +
                        "is beyond the " + std::to_string(m.func_types.size()) + " functions");
    return {};
  }
  uint32_t type_index = m.func_types[index];
  if (type_index >= m.types.size()) return {};  // already reported as an unknown type
  const FuncType& t = m.types[type_index];
  if (!t.params.empty() || !t.results.empty())
    ctx.invalid(at, "start function " + std::to_string(index) + " must have type [] -> [], not " +
                        t.to_string());
  return {};
}

}  // namespace weft::wasm::decoder

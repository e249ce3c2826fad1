// weft: limits, table and memory types, the table and memory sections.
// https://webassembly.github.io/spec/core/binary/types.html#limits
// https://webassembly.github.io/spec/core/valid/types.html#limits
#include "wasm/decoder_internal.hpp"

namespace weft::wasm::decoder {
namespace {

constexpr uint64_t max_memory_pages = 65536;

/// Limits: a flags byte (0: min only, 1: min and max), then u32 min and max. The reference
/// interpreter reads the flags as a one-bit LEB128, hence its wording for the other bytes.
Result<Limits> read_limits(Reader& r) {
  size_t at = r.offset();
  WEFT_TRY(uint8_t flags, r.u8());
  if (flags & 0x80)
    return r.error_at(at,
                      "integer representation too long: limits flags must be the single "
                      "byte 0x00 or 0x01");
  if (flags > 1)
    return r.error_at(at, "integer too large: malformed limits flags " + hex(flags) +
                              ", expected 0x00 (no maximum) or 0x01 (with maximum)");
  Limits limits;
  WEFT_TRY(uint32_t min, r.u32());
  limits.min = min;
  if (flags == 1) {
    WEFT_TRY(uint32_t max, r.u32());
    limits.max = max;
  }
  return limits;
}

bool min_within_max(const Limits& l) { return !l.max || l.min <= *l.max; }

std::string min_max_message(const Limits& l, std::string_view what) {
  return "size minimum must not be greater than maximum: " + std::string(what) + " has minimum " +
         std::to_string(l.min) + " and maximum " + std::to_string(*l.max);
}

}  // namespace

Result<TableType> read_table_type(Reader& r, const Features& features) {
  TableType t;
  WEFT_TRY(t.element, read_reftype(r, features));
  WEFT_TRY(t.limits, read_limits(r));
  return t;
}

Result<MemoryType> read_memory_type(Reader& r) {
  MemoryType t;
  WEFT_TRY(t.limits, read_limits(r));
  return t;
}

void add_table(const TableType& type, size_t offset, Context& ctx) {
  Module& m = ctx.module;
  std::string what = indexed("table", m.tables.size());
  if (!min_within_max(type.limits)) ctx.invalid(offset, min_max_message(type.limits, what));
  if (!m.tables.empty() && !ctx.features.reference_types)
    ctx.invalid(offset, "multiple tables: " + what +
                            " is a second table, which needs the reference_types feature");
  m.tables.push_back(type);
}

void add_memory(const MemoryType& type, size_t offset, Context& ctx) {
  Module& m = ctx.module;
  std::string what = indexed("memory", m.memories.size());
  const Limits& l = type.limits;
  if (l.min > max_memory_pages || (l.max && *l.max > max_memory_pages))
    ctx.invalid(offset, "memory size must be at most 65536 pages (4GiB): " + what + " has limits " +
                            std::to_string(l.min) +
                            (l.max ? ".." + std::to_string(*l.max) : std::string()));
  else if (!min_within_max(l))
    ctx.invalid(offset, min_max_message(l, what));
  if (!m.memories.empty())
    ctx.invalid(offset,
                "multiple memories: " + what + " is a second memory; WebAssembly 2.0 allows one");
  m.memories.push_back(type);
}

Result<void> decode_table_section(Reader& r, Context& ctx) {
  WEFT_TRY(uint32_t n, r.count(1));
  for (uint32_t i = 0; i < n; ++i) {
    ctx.at("table", i);
    size_t at = r.offset();
    WEFT_TRY(TableType t, read_table_type(r, ctx.features));
    add_table(t, at, ctx);
  }
  return {};
}

Result<void> decode_memory_section(Reader& r, Context& ctx) {
  WEFT_TRY(uint32_t n, r.count(1));
  for (uint32_t i = 0; i < n; ++i) {
    ctx.at("memory", i);
    size_t at = r.offset();
    WEFT_TRY(MemoryType t, read_memory_type(r));
    add_memory(t, at, ctx);
  }
  return {};
}

}  // namespace weft::wasm::decoder

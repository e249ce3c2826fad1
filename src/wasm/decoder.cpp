// weft: the binary decoder's entry point: header, section loop and order, final cross-checks.
// https://webassembly.github.io/spec/core/binary/modules.html#binary-module
#include <cstdio>
#include <span>
#include <string>

#include "wasm/decoder_internal.hpp"

namespace weft::wasm {
namespace decoder {

std::string hex(uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(value));
  return buf;
}

std::string indexed(std::string_view what, uint64_t index) {
  return std::string(what) + " " + std::to_string(index);
}

namespace {

constexpr uint8_t custom_id = 0;
constexpr uint8_t data_count_id = 12;

std::string_view section_name(uint8_t id) {
  switch (id) {
    case 0: return "custom";
    case 1: return "type";
    case 2: return "import";
    case 3: return "function";
    case 4: return "table";
    case 5: return "memory";
    case 6: return "global";
    case 7: return "export";
    case 8: return "start";
    case 9: return "element";
    case 10: return "code";
    case 11: return "data";
    case 12: return "data count";
  }
  return "unknown";
}

/// Position of a non-custom section in the required order; the data count section (12) sits
/// between the element (9) and code (10) sections.
int section_rank(uint8_t id) {
  if (id == data_count_id) return 10;
  if (id >= 10) return id + 1;
  return id;
}

Result<void> decode_custom_section(Reader& r, Context& ctx) {
  ctx.at("custom section name", 0);
  CustomSection custom;
  WEFT_TRY(custom.name, r.name());
  custom.offset = r.offset();
  custom.size = r.remaining();
  WEFT_TRY_VOID(r.skip(r.remaining()));
  ctx.module.customs.push_back(std::move(custom));
  return {};
}

Result<void> decode_section_contents(uint8_t id, Reader& r, Context& ctx) {
  switch (id) {
    case 0: return decode_custom_section(r, ctx);
    case 1: return decode_type_section(r, ctx);
    case 2: return decode_import_section(r, ctx);
    case 3: return decode_function_section(r, ctx);
    case 4: return decode_table_section(r, ctx);
    case 5: return decode_memory_section(r, ctx);
    case 6: return decode_global_section(r, ctx);
    case 7: return decode_export_section(r, ctx);
    case 8: return decode_start_section(r, ctx);
    case 9: return decode_element_section(r, ctx);
    case 10: return decode_code_section(r, ctx);
    case 11: return decode_data_section(r, ctx);
    case 12: return decode_data_count_section(r, ctx);
  }
  return r.error("malformed section id " + std::to_string(id));
}

/// Adds where a malformed error happened. Inside a section, running out of bytes is running
/// out of the section (the reference interpreter's "unexpected end of section or function").
Error in_section(Error e, uint8_t id, const Context& ctx) {
  constexpr std::string_view short_end = "unexpected end";
  constexpr std::string_view long_end = "unexpected end of section or function";
  if (e.message.starts_with(short_end) && !e.message.starts_with(long_end))
    e.message = std::string(long_end) + e.message.substr(short_end.size());
  e.message += " (in the " + std::string(section_name(id)) + " section";
  if (ctx.item) e.message += ", " + indexed(ctx.item, ctx.item_index);
  e.message += ")";
  return e;
}

Result<void> decode_header(Reader& r) {
  static constexpr uint8_t magic[4] = {0x00, 0x61, 0x73, 0x6D};
  static constexpr uint8_t version[4] = {0x01, 0x00, 0x00, 0x00};
  if (r.remaining() < 4) return r.error("unexpected end: a module starts with 8 header bytes");
  WEFT_TRY(auto m, r.bytes(4));
  if (!std::equal(m.begin(), m.end(), magic))
    return r.error_at(0, "magic header not detected: a binary module starts with \\0asm");
  if (r.remaining() < 4) return r.error("unexpected end: the binary version is missing");
  WEFT_TRY(auto v, r.bytes(4));
  if (!std::equal(v.begin(), v.end(), version))
    return r.error_at(4, "unknown binary version: expected 1 (01 00 00 00)");
  return {};
}

/// The checks the spec's binary format makes once every section has been read.
Result<void> check_section_counts(const Module& m, size_t end_offset) {
  size_t defined = m.func_types.size() - m.imported_funcs;
  if (defined != m.bodies.size())
    return fail(ErrorKind::malformed,
                "function and code section have inconsistent lengths: " + std::to_string(defined) +
                    " functions declared, " + std::to_string(m.bodies.size()) + " bodies",
                end_offset);
  if (m.data_count && *m.data_count != m.datas.size())
    return fail(ErrorKind::malformed,
                "data count and data section have inconsistent lengths: data count " +
                    std::to_string(*m.data_count) + ", " + std::to_string(m.datas.size()) +
                    " data segments",
                end_offset);
  return {};
}

void mark_refs(const ConstExpr& e, std::vector<bool>& declared) {
  for (const ConstInstr& in : e.instrs)
    if (in.op == Op::ref_func && in.value < declared.size()) declared[in.value] = true;
}

/// C.refs: the functions that ref.func may name in a body.
void compute_declared_funcs(Module& m) {
  m.declared_funcs.assign(m.func_types.size(), false);
  for (const Global& g : m.globals) mark_refs(g.init, m.declared_funcs);
  for (const ElemSegment& seg : m.elems) {
    mark_refs(seg.offset, m.declared_funcs);
    for (const ConstExpr& item : seg.items) mark_refs(item, m.declared_funcs);
  }
  for (const Export& e : m.exports)
    if (e.kind == ExternKind::func && e.index < m.declared_funcs.size())
      m.declared_funcs[e.index] = true;
}

Result<void> decode_sections(Reader& r, Context& ctx) {
  Module& m = ctx.module;
  int last_rank = 0;
  uint8_t last_id = 0;
  while (!r.at_end()) {
    size_t id_offset = r.offset();
    WEFT_TRY(uint8_t id, r.u8());
    if (id > 12 || (id == data_count_id && !ctx.features.bulk_memory))
      return r.error_at(id_offset, "malformed section id " + std::to_string(id));
    size_t size_offset = r.offset();
    WEFT_TRY(uint32_t size, r.u32());
    if (size > r.remaining())
      return r.error_at(size_offset, "length out of bounds: " + std::string(section_name(id)) +
                                         " section of " + std::to_string(size) + " bytes but " +
                                         std::to_string(r.remaining()) + " left");
    if (id != custom_id) {
      if (section_rank(id) <= last_rank)
        return r.error_at(id_offset, "unexpected content after last section: the " +
                                         std::string(section_name(id)) +
                                         " section cannot follow the " +
                                         std::string(section_name(last_id)) +
                                         " section (each section appears at most once, in order)");
      last_rank = section_rank(id);
      last_id = id;
    }
    size_t contents = r.offset();
    m.sections.push_back(SectionRecord{id, contents, size});
    Reader sub(std::span<const uint8_t>(m.bytes).subspan(contents, size), contents);
    ctx.item = nullptr;
    auto decoded = decode_section_contents(id, sub, ctx);
    if (!decoded) return fail(in_section(std::move(decoded).error(), id, ctx));
    if (!sub.at_end())
      return sub.error("section size mismatch: the " + std::string(section_name(id)) +
                       " section has " + std::to_string(sub.remaining()) +
                       " bytes left after its contents");
    WEFT_TRY_VOID(r.skip(size));
  }
  return {};
}

}  // namespace
}  // namespace decoder

Result<Module> decode_module(std::span<const uint8_t> bytes, const Features& features) {
  Module m;
  m.bytes.assign(bytes.begin(), bytes.end());
  decoder::Context ctx{m, features, std::nullopt, nullptr, 0};
  Reader r(m.bytes);
  WEFT_TRY_VOID(decoder::decode_header(r));
  WEFT_TRY_VOID(decoder::decode_sections(r, ctx));
  WEFT_TRY_VOID(decoder::check_section_counts(m, m.bytes.size()));
  if (ctx.first_invalid) return fail(std::move(*ctx.first_invalid));
  decoder::compute_declared_funcs(m);
  return m;
}

}  // namespace weft::wasm

// weft: what a compiled Module declares: imports, exports, sections.
#include "interp/disassemble.hpp"
#include "runtime/instantiate.hpp"
#include "runtime/objects.hpp"

namespace weft {

namespace {

/// Names of the known sections, by id.
/// https://webassembly.github.io/spec/core/binary/modules.html#sections
const char* section_name(uint8_t id) {
  static const char* const names[] = {"custom", "type",   "import",   "function", "table",
                                      "memory", "global", "export",   "start",    "element",
                                      "code",   "data",   "datacount"};
  return id < std::size(names) ? names[id] : "unknown";
}

}  // namespace

std::vector<ImportDesc> Module::imports() const {
  std::vector<ImportDesc> out;
  if (!m_data) return out;
  const wasm::Module& m = m_data->module;
  out.reserve(m.imports.size());
  for (size_t i = 0; i < m.imports.size(); ++i)
    out.push_back(ImportDesc{m.imports[i].module, m.imports[i].name, detail::import_type(m, i)});
  return out;
}

std::vector<ExportDesc> Module::exports() const {
  std::vector<ExportDesc> out;
  if (!m_data) return out;
  const wasm::Module& m = m_data->module;
  out.reserve(m.exports.size());
  for (const wasm::Export& e : m.exports)
    out.push_back(ExportDesc{e.name, detail::export_type(m, e)});
  return out;
}

std::vector<Module::SectionInfo> Module::sections() const {
  std::vector<SectionInfo> out;
  if (!m_data) return out;
  const wasm::Module& m = m_data->module;
  out.reserve(m.sections.size());
  for (const wasm::SectionRecord& s : m.sections) {
    std::string name = section_name(s.id);
    if (s.id == 0) {
      // A custom section's record spans its name too; its CustomSection starts after it.
      for (const wasm::CustomSection& c : m.customs) {
        if (c.offset >= s.offset && c.offset + c.size <= s.offset + s.size) {
          name = "custom:" + c.name;
          break;
        }
      }
    }
    out.push_back(SectionInfo{s.id, std::move(name), s.offset, s.size});
  }
  return out;
}

size_t Module::binary_size() const noexcept { return m_data->module.bytes.size(); }

std::string Module::lowered_code() const {
  std::string out;
  if (!m_data) return out;
  const wasm::Module& m = m_data->module;
  for (uint32_t i = 0; i < m_data->funcs.size(); ++i) {
    uint32_t index = m.imported_funcs + i;
    out += "func " + std::to_string(index);
    for (const wasm::Export& e : m.exports)
      if (e.kind == ExternKind::func && e.index == index) out += " \"" + e.name + "\"";
    out += ":\n";
    out += interp::disassemble(*m_data, i);
    out += "\n";
  }
  return out;
}

}  // namespace weft

// weft: a readable listing of lowered code.
#include "interp/disassemble.hpp"

#include <cstdio>

#include "interp/code.hpp"

namespace weft::interp {

namespace {
struct IOpInfo {
  std::string_view name;
  uint32_t operands;
};

constexpr uint32_t operands_of(wasm::Sig sig) {
  // simple: dst + params; load and store: three operands.
  switch (sig) {
#define WEFT_SIG(name, n, p0, p1, p2, r) \
  case wasm::Sig::name: return n + 1;
#include "wasm/signatures.def"
#undef WEFT_SIG
  }
  return 0;
}

const IOpInfo iop_infos[] = {
#define WEFT_INFO(name, sig, kind) \
  {#name, std::string_view(#kind) == "simple" ? operands_of(wasm::Sig::sig) : 3},
#define WEFT_OP(name, prefix, code, text, imm, sig, kind, feature) \
  WEFT_EXEC_##kind##_##feature(WEFT_INFO, name, sig)
#include "wasm/opcodes.def"
#undef WEFT_OP
#undef WEFT_INFO
#define WEFT_INFO_INTERNAL(name, operands) {#name, operands},
    WEFT_INTERNAL_OPS(WEFT_INFO_INTERNAL)
#define WEFT_FUSED(kind, T, a, b, x, name, n) {#name, n},
    WEFT_FUSED_OPS()
#undef WEFT_FUSED
#undef WEFT_INFO_INTERNAL
};
static_assert(std::size(iop_infos) == iop_count);
}  // namespace

std::string_view iop_name(IOp op) noexcept { return iop_infos[static_cast<size_t>(op)].name; }
uint32_t iop_operands(IOp op) noexcept { return iop_infos[static_cast<size_t>(op)].operands; }

std::string disassemble(const detail::ModuleData& data, uint32_t defined_index) {
  const FunctionCode& fc = data.funcs.at(defined_index);
  // The function's constant table follows its code.
  size_t end = fc.const_offset;

  std::string out;
  char line[160];
  std::snprintf(line, sizeof line, "; params %u slots, locals %u, constants %u, frame %u, results %u\n",
                fc.param_slots, fc.local_slots, fc.const_slots, fc.frame_slots, fc.result_slots);
  out += line;
  for (uint32_t i = 0; i < fc.const_slots; ++i) {
    uint64_t bits;
    std::memcpy(&bits, data.code.data() + fc.const_offset + 8 * i, 8);
    std::snprintf(line, sizeof line, "; s%u = 0x%llx\n", (fc.param_slots + fc.local_slots + i) * 8,
                  static_cast<unsigned long long>(bits));
    out += line;
  }
  size_t pc = fc.code_offset;
  while (pc + handler_size <= end) {
    const void* h;
    std::memcpy(&h, data.code.data() + pc, sizeof h);
    std::optional<IOp> found = handler_iop(h);
    if (!found) {
      std::snprintf(line, sizeof line, "%6zu: <bad handler>\n", pc - fc.code_offset);
      out += line;
      break;
    }
    IOp op = *found;
    uint32_t n = iop_operands(op);
    std::snprintf(line, sizeof line, "%6zu: %-20s", pc - fc.code_offset,
                  std::string(iop_name(op)).c_str());
    out += line;
    const uint8_t* p = data.code.data() + pc;
    const uint32_t immediates = handler_immediates(h);
    for (uint32_t i = 0; i < n; ++i) {
      // An immediate operand holds the constant itself: #value.
      std::snprintf(line, sizeof line, (immediates >> i) & 1 ? " #%d" : " %d", static_cast<int32_t>(read_operand(p, i)));
      out += line;
    }
    if (has_offset_table(op)) {
      // The fixed operands end with the count; the table of offsets follows.
      uint32_t count = read_operand(p, n - 1);
      out += " [";
      for (uint32_t i = 0; i <= count; ++i) {
        std::snprintf(line, sizeof line, "%s%d", i ? " " : "",
                      static_cast<int32_t>(read_operand(p, n + i)));
        out += line;
      }
      out += "]";
      n += count + 1;
    }
    out += "\n";
    pc += handler_size + operand_size * n;
  }
  return out;
}

}  // namespace weft::interp

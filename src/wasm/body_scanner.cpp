// weft: a decode-only pass over function bodies.
#include "wasm/body_scanner.hpp"

#include "wasm/instruction_reader.hpp"
#include "wasm/reader.hpp"

namespace weft::wasm {

Result<void> scan_body_syntax(const Module& module, const FunctionBody& body,
                              const Features& features) {
  Reader r(std::span<const uint8_t>(module.bytes.data() + body.code_offset,
                                    body.end_offset - body.code_offset),
           body.code_offset);
  uint64_t depth = 1;  // the function's own block
  while (depth > 0) {
    WEFT_TRY(Op op, read_opcode(r, features));
    WEFT_TRY_VOID(skip_immediates(r, op_info(op).imm, features));
    if (op == Op::block || op == Op::loop || op == Op::if_) ++depth;
    if (op == Op::end) --depth;
  }
  if (!r.at_end()) return r.error("section size mismatch: bytes after the function's end");
  return {};
}

}  // namespace weft::wasm

// weft: a readable listing of lowered code, for debugging and `weft inspect --code`.
#pragma once

#include <string>

#include "runtime/objects.hpp"

namespace weft::interp {

/// Lists the lowered code of defined function `defined_index` of a compiled module, one
/// instruction a line: its offset, handler name and operands (slots as s<N>).
std::string disassemble(const detail::ModuleData& data, uint32_t defined_index);

}  // namespace weft::interp

// weft: a decode-only pass over function bodies.
#pragma once

#include "wasm/module.hpp"

namespace weft::wasm {

/// Decodes the instructions of one body without validating them: opcodes, immediates and
/// block structure. Returns the first malformed error, if any. Validation and lowering run
/// in one pass; when that pass finds a body invalid, this decides whether the module is in
/// fact malformed, as it would be for an implementation that decodes the whole module first.
Result<void> scan_body_syntax(const Module& module, const FunctionBody& body,
                              const Features& features);

}  // namespace weft::wasm

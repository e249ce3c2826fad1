// weft spec runner: the `spectest` host module the testsuite imports.
#pragma once

#include "weft/weft.hpp"

namespace weft::spec {

/// Defines module "spectest" in `linker`, with its table, memory and globals created in
/// `store`: print, print_i32, print_i64, print_f32, print_f64, print_i32_f32, print_f64_f64
/// (all do nothing), global_i32 = 666, global_i64 = 666, global_f32 = 666.6,
/// global_f64 = 666.6, table (10 funcref, max 20), memory (1 page, max 2), as the reference
/// interpreter defines them.
Result<void> define_spectest(Store& store, Linker& linker);

}  // namespace weft::spec

// weft: tables of references.
// https://webassembly.github.io/spec/core/exec/runtime.html#table-instances
#include <new>

#include "runtime/objects.hpp"

namespace weft::detail {

uint64_t TableInst::grow(uint64_t delta, void* init) {
  const uint64_t old = elems.size();
  if (delta > limit || old > limit - delta) return UINT64_MAX;
  try {
    elems.resize(static_cast<size_t>(old + delta), init);
  } catch (const std::bad_alloc&) {
    return UINT64_MAX;  // table.grow reports failure to the guest instead of aborting
  }
  return old;
}

}  // namespace weft::detail

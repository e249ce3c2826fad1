// weft: linear memories. The whole range a memory may grow to is reserved at creation, so
// `base` never moves (the interpreter and host views may cache it); growing commits pages.
// https://webassembly.github.io/spec/core/exec/runtime.html#memory-instances
#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "runtime/objects.hpp"

namespace weft::detail {

namespace {

constexpr uint64_t page_bytes = 65536;
/// The most pages a 32-bit memory can address.
constexpr uint64_t max_pages32 = 65536;
/// Inaccessible bytes after the reservation's usable range. An access that starts in bounds
/// and runs past the end (an 8-byte load at size-4, say) faults here instead of touching a
/// neighbouring mapping.
constexpr uint64_t guard_bytes = 64 * 1024;

}  // namespace

MemoryInst::~MemoryInst() {
  if (base != nullptr) munmap(base, reserved);
}

Result<std::unique_ptr<MemoryInst>> MemoryInst::create(const MemoryType& type,
                                                       uint64_t limit_pages) {
  limit_pages = std::min(limit_pages, max_pages32);
  if (type.limits.max) limit_pages = std::min(limit_pages, *type.limits.max);
  const uint64_t min = type.limits.min;
  if (min > limit_pages) {
    return fail(ErrorKind::uninstantiable, "memory of " + std::to_string(min) +
                                               " pages exceeds the limit of " +
                                               std::to_string(limit_pages) + " pages");
  }
  const uint64_t reserve = limit_pages * page_bytes + guard_bytes;
  if (reserve > SIZE_MAX) {
    return fail(ErrorKind::uninstantiable, "cannot reserve " + std::to_string(reserve) +
                                               " bytes of address space for a memory");
  }
  void* p = mmap(nullptr, static_cast<size_t>(reserve), PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    int err = errno;
    return fail(ErrorKind::uninstantiable, "cannot reserve " + std::to_string(reserve) +
                                               " bytes of address space for a memory of up to " +
                                               std::to_string(limit_pages) +
                                               " pages: " + std::strerror(err));
  }
  auto mem = std::make_unique<MemoryInst>();
  mem->base = static_cast<uint8_t*>(p);
  mem->reserved = static_cast<size_t>(reserve);
  mem->max = type.limits.max;
  mem->limit_pages = limit_pages;
  if (min > 0 &&
      mprotect(mem->base, static_cast<size_t>(min * page_bytes), PROT_READ | PROT_WRITE) != 0) {
    int err = errno;
    return fail(ErrorKind::uninstantiable,
                "cannot commit " + std::to_string(min) + " pages of memory: " + std::strerror(err));
  }
  mem->pages = min;
  mem->size = min * page_bytes;
  return mem;
}

uint64_t MemoryInst::grow(uint64_t delta) noexcept {
  const uint64_t old = pages;
  if (delta > limit_pages - pages) return UINT64_MAX;
  if (delta == 0) return old;
  const uint64_t bytes = delta * page_bytes;
  if (mprotect(base + size, static_cast<size_t>(bytes), PROT_READ | PROT_WRITE) != 0)
    return UINT64_MAX;
  pages += delta;
  size += bytes;
  return old;
}

}  // namespace weft::detail

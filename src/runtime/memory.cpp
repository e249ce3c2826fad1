// weft: linear memories. The whole range a memory may grow to is reserved at creation, so
// `base` never moves (the interpreter and host views may cache it); growing commits pages.
// Reservations are pooled per engine: munmap of a 4 GiB range (freeing its page tables) was
// the largest cost of instantiating a small module, so a dead memory's range is emptied
// (MADV_DONTNEED), kept, and handed to the engine's next memory of the same reservation size.
// https://webassembly.github.io/spec/core/exec/runtime.html#memory-instances
#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

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
/// Reservations an engine keeps. A cached one holds address space but no memory (its pages
/// were discarded), so the bound is on address space: 32 unbounded memories are 128 GiB of
/// the 128 TiB a process has, and enough for a plugin pool's churn.
constexpr size_t max_cached_reservations = 32;

/// A reserved range: `accessible` bytes at its start are read-write, the rest PROT_NONE, and
/// every byte reads as zero.
struct Reservation {
  uint8_t* base = nullptr;
  size_t reserved = 0;
  size_t accessible = 0;
};

void unmap(const Reservation& r) noexcept { munmap(r.base, r.reserved); }

}  // namespace

class MemoryPool {
 public:
  MemoryPool() { m_free.reserve(max_cached_reservations); }
  MemoryPool(const MemoryPool&) = delete;
  MemoryPool& operator=(const MemoryPool&) = delete;
  ~MemoryPool() { close(); }

  /// The most recently released reservation of exactly `reserved` bytes (its pages are the
  /// likeliest to still have page tables), if any.
  std::optional<Reservation> take(size_t reserved) noexcept {
    std::lock_guard lock(m_mutex);
    for (size_t i = m_free.size(); i-- > 0;) {
      if (m_free[i].reserved != reserved) continue;
      Reservation r = m_free[i];
      m_free.erase(m_free.begin() + static_cast<std::ptrdiff_t>(i));
      return r;
    }
    return std::nullopt;
  }

  /// Keeps `r` (already zeroed) for reuse, or unmaps it when the pool is full or closed.
  void give(const Reservation& r) noexcept {
    {
      std::lock_guard lock(m_mutex);
      if (!m_closed && m_free.size() < max_cached_reservations) {
        m_free.push_back(r);  // never reallocates: capacity was reserved
        return;
      }
    }
    unmap(r);
  }

  /// Unmaps every cached reservation; with `close_for_good`, later ones are unmapped too.
  void drain(bool close_for_good) noexcept {
    std::array<Reservation, max_cached_reservations> cached;  // no allocation in noexcept
    size_t n = 0;
    {
      std::lock_guard lock(m_mutex);
      if (close_for_good) m_closed = true;
      for (const Reservation& r : m_free) cached[n++] = r;
      m_free.clear();  // keeps the capacity, so give() still never allocates
    }
    for (size_t i = 0; i < n; ++i) unmap(cached[i]);
  }
  void close() noexcept { drain(true); }

  size_t cached() const noexcept {
    std::lock_guard lock(m_mutex);
    return m_free.size();
  }

 private:
  mutable std::mutex m_mutex;
  std::vector<Reservation> m_free;
  bool m_closed = false;
};

std::shared_ptr<MemoryPool> new_memory_pool() { return std::make_shared<MemoryPool>(); }
void close_memory_pool(MemoryPool& pool) noexcept { pool.close(); }
size_t cached_memory_reservations(const MemoryPool& pool) noexcept { return pool.cached(); }

MemoryInst::~MemoryInst() {
  if (base == nullptr) return;
  Reservation r{base, reserved, static_cast<size_t>(size)};
  // MADV_DONTNEED on a private anonymous mapping frees the pages; the next access to them
  // maps the zero page, so the next owner sees a fresh memory and a cached range costs no RSS.
  if (pool && (r.accessible == 0 || madvise(r.base, r.accessible, MADV_DONTNEED) == 0)) {
    pool->give(r);
  } else {
    unmap(r);
  }
}

namespace {

/// Reserves `reserve` bytes, none accessible: from `pool` when it has a range of that size,
/// else from the kernel. Null with errno set when the kernel refuses.
std::optional<Reservation> reserve_range(MemoryPool* pool, size_t reserve) noexcept {
  if (pool != nullptr) {
    if (std::optional<Reservation> r = pool->take(reserve)) return r;
  }
  void* p = mmap(nullptr, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED && errno == ENOMEM && pool != nullptr && pool->cached() > 0) {
    // Cached ranges count against RLIMIT_AS and the kernel's map count: give them back and
    // try once more, so pooling never makes a reservation fail that would have succeeded.
    pool->drain(false);
    p = mmap(nullptr, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  }
  if (p == MAP_FAILED) return std::nullopt;
  return Reservation{static_cast<uint8_t*>(p), reserve, 0};
}

}  // namespace

Result<std::unique_ptr<MemoryInst>> MemoryInst::create(const MemoryType& type, uint64_t limit_pages,
                                                       const EngineImpl* engine) {
  limit_pages = std::min(limit_pages, max_pages32);
  if (type.limits.max) limit_pages = std::min(limit_pages, *type.limits.max);
  const uint64_t min = type.limits.min;
  if (min > limit_pages) {
    return fail(ErrorKind::uninstantiable, "memory of " + std::to_string(min) +
                                               " pages exceeds the limit of " +
                                               std::to_string(limit_pages) + " pages");
  }
  // With signal_traps the interpreter does not compare addresses with the size: whatever
  // the memory's limit, the reservation covers every address an access can form.
  const uint64_t reserve =
      (signal_traps ? std::max(limit_pages * page_bytes, signal_trap_reserve) : limit_pages * page_bytes) +
      guard_bytes;
  if (reserve > SIZE_MAX) {
    return fail(ErrorKind::uninstantiable, "cannot reserve " + std::to_string(reserve) +
                                               " bytes of address space for a memory");
  }
  MemoryPool* pool = engine != nullptr ? engine->memory_pool.get() : nullptr;
  std::optional<Reservation> r = reserve_range(pool, static_cast<size_t>(reserve));
  if (!r) {
    int err = errno;
    return fail(ErrorKind::uninstantiable, "cannot reserve " + std::to_string(reserve) +
                                               " bytes of address space for a memory of up to " +
                                               std::to_string(limit_pages) +
                                               " pages: " + std::strerror(err));
  }
  auto mem = std::make_unique<MemoryInst>();
  // From here the destructor owns the range (and returns it to the pool on failure too).
  mem->base = r->base;
  mem->reserved = r->reserved;
  mem->max = type.limits.max;
  mem->limit_pages = limit_pages;
  if (pool != nullptr) mem->pool = engine->memory_pool;
  // A reused range may be accessible further or less far than this memory's initial size:
  // its tail goes back to PROT_NONE (an access past the size must fault), or more is opened.
  const size_t want = static_cast<size_t>(min * page_bytes);
  const size_t have = r->accessible;
  int rc = 0;
  if (have > want) rc = mprotect(mem->base + want, have - want, PROT_NONE);
  if (have < want) rc = mprotect(mem->base + have, want - have, PROT_READ | PROT_WRITE);
  if (rc != 0) {
    int err = errno;
    mem->pool.reset();  // a range in an unknown state is unmapped, not reused
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

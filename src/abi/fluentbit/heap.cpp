// GuestHeap: malloc in a guest's memory with host-side bookkeeping (first fit over a
// coalescing free map). Requests are small and short-lived (an event's buffers), so the
// free map stays short and first fit is cheap.
#include "abi/fluentbit/fluentbit.hpp"

namespace weft::events::fluentbit {

namespace {
constexpr uint64_t k_page = 65536;
uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }
}  // namespace

void GuestHeap::reset() {
  m_free.clear();
  m_used.clear();
}

void GuestHeap::insert_free(uint64_t begin, uint64_t size) {
  if (size == 0) return;
  auto next = m_free.lower_bound(begin);
  if (next != m_free.end() && begin + size == next->first) {
    size += next->second;
    next = m_free.erase(next);
  }
  if (next != m_free.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == begin) {
      prev->second += size;
      return;
    }
  }
  m_free.emplace(begin, size);
}

void GuestHeap::add_region(uint64_t begin, uint64_t end) {
  begin = align_up(begin, k_align);
  end = end / k_align * k_align;
  // Addresses are i32 in the guest: nothing at or above 4 GiB.
  end = std::min<uint64_t>(end, uint64_t(1) << 32);
  if (begin < end) insert_free(begin, end - begin);
}

std::optional<uint32_t> GuestHeap::alloc(const Memory& memory, uint32_t n) {
  uint64_t size = align_up(std::max<uint64_t>(n, 1), k_align);
  for (int attempt = 0; attempt < 2; ++attempt) {
    for (auto it = m_free.begin(); it != m_free.end(); ++it) {
      if (it->second < size) continue;
      uint64_t start = it->first, left = it->second - size;
      m_free.erase(it);
      if (left) m_free.emplace(start + size, left);
      m_used.emplace(uint32_t(start), uint32_t(size));
      return uint32_t(start);
    }
    if (attempt == 1) break;
    // Nothing fits: take enough new pages for the request on its own (they coalesce with a
    // free span ending at the old end of the memory, if any).
    uint64_t pages = align_up(size, k_page) / k_page;
    auto old = memory.grow(pages);
    if (!old) return std::nullopt;
    add_region(*old * k_page, (*old + pages) * k_page);
  }
  return std::nullopt;
}

bool GuestHeap::free(uint32_t p) {
  auto it = m_used.find(p);
  if (it == m_used.end()) return false;
  uint64_t size = it->second;
  m_used.erase(it);
  insert_free(p, size);
  return true;
}

std::optional<uint32_t> GuestHeap::block_size(uint32_t p) const {
  auto it = m_used.find(p);
  if (it == m_used.end()) return std::nullopt;
  return it->second;
}

void State::sync(uint64_t instance_generation, const Memory& memory,
                 std::optional<Global> heap_base) {
  if (instance_generation == generation) return;
  generation = instance_generation;
  heap.reset();
  pending_output.clear();
  if (mode == AllocMode::env_heap && heap_base && heap_base->type().type == ValType::i32) {
    // As WAMR's libc-builtin heap: from __heap_base to the end of the initial memory.
    uint64_t base = uint32_t(heap_base->get().i32());
    if (base < memory.size_bytes()) heap.add_region(base, memory.size_bytes());
  }
}

}  // namespace weft::events::fluentbit

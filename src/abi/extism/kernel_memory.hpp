// The Extism kernel's memory: plugin data (input, output, errors, config values, vars,
// anything the guest allocates with `alloc`) kept by the host, apart from the guest's linear
// memory. A handle is the offset of a block's first byte; offset 0 is never a block, so 0
// means "none". load/store take any offset inside the memory (handle + i).
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <span>
#include <vector>

namespace weft::extism {

class KernelMemory {
 public:
  /// `limit`: the most bytes the memory may hold (0: no limit).
  explicit KernelMemory(uint64_t limit = 0) : m_limit(limit) { reset(); }

  void set_limit(uint64_t limit) { m_limit = limit; }
  /// Frees every block, input, output and error included (between calls).
  void reset() {
    m_bytes.assign(k_base, 0);
    m_blocks.clear();
    m_free.clear();
  }

  /// A new block of `n` bytes (zeroed), or 0 when n is 0 or the limit is reached.
  uint64_t alloc(uint64_t n) {
    if (n == 0) return 0;
    // First fit among freed blocks; the block keeps its capacity, its length becomes n.
    for (auto it = m_free.begin(); it != m_free.end(); ++it) {
      if (it->second >= n) {
        uint64_t off = it->first;
        uint64_t cap = it->second;
        m_free.erase(it);
        m_blocks[off] = Block{n, cap};
        std::memset(m_bytes.data() + off, 0, cap);
        return off;
      }
    }
    uint64_t cap = (n + 7) & ~uint64_t{7};
    uint64_t off = m_bytes.size();
    if (cap < n || off + cap < off) return 0;
    if (m_limit && off + cap > m_limit) return 0;
    if (off + cap > (uint64_t{1} << 40)) return 0;
    m_bytes.resize(off + cap, 0);
    m_blocks[off] = Block{n, cap};
    return off;
  }
  uint64_t alloc_bytes(std::span<const uint8_t> data) {
    if (data.empty()) return 0;
    uint64_t h = alloc(data.size());
    if (h) std::memcpy(m_bytes.data() + h, data.data(), data.size());
    return h;
  }
  /// Frees a live block; anything else (0, freed, not a block start) is ignored.
  void free(uint64_t handle) {
    auto it = m_blocks.find(handle);
    if (it == m_blocks.end()) return;
    m_free[handle] = it->second.capacity;
    m_blocks.erase(it);
  }
  bool live(uint64_t handle) const { return m_blocks.count(handle) != 0; }
  /// The length of live block `handle`, or 0.
  uint64_t length(uint64_t handle) const {
    auto it = m_blocks.find(handle);
    return it == m_blocks.end() ? 0 : it->second.length;
  }
  /// The bytes [offset, offset+n), if inside the memory.
  std::optional<std::span<uint8_t>> view(uint64_t offset, uint64_t n) {
    if (offset > m_bytes.size() || n > m_bytes.size() - offset) return std::nullopt;
    return std::span<uint8_t>(m_bytes.data() + offset, n);
  }
  std::vector<uint8_t> block(uint64_t handle) const {
    uint64_t n = length(handle);
    if (!n) return {};
    return std::vector<uint8_t>(m_bytes.begin() + long(handle), m_bytes.begin() + long(handle + n));
  }
  uint64_t size() const noexcept { return m_bytes.size(); }

 private:
  static constexpr uint64_t k_base = 8;  // offsets 0..7 are never blocks
  struct Block {
    uint64_t length;
    uint64_t capacity;
  };
  uint64_t m_limit = 0;
  std::vector<uint8_t> m_bytes;
  std::map<uint64_t, Block> m_blocks;
  std::map<uint64_t, uint64_t> m_free;  // offset -> capacity
};

}  // namespace weft::extism

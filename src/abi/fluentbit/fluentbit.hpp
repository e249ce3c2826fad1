// The Fluent Bit filter ABI's internals, shared by the adapter (adapter.cpp), the host-side
// heap (heap.cpp) and the `env` libc set (env.cpp). See docs/abi/fluentbit.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "weft/events.hpp"

namespace weft::events::fluentbit {

/// A malloc heap in a guest's linear memory whose bookkeeping lives on the host, so a guest
/// that writes past its blocks corrupts its own data but never the allocator. Regions are
/// whole spans of the memory handed over with add_region(); when none fits a request, the
/// heap grows the memory and takes the new pages. Blocks are 16-byte aligned (clang's
/// wasm32 __BIGGEST_ALIGNMENT__).
class GuestHeap {
 public:
  static constexpr uint32_t k_align = 16;

  /// Forgets every block and region (the instance, and its memory, were replaced).
  void reset();
  /// Hands [begin, end) over to the heap (aligned inwards).
  void add_region(uint64_t begin, uint64_t end);
  /// A block of at least `n` bytes (n == 0 gives a minimal block), growing `memory` when no
  /// free span fits; nothing when the memory cannot grow that far.
  std::optional<uint32_t> alloc(const Memory& memory, uint32_t n);
  /// Frees the block at `p`; false when `p` is not the start of a live block.
  bool free(uint32_t p);
  /// The usable size of the live block at `p`, if there is one.
  std::optional<uint32_t> block_size(uint32_t p) const;
  size_t live_blocks() const noexcept { return m_used.size(); }

 private:
  void insert_free(uint64_t begin, uint64_t size);
  std::map<uint64_t, uint64_t> m_free;            ///< start -> size, coalesced
  std::unordered_map<uint32_t, uint32_t> m_used;  ///< start -> size
};

/// Where the guest's buffers come from.
enum class AllocMode : uint8_t {
  guest_malloc,  ///< the guest exports malloc (and maybe free): its own allocator
  env_heap,      ///< the guest imports env.malloc: GuestHeap from __heap_base
  host_heap,     ///< neither: GuestHeap in pages the host adds to the memory
};

/// Per-plugin state, reached by the env functions through CurrentPlugin::abi_state().
struct State {
  Plugin* plugin = nullptr;
  AllocMode mode = AllocMode::host_heap;
  bool guest_free = false;  ///< guest_malloc mode: the guest also exports free
  /// The instance generation `heap` describes; another value means it must be made again.
  uint64_t generation = ~uint64_t(0);
  GuestHeap heap;
  /// printf/puts/putchar output not yet ended by a newline.
  std::string pending_output;

  /// Resets the heap if the instance changed: its region starts at the exported
  /// `__heap_base` (env heap), or is empty and grows on demand (host heap, or no
  /// __heap_base).
  void sync(uint64_t instance_generation, const Memory& memory, std::optional<Global> heap_base);
};

/// The `env` host functions (libc set of WAMR's libc-builtin) over State.
void add_env_functions(std::vector<PluginHostFunction>& out);

/// Sends a line the guest printed to the log sink of the plugin owning `store`, at info.
void emit_output(Store& store, std::string_view line);
/// Flushes State::pending_output (a last line without a newline) to the log.
void flush_output(State& state);

}  // namespace weft::events::fluentbit

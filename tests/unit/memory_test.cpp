// Tests of linear memories: reservation, growth within the declared and the engine's limits,
// zero-page memories, bounds-checked host views, failures reported as errors, and the engine's
// pool of reservations (a reused memory is indistinguishable from a fresh one).
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <thread>
#include <vector>

#include "runtime/objects.hpp"
#include "weft/weft.hpp"

using weft::Limits;
using weft::MemoryType;
using weft::detail::cached_memory_reservations;
using weft::detail::MemoryInst;

namespace {

constexpr uint64_t page = 65536;

std::unique_ptr<MemoryInst> make(uint64_t min, std::optional<uint64_t> max,
                                 uint64_t limit = 65536) {
  auto r = MemoryInst::create(MemoryType{Limits{min, max}}, limit);
  EXPECT_TRUE(r.has_value()) << r.error().to_string();
  return r ? std::move(*r) : nullptr;
}

/// A memory created through `engine`'s pool.
std::unique_ptr<MemoryInst> make_pooled(const weft::Engine& engine, uint64_t min,
                                        std::optional<uint64_t> max, uint64_t limit = 65536) {
  auto r = MemoryInst::create(MemoryType{Limits{min, max}}, limit, &engine.impl());
  EXPECT_TRUE(r.has_value()) << r.error().to_string();
  return r ? std::move(*r) : nullptr;
}

size_t cached(const weft::Engine& engine) {
  return cached_memory_reservations(*engine.impl().memory_pool);
}

/// True when every byte of [p, p + n) is zero.
bool all_zero(const uint8_t* p, uint64_t n) {
  for (uint64_t i = 0; i < n; ++i)
    if (p[i] != 0) return false;
  return true;
}

/// This process's resident set, in bytes.
uint64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

/// Caps this process's address space (used in a death-test child only).
void limit_address_space(rlim_t bytes) {
  rlimit lim{bytes, bytes};
  setrlimit(RLIMIT_AS, &lim);
}

}  // namespace

TEST(memory, create_commits_min_pages_zeroed) {
  auto m = make(2, 5);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->pages, 2u);
  EXPECT_EQ(m->size, 2 * page);
  EXPECT_EQ(m->limit_pages, 5u);
  EXPECT_EQ(m->max, std::optional<uint64_t>(5));
  EXPECT_GE(m->reserved, 5 * page + 64 * 1024);
  for (uint64_t i = 0; i < m->size; i += 4096) EXPECT_EQ(m->base[i], 0);
  m->base[0] = 1;
  m->base[m->size - 1] = 2;
  EXPECT_EQ(m->base[m->size - 1], 2);
}

TEST(memory, grow_returns_old_size_and_keeps_base) {
  auto m = make(1, 3);
  ASSERT_TRUE(m);
  uint8_t* base = m->base;
  m->base[7] = 42;
  EXPECT_EQ(m->grow(1), 1u);
  EXPECT_EQ(m->base, base);
  EXPECT_EQ(m->base[7], 42);
  EXPECT_EQ(m->pages, 2u);
  EXPECT_EQ(m->size, 2 * page);
  EXPECT_EQ(m->base[2 * page - 1], 0);  // the new page is committed and zero
  m->base[2 * page - 1] = 9;
  EXPECT_EQ(m->grow(2), UINT64_MAX);  // 4 > max 3
  EXPECT_EQ(m->pages, 2u);
  EXPECT_EQ(m->grow(1), 2u);
  EXPECT_EQ(m->grow(0), 3u);
  EXPECT_EQ(m->grow(1), UINT64_MAX);
  EXPECT_EQ(m->size, 3 * page);
}

TEST(memory, grow_is_capped_by_the_engine_limit) {
  auto m = make(1, std::nullopt, 4);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->limit_pages, 4u);
  EXPECT_EQ(m->grow(4), UINT64_MAX);
  EXPECT_EQ(m->grow(3), 1u);
  EXPECT_EQ(m->pages, 4u);
}

TEST(memory, declared_max_below_engine_limit_wins) {
  auto m = make(0, 2, 10);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->limit_pages, 2u);
}

TEST(memory, grow_by_huge_deltas_fails_without_overflow) {
  auto m = make(1, std::nullopt);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->grow(UINT64_MAX), UINT64_MAX);
  EXPECT_EQ(m->grow(UINT64_MAX - 1), UINT64_MAX);
  EXPECT_EQ(m->grow(65536), UINT64_MAX);  // 65537 > 65536
  EXPECT_EQ(m->pages, 1u);
}

TEST(memory, unbounded_memory_reserves_4gib_and_grows_to_its_end) {
  auto m = make(0, std::nullopt);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->limit_pages, 65536u);
  EXPECT_GE(m->reserved, 65536 * page + 64 * 1024);
  EXPECT_EQ(m->grow(65536), 0u);  // commits 4 GiB of address space, touches none of it
  EXPECT_EQ(m->size, 65536 * page);
  m->base[m->size - 1] = 1;
  EXPECT_EQ(m->grow(1), UINT64_MAX);
}

TEST(memory, zero_page_memory_works) {
  auto m = make(0, 0);
  ASSERT_TRUE(m);
  EXPECT_NE(m->base, nullptr);
  EXPECT_EQ(m->size, 0u);
  EXPECT_EQ(m->grow(0), 0u);
  EXPECT_EQ(m->grow(1), UINT64_MAX);

  auto g = make(0, std::nullopt, 2);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->grow(1), 0u);
  g->base[page - 1] = 3;
  EXPECT_EQ(g->base[page - 1], 3);
}

TEST(memory, min_above_limit_is_an_error) {
  auto r = MemoryInst::create(MemoryType{Limits{5, std::nullopt}}, 4);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, weft::ErrorKind::uninstantiable);
  EXPECT_NE(r.error().message.find("exceeds the limit of 4 pages"), std::string::npos)
      << r.error().message;
}

TEST(memory, failed_reservation_is_an_error_not_a_crash) {
  // In a child process: cap the address space so the 4 GiB reservation (8 GiB with
  // signal_traps, whatever the limit) cannot succeed.
  const uint64_t reserve =
      (weft::detail::signal_traps ? weft::detail::signal_trap_reserve : uint64_t{65536} * 65536) + 65536;
  EXPECT_EXIT(
      {
        limit_address_space(rlim_t{512} << 20);
        auto r = MemoryInst::create(MemoryType{Limits{1, std::nullopt}}, 65536);
        if (r.has_value()) std::_Exit(1);
        std::fprintf(stderr, "%s\n", r.error().to_string().c_str());
        std::_Exit(r.error().kind == weft::ErrorKind::uninstantiable ? 0 : 2);
      },
      ::testing::ExitedWithCode(0), "cannot reserve " + std::to_string(reserve) + " bytes of address space");
}

TEST(memory, access_past_the_end_faults_in_the_guard) {
  auto m = make(1, 1);
  ASSERT_TRUE(m);
  volatile uint8_t* p = m->base + m->size;
  EXPECT_DEATH(*p = 1, "");
}

// ---- the public handle --------------------------------------------------------------

TEST(memory, view_and_read_string_are_bounds_checked) {
  weft::Engine engine;
  weft::Store store(engine);
  auto mem = store.create_memory(MemoryType{Limits{1, 2}});
  ASSERT_TRUE(mem.has_value()) << mem.error().to_string();
  std::memcpy(mem->data() + 100, "hello", 5);

  EXPECT_EQ(mem->read_string(100, 5), std::optional<std::string_view>("hello"));
  EXPECT_TRUE(mem->view(0, page).has_value());
  EXPECT_TRUE(mem->view(page, 0).has_value());
  EXPECT_FALSE(mem->view(page, 1).has_value());
  EXPECT_FALSE(mem->view(page - 1, 2).has_value());
  EXPECT_FALSE(mem->view(page + 1, 0).has_value());
  EXPECT_FALSE(mem->view(UINT64_MAX, 2).has_value());  // offset + length wraps around
  EXPECT_FALSE(mem->view(1, UINT64_MAX).has_value());
  EXPECT_FALSE(mem->read_string(page - 2, 3).has_value());

  auto v = mem->view(100, 5);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->size(), 5u);
  (*v)[0] = 'j';
  EXPECT_EQ(mem->read_string(100, 5), std::optional<std::string_view>("jello"));
}

TEST(memory, handle_grow_and_type) {
  weft::Engine engine;
  weft::Store store(engine);
  auto mem = store.create_memory(MemoryType{Limits{1, 2}});
  ASSERT_TRUE(mem.has_value());
  EXPECT_EQ(mem->size_pages(), 1u);
  EXPECT_EQ(mem->grow(1), std::optional<uint64_t>(1));
  EXPECT_EQ(mem->grow(1), std::nullopt);
  EXPECT_EQ(mem->size_pages(), 2u);
  EXPECT_EQ(mem->size_bytes(), 2 * page);
  EXPECT_EQ(mem->type().limits.min, 2u);
  EXPECT_EQ(mem->type().limits.max, std::optional<uint64_t>(2));
  EXPECT_TRUE(mem->view(page, page).has_value());
}

TEST(memory, store_create_memory_checks_limits) {
  weft::EngineConfig config;
  config.max_memory_pages = 10;
  weft::Engine engine(config);
  weft::Store store(engine);

  auto over = store.create_memory(MemoryType{Limits{11, std::nullopt}});
  ASSERT_FALSE(over.has_value());
  EXPECT_EQ(over.error().kind, weft::ErrorKind::usage);

  auto inverted = store.create_memory(MemoryType{Limits{3, 2}});
  ASSERT_FALSE(inverted.has_value());
  EXPECT_EQ(inverted.error().kind, weft::ErrorKind::usage);

  auto unbounded = store.create_memory(MemoryType{Limits{1, std::nullopt}});
  ASSERT_TRUE(unbounded.has_value());
  EXPECT_EQ(unbounded->grow(9), std::optional<uint64_t>(1));
  EXPECT_EQ(unbounded->grow(1), std::nullopt);  // the engine's 10 pages
}

TEST(memory, null_handle_is_harmless) {
  weft::Memory m;
  EXPECT_EQ(m.size_bytes(), 0u);
  EXPECT_EQ(m.data(), nullptr);
  EXPECT_FALSE(m.view(0, 0).has_value());
  EXPECT_FALSE(m.grow(1).has_value());
}

// ---- the engine's pool of reservations ---------------------------------------------------

TEST(memory_pool, reused_memory_is_zero_and_inaccessible_past_its_size) {
  weft::Engine engine;
  uint8_t* first_base = nullptr;
  {
    auto m = make_pooled(engine, 1, std::nullopt);
    ASSERT_TRUE(m);
    ASSERT_EQ(m->grow(2), 1u);  // three pages accessible when it dies
    std::memset(m->base, 0xAB, 3 * page);
    first_base = m->base;
  }
  ASSERT_EQ(cached(engine), 1u);

  auto m = make_pooled(engine, 1, std::nullopt);
  ASSERT_TRUE(m);
  EXPECT_EQ(cached(engine), 0u);
  EXPECT_EQ(m->base, first_base) << "the released reservation was not reused";
  EXPECT_EQ(m->pages, 1u);
  EXPECT_EQ(m->size, page);
  EXPECT_TRUE(all_zero(m->base, page));
  // The second and third pages were read-write in the previous life: they must fault now.
  volatile uint8_t* past = m->base + page;
  EXPECT_DEATH(*past = 1, "");
  volatile uint8_t* last_old = m->base + 3 * page - 1;
  EXPECT_DEATH((void)*last_old, "");
  // Growing opens them again, zeroed.
  ASSERT_EQ(m->grow(3), 1u);
  EXPECT_TRUE(all_zero(m->base, 4 * page));
}

TEST(memory_pool, reuse_with_a_larger_initial_size_opens_the_pages) {
  weft::Engine engine;
  { auto m = make_pooled(engine, 0, std::nullopt); }
  auto m = make_pooled(engine, 4, std::nullopt);
  ASSERT_TRUE(m);
  EXPECT_EQ(cached(engine), 0u);
  EXPECT_TRUE(all_zero(m->base, 4 * page));
  m->base[4 * page - 1] = 1;
  volatile uint8_t* past = m->base + 4 * page;
  EXPECT_DEATH(*past = 1, "");
}

TEST(memory_pool, reservations_are_reused_only_at_their_size) {
  weft::Engine engine;
  { auto m = make_pooled(engine, 1, 2); }
  ASSERT_EQ(cached(engine), 1u);
  auto other = make_pooled(engine, 1, 3);  // a different limit
  ASSERT_TRUE(other);
  if constexpr (weft::detail::signal_traps) {
    // Every reservation has the one size that covers any address: the range is reused,
    // and the new memory still stops at its own limit.
    EXPECT_EQ(cached(engine), 0u);
    EXPECT_EQ(other->reserved, weft::detail::signal_trap_reserve + 65536);
    EXPECT_EQ(other->limit_pages, 3u);
    EXPECT_EQ(other->grow(2), 1u);
    EXPECT_EQ(other->grow(1), UINT64_MAX);
    return;
  }
  EXPECT_EQ(cached(engine), 1u);
  EXPECT_EQ(other->limit_pages, 3u);
  EXPECT_EQ(other->grow(2), 1u);
  EXPECT_EQ(other->grow(1), UINT64_MAX);
  auto same = make_pooled(engine, 1, 2);
  EXPECT_EQ(cached(engine), 0u);
  EXPECT_EQ(same->grow(1), 1u);
  EXPECT_EQ(same->grow(1), UINT64_MAX);
}

TEST(memory_pool, is_bounded_and_emptied_with_its_engine) {
  auto engine = std::make_unique<weft::Engine>();
  std::shared_ptr<weft::detail::MemoryPool> pool = engine->impl().memory_pool;
  {
    std::vector<std::unique_ptr<MemoryInst>> many;
    for (int i = 0; i < 40; ++i) many.push_back(make_pooled(*engine, 1, std::nullopt));
  }
  EXPECT_EQ(cached_memory_reservations(*pool), 32u) << "excess reservations are unmapped";

  auto survivor = make_pooled(*engine, 1, std::nullopt);
  ASSERT_TRUE(survivor);
  engine.reset();
  EXPECT_EQ(cached_memory_reservations(*pool), 0u);
  // A memory that outlives its engine still works, and is unmapped, not cached, when it dies.
  survivor->base[0] = 7;
  EXPECT_EQ(survivor->grow(1), 1u);
  survivor->base[2 * page - 1] = 7;
  survivor.reset();
  EXPECT_EQ(cached_memory_reservations(*pool), 0u);
}

TEST(memory_pool, cached_reservations_give_way_when_address_space_runs_out) {
  // In a child process: fill the pool with 4 GiB reservations, then cap the address space so
  // that a reservation of another size fits only if the pool gives its ranges back.
  EXPECT_EXIT(
      {
        weft::Engine engine;
        {
          std::vector<std::unique_ptr<MemoryInst>> held;
          for (int i = 0; i < 4; ++i) held.push_back(make_pooled(engine, 1, std::nullopt));
        }
        if (cached(engine) != 4) std::_Exit(3);
        std::ifstream statm("/proc/self/statm");
        uint64_t vm_pages = 0;
        statm >> vm_pages;
        const uint64_t vm = vm_pages * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
        limit_address_space(static_cast<rlim_t>(vm + (uint64_t{2} << 30)));
        auto r = MemoryInst::create(MemoryType{Limits{1, std::nullopt}}, 32768, &engine.impl());
        if (!r.has_value()) {
          std::fprintf(stderr, "%s\n", r.error().to_string().c_str());
          std::_Exit(1);
        }
        std::fprintf(stderr, "reserved after draining the pool\n");
        // With signal_traps every reservation has the same size, so a cached one is
        // taken (the cap leaves no room for a new one) and the other three stay.
        if (weft::detail::signal_traps) std::_Exit(cached(engine) == 3 ? 0 : 2);
        std::_Exit(cached(engine) == 0 ? 0 : 2);
      },
      ::testing::ExitedWithCode(0), "reserved after draining the pool");
}

TEST(memory_pool, many_cycles_of_a_megabyte_keep_resident_memory_flat) {
  weft::Engine engine;
  auto cycle = [&] {
    auto m = make_pooled(engine, 16, std::nullopt);
    ASSERT_TRUE(m);
    ASSERT_EQ(m->base[page], 0);
    std::memset(m->base, 0x5A, 16 * page);
  };
  for (int i = 0; i < 100; ++i) cycle();  // warm up: the pool, the allocator, gtest
  const uint64_t before = resident_bytes();
  for (int i = 0; i < 2000; ++i) cycle();
  const uint64_t after = resident_bytes();
  EXPECT_EQ(cached(engine), 1u);
  // Without MADV_DONTNEED on release each cycle would keep a megabyte: 2 GB. Allow 8 MiB of
  // noise from the rest of the process.
  EXPECT_LT(after, before + (uint64_t{8} << 20)) << before << " -> " << after;
}

TEST(memory_pool, two_threads_share_an_engine) {
  weft::Engine engine;
  std::atomic<int> failures{0};
  auto work = [&](uint8_t mark, uint64_t max_pages) {
    for (int i = 0; i < 300; ++i) {
      const uint64_t min = 1 + static_cast<uint64_t>(i % 3);
      auto m =
          make_pooled(engine, min, (i % 2) ? std::optional<uint64_t>(max_pages) : std::nullopt);
      if (!m || m->size != min * page || !all_zero(m->base, m->size)) {
        ++failures;
        return;
      }
      std::memset(m->base, mark, m->size);
      if (m->grow(1) != min || m->base[m->size - 1] != 0) ++failures;
    }
  };
  std::thread a(work, uint8_t{0x11}, 8);
  std::thread b(work, uint8_t{0x22}, 8);
  a.join();
  b.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LE(cached(engine), 4u);  // two sizes, at most two released memories of each
}

// ---- pooled memories through the public API -------------------------------------------------

namespace {

/// (module
///   (memory (export "mem") 1)
///   (func (export "load") (param i32) (result i32) local.get 0 i32.load)
///   (func (export "store") (param i32 i32) local.get 0 local.get 1 i32.store)
///   (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
///   (func (export "fill") (param i32) i32.const 0 i32.const 171 local.get 0 memory.fill))
const std::vector<uint8_t> one_page_wasm = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0f, 0x03, 0x60, 0x01, 0x7f, 0x01,
    0x7f, 0x60, 0x02, 0x7f, 0x7f, 0x00, 0x60, 0x01, 0x7f, 0x00, 0x03, 0x05, 0x04, 0x00, 0x01,
    0x00, 0x02, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x24, 0x05, 0x03, 0x6d, 0x65, 0x6d, 0x02,
    0x00, 0x04, 0x6c, 0x6f, 0x61, 0x64, 0x00, 0x00, 0x05, 0x73, 0x74, 0x6f, 0x72, 0x65, 0x00,
    0x01, 0x04, 0x67, 0x72, 0x6f, 0x77, 0x00, 0x02, 0x04, 0x66, 0x69, 0x6c, 0x6c, 0x00, 0x03,
    0x0a, 0x27, 0x04, 0x07, 0x00, 0x20, 0x00, 0x28, 0x02, 0x00, 0x0b, 0x09, 0x00, 0x20, 0x00,
    0x20, 0x01, 0x36, 0x02, 0x00, 0x0b, 0x06, 0x00, 0x20, 0x00, 0x40, 0x00, 0x0b, 0x0c, 0x00,
    0x41, 0x00, 0x41, 0xab, 0x01, 0x20, 0x00, 0xfc, 0x0b, 0x00, 0x0b};

}  // namespace

TEST(memory_pool, a_new_instance_sees_a_fresh_memory) {
  weft::Engine engine;
  auto module = engine.compile(one_page_wasm);
  ASSERT_TRUE(module.has_value()) << module.error().to_string();
  weft::Linker linker(engine);
  {
    weft::Store store(engine);
    auto inst = linker.instantiate(store, *module);
    ASSERT_TRUE(inst.has_value()) << inst.error().to_string();
    auto grow = inst->typed_func<int32_t(int32_t)>("grow");
    auto store_i32 = inst->typed_func<void(int32_t, int32_t)>("store");
    ASSERT_TRUE(grow.has_value() && store_i32.has_value());
    EXPECT_EQ((*grow)(store, 2).value_or(-1), 1);
    EXPECT_TRUE((*store_i32)(store, 0, -1).has_value());
    EXPECT_TRUE((*store_i32)(store, 65532, -1).has_value());
    EXPECT_TRUE((*store_i32)(store, 3 * 65536 - 4, -1).has_value());
  }
  // The first store's memory went back to the engine's pool; the next instance takes it.
  EXPECT_EQ(weft::detail::cached_memory_reservations(*engine.impl().memory_pool), 1u);
  weft::Store store(engine);
  auto inst = linker.instantiate(store, *module);
  ASSERT_TRUE(inst.has_value()) << inst.error().to_string();
  auto load = inst->typed_func<int32_t(int32_t)>("load");
  auto grow = inst->typed_func<int32_t(int32_t)>("grow");
  ASSERT_TRUE(load.has_value() && grow.has_value());
  EXPECT_EQ((*load)(store, 0).value_or(-1), 0);
  EXPECT_EQ((*load)(store, 65532).value_or(-1), 0);
  auto oob = (*load)(store, 65536);
  ASSERT_FALSE(oob.has_value()) << "a load past the one page did not trap";
  EXPECT_EQ(oob.error().trap, weft::TrapKind::memory_out_of_bounds);
  EXPECT_EQ(inst->get_memory("mem")->size_pages(), 1u);
  EXPECT_EQ((*grow)(store, 2).value_or(-1), 1);
  EXPECT_EQ((*load)(store, 65536).value_or(-1), 0);
  EXPECT_EQ((*load)(store, 3 * 65536 - 4).value_or(-1), 0);
}

TEST(memory_pool, instantiate_cycles_keep_resident_memory_flat) {
  weft::Engine engine;
  auto module = engine.compile(one_page_wasm);
  ASSERT_TRUE(module.has_value()) << module.error().to_string();
  weft::Linker linker(engine);
  auto cycle = [&] {
    weft::Store store(engine);
    auto inst = linker.instantiate(store, *module);
    ASSERT_TRUE(inst.has_value()) << inst.error().to_string();
    auto load = inst->typed_func<int32_t(int32_t)>("load");
    ASSERT_EQ((*load)(store, 65536 - 4).value_or(-1), 0);
    ASSERT_EQ((*inst->typed_func<int32_t(int32_t)>("grow"))(store, 15).value_or(-1), 1);
    ASSERT_TRUE((*inst->typed_func<void(int32_t)>("fill"))(store, 1 << 20).has_value());
  };
  for (int i = 0; i < 100; ++i) cycle();
  const uint64_t before = resident_bytes();
  // 500 cycles, not 2000: each makes a store (an 8 MiB value stack), slow under ASan, and a
  // megabyte kept per cycle would still be 500 MB against the 8 MiB allowed.
  for (int i = 0; i < 500; ++i) cycle();
  const uint64_t after = resident_bytes();
  EXPECT_LT(after, before + (uint64_t{8} << 20)) << before << " -> " << after;
}

TEST(memory_pool, instances_on_two_threads_share_an_engine) {
  weft::Engine engine;
  auto module = engine.compile(one_page_wasm);
  ASSERT_TRUE(module.has_value()) << module.error().to_string();
  weft::Linker linker(engine);
  std::atomic<int> failures{0};
  auto work = [&](int32_t mark) {
    for (int i = 0; i < 200; ++i) {
      weft::Store store(engine);
      auto inst = linker.instantiate(store, *module);
      if (!inst) {
        ++failures;
        return;
      }
      auto load = inst->typed_func<int32_t(int32_t)>("load");
      auto store_i32 = inst->typed_func<void(int32_t, int32_t)>("store");
      if ((*load)(store, 0).value_or(-1) != 0 || (*load)(store, 65532).value_or(-1) != 0)
        ++failures;
      if (!(*store_i32)(store, 0, mark) || !(*store_i32)(store, 65532, mark)) ++failures;
      if ((*load)(store, 65536).has_value()) ++failures;  // must trap
    }
  };
  std::thread a(work, 0x11111111);
  std::thread b(work, 0x22222222);
  a.join();
  b.join();
  EXPECT_EQ(failures.load(), 0);
}

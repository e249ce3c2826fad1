// Tests of linear memories: reservation, growth within the declared and the engine's limits,
// zero-page memories, bounds-checked host views, and failures reported as errors.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstring>

#include "runtime/objects.hpp"
#include "weft/weft.hpp"

using weft::Limits;
using weft::MemoryType;
using weft::detail::MemoryInst;

namespace {

constexpr uint64_t page = 65536;

std::unique_ptr<MemoryInst> make(uint64_t min, std::optional<uint64_t> max,
                                 uint64_t limit = 65536) {
  auto r = MemoryInst::create(MemoryType{Limits{min, max}}, limit);
  EXPECT_TRUE(r.has_value()) << r.error().to_string();
  return r ? std::move(*r) : nullptr;
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
  // In a child process: cap the address space so the 4 GiB reservation cannot succeed.
  EXPECT_EXIT(
      {
        limit_address_space(rlim_t{512} << 20);
        auto r = MemoryInst::create(MemoryType{Limits{1, std::nullopt}}, 65536);
        if (r.has_value()) std::_Exit(1);
        std::fprintf(stderr, "%s\n", r.error().to_string().c_str());
        std::_Exit(r.error().kind == weft::ErrorKind::uninstantiable ? 0 : 2);
      },
      ::testing::ExitedWithCode(0), "cannot reserve 4295032832 bytes of address space");
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

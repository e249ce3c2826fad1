// Tests of the engine-wide function type registry: equal types share an id, distinct types
// do not, references stay valid, and interning from many threads agrees.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "runtime/objects.hpp"

using weft::FuncType;
using weft::ValType;
using weft::detail::TypeRegistry;

namespace {

/// A family of distinct types, numbered: the parameters spell `n` in bijective base 4, and
/// the results alternate so that they are not all empty.
FuncType type_number(uint32_t n) {
  static const ValType digits[] = {ValType::i32, ValType::i64, ValType::f32, ValType::f64};
  FuncType t;
  if (n % 2) t.results.push_back(ValType::externref);
  for (uint32_t k = n / 2 + 1; k > 0; k = (k - 1) / 4) t.params.push_back(digits[(k - 1) % 4]);
  return t;
}

}  // namespace

TEST(type_registry, equal_types_share_an_id) {
  TypeRegistry r;
  FuncType a{{ValType::i32, ValType::i32}, {ValType::i32}};
  uint32_t id = r.intern(a);
  EXPECT_EQ(r.intern(FuncType{{ValType::i32, ValType::i32}, {ValType::i32}}), id);
  EXPECT_EQ(r.get(id), a);
}

TEST(type_registry, params_and_results_are_kept_apart) {
  TypeRegistry r;
  uint32_t p = r.intern(FuncType{{ValType::i32}, {}});
  uint32_t q = r.intern(FuncType{{}, {ValType::i32}});
  uint32_t e = r.intern(FuncType{});
  uint32_t pp = r.intern(FuncType{{ValType::i32, ValType::i32}, {}});
  std::set<uint32_t> ids{p, q, e, pp};
  EXPECT_EQ(ids.size(), 4u);
  EXPECT_TRUE(r.get(e).params.empty());
  EXPECT_TRUE(r.get(e).results.empty());
}

TEST(type_registry, references_stay_valid_while_interning) {
  TypeRegistry r;
  uint32_t first = r.intern(type_number(1));
  const FuncType* ref = &r.get(first);
  for (uint32_t n = 2; n < 5000; ++n) r.intern(type_number(n));
  EXPECT_EQ(&r.get(first), ref);
  EXPECT_EQ(*ref, type_number(1));
}

TEST(type_registry, ids_agree_across_threads) {
  TypeRegistry r;
  constexpr uint32_t types = 500;
  constexpr int threads = 8;
  std::vector<std::vector<uint32_t>> ids(threads, std::vector<uint32_t>(types));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      // Each thread walks the types in its own order, so that they race on every type.
      for (uint32_t k = 0; k < types; ++k) {
        uint32_t n = (k * 7 + static_cast<uint32_t>(t) * 131) % types;
        ids[t][n] = r.intern(type_number(n));
        (void)r.get(ids[t][n]);
      }
    });
  }
  for (auto& th : pool) th.join();

  std::set<uint32_t> distinct;
  for (uint32_t n = 0; n < types; ++n) {
    for (int t = 1; t < threads; ++t) EXPECT_EQ(ids[t][n], ids[0][n]) << "type " << n;
    EXPECT_EQ(r.get(ids[0][n]), type_number(n));
    distinct.insert(ids[0][n]);
  }
  EXPECT_EQ(distinct.size(), types);         // type_number gives distinct types
  EXPECT_EQ(*distinct.rbegin(), types - 1);  // ids are dense
}

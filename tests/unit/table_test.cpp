// Tests of tables: growth within the declared and the engine's limits, and the public
// handle's type and bounds checks.
#include <gtest/gtest.h>

#include "runtime/objects.hpp"
#include "weft/weft.hpp"

using weft::Limits;
using weft::TableType;
using weft::ValType;
using weft::Value;
using weft::detail::TableInst;

TEST(table, grow_returns_old_size_and_fills_with_init) {
  TableInst t;
  t.limit = 4;
  int marker = 0;
  EXPECT_EQ(t.grow(2, nullptr), 0u);
  EXPECT_EQ(t.grow(1, &marker), 2u);
  ASSERT_EQ(t.elems.size(), 3u);
  EXPECT_EQ(t.elems[0], nullptr);
  EXPECT_EQ(t.elems[2], &marker);
  EXPECT_EQ(t.grow(2, nullptr), UINT64_MAX);
  EXPECT_EQ(t.elems.size(), 3u);
  EXPECT_EQ(t.grow(0, nullptr), 3u);
  EXPECT_EQ(t.grow(1, nullptr), 3u);
  EXPECT_EQ(t.grow(1, nullptr), UINT64_MAX);
}

TEST(table, grow_by_huge_deltas_fails_without_overflow) {
  TableInst t;
  t.limit = UINT32_MAX;
  t.elems.resize(1);
  EXPECT_EQ(t.grow(UINT64_MAX, nullptr), UINT64_MAX);
  EXPECT_EQ(t.grow(UINT32_MAX, nullptr), UINT64_MAX);
  EXPECT_EQ(t.elems.size(), 1u);
}

TEST(table, store_table_respects_declared_max_and_engine_limit) {
  weft::EngineConfig config;
  config.max_table_elements = 100;
  weft::Engine engine(config);
  weft::Store store(engine);

  auto declared =
      store.create_table(TableType{ValType::funcref, Limits{1, 3}}, Value::null(ValType::funcref));
  ASSERT_TRUE(declared.has_value()) << declared.error().to_string();
  EXPECT_EQ(declared->grow(2, Value::null(ValType::funcref)), std::optional<uint64_t>(1));
  EXPECT_EQ(declared->grow(1, Value::null(ValType::funcref)), std::nullopt);

  auto open = store.create_table(TableType{ValType::externref, Limits{0, std::nullopt}},
                                 Value::null(ValType::externref));
  ASSERT_TRUE(open.has_value());
  EXPECT_EQ(open->grow(100, Value::null(ValType::externref)), std::optional<uint64_t>(0));
  EXPECT_EQ(open->grow(1, Value::null(ValType::externref)), std::nullopt);

  auto over = store.create_table(TableType{ValType::funcref, Limits{101, std::nullopt}},
                                 Value::null(ValType::funcref));
  ASSERT_FALSE(over.has_value());
  EXPECT_EQ(over.error().kind, weft::ErrorKind::usage);
}

TEST(table, handle_checks_types_and_bounds) {
  weft::Engine engine;
  weft::Store store(engine);
  int host_object = 0;
  auto t = store.create_table(TableType{ValType::externref, Limits{2, std::nullopt}},
                              Value::externref(&host_object));
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->size(), 2u);
  EXPECT_EQ(t->type().element, ValType::externref);
  EXPECT_EQ(t->type().limits.min, 2u);

  auto v = t->get(1);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->type(), ValType::externref);
  EXPECT_EQ(v->externref(), &host_object);
  EXPECT_FALSE(t->get(2).has_value());

  EXPECT_TRUE(t->set(0, Value::null(ValType::externref)).has_value());
  EXPECT_TRUE(t->get(0)->is_null());

  auto wrong_type = t->set(0, Value::null(ValType::funcref));
  ASSERT_FALSE(wrong_type.has_value());
  EXPECT_EQ(wrong_type.error().kind, weft::ErrorKind::usage);
  auto out_of_bounds = t->set(2, Value::null(ValType::externref));
  ASSERT_FALSE(out_of_bounds.has_value());
  EXPECT_EQ(out_of_bounds.error().kind, weft::ErrorKind::usage);

  EXPECT_EQ(t->grow(1, Value::i32(0)), std::nullopt);  // init of the wrong type
  EXPECT_EQ(t->grow(1, Value::externref(&host_object)), std::optional<uint64_t>(2));
  EXPECT_EQ(t->get(2)->externref(), &host_object);
}

TEST(table, create_table_rejects_bad_element_and_init) {
  weft::Engine engine;
  weft::Store store(engine);
  auto not_ref =
      store.create_table(TableType{ValType::i32, Limits{1, std::nullopt}}, Value::i32(0));
  ASSERT_FALSE(not_ref.has_value());
  EXPECT_EQ(not_ref.error().kind, weft::ErrorKind::usage);
  auto mismatched = store.create_table(TableType{ValType::funcref, Limits{1, std::nullopt}},
                                       Value::null(ValType::externref));
  ASSERT_FALSE(mismatched.has_value());
  EXPECT_EQ(mismatched.error().kind, weft::ErrorKind::usage);
  auto inverted =
      store.create_table(TableType{ValType::funcref, Limits{2, 1}}, Value::null(ValType::funcref));
  ASSERT_FALSE(inverted.has_value());
  EXPECT_EQ(inverted.error().kind, weft::ErrorKind::usage);
}

TEST(table, funcref_of_another_store_is_refused) {
  weft::Engine engine;
  weft::Store a(engine);
  weft::Store b(engine);
  weft::Func f = a.create_host_func(weft::FuncType{},
                                    [](weft::Caller&, auto, auto) { return weft::Result<void>(); });
  auto t = b.create_table(TableType{ValType::funcref, Limits{1, std::nullopt}},
                          Value::null(ValType::funcref));
  ASSERT_TRUE(t.has_value());
  auto r = t->set(0, Value::funcref(f.raw()));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, weft::ErrorKind::usage);
  EXPECT_FALSE(
      b.create_table(TableType{ValType::funcref, Limits{1, std::nullopt}}, Value::funcref(f.raw()))
          .has_value());
}

// Dotted field keys (src/abi/elastic/field_path.hpp): escaping, nested put/remove, and what
// happens on missing or non-object intermediates (docs/abi/elastic.md, "Field keys").
#include "abi/elastic/field_path.hpp"

#include <gtest/gtest.h>

namespace weft::events::elastic {
namespace {

using Path = std::vector<std::string>;

rapidjson::Document doc_of(const char* json) {
  rapidjson::Document d;
  d.Parse(json);
  EXPECT_FALSE(d.HasParseError()) << json;
  return d;
}

Status put(rapidjson::Document& d, const Path& path, const char* json) {
  rapidjson::Document v;
  v.Parse(json);
  EXPECT_FALSE(v.HasParseError()) << json;
  rapidjson::Value copy(v, d.GetAllocator());
  return put_field(d, path, copy);
}

TEST(field_key, splits_at_dots) {
  EXPECT_EQ(split_field_key("a"), (Path{"a"}));
  EXPECT_EQ(split_field_key("a.b.c"), (Path{"a", "b", "c"}));
}

TEST(field_key, backslash_escapes_a_dot_and_itself) {
  EXPECT_EQ(split_field_key(R"(a\.b)"), (Path{"a.b"}));
  EXPECT_EQ(split_field_key(R"(a\\.b)"), (Path{"a\\", "b"}));
  EXPECT_EQ(split_field_key(R"(x.a\.b\\c)"), (Path{"x", "a.b\\c"}));
}

TEST(field_key, refuses_empty_segments_and_other_escapes) {
  for (const char* bad : {"", ".", "a.", ".a", "a..b", R"(a\)", R"(a\n)", R"(\x)"})
    EXPECT_FALSE(split_field_key(bad)) << bad;
}

TEST(field_path, finds_nested_values_but_does_not_index_arrays) {
  auto d = doc_of(R"({"a":{"b":{"c":1}},"l":[{"x":1}],"a.b":2})");
  ASSERT_NE(find_field(d, {"a", "b", "c"}), nullptr);
  EXPECT_EQ(to_json(*find_field(d, {"a", "b"})), R"({"c":1})");
  EXPECT_EQ(to_json(*find_field(d, {"a.b"})), "2");
  EXPECT_EQ(find_field(d, {"a", "x"}), nullptr);
  EXPECT_EQ(find_field(d, {"a", "b", "c", "d"}), nullptr);
  EXPECT_EQ(find_field(d, {"l", "0"}), nullptr);
}

TEST(field_path, put_creates_missing_intermediate_objects) {
  auto d = doc_of(R"({"a":1})");
  EXPECT_EQ(put(d, {"x", "y", "z"}, R"("v")"), Status::ok);
  EXPECT_EQ(to_json(d), R"({"a":1,"x":{"y":{"z":"v"}}})");
}

TEST(field_path, put_replaces_in_place_keeping_the_order) {
  auto d = doc_of(R"({"a":1,"b":{"c":2,"d":3},"e":4})");
  EXPECT_EQ(put(d, {"b", "c"}, "[1,{}]"), Status::ok);
  EXPECT_EQ(put(d, {"a"}, "null"), Status::ok);
  EXPECT_EQ(to_json(d), R"({"a":null,"b":{"c":[1,{}],"d":3},"e":4})");
}

TEST(field_path, put_through_a_non_object_is_an_invalid_argument) {
  auto d = doc_of(R"({"a":"text","l":[1]})");
  EXPECT_EQ(put(d, {"a", "b"}, "1"), Status::invalid_argument);
  EXPECT_EQ(put(d, {"l", "0"}, "1"), Status::invalid_argument);
  EXPECT_EQ(to_json(d), R"({"a":"text","l":[1]})");
}

TEST(field_path, remove_nested_and_not_found) {
  auto d = doc_of(R"({"a":{"b":1,"c":2},"d":3,"e":4})");
  EXPECT_EQ(remove_field(d, {"a", "b"}), Status::ok);
  EXPECT_EQ(remove_field(d, {"d"}), Status::ok);
  EXPECT_EQ(to_json(d), R"({"a":{"c":2},"e":4})");
  EXPECT_EQ(remove_field(d, {"a", "b"}), Status::not_found);
  EXPECT_EQ(remove_field(d, {"x", "y"}), Status::not_found);
  EXPECT_EQ(remove_field(d, {"e", "y"}), Status::not_found);
}

}  // namespace
}  // namespace weft::events::elastic

// Tests of the binary reader: LEB128 rules and UTF-8 names.
// https://webassembly.github.io/spec/core/binary/values.html
#include "wasm/reader.hpp"

#include <gtest/gtest.h>

#include <vector>

using weft::ErrorKind;
using weft::wasm::Reader;
using Bytes = std::vector<uint8_t>;

namespace {

/// Reads one value with `read` from `bytes`; the reader must then be at the end.
template <class F>
auto read_all(const Bytes& bytes, F read) {
  Reader r(bytes);
  auto v = read(r);
  if (v) EXPECT_TRUE(r.at_end()) << "bytes left after the value";
  return v;
}

template <class T>
::testing::AssertionResult fails_with(const weft::Result<T>& r, std::string_view prefix,
                                      size_t offset) {
  if (r) return ::testing::AssertionFailure() << "expected an error, got a value";
  const weft::Error& e = r.error();
  if (e.kind != ErrorKind::malformed)
    return ::testing::AssertionFailure() << "kind " << weft::error_kind_name(e.kind);
  if (!e.message.starts_with(prefix))
    return ::testing::AssertionFailure() << "message '" << e.message << "'";
  if (e.offset != offset) return ::testing::AssertionFailure() << "offset " << e.offset;
  return ::testing::AssertionSuccess();
}

auto u32 = [](Reader& r) { return r.u32(); };
auto u64 = [](Reader& r) { return r.u64(); };
auto s32 = [](Reader& r) { return r.s32(); };
auto s33 = [](Reader& r) { return r.s33(); };
auto s64 = [](Reader& r) { return r.s64(); };
auto name = [](Reader& r) { return r.name(); };

}  // namespace

// ---- unsigned LEB128 ---------------------------------------------------------------------------

TEST(reader, u32_reads_minimal_and_non_minimal_encodings) {
  EXPECT_EQ(*read_all({0x00}, u32), 0u);
  EXPECT_EQ(*read_all({0x7F}, u32), 127u);
  EXPECT_EQ(*read_all({0xE5, 0x8E, 0x26}, u32), 624485u);
  EXPECT_EQ(*read_all({0x82, 0x00}, u32), 2u);                    // padded
  EXPECT_EQ(*read_all({0x82, 0x80, 0x80, 0x80, 0x00}, u32), 2u);  // padded to 5 bytes
  EXPECT_EQ(*read_all({0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, u32), 0xFFFFFFFFu);
}

TEST(reader, u32_is_at_most_five_bytes) {
  EXPECT_TRUE(fails_with(read_all({0x82, 0x80, 0x80, 0x80, 0x80, 0x00}, u32),
                         "integer representation too long", 5));
}

TEST(reader, u32_unused_bits_of_the_last_byte_must_be_zero) {
  EXPECT_TRUE(fails_with(read_all({0xFF, 0xFF, 0xFF, 0xFF, 0x1F}, u32), "integer too large", 5));
  EXPECT_TRUE(fails_with(read_all({0x82, 0x80, 0x80, 0x80, 0x70}, u32), "integer too large", 5));
  EXPECT_TRUE(fails_with(read_all({0x80, 0x80, 0x80, 0x80, 0x10}, u32), "integer too large", 5));
}

TEST(reader, u32_truncated_is_unexpected_end) {
  EXPECT_TRUE(fails_with(read_all({}, u32), "unexpected end", 0));
  EXPECT_TRUE(fails_with(read_all({0x80}, u32), "unexpected end", 1));
  EXPECT_TRUE(fails_with(read_all({0xFF, 0xFF, 0xFF, 0xFF}, u32), "unexpected end", 4));
}

TEST(reader, u64_is_at_most_ten_bytes_and_keeps_bit_63) {
  EXPECT_EQ(*read_all({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}, u64),
            UINT64_MAX);
  EXPECT_EQ(*read_all({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, u64), 0u);
  EXPECT_TRUE(
      fails_with(read_all({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02}, u64),
                 "integer too large", 10));
  EXPECT_TRUE(
      fails_with(read_all({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, u64),
                 "integer representation too long", 10));
}

// ---- signed LEB128 -----------------------------------------------------------------------------

TEST(reader, s32_sign_extends_short_encodings) {
  EXPECT_EQ(*read_all({0x7F}, s32), -1);
  EXPECT_EQ(*read_all({0x40}, s32), -64);
  EXPECT_EQ(*read_all({0x3F}, s32), 63);
  EXPECT_EQ(*read_all({0xFF, 0x7F}, s32), -1);  // padded
  EXPECT_EQ(*read_all({0x80, 0x7F}, s32), -128);
  EXPECT_EQ(*read_all({0x80, 0x00}, s32), 0);  // padded
}

TEST(reader, s32_extremes) {
  EXPECT_EQ(*read_all({0x80, 0x80, 0x80, 0x80, 0x78}, s32), INT32_MIN);
  EXPECT_EQ(*read_all({0xFF, 0xFF, 0xFF, 0xFF, 0x07}, s32), INT32_MAX);
  EXPECT_EQ(*read_all({0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, s32), -1);
  EXPECT_EQ(*read_all({0x80, 0x80, 0x80, 0x80, 0x00}, s32), 0);
}

TEST(reader, s32_unused_bits_must_copy_the_sign_bit) {
  // From binary.wast: unused bits set / unset against the sign.
  EXPECT_TRUE(fails_with(read_all({0x80, 0x80, 0x80, 0x80, 0x70}, s32), "integer too large", 5));
  EXPECT_TRUE(fails_with(read_all({0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, s32), "integer too large", 5));
  EXPECT_TRUE(fails_with(read_all({0x80, 0x80, 0x80, 0x80, 0x1F}, s32), "integer too large", 5));
  EXPECT_TRUE(fails_with(read_all({0xFF, 0xFF, 0xFF, 0xFF, 0x4F}, s32), "integer too large", 5));
  EXPECT_TRUE(fails_with(read_all({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, s32),
                         "integer representation too long", 5));
}

TEST(reader, s33_covers_all_u32_type_indices_and_negative_block_types) {
  EXPECT_EQ(*read_all({0x40}, s33), -64);  // blocktype: empty
  EXPECT_EQ(*read_all({0x7F}, s33), -1);   // blocktype: i32
  EXPECT_EQ(*read_all({0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, s33), 0xFFFFFFFFll);
  EXPECT_EQ(*read_all({0x80, 0x80, 0x80, 0x80, 0x70}, s33), -(1ll << 32));
  EXPECT_TRUE(fails_with(read_all({0x80, 0x80, 0x80, 0x80, 0x60}, s33), "integer too large", 5));
  EXPECT_TRUE(fails_with(read_all({0xFF, 0xFF, 0xFF, 0xFF, 0x1F}, s33), "integer too large", 5));
}

TEST(reader, s64_extremes_and_rules) {
  EXPECT_EQ(*read_all({0x7F}, s64), -1);
  EXPECT_EQ(*read_all({0x40}, s64), -64);
  EXPECT_EQ(*read_all({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F}, s64),
            INT64_MIN);
  EXPECT_EQ(*read_all({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00}, s64),
            INT64_MAX);
  EXPECT_EQ(*read_all({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, s64), -1);
  EXPECT_TRUE(
      fails_with(read_all({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7E}, s64),
                 "integer too large", 10));
  EXPECT_TRUE(
      fails_with(read_all({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}, s64),
                 "integer too large", 10));
  EXPECT_TRUE(
      fails_with(read_all({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, s64),
                 "integer representation too long", 10));
}

// ---- fixed-size reads, counts, offsets ---------------------------------------------------------

TEST(reader, fixed_size_reads_check_bounds) {
  Bytes b = {1, 2, 3};
  Reader r(b);
  EXPECT_TRUE(fails_with(r.f32_bits(), "unexpected end", 0));
  EXPECT_TRUE(fails_with(r.bytes(4), "unexpected end", 0));
  EXPECT_FALSE(r.skip(4).has_value());
  EXPECT_EQ(*r.u8(), 1);
  EXPECT_EQ(r.bytes(2)->size(), 2u);
  EXPECT_TRUE(fails_with(r.u8(), "unexpected end", 3));
}

TEST(reader, floats_are_little_endian_bits) {
  Bytes b = {0x00, 0x00, 0x80, 0x3F, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F};
  Reader r(b);
  EXPECT_EQ(*r.f32_bits(), 0x3F800000u);
  EXPECT_EQ(*r.f64_bits(), 0x3FF0000000000000ull);
}

TEST(reader, count_is_checked_against_the_bytes_left) {
  Bytes b = {0x03, 0xAA, 0xBB, 0xCC};
  EXPECT_EQ(*Reader(b).count(1), 3u);
  EXPECT_TRUE(fails_with(Reader(b).count(2), "unexpected end", 0));
  Bytes huge = {0xFF, 0xFF, 0xFF, 0xFF, 0x0F};
  EXPECT_TRUE(fails_with(Reader(huge).count(1), "unexpected end", 0));
  EXPECT_EQ(*Reader(huge).count(0), 0xFFFFFFFFu);  // 0: no bound
}

TEST(reader, offsets_are_relative_to_the_base) {
  Bytes b = {0x80};
  Reader r(b, 100);
  EXPECT_EQ(r.offset(), 100u);
  EXPECT_TRUE(fails_with(r.u32(), "unexpected end", 101));
}

// ---- names and UTF-8 ---------------------------------------------------------------------------

TEST(reader, name_reads_valid_utf8) {
  EXPECT_EQ(*read_all({0x00}, name), "");
  EXPECT_EQ(*read_all({0x03, 'a', 'b', 'c'}, name), "abc");
  EXPECT_EQ(*read_all({0x02, 0xC2, 0xA9}, name), "\u00A9");                  // ©
  EXPECT_EQ(*read_all({0x03, 0xE2, 0x82, 0xAC}, name), "\u20AC");            // €
  EXPECT_EQ(*read_all({0x04, 0xF0, 0x9F, 0x98, 0x80}, name), "\U0001F600");  // 😀
  EXPECT_EQ(*read_all({0x04, 0xF4, 0x8F, 0xBF, 0xBF}, name), "\U0010FFFF");
  EXPECT_EQ(*read_all({0x03, 0xEF, 0xBF, 0xBF}, name), "\uFFFF");
  EXPECT_EQ(*read_all({0x01, 0x00}, name), std::string(1, '\0'));
}

TEST(reader, name_rejects_overlong_encodings) {
  EXPECT_TRUE(fails_with(read_all({0x02, 0xC0, 0x80}, name), "malformed UTF-8 encoding", 1));
  EXPECT_TRUE(fails_with(read_all({0x02, 0xC1, 0xBF}, name), "malformed UTF-8 encoding", 1));
  EXPECT_TRUE(fails_with(read_all({0x03, 0xE0, 0x9F, 0xBF}, name), "malformed UTF-8 encoding", 1));
  EXPECT_TRUE(
      fails_with(read_all({0x04, 0xF0, 0x8F, 0xBF, 0xBF}, name), "malformed UTF-8 encoding", 1));
}

TEST(reader, name_rejects_surrogates_and_code_points_beyond_unicode) {
  EXPECT_TRUE(fails_with(read_all({0x03, 0xED, 0xA0, 0x80}, name), "malformed UTF-8 encoding", 1));
  EXPECT_TRUE(fails_with(read_all({0x03, 0xED, 0xBF, 0xBF}, name), "malformed UTF-8 encoding", 1));
  EXPECT_TRUE(
      fails_with(read_all({0x04, 0xF4, 0x90, 0x80, 0x80}, name), "malformed UTF-8 encoding", 1));
  EXPECT_TRUE(
      fails_with(read_all({0x04, 0xF7, 0xBF, 0xBF, 0xBF}, name), "malformed UTF-8 encoding", 1));
  EXPECT_TRUE(fails_with(read_all({0x05, 0xF8, 0x88, 0x80, 0x80, 0x80}, name),
                         "malformed UTF-8 encoding", 1));
  EXPECT_TRUE(fails_with(read_all({0x01, 0xFF}, name), "malformed UTF-8 encoding", 1));
}

TEST(reader, name_rejects_truncated_and_stray_sequences) {
  EXPECT_TRUE(fails_with(read_all({0x01, 0x80}, name), "malformed UTF-8 encoding", 1));
  EXPECT_TRUE(fails_with(read_all({0x01, 0xC2}, name), "malformed UTF-8 encoding", 1));
  EXPECT_TRUE(fails_with(read_all({0x02, 0xE2, 0x82}, name), "malformed UTF-8 encoding", 1));
  EXPECT_TRUE(fails_with(read_all({0x03, 0xF0, 0x9F, 0x98}, name), "malformed UTF-8 encoding", 1));
  // A sequence cut by the end of the name, even though bytes follow it.
  EXPECT_TRUE(fails_with(Reader(Bytes{0x01, 0xC2, 0xA9}).name(), "malformed UTF-8 encoding", 1));
  // A continuation byte that is not one.
  EXPECT_TRUE(fails_with(read_all({0x02, 0xC2, 0x41}, name), "malformed UTF-8 encoding", 1));
}

TEST(reader, name_longer_than_the_bytes_left_is_length_out_of_bounds) {
  EXPECT_TRUE(fails_with(read_all({0x05, 'a', 'b'}, name), "length out of bounds", 1));
  EXPECT_TRUE(
      fails_with(read_all({0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 'a'}, name), "length out of bounds", 5));
}

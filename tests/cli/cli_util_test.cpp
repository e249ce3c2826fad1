// Tests of the CLI's shared parts: argument values, options, file reading, dispatch.
#include "cli/cli_util.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace weft;
using namespace weft::cli;

namespace {

Value parsed(ValType type, std::string_view text) {
  auto v = parse_value(type, text);
  EXPECT_TRUE(v.has_value()) << text << ": " << (v ? "" : v.error().message);
  return v ? *v : Value();
}

std::string refused(ValType type, std::string_view text) {
  auto v = parse_value(type, text);
  EXPECT_FALSE(v.has_value()) << text << " was accepted as " << (v ? v->to_string() : "");
  if (v) return "";
  EXPECT_EQ(v.error().kind, ErrorKind::usage);
  return v.error().message;
}

struct Captured {
  std::ostringstream out, err;
  Io io{out, err};
};

int run_cli(Captured& c, std::vector<std::string> args) { return run(args, c.io); }

}  // namespace

TEST(cli_parse_value, i32_decimal_hex_signed_and_unsigned) {
  EXPECT_EQ(parsed(ValType::i32, "42").i32(), 42);
  EXPECT_EQ(parsed(ValType::i32, "-1").i32(), -1);
  EXPECT_EQ(parsed(ValType::i32, "+7").i32(), 7);
  EXPECT_EQ(parsed(ValType::i32, "0x10").i32(), 16);
  EXPECT_EQ(parsed(ValType::i32, "0XfF").i32(), 255);
  EXPECT_EQ(parsed(ValType::i32, "-0x10").i32(), -16);
  EXPECT_EQ(parsed(ValType::i32, "0xffffffff").i32(), -1);
  EXPECT_EQ(parsed(ValType::i32, "4294967295").i32(), -1);
  EXPECT_EQ(parsed(ValType::i32, "-2147483648").i32(), INT32_MIN);
  EXPECT_EQ(parsed(ValType::i32, "1_000").i32(), 1000);
  EXPECT_EQ(parsed(ValType::i32, "7").type(), ValType::i32);
}

TEST(cli_parse_value, i32_out_of_range_or_not_a_number) {
  EXPECT_NE(refused(ValType::i32, "4294967296").find("out of range for i32"), std::string::npos);
  EXPECT_NE(refused(ValType::i32, "-2147483649").find("out of range"), std::string::npos);
  EXPECT_NE(refused(ValType::i32, "abc").find("is not an i32"), std::string::npos);
  refused(ValType::i32, "");
  refused(ValType::i32, "-");
  refused(ValType::i32, "0x");
  refused(ValType::i32, "1.5");
  refused(ValType::i32, " 1");
  refused(ValType::i32, "_1");
  refused(ValType::i32, "99999999999999999999999");
}

TEST(cli_parse_value, i64_full_range) {
  EXPECT_EQ(parsed(ValType::i64, "9223372036854775807").i64(), INT64_MAX);
  EXPECT_EQ(parsed(ValType::i64, "-9223372036854775808").i64(), INT64_MIN);
  EXPECT_EQ(parsed(ValType::i64, "18446744073709551615").i64(), -1);
  EXPECT_EQ(parsed(ValType::i64, "0x8000000000000000").i64(), INT64_MIN);
  refused(ValType::i64, "18446744073709551616");
  refused(ValType::i64, "-9223372036854775809");
}

TEST(cli_parse_value, floats_round_once_to_their_type) {
  EXPECT_EQ(parsed(ValType::f32, "0.1").f32(), 0.1f);
  EXPECT_EQ(parsed(ValType::f64, "0.1").f64(), 0.1);
  EXPECT_EQ(parsed(ValType::f64, "-2.5e3").f64(), -2500.0);
  EXPECT_EQ(parsed(ValType::f64, "0x1.8p+1").f64(), 3.0);
  EXPECT_EQ(parsed(ValType::f32, "-0").f32_bits(), 0x80000000u);
  EXPECT_EQ(parsed(ValType::f32, "1e-45").f32_bits(), 1u);  // the smallest subnormal
  EXPECT_EQ(parsed(ValType::f64, "1").type(), ValType::f64);
}

TEST(cli_parse_value, nan_and_infinity_with_sign_and_payload) {
  EXPECT_EQ(parsed(ValType::f32, "nan").f32_bits(), 0x7fc00000u);
  EXPECT_EQ(parsed(ValType::f32, "-nan").f32_bits(), 0xffc00000u);
  EXPECT_EQ(parsed(ValType::f32, "nan:0x1").f32_bits(), 0x7f800001u);
  EXPECT_EQ(parsed(ValType::f32, "inf").f32_bits(), 0x7f800000u);
  EXPECT_EQ(parsed(ValType::f32, "-inf").f32_bits(), 0xff800000u);
  EXPECT_EQ(parsed(ValType::f64, "nan").f64_bits(), 0x7ff8000000000000u);
  EXPECT_EQ(parsed(ValType::f64, "-nan:0xfffffffffffff").f64_bits(), 0xffffffffffffffffu);
  EXPECT_EQ(parsed(ValType::f64, "+inf").f64_bits(), 0x7ff0000000000000u);
  EXPECT_NE(refused(ValType::f32, "nan:0x800000").find("NaN payload"), std::string::npos);
  refused(ValType::f32, "nan:0x0");
  refused(ValType::f32, "nan:12");
  refused(ValType::f64, "nan(123)");
  refused(ValType::f64, "NaN");
}

TEST(cli_parse_value, floats_refuse_garbage_and_overflow) {
  EXPECT_NE(refused(ValType::f32, "1e39").find("out of range for f32"), std::string::npos);
  refused(ValType::f64, "1e400");
  refused(ValType::f64, "");
  refused(ValType::f64, " 1");
  refused(ValType::f64, "1.5x");
  refused(ValType::f64, "infinity and beyond");
  refused(ValType::f64, "1,5");
}

TEST(cli_parse_value, v128_and_references) {
  Value v = parsed(ValType::v128, "0x0102");
  EXPECT_EQ(v.v128().bytes[0], 0x02);
  EXPECT_EQ(v.v128().bytes[1], 0x01);
  EXPECT_EQ(v.v128().bytes[2], 0x00);
  Value full = parsed(ValType::v128, "0xff000000000000000000000000000001");
  EXPECT_EQ(full.v128().bytes[15], 0xff);
  EXPECT_EQ(full.v128().bytes[0], 0x01);
  refused(ValType::v128, "0x" + std::string(33, '1'));
  refused(ValType::v128, "12");
  EXPECT_TRUE(parsed(ValType::funcref, "null").is_null());
  EXPECT_EQ(parsed(ValType::externref, "null").type(), ValType::externref);
  refused(ValType::externref, "0x1234");
}

TEST(cli_parse_options, options_positionals_and_double_dash) {
  std::vector<std::string> args = {"--enable=simd", "m.wasm", "-5", "-", "--", "--x"};
  auto o = parse_options(args);
  ASSERT_TRUE(o.has_value());
  EXPECT_TRUE(o->config.features.simd);
  EXPECT_EQ(o->positional, (std::vector<std::string>{"m.wasm", "-5", "-", "--x"}));
  EXPECT_FALSE(o->help);
}

TEST(cli_parse_options, features_help_flags_and_unknown_options) {
  std::vector<std::string> off = {"--disable=all", "-h"};
  auto o = parse_options(off);
  ASSERT_TRUE(o.has_value());
  EXPECT_FALSE(o->config.features.bulk_memory);
  EXPECT_FALSE(o->config.features.sign_extension);
  EXPECT_TRUE(o->help);

  std::vector<std::string> unknown = {"--list"};
  EXPECT_FALSE(parse_options(unknown).has_value());
  std::string_view flags[] = {"--list"};
  auto with_flag = parse_options(unknown, flags);
  ASSERT_TRUE(with_flag.has_value());
  EXPECT_TRUE(with_flag->has_flag("--list"));

  std::vector<std::string> feature = {"--enable=telepathy"};
  auto bad = parse_options(feature);
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("unknown feature 'telepathy'"), std::string::npos);
}

TEST(cli_read_file, missing_file_and_directory_are_io_errors) {
  auto missing = read_file("/nonexistent/weft/m.wasm");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().kind, ErrorKind::io);
  EXPECT_NE(missing.error().message.find("/nonexistent/weft/m.wasm"), std::string::npos);
  EXPECT_NE(missing.error().message.find("No such file or directory"), std::string::npos);

  auto dir = read_file("/");
  ASSERT_FALSE(dir.has_value());
  EXPECT_NE(dir.error().message.find("directory"), std::string::npos);
}

TEST(cli_read_file, reads_every_byte) {
  std::string path = ::testing::TempDir() + "weft_cli_read_file_test.bin";
  std::string content("\0asm\x01\0\0\0", 8);
  {
    std::ofstream f(path, std::ios::binary);
    f << content;
  }
  auto bytes = read_file(path);
  ASSERT_TRUE(bytes.has_value()) << bytes.error().to_string();
  EXPECT_EQ(std::string(bytes->begin(), bytes->end()), content);
  std::remove(path.c_str());
}

TEST(cli_exit_code, by_error_kind) {
  EXPECT_EQ(exit_code_for(Error::make_trap(TrapKind::unreachable)), exit_trap);
  EXPECT_EQ(exit_code_for(Error::make(ErrorKind::io, "x")), exit_no_input);
  EXPECT_EQ(exit_code_for(Error::make(ErrorKind::usage, "x")), exit_usage);
  EXPECT_EQ(exit_code_for(Error::make(ErrorKind::invalid, "x")), exit_failure);
  EXPECT_EQ(exit_code_for(Error::make(ErrorKind::unlinkable, "x")), exit_failure);
}

TEST(cli_dispatch, help_version_and_unknown_commands) {
  Captured help;
  EXPECT_EQ(run_cli(help, {"--help"}), exit_ok);
  EXPECT_NE(help.out.str().find("usage: weft <command>"), std::string::npos);
  EXPECT_NE(help.out.str().find("invoke"), std::string::npos);

  Captured version;
  EXPECT_EQ(run_cli(version, {"--version"}), exit_ok);
  EXPECT_EQ(version.out.str().rfind("weft ", 0), 0u);

  Captured none;
  EXPECT_EQ(run_cli(none, {}), exit_usage);
  EXPECT_NE(none.err.str().find("no command given"), std::string::npos);

  Captured unknown;
  EXPECT_EQ(run_cli(unknown, {"frobnicate"}), exit_usage);
  EXPECT_NE(unknown.err.str().find("unknown command 'frobnicate'"), std::string::npos);

  Captured command_help;
  EXPECT_EQ(run_cli(command_help, {"help", "validate"}), exit_ok);
  EXPECT_NE(command_help.out.str().find("usage: weft validate"), std::string::npos);
  EXPECT_NE(command_help.out.str().find("--disable=FEATURE"), std::string::npos);
}

TEST(cli_dispatch, usage_errors_name_the_command_and_its_usage) {
  Captured c;
  EXPECT_EQ(run_cli(c, {"invoke"}), exit_usage);
  EXPECT_NE(c.err.str().find("weft invoke: no module given"), std::string::npos);
  EXPECT_NE(c.err.str().find("usage: weft invoke"), std::string::npos);
  EXPECT_NE(c.err.str().find("Try 'weft invoke --help'"), std::string::npos);
}

TEST(cli_format, calls_and_values) {
  std::vector<Value> args = {Value::i32(1), Value::i64(-2)};
  EXPECT_EQ(format_call("f", args), "f(i32:1, i64:-2)");
  EXPECT_EQ(format_call("g", {}), "g()");
  EXPECT_TRUE(same_value(Value::f32_bits(0x7fc00000), Value::f32_bits(0x7fc00000)));
  EXPECT_FALSE(same_value(Value::f32_bits(0x7fc00000), Value::f32_bits(0x7fc00001)));
  EXPECT_FALSE(same_value(Value::i32(1), Value::i64(1)));
}

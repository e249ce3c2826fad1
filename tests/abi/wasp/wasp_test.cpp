// weft::wasp: typed calls and host callbacks in Wasp's convention, against the C guest
// guests/wasp_guest.c (its own counting allocator, so leaks and wrong sizes show) and the WAT
// guests beside it.
#include "weft/wasp.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <thread>

namespace {

using weft::ErrorKind;
using weft::TrapKind;

std::vector<uint8_t> read_guest(const std::string& name) {
  std::ifstream in(std::string(WASP_GUEST_DIR) + "/" + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<uint8_t> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

/// What the callbacks of the C guest saw.
struct Seen {
  std::vector<std::string> logs;
  std::vector<std::tuple<std::string, int64_t, double>> records;
};

/// The C guest with its imports defined: plugin.{log,add,upper,checksum,fails} and
/// metrics.{record,scale}.
weft::Result<weft::wasp::Instance> make_guest(
    weft::Engine& engine, Seen& seen, std::optional<weft::Manifest> manifest = std::nullopt) {
  weft::wasp::Builder builder;
  builder
      .define("plugin", "log",
              [&seen](std::string_view message) { seen.logs.emplace_back(message); })
      .define("plugin", "add", [](int32_t a, int32_t b) { return a + b; })
      .define("plugin", "upper",
              [](const std::string& s) {
                std::string out = s;
                for (char& c : out)
                  if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
                return out;
              })
      .define("plugin", "checksum",
              [](std::span<const uint8_t> bytes) {
                uint8_t x = 0, sum = 0;
                for (uint8_t b : bytes) {
                  x ^= b;
                  sum = uint8_t(sum + b);
                }
                return std::vector<uint8_t>{x, sum};
              })
      .define("plugin", "fails",
              [](int32_t x) -> weft::Result<int32_t> {
                if (x < 0)
                  return weft::fail(ErrorKind::usage,
                                    "plugin.fails: negative input " + std::to_string(x));
                return x * 10;
              })
      .define("plugin", "version",
              []() -> weft::Result<std::string> { return std::string("wasp-test 1.0"); })
      .define("metrics", "record",
              [&seen](weft::CurrentPlugin& cp, const char* name, int64_t value, double weight) {
                EXPECT_NE(cp.plugin(), nullptr);
                seen.records.emplace_back(name ? name : "(null)", value, weight);
              })
      .define("metrics", "scale", [](float x, uint64_t factor) { return x * float(factor); });
  if (!manifest) manifest = weft::Manifest::from_wasm(read_guest("wasp_guest.wasm"));
  return builder.instantiate(engine, std::move(*manifest));
}

class WaspTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto g = make_guest(engine, seen);
    ASSERT_TRUE(g) << g.error().to_string();
    guest.emplace(std::move(*g));
  }
  /// The guest's count of live blocks.
  int32_t live() { return guest->call<int32_t>("live_allocations").value_or(-1); }
  int32_t mismatches() { return guest->call<int32_t>("deallocate_size_mismatches").value_or(-1); }

  weft::Engine engine;
  Seen seen;
  std::optional<weft::wasp::Instance> guest;
};

// ---- numbers ---------------------------------------------------------------------------------

TEST_F(WaspTest, calls_with_every_integer_and_float_type) {
  EXPECT_EQ(*guest->call<int32_t>("add_i32", int32_t{-7}, int32_t{3}), -4);
  EXPECT_EQ(*guest->call<uint32_t>("add_u32", 0xFFFFFFF0u, 0x20u), 0x10u);
  EXPECT_EQ(*guest->call<uint32_t>("add_u32", 0x7FFFFFFFu, 1u), 0x80000000u);
  EXPECT_EQ(*guest->call<int64_t>("add_i64", int64_t{1} << 40, int64_t{-1}),
            (int64_t{1} << 40) - 1);
  EXPECT_EQ(*guest->call<uint64_t>("add_u64", ~uint64_t{0}, uint64_t{2}), uint64_t{1});
  EXPECT_EQ(*guest->call<uint64_t>("add_u64", uint64_t{1} << 63, uint64_t{5}),
            (uint64_t{1} << 63) + 5);
  EXPECT_FLOAT_EQ(*guest->call<float>("mul_f32", 1.5f, -4.0f), -6.0f);
  EXPECT_DOUBLE_EQ(*guest->call<double>("mul_f64", 0.1, 3.0), 0.1 * 3.0);
  EXPECT_TRUE(std::isinf(*guest->call<double>("mul_f64", std::numeric_limits<double>::max(), 2.0)));
  EXPECT_EQ(*guest->call<int8_t>("neg_i8", int8_t{5}), int8_t{-5});
  EXPECT_EQ(*guest->call<int8_t>("neg_i8", int8_t{-128}), int8_t{-128});
  EXPECT_EQ(*guest->call<uint8_t>("inc_u8", uint8_t{254}), uint8_t{255});
  EXPECT_EQ(*guest->call<uint8_t>("inc_u8", uint8_t{255}), uint8_t{0});
  EXPECT_EQ(*guest->call<int16_t>("neg_i16", int16_t{-300}), int16_t{300});
  EXPECT_EQ(*guest->call<uint16_t>("inc_u16", uint16_t{65535}), uint16_t{0});
  EXPECT_TRUE(*guest->call<bool>("is_positive", 3));
  EXPECT_FALSE(*guest->call<bool>("is_positive", -3));
}

TEST_F(WaspTest, calls_returning_void) {
  ASSERT_TRUE(guest->call("touch"));
  ASSERT_TRUE(guest->call<void>("touch"));
  EXPECT_EQ(*guest->call<int32_t>("touches"), 2);
}

// ---- strings -------------------------------------------------------------------------------

TEST_F(WaspTest, strings_in_and_out) {
  EXPECT_EQ(*guest->call<std::string>("greet", "world"), "Hello, world!");
  EXPECT_EQ(*guest->call<std::string>("greet", std::string("C++")), "Hello, C++!");
  EXPECT_EQ(*guest->call<std::string>("greet", std::string_view("view")), "Hello, view!");
  const char* pointer = "pointer";
  EXPECT_EQ(*guest->call<std::string>("greet", pointer), "Hello, pointer!");
  EXPECT_EQ(*guest->call<std::string>("concat", "left|", std::string("right")), "left|right");
  EXPECT_EQ(*guest->call<int32_t>("str_len", "12345"), 5);
}

TEST_F(WaspTest, utf8_strings_cross_unchanged) {
  const std::string text =
      "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80 \xe6\x97\xa5\xe6\x9c\xac";  // héllo € 😀 日本
  EXPECT_EQ(*guest->call<std::string>("echo", text), text);
  EXPECT_EQ(*guest->call<int32_t>("str_len", text),
            int32_t(text.size()));  // bytes, not code points
  EXPECT_EQ(*guest->call<std::string>("greet", "\xc3\xbc"), "Hello, \xc3\xbc!");
}

TEST_F(WaspTest, empty_and_long_strings) {
  EXPECT_EQ(*guest->call<std::string>("echo", ""), "");
  EXPECT_EQ(*guest->call<int32_t>("str_len", std::string()), 0);
  EXPECT_EQ(*guest->call<std::string>("concat", "", ""), "");
  // 300 KiB: more than the guest's initial memory, which its allocator grows.
  std::string big(300 * 1024, 'x');
  for (size_t i = 0; i < big.size(); i += 7) big[i] = char('a' + i % 26);
  EXPECT_EQ(*guest->call<std::string>("echo", big), big);
  auto repeated = guest->call<std::string>("repeat", "ab", int32_t{20000});
  ASSERT_TRUE(repeated) << repeated.error().to_string();
  EXPECT_EQ(repeated->size(), 40000u);
  EXPECT_EQ(repeated->substr(0, 6), "ababab");
}

TEST_F(WaspTest, strings_are_copied_whole_and_nul_terminated) {
  // A C guest sees the string up to its first NUL; the bytes after it are there too, and the
  // terminator follows the last one.
  const std::string embedded("a\0b", 3);
  EXPECT_EQ(*guest->call<int32_t>("str_len", embedded), 1);
  EXPECT_EQ(*guest->call<int32_t>("byte_at", embedded, int32_t{0}), 'a');
  EXPECT_EQ(*guest->call<int32_t>("byte_at", embedded, int32_t{1}), 0);
  EXPECT_EQ(*guest->call<int32_t>("byte_at", embedded, int32_t{2}), 'b');
  EXPECT_EQ(*guest->call<int32_t>("byte_at", embedded, int32_t{3}), 0);
  // And so a string result ends at the guest's first NUL (get_string_size is strlen).
  EXPECT_EQ(*guest->call<std::string>("echo", embedded), "a");
}

TEST_F(WaspTest, null_const_char_pointer_arrives_as_null) {
  const char* none = nullptr;
  EXPECT_EQ(*guest->call<int32_t>("is_null", none), 1);
  EXPECT_EQ(*guest->call<int32_t>("is_null", ""), 0);
}

// ---- byte arrays ---------------------------------------------------------------------------

TEST_F(WaspTest, byte_arrays_in_and_out) {
  std::vector<uint8_t> data = {1, 2, 3, 250};
  EXPECT_EQ(*guest->call<uint32_t>("bytes_len", data), 4u);
  EXPECT_EQ(*guest->call<uint32_t>("bytes_sum", std::span<const uint8_t>(data)), 256u);
  EXPECT_EQ(*guest->call<std::vector<uint8_t>>("reverse_bytes", data),
            (std::vector<uint8_t>{250, 3, 2, 1}));
  EXPECT_EQ(*guest->call<std::vector<uint8_t>>("string_to_bytes", "abc"), bytes_of("abc"));
}

TEST_F(WaspTest, byte_arrays_keep_zero_bytes_and_may_be_empty) {
  std::vector<uint8_t> zeros = {0, 0, 7, 0, 0};
  EXPECT_EQ(*guest->call<uint32_t>("bytes_len", zeros), 5u);
  EXPECT_EQ(*guest->call<std::vector<uint8_t>>("reverse_bytes", zeros),
            (std::vector<uint8_t>{0, 0, 7, 0, 0}));
  std::vector<uint8_t> empty;
  EXPECT_EQ(*guest->call<uint32_t>("bytes_len", empty), 0u);
  EXPECT_EQ(*guest->call<std::vector<uint8_t>>("reverse_bytes", empty), empty);
  EXPECT_EQ(*guest->call<std::vector<uint8_t>>("reverse_bytes", std::span<const uint8_t>()), empty);
  std::vector<uint8_t> all(256);
  for (size_t i = 0; i < all.size(); ++i) all[i] = uint8_t(255 - i);
  std::vector<uint8_t> reversed(all.rbegin(), all.rend());
  EXPECT_EQ(*guest->call<std::vector<uint8_t>>("reverse_bytes", all), reversed);
}

TEST_F(WaspTest, every_kind_in_one_call) {
  std::vector<uint8_t> bytes = {10, 20};
  auto r =
      guest->call<double>("mix", int32_t{1}, int64_t{1000000000000}, "four", bytes, 0.5f, 0.25);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_DOUBLE_EQ(*r, 1.0 + 1e12 + 4.0 + 2.0 + 30.0 + 0.5 + 0.25);
}

// ---- errors from the guest ---------------------------------------------------------------

TEST_F(WaspTest, raise_error_is_a_guest_error_with_the_message) {
  auto r = guest->call<int32_t>("fail_with", "the widget is broken");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::guest);
  EXPECT_EQ(r.error().message, "the widget is broken");
  auto s = guest->call<std::string>("fail_string", "no string for you \xe2\x9c\x97");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, ErrorKind::guest);
  EXPECT_EQ(s.error().message, "no string for you \xe2\x9c\x97");
  // The error belongs to that call only.
  EXPECT_EQ(*guest->call<int32_t>("add_i32", 1, 2), 3);
  EXPECT_EQ(guest->plugin().last_status(), weft::CallStatus::ok);
  // The inputs of the failed calls were freed all the same.
  EXPECT_EQ(live(), 0);
}

TEST_F(WaspTest, the_last_raised_error_wins_as_in_wasp) {
  auto r = guest->call("fail_twice");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "second");
}

TEST_F(WaspTest, raise_error_with_a_bad_range_traps_without_crashing) {
  auto r = guest->call("fail_bad_message");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::trap);
  EXPECT_EQ(r.error().trap, TrapKind::host_error);
  EXPECT_NE(r.error().message.find("env.raise_error message"), std::string::npos)
      << r.error().message;
  EXPECT_EQ(*guest->call<int32_t>("add_i32", 2, 2), 4);
}

TEST(Wasp, go_style_raise_error_with_a_nul_terminated_string) {
  weft::Engine engine;
  auto g = weft::wasp::Builder().instantiate(
      engine, weft::Manifest::from_wasm(read_guest("go_style.wasm")));
  ASSERT_TRUE(g) << g.error().to_string();
  auto r = g->call<int32_t>("fail");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::guest);
  EXPECT_EQ(r.error().message, "boom from go");
  EXPECT_EQ(*g->call<int32_t>("ok", 41), 42);
  auto unterminated = g->call("fail_unterminated");
  ASSERT_FALSE(unterminated);
  EXPECT_EQ(unterminated.error().trap, TrapKind::host_error);
  EXPECT_NE(unterminated.error().message.find("no NUL terminator"), std::string::npos)
      << unterminated.error().message;
}

TEST(Wasp, raise_error_imported_with_another_type_is_refused) {
  weft::Engine engine;
  auto g = weft::wasp::Builder().instantiate(
      engine, weft::Manifest::from_wasm(read_guest("bad_raise.wasm")));
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().kind, ErrorKind::unlinkable);
  EXPECT_NE(g.error().message.find("env.raise_error is imported as"), std::string::npos)
      << g.error().message;
}

TEST_F(WaspTest, traps_come_back_as_traps_and_the_next_call_works) {
  auto r = guest->call<int32_t>("do_trap", "input");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::trap);
  EXPECT_EQ(r.error().trap, TrapKind::unreachable);
  EXPECT_EQ(guest->plugin().last_status(), weft::CallStatus::trap);
  auto d = guest->call<int32_t>("divide", 1, 0);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().trap, TrapKind::integer_divide_by_zero);
  // A fresh instance: the trapped one's blocks went with it.
  EXPECT_EQ(*guest->call<std::string>("greet", "again"), "Hello, again!");
  // ... and were not freed into the new one's allocator.
  EXPECT_EQ(live(), 0);
  EXPECT_EQ(mismatches(), 0);
}

TEST_F(WaspTest, timeout_and_fuel_limits_apply) {
  guest->plugin().set_timeout_ms(50);
  auto r = guest->call("spin");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().trap, TrapKind::interrupted);
  EXPECT_EQ(guest->plugin().last_status(), weft::CallStatus::timeout);
  guest->plugin().set_timeout_ms(std::nullopt);
  guest->plugin().set_fuel(10000);
  auto f = guest->call("spin");
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().trap, TrapKind::out_of_fuel);
  EXPECT_EQ(*guest->call<std::string>("echo", "still here"), "still here");
}

TEST_F(WaspTest, a_call_can_be_cancelled_from_another_thread) {
  std::atomic<bool> done = false;
  weft::CancelHandle handle = guest->plugin().cancel_handle();
  std::thread canceller([&] {
    // cancel() is a no-op while no call runs: repeat until the call has ended.
    while (!done) {
      handle.cancel();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  auto r = guest->call("spin");
  done = true;
  canceller.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(guest->plugin().last_status(), weft::CallStatus::cancelled);
  EXPECT_EQ(*guest->call<int32_t>("add_i32", 1, 1), 2);
}

TEST(Wasp, the_manifest_limits_apply) {
  weft::Engine engine;
  Seen seen;
  auto manifest = weft::Manifest::parse_json(
      R"({"wasm": [{"path": "wasp_guest.wasm"}], "timeout_ms": 50, "memory": {"max_pages": 3}})",
      WASP_GUEST_DIR);
  ASSERT_TRUE(manifest) << manifest.error().to_string();
  auto g = make_guest(engine, seen, std::move(*manifest));
  ASSERT_TRUE(g) << g.error().to_string();
  auto r = g->call("spin");
  ASSERT_FALSE(r);
  EXPECT_EQ(g->plugin().last_status(), weft::CallStatus::timeout);
  // (No timeout for the rest, which a loaded machine could otherwise trip.)
  g->plugin().set_timeout_ms(std::nullopt);
  // 300 KiB do not fit in 3 pages: the guest's allocator cannot grow its memory.
  auto big = g->call<std::string>("echo", std::string(300 * 1024, 'x'));
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().kind, ErrorKind::guest);
  EXPECT_NE(big.error().message.find("returned 0: the guest is out of memory"), std::string::npos)
      << big.error().message;
  EXPECT_EQ(*g->call<std::string>("echo", std::string(1000, 'y')), std::string(1000, 'y'));
}

// ---- wrong calls ---------------------------------------------------------------------------

TEST_F(WaspTest, a_missing_export_is_a_clear_error) {
  auto r = guest->call<int32_t>("no_such_function", 1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::usage);
  EXPECT_EQ(r.error().message, "wasp: the guest has no exported function named 'no_such_function'");
  EXPECT_FALSE(guest->function_exists("no_such_function"));
  EXPECT_TRUE(guest->function_exists("greet"));
}

TEST_F(WaspTest, a_type_mismatch_is_a_clear_error_before_anything_is_allocated) {
  auto wrong_result = guest->call<int64_t>("add_i32", 1, 2);
  ASSERT_FALSE(wrong_result);
  EXPECT_EQ(wrong_result.error().kind, ErrorKind::usage);
  EXPECT_EQ(wrong_result.error().message,
            "wasp: the guest's 'add_i32' has type (i32, i32) -> (i32), but the call's C++ argument "
            "and result types make (i32, i32) -> (i64)");
  auto wrong_args = guest->call<std::string>("greet", "a", "b");
  ASSERT_FALSE(wrong_args);
  EXPECT_NE(wrong_args.error().message.find("make (i32, i32) -> (i32)"), std::string::npos)
      << wrong_args.error().message;
  auto float_for_int = guest->call<int32_t>("add_i32", 1.0, 2);
  ASSERT_FALSE(float_for_int);
  EXPECT_EQ(float_for_int.error().kind, ErrorKind::usage);
  auto void_for_int = guest->call("add_i32", 1, 2);
  ASSERT_FALSE(void_for_int);
  EXPECT_EQ(live(), 0);
}

TEST(Wasp, strings_need_the_helpers_and_the_memory) {
  weft::Engine engine;
  auto g = weft::wasp::Builder().instantiate(
      engine, weft::Manifest::from_wasm(read_guest("no_helpers.wasm")));
  ASSERT_TRUE(g) << g.error().to_string();
  EXPECT_EQ(*g->call<int32_t>("double", 21), 42);
  auto in = g->call<int32_t>("takes_string", "x");
  ASSERT_FALSE(in);
  EXPECT_EQ(in.error().kind, ErrorKind::usage);
  EXPECT_EQ(in.error().message,
            "wasp: calling 'takes_string' with strings or byte arrays needs the guest to export "
            "allocate (i32) -> (i32); it does not");
  auto out = g->call<std::string>("returns_string");
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("deallocate"), std::string::npos) << out.error().message;

  auto m = weft::wasp::Builder().instantiate(
      engine, weft::Manifest::from_wasm(read_guest("no_memory.wasm")));
  ASSERT_TRUE(m) << m.error().to_string();
  auto r = m->call<int32_t>("takes_string", "x");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("does not export its memory as 'memory'"), std::string::npos)
      << r.error().message;
}

// ---- bad pointers from the guest ----------------------------------------------------------

TEST_F(WaspTest, bad_result_pointers_are_errors_not_crashes) {
  auto null = guest->call<std::string>("null_string");
  ASSERT_FALSE(null);
  EXPECT_EQ(null.error().kind, ErrorKind::guest);
  EXPECT_EQ(null.error().message, "wasp: the string returned by 'null_string' is a null pointer");

  auto wild_bytes = guest->call<std::vector<uint8_t>>("wild_pointer");
  ASSERT_FALSE(wild_bytes);
  EXPECT_EQ(wild_bytes.error().kind, ErrorKind::guest);
  EXPECT_NE(wild_bytes.error().message.find("outside the guest's memory"), std::string::npos)
      << wild_bytes.error().message;

  auto overlong = guest->call<std::vector<uint8_t>>("overlong_bytes");
  ASSERT_FALSE(overlong);
  EXPECT_NE(overlong.error().message.find("2147483647 bytes at"), std::string::npos)
      << overlong.error().message;

  // get_string_size claims more than the memory holds.
  ASSERT_TRUE(guest->call("set_string_size_override", int32_t{0x7FFFFFFF}));
  auto lying = guest->call<std::string>("echo", "short");
  ASSERT_FALSE(lying);
  EXPECT_EQ(lying.error().kind, ErrorKind::guest);
  EXPECT_NE(lying.error().message.find("get_string_size gave 2147483647"), std::string::npos)
      << lying.error().message;
  ASSERT_TRUE(guest->call("set_string_size_override", int32_t{3}));
  auto wild_string = guest->call<std::string>("wild_pointer");
  ASSERT_FALSE(wild_string);
  EXPECT_NE(wild_string.error().message.find("outside the guest's memory"), std::string::npos);
  ASSERT_TRUE(guest->call("set_string_size_override", int32_t{-1}));

  // Still usable; the inputs were freed (the unreadable results are the guest's to keep: two
  // blocks, from echo and overlong_bytes).
  EXPECT_EQ(*guest->call<std::string>("greet", "ok"), "Hello, ok!");
  EXPECT_EQ(live(), 2);
}

TEST_F(WaspTest, a_bad_allocation_is_an_error_not_a_crash) {
  ASSERT_TRUE(guest->call("set_bad_alloc", int32_t{1}));
  auto zero = guest->call<int32_t>("str_len", "abc");
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().kind, ErrorKind::guest);
  EXPECT_EQ(zero.error().message,
            "wasp: allocate(4) for argument 1 of 'str_len' returned 0: the guest is out of memory");
  ASSERT_TRUE(guest->call("set_bad_alloc", int32_t{2}));
  auto wild = guest->call<uint32_t>("bytes_len", std::vector<uint8_t>{1, 2, 3});
  ASSERT_FALSE(wild);
  EXPECT_EQ(wild.error().kind, ErrorKind::guest);
  EXPECT_NE(wild.error().message.find("7 bytes at 0xffffff00 are outside the guest's memory"),
            std::string::npos)
      << wild.error().message;
  ASSERT_TRUE(guest->call("set_bad_alloc", int32_t{0}));
  // A failure on the second argument frees the first.
  ASSERT_TRUE(guest->call("fail_allocation_after", int32_t{1}));
  auto second = guest->call<std::string>("concat", "x", "y");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().message,
            "wasp: allocate(2) for argument 2 of 'concat' returned 0: the guest is out of memory");
  EXPECT_EQ(live(), 0);
  EXPECT_EQ(mismatches(), 0);
  EXPECT_EQ(*guest->call<std::string>("concat", "x", "y"), "xy");
  EXPECT_EQ(live(), 0);
}

TEST_F(WaspTest, a_callback_given_a_bad_pointer_traps_without_crashing) {
  auto r = guest->call("call_log_wild");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::trap);
  EXPECT_EQ(r.error().trap, TrapKind::host_error);
  EXPECT_NE(r.error().message.find("plugin.log argument 1: string pointer 0xfffffff0 is outside"),
            std::string::npos)
      << r.error().message;
  EXPECT_TRUE(seen.logs.empty());
}

// ---- host callbacks ------------------------------------------------------------------------

TEST_F(WaspTest, callbacks_in_the_plugin_namespace) {
  ASSERT_TRUE(guest->call("call_log", "hello from the guest \xe2\x9c\x93"));
  ASSERT_EQ(seen.logs.size(), 1u);
  EXPECT_EQ(seen.logs[0], "hello from the guest \xe2\x9c\x93");
  EXPECT_EQ(*guest->call<int32_t>("call_add", 40, 2), 42);
  EXPECT_EQ(*guest->call<std::string>("call_version"), "wasp-test 1.0");
  // A string made by the host in the guest's memory, returned to the host and freed by it.
  EXPECT_EQ(*guest->call<std::string>("call_upper", "shout \xc3\xa9!"), "SHOUT \xc3\xa9!");
  EXPECT_EQ(*guest->call<std::string>("call_upper", ""), "");
  // A byte array made by the host, freed by the guest with the prefix's size.
  EXPECT_EQ(*guest->call<uint32_t>("call_checksum", std::vector<uint8_t>{1, 2, 4, 0}),
            (7u << 8) | 7u);
  EXPECT_EQ(*guest->call<uint32_t>("call_checksum", std::vector<uint8_t>{}), 0u);
  EXPECT_EQ(live(), 0);
  EXPECT_EQ(mismatches(), 0);
}

TEST_F(WaspTest, callbacks_in_another_namespace) {
  ASSERT_TRUE(guest->call("call_record", "latency", int64_t{-1} << 40, 0.75));
  const char* none = nullptr;
  ASSERT_TRUE(guest->call("call_record", none, int64_t{7}, -2.5));
  ASSERT_EQ(seen.records.size(), 2u);
  EXPECT_EQ(seen.records[0], std::make_tuple(std::string("latency"), int64_t{-1} << 40, 0.75));
  EXPECT_EQ(seen.records[1], std::make_tuple(std::string("(null)"), int64_t{7}, -2.5));
  EXPECT_FLOAT_EQ(*guest->call<float>("call_scale", 1.25f, uint64_t{4}), 5.0f);
}

TEST_F(WaspTest, a_failing_callback_traps_the_guest_with_its_message) {
  EXPECT_EQ(*guest->call<int32_t>("call_fails", 4), 40);
  auto r = guest->call<int32_t>("call_fails", -3);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::trap);
  EXPECT_EQ(r.error().trap, TrapKind::host_error);
  EXPECT_EQ(r.error().message, "plugin.fails: negative input -3");
  EXPECT_EQ(*guest->call<int32_t>("call_fails", 1), 10);
}

TEST(Wasp, a_guest_importing_a_callback_not_defined_does_not_link) {
  weft::Engine engine;
  auto g = weft::wasp::Builder().instantiate(
      engine, weft::Manifest::from_wasm(read_guest("wasp_guest.wasm")));
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().kind, ErrorKind::unlinkable);
}

// ---- memory stays flat ---------------------------------------------------------------------

TEST_F(WaspTest, many_calls_leave_guest_memory_flat) {
  auto memory_pages = [&] {
    auto inst = guest->plugin().instance();
    return inst ? inst->get_memory("memory")->size_pages() : 0;
  };
  auto round = [&](int i) {
    std::string name = "name-" + std::to_string(i);
    ASSERT_EQ(*guest->call<std::string>("greet", name), "Hello, " + name + "!");
    ASSERT_EQ(*guest->call<std::string>("concat", name, "\xc3\xa9"), name + "\xc3\xa9");
    std::vector<uint8_t> b(size_t(i % 50), uint8_t(i));
    ASSERT_EQ(guest->call<std::vector<uint8_t>>("reverse_bytes", b)->size(), b.size());
    ASSERT_EQ(*guest->call<std::string>("call_upper", name), "NAME-" + std::to_string(i));
    ASSERT_TRUE(guest->call<uint32_t>("call_checksum", b));
    ASSERT_FALSE(guest->call<int32_t>("fail_with", name));
    ASSERT_TRUE(guest->call("call_log", name));
  };
  for (int i = 0; i < 50; ++i) round(i);
  uint64_t pages = memory_pages();
  uint64_t generation = guest->plugin().instance_generation();
  for (int i = 0; i < 500; ++i) round(i);
  EXPECT_EQ(live(), 0);
  EXPECT_EQ(mismatches(), 0);  // every block freed with the size it was allocated with
  EXPECT_EQ(memory_pages(), pages);
  EXPECT_EQ(guest->plugin().instance_generation(), generation);  // the same instance throughout
}

TEST(Wasp, an_instance_moves_and_stays_usable) {
  weft::Engine engine;
  Seen seen;
  auto g = make_guest(engine, seen);
  ASSERT_TRUE(g) << g.error().to_string();
  weft::wasp::Instance moved = std::move(*g);
  ASSERT_FALSE(moved.call<int32_t>("fail_with", "after the move"));
  EXPECT_EQ(moved.call<int32_t>("fail_with", "after the move").error().message, "after the move");
}

}  // namespace

// The plugin host through its C++ API, with the C plugins of plugins/abi_test.c.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>

#include "weft/plugin.hpp"

namespace {

using namespace weft;

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string text(const std::vector<uint8_t>& b) { return std::string(b.begin(), b.end()); }

const std::string k_plugin = std::string(PLUGIN_DIR) + "/abi_test.wasm";
const std::string k_host_plugin = std::string(PLUGIN_DIR) + "/abi_host.wasm";

struct Fixture : ::testing::Test {
  Engine engine;
  std::unique_ptr<Plugin> make(Manifest m, PluginOptions o = {}) {
    auto c = CompiledPlugin::create(engine, std::move(m), std::move(o));
    EXPECT_TRUE(c) << c.error().to_string();
    if (!c) return nullptr;
    auto p = Plugin::create(*c);
    EXPECT_TRUE(p) << p.error().to_string();
    return p ? std::move(*p) : nullptr;
  }
  std::unique_ptr<Plugin> make(PluginOptions o = {}) {
    auto m = Manifest::load(k_plugin);
    EXPECT_TRUE(m);
    return make(std::move(*m), std::move(o));
  }
};

TEST_F(Fixture, EchoAndUppercase) {
  auto p = make();
  ASSERT_TRUE(p);
  auto out = p->call("echo", "hello, plugin: twelve+ bytes");
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(text(*out), "hello, plugin: twelve+ bytes");
  out = p->call("upper", "abc xyz 123");
  ASSERT_TRUE(out);
  EXPECT_EQ(text(*out), "ABC XYZ 123");
  out = p->call("echo", "");
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->empty());
  EXPECT_EQ(p->last_status(), CallStatus::ok);
}

TEST_F(Fixture, FunctionExists) {
  auto p = make();
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->function_exists("echo"));
  EXPECT_FALSE(p->function_exists("nope"));
  auto out = p->call("nope", "");
  ASSERT_FALSE(out);
  EXPECT_EQ(p->last_status(), CallStatus::host_error);
  EXPECT_NE(out.error().message.find("no function named 'nope'"), std::string::npos);
}

TEST_F(Fixture, ConfigSetAndUpdated) {
  auto m = Manifest::load(k_plugin);
  ASSERT_TRUE(m);
  m->config["greeting"] = "hi";
  auto p = make(std::move(*m));
  ASSERT_TRUE(p);
  EXPECT_EQ(text(*p->call("config", "greeting")), "hi");
  EXPECT_EQ(text(*p->call("config", "other")), "<none>");
  p->update_config({{"other", "o"}});
  EXPECT_EQ(text(*p->call("config", "other")), "o");
  EXPECT_EQ(text(*p->call("config", "greeting")), "hi");
  p->set_config({});
  EXPECT_EQ(text(*p->call("config", "greeting")), "<none>");
}

TEST_F(Fixture, VarsPersistAcrossCalls) {
  auto p = make();
  ASSERT_TRUE(p);
  EXPECT_EQ(text(*p->call("count", "")), "1");
  EXPECT_EQ(text(*p->call("count", "")), "2");
  EXPECT_EQ(text(*p->call("count", "")), "3");
  auto v = p->var("count");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->size(), 8u);
  p->clear_vars();
  EXPECT_EQ(text(*p->call("count", "")), "1");
}

TEST_F(Fixture, MaxVarBytes) {
  auto m = Manifest::load(k_plugin);
  ASSERT_TRUE(m);
  m->max_var_bytes = 60;  // one entry: 48 + "count" + 8 = 61 bytes
  auto p = make(std::move(*m));
  ASSERT_TRUE(p);
  auto out = p->call("count", "");
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("Variable store is full"), std::string::npos);
  auto m2 = Manifest::load(k_plugin);
  ASSERT_TRUE(m2);
  m2->max_var_bytes = 0;
  auto q = make(std::move(*m2));
  ASSERT_TRUE(q);
  out = q->call("count", "");
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("Vars are disabled"), std::string::npos);
  auto m3 = Manifest::load(k_plugin);
  ASSERT_TRUE(m3);
  m3->max_var_bytes = 61;
  auto r = make(std::move(*m3));
  ASSERT_TRUE(r);
  EXPECT_EQ(text(*r->call("count", "")), "1");
}

TEST_F(Fixture, GuestErrorWithMessage) {
  auto p = make();
  ASSERT_TRUE(p);
  auto out = p->call("fail", "bad input");
  ASSERT_FALSE(out);
  EXPECT_EQ(p->last_status(), CallStatus::guest_error);
  EXPECT_EQ(out.error().kind, ErrorKind::guest);
  EXPECT_EQ(out.error().message, "boom: bad input");
  EXPECT_EQ(out.error().exit_code, 1u);
  // The instance is still good.
  EXPECT_EQ(text(*p->call("echo", "ok")), "ok");
}

TEST_F(Fixture, NonZeroReturnCode) {
  auto p = make();
  ASSERT_TRUE(p);
  auto out = p->call("rc", "");
  ASSERT_FALSE(out);
  EXPECT_EQ(p->last_status(), CallStatus::guest_error);
  EXPECT_EQ(out.error().kind, ErrorKind::guest);
  EXPECT_EQ(out.error().exit_code, 7u);
  EXPECT_NE(out.error().message.find("returned 7"), std::string::npos);
}

TEST_F(Fixture, LoggingToCustomSink) {
  std::vector<std::pair<LogLevel, std::string>> logs;
  PluginOptions o;
  o.log_level = LogLevel::info;
  o.log_sink = [&](LogLevel l, std::string_view m) { logs.emplace_back(l, std::string(m)); };
  auto p = make(std::move(o));
  ASSERT_TRUE(p);
  auto out = p->call("log", "from the guest");
  ASSERT_TRUE(out);
  EXPECT_EQ(text(*out), "2");  // get_log_level: info
  ASSERT_EQ(logs.size(), 2u);  // debug is below the level
  EXPECT_EQ(logs[0].first, LogLevel::info);
  EXPECT_EQ(logs[0].second, "from the guest");
  EXPECT_EQ(logs[1].first, LogLevel::error);
  EXPECT_EQ(logs[1].second, "error line");
  logs.clear();
  p->set_log_level(LogLevel::off);
  ASSERT_TRUE(p->call("log", "x"));
  EXPECT_TRUE(logs.empty());
}

TEST_F(Fixture, HostFunctionWithUserData) {
  PluginOptions o;
  PluginHostFunction f;
  f.name = "greet";
  f.type = FuncType{{ValType::i64}, {ValType::i64}};
  f.user_data = std::make_shared<std::string>("Hello, ");
  f.fn = [](CurrentPlugin& cp, std::span<const Value> args, std::span<Value> results,
            void* user) -> Result<void> {
    std::string name = cp.read_string(uint64_t(args[0].i64()));
    std::string reply = *static_cast<std::string*>(user) + name + "!";
    results[0] = Value::i64(int64_t(cp.alloc_string(reply)));
    return {};
  };
  o.functions.push_back(f);
  auto m = Manifest::load(k_host_plugin);
  ASSERT_TRUE(m);
  auto p = make(std::move(*m), std::move(o));
  ASSERT_TRUE(p);
  auto out = p->call("greet", "weft");
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(text(*out), "Hello, weft!");
}

TEST_F(Fixture, MissingHostFunctionIsUnlinkable) {
  auto m = Manifest::load(k_host_plugin);
  ASSERT_TRUE(m);
  auto c = CompiledPlugin::create(engine, std::move(*m));
  ASSERT_TRUE(c);
  auto p = Plugin::create(*c);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, ErrorKind::unlinkable);
}

TEST_F(Fixture, TimeoutOnEndlessLoopThenPristine) {
  PluginOptions o;
  o.timeout_ms = 100;
  auto p = make(std::move(o));
  ASSERT_TRUE(p);
  EXPECT_EQ(text(*p->call("counter", "")), "1");
  auto start = std::chrono::steady_clock::now();
  auto out = p->call("loop", "");
  ASSERT_FALSE(out);
  EXPECT_EQ(p->last_status(), CallStatus::timeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(text(*p->call("counter", "")), "1");  // a fresh instance
}

TEST_F(Fixture, ManifestTimeout) {
  auto m = Manifest::load(k_plugin);
  ASSERT_TRUE(m);
  m->timeout_ms = 50;
  auto p = make(std::move(*m));
  ASSERT_TRUE(p);
  ASSERT_FALSE(p->call("loop", ""));
  EXPECT_EQ(p->last_status(), CallStatus::timeout);
}

TEST_F(Fixture, FuelExhaustion) {
  PluginOptions o;
  o.fuel = 100000;
  auto p = make(std::move(o));
  ASSERT_TRUE(p);
  auto out = p->call("loop", "");
  ASSERT_FALSE(out);
  EXPECT_EQ(p->last_status(), CallStatus::out_of_fuel);
  EXPECT_EQ(out.error().trap, TrapKind::out_of_fuel);
  // Fuel is per call: a short call still runs.
  EXPECT_EQ(text(*p->call("echo", "again")), "again");
}

TEST_F(Fixture, CancelFromAnotherThread) {
  auto p = make();
  ASSERT_TRUE(p);
  CancelHandle h = p->cancel_handle();
  h.cancel();  // idle: no effect on the next call
  EXPECT_EQ(text(*p->call("counter", "")), "1");
  std::thread t([h] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    h.cancel();
  });
  auto out = p->call("loop", "");
  t.join();
  ASSERT_FALSE(out);
  EXPECT_EQ(p->last_status(), CallStatus::cancelled);
  EXPECT_EQ(text(*p->call("counter", "")), "1");
}

TEST_F(Fixture, PristineInstanceAfterTrap) {
  auto p = make();
  ASSERT_TRUE(p);
  EXPECT_EQ(text(*p->call("counter", "")), "1");
  EXPECT_EQ(text(*p->call("counter", "")), "2");
  auto out = p->call("trap", "");
  ASSERT_FALSE(out);
  EXPECT_EQ(p->last_status(), CallStatus::trap);
  EXPECT_EQ(out.error().trap, TrapKind::unreachable);
  EXPECT_EQ(text(*p->call("counter", "")), "1");
}

TEST_F(Fixture, MaxPagesCapsGuestAndExtismMemory) {
  auto m = Manifest::load(k_plugin);
  ASSERT_TRUE(m);
  m->max_pages = 4;
  auto p = make(std::move(*m));
  ASSERT_TRUE(p);
  EXPECT_EQ(text(*p->call("grow", "100")), "fail");
  EXPECT_EQ(text(*p->call("grow", "1")), "ok");
  EXPECT_EQ(text(*p->call("big_alloc", "1000000")), "0");
  EXPECT_EQ(text(*p->call("big_alloc", "1000")), "allocated");
  // Unlimited: the same allocation succeeds.
  auto q = make();
  ASSERT_TRUE(q);
  EXPECT_EQ(text(*q->call("big_alloc", "1000000")), "allocated");
}

TEST_F(Fixture, ReentrantCallRefused) {
  PluginOptions o;
  PluginHostFunction f;
  f.name = "greet";
  f.type = FuncType{{ValType::i64}, {ValType::i64}};
  Plugin* self = nullptr;
  std::string seen;
  f.fn = [&](CurrentPlugin&, std::span<const Value>, std::span<Value> results, void*) -> Result<void> {
    auto r = self->call("echo", "inner");
    seen = r ? "accepted" : r.error().message;
    results[0] = Value::i64(0);
    return {};
  };
  o.functions.push_back(f);
  auto m = Manifest::load(k_host_plugin);
  ASSERT_TRUE(m);
  auto p = make(std::move(*m), std::move(o));
  ASSERT_TRUE(p);
  self = p.get();
  auto out = p->call("greet", "x");
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_NE(seen.find("not reentrant"), std::string::npos) << seen;
}

// abi_test's `http` sends "{}": a request without a URL traps, and the next call answers.
TEST_F(Fixture, HttpRequestWithoutUrlTraps) {
  auto p = make();
  ASSERT_TRUE(p);
  auto out = p->call("http", "");
  ASSERT_FALSE(out);
  EXPECT_EQ(p->last_status(), CallStatus::trap);
  EXPECT_NE(out.error().message.find("the request needs a \"url\" string"), std::string::npos)
      << out.error().message;
  EXPECT_EQ(text(*p->call("upper", "ok")), "OK");
}

TEST_F(Fixture, CompiledPluginSharedBetweenThreads) {
  auto m = Manifest::load(k_plugin);
  ASSERT_TRUE(m);
  auto c = CompiledPlugin::create(engine, std::move(*m));
  ASSERT_TRUE(c);
  std::shared_ptr<const CompiledPlugin> compiled = *c;
  std::atomic<int> good = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto p = Plugin::create(compiled);
      if (!p) return;
      for (int i = 0; i < 20; ++i) {
        std::string in = "t" + std::to_string(t) + "-" + std::to_string(i);
        auto out = (*p)->call("upper", in);
        std::string want = in;
        want[0] = 'T';
        if (out && text(*out) == want) ++good;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(good.load(), 80);
}

TEST_F(Fixture, ManifestWithSha256AndBase64) {
  std::vector<uint8_t> bytes = read_bytes(k_plugin);
  ASSERT_FALSE(bytes.empty());
  std::string hash = sha256_hex(bytes);
  std::string dir = std::string(PLUGIN_DIR);
  auto good = Manifest::parse_json(R"({"wasm":[{"path":"abi_test.wasm","hash":")" + hash + R"("}]})", dir);
  ASSERT_TRUE(good) << good.error().to_string();
  auto p = make(std::move(*good));
  ASSERT_TRUE(p);
  EXPECT_EQ(text(*p->call("echo", "hashed")), "hashed");

  std::string bad_hash(64, '0');
  auto bad = Manifest::parse_json(R"({"wasm":[{"path":"abi_test.wasm","hash":")" + bad_hash + R"("}]})", dir);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("wasm[0].hash: sha256 mismatch"), std::string::npos)
      << bad.error().message;

  // base64 data
  static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string b64;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t v = uint32_t(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= uint32_t(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) v |= bytes[i + 2];
    b64 += tbl[(v >> 18) & 63];
    b64 += tbl[(v >> 12) & 63];
    b64 += i + 1 < bytes.size() ? tbl[(v >> 6) & 63] : '=';
    b64 += i + 2 < bytes.size() ? tbl[v & 63] : '=';
  }
  auto data = Manifest::parse_json(R"({"wasm":[{"data":")" + b64 + R"(","hash":")" + hash +
                                   R"("}],"config":{"greeting":"from data"}})");
  ASSERT_TRUE(data) << data.error().to_string();
  auto q = make(std::move(*data));
  ASSERT_TRUE(q);
  EXPECT_EQ(text(*q->call("config", "greeting")), "from data");
}

TEST_F(Fixture, ModulesLinkedByNameAndInitialize) {
  // "main" is the main module even when it is not last; _initialize runs before the call.
  auto m = Manifest::parse_json(
      R"({"wasm": [{"path": "linked_main.wasm", "name": "main"}, {"path": "linked_lib.wasm", "name": "lib"}]})",
      PLUGIN_DIR);
  ASSERT_TRUE(m) << m.error().to_string();
  auto p = make(std::move(*m));
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->function_exists("run"));
  EXPECT_FALSE(p->function_exists("double"));
  auto out = p->call("run", "");
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(text(*out), "7");
}

}  // namespace

// The public WASI API (include/weft/wasi.hpp): run_start and proc_exit, traps, reactors,
// captured stdout/stderr, stdin from a buffer, deterministic clock and randomness.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "weft/wasi.hpp"

namespace {

namespace fs = std::filesystem;

std::vector<uint8_t> read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

struct WasiRun {
  weft::Engine engine;
  weft::Store store{engine};
  weft::Linker linker{engine};
  std::unique_ptr<weft::Wasi> wasi;
  weft::Instance instance;

  WasiRun(const fs::path& module_path, const weft::WasiConfig& config) {
    wasi = std::make_unique<weft::Wasi>(config);
    auto bytes = read_bytes(module_path);
    auto module = engine.compile(bytes);
    EXPECT_TRUE(module) << module_path << ": " << (module ? "" : module.error().to_string());
    EXPECT_TRUE(wasi->define(linker));
    auto inst = linker.instantiate(store, *module);
    EXPECT_TRUE(inst) << (inst ? "" : inst.error().to_string());
    if (inst) instance = *inst;
  }
};

const fs::path k_modules = WASI_MODULES_DIR;
const fs::path k_guests = fs::path(WASI_MODULES_DIR).parent_path() / "guests";

TEST(wasi_api, proc_exit_is_the_status) {
  WasiRun r(k_modules / "exit42.wasm", weft::WasiConfig{});
  auto status = r.wasi->run_start(r.store, r.instance);
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, 42u);
}

TEST(wasi_api, a_trap_is_an_error) {
  WasiRun r(k_modules / "trap.wasm", weft::WasiConfig{});
  auto status = r.wasi->run_start(r.store, r.instance);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().kind, weft::ErrorKind::trap);
  EXPECT_EQ(status.error().trap, weft::TrapKind::unreachable);
}

TEST(wasi_api, stdout_is_captured) {
  WasiRun r(k_modules / "hello.wasm", weft::WasiConfig{}.capture_stdout());
  auto status = r.wasi->run_start(r.store, r.instance);
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, 0u);
  EXPECT_EQ(r.wasi->stdout_text(), "hello\n");
}

TEST(wasi_api, captured_output_is_bounded_and_the_guest_is_told) {
  // 4 bytes of room: the first write is cut short, the second finds the capture full.
  WasiRun r(k_modules / "capture_limit.wasm",
            weft::WasiConfig{}.capture_stdout().capture_limit_bytes(4));
  auto status = r.wasi->run_start(r.store, r.instance);
  ASSERT_TRUE(status) << status.error().to_string();
  EXPECT_EQ(*status, 0u * 10000 + 4 * 100 + 51u);  // success, 4 bytes; then nospc (51)
  EXPECT_EQ(r.wasi->stdout_text(), "hell");
}

TEST(wasi_api, reactor_initializes_then_serves_calls) {
  WasiRun r(k_modules / "reactor.wasm", weft::WasiConfig{}.capture_stdout());
  ASSERT_TRUE(r.wasi->initialize(r.store, r.instance));
  auto get = r.instance.typed_func<int32_t()>("get");
  ASSERT_TRUE(get);
  EXPECT_EQ(*(*get)(r.store), 1234);
  auto say = r.instance.typed_func<int32_t()>("say");
  ASSERT_TRUE(say);
  EXPECT_EQ(*(*say)(r.store), 0);
  EXPECT_EQ(r.wasi->stdout_text(), "reactor\n");
}

TEST(wasi_api, deterministic_clock_and_random_repeat) {
  std::vector<uint8_t> first;
  for (int i = 0; i < 2; ++i) {
    WasiRun r(k_modules / "random.wasm", weft::WasiConfig{}.deterministic(42));
    auto fill = r.instance.typed_func<int32_t()>("fill");
    ASSERT_TRUE(fill);
    EXPECT_EQ(*(*fill)(r.store), 0);
    auto mem = r.instance.get_memory("memory");
    auto view = mem->view(0, 40);
    std::vector<uint8_t> bytes(view->begin(), view->end());
    if (i == 0)
      first = bytes;
    else
      EXPECT_EQ(bytes, first);
    auto errno_of = r.instance.typed_func<int32_t()>("errno_of");
    EXPECT_EQ(*(*errno_of)(r.store), 21);  // fault: the buffer crosses the end of memory
  }
  WasiRun other(k_modules / "random.wasm", weft::WasiConfig{}.deterministic(43));
  auto fill = other.instance.typed_func<int32_t()>("fill");
  ASSERT_TRUE((*fill)(other.store));
  auto view = other.instance.get_memory("memory")->view(0, 16);
  EXPECT_NE(std::vector<uint8_t>(view->begin(), view->end()),
            std::vector<uint8_t>(first.begin(), first.begin() + 16));
}

TEST(wasi_api, c_guest_with_stdin_buffer_and_captured_streams) {
  fs::path guest = k_guests / "c_files.wasm";
  ASSERT_TRUE(fs::exists(guest)) << guest << " was not built";
  fs::path dir = fs::temp_directory_path() / ("weft-wasi-api-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "input.txt") << "input line 1\ninput line 2\n";
  weft::WasiConfig config;
  config.arg("files").arg("one").arg("9").env("GREETING", "api").preopen(dir, "/sandbox");
  config.stdin_bytes("a\nb\n").capture_stdout().capture_stderr();
  WasiRun r(guest, config);
  auto status = r.wasi->run_start(r.store, r.instance);
  fs::remove_all(dir);
  ASSERT_TRUE(status) << status.error().to_string();
  EXPECT_EQ(*status, 9u);
  std::string out = r.wasi->stdout_text();
  EXPECT_NE(out.find("GREETING=api\n"), std::string::npos) << out;
  EXPECT_NE(out.find("stdin lines 2\n"), std::string::npos) << out;
  EXPECT_NE(out.find("escape .. refused\n"), std::string::npos) << out;
  EXPECT_EQ(r.wasi->stderr_text(), "to stderr\n");
}

TEST(wasi_api, missing_preopen_is_reported) {
  weft::Wasi wasi(weft::WasiConfig{}.preopen("/nonexistent/weft/dir", "/x"));
  auto s = wasi.status();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, weft::ErrorKind::io);
}

}  // namespace

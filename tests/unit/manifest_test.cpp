// The Extism manifest parser: fields, sources, and the errors it reports with their JSON path.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "weft/plugin.hpp"

namespace {

using weft::ErrorKind;
using weft::Manifest;

// "\0asm" version 1: the smallest module. base64: AGFzbQEAAAA=
constexpr const char* k_empty_b64 = "AGFzbQEAAAA=";

std::string error_of(const std::string& json) {
  auto m = Manifest::parse_json(json);
  if (m) return "<parsed>";
  return m.error().message;
}

TEST(Manifest, FullManifest) {
  auto m = Manifest::parse_json(std::string(R"({
    "wasm": [{"data": ")") + k_empty_b64 + R"(", "name": "main"}],
    "memory": {"max_pages": 3, "max_var_bytes": 100, "max_http_response_bytes": 1000},
    "config": {"a": "1", "b": "two"},
    "allowed_hosts": ["*.example.com"],
    "allowed_paths": {"/tmp/in": "/in", "ro:/tmp/ro": "/ro"},
    "timeout_ms": 250
  })");
  ASSERT_TRUE(m) << m.error().message;
  ASSERT_EQ(m->wasm.size(), 1u);
  EXPECT_EQ(m->wasm[0].name, "main");
  EXPECT_EQ(m->wasm[0].bytes, (std::vector<uint8_t>{0, 'a', 's', 'm', 1, 0, 0, 0}));
  EXPECT_EQ(m->max_pages, 3u);
  EXPECT_EQ(m->max_var_bytes, 100u);
  EXPECT_EQ(m->max_http_response_bytes, 1000u);
  EXPECT_EQ(m->config.at("b"), "two");
  EXPECT_EQ(m->allowed_hosts, std::vector<std::string>{"*.example.com"});
  ASSERT_EQ(m->allowed_paths.size(), 2u);
  bool saw_ro = false;
  for (auto& p : m->allowed_paths)
    if (p.read_only) {
      saw_ro = true;
      EXPECT_EQ(p.host_path, "/tmp/ro");
      EXPECT_EQ(p.guest_path, "/ro");
    }
  EXPECT_TRUE(saw_ro);
  EXPECT_EQ(m->timeout_ms, 250u);
}

TEST(Manifest, Sha256) {
  // FIPS 180-2 test vectors.
  EXPECT_EQ(weft::sha256_hex({}), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  std::string abc = "abc";
  EXPECT_EQ(weft::sha256_hex(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(abc.data()), 3)),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  EXPECT_EQ(weft::sha256_hex(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(two.data()), two.size())),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Manifest, HashChecked) {
  std::string actual = weft::sha256_hex(std::vector<uint8_t>{0, 'a', 's', 'm', 1, 0, 0, 0});
  auto ok = Manifest::parse_json(std::string(R"({"wasm":[{"data":")") + k_empty_b64 +
                                 R"(","hash":")" + actual + R"("}]})");
  EXPECT_TRUE(ok);
  std::string upper = actual;
  for (char& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(Manifest::parse_json(std::string(R"({"wasm":[{"data":")") + k_empty_b64 +
                                   R"(","hash":")" + upper + R"("}]})"));
  std::string wrong(64, 'a');
  auto bad = error_of(std::string(R"({"wasm":[{"data":")") + k_empty_b64 + R"(","hash":")" + wrong + R"("}]})");
  EXPECT_NE(bad.find("wasm[0].hash: sha256 mismatch"), std::string::npos) << bad;
  EXPECT_NE(error_of(std::string(R"({"wasm":[{"data":")") + k_empty_b64 + R"(","hash":"abc"}]})")
                .find("wasm[0].hash: expected 64 hex digits"),
            std::string::npos);
}

TEST(Manifest, ErrorsNameTheJsonPath) {
  EXPECT_NE(error_of("{").find("invalid JSON"), std::string::npos);
  EXPECT_NE(error_of("[]").find("$: expected an object"), std::string::npos);
  EXPECT_NE(error_of("{}").find("wasm: at least one wasm source"), std::string::npos);
  EXPECT_NE(error_of(R"({"wasm": {}})").find("wasm: expected an array"), std::string::npos);
  EXPECT_NE(error_of(R"({"wasm": [1]})").find("wasm[0]: expected an object"), std::string::npos);
  EXPECT_NE(error_of(R"({"wasm": [{}]})").find("wasm[0]: needs exactly one of path, data or url"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"wasm": [{"data": "!!"}]})").find("wasm[0].data: not valid base64"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"wasm": [{"data": 5}]})").find("wasm[0].data: expected a string"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"wasm": [{"data": "AGFzbQEAAAA=", "bogus": 1}]})").find("wasm[0].bogus: unknown field"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"wasm": [{"data": "AGFzbQEAAAA="}], "memory": {"max_pages": -1}})")
                .find("memory.max_pages: expected a non-negative integer"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"wasm": [{"data": "AGFzbQEAAAA="}], "memory": {"max_pages": 70000}})")
                .find("memory.max_pages: at most 65536 pages"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"wasm": [{"data": "AGFzbQEAAAA="}], "config": {"k": 1}})").find("config.k: expected a string"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"wasm": [{"data": "AGFzbQEAAAA="}], "allowed_hosts": [1]})")
                .find("allowed_hosts[0]: expected a string"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"wasm": [{"data": "AGFzbQEAAAA="}], "timeout_ms": "x"})")
                .find("timeout_ms: expected a non-negative integer"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"wasm": [{"data": "AGFzbQEAAAA="}], "nope": 1})").find("nope: unknown field"),
            std::string::npos);
}

// url sources that are refused before any request is made (fetching is covered by
// tests/plugin/http_test.cpp, against a local server).
TEST(Manifest, UrlSourceErrorsBeforeFetching) {
  EXPECT_NE(error_of(R"({"wasm": [{"url": 5}]})").find("wasm[0].url: expected a string"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"wasm": [{"url": "http://127.0.0.1:1/p.wasm", "headers": {"k": 1}}]})")
                .find("wasm[0].headers.k: expected a string"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"wasm": [{"url": "http://127.0.0.1:1/p.wasm", "headers": []}]})")
                .find("wasm[0].headers: expected an object of strings"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"wasm": [{"url": "http://127.0.0.1:1/p.wasm", "method": 1}]})")
                .find("wasm[0].method: expected a string"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"wasm": [{"url": "http://127.0.0.1:1/p.wasm", "data": "AGFzbQEAAAA="}]})")
                .find("wasm[0]: needs exactly one of path, data or url"),
            std::string::npos);
  auto m = Manifest::parse_json(R"({"wasm": [{"url": "ftp://example.com/p.wasm"}]})");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, ErrorKind::usage);
  const std::string& msg = m.error().message;
  EXPECT_NE(msg.find("manifest: wasm[0] (url:ftp://example.com/p.wasm): "), std::string::npos) << msg;
  EXPECT_NE(msg.find("only http and https are supported"), std::string::npos) << msg;
}

TEST(Manifest, MissingPathIsIo) {
  auto m = Manifest::parse_json(R"({"wasm": [{"path": "/nonexistent/x.wasm"}]})");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, ErrorKind::io);
  EXPECT_NE(m.error().message.find("wasm[0].path"), std::string::npos);
}

TEST(Manifest, RawWasmFileAndRelativePaths) {
  std::string dir = ::testing::TempDir();
  std::string wasm = dir + "/weft_manifest_test.wasm";
  {
    std::ofstream out(wasm, std::ios::binary);
    out.write("\0asm\1\0\0\0", 8);
  }
  auto raw = Manifest::load(wasm);
  ASSERT_TRUE(raw) << raw.error().message;
  ASSERT_EQ(raw->wasm.size(), 1u);
  EXPECT_EQ(raw->wasm[0].bytes.size(), 8u);

  std::string json = dir + "/weft_manifest_test.json";
  {
    std::ofstream out(json);
    out << R"({"wasm": [{"path": "weft_manifest_test.wasm"}]})";
  }
  auto m = Manifest::load(json);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->wasm[0].bytes.size(), 8u);
  std::remove(wasm.c_str());
  std::remove(json.c_str());
}

}  // namespace

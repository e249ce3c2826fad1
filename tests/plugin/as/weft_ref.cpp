// Runs a plugin function through weft's C++ API and prints what happened in the format of
// extism_ref.mjs (@extism/extism), for compare.mjs to compare byte for byte.
//
//   weft_ref PLUGIN.wasm FUNC [--input-hex HEX] [--config K=V]... [--calls N]
//            [--allow-host H]... [--wasi] [--http]
//
// The host function extism:host/user hello_world is always defined, as in extism_ref.mjs.
// Logs are on at every level: @extism/extism's logger has no level filter.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "weft/plugin.hpp"

namespace {

std::string hex(const std::vector<uint8_t>& bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string s;
  for (uint8_t b : bytes) {
    s += digits[b >> 4];
    s += digits[b & 15];
  }
  return s;
}

std::vector<uint8_t> unhex(const std::string& s) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < s.size(); i += 2) out.push_back(uint8_t(std::stoi(s.substr(i, 2), nullptr, 16)));
  return out;
}

int usage(const std::string& why) {
  std::cerr << "weft_ref: " << why << "\n"
            << "usage: weft_ref PLUGIN.wasm FUNC [--input-hex HEX] [--config K=V]... [--calls N]\n"
            << "                [--allow-host H]... [--wasi] [--http]\n";
  return 64;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return usage("expected PLUGIN.wasm and FUNC");
  std::string path = argv[1];
  std::string func = argv[2];
  std::vector<uint8_t> input;
  std::map<std::string, std::string> config;
  std::vector<std::string> hosts;
  int calls = 1;
  bool wasi = false;
  bool http = false;
  for (int i = 3; i < argc; ++i) {
    std::string a = argv[i];
    bool has_value = i + 1 < argc;
    if (a == "--input-hex" && has_value) {
      input = unhex(argv[++i]);
    } else if (a == "--config" && has_value) {
      std::string kv = argv[++i];
      size_t eq = kv.find('=');
      if (eq == std::string::npos) return usage("--config needs K=V");
      config[kv.substr(0, eq)] = kv.substr(eq + 1);
    } else if (a == "--calls" && has_value) {
      calls = std::atoi(argv[++i]);
    } else if (a == "--allow-host" && has_value) {
      hosts.push_back(argv[++i]);
    } else if (a == "--wasi") {
      wasi = true;
    } else if (a == "--http") {
      http = true;
    } else {
      return usage("unknown argument " + a);
    }
  }

  auto manifest = weft::Manifest::load(path);
  if (!manifest) return usage(manifest.error().to_string());
  manifest->config = config;
  manifest->allowed_hosts = hosts;

  std::vector<std::string> logs;
  weft::PluginOptions options;
  options.wasi = wasi;
  options.log_level = weft::LogLevel::trace;
  options.log_sink = [&logs](weft::LogLevel level, std::string_view message) {
    logs.push_back("log " + std::string(weft::log_level_name(level)) + ": " + std::string(message));
  };
  options.functions.push_back(weft::PluginHostFunction{
      "extism:host/user", "hello_world", weft::FuncType{{weft::ValType::i64}, {weft::ValType::i64}},
      [](weft::CurrentPlugin& p, std::span<const weft::Value> args, std::span<weft::Value> results,
         void*) -> weft::Result<void> {
        std::string arg = p.read_string(args[0].i64());
        results[0] = weft::Value::i64(p.alloc_string("Hello, " + arg + ", from the host"));
        return {};
      },
      nullptr});

  weft::Engine engine;
  auto compiled = weft::CompiledPlugin::create(engine, std::move(*manifest), std::move(options));
  if (!compiled) return usage(compiled.error().to_string());
  auto plugin = weft::Plugin::create(*compiled);
  if (!plugin) return usage(plugin.error().to_string());

  std::string out;
  for (int n = 1; n <= calls; ++n) {
    logs.clear();
    auto r = (*plugin)->call(func, std::span<const uint8_t>(input));
    weft::CallStatus st = (*plugin)->last_status();
    out += "call " + std::to_string(n) + "\n";
    for (const std::string& l : logs) out += l + "\n";
    std::string rc = "none";
    std::string status = "ok";
    std::string error;
    std::vector<uint8_t> output;
    if (r) {
      rc = "0";
      output = std::move(*r);
    } else if (st == weft::CallStatus::guest_error) {
      status = "guest_error";
      rc = std::to_string(int32_t(r.error().exit_code));
      error = r.error().message;
    } else {
      // A trap's message is the runtime's own: only the kind compares (as in extism_ref.mjs).
      status = "trap";
      std::cerr << "weft_ref: call " << n << ": " << r.error().to_string() << "\n";
    }
    if (http) rc = "-";
    out += "rc: " + rc + "\n";
    out += "status: " + status + "\n";
    if (!error.empty()) out += "error: " + error + "\n";
    out += "output: " + hex(output) + "\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

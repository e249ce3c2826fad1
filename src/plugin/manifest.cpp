// Extism manifests: the JSON schema (rapidjson), wasm sources (path, base64 data, url fetched
// with libcurl by fetch.cpp), sha256 verification, and raw .wasm files as one-module manifests.
#include <array>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

// rapidjson's member iterators compare with an operator!= that C++20 finds ambiguous with
// its reversed form; the choice is unique and right.
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wambiguous-reversed-operator"
#endif

#include "plugin/fetch.hpp"
#include "weft/plugin.hpp"

namespace weft {

// ---- SHA-256 (FIPS 180-4) ----------------------------------------------------------------

namespace {

constexpr uint32_t k_sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

inline uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

void sha_block(uint32_t h[8], const uint8_t* p) {
  uint32_t w[64];
  for (int i = 0; i < 16; ++i)
    w[i] = uint32_t(p[4 * i]) << 24 | uint32_t(p[4 * i + 1]) << 16 | uint32_t(p[4 * i + 2]) << 8 |
           uint32_t(p[4 * i + 3]);
  for (int i = 16; i < 64; ++i) {
    uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (int i = 0; i < 64; ++i) {
    uint32_t s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
    uint32_t ch = (e & f) ^ (~e & g);
    uint32_t t1 = hh + s1 + ch + k_sha_k[i] + w[i];
    uint32_t s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
    uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
    uint32_t t2 = s0 + maj;
    hh = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
  h[5] += f;
  h[6] += g;
  h[7] += hh;
}

}  // namespace

std::string sha256_hex(std::span<const uint8_t> bytes) {
  uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  size_t n = bytes.size();
  size_t full = n / 64;
  for (size_t i = 0; i < full; ++i) sha_block(h, bytes.data() + 64 * i);
  uint8_t tail[128] = {};
  size_t rest = n - 64 * full;
  if (rest) std::memcpy(tail, bytes.data() + 64 * full, rest);
  tail[rest] = 0x80;
  size_t tail_len = rest + 1 + 8 <= 64 ? 64 : 128;
  uint64_t bits = uint64_t(n) * 8;
  for (int i = 0; i < 8; ++i) tail[tail_len - 1 - i] = uint8_t(bits >> (8 * i));
  for (size_t off = 0; off < tail_len; off += 64) sha_block(h, tail + off);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (uint32_t v : h)
    for (int s = 28; s >= 0; s -= 4) out += hex[(v >> s) & 0xf];
  return out;
}

// ---- parsing ------------------------------------------------------------------------------

namespace {

Failure at(const std::string& path, std::string message, ErrorKind kind = ErrorKind::usage) {
  return fail(kind, "manifest: " + path + ": " + message);
}

Result<std::vector<uint8_t>> read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorKind::io, "cannot read '" + path + "': " + std::strerror(errno));
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::optional<std::vector<uint8_t>> base64_decode(std::string_view s) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::vector<uint8_t> out;
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (char c : s) {
    if (c == '=') {
      ++pad;
      continue;
    }
    if (c == '\n' || c == '\r' || c == ' ') continue;
    if (pad) return std::nullopt;  // data after padding
    int v = val(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(uint8_t(acc >> bits));
    }
  }
  if (pad > 2 || bits >= 6) return std::nullopt;
  return out;
}

bool is_hex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  return true;
}

std::string join_path(const std::string& base, const std::string& p) {
  if (p.empty() || p[0] == '/' || base.empty() || base == ".") return p;
  return base + "/" + p;
}

Result<uint64_t> get_uint(const rapidjson::Value& v, const std::string& path) {
  if (!v.IsUint64()) return at(path, "expected a non-negative integer");
  return v.GetUint64();
}

}  // namespace

Manifest Manifest::from_wasm(std::vector<uint8_t> bytes) {
  Manifest m;
  ManifestWasm w;
  w.source = "data";
  w.bytes = std::move(bytes);
  m.wasm.push_back(std::move(w));
  return m;
}

Result<Manifest> Manifest::parse_json(std::string_view json, const std::string& base_dir) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError())
    return fail(ErrorKind::usage, std::string("manifest: invalid JSON at offset ") +
                                      std::to_string(doc.GetErrorOffset()) + ": " +
                                      rapidjson::GetParseError_En(doc.GetParseError()));
  if (!doc.IsObject()) return at("$", "expected an object");
  Manifest m;
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    std::string key = it->name.GetString();
    const rapidjson::Value& v = it->value;
    if (key == "wasm") {
      if (!v.IsArray()) return at("wasm", "expected an array");
      for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
        std::string p = "wasm[" + std::to_string(i) + "]";
        const rapidjson::Value& w = v[i];
        if (!w.IsObject()) return at(p, "expected an object");
        ManifestWasm mw;
        int sources = 0;
        std::optional<plugin_detail::UrlSource> url;
        for (auto f = w.MemberBegin(); f != w.MemberEnd(); ++f) {
          std::string fk = f->name.GetString();
          const rapidjson::Value& fv = f->value;
          std::string fp = p + "." + fk;
          if (fk == "path" || fk == "data" || fk == "url" || fk == "name" || fk == "hash") {
            if (!fv.IsString()) return at(fp, "expected a string");
          }
          if (fk == "path") {
            ++sources;
            mw.source = std::string("path:") + fv.GetString();
            auto bytes = read_all(join_path(base_dir, fv.GetString()));
            if (!bytes) return at(fp, bytes.error().message, ErrorKind::io);
            mw.bytes = std::move(*bytes);
          } else if (fk == "data") {
            ++sources;
            mw.source = "data";
            auto bytes = base64_decode(std::string_view(fv.GetString(), fv.GetStringLength()));
            if (!bytes) return at(fp, "not valid base64");
            mw.bytes = std::move(*bytes);
          } else if (fk == "url") {
            ++sources;
            mw.source = std::string("url:") + fv.GetString();
            if (!url) url.emplace();
            url->url = fv.GetString();
          } else if (fk == "name") {
            mw.name = fv.GetString();
          } else if (fk == "hash") {
            if (!is_hex64(fv.GetString())) return at(fp, "expected 64 hex digits (sha256)");
            std::string h = fv.GetString();
            for (char& c : h) c = char(std::tolower(static_cast<unsigned char>(c)));
            mw.hash = h;
          } else if (fk == "method") {
            // url options (accepted, unused, with path and data)
            if (!fv.IsString()) return at(fp, "expected a string");
            if (!url) url.emplace();
            url->method = fv.GetString();
          } else if (fk == "headers") {
            if (!fv.IsObject()) return at(fp, "expected an object of strings");
            if (!url) url.emplace();
            for (auto h = fv.MemberBegin(); h != fv.MemberEnd(); ++h) {
              if (!h->value.IsString())
                return at(fp + "." + h->name.GetString(), "expected a string");
              url->headers.emplace_back(h->name.GetString(), h->value.GetString());
            }
          } else {
            return at(fp, "unknown field");
          }
        }
        if (sources != 1) return at(p, "needs exactly one of path, data or url");
        // A url is fetched once the whole entry is read (method and headers may follow it);
        // its errors name the URL, the one thing a reader can check.
        std::string where = p + ".hash";
        if (mw.source.starts_with("url:")) {
          where = p + " (" + mw.source + ")";
          auto bytes = plugin_detail::fetch_url(*url);
          if (!bytes) return at(where, bytes.error().message, bytes.error().kind);
          mw.bytes = std::move(*bytes);
        }
        if (mw.hash) {
          std::string actual = sha256_hex(mw.bytes);
          if (actual != *mw.hash)
            return at(where, "sha256 mismatch: expected " + *mw.hash + ", got " + actual);
        }
        m.wasm.push_back(std::move(mw));
      }
    } else if (key == "memory") {
      if (!v.IsObject()) return at("memory", "expected an object");
      for (auto f = v.MemberBegin(); f != v.MemberEnd(); ++f) {
        std::string fk = f->name.GetString();
        std::string fp = "memory." + fk;
        WEFT_TRY(uint64_t n, get_uint(f->value, fp));
        if (fk == "max_pages") {
          if (n > 65536) return at(fp, "at most 65536 pages");
          m.max_pages = uint32_t(n);
        } else if (fk == "max_http_response_bytes") {
          m.max_http_response_bytes = n;
        } else if (fk == "max_var_bytes") {
          m.max_var_bytes = n;
        } else {
          return at(fp, "unknown field");
        }
      }
    } else if (key == "config") {
      if (!v.IsObject()) return at("config", "expected an object");
      for (auto f = v.MemberBegin(); f != v.MemberEnd(); ++f) {
        if (!f->value.IsString())
          return at(std::string("config.") + f->name.GetString(), "expected a string");
        m.config[f->name.GetString()] = f->value.GetString();
      }
    } else if (key == "allowed_hosts") {
      if (v.IsNull()) continue;
      if (!v.IsArray()) return at("allowed_hosts", "expected an array");
      for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
        if (!v[i].IsString())
          return at("allowed_hosts[" + std::to_string(i) + "]", "expected a string");
        m.allowed_hosts.emplace_back(v[i].GetString());
      }
    } else if (key == "allowed_paths") {
      if (v.IsNull()) continue;
      if (!v.IsObject()) return at("allowed_paths", "expected an object");
      for (auto f = v.MemberBegin(); f != v.MemberEnd(); ++f) {
        std::string host = f->name.GetString();
        if (!f->value.IsString()) return at("allowed_paths." + host, "expected a string");
        ManifestPath mp;
        if (host.starts_with("ro:")) {
          mp.read_only = true;
          host = host.substr(3);
        }
        if (host.empty()) return at("allowed_paths", "empty host path");
        mp.host_path = host;
        mp.guest_path = f->value.GetString();
        m.allowed_paths.push_back(std::move(mp));
      }
    } else if (key == "timeout_ms") {
      if (v.IsNull()) continue;
      WEFT_TRY(uint64_t n, get_uint(v, "timeout_ms"));
      m.timeout_ms = n;
    } else {
      return at(key, "unknown field");
    }
  }
  if (m.wasm.empty()) return at("wasm", "at least one wasm source is needed");
  return m;
}

Result<Manifest> Manifest::load(const std::string& path) {
  auto bytes = read_all(path);
  if (!bytes) return Failure{std::move(bytes).error()};
  if (bytes->size() >= 4 && std::memcmp(bytes->data(), "\0asm", 4) == 0) {
    Manifest m = from_wasm(std::move(*bytes));
    m.wasm[0].source = "path:" + path;
    return m;
  }
  std::string base = ".";
  if (size_t slash = path.rfind('/'); slash != std::string::npos) base = path.substr(0, slash);
  if (base.empty()) base = "/";
  return parse_json(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()),
                    base);
}

}  // namespace weft

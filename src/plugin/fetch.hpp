// Fetching a manifest's `url` wasm sources over HTTP(S), with libcurl (through
// abi/extism/http.hpp's transfer, the one http_request uses).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "weft/result.hpp"

namespace weft::plugin_detail {

/// A `url` source as Extism's manifest spells it: {"url", "method"?, "headers"?}.
struct UrlSource {
  std::string url;
  std::string method = "GET";
  std::vector<std::pair<std::string, std::string>> headers;
};

/// The most bytes a url source may have (a module larger than this is refused).
inline constexpr uint64_t k_max_fetched_module_bytes = uint64_t{1} << 30;

/// Fetches `src`: http and https only, redirects followed (at most 5), a 2xx status
/// required. Gives up on a connection not made in 30 s or a transfer not done in 300 s.
/// Errors are of kind io (usage for a URL that cannot be requested), their message without
/// the manifest's prefix: "HTTP status 404", "GET http://...: Couldn't connect to server".
Result<std::vector<uint8_t>> fetch_url(const UrlSource& src);

}  // namespace weft::plugin_detail

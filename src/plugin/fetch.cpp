// A manifest's `url` sources, fetched when the manifest is parsed, as Extism's runtime does.
// No allowed_hosts check: the manifest's author names the modules; allowed_hosts governs
// what the plugin itself may reach.
#include "plugin/fetch.hpp"

#include <chrono>

#include "abi/extism/http.hpp"

namespace weft::plugin_detail {

Result<std::vector<uint8_t>> fetch_url(const UrlSource& src) {
  extism::HttpExchange x;
  x.url = src.url;
  x.method = src.method;
  x.headers = src.headers;
  x.max_response_bytes = k_max_fetched_module_bytes;
  // A stalled server must not hang the loading of a manifest forever.
  x.connect_timeout_ms = 30'000;
  x.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(300);
  extism::HttpOutcome o = extism::http_transfer(x);
  switch (o.failure) {
    case extism::HttpFailure::none: break;
    case extism::HttpFailure::bad_request: return fail(ErrorKind::usage, o.message);
    default: return fail(ErrorKind::io, o.message);
  }
  if (o.status < 200 || o.status > 299)
    return fail(ErrorKind::io, "HTTP status " + std::to_string(o.status));
  return std::move(o.body);
}

}  // namespace weft::plugin_detail

// HTTP for plugins, over libcurl: Extism's http_request / http_status_code / http_headers
// imports, and the one transfer routine they and a manifest's `url` sources share.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace weft {
class Linker;
namespace plugin_detail {
struct PluginState;
}
}  // namespace weft

namespace weft::extism {

/// Defines http_request, http_status_code and http_headers of extism:host/env on `linker`.
void define_http(Linker& linker, plugin_detail::PluginState& state);

/// Extism's allowed_hosts patterns: `*` matches any run of characters (dots included), `?`
/// exactly one, everything else itself. Host names are case-insensitive, so is the match.
bool host_glob_match(std::string_view pattern, std::string_view host);
/// True when `host` matches one of `patterns` (an empty list allows no host).
bool host_allowed(const std::vector<std::string>& patterns, std::string_view host);

/// Extism's default cap of a response body (runtime/src/pdk.rs): 50 MiB.
inline constexpr uint64_t k_default_max_http_response_bytes = 50ull << 20;

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

/// One HTTP exchange as http_transfer runs it.
struct HttpExchange {
  std::string url;
  std::string method = "GET";
  HttpHeaders headers;
  std::optional<std::span<const uint8_t>> body;  ///< sent as is when set
  uint64_t max_response_bytes = k_default_max_http_response_bytes;
  /// The transfer ends (HttpFailure::timeout) at this point.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  /// Polled every few milliseconds: when it becomes true the transfer stops
  /// (HttpFailure::interrupted). May be null.
  const std::atomic<bool>* interrupt = nullptr;
  /// Decides for the URL and every redirect target (lower-case host); null allows all.
  std::function<bool(std::string_view host)> allow_host;
  /// Redirects followed at most (each target checked by allow_host before it is contacted).
  int max_redirects = 5;
  /// Without a deadline: a connection that cannot be made in this time fails (0: curl's).
  long connect_timeout_ms = 0;
};

enum class HttpFailure : uint8_t {
  none,
  bad_request,  ///< the URL, method or a header cannot be sent
  not_allowed,  ///< the host (of the URL or of a redirect) is not allowed
  too_large,    ///< the body passed max_response_bytes
  timeout,      ///< the deadline passed
  interrupted,  ///< the interrupt flag was set
  transport,    ///< DNS, connection, TLS, protocol...
};

struct HttpOutcome {
  HttpFailure failure = HttpFailure::none;
  std::string message;  ///< what failed, naming the URL or host
  long status = 0;
  std::vector<uint8_t> body;
  HttpHeaders headers;  ///< the final response's, names in lower case, in order
};

/// Runs `x` to completion, failure, deadline or interrupt. Thread-safe: libcurl's global
/// state is initialised once, each call has its own handles.
HttpOutcome http_transfer(const HttpExchange& x);

}  // namespace weft::extism

// HTTP for plugins over libcurl: Extism's http_request, http_status_code and http_headers,
// and http_transfer, which a manifest's `url` sources use too.
//
// Why it is built this way:
// - The URL is parsed by libcurl's own parser (CURLU) and that parsed handle is what the
//   transfer uses (CURLOPT_CURLU), so the host checked against allowed_hosts is the host
//   contacted: no second parser to disagree with the first.
// - The transfer runs on a multi handle polled every few milliseconds rather than through
//   curl_easy_perform, whose internal waits can last up to a second before the progress
//   callback runs again: a cancel or a timeout must stop a stalled transfer promptly.
// - Redirects are followed here, not by libcurl: each target's scheme and host are checked
//   before it is contacted, and credentials are not sent to another host. libcurl has no
//   hook that runs before it connects to a redirect target.
// - The body is capped while it arrives (the write callback returns short past the cap, and
//   CURLOPT_MAXFILESIZE refuses an announced length up front), never after the fact.
#include "abi/extism/http.hpp"

#include <curl/curl.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <mutex>
#include <thread>

// rapidjson's member iterators compare with an operator!= that C++20 finds ambiguous with
// its reversed form; the choice is unique and right.
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wambiguous-reversed-operator"
#endif

#include "plugin/plugin_state.hpp"
#include "runtime/objects.hpp"

namespace weft::extism {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view k_env = "extism:host/env";

void curl_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

char lower(char c) { return char(std::tolower(static_cast<unsigned char>(c))); }

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

// RFC 9110 token characters: methods and header names.
bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) continue;
    if (std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) return false;
  }
  return true;
}

// A header value must not smuggle a second header or request line.
bool is_header_value(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

struct UrlHandle {
  CURLU* h = curl_url();
  UrlHandle() = default;
  UrlHandle(const UrlHandle&) = delete;
  UrlHandle& operator=(const UrlHandle&) = delete;
  ~UrlHandle() { curl_url_cleanup(h); }
  std::string part(CURLUPart which) const {
    char* p = nullptr;
    if (curl_url_get(h, which, &p, 0) != CURLUE_OK || !p) return {};
    std::string s(p);
    curl_free(p);
    return s;
  }
};

struct HeaderList {
  curl_slist* list = nullptr;
  HeaderList() = default;
  HeaderList(const HeaderList&) = delete;
  HeaderList& operator=(const HeaderList&) = delete;
  ~HeaderList() { curl_slist_free_all(list); }
  void add(const std::string& line) { list = curl_slist_append(list, line.c_str()); }
};

// What the callbacks of one transfer share.
struct Sink {
  uint64_t max = 0;
  std::vector<uint8_t> body;
  bool too_large = false;
  HttpHeaders headers;
  const std::atomic<bool>* interrupt = nullptr;
  bool interrupted() const { return interrupt && interrupt->load(std::memory_order_relaxed); }
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* s = static_cast<Sink*>(user);
  size_t n = size * count;
  if (n > s->max - s->body.size()) {
    s->too_large = true;
    return 0;  // short: libcurl stops with CURLE_WRITE_ERROR
  }
  s->body.insert(s->body.end(), data, data + n);
  return n;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* s = static_cast<Sink*>(user);
  size_t n = size * count;
  std::string_view line(data, n);
  // A status line starts a response (an interim 100 Continue may come first): only the
  // last response's headers are kept.
  if (line.starts_with("HTTP/")) {
    s->headers.clear();
    return n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  s->headers.emplace_back(lowercase(trim(line.substr(0, colon))),
                          std::string(trim(line.substr(colon + 1))));
  return n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<Sink*>(user)->interrupted() ? 1 : 0;  // non-zero aborts the transfer
}

struct Hop {
  HttpFailure failure = HttpFailure::none;
  std::string message;
  long status = 0;
  std::string redirect;  // the absolute target of a 3xx, if any
};

// One request/response, no redirect followed.
Hop run_hop(const HttpExchange& x, UrlHandle& url, const std::string& url_text,
            const std::string& method, const std::optional<std::vector<uint8_t>>& body,
            const HttpHeaders& headers, Sink& sink) {
  Hop hop;
  auto fail = [&](HttpFailure f, std::string m) {
    hop.failure = f;
    hop.message = std::move(m);
    return hop;
  };
  long timeout_ms = 0;
  if (x.deadline) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(*x.deadline - Clock::now()).count();
    if (left <= 0) return fail(HttpFailure::timeout, "HTTP request to " + url_text + " timed out");
    timeout_ms = long(left);
  }
  if (sink.interrupted())
    return fail(HttpFailure::interrupted, "HTTP request to " + url_text + " interrupted");

  CURL* e = curl_easy_init();
  CURLM* m = curl_multi_init();
  if (!e || !m) {
    if (e) curl_easy_cleanup(e);
    if (m) curl_multi_cleanup(m);
    return fail(HttpFailure::transport, "libcurl could not start a transfer");
  }
  char errbuf[CURL_ERROR_SIZE] = {};
  HeaderList list;
  bool has_content_type = false;
  for (const auto& [k, v] : headers) {
    if (iequals(k, "content-type")) has_content_type = true;
    // "Name;" is libcurl's spelling of a header with an empty value.
    list.add(v.empty() ? k + ";" : k + ": " + v);
  }
  // libcurl would add its own: a form content type to a body (even an empty one), and
  // Expect: 100-continue to a large one (a round trip the guest did not ask for).
  if (!has_content_type) list.add("Content-Type:");
  list.add("Expect:");

  curl_easy_setopt(e, CURLOPT_CURLU, url.h);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, list.list);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &sink);
  curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(e, CURLOPT_XFERINFODATA, &sink);
  curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
                   curl_off_t(std::min<uint64_t>(x.max_response_bytes, INT64_MAX)));
  if (timeout_ms) curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
  if (x.connect_timeout_ms) curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, x.connect_timeout_ms);
  if (method == "HEAD") {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else if (method == "GET" && !body) {
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
  } else {
    // Any other method sends its body, or an empty one (Content-Length: 0), as Extism does.
    static const char empty = 0;
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body ? body->size() : 0));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS,
                     body && !body->empty() ? reinterpret_cast<const char*>(body->data()) : &empty);
    if (method != "POST") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method.c_str());
  }

  curl_multi_add_handle(m, e);
  CURLcode code = CURLE_OK;
  bool stopped = false;
  for (;;) {
    int running = 0;
    CURLMcode mc = curl_multi_perform(m, &running);
    if (mc != CURLM_OK) {
      code = CURLE_FAILED_INIT;
      std::snprintf(errbuf, sizeof errbuf, "%s", curl_multi_strerror(mc));
      break;
    }
    if (!running) {
      int queued = 0;
      while (CURLMsg* msg = curl_multi_info_read(m, &queued))
        if (msg->msg == CURLMSG_DONE) code = msg->data.result;
      break;
    }
    if (sink.interrupted()) {
      stopped = true;
      break;
    }
    curl_multi_poll(m, nullptr, 0, 5, nullptr);
  }
  long status = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  char* redirect = nullptr;
  if (!stopped && code == CURLE_OK) curl_easy_getinfo(e, CURLINFO_REDIRECT_URL, &redirect);
  if (redirect) hop.redirect = redirect;
  curl_multi_remove_handle(m, e);
  curl_easy_cleanup(e);
  curl_multi_cleanup(m);

  std::string what = method + " " + url_text;
  if (stopped || code == CURLE_ABORTED_BY_CALLBACK)
    return fail(HttpFailure::interrupted, what + ": interrupted");
  if (sink.too_large || code == CURLE_FILESIZE_EXCEEDED)
    return fail(HttpFailure::too_large,
                "HTTP response exceeds the configured maximum number of bytes: " +
                    std::to_string(x.max_response_bytes) + " (" + what + ")");
  if (code == CURLE_OPERATION_TIMEDOUT && x.deadline)
    return fail(HttpFailure::timeout, what + ": timed out");
  if (code != CURLE_OK)
    return fail(HttpFailure::transport,
                what + ": " + (errbuf[0] ? std::string(errbuf) : curl_easy_strerror(code)));
  hop.status = status;
  return hop;
}

}  // namespace

bool host_glob_match(std::string_view pattern, std::string_view host) {
  // Iterative wildcard match with one backtrack point: linear in practice, no recursion.
  size_t p = 0, h = 0, star = std::string_view::npos, resume = 0;
  while (h < host.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || lower(pattern[p]) == lower(host[h]))) {
      ++p;
      ++h;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = h;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      h = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool host_allowed(const std::vector<std::string>& patterns, std::string_view host) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return host_glob_match(p, host); });
}

HttpOutcome http_transfer(const HttpExchange& x) {
  curl_init_once();
  HttpOutcome out;
  auto fail = [&](HttpFailure f, std::string m) {
    out.failure = f;
    out.message = std::move(m);
    return out;
  };
  if (!is_token(x.method))
    return fail(HttpFailure::bad_request, "invalid HTTP method '" + x.method + "'");
  for (const auto& [k, v] : x.headers) {
    if (!is_token(k)) return fail(HttpFailure::bad_request, "invalid HTTP header name '" + k + "'");
    if (!is_header_value(v))
      return fail(HttpFailure::bad_request,
                  "HTTP header '" + k + "' has a line break or NUL in its value");
  }
  std::string url_text = x.url;
  std::string method = x.method;
  std::optional<std::vector<uint8_t>> body;
  if (x.body) body.emplace(x.body->begin(), x.body->end());
  HttpHeaders headers = x.headers;
  std::string first_host;
  for (int redirects = 0;; ++redirects) {
    UrlHandle url;
    if (!url.h) return fail(HttpFailure::transport, "libcurl could not parse a URL");
    if (curl_url_set(url.h, CURLUPART_URL, url_text.c_str(), 0) != CURLUE_OK)
      return fail(HttpFailure::bad_request, "invalid URL '" + url_text + "'");
    std::string scheme = lowercase(url.part(CURLUPART_SCHEME));
    std::string host = lowercase(url.part(CURLUPART_HOST));
    if (scheme != "http" && scheme != "https")
      return fail(HttpFailure::bad_request,
                  "URL '" + url_text + "': only http and https are supported");
    if (redirects == 0) {
      first_host = host;
    } else if (host != first_host) {
      // As libcurl does when it follows a redirect itself: credentials stay with their host.
      std::erase_if(headers, [](const auto& kv) {
        return iequals(kv.first, "authorization") || iequals(kv.first, "cookie");
      });
    }
    if (x.allow_host && !x.allow_host(host)) {
      std::string what = redirects ? "redirect to " + url_text : "HTTP request to " + url_text;
      return fail(HttpFailure::not_allowed,
                  what + " is not allowed: host '" + host + "' matches no allowed_hosts pattern");
    }
    Sink sink;
    sink.max = x.max_response_bytes;
    sink.interrupt = x.interrupt;
    Hop hop = run_hop(x, url, url_text, method, body, headers, sink);
    if (hop.failure != HttpFailure::none) return fail(hop.failure, std::move(hop.message));
    bool redirect =
        hop.status >= 300 && hop.status < 400 && hop.status != 304 && !hop.redirect.empty();
    if (redirect && redirects < x.max_redirects) {
      // 303 always, and 301/302 after a POST, continue as a GET without the body (what
      // browsers and libcurl do); 307 and 308 repeat the request as it was.
      if ((hop.status == 303 && method != "HEAD") ||
          ((hop.status == 301 || hop.status == 302) && method == "POST")) {
        method = "GET";
        body.reset();
        std::erase_if(headers, [](const auto& kv) { return iequals(kv.first, "content-type"); });
      }
      url_text = hop.redirect;
      continue;
    }
    out.status = hop.status;
    out.body = std::move(sink.body);
    out.headers = std::move(sink.headers);
    return out;
  }
}

// ---- the extism:host/env imports ----------------------------------------------------------

namespace {

Failure trap(std::string message) {
  return Failure{Error::make_trap(TrapKind::host_error,
                                  "extism:host/env: http_request: " + std::move(message))};
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      static const char* hex = "0123456789abcdef";
      out += "\\u00";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// A JSON object of the response's headers; a repeated header's values are joined with ", "
// (RFC 9110 5.3), since an object holds one value per name.
std::string headers_json(const HttpHeaders& headers) {
  std::vector<std::pair<std::string, std::string>> merged;
  for (const auto& header : headers) {
    auto it = std::find_if(merged.begin(), merged.end(),
                           [&](const auto& kv) { return kv.first == header.first; });
    if (it == merged.end()) {
      merged.push_back(header);
    } else {
      it->second += ", " + header.second;
    }
  }
  std::string out = "{";
  for (const auto& [k, v] : merged) {
    if (out.size() > 1) out += ",";
    out += json_string(k) + ":" + json_string(v);
  }
  return out + "}";
}

// The request JSON of Extism's HttpRequest: {"url", "method"?, "headers"?}; other fields are
// ignored, as serde does.
Result<HttpExchange> parse_request(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError())
    return trap(std::string("invalid request JSON at offset ") +
                std::to_string(doc.GetErrorOffset()) + ": " +
                rapidjson::GetParseError_En(doc.GetParseError()));
  if (!doc.IsObject()) return trap("the request must be a JSON object");
  HttpExchange x;
  auto url = doc.FindMember("url");
  if (url == doc.MemberEnd() || !url->value.IsString())
    return trap("the request needs a \"url\" string");
  x.url.assign(url->value.GetString(), url->value.GetStringLength());
  if (auto m = doc.FindMember("method"); m != doc.MemberEnd() && !m->value.IsNull()) {
    if (!m->value.IsString()) return trap("\"method\" must be a string");
    x.method = m->value.GetString();  // as given: methods are case-sensitive
  }
  if (auto h = doc.FindMember("headers"); h != doc.MemberEnd() && !h->value.IsNull()) {
    if (!h->value.IsObject()) return trap("\"headers\" must be an object of strings");
    for (auto it = h->value.MemberBegin(); it != h->value.MemberEnd(); ++it) {
      if (!it->value.IsString())
        return trap(std::string("header \"") + it->name.GetString() + "\" must be a string");
      x.headers.emplace_back(std::string(it->name.GetString(), it->name.GetStringLength()),
                             std::string(it->value.GetString(), it->value.GetStringLength()));
    }
  }
  return x;
}

Result<uint64_t> http_request(plugin_detail::PluginState& s, uint64_t req, uint64_t body) {
  s.http_status = 0;
  s.http_headers_json.reset();
  if (!s.memory.live(req))
    return trap("invalid handle offset for http request: " + std::to_string(req));
  std::vector<uint8_t> req_bytes = s.memory.block(req);
  WEFT_TRY(HttpExchange x, parse_request(std::string_view(
                               reinterpret_cast<const char*>(req_bytes.data()), req_bytes.size())));
  std::vector<uint8_t> body_bytes;
  if (body != 0) {
    if (!s.memory.live(body))
      return trap("invalid handle offset for http request body: " + std::to_string(body));
    body_bytes = s.memory.block(body);
    x.body = std::span<const uint8_t>(body_bytes);
  }
  const Manifest& manifest = s.data->manifest;
  x.max_response_bytes =
      manifest.max_http_response_bytes.value_or(k_default_max_http_response_bytes);
  // The deadline of the call in progress; a reactor's _initialize runs outside any call (and
  // outside its watchdog), where a deadline left by an earlier call means nothing.
  if (s.in_call) x.deadline = s.call_deadline;
  const std::atomic<bool>& interrupt = s.store->impl().interrupt_requested;
  x.interrupt = &interrupt;
  x.allow_host = [&](std::string_view host) { return host_allowed(manifest.allowed_hosts, host); };

  HttpOutcome o = http_transfer(x);
  switch (o.failure) {
    case HttpFailure::none: break;
    case HttpFailure::timeout: {
      // libcurl's timeout and the call's watchdog expire together; the watchdog is what marks
      // the call as timed out, so give it a moment to interrupt the store.
      auto until = Clock::now() + std::chrono::milliseconds(100);
      while (!interrupt.load(std::memory_order_relaxed) && Clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return Failure{
          Error::make_trap(TrapKind::interrupted, "extism:host/env: http_request: " + o.message)};
    }
    case HttpFailure::interrupted:
      return Failure{
          Error::make_trap(TrapKind::interrupted, "extism:host/env: http_request: " + o.message)};
    default: return trap(o.message);
  }
  s.http_status = int32_t(o.status);
  if (manifest.allow_http_response_headers) s.http_headers_json = headers_json(o.headers);
  if (o.body.empty()) return uint64_t{0};
  uint64_t h = s.memory.alloc_bytes(o.body);
  if (!h)
    return trap("the response body (" + std::to_string(o.body.size()) +
                " bytes) does not fit in the plugin's memory (memory.max_pages)");
  return h;
}

}  // namespace

void define_http(Linker& linker, plugin_detail::PluginState& state) {
  plugin_detail::PluginState* s = &state;
  linker.define_func(k_env, "http_request", [s](uint64_t req, uint64_t body) -> Result<uint64_t> {
    return http_request(*s, req, body);
  });
  linker.define_func(k_env, "http_status_code", [s]() -> int32_t { return s->http_status; });
  // Extism's rule: the response headers only when the host allowed them (they may carry
  // what a plugin should not see); 0 otherwise, and before any response.
  linker.define_func(k_env, "http_headers", [s]() -> uint64_t {
    if (!s->http_headers_json) return 0;
    const std::string& j = *s->http_headers_json;
    return s->memory.alloc_bytes(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(j.data()), j.size()));
  });
}

}  // namespace weft::extism

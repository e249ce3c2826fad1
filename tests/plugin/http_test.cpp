// HTTP for plugins (http_request, http_status_code, http_headers) and a manifest's `url`
// sources, against a small HTTP/1.1 server run by the test on 127.0.0.1 (no network).
#include "abi/extism/http.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <thread>

#include "weft/plugin.hpp"

namespace {

using namespace weft;
using Clock = std::chrono::steady_clock;

const std::string k_http_plugin = std::string(PLUGIN_DIR) + "/http_test.wasm";

std::string text(const std::vector<uint8_t>& b) { return std::string(b.begin(), b.end()); }

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

long elapsed_ms(Clock::time_point since) {
  return long(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count());
}

// A tiny HTTP/1.1 server: one thread accepting, one per connection, one request per
// connection (Connection: close). Routes:
//   /hello          200 "hello world", X-Test: yes, X-Multi: a, X-Multi: b
//   /echo           200 "<METHOD> <x-custom or -> <content-type or ->|<body>"
//   /status/404     404 "nothing here"
//   /empty          200, no body
//   /big            200, 10000 bytes with a Content-Length
//   /big-chunked    200, 10000 bytes chunked (no length known in advance)
//   /slow           waits 3 s (or until the server stops), then 200 "late"
//   /redirect-here  302 to /hello on the same host
//   /redirect-away  302 to http://localhost:<port>/hello
//   /plugin.wasm    200, the bytes of `wasm`
class TestServer {
 public:
  std::vector<uint8_t> wasm;

  TestServer() {
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    int one = 1;
    ::setsockopt(m_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(m_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(m_fd, 16) != 0)
      ADD_FAILURE() << "test server: cannot listen on 127.0.0.1";
    socklen_t len = sizeof a;
    ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&a), &len);
    m_port = ntohs(a.sin_port);
    m_accept = std::thread([this] { accept_loop(); });
  }
  ~TestServer() {
    {
      std::lock_guard lock(m_mutex);
      m_stop = true;
    }
    m_cv.notify_all();
    ::shutdown(m_fd, SHUT_RDWR);  // wakes accept()
    m_accept.join();
    ::close(m_fd);
    for (std::thread& t : m_conns) t.join();
  }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  uint16_t port() const { return m_port; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(m_port) + path;
  }

 private:
  void accept_loop() {
    for (;;) {
      int c = ::accept(m_fd, nullptr, nullptr);
      std::lock_guard lock(m_mutex);
      if (m_stop) {
        if (c >= 0) ::close(c);
        return;
      }
      if (c >= 0) m_conns.emplace_back([this, c] { serve(c); });
    }
  }

  static void send_all(int fd, const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
      ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += size_t(n);
    }
  }

  static void respond(int fd, int status, const std::string& body, const std::string& extra = "") {
    std::string reason = status == 200   ? "OK"
                         : status == 302 ? "Found"
                         : status == 404 ? "Not Found"
                                         : "X";
    send_all(fd, "HTTP/1.1 " + std::to_string(status) + " " + reason +
                     "\r\nContent-Length: " + std::to_string(body.size()) +
                     "\r\nConnection: close\r\n" + extra + "\r\n" + body);
  }

  void serve(int fd) {
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string in;
    char chunk[4096];
    size_t head_end;
    while ((head_end = in.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) {
        ::close(fd);
        return;
      }
      in.append(chunk, size_t(n));
    }
    std::string head = in.substr(0, head_end);
    std::string body = in.substr(head_end + 4);
    std::map<std::string, std::string> headers;
    size_t eol = head.find("\r\n");
    std::string request_line = head.substr(0, eol);
    for (size_t pos = eol; pos != std::string::npos && pos < head.size();) {
      size_t next = head.find("\r\n", pos + 2);
      std::string line =
          head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string k = line.substr(0, colon);
        for (char& ch : k) ch = char(std::tolower(static_cast<unsigned char>(ch)));
        size_t v = line.find_first_not_of(' ', colon + 1);
        headers[k] = v == std::string::npos ? "" : line.substr(v);
      }
      pos = next;
    }
    size_t want = headers.count("content-length") ? std::stoul(headers["content-length"]) : 0;
    while (body.size() < want) {
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      body.append(chunk, size_t(n));
    }
    std::string method = request_line.substr(0, request_line.find(' '));
    size_t p0 = request_line.find(' ') + 1;
    std::string path = request_line.substr(p0, request_line.find(' ', p0) - p0);
    auto header_or_dash = [&](const std::string& k) {
      return headers.count(k) ? headers[k] : std::string("-");
    };

    if (path == "/hello") {
      respond(fd, 200, "hello world", "X-Test: yes\r\nX-Multi: a\r\nX-Multi: b\r\n");
    } else if (path == "/echo") {
      respond(fd, 200,
              method + " " + header_or_dash("x-custom") + " " + header_or_dash("content-type") +
                  "|" + body);
    } else if (path == "/status/404") {
      respond(fd, 404, "nothing here");
    } else if (path == "/empty") {
      respond(fd, 200, "");
    } else if (path == "/big") {
      respond(fd, 200, std::string(10000, 'x'));
    } else if (path == "/big-chunked") {
      std::string out =
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
      for (int i = 0; i < 10; ++i) out += "3e8\r\n" + std::string(1000, 'y') + "\r\n";
      send_all(fd, out + "0\r\n\r\n");
    } else if (path == "/slow") {
      std::unique_lock lock(m_mutex);
      m_cv.wait_for(lock, std::chrono::seconds(3), [&] { return m_stop; });
      lock.unlock();
      respond(fd, 200, "late");
    } else if (path == "/redirect-here") {
      respond(fd, 302, "", "Location: /hello\r\n");
    } else if (path == "/redirect-away") {
      respond(fd, 302, "", "Location: http://localhost:" + std::to_string(m_port) + "/hello\r\n");
    } else if (path == "/plugin.wasm") {
      respond(fd, 200, std::string(wasm.begin(), wasm.end()));
    } else {
      respond(fd, 404, "no route");
    }
    ::close(fd);
  }

  int m_fd = -1;
  uint16_t m_port = 0;
  std::thread m_accept;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_stop = false;
  std::vector<std::thread> m_conns;
};

// The request JSON of http_request.
std::string request(const std::string& url, const std::string& method = "GET",
                    const std::map<std::string, std::string>& headers = {}) {
  std::string j = "{\"url\": \"" + url + "\", \"method\": \"" + method + "\", \"headers\": {";
  bool first = true;
  for (const auto& [k, v] : headers) {
    j += std::string(first ? "" : ", ") + "\"" + k + "\": \"" + v + "\"";
    first = false;
  }
  return j + "}}";
}

struct Http : ::testing::Test {
  TestServer server;
  Engine engine;

  std::unique_ptr<Plugin> make(std::vector<std::string> allowed_hosts = {"127.0.0.1"},
                               std::function<void(Manifest&)> adjust = {}) {
    auto m = Manifest::load(k_http_plugin);
    EXPECT_TRUE(m) << m.error().to_string();
    if (!m) return nullptr;
    m->allowed_hosts = std::move(allowed_hosts);
    if (adjust) adjust(*m);
    auto c = CompiledPlugin::create(engine, std::move(*m));
    EXPECT_TRUE(c) << c.error().to_string();
    if (!c) return nullptr;
    auto p = Plugin::create(*c);
    EXPECT_TRUE(p) << p.error().to_string();
    return p ? std::move(*p) : nullptr;
  }
};

TEST_F(Http, Get) {
  auto p = make();
  ASSERT_TRUE(p);
  auto out = p->call("request", request(server.url("/hello")));
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(text(*out), "200\nhello world");
}

TEST_F(Http, PostWithHeadersAndBody) {
  auto p = make();
  ASSERT_TRUE(p);
  auto out = p->call("request", request(server.url("/echo"), "POST",
                                        {{"X-Custom", "v1"}, {"Content-Type", "text/plain"}}) +
                                    "\nthe body\nwith a newline");
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(text(*out), "200\nPOST v1 text/plain|the body\nwith a newline");
  // No body, another method: sent with an empty body and no content type made up by libcurl.
  out = p->call("request", request(server.url("/echo"), "PUT"));
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(text(*out), "200\nPUT - -|");
  // The default method is GET.
  out = p->call("request", "{\"url\": \"" + server.url("/echo") + "\"}");
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(text(*out), "200\nGET - -|");
}

TEST_F(Http, StatusCodesAndEmptyBody) {
  auto p = make();
  ASSERT_TRUE(p);
  auto out = p->call("request", request(server.url("/status/404")));
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(text(*out), "404\nnothing here");  // an error status is a response, not a failure
  out = p->call("request", request(server.url("/empty")));
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(text(*out), "200\n");  // http_request returned 0: the body is empty
}

TEST_F(Http, ResponseHeadersOnlyWhenAllowed) {
  auto p = make();
  ASSERT_TRUE(p);
  auto out = p->call("headers", request(server.url("/hello")));
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(text(*out), "<none>");

  p = make({"127.0.0.1"}, [](Manifest& m) { m.allow_http_response_headers = true; });
  ASSERT_TRUE(p);
  out = p->call("headers", request(server.url("/hello")));
  ASSERT_TRUE(out) << out.error().to_string();
  std::string json = text(*out);
  EXPECT_EQ(json.front(), '{');
  EXPECT_NE(json.find("\"x-test\":\"yes\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"x-multi\":\"a, b\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"content-length\":\"11\""), std::string::npos) << json;
}

TEST_F(Http, HostNotAllowedThenNextCallWorks) {
  auto p = make({"127.0.0.?"});
  ASSERT_TRUE(p);
  std::string localhost = "http://localhost:" + std::to_string(server.port()) + "/hello";
  auto out = p->call("request", request(localhost));
  ASSERT_FALSE(out);
  EXPECT_EQ(p->last_status(), CallStatus::trap);
  EXPECT_NE(out.error().message.find("HTTP request to " + localhost +
                                     " is not allowed: host 'localhost'"),
            std::string::npos)
      << out.error().message;
  out = p->call("request", request(server.url("/hello")));
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(text(*out), "200\nhello world");
}

TEST_F(Http, EmptyAllowedHostsAllowsNone) {
  auto p = make({});
  ASSERT_TRUE(p);
  auto out = p->call("request", request(server.url("/hello")));
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("host '127.0.0.1' matches no allowed_hosts pattern"),
            std::string::npos)
      << out.error().message;
}

TEST_F(Http, RedirectsFollowedOnlyToAllowedHosts) {
  auto p = make();
  ASSERT_TRUE(p);
  auto out = p->call("request", request(server.url("/redirect-here")));
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(text(*out), "200\nhello world");
  out = p->call("request", request(server.url("/redirect-away")));
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("redirect to http://localhost:"), std::string::npos)
      << out.error().message;
  EXPECT_NE(out.error().message.find("host 'localhost'"), std::string::npos) << out.error().message;
}

TEST_F(Http, ResponseOverTheCapRefusedThenNextCallWorks) {
  auto p = make({"127.0.0.1"}, [](Manifest& m) { m.max_http_response_bytes = 4096; });
  ASSERT_TRUE(p);
  for (std::string path : {"/big", "/big-chunked"}) {
    auto out = p->call("request", request(server.url(path)));
    ASSERT_FALSE(out) << path;
    EXPECT_EQ(p->last_status(), CallStatus::trap);
    EXPECT_NE(out.error().message.find(
                  "HTTP response exceeds the configured maximum number of bytes: 4096"),
              std::string::npos)
        << out.error().message;
  }
  auto out = p->call("request", request(server.url("/hello")));
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(text(*out), "200\nhello world");
}

TEST_F(Http, SlowServerEndsTheCallAsATimeout) {
  auto p = make({"127.0.0.1"}, [](Manifest& m) { m.timeout_ms = 200; });
  ASSERT_TRUE(p);
  auto start = Clock::now();
  auto out = p->call("request", request(server.url("/slow")));
  long ms = elapsed_ms(start);
  ASSERT_FALSE(out);
  EXPECT_EQ(p->last_status(), CallStatus::timeout) << out.error().message;
  EXPECT_GE(ms, 200);
  EXPECT_LE(ms, 250);
  // Within the time left, a quick request still works.
  out = p->call("request", request(server.url("/hello")));
  ASSERT_TRUE(out) << out.error().to_string();
}

TEST_F(Http, CancelStopsATransfer) {
  auto p = make();
  ASSERT_TRUE(p);
  CancelHandle cancel = p->cancel_handle();
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancel.cancel();
  });
  auto start = Clock::now();
  auto out = p->call("request", request(server.url("/slow")));
  long ms = elapsed_ms(start);
  canceller.join();
  ASSERT_FALSE(out);
  EXPECT_EQ(p->last_status(), CallStatus::cancelled) << out.error().message;
  EXPECT_LT(ms, 600);  // the server answers after 3 s
  out = p->call("request", request(server.url("/hello")));
  ASSERT_TRUE(out) << out.error().to_string();
}

TEST_F(Http, BadRequestsTrap) {
  auto p = make({"*"});
  ASSERT_TRUE(p);
  auto out = p->call("request", "{\"method\": \"GET\"}");
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("needs a \"url\" string"), std::string::npos)
      << out.error().message;
  out = p->call("request", "not json");
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("invalid request JSON"), std::string::npos)
      << out.error().message;
  out = p->call("request", request("file:///etc/passwd"));
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("only http and https"), std::string::npos)
      << out.error().message;
  out = p->call("request",
                request(server.url("/echo"), "GET", {{"X-Custom", "a\\r\\nX-Injected: 1"}}));
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("line break"), std::string::npos) << out.error().message;
  out = p->call("request", request(server.url("/echo"), "GET / HTTP/1.1"));
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("invalid HTTP method"), std::string::npos)
      << out.error().message;
}

TEST(HttpGlob, MatchesLikeExtism) {
  using extism::host_glob_match;
  EXPECT_TRUE(host_glob_match("example.com", "example.com"));
  EXPECT_TRUE(host_glob_match("Example.COM", "example.com"));
  EXPECT_FALSE(host_glob_match("example.com", "www.example.com"));
  EXPECT_TRUE(host_glob_match("*.example.com", "www.example.com"));
  EXPECT_TRUE(host_glob_match("*.example.com", "a.b.example.com"));  // '*' crosses dots
  EXPECT_FALSE(host_glob_match("*.example.com", "example.com"));
  EXPECT_FALSE(host_glob_match("*.example.com", "example.com.evil.net"));
  EXPECT_TRUE(host_glob_match("*", "anything.at.all"));
  EXPECT_TRUE(host_glob_match("127.0.0.?", "127.0.0.1"));
  EXPECT_FALSE(host_glob_match("127.0.0.?", "127.0.0.10"));
  EXPECT_TRUE(host_glob_match("a*b*c", "aXXbYYc"));
  EXPECT_FALSE(host_glob_match("a*b*c", "aXXbYY"));
  EXPECT_TRUE(host_glob_match("api.*.com", "api.x.com"));
  EXPECT_FALSE(host_glob_match("", "a"));
  EXPECT_FALSE(extism::host_allowed({}, "example.com"));
  EXPECT_TRUE(extism::host_allowed({"x.org", "*.example.com"}, "www.example.com"));
}

// ---- url sources ------------------------------------------------------------------------

TEST_F(Http, UrlSourceFetchedAndHashChecked) {
  server.wasm = read_bytes(k_http_plugin);
  ASSERT_FALSE(server.wasm.empty());
  std::string url = server.url("/plugin.wasm");
  auto m = Manifest::parse_json(
      "{\"wasm\": [{\"url\": \"" + url + "\", \"hash\": \"" + sha256_hex(server.wasm) +
      "\", \"headers\": {\"X-Any\": \"1\"}, \"method\": \"GET\", \"name\": \"main\"}]}");
  ASSERT_TRUE(m) << m.error().to_string();
  ASSERT_EQ(m->wasm.size(), 1u);
  EXPECT_EQ(m->wasm[0].bytes, server.wasm);
  EXPECT_EQ(m->wasm[0].source, "url:" + url);
  EXPECT_EQ(m->wasm[0].name, "main");
  // And it runs.
  m->allowed_hosts = {"127.0.0.1"};
  auto c = CompiledPlugin::create(engine, std::move(*m));
  ASSERT_TRUE(c) << c.error().to_string();
  auto p = Plugin::create(*c);
  ASSERT_TRUE(p);
  auto out = (*p)->call("request", request(server.url("/hello")));
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(text(*out), "200\nhello world");
}

TEST_F(Http, UrlSourceErrors) {
  server.wasm = read_bytes(k_http_plugin);
  std::string missing = server.url("/missing.wasm");
  auto m = Manifest::parse_json("{\"wasm\": [{\"url\": \"" + missing + "\"}]}");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, ErrorKind::io);
  EXPECT_EQ(m.error().message, "manifest: wasm[0] (url:" + missing + "): HTTP status 404");

  std::string url = server.url("/plugin.wasm");
  m = Manifest::parse_json("{\"wasm\": [{\"url\": \"" + url + "\", \"hash\": \"" +
                           std::string(64, '0') + "\"}]}");
  ASSERT_FALSE(m);
  EXPECT_NE(
      m.error().message.find("manifest: wasm[0] (url:" + url + "): sha256 mismatch: expected 000"),
      std::string::npos)
      << m.error().message;

  // A port nothing listens on: bind one, then close it.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  std::string closed = "http://127.0.0.1:" + std::to_string(ntohs(a.sin_port)) + "/plugin.wasm";
  m = Manifest::parse_json("{\"wasm\": [{\"url\": \"" + closed + "\"}]}");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, ErrorKind::io);
  EXPECT_NE(m.error().message.find("manifest: wasm[0] (url:" + closed + "): GET " + closed + ": "),
            std::string::npos)
      << m.error().message;
}

}  // namespace

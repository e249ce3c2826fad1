// weft WASI: the component walker and openat2 (see wasi_sandbox.hpp for the rules).
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <deque>
#include <vector>

#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#define WEFT_HAVE_OPENAT2 1
#endif

#include "wasi/wasi_sandbox.hpp"

namespace weft::wasi_detail {

namespace {

std::atomic<bool> g_openat2{true};

void split(std::string_view path, std::deque<std::string>& out, bool front) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    parts.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  if (front)
    out.insert(out.begin(), parts.begin(), parts.end());
  else
    out.insert(out.end(), parts.begin(), parts.end());
}

/// The directory fds walked so far; level 0 is the root (not owned).
class Stack {
 public:
  explicit Stack(int root) : m_root(root) {}
  ~Stack() {
    for (int fd : m_fds) ::close(fd);
  }
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;
  int top() const { return m_fds.empty() ? m_root : m_fds.back(); }
  bool at_root() const { return m_fds.empty(); }
  void push(int fd) { m_fds.push_back(fd); }
  void pop() {
    ::close(m_fds.back());
    m_fds.pop_back();
  }
  /// Hands the top fd to `out` (owned unless it is the root).
  void release_top(Resolved& out, std::string name) {
    if (m_fds.empty()) {
      out.set(m_root, false, std::move(name));
    } else {
      out.set(m_fds.back(), true, std::move(name));
      m_fds.pop_back();
    }
  }

 private:
  int m_root;
  std::vector<int> m_fds;
};

/// If `name` in `dir` is a symlink, reads its target: 1 yes, 0 no, -errno on failure.
int read_symlink(int dir, const std::string& name, std::string& target) {
  struct stat st;
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return -errno;
  if (!S_ISLNK(st.st_mode)) return 0;
  char buf[4096];
  ssize_t n = ::readlinkat(dir, name.c_str(), buf, sizeof buf);
  if (n < 0) return -errno;
  if (static_cast<size_t>(n) >= sizeof buf) return -ENAMETOOLONG;
  target.assign(buf, static_cast<size_t>(n));
  return 1;
}

}  // namespace

Resolved::~Resolved() {
  if (m_owned && m_dir >= 0) ::close(m_dir);
}
Resolved::Resolved(Resolved&& o) noexcept
    : m_dir(o.m_dir), m_owned(o.m_owned), m_name(std::move(o.m_name)) {
  o.m_dir = -1;
  o.m_owned = false;
}
Resolved& Resolved::operator=(Resolved&& o) noexcept {
  if (this != &o) {
    if (m_owned && m_dir >= 0) ::close(m_dir);
    m_dir = o.m_dir;
    m_owned = o.m_owned;
    m_name = std::move(o.m_name);
    o.m_dir = -1;
    o.m_owned = false;
  }
  return *this;
}
void Resolved::set(int dir, bool owned, std::string name) {
  if (m_owned && m_dir >= 0) ::close(m_dir);
  m_dir = dir;
  m_owned = owned;
  m_name = std::move(name);
}

Errno resolve_beneath(int root, std::string_view path, bool follow_final, Resolved& out) {
  if (path.empty()) return e_noent;
  if (path.front() == '/') return e_notcapable;
  if (path.size() >= 4096) return e_nametoolong;
  // A trailing slash names a directory: its symlink is followed, as POSIX does, and the slash
  // stays on the final name so that the host refuses a non-directory (ENOTDIR).
  const bool trailing_slash = path.back() == '/';
  if (trailing_slash) follow_final = true;
  auto final_name = [&](std::string& c) { return trailing_slash ? c + "/" : std::move(c); };
  std::deque<std::string> pending;
  split(path, pending, false);
  while (pending.size() > 1 && pending.back().empty()) pending.pop_back();

  Stack stack(root);
  int links = 0;
  while (!pending.empty()) {
    std::string c = std::move(pending.front());
    pending.pop_front();
    bool last = pending.empty();
    if (c.empty() || c == ".") {
      if (last) stack.release_top(out, ".");
      if (last) return e_success;
      continue;
    }
    if (c == "..") {
      if (stack.at_root()) return e_notcapable;
      stack.pop();
      if (last) {
        stack.release_top(out, ".");
        return e_success;
      }
      continue;
    }
    if (c.size() > 255) return e_nametoolong;
    if (last && !follow_final) {
      stack.release_top(out, final_name(c));
      return e_success;
    }
    if (!last) {
      int fd = ::openat(stack.top(), c.c_str(), O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
      if (fd >= 0) {
        stack.push(fd);
        continue;
      }
      int err = errno;
      if (err != ELOOP && err != ENOTDIR) return errno_from_host(err);
    }
    std::string target;
    int r = read_symlink(stack.top(), c, target);
    if (r < 0) {
      if (last && r == -ENOENT) {  // a name to create
        stack.release_top(out, final_name(c));
        return e_success;
      }
      return errno_from_host(-r);
    }
    if (r == 0) {
      if (last) {
        stack.release_top(out, final_name(c));
        return e_success;
      }
      return e_notdir;
    }
    if (++links > max_symlinks) return e_loop;
    if (target.empty()) return e_noent;
    if (target.front() == '/') return e_notcapable;
    // A final symlink that ended in a slash stays a directory lookup.
    split(target, pending, true);
  }
  return e_noent;
}

int open_beneath(int root, std::string_view path, bool follow_final, int flags, int mode,
                 Errno& err) {
  if (path.empty()) {
    err = e_noent;
    return -1;
  }
  if (path.front() == '/') {
    err = e_notcapable;
    return -1;
  }
  flags |= O_CLOEXEC;
  if (!follow_final) flags |= O_NOFOLLOW;
#ifdef WEFT_HAVE_OPENAT2
  if (g_openat2.load(std::memory_order_relaxed)) {
    struct open_how how {};
    how.flags = static_cast<uint64_t>(flags);
    how.mode = (flags & O_CREAT) ? static_cast<uint64_t>(mode) : 0;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    for (;;) {
      long fd = ::syscall(SYS_openat2, root, std::string(path).c_str(), &how, sizeof how);
      if (fd >= 0) {
        err = e_success;
        return static_cast<int>(fd);
      }
      if (errno == EAGAIN || errno == EINTR) continue;  // a rename raced: retry
      if (errno == ENOSYS) break;                       // no openat2 here: the walker below
      // RESOLVE_BENEATH's refusal: ".." above the root or an absolute symlink.
      err = errno == EXDEV ? e_notcapable : errno_from_host(errno);
      return -1;
    }
  }
#endif
  Resolved r;
  err = resolve_beneath(root, path, follow_final, r);
  if (err != e_success) return -1;
  // O_NOFOLLOW always: the walker already followed what it was asked to; a symlink that
  // appears now was swapped in by a race and is refused (e_loop).
  int fd = ::openat(r.dir(), r.name().c_str(), flags | O_NOFOLLOW, mode);
  if (fd < 0) {
    err = errno_from_host(errno);
    return -1;
  }
  err = e_success;
  return fd;
}

void set_openat2_enabled(bool enabled) noexcept { g_openat2.store(enabled); }
bool openat2_enabled() noexcept { return g_openat2.load(); }

}  // namespace weft::wasi_detail

// weft WASI: the fd table, host errno mapping, guest memory helpers, setup of preopens.
#include "wasi/wasi_state.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

extern char** environ;

namespace weft {

WasiConfig& WasiConfig::inherit_env() {
  for (char** e = ::environ; e && *e; ++e) {
    std::string_view kv(*e);
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    environ.emplace_back(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return *this;
}

namespace wasi_detail {

Errno errno_from_host(int e) noexcept {
  switch (e) {
    case 0: return e_success;
    case E2BIG: return e_2big;
    case EACCES: return e_acces;
    case EADDRINUSE: return e_addrinuse;
    case EADDRNOTAVAIL: return e_addrnotavail;
    case EAFNOSUPPORT: return e_afnosupport;
    case EAGAIN: return e_again;
    case EALREADY: return e_already;
    case EBADF: return e_badf;
    case EBADMSG: return e_badmsg;
    case EBUSY: return e_busy;
    case ECANCELED: return e_canceled;
    case ECHILD: return e_child;
    case ECONNABORTED: return e_connaborted;
    case ECONNREFUSED: return e_connrefused;
    case ECONNRESET: return e_connreset;
    case EDEADLK: return e_deadlk;
    case EDESTADDRREQ: return e_destaddrreq;
    case EDOM: return e_dom;
    case EDQUOT: return e_dquot;
    case EEXIST: return e_exist;
    case EFAULT: return e_fault;
    case EFBIG: return e_fbig;
    case EHOSTUNREACH: return e_hostunreach;
    case EIDRM: return e_idrm;
    case EILSEQ: return e_ilseq;
    case EINPROGRESS: return e_inprogress;
    case EINTR: return e_intr;
    case EINVAL: return e_inval;
    case EIO: return e_io;
    case EISCONN: return e_isconn;
    case EISDIR: return e_isdir;
    case ELOOP: return e_loop;
    case EMFILE: return e_mfile;
    case EMLINK: return e_mlink;
    case EMSGSIZE: return e_msgsize;
    case EMULTIHOP: return e_multihop;
    case ENAMETOOLONG: return e_nametoolong;
    case ENETDOWN: return e_netdown;
    case ENETRESET: return e_netreset;
    case ENETUNREACH: return e_netunreach;
    case ENFILE: return e_nfile;
    case ENOBUFS: return e_nobufs;
    case ENODEV: return e_nodev;
    case ENOENT: return e_noent;
    case ENOEXEC: return e_noexec;
    case ENOLCK: return e_nolck;
    case ENOLINK: return e_nolink;
    case ENOMEM: return e_nomem;
    case ENOMSG: return e_nomsg;
    case ENOPROTOOPT: return e_noprotoopt;
    case ENOSPC: return e_nospc;
    case ENOSYS: return e_nosys;
    case ENOTCONN: return e_notconn;
    case ENOTDIR: return e_notdir;
    case ENOTEMPTY: return e_notempty;
    case ENOTRECOVERABLE: return e_notrecoverable;
    case ENOTSOCK: return e_notsock;
    case EOPNOTSUPP: return e_notsup;
    case ENOTTY: return e_notty;
    case ENXIO: return e_nxio;
    case EOVERFLOW: return e_overflow;
    case EOWNERDEAD: return e_ownerdead;
    case EPERM: return e_perm;
    case EPIPE: return e_pipe;
    case EPROTO: return e_proto;
    case EPROTONOSUPPORT: return e_protonosupport;
    case EPROTOTYPE: return e_prototype;
    case ERANGE: return e_range;
    case EROFS: return e_rofs;
    case ESPIPE: return e_spipe;
    case ESRCH: return e_srch;
    case ESTALE: return e_stale;
    case ETIMEDOUT: return e_timedout;
    case ETXTBSY: return e_txtbsy;
    // EXDEV comes from openat2's RESOLVE_BENEATH too; a cross-device rename or link is
    // reported the same way by the host, so keep the spec's xdev.
    case EXDEV: return e_xdev;
    default: return e_io;
  }
}

Filetype filetype_from_mode(uint32_t m) noexcept {
  switch (m & S_IFMT) {
    case S_IFBLK: return ft_block_device;
    case S_IFCHR: return ft_character_device;
    case S_IFDIR: return ft_directory;
    case S_IFREG: return ft_regular_file;
    case S_IFSOCK: return ft_socket_stream;
    case S_IFLNK: return ft_symbolic_link;
    default: return ft_unknown;
  }
}

namespace {

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xe0) == 0xc0) {
      n = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3;
      cp = c & 0x07;
    } else
      return false;
    if (i + n >= s.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
      return false;
    i += n + 1;
  }
  return true;
}

}  // namespace

Errno GuestMem::path(uint32_t ptr, uint32_t len, std::string& out) const {
  auto s = span(ptr, len);
  if (!s) return e_fault;
  std::string_view text(reinterpret_cast<const char*>(s->data()), s->size());
  if (text.find('\0') != std::string_view::npos) return e_ilseq;
  if (!valid_utf8(text)) return e_ilseq;
  out.assign(text);
  return e_success;
}

Errno load_iovecs(const GuestMem& mem, uint32_t iovs, uint32_t count,
                  std::vector<std::span<uint8_t>>& out) {
  if (count > max_iovecs) return e_inval;
  out.clear();
  out.reserve(count);
  uint64_t total = 0;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t buf = 0, len = 0;
    uint64_t at = uint64_t{iovs} + uint64_t{i} * 8;
    if (!mem.load(at, buf) || !mem.load(at + 4, len)) return e_fault;
    auto s = mem.span(buf, len);
    if (!s) return e_fault;
    total += len;
    out.push_back(*s);
  }
  // A total that does not fit the u32 result (nread, nwritten) is refused as POSIX does.
  if (total > 0x7fffffffu) return e_inval;
  return e_success;
}

WasiState::WasiState(const WasiConfig& c) : config(c) {
  rng = c.deterministic_seed.value_or(0) ^ 0x9e3779b97f4a7c15ull;
  WasiStdio modes[3] = {c.stdin_mode, c.stdout_mode, c.stderr_mode};
  for (int i = 0; i < 3; ++i) {
    FdEntry e;
    e.kind = FdEntry::Kind::stdio;
    e.stdio = i;
    e.stdio_mode = modes[i];
    e.host = modes[i] == WasiStdio::inherit ? i : -1;
    e.filetype = ft_character_device;
    fds.emplace(static_cast<uint32_t>(i), e);
  }
  uint32_t next = 3;
  for (const WasiPreopen& p : c.preopens) {
    int fd = ::open(p.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      setup_errno = errno_from_host(errno);
      setup_error =
          "cannot open preopened directory '" + p.host_path + "': " + std::strerror(errno);
      return;
    }
    FdEntry e;
    e.kind = FdEntry::Kind::dir;
    e.host = fd;
    e.preopen = true;
    e.preopen_name = p.guest_path;
    e.read_only = p.read_only;
    e.filetype = ft_directory;
    fds.emplace(next++, std::move(e));
  }
}

WasiState::~WasiState() {
  for (auto& [n, e] : fds)
    if (e.kind != FdEntry::Kind::stdio && e.host >= 0) ::close(e.host);
}

FdEntry* WasiState::get(uint32_t fd) noexcept {
  auto it = fds.find(fd);
  return it == fds.end() ? nullptr : &it->second;
}

std::optional<uint32_t> WasiState::allocate(FdEntry entry) {
  if (fds.size() >= max_fds) return std::nullopt;
  uint32_t n = 0;
  for (auto& [k, v] : fds) {
    if (k != n) break;
    ++n;
  }
  fds.emplace(n, std::move(entry));
  return n;
}

Errno WasiState::close(uint32_t fd) noexcept {
  auto it = fds.find(fd);
  if (it == fds.end()) return e_badf;
  if (it->second.kind != FdEntry::Kind::stdio && it->second.host >= 0) ::close(it->second.host);
  fds.erase(it);
  return e_success;
}

}  // namespace wasi_detail
}  // namespace weft

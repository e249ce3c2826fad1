// weft WASI: the path_* functions. Every path goes through wasi_sandbox's resolver.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "wasi/wasi_fs_util.hpp"
#include "wasi/wasi_sandbox.hpp"
#include "wasi/wasi_state.hpp"

namespace weft::wasi_detail {

namespace {

using Args = std::span<const Value>;
using R = Result<uint32_t>;

/// The directory fd `fd` and the guest path at (ptr, len), resolved beneath it.
struct PathArg {
  FdEntry* dir = nullptr;
  Resolved resolved;
};

Errno dir_entry(WasiState& st, uint32_t fd, FdEntry*& out) {
  out = st.get(fd);
  if (!out) return e_badf;
  if (out->kind != FdEntry::Kind::dir) return e_notdir;
  return e_success;
}

Errno resolve_arg(WasiState& st, const GuestMem& mem, uint32_t fd, uint32_t ptr, uint32_t len,
                  bool follow, PathArg& out) {
  if (Errno e = dir_entry(st, fd, out.dir)) return e;
  std::string path;
  if (Errno e = mem.path(ptr, len, path)) return e;
  return resolve_beneath(out.dir->host, path, follow, out.resolved);
}

R path_open(WasiState& st, const GuestMem& mem, Args a) {
  FdEntry* dir = nullptr;
  if (Errno e = dir_entry(st, u32(a[0]), dir)) return e;
  uint32_t dirflags = u32(a[1]), oflags = u32(a[4]), fdflags = u32(a[7]), fd_ptr = u32(a[8]);
  uint64_t rights = u64(a[5]), inheriting = u64(a[6]);
  if (!mem.span(fd_ptr, 4)) return e_fault;
  std::string path;
  if (Errno e = mem.path(u32(a[2]), u32(a[3]), path)) return e;
  if (oflags & ~uint32_t{0xf}) return e_inval;
  if (fdflags & ~uint32_t{0x1f}) return e_inval;
  constexpr uint64_t write_rights =
      right_fd_write | (1u << 8) /*fd_allocate*/ | (1u << 22) /*fd_filestat_set_size*/;
  bool want_write = (rights & write_rights) || (oflags & oflag_trunc) || (fdflags & fdflag_append);
  bool want_read = (rights & (right_fd_read | (1u << 14) /*fd_readdir*/)) || !want_write;
  if (dir->read_only && (want_write || (oflags & oflag_creat))) return e_rofs;
  int flags = 0;
  if (oflags & oflag_directory) {
    flags |= O_DIRECTORY;
    want_write = false;
  }
  flags |= want_write ? (want_read ? O_RDWR : O_WRONLY) : O_RDONLY;
  if (oflags & oflag_creat) flags |= O_CREAT;
  if (oflags & oflag_excl) flags |= O_EXCL;
  if (oflags & oflag_trunc) flags |= O_TRUNC;
  if (fdflags & fdflag_append) flags |= O_APPEND;
  if (fdflags & fdflag_dsync) flags |= O_DSYNC;
  if (fdflags & fdflag_sync) flags |= O_SYNC;
  if (fdflags & fdflag_rsync) flags |= O_RSYNC;
  if (fdflags & fdflag_nonblock) flags |= O_NONBLOCK;
  Errno err = e_success;
  int fd = open_beneath(dir->host, path, dirflags & lookup_symlink_follow, flags, 0666, err);
  if (fd < 0) {
    // A directory opened for writing: Linux says EISDIR, as WASI wants.
    return err;
  }
  struct stat s;
  if (::fstat(fd, &s) != 0) {
    int e = errno;
    ::close(fd);
    return errno_from_host(e);
  }
  FdEntry entry;
  entry.kind = S_ISDIR(s.st_mode) ? FdEntry::Kind::dir : FdEntry::Kind::file;
  entry.host = fd;
  entry.read_only = dir->read_only;
  entry.filetype = filetype_from_mode(s.st_mode);
  entry.fdflags = static_cast<uint16_t>(fdflags);
  entry.rights_base = rights & dir->rights_inheriting;
  entry.rights_inheriting = inheriting & dir->rights_inheriting;
  auto n = st.allocate(std::move(entry));
  if (!n) {
    ::close(fd);
    return e_nfile;
  }
  mem.store(fd_ptr, *n);
  return e_success;
}

R path_create_directory(WasiState& st, const GuestMem& mem, Args a) {
  PathArg p;
  if (Errno e = resolve_arg(st, mem, u32(a[0]), u32(a[1]), u32(a[2]), false, p)) return e;
  if (p.dir->read_only) return e_rofs;
  if (::mkdirat(p.resolved.dir(), p.resolved.name().c_str(), 0777) != 0)
    return errno_from_host(errno);
  return e_success;
}

R path_remove_directory(WasiState& st, const GuestMem& mem, Args a) {
  PathArg p;
  if (Errno e = resolve_arg(st, mem, u32(a[0]), u32(a[1]), u32(a[2]), false, p)) return e;
  if (p.dir->read_only) return e_rofs;
  if (::unlinkat(p.resolved.dir(), p.resolved.name().c_str(), AT_REMOVEDIR) != 0)
    return errno_from_host(errno == EEXIST ? ENOTEMPTY : errno);
  return e_success;
}

R path_unlink_file(WasiState& st, const GuestMem& mem, Args a) {
  PathArg p;
  if (Errno e = resolve_arg(st, mem, u32(a[0]), u32(a[1]), u32(a[2]), false, p)) return e;
  if (p.dir->read_only) return e_rofs;
  if (::unlinkat(p.resolved.dir(), p.resolved.name().c_str(), 0) != 0)
    return errno_from_host(errno);
  return e_success;
}

R path_filestat_get(WasiState& st, const GuestMem& mem, Args a) {
  uint32_t buf = u32(a[4]);
  if (!mem.span(buf, 64)) return e_fault;
  PathArg p;
  bool follow = u32(a[1]) & lookup_symlink_follow;
  if (Errno e = resolve_arg(st, mem, u32(a[0]), u32(a[2]), u32(a[3]), follow, p)) return e;
  struct stat s;
  if (::fstatat(p.resolved.dir(), p.resolved.name().c_str(), &s, AT_SYMLINK_NOFOLLOW) != 0)
    return errno_from_host(errno);
  return store_filestat(mem, buf, s);
}

R path_filestat_set_times(WasiState& st, const GuestMem& mem, Args a) {
  struct timespec ts[2];
  if (Errno e = make_times(u64(a[4]), u64(a[5]), u32(a[6]), ts)) return e;
  PathArg p;
  bool follow = u32(a[1]) & lookup_symlink_follow;
  if (Errno e = resolve_arg(st, mem, u32(a[0]), u32(a[2]), u32(a[3]), follow, p)) return e;
  if (p.dir->read_only) return e_rofs;
  if (::utimensat(p.resolved.dir(), p.resolved.name().c_str(), ts, AT_SYMLINK_NOFOLLOW) != 0)
    return errno_from_host(errno);
  return e_success;
}

R path_link(WasiState& st, const GuestMem& mem, Args a) {
  PathArg from, to;
  bool follow = u32(a[1]) & lookup_symlink_follow;
  if (Errno e = resolve_arg(st, mem, u32(a[0]), u32(a[2]), u32(a[3]), follow, from)) return e;
  if (Errno e = resolve_arg(st, mem, u32(a[4]), u32(a[5]), u32(a[6]), false, to)) return e;
  if (to.dir->read_only) return e_rofs;
  if (::linkat(from.resolved.dir(), from.resolved.name().c_str(), to.resolved.dir(),
               to.resolved.name().c_str(), 0) != 0)
    return errno_from_host(errno);
  return e_success;
}

R path_readlink(WasiState& st, const GuestMem& mem, Args a) {
  uint32_t buf = u32(a[3]), buf_len = u32(a[4]), used = u32(a[5]);
  auto out = mem.span(buf, buf_len);
  if (!out || !mem.span(used, 4)) return e_fault;
  PathArg p;
  if (Errno e = resolve_arg(st, mem, u32(a[0]), u32(a[1]), u32(a[2]), false, p)) return e;
  char tmp[4096];
  ssize_t n = ::readlinkat(p.resolved.dir(), p.resolved.name().c_str(), tmp, sizeof tmp);
  if (n < 0) return errno_from_host(errno);
  // A target longer than the buffer is truncated, as readlink(2) does.
  size_t k = std::min<size_t>(static_cast<size_t>(n), buf_len);
  if (k) std::memcpy(out->data(), tmp, k);
  mem.store(used, static_cast<uint32_t>(k));
  return e_success;
}

R path_rename(WasiState& st, const GuestMem& mem, Args a) {
  PathArg from, to;
  if (Errno e = resolve_arg(st, mem, u32(a[0]), u32(a[1]), u32(a[2]), false, from)) return e;
  if (Errno e = resolve_arg(st, mem, u32(a[3]), u32(a[4]), u32(a[5]), false, to)) return e;
  if (from.dir->read_only || to.dir->read_only) return e_rofs;
  if (::renameat(from.resolved.dir(), from.resolved.name().c_str(), to.resolved.dir(),
                 to.resolved.name().c_str()) != 0)
    return errno_from_host(errno);
  return e_success;
}

R path_symlink(WasiState& st, const GuestMem& mem, Args a) {
  std::string target;
  if (Errno e = mem.path(u32(a[0]), u32(a[1]), target)) return e;
  // An absolute target could never be followed inside the sandbox; refuse to make one.
  if (!target.empty() && target.front() == '/') return e_notcapable;
  PathArg p;
  if (Errno e = resolve_arg(st, mem, u32(a[2]), u32(a[3]), u32(a[4]), false, p)) return e;
  if (p.dir->read_only) return e_rofs;
  if (::symlinkat(target.c_str(), p.resolved.dir(), p.resolved.name().c_str()) != 0)
    return errno_from_host(errno);
  return e_success;
}

constexpr FuncDef k_path[] = {
    {"path_create_directory", "iii", true, path_create_directory},
    {"path_filestat_get", "iiiii", true, path_filestat_get},
    {"path_filestat_set_times", "iiiiIIi", true, path_filestat_set_times},
    {"path_link", "iiiiiii", true, path_link},
    {"path_open", "iiiiiIIii", true, path_open},
    {"path_readlink", "iiiiii", true, path_readlink},
    {"path_remove_directory", "iii", true, path_remove_directory},
    {"path_rename", "iiiiii", true, path_rename},
    {"path_symlink", "iiiii", true, path_symlink},
    {"path_unlink_file", "iii", true, path_unlink_file},
};

}  // namespace

std::span<const FuncDef> path_functions() { return k_path; }

}  // namespace weft::wasi_detail

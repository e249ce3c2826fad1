// weft WASI: the fd_* functions.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "wasi/wasi_fs_util.hpp"
#include "wasi/wasi_state.hpp"

namespace weft::wasi_detail {

namespace {

using Args = std::span<const Value>;
using R = Result<uint32_t>;

std::vector<struct iovec> host_iovecs(const std::vector<std::span<uint8_t>>& v) {
  std::vector<struct iovec> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = {v[i].data(), v[i].size()};
  return out;
}

bool buffered(const FdEntry& e) { return e.kind == FdEntry::Kind::stdio && e.host < 0; }

/// Reads or writes through an iovec list: the shared body of read/pread/write/pwrite.
R transfer(WasiState& st, const GuestMem& mem, Args a, bool write, bool positioned) {
  FdEntry* e = st.get(u32(a[0]));
  if (!e) return e_badf;
  uint32_t result_ptr = u32(a[positioned ? 4 : 3]);
  if (!mem.span(result_ptr, 4)) return e_fault;
  std::vector<std::span<uint8_t>> bufs;
  if (Errno err = load_iovecs(mem, u32(a[1]), u32(a[2]), bufs)) return err;
  if (e->kind == FdEntry::Kind::dir) return write ? e_badf : e_isdir;
  if (positioned && e->kind == FdEntry::Kind::stdio) return e_spipe;
  if (write && e->kind == FdEntry::Kind::stdio && e->stdio == 0) return e_badf;
  if (!write && e->kind == FdEntry::Kind::stdio && e->stdio != 0) return e_badf;
  uint64_t done = 0;
  if (buffered(*e)) {
    if (write) {
      std::string* sink = e->stdio == 1 ? &st.stdout_buf : &st.stderr_buf;
      bool capture = e->stdio_mode == WasiStdio::buffer;
      for (auto& b : bufs) {
        size_t n = b.size();
        if (capture) {
          size_t room = st.config.capture_limit - std::min(st.config.capture_limit, sink->size());
          n = std::min(n, room);
          sink->append(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n));
        }
        done += n;
        if (n < b.size()) break;
      }
      uint64_t requested = 0;
      for (auto& b : bufs) requested += b.size();
      if (done == 0 && requested > 0) return e_nospc;  // the capture is full
    } else if (e->stdio_mode == WasiStdio::buffer) {
      const std::string& src = st.config.stdin_data;
      for (auto& b : bufs) {
        size_t n = std::min(b.size(), src.size() - st.stdin_pos);
        std::memcpy(b.data(), src.data() + st.stdin_pos, n);
        st.stdin_pos += n;
        done += n;
        if (n < b.size()) break;
      }
    }
    mem.store(result_ptr, static_cast<uint32_t>(done));
    return e_success;
  }
  auto iov = host_iovecs(bufs);
  ssize_t n;
  if (positioned) {
    auto off = static_cast<off_t>(u64(a[3]));
    if (off < 0) return e_inval;
    n = write ? ::pwritev(e->host, iov.data(), static_cast<int>(iov.size()), off)
              : ::preadv(e->host, iov.data(), static_cast<int>(iov.size()), off);
  } else {
    n = write ? ::writev(e->host, iov.data(), static_cast<int>(iov.size()))
              : ::readv(e->host, iov.data(), static_cast<int>(iov.size()));
  }
  if (n < 0) return errno_from_host(errno);
  mem.store(result_ptr, static_cast<uint32_t>(n));
  return e_success;
}

R fd_read(WasiState& st, const GuestMem& m, Args a) { return transfer(st, m, a, false, false); }
R fd_pread(WasiState& st, const GuestMem& m, Args a) { return transfer(st, m, a, false, true); }
R fd_write(WasiState& st, const GuestMem& m, Args a) { return transfer(st, m, a, true, false); }
R fd_pwrite(WasiState& st, const GuestMem& m, Args a) { return transfer(st, m, a, true, true); }

R fd_seek(WasiState& st, const GuestMem& mem, Args a) {
  FdEntry* e = st.get(u32(a[0]));
  if (!e) return e_badf;
  uint32_t whence = u32(a[2]);
  if (!mem.span(u32(a[3]), 8)) return e_fault;
  if (whence > 2) return e_inval;
  if (e->kind == FdEntry::Kind::stdio) return e_spipe;
  if (e->kind == FdEntry::Kind::dir) return e_isdir;
  static constexpr int host_whence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  off_t r = ::lseek(e->host, static_cast<off_t>(u64(a[1])), host_whence[whence]);
  if (r < 0) return errno_from_host(errno);
  mem.store(u32(a[3]), static_cast<uint64_t>(r));
  return e_success;
}

R fd_tell(WasiState& st, const GuestMem& mem, Args a) {
  FdEntry* e = st.get(u32(a[0]));
  if (!e) return e_badf;
  if (!mem.span(u32(a[1]), 8)) return e_fault;
  if (e->kind == FdEntry::Kind::stdio) return e_spipe;
  if (e->kind == FdEntry::Kind::dir) return e_isdir;
  off_t r = ::lseek(e->host, 0, SEEK_CUR);
  if (r < 0) return errno_from_host(errno);
  mem.store(u32(a[1]), static_cast<uint64_t>(r));
  return e_success;
}

R sync_common(WasiState& st, Args a, bool data_only) {
  FdEntry* e = st.get(u32(a[0]));
  if (!e) return e_badf;
  if (e->kind == FdEntry::Kind::stdio) return buffered(*e) ? e_success : e_inval;
  int r = data_only ? ::fdatasync(e->host) : ::fsync(e->host);
  return r == 0 ? e_success : errno_from_host(errno);
}
R fd_sync(WasiState& st, const GuestMem&, Args a) { return sync_common(st, a, false); }
R fd_datasync(WasiState& st, const GuestMem&, Args a) { return sync_common(st, a, true); }

R fd_advise(WasiState& st, const GuestMem&, Args a) {
  FdEntry* e = st.get(u32(a[0]));
  if (!e) return e_badf;
  uint32_t advice = u32(a[3]);
  if (advice > 5) return e_inval;
  if (e->kind == FdEntry::Kind::stdio) return e_spipe;
  if (e->kind == FdEntry::Kind::dir) return e_badf;
  static constexpr int host_advice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL,
                                        POSIX_FADV_RANDOM,   POSIX_FADV_WILLNEED,
                                        POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
  int r = ::posix_fadvise(e->host, static_cast<off_t>(u64(a[1])), static_cast<off_t>(u64(a[2])),
                          host_advice[advice]);
  return errno_from_host(r);
}

R fd_allocate(WasiState& st, const GuestMem&, Args a) {
  FdEntry* e = st.get(u32(a[0]));
  if (!e) return e_badf;
  if (e->kind == FdEntry::Kind::stdio) return e_spipe;
  if (e->kind == FdEntry::Kind::dir) return e_badf;
  if (e->read_only) return e_rofs;
  auto off = static_cast<off_t>(u64(a[1])), len = static_cast<off_t>(u64(a[2]));
  if (off < 0 || len <= 0) return e_inval;
  return errno_from_host(::posix_fallocate(e->host, off, len));
}

R fd_close(WasiState& st, const GuestMem&, Args a) { return st.close(u32(a[0])); }

R fd_fdstat_get(WasiState& st, const GuestMem& mem, Args a) {
  FdEntry* e = st.get(u32(a[0]));
  if (!e) return e_badf;
  auto out = mem.span(u32(a[1]), 24);
  if (!out) return e_fault;
  uint16_t flags = e->fdflags;
  if (e->host >= 0) {
    int fl = ::fcntl(e->host, F_GETFL);
    if (fl >= 0) {
      flags = 0;
      if (fl & O_APPEND) flags |= fdflag_append;
      if (fl & O_NONBLOCK) flags |= fdflag_nonblock;
      if ((fl & O_SYNC) == O_SYNC)
        flags |= fdflag_sync | fdflag_rsync;
      else if (fl & O_DSYNC)
        flags |= fdflag_dsync;
    }
  }
  std::memset(out->data(), 0, 24);
  mem.store<uint8_t>(u32(a[1]), e->filetype);
  mem.store<uint16_t>(u32(a[1]) + 2, flags);
  mem.store<uint64_t>(u32(a[1]) + 8, e->rights_base);
  mem.store<uint64_t>(u32(a[1]) + 16, e->rights_inheriting);
  return e_success;
}

R fd_fdstat_set_flags(WasiState& st, const GuestMem&, Args a) {
  FdEntry* e = st.get(u32(a[0]));
  if (!e) return e_badf;
  uint32_t flags = u32(a[1]);
  if (flags & ~uint32_t{0x1f}) return e_inval;
  // Linux cannot change O_SYNC/O_DSYNC on an open file.
  if (flags & (fdflag_dsync | fdflag_rsync | fdflag_sync)) return e_notsup;
  if (e->host < 0) return flags == 0 ? e_success : e_notsup;
  int fl = ::fcntl(e->host, F_GETFL);
  if (fl < 0) return errno_from_host(errno);
  fl &= ~(O_APPEND | O_NONBLOCK);
  if (flags & fdflag_append) fl |= O_APPEND;
  if (flags & fdflag_nonblock) fl |= O_NONBLOCK;
  if (::fcntl(e->host, F_SETFL, fl) != 0) return errno_from_host(errno);
  e->fdflags = static_cast<uint16_t>(flags);
  return e_success;
}

R fd_fdstat_set_rights(WasiState& st, const GuestMem&, Args a) {
  FdEntry* e = st.get(u32(a[0]));
  if (!e) return e_badf;
  uint64_t base = u64(a[1]), inh = u64(a[2]);
  // Rights can only shrink.
  if ((base & ~e->rights_base) || (inh & ~e->rights_inheriting)) return e_notcapable;
  e->rights_base = base;
  e->rights_inheriting = inh;
  return e_success;
}

R fd_filestat_get(WasiState& st, const GuestMem& mem, Args a) {
  FdEntry* e = st.get(u32(a[0]));
  if (!e) return e_badf;
  if (!mem.span(u32(a[1]), 64)) return e_fault;
  if (e->host < 0) {
    struct stat s {};
    s.st_mode = S_IFCHR;
    return store_filestat(mem, u32(a[1]), s);
  }
  struct stat s;
  if (::fstat(e->host, &s) != 0) return errno_from_host(errno);
  return store_filestat(mem, u32(a[1]), s);
}

R fd_filestat_set_size(WasiState& st, const GuestMem&, Args a) {
  FdEntry* e = st.get(u32(a[0]));
  if (!e) return e_badf;
  if (e->kind == FdEntry::Kind::stdio) return e_inval;
  if (e->kind == FdEntry::Kind::dir) return e_isdir;
  if (e->read_only) return e_rofs;
  auto size = static_cast<off_t>(u64(a[1]));
  if (size < 0) return e_inval;
  int fl = ::fcntl(e->host, F_GETFL);
  if (fl >= 0 && (fl & O_ACCMODE) == O_RDONLY) return e_badf;
  return ::ftruncate(e->host, size) == 0 ? e_success : errno_from_host(errno);
}

R fd_filestat_set_times(WasiState& st, const GuestMem&, Args a) {
  FdEntry* e = st.get(u32(a[0]));
  if (!e) return e_badf;
  struct timespec ts[2];
  if (Errno err = make_times(u64(a[1]), u64(a[2]), u32(a[3]), ts)) return err;
  if (e->host < 0) return e_success;
  if (e->read_only) return e_rofs;
  return ::futimens(e->host, ts) == 0 ? e_success : errno_from_host(errno);
}

R fd_prestat_get(WasiState& st, const GuestMem& mem, Args a) {
  FdEntry* e = st.get(u32(a[0]));
  if (!e || !e->preopen) return e_badf;
  if (!mem.span(u32(a[1]), 8)) return e_fault;
  mem.store<uint32_t>(u32(a[1]), 0);  // tag dir, padding
  mem.store<uint32_t>(u32(a[1]) + 4, static_cast<uint32_t>(e->preopen_name.size()));
  return e_success;
}

R fd_prestat_dir_name(WasiState& st, const GuestMem& mem, Args a) {
  FdEntry* e = st.get(u32(a[0]));
  if (!e || !e->preopen) return e_badf;
  uint32_t len = u32(a[2]);
  auto out = mem.span(u32(a[1]), len);
  if (!out) return e_fault;
  if (len < e->preopen_name.size()) return e_nametoolong;
  std::memcpy(out->data(), e->preopen_name.data(), e->preopen_name.size());
  return e_success;
}

R fd_readdir(WasiState& st, const GuestMem& mem, Args a) {
  FdEntry* e = st.get(u32(a[0]));
  if (!e) return e_badf;
  uint32_t buf = u32(a[1]), buf_len = u32(a[2]), used_ptr = u32(a[4]);
  uint64_t cookie = u64(a[3]);
  auto out = mem.span(buf, buf_len);
  if (!out || !mem.span(used_ptr, 4)) return e_fault;
  if (e->kind != FdEntry::Kind::dir) return e_notdir;
  int fd = ::openat(e->host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_from_host(errno);
  DIR* dir = ::fdopendir(fd);
  if (!dir) {
    ::close(fd);
    return errno_from_host(errno);
  }
  // The cookie is the index of the next entry; entries come in the host's order.
  std::vector<uint8_t> bytes;
  uint64_t index = 0;
  errno = 0;
  while (struct dirent* d = ::readdir(dir)) {
    if (index++ < cookie) continue;
    size_t name_len = std::strlen(d->d_name);
    uint8_t head[24] = {};
    uint64_t next = index, ino = d->d_ino;
    auto namlen = static_cast<uint32_t>(name_len);
    std::memcpy(head, &next, 8);
    std::memcpy(head + 8, &ino, 8);
    std::memcpy(head + 16, &namlen, 4);
    head[20] = dirent_filetype(::dirfd(dir), d);
    bytes.insert(bytes.end(), head, head + 24);
    bytes.insert(bytes.end(), d->d_name, d->d_name + name_len);
    if (bytes.size() >= buf_len) break;  // a full buffer tells the guest to call again
  }
  int err = errno;
  ::closedir(dir);
  if (err != 0) return errno_from_host(err);
  size_t n = std::min<size_t>(bytes.size(), buf_len);
  if (n) std::memcpy(out->data(), bytes.data(), n);
  mem.store(used_ptr, static_cast<uint32_t>(n));
  return e_success;
}

R fd_renumber(WasiState& st, const GuestMem&, Args a) {
  uint32_t from = u32(a[0]), to = u32(a[1]);
  FdEntry* f = st.get(from);
  FdEntry* t = st.get(to);
  if (!f || !t) return e_badf;
  if (from == to) return e_success;
  FdEntry moved = std::move(*f);
  st.fds.erase(from);
  st.close(to);
  st.fds.emplace(to, std::move(moved));
  return e_success;
}

constexpr FuncDef k_fd[] = {
    {"fd_advise", "iIIi", true, fd_advise},
    {"fd_allocate", "iII", true, fd_allocate},
    {"fd_close", "i", true, fd_close},
    {"fd_datasync", "i", true, fd_datasync},
    {"fd_fdstat_get", "ii", true, fd_fdstat_get},
    {"fd_fdstat_set_flags", "ii", true, fd_fdstat_set_flags},
    {"fd_fdstat_set_rights", "iII", true, fd_fdstat_set_rights},
    {"fd_filestat_get", "ii", true, fd_filestat_get},
    {"fd_filestat_set_size", "iI", true, fd_filestat_set_size},
    {"fd_filestat_set_times", "iIIi", true, fd_filestat_set_times},
    {"fd_pread", "iiiIi", true, fd_pread},
    {"fd_prestat_get", "ii", true, fd_prestat_get},
    {"fd_prestat_dir_name", "iii", true, fd_prestat_dir_name},
    {"fd_pwrite", "iiiIi", true, fd_pwrite},
    {"fd_read", "iiii", true, fd_read},
    {"fd_readdir", "iiiIi", true, fd_readdir},
    {"fd_renumber", "ii", true, fd_renumber},
    {"fd_seek", "iIii", true, fd_seek},
    {"fd_sync", "i", true, fd_sync},
    {"fd_tell", "ii", true, fd_tell},
    {"fd_write", "iiii", true, fd_write},
};

}  // namespace

std::span<const FuncDef> fd_functions() { return k_fd; }

}  // namespace weft::wasi_detail

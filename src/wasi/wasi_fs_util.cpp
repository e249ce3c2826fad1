// weft WASI: filestat, times and dirent types for the fd_* and path_* functions.
#include "wasi/wasi_fs_util.hpp"

#include <fcntl.h>

namespace weft::wasi_detail {

namespace {
uint64_t nanos(const struct timespec& t) {
  return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(t.tv_nsec);
}
struct timespec from_nanos(uint64_t ns) {
  struct timespec t {};
  t.tv_sec = static_cast<time_t>(ns / 1'000'000'000u);
  t.tv_nsec = static_cast<long>(ns % 1'000'000'000u);
  return t;
}
}  // namespace

Errno store_filestat(const GuestMem& mem, uint32_t ptr, const struct stat& s) {
  auto out = mem.span(ptr, 64);
  if (!out) return e_fault;
  std::memset(out->data(), 0, 64);
  mem.store<uint64_t>(ptr, static_cast<uint64_t>(s.st_dev));
  mem.store<uint64_t>(ptr + 8, static_cast<uint64_t>(s.st_ino));
  mem.store<uint8_t>(ptr + 16, filetype_from_mode(s.st_mode));
  mem.store<uint64_t>(ptr + 24, static_cast<uint64_t>(s.st_nlink));
  mem.store<uint64_t>(ptr + 32, static_cast<uint64_t>(s.st_size));
  mem.store<uint64_t>(ptr + 40, nanos(s.st_atim));
  mem.store<uint64_t>(ptr + 48, nanos(s.st_mtim));
  mem.store<uint64_t>(ptr + 56, nanos(s.st_ctim));
  return e_success;
}

Errno make_times(uint64_t atim, uint64_t mtim, uint32_t f, struct timespec ts[2]) {
  if (f & ~uint32_t{0xf}) return e_inval;
  if ((f & fst_atim) && (f & fst_atim_now)) return e_inval;
  if ((f & fst_mtim) && (f & fst_mtim_now)) return e_inval;
  ts[0].tv_sec = ts[1].tv_sec = 0;
  ts[0].tv_nsec = ts[1].tv_nsec = UTIME_OMIT;
  if (f & fst_atim_now) ts[0].tv_nsec = UTIME_NOW;
  if (f & fst_atim) ts[0] = from_nanos(atim);
  if (f & fst_mtim_now) ts[1].tv_nsec = UTIME_NOW;
  if (f & fst_mtim) ts[1] = from_nanos(mtim);
  return e_success;
}

uint8_t dirent_filetype(int dirfd, const struct dirent* d) {
  switch (d->d_type) {
    case DT_BLK: return ft_block_device;
    case DT_CHR: return ft_character_device;
    case DT_DIR: return ft_directory;
    case DT_REG: return ft_regular_file;
    case DT_SOCK: return ft_socket_stream;
    case DT_LNK: return ft_symbolic_link;
    case DT_FIFO: return ft_unknown;
    default: break;
  }
  struct stat s;
  if (::fstatat(dirfd, d->d_name, &s, AT_SYMLINK_NOFOLLOW) != 0) return ft_unknown;
  return filetype_from_mode(s.st_mode);
}

}  // namespace weft::wasi_detail

// weft WASI: what the fd_* and path_* functions share: filestat, times, dirent types.
#pragma once

#include <dirent.h>
#include <sys/stat.h>
#include <time.h>

#include "wasi/wasi_state.hpp"

namespace weft::wasi_detail {

/// Writes a WASI filestat (64 bytes) for `s` at `ptr` (already checked or e_fault).
Errno store_filestat(const GuestMem& mem, uint32_t ptr, const struct stat& s);

/// The two timespecs of utimensat/futimens for WASI's (atim, mtim, fstflags); e_inval for
/// contradictory or unknown flags.
Errno make_times(uint64_t atim, uint64_t mtim, uint32_t fstflags, struct timespec ts[2]);

/// The WASI filetype of a directory entry (stat when the host leaves it unknown).
uint8_t dirent_filetype(int dirfd, const struct dirent* d);

}  // namespace weft::wasi_detail

// weft WASI: path resolution beneath a directory fd, the one way every path_* function
// reaches a host file.
//
// Rules: a guest path is relative to a directory fd of the guest (a preopen or a directory
// opened beneath one). Absolute paths, `..` above that directory, and symlinks whose target
// is absolute or climbs above it are refused with e_notcapable. Every component is opened
// with O_NOFOLLOW relative to the fd of the previous one, and symlinks are expanded here with
// a depth limit (e_loop), so a symlink swapped in during resolution is never followed by the
// kernel: the race turns into an error, never an escape. path_open additionally uses
// openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) when the kernel has it.
#pragma once

#include <string>
#include <string_view>

#include "wasi/wasi_state.hpp"

namespace weft::wasi_detail {

/// A resolved path: the directory holding the last component, and its name ("." when the
/// path names the directory itself).
class Resolved {
 public:
  Resolved() = default;
  ~Resolved();
  Resolved(const Resolved&) = delete;
  Resolved& operator=(const Resolved&) = delete;
  Resolved(Resolved&& o) noexcept;
  Resolved& operator=(Resolved&& o) noexcept;

  int dir() const noexcept { return m_dir; }
  const std::string& name() const noexcept { return m_name; }
  void set(int dir, bool owned, std::string name);

 private:
  int m_dir = -1;
  bool m_owned = false;
  std::string m_name;
};

/// Most symlinks expanded while resolving one path.
constexpr int max_symlinks = 32;

/// Resolves `path` beneath `root`. With `follow_final`, a symlink in the last component is
/// followed (under the same rules); without it the last component is left as it is.
Errno resolve_beneath(int root, std::string_view path, bool follow_final, Resolved& out);

/// Opens `path` beneath `root` with open(2) `flags` (O_NOFOLLOW is added unless
/// `follow_final`); `mode` for O_CREAT. Returns the new fd, or -errno (as a WASI Errno
/// through `err`).
int open_beneath(int root, std::string_view path, bool follow_final, int flags, int mode,
                 Errno& err);

/// Whether open_beneath tries openat2 first (true by default). Tests turn it off to run the
/// component walker alone, as on a kernel without openat2.
void set_openat2_enabled(bool enabled) noexcept;
bool openat2_enabled() noexcept;

}  // namespace weft::wasi_detail

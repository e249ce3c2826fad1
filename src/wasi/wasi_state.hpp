// weft WASI: the state of one WASI instance (fd table, streams, clocks) and what the
// function groups share: errno values, guest memory access, the registration table.
// https://github.com/WebAssembly/WASI/blob/snapshot-01/phases/snapshot/docs.md
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "weft/wasi.hpp"
#include "weft/weft.hpp"

namespace weft::wasi_detail {

/// WASI preview 1 errno values (`errno` in the witx).
enum Errno : uint16_t {
  e_success = 0,
  e_2big = 1,
  e_acces = 2,
  e_addrinuse = 3,
  e_addrnotavail = 4,
  e_afnosupport = 5,
  e_again = 6,
  e_already = 7,
  e_badf = 8,
  e_badmsg = 9,
  e_busy = 10,
  e_canceled = 11,
  e_child = 12,
  e_connaborted = 13,
  e_connrefused = 14,
  e_connreset = 15,
  e_deadlk = 16,
  e_destaddrreq = 17,
  e_dom = 18,
  e_dquot = 19,
  e_exist = 20,
  e_fault = 21,
  e_fbig = 22,
  e_hostunreach = 23,
  e_idrm = 24,
  e_ilseq = 25,
  e_inprogress = 26,
  e_intr = 27,
  e_inval = 28,
  e_io = 29,
  e_isconn = 30,
  e_isdir = 31,
  e_loop = 32,
  e_mfile = 33,
  e_mlink = 34,
  e_msgsize = 35,
  e_multihop = 36,
  e_nametoolong = 37,
  e_netdown = 38,
  e_netreset = 39,
  e_netunreach = 40,
  e_nfile = 41,
  e_nobufs = 42,
  e_nodev = 43,
  e_noent = 44,
  e_noexec = 45,
  e_nolck = 46,
  e_nolink = 47,
  e_nomem = 48,
  e_nomsg = 49,
  e_noprotoopt = 50,
  e_nospc = 51,
  e_nosys = 52,
  e_notconn = 53,
  e_notdir = 54,
  e_notempty = 55,
  e_notrecoverable = 56,
  e_notsock = 57,
  e_notsup = 58,
  e_notty = 59,
  e_nxio = 60,
  e_overflow = 61,
  e_ownerdead = 62,
  e_perm = 63,
  e_pipe = 64,
  e_proto = 65,
  e_protonosupport = 66,
  e_prototype = 67,
  e_range = 68,
  e_rofs = 69,
  e_spipe = 70,
  e_srch = 71,
  e_stale = 72,
  e_timedout = 73,
  e_txtbsy = 74,
  e_xdev = 75,
  e_notcapable = 76,
};

/// The WASI errno for a host errno value.
Errno errno_from_host(int host_errno) noexcept;

enum Filetype : uint8_t {
  ft_unknown = 0,
  ft_block_device = 1,
  ft_character_device = 2,
  ft_directory = 3,
  ft_regular_file = 4,
  ft_socket_dgram = 5,
  ft_socket_stream = 6,
  ft_symbolic_link = 7,
};
Filetype filetype_from_mode(uint32_t st_mode) noexcept;

constexpr uint16_t fdflag_append = 1, fdflag_dsync = 2, fdflag_nonblock = 4, fdflag_rsync = 8,
                   fdflag_sync = 16;
constexpr uint16_t oflag_creat = 1, oflag_directory = 2, oflag_excl = 4, oflag_trunc = 8;
constexpr uint32_t lookup_symlink_follow = 1;
constexpr uint16_t fst_atim = 1, fst_atim_now = 2, fst_mtim = 4, fst_mtim_now = 8;
constexpr uint64_t rights_all = (uint64_t{1} << 30) - 1;
constexpr uint64_t right_fd_read = 1u << 1, right_fd_write = 1u << 6;

/// Most iovecs one call accepts (Linux's IOV_MAX); more is inval.
constexpr uint32_t max_iovecs = 1024;
/// Most open fds of one instance; more is nfile.
constexpr uint32_t max_fds = 4096;

/// An entry of the fd table.
struct FdEntry {
  enum class Kind : uint8_t { stdio, file, dir };
  Kind kind = Kind::file;
  int host = -1;   ///< owned host fd (stdio: the inherited 0/1/2, not owned)
  int stdio = -1;  ///< 0, 1, 2 for the standard streams
  WasiStdio stdio_mode = WasiStdio::inherit;
  bool read_only = false;  ///< inside a read-only preopen: no modification
  bool preopen = false;
  std::string preopen_name;  ///< the guest path of a preopen
  uint16_t fdflags = 0;
  uint64_t rights_base = rights_all;
  uint64_t rights_inheriting = rights_all;
  Filetype filetype = ft_unknown;
};

/// The state of one WASI instance.
struct WasiState {
  WasiConfig config;
  Errno setup_errno = e_success;
  std::string setup_error;
  std::map<uint32_t, FdEntry> fds;
  size_t stdin_pos = 0;
  std::string stdout_buf, stderr_buf;
  uint64_t rng = 0;         ///< deterministic generator state
  uint64_t fake_ticks = 0;  ///< deterministic clock: readings so far

  explicit WasiState(const WasiConfig& c);
  ~WasiState();
  WasiState(const WasiState&) = delete;
  WasiState& operator=(const WasiState&) = delete;

  FdEntry* get(uint32_t fd) noexcept;
  /// The lowest free fd, or nothing when the table is full.
  std::optional<uint32_t> allocate(FdEntry entry);
  Errno close(uint32_t fd) noexcept;
};

/// The guest's memory for one call: every pointer and length is checked through
/// Memory::view; a range outside it is e_fault.
class GuestMem {
 public:
  explicit GuestMem(std::optional<Memory> m) : m_mem(m) {}
  bool valid() const noexcept { return m_mem.has_value(); }
  std::optional<std::span<uint8_t>> span(uint64_t ptr, uint64_t len) const noexcept {
    if (!m_mem) return std::nullopt;
    return m_mem->view(ptr, len);
  }
  template <class T>
  bool load(uint64_t ptr, T& out) const noexcept {
    auto s = span(ptr, sizeof(T));
    if (!s) return false;
    std::memcpy(&out, s->data(), sizeof(T));
    return true;
  }
  template <class T>
  bool store(uint64_t ptr, T v) const noexcept {
    auto s = span(ptr, sizeof(T));
    if (!s) return false;
    std::memcpy(s->data(), &v, sizeof(T));
    return true;
  }
  /// A path argument: in bounds, no NUL byte, valid UTF-8 (e_ilseq otherwise).
  Errno path(uint32_t ptr, uint32_t len, std::string& out) const;

 private:
  std::optional<Memory> m_mem;
};

/// A list of guest buffers (iovecs) resolved to host spans.
Errno load_iovecs(const GuestMem& mem, uint32_t iovs, uint32_t count,
                  std::vector<std::span<uint8_t>>& out);

/// One function of wasi_snapshot_preview1: its wasm type and its implementation. `call`
/// returns the errno (ignored for functions without a result) or an error that traps.
struct FuncDef {
  std::string_view name;
  std::string_view params;  ///< one letter a parameter: 'i' i32, 'I' i64
  bool returns_errno = true;
  Result<uint32_t> (*call)(WasiState& st, const GuestMem& mem, std::span<const Value> a);
};

/// The function groups, one table per file.
std::span<const FuncDef> fd_functions();
std::span<const FuncDef> path_functions();
std::span<const FuncDef> misc_functions();

inline uint32_t u32(const Value& v) { return static_cast<uint32_t>(v.i32()); }
inline uint64_t u64(const Value& v) { return static_cast<uint64_t>(v.i64()); }

}  // namespace weft::wasi_detail

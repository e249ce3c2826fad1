// weft WASI: args and environ, clocks, randomness, process control, poll_oneoff, sockets.
#include <poll.h>
#include <sched.h>
#include <sys/random.h>
#include <time.h>

#include <algorithm>
#include <cerrno>

#include "wasi/wasi_state.hpp"

namespace weft::wasi_detail {

namespace {

using Args = std::span<const Value>;
using R = Result<uint32_t>;

// ---- args and environ ------------------------------------------------------------------

/// Writes a list of strings the way args_get/environ_get do: pointers, then NUL-ended text.
R string_list_get(const GuestMem& mem, const std::vector<std::string>& list, uint32_t ptrs,
                  uint32_t buf) {
  uint64_t total = 0;
  for (auto& s : list) total += s.size() + 1;
  if (!mem.span(ptrs, uint64_t{4} * list.size()) || !mem.span(buf, total)) return e_fault;
  uint32_t at = buf;
  for (size_t i = 0; i < list.size(); ++i) {
    mem.store<uint32_t>(ptrs + 4 * i, at);
    auto dst = mem.span(at, list[i].size() + 1);
    std::memcpy(dst->data(), list[i].c_str(), list[i].size() + 1);
    at += static_cast<uint32_t>(list[i].size() + 1);
  }
  return e_success;
}
R string_list_sizes(const GuestMem& mem, const std::vector<std::string>& list, uint32_t count_ptr,
                    uint32_t size_ptr) {
  if (!mem.span(count_ptr, 4) || !mem.span(size_ptr, 4)) return e_fault;
  uint64_t total = 0;
  for (auto& s : list) total += s.size() + 1;
  mem.store(count_ptr, static_cast<uint32_t>(list.size()));
  mem.store(size_ptr, static_cast<uint32_t>(total));
  return e_success;
}
std::vector<std::string> env_strings(const WasiState& st) {
  std::vector<std::string> out;
  for (auto& [k, v] : st.config.environ) out.push_back(k + "=" + v);
  return out;
}

R args_get(WasiState& st, const GuestMem& m, Args a) {
  return string_list_get(m, st.config.argv, u32(a[0]), u32(a[1]));
}
R args_sizes_get(WasiState& st, const GuestMem& m, Args a) {
  return string_list_sizes(m, st.config.argv, u32(a[0]), u32(a[1]));
}
R environ_get(WasiState& st, const GuestMem& m, Args a) {
  return string_list_get(m, env_strings(st), u32(a[0]), u32(a[1]));
}
R environ_sizes_get(WasiState& st, const GuestMem& m, Args a) {
  return string_list_sizes(m, env_strings(st), u32(a[0]), u32(a[1]));
}

// ---- clocks and randomness ---------------------------------------------------------------

constexpr uint64_t fake_epoch = 1'700'000'000ull * 1'000'000'000ull;
constexpr uint64_t fake_step = 1'000'000;  // 1 ms a reading

bool host_clock(uint32_t id, clockid_t& out) {
  switch (id) {
    case 0: out = CLOCK_REALTIME; return true;
    case 1: out = CLOCK_MONOTONIC; return true;
    case 2: out = CLOCK_PROCESS_CPUTIME_ID; return true;
    case 3: out = CLOCK_THREAD_CPUTIME_ID; return true;
    default: return false;
  }
}

/// The time of clock `id` in ns, or nothing for an unknown clock.
std::optional<uint64_t> now(WasiState& st, uint32_t id) {
  clockid_t c;
  if (!host_clock(id, c)) return std::nullopt;
  if (st.config.deterministic_seed) {
    uint64_t t = ++st.fake_ticks * fake_step;
    return id == 0 ? fake_epoch + t : t;
  }
  struct timespec ts;
  if (::clock_gettime(c, &ts) != 0) return std::nullopt;
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

R clock_res_get(WasiState& st, const GuestMem& mem, Args a) {
  clockid_t c;
  if (!host_clock(u32(a[0]), c)) return e_inval;
  if (!mem.span(u32(a[1]), 8)) return e_fault;
  uint64_t res = fake_step;
  if (!st.config.deterministic_seed) {
    struct timespec ts;
    if (::clock_getres(c, &ts) != 0) return errno_from_host(errno);
    res = static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
  }
  mem.store(u32(a[1]), res);
  return e_success;
}

R clock_time_get(WasiState& st, const GuestMem& mem, Args a) {
  if (!mem.span(u32(a[2]), 8)) return e_fault;
  auto t = now(st, u32(a[0]));
  if (!t) return e_inval;
  mem.store(u32(a[2]), *t);
  return e_success;
}

uint64_t splitmix(uint64_t& s) {
  uint64_t z = (s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

R random_get(WasiState& st, const GuestMem& mem, Args a) {
  auto out = mem.span(u32(a[0]), u32(a[1]));
  if (!out) return e_fault;
  if (st.config.deterministic_seed) {
    for (size_t i = 0; i < out->size(); i += 8) {
      uint64_t r = splitmix(st.rng);
      std::memcpy(out->data() + i, &r, std::min<size_t>(8, out->size() - i));
    }
    return e_success;
  }
  size_t done = 0;
  while (done < out->size()) {
    ssize_t n = ::getrandom(out->data() + done, out->size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_from_host(errno);
    }
    done += static_cast<size_t>(n);
  }
  return e_success;
}

// ---- process --------------------------------------------------------------------------

R proc_exit(WasiState&, const GuestMem&, Args a) { return Failure{Error::make_exit(u32(a[0]))}; }
R proc_raise(WasiState&, const GuestMem&, Args) { return e_notsup; }
R sched_yield(WasiState&, const GuestMem&, Args) {
  ::sched_yield();
  return e_success;
}

// ---- poll_oneoff ----------------------------------------------------------------------

R poll_oneoff(WasiState& st, const GuestMem& mem, Args a) {
  uint32_t in = u32(a[0]), out = u32(a[1]), n = u32(a[2]), nevents_ptr = u32(a[3]);
  if (n == 0) return e_inval;
  if (n > max_fds) return e_inval;
  if (!mem.span(in, uint64_t{48} * n) || !mem.span(out, uint64_t{32} * n) ||
      !mem.span(nevents_ptr, 4))
    return e_fault;
  struct Event {
    uint64_t userdata;
    uint16_t error;
    uint8_t type;
    uint64_t nbytes;
  };
  std::vector<Event> events;
  std::vector<struct pollfd> pfds;
  std::vector<uint64_t> pfd_userdata;
  std::vector<uint8_t> pfd_type;
  std::optional<uint64_t> min_timeout;  // relative ns of the nearest clock
  uint64_t min_timeout_userdata = 0;
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t base = uint64_t{in} + uint64_t{48} * i, userdata = 0;
    uint8_t tag = 0;
    mem.load(base, userdata);
    mem.load(base + 8, tag);
    if (tag == 0) {
      uint32_t id = 0;
      uint64_t timeout = 0;
      uint16_t flags = 0;
      mem.load(base + 16, id);
      mem.load(base + 24, timeout);
      mem.load(base + 40, flags);
      auto t = now(st, id);
      if (!t) {
        events.push_back({userdata, e_inval, 0, 0});
        continue;
      }
      uint64_t rel = (flags & 1) ? (timeout > *t ? timeout - *t : 0) : timeout;
      if (!min_timeout || rel < *min_timeout) {
        min_timeout = rel;
        min_timeout_userdata = userdata;
      }
    } else if (tag == 1 || tag == 2) {
      uint32_t fd = 0;
      mem.load(base + 16, fd);
      FdEntry* e = st.get(fd);
      if (!e) {
        events.push_back({userdata, e_badf, tag, 0});
      } else if (e->host < 0 || e->kind != FdEntry::Kind::stdio) {
        // Buffers and regular files are always ready.
        uint64_t avail = 0;
        if (tag == 1 && e->stdio == 0 && e->host < 0)
          avail = st.config.stdin_data.size() - st.stdin_pos;
        events.push_back({userdata, e_success, tag, avail});
      } else {
        pfds.push_back({e->host, static_cast<short>(tag == 1 ? POLLIN : POLLOUT), 0});
        pfd_userdata.push_back(userdata);
        pfd_type.push_back(tag);
      }
    } else {
      events.push_back({userdata, e_inval, tag, 0});
    }
  }
  if (events.empty()) {
    if (!pfds.empty()) {
      int ms = -1;
      if (min_timeout)
        ms = static_cast<int>(std::min<uint64_t>(*min_timeout / 1'000'000, 1u << 30));
      int r = ::poll(pfds.data(), pfds.size(), ms);
      if (r < 0) return errno_from_host(errno);
      for (size_t i = 0; i < pfds.size(); ++i)
        if (pfds[i].revents) events.push_back({pfd_userdata[i], e_success, pfd_type[i], 0});
      if (r == 0 && min_timeout) events.push_back({min_timeout_userdata, e_success, 0, 0});
    } else if (min_timeout) {
      if (st.config.deterministic_seed) {
        st.fake_ticks += *min_timeout / fake_step;  // time passes without waiting
      } else {
        struct timespec ts;
        ts.tv_sec = static_cast<time_t>(*min_timeout / 1'000'000'000u);
        ts.tv_nsec = static_cast<long>(*min_timeout % 1'000'000'000u);
        while (::nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
      }
      events.push_back({min_timeout_userdata, e_success, 0, 0});
    }
  }
  for (size_t i = 0; i < events.size(); ++i) {
    uint64_t base = uint64_t{out} + 32 * i;
    auto s = mem.span(base, 32);
    std::memset(s->data(), 0, 32);
    mem.store(base, events[i].userdata);
    mem.store(base + 8, events[i].error);
    mem.store(base + 10, events[i].type);
    mem.store(base + 16, events[i].nbytes);
  }
  mem.store(nevents_ptr, static_cast<uint32_t>(events.size()));
  return e_success;
}

// ---- sockets: none is ever granted, so every fd is not a socket -------------------------

R sock_common(WasiState& st, uint32_t fd) { return st.get(fd) ? e_notsock : e_badf; }
R sock_accept(WasiState& st, const GuestMem&, Args a) { return sock_common(st, u32(a[0])); }
R sock_recv(WasiState& st, const GuestMem&, Args a) { return sock_common(st, u32(a[0])); }
R sock_send(WasiState& st, const GuestMem&, Args a) { return sock_common(st, u32(a[0])); }
R sock_shutdown(WasiState& st, const GuestMem&, Args a) { return sock_common(st, u32(a[0])); }

constexpr FuncDef k_misc[] = {
    {"args_get", "ii", true, args_get},
    {"args_sizes_get", "ii", true, args_sizes_get},
    {"environ_get", "ii", true, environ_get},
    {"environ_sizes_get", "ii", true, environ_sizes_get},
    {"clock_res_get", "ii", true, clock_res_get},
    {"clock_time_get", "iIi", true, clock_time_get},
    {"random_get", "ii", true, random_get},
    {"proc_exit", "i", false, proc_exit},
    {"proc_raise", "i", true, proc_raise},
    {"sched_yield", "", true, sched_yield},
    {"poll_oneoff", "iiii", true, poll_oneoff},
    {"sock_accept", "iii", true, sock_accept},
    {"sock_recv", "iiiiii", true, sock_recv},
    {"sock_send", "iiiii", true, sock_send},
    {"sock_shutdown", "ii", true, sock_shutdown},
};

}  // namespace

std::span<const FuncDef> misc_functions() { return k_misc; }

}  // namespace weft::wasi_detail

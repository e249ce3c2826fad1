// The WASI capability sandbox: every escape we could think of, refused with the right errno,
// with openat2 and with the component walker alone (as on a kernel without openat2). Calls
// the wasi_snapshot_preview1 functions directly on a real, bounds-checked guest memory.
#include "wasi/wasi_sandbox.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "wasi/wasi_state.hpp"

namespace {

namespace fs = std::filesystem;
using namespace weft::wasi_detail;
using weft::Value;

constexpr uint64_t rights_read = right_fd_read | (1u << 14);
constexpr uint64_t rights_rw = rights_read | right_fd_write;
constexpr uint32_t k_in = 3, k_ro = 4, k_other = 5;  // the preopens, in order

class WasiSandbox : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    set_openat2_enabled(GetParam());
    static int counter = 0;
    root = fs::temp_directory_path() /
           ("weft-sandbox-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(root);
    fs::create_directories(root / "inside/dir");
    fs::create_directories(root / "outside");
    fs::create_directories(root / "ro/sub");
    fs::create_directories(root / "other");
    write(root / "inside/file.txt", "inside");
    write(root / "inside/dir/nested.txt", "nested");
    write(root / "outside/secret.txt", "SECRET");
    write(root / "ro/data.txt", "read only");
    fs::create_directory_symlink("../outside", root / "inside/up");
    fs::create_directory_symlink("/etc", root / "inside/abs");
    fs::create_symlink("/etc/passwd", root / "inside/abs_file");
    fs::create_directory_symlink("dir", root / "inside/ok");
    fs::create_directory_symlink("dir/..", root / "inside/dotdot_in");
    fs::create_symlink("loop", root / "inside/loop");
    weft::WasiConfig config;
    config.preopen(root / "inside", "/in")
        .preopen(root / "ro", "/ro", true)
        .preopen(root / "other", "/other");
    state = std::make_unique<WasiState>(config);
    ASSERT_EQ(state->setup_errno, e_success) << state->setup_error;
    memory = *store.create_memory(weft::MemoryType{weft::Limits{1, 1}});
    mem = std::make_unique<GuestMem>(memory);
  }
  void TearDown() override {
    set_openat2_enabled(true);
    state.reset();
    fs::remove_all(root);
  }

  static void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
  static std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    return {std::istreambuf_iterator<char>(in), {}};
  }

  /// Calls a WASI function by name with i32/i64 arguments as its type says.
  uint32_t call(std::string_view name, std::vector<uint64_t> args) {
    for (auto group : {fd_functions(), path_functions(), misc_functions()}) {
      for (const FuncDef& d : group) {
        if (d.name != name) continue;
        EXPECT_EQ(d.params.size(), args.size()) << name;
        std::vector<Value> values;
        for (size_t i = 0; i < args.size(); ++i)
          values.push_back(d.params[i] == 'I' ? Value::i64(static_cast<int64_t>(args[i]))
                                              : Value::i32(static_cast<int32_t>(args[i])));
        auto r = d.call(*state, *mem, values);
        EXPECT_TRUE(r) << name;
        return r ? *r : 0xffff;
      }
    }
    ADD_FAILURE() << "no function " << name;
    return 0xffff;
  }
  /// Places `s` in guest memory at `at`; returns {ptr, len}.
  std::pair<uint64_t, uint64_t> put(uint32_t at, std::string_view s) {
    std::memcpy(memory.data() + at, s.data(), s.size());
    return {at, s.size()};
  }
  /// path_open; the new fd in `fd`.
  uint32_t open(uint32_t dir, std::string_view path, bool follow = true, uint32_t oflags = 0,
                uint64_t rights = rights_read, uint32_t* fd = nullptr) {
    auto [p, n] = put(1024, path);
    uint32_t e = call("path_open", {dir, follow ? 1u : 0u, p, n, oflags, rights, rights, 0, 512});
    if (fd) std::memcpy(fd, memory.data() + 512, 4);
    return e;
  }
  /// Reads up to 100 bytes of `fd` with fd_read.
  std::string read(uint32_t fd) {
    uint32_t iov[2] = {4096, 100};
    std::memcpy(memory.data() + 256, iov, 8);
    if (call("fd_read", {fd, 256, 1, 264}) != e_success) return "<error>";
    uint32_t n;
    std::memcpy(&n, memory.data() + 264, 4);
    return std::string(reinterpret_cast<char*>(memory.data() + 4096), n);
  }
  uint32_t path_call(std::string_view fn, uint32_t dir, std::string_view path) {
    auto [p, n] = put(1024, path);
    return call(fn, {dir, p, n});
  }
  uint32_t two_paths(std::string_view fn, uint32_t d1, std::string_view a, uint32_t d2,
                     std::string_view b) {
    auto [pa, na] = put(1024, a);
    auto [pb, nb] = put(2048, b);
    if (fn == "path_link") return call(fn, {d1, 0, pa, na, d2, pb, nb});
    return call(fn, {d1, pa, na, d2, pb, nb});
  }
  uint32_t stat(uint32_t dir, std::string_view path, bool follow) {
    auto [p, n] = put(1024, path);
    return call("path_filestat_get", {dir, follow ? 1u : 0u, p, n, 8192});
  }

  fs::path root;
  weft::Engine engine;
  weft::Store store{engine};
  weft::Memory memory;
  std::unique_ptr<GuestMem> mem;
  std::unique_ptr<WasiState> state;
};

TEST_P(WasiSandbox, dotdot_cannot_leave_the_preopen) {
  EXPECT_EQ(open(k_in, "../outside/secret.txt"), e_notcapable);
  EXPECT_EQ(open(k_in, "dir/../../outside/secret.txt"), e_notcapable);
  EXPECT_EQ(open(k_in, ".."), e_notcapable);
  EXPECT_EQ(open(k_in, "dir/./../.."), e_notcapable);
  uint32_t fd = 0;
  ASSERT_EQ(open(k_in, "dir/../file.txt", true, 0, rights_read, &fd), e_success);
  EXPECT_EQ(read(fd), "inside");
  // A directory opened beneath the preopen is a new root no wider than the preopen.
  uint32_t sub = 0;
  ASSERT_EQ(open(k_in, "dir", true, oflag_directory, rights_read, &sub), e_success);
  EXPECT_EQ(open(sub, "../file.txt"), e_notcapable);
  EXPECT_EQ(open(sub, "nested.txt"), e_success);
}

TEST_P(WasiSandbox, absolute_paths_are_refused) {
  EXPECT_EQ(open(k_in, "/etc/passwd"), e_notcapable);
  EXPECT_EQ(open(k_in, "/in/file.txt"), e_notcapable);
  EXPECT_EQ(path_call("path_create_directory", k_in, "/tmp/x"), e_notcapable);
  EXPECT_EQ(stat(k_in, "/", true), e_notcapable);
}

TEST_P(WasiSandbox, symlinks_to_outside_are_not_followed) {
  EXPECT_EQ(open(k_in, "up/secret.txt"), e_notcapable);
  EXPECT_EQ(open(k_in, "up", true), e_notcapable);
  EXPECT_EQ(open(k_in, "up", false), e_loop);  // O_NOFOLLOW on a symlink
  EXPECT_EQ(open(k_in, "abs/passwd"), e_notcapable);
  EXPECT_EQ(open(k_in, "abs_file", true), e_notcapable);
  EXPECT_EQ(stat(k_in, "up/secret.txt", true), e_notcapable);
  EXPECT_EQ(stat(k_in, "abs_file", true), e_notcapable);
  EXPECT_EQ(stat(k_in, "abs_file", false), e_success);  // the link itself
  EXPECT_EQ(memory.data()[8192 + 16], ft_symbolic_link);
  EXPECT_EQ(path_call("path_create_directory", k_in, "up/newdir"), e_notcapable);
  EXPECT_EQ(path_call("path_unlink_file", k_in, "up/secret.txt"), e_notcapable);
  EXPECT_TRUE(fs::exists(root / "outside/secret.txt"));
  EXPECT_FALSE(fs::exists(root / "outside/newdir"));
  EXPECT_EQ(open(k_in, "loop", true), e_loop);
}

TEST_P(WasiSandbox, symlinks_that_stay_inside_work) {
  uint32_t fd = 0;
  ASSERT_EQ(open(k_in, "ok/nested.txt", true, 0, rights_read, &fd), e_success);
  EXPECT_EQ(read(fd), "nested");
  ASSERT_EQ(open(k_in, "dotdot_in/file.txt", true, 0, rights_read, &fd), e_success);
  EXPECT_EQ(read(fd), "inside");
}

TEST_P(WasiSandbox, symlinks_created_by_the_guest_cannot_escape) {
  auto symlink = [&](std::string_view target, std::string_view name) {
    auto [pt, nt] = put(1024, target);
    auto [pn, nn] = put(2048, name);
    return call("path_symlink", {pt, nt, k_in, pn, nn});
  };
  EXPECT_EQ(symlink("../outside", "g"), e_success);  // may exist, never followed out
  EXPECT_EQ(open(k_in, "g/secret.txt"), e_notcapable);
  EXPECT_EQ(symlink("/etc", "g2"), e_notcapable);
  EXPECT_EQ(symlink("x", "../outside/planted"), e_notcapable);
  EXPECT_FALSE(fs::exists(fs::symlink_status(root / "outside/planted")));
  EXPECT_EQ(symlink("dir/nested.txt", "g3"), e_success);
  uint32_t fd = 0;
  ASSERT_EQ(open(k_in, "g3", true, 0, rights_read, &fd), e_success);
  EXPECT_EQ(read(fd), "nested");
}

TEST_P(WasiSandbox, a_symlink_swapped_in_during_resolution_is_refused) {
  // "swap" flips atomically between a real directory and a symlink to ../outside while the
  // guest opens swap/secret.txt and creates swap/made: nothing outside is read or made.
  fs::create_directories(root / "inside/swap");
  write(root / "inside/swap/secret.txt", "INSIDE");
  fs::create_directory_symlink("../outside", root / "inside/alt");
  std::atomic<bool> stop{false};
  std::string a = (root / "inside/swap").string(), b = (root / "inside/alt").string();
  std::thread flipper([&] {
    while (!stop.load()) ::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE);
  });
  int inside_reads = 0;
  for (int i = 0; i < 2000; ++i) {
    uint32_t fd = 0;
    if (open(k_in, "swap/secret.txt", true, 0, rights_read, &fd) == e_success) {
      std::string text = read(fd);
      EXPECT_NE(text, "SECRET");
      if (text == "INSIDE") ++inside_reads;
      call("fd_close", {fd});
    }
    path_call("path_create_directory", k_in, "swap/made");
  }
  stop = true;
  flipper.join();
  EXPECT_FALSE(fs::exists(root / "outside/made"));
  EXPECT_EQ(slurp(root / "outside/secret.txt"), "SECRET");
  EXPECT_GT(inside_reads, 0);
}

TEST_P(WasiSandbox, a_trailing_slash_names_a_directory) {
  EXPECT_EQ(open(k_in, "file.txt/"), e_notdir);
  EXPECT_EQ(open(k_in, "dir/"), e_success);
  EXPECT_EQ(open(k_in, "ok/"), e_success);  // a symlink to a directory inside
  EXPECT_EQ(open(k_in, "up/"), e_notcapable);
  EXPECT_EQ(path_call("path_unlink_file", k_in, "file.txt/"), e_notdir);
  EXPECT_EQ(path_call("path_create_directory", k_in, "made/"), e_success);
  EXPECT_TRUE(fs::is_directory(root / "inside/made"));
  EXPECT_EQ(path_call("path_remove_directory", k_in, "made/"), e_success);
}

TEST_P(WasiSandbox, hard_links_stay_inside) {
  EXPECT_EQ(two_paths("path_link", k_in, "file.txt", k_in, "hard.txt"), e_success);
  EXPECT_EQ(fs::hard_link_count(root / "inside/file.txt"), 2u);
  EXPECT_EQ(two_paths("path_link", k_in, "../outside/secret.txt", k_in, "s"), e_notcapable);
  EXPECT_EQ(two_paths("path_link", k_in, "up/secret.txt", k_in, "s"), e_notcapable);
  EXPECT_EQ(two_paths("path_link", k_in, "file.txt", k_in, "../outside/h"), e_notcapable);
  EXPECT_EQ(two_paths("path_link", k_in, "file.txt", k_ro, "h"), e_rofs);
  EXPECT_FALSE(fs::exists(root / "inside/s"));
  EXPECT_FALSE(fs::exists(root / "outside/h"));
}

TEST_P(WasiSandbox, rename_across_preopens) {
  EXPECT_EQ(two_paths("path_rename", k_in, "file.txt", k_other, "moved.txt"), e_success);
  EXPECT_EQ(slurp(root / "other/moved.txt"), "inside");
  EXPECT_EQ(two_paths("path_rename", k_other, "moved.txt", k_ro, "x"), e_rofs);
  EXPECT_EQ(two_paths("path_rename", k_ro, "data.txt", k_in, "x"), e_rofs);
  EXPECT_EQ(two_paths("path_rename", k_other, "moved.txt", k_in, "../outside/x"), e_notcapable);
  EXPECT_EQ(two_paths("path_rename", k_in, "up/secret.txt", k_in, "stolen"), e_notcapable);
  EXPECT_TRUE(fs::exists(root / "outside/secret.txt"));
  EXPECT_TRUE(fs::exists(root / "other/moved.txt"));
}

TEST_P(WasiSandbox, read_only_preopens_refuse_changes_with_erofs) {
  uint32_t fd = 0;
  ASSERT_EQ(open(k_ro, "data.txt", true, 0, rights_read, &fd), e_success);
  EXPECT_EQ(read(fd), "read only");
  EXPECT_EQ(call("fd_filestat_set_size", {fd, 0}), e_rofs);
  EXPECT_EQ(call("fd_allocate", {fd, 0, 10}), e_rofs);
  EXPECT_EQ(open(k_ro, "data.txt", true, 0, rights_rw), e_rofs);
  EXPECT_EQ(open(k_ro, "data.txt", true, oflag_trunc, rights_read), e_rofs);
  EXPECT_EQ(open(k_ro, "new.txt", true, oflag_creat, rights_read), e_rofs);
  EXPECT_EQ(path_call("path_create_directory", k_ro, "d"), e_rofs);
  EXPECT_EQ(path_call("path_unlink_file", k_ro, "data.txt"), e_rofs);
  EXPECT_EQ(path_call("path_remove_directory", k_ro, "sub"), e_rofs);
  uint32_t sub = 0;  // directories opened beneath inherit read-only
  ASSERT_EQ(open(k_ro, "sub", true, oflag_directory, rights_read, &sub), e_success);
  EXPECT_EQ(open(sub, "f", true, oflag_creat, rights_rw), e_rofs);
  auto [p, n] = put(1024, "data.txt");
  EXPECT_EQ(call("path_filestat_set_times", {k_ro, 0, p, n, 0, 0, fst_mtim_now}), e_rofs);
  EXPECT_EQ(slurp(root / "ro/data.txt"), "read only");
  EXPECT_FALSE(fs::exists(root / "ro/new.txt"));
}

TEST_P(WasiSandbox, non_utf8_and_nul_in_paths_are_ilseq) {
  EXPECT_EQ(open(k_in, "\xff\xfe"), e_ilseq);
  EXPECT_EQ(open(k_in, "\xc0\xaf"), e_ilseq);      // overlong "/"
  EXPECT_EQ(open(k_in, "\xed\xa0\x80"), e_ilseq);  // a surrogate
  EXPECT_EQ(open(k_in, "ab\xe2\x82"), e_ilseq);    // truncated
  EXPECT_EQ(open(k_in, std::string_view("file.txt\0x", 10)), e_ilseq);
  EXPECT_EQ(path_call("path_create_directory", k_in, "\x80"), e_ilseq);
  EXPECT_EQ(open(k_in, "caf\xc3\xa9.txt", true, oflag_creat, rights_rw), e_success);
  EXPECT_TRUE(fs::exists(root / "inside/caf\xc3\xa9.txt"));
}

TEST_P(WasiSandbox, bad_pointers_lengths_and_fds) {
  // Paths outside memory, including a range that wraps around 2^32.
  EXPECT_EQ(call("path_open", {k_in, 0, 65530, 10, 0, rights_read, rights_read, 0, 512}), e_fault);
  EXPECT_EQ(call("path_open", {k_in, 0, 0xfffffff0u, 0x20, 0, 0, 0, 0, 512}), e_fault);
  EXPECT_EQ(call("path_open", {k_in, 0, 1024, 4, 0, 0, 0, 0, 65534}), e_fault);  // result
  // iovecs: the array, a buffer, the count, the result pointer.
  uint32_t iov[2] = {65000, 1000};  // buffer crosses the end
  std::memcpy(memory.data() + 256, iov, 8);
  EXPECT_EQ(call("fd_write", {1, 65532, 1, 300}), e_fault);
  EXPECT_EQ(call("fd_write", {1, 256, 1, 300}), e_fault);
  EXPECT_EQ(call("fd_write", {1, 256, 1u << 30, 300}), e_inval);
  EXPECT_EQ(call("fd_write", {1, 256, 0, 0xffffffffu}), e_fault);
  EXPECT_EQ(call("fd_read", {0, 256, 0xffffffffu, 300}), e_inval);
  // Bad fds.
  EXPECT_EQ(call("fd_write", {99, 256, 0, 300}), e_badf);
  EXPECT_EQ(call("fd_read", {0xffffffffu, 256, 0, 300}), e_badf);
  EXPECT_EQ(call("fd_close", {99}), e_badf);
  EXPECT_EQ(call("fd_seek", {99, 0, 0, 300}), e_badf);
  EXPECT_EQ(call("fd_prestat_get", {0, 300}), e_badf);
  EXPECT_EQ(call("fd_renumber", {k_in, 99}), e_badf);
  EXPECT_EQ(path_call("path_create_directory", 99, "x"), e_badf);
  EXPECT_EQ(path_call("path_create_directory", 1, "x"), e_notdir);
  EXPECT_EQ(call("sock_accept", {k_in, 0, 300}), e_notsock);
  EXPECT_EQ(call("sock_shutdown", {99, 0}), e_badf);
  // Other arguments out of range.
  EXPECT_EQ(call("fd_prestat_dir_name", {k_in, 300, 1}), e_nametoolong);
  EXPECT_EQ(call("fd_prestat_dir_name", {k_in, 65535, 3}), e_fault);
  uint32_t fd = 0;
  ASSERT_EQ(open(k_in, "file.txt", true, 0, rights_read, &fd), e_success);
  EXPECT_EQ(call("fd_seek", {fd, 0, 7, 300}), e_inval);
  EXPECT_EQ(call("fd_readdir", {fd, 300, 100, 0, 600}), e_notdir);
  EXPECT_EQ(call("fd_readdir", {k_in, 65500, 100, 0, 600}), e_fault);
  EXPECT_EQ(call("clock_time_get", {9, 0, 300}), e_inval);
  EXPECT_EQ(call("clock_time_get", {1, 0, 65535}), e_fault);
  EXPECT_EQ(call("args_get", {65535, 0}), e_success);  // no args: nothing is written
  EXPECT_EQ(call("random_get", {65535, 2}), e_fault);
  EXPECT_EQ(call("poll_oneoff", {0, 4096, 0, 300}), e_inval);
  EXPECT_EQ(call("poll_oneoff", {0, 4096, 100000, 300}), e_inval);
  EXPECT_EQ(call("poll_oneoff", {30000, 4096, 1000, 300}), e_fault);  // 48000 bytes at 30000
  EXPECT_EQ(call("fd_fdstat_set_rights", {fd, ~uint64_t{0}, 0}), e_notcapable);
}

TEST_P(WasiSandbox, prestat_readdir_renumber) {
  ASSERT_EQ(call("fd_prestat_get", {k_in, 300}), e_success);
  EXPECT_EQ(memory.data()[300], 0);
  EXPECT_EQ(memory.data()[304], 3);
  ASSERT_EQ(call("fd_prestat_dir_name", {k_in, 320, 3}), e_success);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(memory.data() + 320), 3), "/in");
  // readdir into a buffer too small for everything: bufused == buf_len means "call again".
  ASSERT_EQ(call("fd_readdir", {k_in, 4096, 40, 0, 600}), e_success);
  uint32_t used;
  std::memcpy(&used, memory.data() + 600, 4);
  EXPECT_EQ(used, 40u);
  size_t names = 0;
  for (uint64_t cookie = 0;;) {
    ASSERT_EQ(call("fd_readdir", {k_in, 4096, 1000, cookie, 600}), e_success);
    std::memcpy(&used, memory.data() + 600, 4);
    size_t at = 0;
    while (at + 24 <= used) {
      uint32_t namlen;
      uint64_t next;
      std::memcpy(&next, memory.data() + 4096 + at, 8);
      std::memcpy(&namlen, memory.data() + 4096 + at + 16, 4);
      at += 24 + namlen;
      if (at > used) break;  // a partial entry: read again from the last whole one
      cookie = next;
      ++names;
    }
    if (used < 1000) break;
  }
  EXPECT_EQ(names, 10u);  // . .. file.txt dir up abs abs_file ok dotdot_in loop
  uint32_t fd = 0;
  ASSERT_EQ(open(k_in, "file.txt", true, 0, rights_read, &fd), e_success);
  ASSERT_EQ(call("fd_renumber", {fd, k_other}), e_success);
  EXPECT_EQ(read(k_other), "inside");
  EXPECT_EQ(call("fd_prestat_get", {k_other, 300}), e_badf);  // no longer a preopen
  EXPECT_EQ(call("fd_close", {fd}), e_badf);
}

TEST_P(WasiSandbox, fd_functions_on_a_file) {
  uint32_t fd = 0;
  ASSERT_EQ(open(k_in, "file.txt", true, 0, rights_rw, &fd), e_success);
  auto u64_at = [&](uint32_t at) {
    uint64_t v;
    std::memcpy(&v, memory.data() + at, 8);
    return v;
  };
  EXPECT_EQ(call("fd_fdstat_set_flags", {fd, fdflag_append}), e_success);
  ASSERT_EQ(call("fd_fdstat_get", {fd, 300}), e_success);
  EXPECT_EQ(memory.data()[300], ft_regular_file);
  EXPECT_EQ(memory.data()[302] & fdflag_append, fdflag_append);
  EXPECT_EQ(call("fd_fdstat_set_flags", {fd, fdflag_sync}), e_notsup);
  EXPECT_EQ(call("fd_sync", {fd}), e_success);
  EXPECT_EQ(call("fd_datasync", {fd}), e_success);
  EXPECT_EQ(call("fd_advise", {fd, 0, 0, 1}), e_success);
  EXPECT_EQ(call("fd_advise", {fd, 0, 0, 9}), e_inval);
  EXPECT_EQ(call("fd_allocate", {fd, 0, 100}), e_success);
  ASSERT_EQ(call("fd_filestat_get", {fd, 8192}), e_success);
  EXPECT_EQ(u64_at(8192 + 32), 100u);
  EXPECT_EQ(
      call("fd_filestat_set_times", {fd, 5'000'000'000u, 7'000'000'000u, fst_atim | fst_mtim}),
      e_success);
  ASSERT_EQ(call("fd_filestat_get", {fd, 8192}), e_success);
  EXPECT_EQ(u64_at(8192 + 40), 5'000'000'000u);
  EXPECT_EQ(u64_at(8192 + 48), 7'000'000'000u);
  EXPECT_EQ(call("fd_filestat_set_times", {fd, 0, 0, fst_atim | fst_atim_now}), e_inval);
  auto [p, n] = put(1024, "file.txt");
  EXPECT_EQ(call("path_filestat_set_times", {k_in, 0, p, n, 0, 9'000'000'000u, fst_mtim}),
            e_success);
  EXPECT_EQ(call("path_filestat_get", {k_in, 0, p, n, 8192}), e_success);
  EXPECT_EQ(u64_at(8192 + 48), 9'000'000'000u);
  EXPECT_EQ(call("fd_seek", {fd, 3, 0, 300}), e_success);
  EXPECT_EQ(call("fd_tell", {fd, 300}), e_success);
  EXPECT_EQ(u64_at(300), 3u);
  EXPECT_EQ(call("fd_filestat_set_size", {fd, 2}), e_success);
  EXPECT_EQ(fs::file_size(root / "inside/file.txt"), 2u);
  EXPECT_EQ(call("fd_seek", {1, 0, 0, 300}), e_spipe);
  EXPECT_EQ(call("sched_yield", {}), e_success);
  EXPECT_EQ(call("proc_raise", {9}), e_notsup);
}

TEST_P(WasiSandbox, poll_oneoff_clock_and_fd) {
  // Subscription 0: clock monotonic, relative 1 us; subscription 1: fd_read on stdin (empty
  // here, so ready at once). Ready fds are reported without waiting for the clock.
  std::memset(memory.data() + 2000, 0, 96);
  uint64_t ud0 = 0x1111, ud1 = 0x2222, timeout = 1000;
  uint32_t clock_id = 1;
  std::memcpy(memory.data() + 2000, &ud0, 8);
  memory.data()[2008] = 0;
  std::memcpy(memory.data() + 2016, &clock_id, 4);
  std::memcpy(memory.data() + 2024, &timeout, 8);
  std::memcpy(memory.data() + 2048, &ud1, 8);
  memory.data()[2056] = 1;  // fd_read
  ASSERT_EQ(call("poll_oneoff", {2000, 3000, 2, 300}), e_success);
  uint32_t nevents;
  std::memcpy(&nevents, memory.data() + 300, 4);
  ASSERT_EQ(nevents, 1u);
  uint64_t ud;
  std::memcpy(&ud, memory.data() + 3000, 8);
  EXPECT_EQ(ud, ud1);
  EXPECT_EQ(memory.data()[3010], 1);
  // The clock alone: it fires.
  ASSERT_EQ(call("poll_oneoff", {2000, 3000, 1, 300}), e_success);
  std::memcpy(&nevents, memory.data() + 300, 4);
  ASSERT_EQ(nevents, 1u);
  std::memcpy(&ud, memory.data() + 3000, 8);
  EXPECT_EQ(ud, ud0);
  EXPECT_EQ(memory.data()[3010], 0);
  // An fd subscription on a bad fd reports badf in its event.
  uint32_t bad = 77;
  std::memcpy(memory.data() + 2064, &bad, 4);
  ASSERT_EQ(call("poll_oneoff", {2048, 3000, 1, 300}), e_success);
  uint16_t err;
  std::memcpy(&err, memory.data() + 3008, 2);
  EXPECT_EQ(err, e_badf);
}

INSTANTIATE_TEST_SUITE_P(wasi, WasiSandbox, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "openat2" : "walker"; });

}  // namespace

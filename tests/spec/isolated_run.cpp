// weft spec runner: running a script in a child process.
//
// The child writes one record a line, unbuffered, so that what it wrote before a crash arrives:
//   B <tab> line <tab> kind <tab> command                               a command starts
//   E <tab> status <tab> line <tab> kind <tab> command <tab> message    it ended
// with tabs, newlines and backslashes in the strings escaped.
#include "isolated_run.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <vector>

namespace weft::spec {
namespace {

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    char c = s[++i];
    out += c == 't' ? '\t' : c == 'n' ? '\n' : c;
  }
  return out;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == '\t')
      out.emplace_back();
    else
      out.back() += c;
  }
  return out;
}

/// Writes all of `data` to `fd`, retrying on EINTR and short writes.
void write_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the parent is gone: nothing useful left to do
    done += static_cast<size_t>(n);
  }
}

/// The child's side: each event becomes one record on the pipe.
class PipeObserver : public ScriptObserver {
 public:
  explicit PipeObserver(int fd) : m_fd(fd) {}
  void begin(int line, const std::string& kind, const std::string& command) override {
    write_all(m_fd,
              "B\t" + std::to_string(line) + "\t" + escape(kind) + "\t" + escape(command) + "\n");
  }
  void end(const CommandOutcome& o) override {
    const CommandFailure& d = o.detail;
    write_all(m_fd, std::string("E\t") + static_cast<char>(o.status) + "\t" +
                        std::to_string(d.line) + "\t" + escape(d.kind) + "\t" + escape(d.command) +
                        "\t" + escape(d.message) + "\n");
  }

 private:
  int m_fd;
};

/// The parent's side: rebuilds the report from the records.
class RecordReader {
 public:
  void feed(const char* data, size_t n) {
    m_pending.append(data, n);
    size_t start = 0;
    for (size_t nl; (nl = m_pending.find('\n', start)) != std::string::npos; start = nl + 1)
      handle(m_pending.substr(start, nl - start));
    m_pending.erase(0, start);
  }

  /// Called once the child has exited: `why` is empty if it exited cleanly.
  ScriptReport finish(const std::string& why, size_t command_count) {
    if (why.empty()) return std::move(m_report);
    if (m_open) {
      size_t not_run = command_count > m_ended + 1 ? command_count - m_ended - 1 : 0;
      std::string message = why;
      if (not_run == 1) message += "; the command after it did not run";
      if (not_run > 1)
        message += "; the " + std::to_string(not_run) + " commands after it did not run";
      m_report.add(
          CommandOutcome{CommandOutcome::Status::failed,
                         CommandFailure{m_open_line, m_open_kind, m_open_command, message}});
    } else {
      m_report.fail_file(why);
    }
    return std::move(m_report);
  }

 private:
  void handle(const std::string& line) {
    auto f = split_tabs(line);
    if (f.size() == 4 && f[0] == "B") {
      m_open = true;
      m_open_line = std::atoi(f[1].c_str());
      m_open_kind = unescape(f[2]);
      m_open_command = unescape(f[3]);
    } else if (f.size() == 6 && f[0] == "E" && f[1].size() == 1) {
      m_open = false;
      ++m_ended;
      CommandOutcome o;
      o.status = static_cast<CommandOutcome::Status>(f[1][0]);
      o.detail =
          CommandFailure{std::atoi(f[2].c_str()), unescape(f[3]), unescape(f[4]), unescape(f[5])};
      m_report.add(o);
    } else {
      m_report.fail_file("garbled record from the child process: " + line);
    }
  }

  ScriptReport m_report;
  std::string m_pending;
  bool m_open = false;
  int m_open_line = 0;
  std::string m_open_kind;
  std::string m_open_command;
  size_t m_ended = 0;
};

std::string describe_exit(int status, unsigned timeout_seconds) {
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    if (sig == SIGALRM)
      return "timed out after " + std::to_string(timeout_seconds) + " s (--timeout)";
    const char* name = strsignal(sig);
    return "the engine crashed: signal " + std::to_string(sig) + " (" + (name ? name : "?") + ")";
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
    return "the process exited with status " + std::to_string(WEXITSTATUS(status)) +
           " (a sanitizer report or an abort, see above)";
  return {};
}

}  // namespace

ScriptReport run_script_isolated(const Script& script, const std::string& wast_name,
                                 std::ostream* log, unsigned timeout_seconds) {
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  int fds[2];
  if (::pipe(fds) != 0) {
    Engine engine;
    return run_script(engine, script, wast_name, log);
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    Engine engine;
    return run_script(engine, script, wast_name, log);
  }
  if (pid == 0) {
    // The child: its own engine (no state shared with the parent), then straight out.
    ::close(fds[0]);
    if (timeout_seconds) ::alarm(timeout_seconds);
    {
      PipeObserver observer(fds[1]);
      Engine engine;
      (void)run_script(engine, script, wast_name, log, &observer);
    }
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    ::_exit(0);
  }

  ::close(fds[1]);
  RecordReader reader;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    reader.feed(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return reader.finish(describe_exit(status, timeout_seconds), script.commands.size());
}

}  // namespace weft::spec

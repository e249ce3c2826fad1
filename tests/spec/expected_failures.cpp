// weft spec runner: the list of failures we know about.
#include "expected_failures.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

namespace weft::spec {
namespace {

std::string trim(const std::string& s) {
  auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

}  // namespace

std::string ExpectedFailure::where() const {
  return file + ":" + (line ? std::to_string(*line) : std::string("*"));
}

Result<ExpectedFailures> ExpectedFailures::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail(ErrorKind::io, "cannot read expected-failure list " + path);
  std::ostringstream buf;
  buf << in.rdbuf();
  return parse(buf.str(), path);
}

Result<ExpectedFailures> ExpectedFailures::parse(const std::string& text, const std::string& path) {
  ExpectedFailures out;
  std::istringstream lines(text);
  std::string raw;
  int list_line = 0;
  while (std::getline(lines, raw)) {
    ++list_line;
    std::string line = trim(raw);
    if (line.empty() || line[0] == '#') continue;
    auto bad = [&](const std::string& why) {
      return fail(ErrorKind::usage, path + ":" + std::to_string(list_line) + ": " + why +
                                        " (want '<file.wast>:<line or *>  <reason>')");
    };
    auto space = line.find_first_of(" \t");
    std::string where = line.substr(0, space);
    std::string reason = space == std::string::npos ? "" : trim(line.substr(space));
    auto colon = where.rfind(':');
    if (colon == std::string::npos || colon == 0) return bad("no '<file>:' in '" + where + "'");
    if (reason.empty()) return bad("no reason for " + where);

    ExpectedFailure entry;
    entry.file = where.substr(0, colon);
    entry.reason = reason;
    entry.list_line = list_line;
    std::string at = where.substr(colon + 1);
    if (at != "*") {
      int n = 0;
      auto [p, ec] = std::from_chars(at.data(), at.data() + at.size(), n);
      if (ec != std::errc() || p != at.data() + at.size() || n <= 0)
        return bad("bad line number '" + at + "'");
      entry.line = n;
    }
    for (const auto& e : out.m_entries) {
      if (e.file == entry.file && e.line == entry.line)
        return bad("duplicate entry " + entry.where() + " (first at line " +
                   std::to_string(e.list_line) + ")");
    }
    out.m_entries.push_back(std::move(entry));
  }
  return out;
}

const ExpectedFailure* ExpectedFailures::match(const std::string& file, int line) {
  ExpectedFailure* whole_file = nullptr;
  for (auto& e : m_entries) {
    if (e.file != file) continue;
    if (e.line && *e.line == line) {
      e.matched = true;
      return &e;
    }
    if (!e.line) whole_file = &e;
  }
  if (whole_file) whole_file->matched = true;
  return whole_file;
}

std::vector<const ExpectedFailure*> ExpectedFailures::stale(
    const std::set<std::string>& files_run) const {
  std::vector<const ExpectedFailure*> out;
  for (const auto& e : m_entries) {
    if (!e.matched && files_run.count(e.file)) out.push_back(&e);
  }
  return out;
}

}  // namespace weft::spec

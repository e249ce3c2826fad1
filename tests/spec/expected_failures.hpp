// weft spec runner: the list of failures we know about (tests/spec/expected_failures.txt).
//
// One entry a line: `<file.wast>:<line>  <reason>` for one command, `<file.wast>:*  <reason>`
// for a whole file; `#` starts a comment line. A failure that no entry lists fails the run, and
// so does an entry that lists nothing that failed (a stale entry: the bug was fixed).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "weft/result.hpp"

namespace weft::spec {

struct ExpectedFailure {
  std::string file;         ///< "simd_lane.wast"
  std::optional<int> line;  ///< nothing for the whole file
  std::string reason;
  int list_line = 0;     ///< where the entry is in the list, for messages
  bool matched = false;  ///< some failure was found at the entry
  /// "simd_lane.wast:*" or "i32.wast:104".
  std::string where() const;
};

class ExpectedFailures {
 public:
  /// Parses a list; a malformed line (no ':', a bad line number, no reason, a duplicate) is an
  /// error naming the list's file and line.
  static Result<ExpectedFailures> load(const std::string& path);
  static Result<ExpectedFailures> parse(const std::string& text, const std::string& path);

  /// The entry that lists a failure of `file` at `line` (the line's own entry before the
  /// file's), marked as matched; null if none does.
  const ExpectedFailure* match(const std::string& file, int line);

  /// Entries of files that ran (`files_run`) that matched no failure.
  std::vector<const ExpectedFailure*> stale(const std::set<std::string>& files_run) const;

  size_t size() const noexcept { return m_entries.size(); }

 private:
  std::vector<ExpectedFailure> m_entries;
};

}  // namespace weft::spec

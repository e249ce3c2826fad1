// The parts of the example behaviours (examples/events/README.md) that do not depend on the
// ABI, shared by the weft and elastic AssemblyScript examples.

/** A log line "LEVEL COMPONENT: MESSAGE", split. */
export class LogLine {
  constructor(public level: string, public component: string, public message: string) {}
}

function isAsciiLetter(c: i32): bool {
  return (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
}

/**
 * Splits `LEVEL SP COMPONENT ":" SP MESSAGE` (LEVEL: one or more ASCII letters, returned in lower
 * case; COMPONENT: one or more characters other than space and ':'; MESSAGE: the rest, possibly
 * empty). Null when the line does not have that form.
 */
export function parseLogLine(line: string): LogLine | null {
  const n = line.length;
  let i = 0;
  while (i < n && isAsciiLetter(line.charCodeAt(i))) ++i;
  if (i == 0 || i >= n || line.charCodeAt(i) != 0x20) return null;
  const level = line.substring(0, i).toLowerCase();
  const start = ++i;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (c == 0x20 || c == 0x3a) break;
    ++i;
  }
  if (i == start || i + 1 >= n || line.charCodeAt(i) != 0x3a || line.charCodeAt(i + 1) != 0x20) {
    return null;
  }
  return new LogLine(level, line.substring(start, i), line.substring(i + 2));
}

/** The rank of a level name (trace 0 ... error 4, any case), or -1 for anything else. */
export function levelRank(name: string): i32 {
  const l = name.toLowerCase();
  if (l == "trace") return 0;
  if (l == "debug") return 1;
  if (l == "info") return 2;
  if (l == "warn") return 3;
  if (l == "error") return 4;
  return -1;
}

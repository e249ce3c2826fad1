// Branchy string scanning: a JSON tokenizer over a generated document, counting tokens by
// kind and validating the structure.
#include "common.h"

static char doc[1 << 18];

static size_t append(size_t at, const char* s) {
  while (*s && at < sizeof doc - 1) doc[at++] = *s++;
  return at;
}

static size_t generate(void) {
  uint64_t seed = 5;
  size_t at = append(0, "[");
  for (int i = 0; at < sizeof doc - 256; ++i) {
    if (i) at = append(at, ",");
    at = append(at, "{\"id\": ");
    char num[24];
    int len = 0;
    uint64_t v = bench_rand(&seed) % 1000000;
    do {
      num[len++] = (char)('0' + v % 10);
      v /= 10;
    } while (v);
    while (len) doc[at++] = num[--len];
    at = append(at, ", \"name\": \"item\\\"quoted\\\"\", \"ok\": true, \"tags\": [1.5e3, -2, null]}");
  }
  at = append(at, "]");
  doc[at] = 0;
  return at;
}

typedef struct {
  int64_t strings, numbers, literals, objects, arrays, depth_max;
} Counts;

static int scan(const char* p, size_t n, Counts* c) {
  int depth = 0;
  for (size_t i = 0; i < n; ++i) {
    char ch = p[i];
    switch (ch) {
      case '{': case '[':
        ++depth;
        if (depth > c->depth_max) c->depth_max = depth;
        if (ch == '{') ++c->objects; else ++c->arrays;
        break;
      case '}': case ']':
        if (--depth < 0) return 0;
        break;
      case '"':
        ++c->strings;
        for (++i; i < n && p[i] != '"'; ++i)
          if (p[i] == '\\') ++i;
        if (i >= n) return 0;
        break;
      case 't': case 'f': case 'n':
        ++c->literals;
        while (i + 1 < n && p[i + 1] >= 'a' && p[i + 1] <= 'z') ++i;
        break;
      case ' ': case ',': case ':': case '\n':
        break;
      default:
        if ((ch >= '0' && ch <= '9') || ch == '-') {
          ++c->numbers;
          while (i + 1 < n && ((p[i + 1] >= '0' && p[i + 1] <= '9') || p[i + 1] == '.' ||
                               p[i + 1] == 'e' || p[i + 1] == 'E' || p[i + 1] == '-' || p[i + 1] == '+'))
            ++i;
        } else {
          return 0;
        }
    }
  }
  return depth == 0;
}

BENCH_EXPORT int64_t run(void) {
  size_t n = generate();
  Counts total = {0, 0, 0, 0, 0, 0};
  for (int rep = 0; rep < BENCH_N; ++rep) {
    Counts c = {0, 0, 0, 0, 0, 0};
    if (!scan(doc, n, &c)) return -1;
    if (c.objects * 5 != c.strings) return -1;  // four keys and one string value each
    total.strings += c.strings;
    total.numbers += c.numbers;
    total.literals += c.literals;
  }
  return total.strings * 1000003 + total.numbers * 1009 + total.literals;
}

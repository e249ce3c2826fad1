/* A Fluent Bit filter built exactly as Fluent Bit's own C example is (clang --target=wasm32
 * -nostdlib -Wl,--allow-undefined -Wl,--export=__heap_base -Wl,--export=__data_end
 * -Wl,--no-entry): its libc comes from module env. Each export is one behaviour the tests
 * drive (fluentbit_test.cpp). */
#include "fb_libc.h"
#include "fmt_cases.h"

#define EXPORT(name) __attribute__((export_name(#name)))

/* The record wrapped with what the host passed: {"tag":T,"sec":S,"nsec":N,"len":L,"record":R}. */
EXPORT(filter) char* filter(char* tag, int tag_len, uint32_t sec, uint32_t nsec, char* record, int record_len) {
  size_t n = 96 + (size_t)tag_len + (size_t)record_len;
  char* out = malloc(n);
  if (!out) return NULL;
  /* the inputs are NUL-terminated and their lengths match */
  if (strlen(tag) != (size_t)tag_len || strlen(record) != (size_t)record_len) abort();
  int w = sprintf(out, "{\"tag\":\"%s\",\"sec\":%u,\"nsec\":%u,\"len\":%d,\"record\":%s}", tag, sec, nsec,
                  record_len, record);
  if (strstr(record, "\"verbose\"")) printf("filter: %s wrote %d bytes\n", tag, w);
  return out;
}

/* The record as it came in: the very buffer the host passed. */
EXPORT(passthrough) char* passthrough(char* tag, int tag_len, uint32_t sec, uint32_t nsec, char* record, int len) {
  (void)tag, (void)tag_len, (void)sec, (void)nsec, (void)len;
  return record;
}

/* Drops by NULL or "", keeps the rest as a strdup'ed copy, depending on the record. */
EXPORT(dropper) char* dropper(char* tag, int tag_len, uint32_t sec, uint32_t nsec, char* record, int len) {
  (void)tag, (void)tag_len, (void)sec, (void)nsec, (void)len;
  if (strstr(record, "\"null\"")) return NULL;
  if (strstr(record, "\"empty\"")) return "";
  if (strstr(record, "\"text\"")) return "this is not json";
  if (strstr(record, "\"array\"")) return "[1,2,3]";
  if (strstr(record, "\"static\"")) return "{\"static\":true}";
  return strdup(record);
}

/* Traps on a record containing "boom", passes the others. */
EXPORT(trapper) char* trapper(char* tag, int tag_len, uint32_t sec, uint32_t nsec, char* record, int len) {
  (void)tag, (void)tag_len, (void)sec, (void)nsec, (void)len;
  if (strstr(record, "boom")) __builtin_trap();
  if (strstr(record, "abort")) abort();
  if (strstr(record, "exit")) exit(3);
  return record;
}

/* Hands the host bad pointers, chosen by the record's "case" value. */
EXPORT(bad) char* bad(char* tag, int tag_len, uint32_t sec, uint32_t nsec, char* record, int len) {
  (void)tag, (void)tag_len, (void)sec, (void)nsec, (void)len;
  char* far = (char*)0xfffffff0u;
  char* q = strstr(record, "\"case\":");
  int c = q ? atoi(q + 7) : 0;
  switch (c) {
    case 1: return (char*)(size_t)strlen(far);
    case 2: memcpy(record, far, 64); return record;
    case 3: free(record + 1); return record;
    case 4: { char* p = malloc(8); free(p); free(p); return record; }
    case 5: return far; /* the returned pointer itself */
    case 6: printf("%s", far); return record;
    case 7: printf("%n", &c); return record;
    case 8: memset(record, 'x', (size_t)len + 0x7ffffff0u); return record;
    case 9: { /* a string without a NUL up to the end of memory */
      size_t end = __builtin_wasm_memory_size(0) * 65536;
      char* last = (char*)(end - 4);
      memset(last, 'a', 4);
      return last;
    }
    default: return record;
  }
}

/* The record in msgpack mode: a length-prefixed copy (u32 LE + bytes), zero bytes kept. */
EXPORT(msgpack_echo) char* msgpack_echo(char* tag, int tag_len, uint32_t sec, uint32_t nsec, char* record, int len) {
  (void)tag, (void)tag_len, (void)sec, (void)nsec;
  unsigned char* out = malloc(4 + (size_t)len);
  out[0] = (unsigned char)len, out[1] = (unsigned char)(len >> 8);
  out[2] = (unsigned char)(len >> 16), out[3] = (unsigned char)(len >> 24);
  memcpy(out + 4, record, (size_t)len);
  return (char*)out;
}

static char fmt_area[4096];
/* Where the test has fmt_case write. */
EXPORT(fmt_buffer) char* fmt_buffer(void) { return fmt_area; }

/* Case i of fmt_cases.h formatted by env.snprintf into out[n]; returns snprintf's result. */
EXPORT(fmt_case) int fmt_case(int i, char* out, int n) {
  int k = 0;
#define RUN(...) \
  if (i == k++) return snprintf(out, (size_t)n, __VA_ARGS__);
  FMT_CASES(RUN)
#undef RUN
  return -1000;
}

EXPORT(fmt_count) int fmt_count(void) {
  int k = 0;
#define COUNT(...) ++k;
  FMT_CASES(COUNT)
#undef COUNT
  return k;
}

/* Output routed to the log: printf, puts, putchar, a line split over calls. */
EXPORT(print_things) int print_things(void) {
  printf("hello %s %d\n", "world", 7);
  puts("a puts line");
  printf("split ");
  printf("line");
  putchar('!');
  putchar('\n');
  printf("no newline at the end");
  return 0;
}

/* The rest of the libc set checked against C's semantics: 0, or the line that failed. */
#define CHECK(cond) \
  if (!(cond)) return __LINE__;
EXPORT(libc_check) int libc_check(void) {
  char buf[64];
  char* end;
  CHECK(strlen("") == 0 && strlen("abc") == 3);
  CHECK(strcmp("abc", "abd") < 0 && strcmp("b", "a") > 0 && strcmp("x", "x") == 0);
  CHECK(strcmp("\xff", "a") > 0); /* unsigned bytes */
  CHECK(strncmp("abcX", "abcY", 3) == 0 && strncmp("ab", "abc", 3) < 0);
  CHECK(strncasecmp("HeLLo", "hello", 5) == 0 && strncasecmp("abc", "ABD", 3) < 0 &&
        strncasecmp("abc", "ABD", 2) == 0);
  CHECK(strcpy(buf, "copy") == buf && strcmp(buf, "copy") == 0);
  memset(buf, 'z', sizeof buf);
  CHECK(strncpy(buf, "ab", 5) == buf && buf[0] == 'a' && buf[2] == 0 && buf[4] == 0 && buf[5] == 'z');
  CHECK(strncpy(buf, "abcdef", 3) == buf && buf[2] == 'c' && buf[3] == 0 /* from before */);
  CHECK(strchr("hello", 'l') - "hello" >= 0);
  {
    const char* h = "hello";
    CHECK(strchr(h, 'l') == h + 2 && strchr(h, 'q') == NULL && strchr(h, 0) == h + 5);
    CHECK(strstr(h, "llo") == h + 2 && strstr(h, "") == h && strstr(h, "xyz") == NULL);
    CHECK(memchr(h, 'o', 5) == h + 4 && memchr(h, 'o', 4) == NULL);
  }
  CHECK(strspn("aabbc", "ab") == 4 && strcspn("hello, world", ",") == 5 && strcspn("abc", "") == 3);
  CHECK(memcmp("abc", "abd", 3) < 0 && memcmp("abc", "abd", 2) == 0);
  memcpy(buf, "0123456789", 11);
  memmove(buf + 2, buf, 5); /* overlapping */
  CHECK(memcmp(buf, "0101234789", 10) == 0);
  CHECK(strtol("  -123xyz", &end, 10) == -123 && *end == 'x');
  CHECK(strtol("0x1F", &end, 0) == 31 && *end == 0);
  CHECK(strtol("017", NULL, 0) == 15 && strtol("z", NULL, 36) == 35);
  CHECK(strtol("99999999999", NULL, 10) == 2147483647L && strtol("-99999999999", NULL, 10) == (-2147483647L - 1));
  {
    const char* s = "nope";
    CHECK(strtol(s, &end, 10) == 0 && end == s);
  }
  CHECK(strtoul("4294967295", NULL, 10) == 4294967295UL && strtoul("-1", NULL, 10) == 4294967295UL);
  CHECK(strtoul("-5", NULL, 10) == 4294967291UL && strtoul("ff", NULL, 16) == 255);
  CHECK(atoi("42abc") == 42 && atoi("  -7") == -7 && atoi("x") == 0);
  CHECK(isalpha('a') && !isalpha('1') && isdigit('7') && isspace('\t') && isupper('Q') && !isupper('q'));
  CHECK(islower('q') && isalnum('z') && isxdigit('F') && !isxdigit('g') && ispunct('!') && !isalpha(200) &&
        !isalpha(-1));
  CHECK(tolower('A') == 'a' && toupper('b') == 'B' && tolower('1') == '1');
  {
    char* p = malloc(10);
    CHECK(p != NULL && ((size_t)p % 16) == 0);
    memcpy(p, "123456789", 10);
    p = realloc(p, 100000); /* moves: the contents go along */
    CHECK(p != NULL && strcmp(p, "123456789") == 0);
    p = realloc(p, 4); /* shrinks in place */
    CHECK(p != NULL && memcmp(p, "1234", 4) == 0);
    free(p);
    int* z = calloc(1000, sizeof(int));
    for (int i = 0; i < 1000; ++i) CHECK(z[i] == 0);
    z[5] = 9;
    free(z);
    z = calloc(1000, sizeof(int)); /* a reused block is zeroed again */
    for (int i = 0; i < 1000; ++i) CHECK(z[i] == 0);
    free(z);
    CHECK(calloc(0x10000, 0x10000) == NULL); /* overflows size_t */
    CHECK(realloc(NULL, 8) != NULL);
    free(NULL);
    char* d = strdup("dup");
    CHECK(d && strcmp(d, "dup") == 0);
    free(d);
  }
  {
    struct timespec ts = {0, -1};
    CHECK(clock_gettime(CLOCK_REALTIME, &ts) == 0 && ts.tv_sec > 1600000000 && ts.tv_nsec >= 0 &&
          ts.tv_nsec < 1000000000);
    CHECK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0 && clock() >= 0);
  }
  CHECK(sprintf(buf, "%d-%s", 5, "x") == 3 && strcmp(buf, "5-x") == 0);
  CHECK(snprintf(buf, 4, "%s", "truncated") == 9 && strcmp(buf, "tru") == 0);
  CHECK(snprintf(NULL, 0, "%d", 12345) == 5);
  CHECK(snprintf(buf, sizeof buf, "%p|%p", (void*)0, (void*)0x1234) > 0 && strcmp(buf, "0x0|0x1234") == 0);
  return 0;
}

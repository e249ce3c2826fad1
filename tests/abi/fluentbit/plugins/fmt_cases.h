/* printf formatting cases, shared by the guest (fb_filter.c, formatting through env.snprintf)
 * and the test (the host's own snprintf): each gives the same output on wasm32 and on the
 * host (no `long` values whose width differs, no %p). %hh and %h get ints on purpose (the
 * conversion truncates them): build with -Wno-format. */
#define FMT_CASES(X)                                                                      \
  X("plain text, no conversion")                                                           \
  X("%d|%i|%5d|%-5d|%05d|%+d|% d|%+05d", 42, -42, 42, 42, -42, 42, 42, 7)                \
  X("%.3d|%8.3d|%-8.3d|%.0d|%.0d", 5, -5, 5, 0, 1)                                        \
  X("%u|%o|%#o|%x|%X|%#x|%#X|%#.0x", 3000000000u, 8u, 8u, 255u, 255u, 255u, 255u, 0u)    \
  X("%hhd|%hhu|%hd|%hu|%hhx", 300, 300, 70000, 70000, 511)                                \
  X("%ld|%lu|%lx", 2147483647L, 4000000000UL, 305419896UL)                                 \
  X("%lld|%llu|%llx|%#llo", -9000000000000000000LL, 18000000000000000000ULL,               \
    0xfedcba9876543210ULL, 01234567ULL)                                                    \
  X("%zu|%zd|%jd|%ju|%td", (size_t)123456, (size_t)42, (__INTMAX_TYPE__)-1234567890123LL,        \
    (__UINTMAX_TYPE__)9876543210ULL, (__PTRDIFF_TYPE__)77)                                                  \
  X("%*d|%-*d|%*d|%.*d|%.*d|%*.*d", 6, 1, 6, 2, -6, 3, 4, 9, -1, 9, 8, 3, 12)             \
  X("%c%c%c|%3c|%-3c|", 'a', 'b', 'c', 'x', 'y')                                            \
  X("%s|%10s|%-10s|%.2s|%10.3s|%.*s|%s", "hello", "right", "left", "abcdef", "abcdef", 3,   \
    "xyzzy", (char*)0)                                                                      \
  X("%f|%.2f|%10.3f|%-10.1f|%+f|% .0f|%#.0f|%F", 3.14159, 2.5, -1.0005, 9.99, 1.0, 2.5,    \
    3.0, 1e10)                                                                              \
  X("%e|%.3E|%12.4e|%g|%G|%g|%.3g|%#g|%g", 12345.678, 0.000123, -5.5, 0.0001, 1e-10,       \
    100000.0, 3.14159, 1.0, 1e20)                                                           \
  X("%a|%A|%.2a", 1.0, -0.1, 3.0)                                                           \
  X("%f|%f|%e|%g", 1.0 / 0.0, -1.0 / 0.0, 0.0 / 0.0, -0.0)                                  \
  X("100%% done, %d%%", 50)                                                                 \
  X("%s=%d %s=%.1f %c", "count", 3, "ratio", 0.75, '!')

/* The libc a Fluent Bit filter built with `clang --target=wasm32 -nostdlib
 * -Wl,--allow-undefined` imports from module `env` (WAMR's libc-builtin, weft's fluentbit
 * ABI): the prototypes only, since -nostdlib has no headers. Types as wasi-libc's. */
#ifndef FB_LIBC_H
#define FB_LIBC_H

typedef __SIZE_TYPE__ size_t;
typedef unsigned int uint32_t;
typedef long long int64_t;
typedef long long clock_t;
struct timespec {
  long long tv_sec;
  long tv_nsec;
};
#define NULL ((void*)0)
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1

int printf(const char* fmt, ...);
int sprintf(char* buf, const char* fmt, ...);
int snprintf(char* buf, size_t n, const char* fmt, ...);
int puts(const char* s);
int putchar(int c);
int memcmp(const void* a, const void* b, size_t n);
void* memcpy(void* d, const void* s, size_t n);
void* memmove(void* d, const void* s, size_t n);
void* memset(void* d, int c, size_t n);
void* memchr(const void* s, int c, size_t n);
char* strchr(const char* s, int c);
int strcmp(const char* a, const char* b);
int strncmp(const char* a, const char* b, size_t n);
char* strcpy(char* d, const char* s);
char* strncpy(char* d, const char* s, size_t n);
size_t strlen(const char* s);
char* strdup(const char* s);
char* strstr(const char* h, const char* n);
size_t strspn(const char* s, const char* accept);
size_t strcspn(const char* s, const char* reject);
int strncasecmp(const char* a, const char* b, size_t n);
long strtol(const char* s, char** end, int base);
unsigned long strtoul(const char* s, char** end, int base);
int atoi(const char* s);
void* malloc(size_t n);
void* calloc(size_t n, size_t size);
void* realloc(void* p, size_t n);
void free(void* p);
int isalpha(int c);
int isdigit(int c);
int isspace(int c);
int isupper(int c);
int islower(int c);
int isalnum(int c);
int isxdigit(int c);
int ispunct(int c);
int tolower(int c);
int toupper(int c);
void abort(void);
void exit(int status);
int clock_gettime(int clock, struct timespec* ts);
clock_t clock(void);

#endif

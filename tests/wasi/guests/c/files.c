// A WASI guest in C (wasi-libc): args, environment, files, directories, symlinks, clocks,
// randomness, stdin and the exit status. Its output must not depend on the runtime: the
// test compares it under `weft run` and under node's WASI. Expects a preopen /sandbox
// holding input.txt ("input line 1\ninput line 2\n").
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int cmp(const void* a, const void* b) {
  return strcmp(*(const char* const*)a, *(const char* const*)b);
}

static void list_dir(const char* path) {
  DIR* d = opendir(path);
  if (!d) {
    printf("opendir %s failed\n", path);
    return;
  }
  char* names[64];
  int n = 0;
  struct dirent* e;
  while ((e = readdir(d)) && n < 64) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof names[0], cmp);
  printf("%s:", path);
  for (int i = 0; i < n; ++i) {
    printf(" %s", names[i]);
    free(names[i]);
  }
  printf("\n");
}

int main(int argc, char** argv) {
  printf("argc %d\n", argc);
  for (int i = 1; i < argc; ++i) printf("arg %d [%s]\n", i, argv[i]);
  const char* v = getenv("GREETING");
  printf("GREETING=%s\n", v ? v : "(unset)");
  printf("MISSING=%s\n", getenv("MISSING") ? "set" : "(unset)");

  // Reading a file of the preopen.
  FILE* in = fopen("/sandbox/input.txt", "r");
  char line[128];
  while (in && fgets(line, sizeof line, in)) printf("read: %s", line);
  if (in) fclose(in);

  // Writing, seeking, positioned I/O, stat.
  int fd = open("/sandbox/out.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
  if (fd < 0) { printf("open out.txt: errno %d\n", errno); return 10; }
  write(fd, "hello, world\n", 13);
  pwrite(fd, "HELLO", 5, 0);
  char buf[32] = {0};
  pread(fd, buf, 5, 7);
  printf("pread [%s]\n", buf);
  off_t end = lseek(fd, 0, SEEK_END);
  struct stat st;
  fstat(fd, &st);
  printf("size %lld end %lld regular %d\n", (long long)st.st_size, (long long)end,
         S_ISREG(st.st_mode));
  ftruncate(fd, 5);
  fstat(fd, &st);
  printf("truncated %lld\n", (long long)st.st_size);
  close(fd);

  // Appending.
  fd = open("/sandbox/out.txt", O_WRONLY | O_APPEND);
  write(fd, "+more", 5);
  close(fd);
  fd = open("/sandbox/out.txt", O_RDONLY);
  memset(buf, 0, sizeof buf);
  ssize_t got = read(fd, buf, sizeof buf - 1);
  printf("appended %zd [%s]\n", got, buf);
  close(fd);

  // Directories, rename, links.
  printf("mkdir %d\n", mkdir("/sandbox/sub", 0755));
  int r = mkdir("/sandbox/sub", 0755);
  printf("mkdir again %d %s\n", r, errno == EEXIST ? "EEXIST" : "?");
  printf("rename %d\n", rename("/sandbox/out.txt", "/sandbox/sub/moved.txt"));
  printf("symlink %d\n", symlink("moved.txt", "/sandbox/sub/link"));
  char target[64] = {0};
  ssize_t tl = readlink("/sandbox/sub/link", target, sizeof target - 1);
  printf("readlink %zd [%s]\n", tl, target);
  struct stat lst;
  printf("lstat link %d symlink %d\n", lstat("/sandbox/sub/link", &lst), S_ISLNK(lst.st_mode));
  printf("stat through link %d size %lld\n", stat("/sandbox/sub/link", &st), (long long)st.st_size);
  printf("link %d\n", link("/sandbox/sub/moved.txt", "/sandbox/hard.txt"));
  stat("/sandbox/hard.txt", &st);
  printf("nlink %lld\n", (long long)st.st_nlink);
  list_dir("/sandbox");
  list_dir("/sandbox/sub");
  r = rmdir("/sandbox/sub");
  printf("rmdir nonempty %d %s\n", r, errno == ENOTEMPTY ? "ENOTEMPTY" : "?");
  printf("unlink %d %d %d\n", unlink("/sandbox/sub/link"), unlink("/sandbox/sub/moved.txt"),
         unlink("/sandbox/hard.txt"));
  printf("rmdir %d\n", rmdir("/sandbox/sub"));
  r = open("/sandbox/nope", O_RDONLY);
  printf("open missing %d %s\n", r, errno == ENOENT ? "ENOENT" : "?");
  list_dir("/sandbox");

  // Leaving the sandbox fails (the errno may differ between runtimes; only failure counts).
  printf("escape .. %s\n", open("/sandbox/../etc/passwd", O_RDONLY) < 0 ? "refused" : "OPENED");
  printf("escape abs %s\n", open("/etc/passwd", O_RDONLY) < 0 ? "refused" : "OPENED");

  // Clocks and randomness: properties only, the values differ between runs.
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("monotonic ok %d\n", b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec));
  clock_gettime(CLOCK_REALTIME, &a);
  printf("realtime after 2020 %d\n", a.tv_sec > 1577836800);
  struct timespec res;
  printf("clock_getres %d\n", clock_getres(CLOCK_MONOTONIC, &res));
  unsigned char r1[32], r2[32];
  getentropy(r1, sizeof r1);
  getentropy(r2, sizeof r2);
  printf("random differs %d\n", memcmp(r1, r2, sizeof r1) != 0);

  // Standard input, then standard error, then the exit status from the arguments.
  size_t total = 0;
  int c;
  while ((c = getchar()) != EOF) {
    if (c == '\n') ++total;
  }
  printf("stdin lines %zu\n", total);
  fprintf(stderr, "to stderr\n");
  fflush(stdout);
  return argc > 2 ? atoi(argv[2]) : 0;
}

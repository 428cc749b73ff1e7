/* Allocation fault injection, linked into the executables of the `faults` build only
 * (CMake option ESSIM_FAULT_INJECTION).
 *
 * malloc, calloc, realloc and free are defined here, in the executable itself.  ELF symbol
 * interposition then sends every allocation of the process through them: essim's own, those
 * inside the shared libconfig, libcsv and GSL, and glibc's own (fopen's FILE, strdup, tmpfile,
 * realpath), which glibc routes through the interposable malloc.  -Wl,--wrap=malloc would
 * reach only references resolved in the static link, so calls made inside the shared libraries
 * and inside glibc would escape it.  The calls are passed on to glibc's allocator
 * (__libc_malloc and friends); under valgrind those are its replacements, so memcheck still
 * sees every block.
 *
 * Environment:
 *   ESSIM_FAIL_ALLOC=N         the N-th allocation (1-based) fails: NULL and errno ENOMEM
 *   ESSIM_FAIL_ALLOC_PERSIST=1 ... and every allocation after it
 *   ESSIM_ALLOC_REPORT=FILE    at exit, write "allocations N\nfailed K\n" to FILE (K is how many
 *                              were made to fail), to count allocations and to tell whether the
 *                              N-th was reached
 *   ESSIM_FAIL_ALLOC_TRACE=FILE  write to FILE the stack of the allocation made to fail and, if
 *                              the process then crashes (SIGSEGV, SIGBUS, SIGFPE, SIGILL,
 *                              SIGABRT), "crash" and the stack of the crash: the sweep tells a
 *                              crash in essim's code from one inside a library by it
 * Allocations are counted from this file's constructor on (before the program's own ones), so
 * a count is the same from run to run of the same command on one thread.  realloc to size 0
 * frees and is not counted. */
#define _GNU_SOURCE
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);

static atomic_ulong allocations;
static atomic_ulong failures;
static unsigned long fail_at; /* 0: none */
static bool persistent;
static bool armed;
static int trace_fd = -1;

static void write_stack(const char *title)
{
    void *frames[64];
    int n = backtrace(frames, 64);
    if (write(trace_fd, title, strlen(title)) > 0)
        backtrace_symbols_fd(frames, n, trace_fd);
}

static void on_crash(int sig)
{
    write_stack("crash\n");
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Breakpoint for debugging a failure path: `break fault_injected` in gdb shows who asked. */
__attribute__((noinline, used)) static void fault_injected(unsigned long n, size_t size)
{
    (void)n;
    (void)size;
    __asm__ volatile("");
}

static bool should_fail(size_t size)
{
    if (!armed)
        return false;
    unsigned long n = atomic_fetch_add(&allocations, 1) + 1;
    if (fail_at == 0 || n < fail_at || (n > fail_at && !persistent))
        return false;
    atomic_fetch_add(&failures, 1);
    if (n == fail_at) {
        fault_injected(n, size);
        if (trace_fd >= 0)
            write_stack("allocation\n");
    }
    errno = ENOMEM;
    return true;
}

void *malloc(size_t size)
{
    return should_fail(size) ? NULL : __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
    return should_fail(n * size) ? NULL : __libc_calloc(n, size);
}

void *realloc(void *ptr, size_t size)
{
    if (size > 0 && should_fail(size))
        return NULL;
    return __libc_realloc(ptr, size);
}

void free(void *ptr)
{
    __libc_free(ptr);
}

/* Runs before anything is counted. */
__attribute__((constructor(101))) static void fault_arm(void)
{
    const char *n = getenv("ESSIM_FAIL_ALLOC");
    fail_at = n ? strtoul(n, NULL, 10) : 0;
    const char *p = getenv("ESSIM_FAIL_ALLOC_PERSIST");
    persistent = p && strcmp(p, "1") == 0;
    const char *trace = getenv("ESSIM_FAIL_ALLOC_TRACE");
    if (trace && fail_at > 0) {
        trace_fd = open(trace, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        void *frame;
        backtrace(&frame, 1); /* loads libgcc's unwinder now: it allocates on first use */
        static const int crashes[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
        for (size_t i = 0; trace_fd >= 0 && i < sizeof crashes / sizeof crashes[0]; i++)
            signal(crashes[i], on_crash);
    }
    armed = true;
}

__attribute__((destructor)) static void fault_report(void)
{
    const char *path = getenv("ESSIM_ALLOC_REPORT");
    if (!path)
        return;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    char line[96];
    int len = snprintf(line, sizeof line, "allocations %lu\nfailed %lu\n",
                       atomic_load(&allocations), atomic_load(&failures));
    if (len > 0 && write(fd, line, (size_t)len) < 0)
        len = 0; /* nothing to do: a test reading the file will say it is missing */
    close(fd);
}

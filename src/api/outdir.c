/* The output folder as a transaction.  es_output_open refuses a folder essim did not write
 * (owner.c), or one holding the run's inputs or the current folder, and locks it against
 * other runs; results are then written into a temporary sibling and swapped into place only
 * when complete, so a failed or stopped run leaves the previous results as they were.
 * Siblings, beside DIR: DIR.essim-lock (the lock, while a run holds it), DIR.essim-tmp-PID-X
 * (the results being written) and DIR.essim-old-PID (the previous results, on filesystems
 * without RENAME_EXCHANGE); a run removes those a killed run left. */
#define _GNU_SOURCE /* renameat2, getdents64, O_PATH */
#include "api/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/owner.h"

/* The longest sibling suffix: ".essim-tmp-" PID "-" 6 letters (PIDs have at most 10 digits). */
#define SIBLING_SUFFIX_MAX (sizeof ".essim-tmp--XXXXXX" - 1 + 10)

/* Removes the entries of an open folder, and theirs; returns how many it removed.  No
 * allocation (getdents64 into the stack, not opendir and nftw), so that a failed run can clean
 * up even when memory has run out. */
static int remove_entries(int fd, int depth)
{
    int removed = 0;
    char buf[4096];
    ssize_t n;
    while ((n = getdents64(fd, buf, sizeof buf)) > 0) {
        for (ssize_t off = 0; off < n;) {
            const struct dirent64 *d = (const struct dirent64 *)(buf + off);
            off += d->d_reclen;
            if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
                continue;
            int sub = depth < 16 ? openat(fd, d->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                                 : -1;
            if (sub >= 0) {
                while (remove_entries(sub, depth + 1) > 0)
                    lseek(sub, 0, SEEK_SET); /* again: removing while listing may skip some */
                close(sub);
            }
            removed += unlinkat(fd, d->d_name, sub >= 0 ? AT_REMOVEDIR : 0) == 0;
        }
    }
    return removed;
}

static void remove_tree(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return;
    while (remove_entries(fd, 0) > 0)
        lseek(fd, 0, SEEK_SET);
    close(fd);
    rmdir(path);
}


/* A new string: a followed by b; NULL when out of memory. */
static char *concat(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *s = malloc(na + nb + 1);
    if (s) {
        memcpy(s, a, na);
        memcpy(s + na, b, nb + 1);
    }
    return s;
}

static int out_of_memory(es_error *err, const char *dir)
{
    return es_error_set(err, ES_ENOMEM, dir, 0, "out of memory");
}

/* Process-wide, as signals are: how many output folders are being written (by any thread),
 * the signal that asked to stop meanwhile, and the lock files to remove when a signal ends the
 * process.  Lock-free atomics, so both the threads of a caller writing two folders at once and
 * the signal handler may touch them.  Only the signal handler writes output_stop_signal. */
#define HELD_LOCKS_MAX 16 /* folders one process writes at once; beyond it a lock is only not
                           * removed by a signal (the next run finds it unlocked and takes it) */
static atomic_int outputs_pending;
static volatile sig_atomic_t output_stop_signal;
static _Atomic(const char *) held_locks[HELD_LOCKS_MAX];

static void hold_lock(const char *path)
{
    for (int i = 0; i < HELD_LOCKS_MAX; i++) {
        const char *none = NULL;
        if (atomic_compare_exchange_strong(&held_locks[i], &none, path))
            return;
    }
}

static void release_lock(const char *path)
{
    for (int i = 0; i < HELD_LOCKS_MAX; i++) {
        const char *mine = path;
        if (atomic_compare_exchange_strong(&held_locks[i], &mine, NULL))
            return;
    }
}

bool es_output_stop(int sig)
{
    if (!atomic_load(&outputs_pending)) {
        for (int i = 0; i < HELD_LOCKS_MAX; i++) {
            const char *lock = atomic_load(&held_locks[i]);
            if (lock)
                unlink(lock); /* async-signal-safe; the process ends, and with it the lock */
        }
        return false;
    }
    output_stop_signal = sig;
    return true;
}

int es_output_stopped(void)
{
    return output_stop_signal;
}

static const char *signal_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" : "a signal";
}

/* Makes DIR.essim-tmp-PID-XXXXXX with mkdir, so that it follows the umask (mkdtemp's are
 * 0700 whatever the umask).  0, or an errno. */
static int make_temp(const char *dir, char **out)
{
    size_t len = strlen(dir) + SIBLING_SUFFIX_MAX + 1;
    char *tmp = malloc(len);
    if (!tmp)
        return ENOMEM;
    static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    unsigned long long r = (unsigned long long)now.tv_nsec * 2654435761u ^ (unsigned long long)now.tv_sec;
    for (int attempt = 0; attempt < 100; attempt++) {
        char x[7];
        for (int k = 0; k < 6; k++, r /= 62)
            x[k] = letters[r % 62];
        x[6] = '\0';
        r = r * 6364136223846793005ull + 1442695040888963407ull + (unsigned)attempt;
        snprintf(tmp, len, "%s.essim-tmp-%ld-%s", dir, (long)getpid(), x);
        if (mkdir(tmp, 0777) == 0) {
            *out = tmp;
            return 0;
        }
        if (errno != EEXIST)
            break;
    }
    int e = errno;
    free(tmp);
    return e;
}

/* The folder holding dir's last component, opened for listing; -1 with errno. */
static int open_parent(const char *dir, const char *base)
{
    if (base == dir)
        return open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (base == dir + 1)
        return open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    char *parent = strndup(dir, (size_t)(base - dir - 1));
    if (!parent) {
        errno = ENOMEM;
        return -1;
    }
    int fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(parent);
    return fd;
}

/* Whether `name` is BASE.essim-tmp-PID-XXXXXX or BASE.essim-old-PID of a process that no longer
 * exists. */
static bool dead_sibling(const char *name, const char *base)
{
    size_t n = strlen(base);
    if (strncmp(name, base, n) != 0)
        return false;
    const char *rest = name + n;
    bool temp = strncmp(rest, ".essim-tmp-", 11) == 0;
    if (!temp && strncmp(rest, ".essim-old-", 11) != 0)
        return false;
    char *end;
    errno = 0;
    long pid = strtol(rest + 11, &end, 10);
    if (errno || end == rest + 11 || pid <= 0 || pid == (long)getpid() || pid > INT_MAX)
        return false;
    if (temp ? !(end[0] == '-' && strlen(end) == 7) : end[0] != '\0')
        return false;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* Removes the temporary siblings of `dir` that killed runs left, and only them: their
 * process is gone and they hold nothing but files of the kinds essim writes.  (The caller
 * holds the lock, so no other essim is writing them.) */
static void remove_leftovers(const es_output_folder *o)
{
    int pfd = open_parent(o->dir, o->base);
    if (pfd < 0)
        return;
    char buf[4096];
    ssize_t n;
    while ((n = getdents64(pfd, buf, sizeof buf)) > 0)
        for (ssize_t off = 0; off < n;) {
            const struct dirent64 *d = (const struct dirent64 *)(buf + off);
            off += d->d_reclen;
            if (!dead_sibling(d->d_name, o->base))
                continue;
            int fd = openat(pfd, d->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0)
                continue;
            bool leftover = es_owner_leftover(fd);
            close(fd);
            char *path = leftover ? concat(o->dir, d->d_name + strlen(o->base)) : NULL;
            if (path)
                remove_tree(path);
            free(path);
        }
    close(pfd);
}

/* Takes DIR.essim-lock (flock, so the kernel releases it when the process dies, kill -9
 * included), or says which process holds it. */
static int take_lock(es_output_folder *o, es_error *err)
{
    if (!(o->lock_path = concat(o->dir, ".essim-lock")))
        return out_of_memory(err, o->dir);
    for (int attempt = 0; attempt < 10; attempt++) {
        int fd = open(o->lock_path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0666);
        if (fd < 0)
            return es_error_set(err, errno == ENOMEM ? ES_ENOMEM : ES_EIO, o->dir, 0,
                                "cannot create its lock file beside it (%s.essim-lock): %s",
                                o->base, strerror(errno));
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            char pid[24] = "";
            ssize_t got = e == EWOULDBLOCK ? pread(fd, pid, sizeof pid - 1, 0) : -1;
            pid[got > 0 ? got : 0] = '\0';
            pid[strcspn(pid, "\n")] = '\0';
            close(fd);
            if (e == EWOULDBLOCK)
                return es_error_set(err, ES_EINVAL, o->dir, 0,
                                    "another essim%s%s%s is writing this folder (it holds "
                                    "%s.essim-lock): wait for it to finish, or choose another "
                                    "--out folder",
                                    pid[0] ? " (process " : "", pid, pid[0] ? ")" : "", o->base);
            return es_error_set(err, ES_EIO, o->dir, 0, "cannot lock %s.essim-lock: %s", o->base,
                                strerror(e));
        }
        /* the file may have been removed by the run that held it, between open and flock */
        struct stat held, now;
        if (fstat(fd, &held) == 0 && stat(o->lock_path, &now) == 0 && held.st_dev == now.st_dev &&
            held.st_ino == now.st_ino) {
            char pid[24];
            int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
            if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)len, 0) != len) {
                /* the pid is only for the message of a run refused: not worth failing for */
            }
            o->lock_fd = fd;
            hold_lock(o->lock_path);
            return ES_OK;
        }
        close(fd);
    }
    return es_error_set(err, ES_EIO, o->dir, 0, "cannot lock %s.essim-lock: it keeps changing",
                        o->base);
}

/* The checks that need no lock: the path itself. */
static int check_path(es_output_folder *o, const char *dir, es_error *err)
{
    if (!dir || !dir[0])
        return es_error_set(err, ES_EINVAL, NULL, 0,
                            "--out names no folder: give one, such as --out results/");
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    if (n > ES_OUT_PATH_MAX)
        return es_error_set(err, ES_EINVAL, NULL, 0,
                            "the --out path is %zu bytes long; essim takes at most %d (the paths it "
                            "writes below the folder must fit): choose a shorter one",
                            n, ES_OUT_PATH_MAX);
    if (!(o->dir = strndup(dir, n)))
        return out_of_memory(err, NULL);
    const char *slash = strrchr(o->dir, '/');
    o->base = slash && slash[1] ? slash + 1 : o->dir;
    if (strcmp(o->dir, "/") == 0)
        return es_error_set(err, ES_EINVAL, o->dir, 0,
                            "is the root folder: choose another --out folder");
    if (strcmp(o->base, ".") == 0 || strcmp(o->base, "..") == 0)
        return es_error_set(err, ES_EINVAL, o->dir, 0,
                            "names the current or the parent folder: essim replaces the --out "
                            "folder as a whole, so give a folder of its own, such as --out results/");
    if (strlen(o->base) > NAME_MAX - SIBLING_SUFFIX_MAX)
        return es_error_set(err, ES_EINVAL, o->dir, 0,
                            "its name is %zu bytes long; essim takes at most %zu (it writes "
                            "beside it into %.20s....essim-tmp-...): choose a shorter name",
                            strlen(o->base), NAME_MAX - SIBLING_SUFFIX_MAX, o->base);
    return ES_OK;
}

/* The folders essim must never replace, though empty or written by essim: the home folder, the
 * current folder and those above it, and those holding the run's inputs. */
static int check_not_needed(const es_output_folder *o, const struct stat *st,
                            const char *const *protect, int nprotect, es_error *err)
{
    const char *home = getenv("HOME");
    struct stat hst;
    if (home && home[0] && stat(home, &hst) == 0 && hst.st_dev == st->st_dev && hst.st_ino == st->st_ino)
        return es_error_set(err, ES_EINVAL, o->dir, 0,
                            "is the home folder: choose another --out folder, such as a new "
                            "folder inside it");
    int held = es_owner_holds(st->st_dev, st->st_ino, "./");
    if (held > 0)
        return es_error_set(err, ES_EINVAL, o->dir, 0,
                            "is the current folder or holds it: choose another --out folder, "
                            "such as a new folder inside it");
    for (int i = 0; held == 0 && i < nprotect; i++)
        if (protect[i] && (held = es_owner_holds(st->st_dev, st->st_ino, protect[i])) > 0)
            return es_error_set(err, ES_EINVAL, o->dir, 0,
                                "holds %s, which this run reads: choose another --out folder",
                                protect[i]);
    return held < 0 ? out_of_memory(err, o->dir) : ES_OK;
}

/* What lies at the folder's path: nothing (*fd is -1: fine), a real folder (*fd open on it,
 * *st its status), or anything else (an error). */
static int look(const es_output_folder *o, struct stat *st, int *fd, es_error *err)
{
    *fd = -1;
    if (lstat(o->dir, st) != 0) {
        if (errno == ENOENT)
            return ES_OK;
        if (errno == ENOTDIR)
            return es_error_set(err, ES_EIO, o->dir, 0, "cannot create a folder beside it: %s",
                                strerror(errno));
        return es_error_set(err, errno == ENOMEM ? ES_ENOMEM : ES_EIO, o->dir, 0,
                            "cannot look at it: %s", strerror(errno));
    }
    if (S_ISLNK(st->st_mode))
        return es_error_set(err, ES_EINVAL, o->dir, 0,
                            "is a symbolic link: essim replaces the --out folder as a whole, so "
                            "give the folder itself or another one");
    if (!S_ISDIR(st->st_mode))
        return es_error_set(err, ES_EINVAL, o->dir, 0,
                            "exists and is not a folder: choose another --out folder");
    *fd = open(o->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct stat again;
    if (*fd < 0 || fstat(*fd, &again) != 0 || again.st_ino != st->st_ino || again.st_dev != st->st_dev) {
        int e = *fd < 0 ? errno : EAGAIN;
        if (*fd >= 0)
            close(*fd);
        *fd = -1;
        return es_error_set(err, e == ENOMEM ? ES_ENOMEM : ES_EIO, o->dir, 0,
                            "cannot open it: %s", strerror(e));
    }
    return ES_OK;
}

/* Creates missing parent folders, as mkdir -p would; a failure shows when the lock or the
 * temporary folder is made beside it. */
static int make_parents(const es_output_folder *o, es_error *err)
{
    char *parent = strdup(o->dir);
    if (!parent)
        return out_of_memory(err, o->dir);
    for (char *q = parent + 1; *q; q++) {
        if (*q != '/')
            continue;
        *q = '\0';
        int bad = mkdir(parent, 0777) != 0 && errno != EEXIST;
        *q = '/';
        if (bad)
            break;
    }
    free(parent);
    return ES_OK;
}

int es_output_open(es_output_folder *o, const char *dir, const char *const *protect, int nprotect,
                   es_error *err)
{
    *o = (es_output_folder){.lock_fd = -1};
    int rc = check_path(o, dir, err);
    struct stat st;
    int fd = -1;
    if (!rc)
        rc = look(o, &st, &fd, err);
    if (!rc && fd < 0)
        rc = make_parents(o, err);
    char *probe = NULL;
    int e = rc ? 0 : make_temp(o->dir, &probe); /* can a sibling be written? */
    if (e)
        rc = es_error_set(err, e == ENOMEM ? ES_ENOMEM : ES_EIO, o->dir, 0,
                          "cannot create a folder beside it: %s", strerror(e));
    if (probe)
        rmdir(probe);
    free(probe);
    if (!rc)
        rc = take_lock(o, err);
    if (!rc && fd >= 0)
        rc = check_not_needed(o, &st, protect, nprotect, err);
    if (!rc && fd >= 0)
        rc = es_owner_check(fd, o->dir, err);
    if (fd >= 0)
        close(fd);
    if (!rc)
        remove_leftovers(o);
    if (rc)
        es_output_close(o);
    return rc;
}

void es_output_close(es_output_folder *o)
{
    if (o->lock_fd >= 0) {
        release_lock(o->lock_path);
        unlink(o->lock_path); /* before closing: a run waiting for it then finds it gone, retries */
        close(o->lock_fd);
    }
    if (o->tmp)
        remove_tree(o->tmp);
    free(o->tmp);
    free(o->lock_path);
    free(o->dir);
    *o = (es_output_folder){.lock_fd = -1};
}

/* Puts tmp at dir, where the previous results were, and removes those only if they still
 * are essim's alone (a file the user added during the run puts them back). */
static int swap_into_place(es_output_folder *o, es_error *err)
{
    const char *tmp = o->tmp, *dir = o->dir;
    struct stat st;
    int fd;
    int rc = look(o, &st, &fd, err);
    if (rc)
        return rc;
    if (fd < 0) {
        if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_NOREPLACE) != 0 &&
            (errno != EINVAL || rename(tmp, dir) != 0)) /* EINVAL: no RENAME_NOREPLACE here */
            return es_error_set(err, ES_EIO, dir, 0, "cannot move results into place: %s",
                                strerror(errno));
        return ES_OK;
    }
    close(fd);
    char *old = NULL;
    bool exchanged = renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) == 0;
    if (!exchanged) { /* filesystems without RENAME_EXCHANGE: move the old folder aside first */
        char suffix[32];
        snprintf(suffix, sizeof suffix, ".essim-old-%ld", (long)getpid());
        if (!(old = concat(dir, suffix)))
            return out_of_memory(err, dir);
        if (rename(dir, old) != 0) {
            int e = errno;
            free(old);
            return es_error_set(err, ES_EIO, dir, 0, "cannot replace: %s", strerror(e));
        }
        if (rename(tmp, dir) != 0) {
            int e = errno;
            rename(old, dir);
            free(old);
            return es_error_set(err, ES_EIO, dir, 0, "cannot replace: %s", strerror(e));
        }
    }
    const char *previous = exchanged ? tmp : old; /* where the previous results are now */
    int pfd = open(previous, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    rc = pfd < 0 ? es_error_set(err, ES_EIO, dir, 0, "cannot open the previous results: %s",
                                strerror(errno))
                 : es_owner_check(pfd, dir, err);
    if (pfd >= 0)
        close(pfd);
    if (!rc) {
        remove_tree(previous);
    } else if (exchanged ? renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) != 0
                         : rename(dir, tmp) != 0 || rename(old, dir) != 0) {
        es_error_append(err, " (and could not put it back: the previous folder is now %s)",
                        previous);
        if (exchanged) { /* keep it: the commit removes o->tmp */
            free(o->tmp);
            o->tmp = NULL;
        }
    }
    free(old);
    return rc;
}

int es_output_begin(es_output_folder *o, es_error *err)
{
    atomic_fetch_add(&outputs_pending, 1); /* before the folder exists, so a signal cannot miss it */
    int e = make_temp(o->dir, &o->tmp);
    if (e) {
        atomic_fetch_sub(&outputs_pending, 1);
        return es_error_set(err, e == ENOMEM ? ES_ENOMEM : ES_EIO, o->dir, 0,
                            "cannot create a folder beside it: %s", strerror(e));
    }
    return ES_OK;
}

int es_output_commit(es_output_folder *o, int rc, es_error *err)
{
    int sig = output_stop_signal;
    if (sig)
        rc = es_error_set(err, ES_ESTOPPED, o->dir, 0,
                          "stopped by %s before the results were complete; left as it was",
                          signal_name(sig));
    if (!rc)
        rc = swap_into_place(o, err);
    bool kept = !o->tmp; /* the previous results, which could not be put back */
    if (o->tmp)
        remove_tree(o->tmp); /* what is left there: the results not used, or nothing */
    free(o->tmp);
    o->tmp = NULL;
    if (rc && !sig && !kept)
        es_error_append(err, " (no results written: %s left as it was)", o->dir);
    atomic_fetch_sub(&outputs_pending, 1);
    return rc;
}

int es_output_transaction(es_output_folder *o, es_output_fill fill, const void *ctx,
                          es_error *err)
{
    int rc = es_output_begin(o, err);
    if (rc)
        return rc;
    es_manifest_info info = {0};
    rc = fill(o->tmp, ctx, &info, err);
    if (!rc)
        rc = es_manifest_write(o->tmp, &info, err);
    return es_output_commit(o, rc, err);
}

static int fill_run(const char *dir, const void *ctx, es_manifest_info *info, es_error *err)
{
    const es_experiment *x = ctx;
    *info = (es_manifest_info){.scenario = &x->scenario, .command = x->command,
                               .replications = x->nreps, .wall_seconds = x->wall_seconds,
                               .precision = x->precision, .precision_cap = x->precision_cap,
                               .precision_reached = x->precision_reached,
                               .warmup_auto = x->warmup_auto};
    int rc = es_output_files(x, dir, ES_OUTPUT_ALL, err);
    if (!rc && x->slice)
        rc = es_slice_write(x, dir, err);
    return rc;
}

int es_output_write(const es_experiment *x, es_output_folder *o, es_error *err)
{
    return es_output_transaction(o, fill_run, x, err);
}

int es_output_subfolder(const char *dir, const char *name, char **path, es_error *err)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    *path = malloc(len);
    if (!*path)
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory for the folder %s", name);
    snprintf(*path, len, "%s/%s", dir, name);
    if (mkdir(*path, 0777) != 0 && errno != EEXIST)
        return es_error_set(err, ES_EIO, *path, 0, "cannot create folder: %s", strerror(errno));
    return ES_OK;
}

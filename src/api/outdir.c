/* The output folder as a transaction: results are written into a temporary sibling folder
 * and swapped into place only when complete, so a failed or stopped run leaves the previous
 * results as they were. */
#define _GNU_SOURCE /* renameat2, getdents64 */
#include "api/essim.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static int swap_into_place(const char *tmp, const char *dir, es_error *err)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (rename(tmp, dir) != 0)
            return es_error_set(err, ES_EIO, dir, 0, "cannot move results into place: %s",
                                strerror(errno));
        return ES_OK;
    }
    if (!S_ISDIR(st.st_mode))
        return es_error_set(err, ES_EIO, dir, 0, "exists and is not a folder");
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) == 0) {
        remove_tree(tmp); /* now holds the previous results */
        return ES_OK;
    }
    /* Filesystems without RENAME_EXCHANGE: move the old folder aside first. */
    char old[1200];
    snprintf(old, sizeof old, "%s.old-%ld", dir, (long)getpid());
    if (rename(dir, old) != 0)
        return es_error_set(err, ES_EIO, dir, 0, "cannot replace: %s", strerror(errno));
    if (rename(tmp, dir) != 0) {
        int e = errno;
        rename(old, dir);
        return es_error_set(err, ES_EIO, dir, 0, "cannot replace: %s", strerror(e));
    }
    remove_tree(old);
    return ES_OK;
}

/* Process-wide, as signals are: how many output folders are being written, and the signal
 * that asked to stop meanwhile.  Only the signal handler writes output_stop_signal. */
static volatile sig_atomic_t outputs_pending;
static volatile sig_atomic_t output_stop_signal;

bool es_output_stop(int sig)
{
    if (!outputs_pending)
        return false;
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

int es_output_begin(const char *dir, char *tmp, size_t len, char *clean, size_t clean_len,
                    es_error *err)
{
    snprintf(clean, clean_len, "%s", dir);
    size_t n = strlen(clean);
    while (n > 1 && clean[n - 1] == '/')
        clean[--n] = '\0';
    /* create missing parent folders, as mkdir -p would */
    char parent[1024];
    snprintf(parent, sizeof parent, "%s", clean);
    for (char *q = parent + 1; *q; q++) {
        if (*q != '/')
            continue;
        *q = '\0';
        if (mkdir(parent, 0777) != 0 && errno != EEXIST) {
            *q = '/';
            break; /* mkdtemp below reports it with the path */
        }
        *q = '/';
    }
    struct stat st;
    if (stat(clean, &st) == 0 && !S_ISDIR(st.st_mode))
        return es_error_set(err, ES_EIO, clean, 0, "exists and is not a folder");
    snprintf(tmp, len, "%s.tmp-XXXXXX", clean);
    outputs_pending++; /* before the folder exists, so a signal cannot miss it */
    if (!mkdtemp(tmp)) {
        outputs_pending--;
        return es_error_set(err, errno == ENOMEM ? ES_ENOMEM : ES_EIO, clean, 0,
                            "cannot create a folder beside it: %s", strerror(errno));
    }
    return ES_OK;
}

int es_output_commit(const char *tmp, const char *clean, int rc, es_error *err)
{
    int sig = output_stop_signal;
    if (sig)
        rc = es_error_set(err, ES_ESTOPPED, clean, 0,
                          "stopped by %s before the results were complete; left as it was",
                          signal_name(sig));
    if (!rc)
        rc = swap_into_place(tmp, clean, err);
    if (rc)
        remove_tree(tmp);
    if (rc && !sig)
        es_error_append(err, " (no results written: %s left as it was)", clean);
    outputs_pending--;
    return rc;
}

int es_output_check(const char *dir, es_error *err)
{
    char tmp[1100], clean[1024];
    int rc = es_output_begin(dir, tmp, sizeof tmp, clean, sizeof clean, err);
    if (rc)
        return rc;
    remove_tree(tmp);
    outputs_pending--;
    if (output_stop_signal) /* it came while the folder existed, so it did not end the process */
        return es_error_set(err, ES_ESTOPPED, clean, 0, "stopped by %s", signal_name(output_stop_signal));
    return ES_OK;
}

int es_output_write(const es_experiment *x, const char *dir, es_error *err)
{
    char tmp[1100], clean[1024];
    int rc = es_output_begin(dir, tmp, sizeof tmp, clean, sizeof clean, err);
    if (rc)
        return rc;
    rc = es_output_files(x, tmp, err);
    es_manifest_info info = {.scenario = &x->scenario, .command = x->command,
                             .replications = x->nreps, .wall_seconds = x->wall_seconds};
    if (!rc && x->slice)
        rc = es_slice_write(x, tmp, err);
    if (!rc)
        rc = es_manifest_write(tmp, &info, err);
    return es_output_commit(tmp, clean, rc, err);
}

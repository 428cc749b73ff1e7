#define _XOPEN_SOURCE 700 /* mkdtemp, symlink, nftw */
#include "fuzz_file.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char scratch[512];
static char written[1024];

static void die(const char *what, const char *path)
{
    fprintf(stderr, "fuzz harness: %s %s\n", what, path);
    abort();
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void remove_scratch(void)
{
    /* FTW_PHYS: remove the links, never what they point to */
    nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *es_fuzz_dir(void)
{
    if (scratch[0])
        return scratch;
    const char *tmp = getenv("TMPDIR");
    snprintf(scratch, sizeof scratch, "%s/essim-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(scratch))
        die("cannot make a scratch folder like", scratch);
    atexit(remove_scratch);
    return scratch;
}

static void full_path(char *out, size_t len, const char *rel)
{
    if ((size_t)snprintf(out, len, "%s/%s", es_fuzz_dir(), rel) >= len)
        die("path too long:", rel);
}

void es_fuzz_mkdir(const char *rel)
{
    char path[1024];
    full_path(path, sizeof path, rel);
    for (char *slash = path + strlen(es_fuzz_dir()) + 1; (slash = strchr(slash, '/')); slash++) {
        *slash = '\0';
        if (mkdir(path, 0700) != 0 && access(path, F_OK) != 0)
            die("cannot make", path);
        *slash = '/';
    }
    if (mkdir(path, 0700) != 0 && access(path, F_OK) != 0)
        die("cannot make", path);
}

void es_fuzz_link(const char *rel, const char *target)
{
    char path[1024];
    full_path(path, sizeof path, rel);
    if (symlink(target, path) != 0)
        die("cannot link", path);
}

const char *es_fuzz_write(const char *rel, const uint8_t *data, size_t size)
{
    full_path(written, sizeof written, rel);
    FILE *f = fopen(written, "wb");
    if (!f)
        die("cannot create", written);
    size_t wrote = size ? fwrite(data, 1, size, f) : 0;
    if (fclose(f) != 0 || wrote != size)
        die("cannot write", written);
    return written;
}

#include "io/input_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/text.h"

static es_input_problem kind_of(const struct stat *st, int64_t max_bytes)
{
    if (S_ISDIR(st->st_mode))
        return ES_INPUT_FOLDER;
    if (!S_ISREG(st->st_mode))
        return ES_INPUT_SPECIAL;
    if ((int64_t)st->st_size > max_bytes)
        return ES_INPUT_TOO_BIG;
    return ES_INPUT_OK;
}

es_input_problem es_input_open(const char *path, int64_t max_bytes, FILE **out, int64_t *size,
                               int *errnum)
{
    *out = NULL;
    *errnum = 0;
    struct stat st;
    if (stat(path, &st) != 0) {
        *errnum = errno;
        return ES_INPUT_ERRNO;
    }
    es_input_problem problem = kind_of(&st, max_bytes);
    if (problem != ES_INPUT_OK)
        return problem;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        *errnum = errno;
        return ES_INPUT_ERRNO;
    }
    if (fstat(fd, &st) != 0) {
        *errnum = errno;
        close(fd);
        return ES_INPUT_ERRNO;
    }
    problem = kind_of(&st, max_bytes);
    int flags = fcntl(fd, F_GETFL);
    if (problem == ES_INPUT_OK && (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0)) {
        *errnum = errno;
        problem = ES_INPUT_ERRNO;
    }
    FILE *f = problem == ES_INPUT_OK ? fdopen(fd, "rb") : NULL;
    if (problem == ES_INPUT_OK && !f) {
        *errnum = errno;
        problem = ES_INPUT_ERRNO;
    }
    if (problem != ES_INPUT_OK) {
        close(fd);
        return problem;
    }
    *out = f;
    if (size)
        *size = (int64_t)st.st_size;
    return ES_INPUT_OK;
}

const char *es_input_why(es_input_problem problem, int errnum, int64_t max_bytes, char *buf,
                         size_t len)
{
    switch (problem) {
    case ES_INPUT_OK:
        return "";
    case ES_INPUT_FOLDER:
        return "is a folder, not a file";
    case ES_INPUT_SPECIAL:
        return "is a device, pipe or socket, not a file";
    case ES_INPUT_TOO_BIG:
        snprintf(buf, len, "is larger than %lld MiB, the most essim reads from such a file",
                 (long long)(max_bytes / ES_MIB));
        return buf;
    case ES_INPUT_ERRNO:
        break;
    }
    return strerror(errnum);
}

int es_input_nearest(const char *path, char *out, size_t len)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    char folder[4096];
    if (slash && (size_t)(slash - path) >= sizeof folder)
        return 0;
    snprintf(folder, sizeof folder, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    if (slash == path) /* a file at the root */
        snprintf(folder, sizeof folder, "/");
    DIR *d = opendir(folder);
    if (!d)
        return 0;
    size_t best_d = strlen(name) / 3 + 3; /* beyond the limit: nothing near */
    int found = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.' && name[0] != '.')
            continue;
        size_t n = strlen(name), dist = es_edit_distance(name, e->d_name);
        if (n && strncmp(e->d_name, name, n) == 0 && e->d_name[n] == '.')
            dist = 1; /* the name without its extension: peel for peel.cfg */
        if (dist > 0 && dist < best_d) {
            best_d = dist;
            found = snprintf(out, len, "%.*s%s", slash ? (int)(slash - path + 1) : 0, path,
                             e->d_name) < (int)len;
        }
    }
    closedir(d);
    return found;
}

/* Whether essim may replace a folder: empty, or holding exactly the files its manifest.json
 * lists with their SHA-256.  The folder is read through file descriptors (openat, getdents64),
 * so no path below it is ever built and none can be too long. */
#define _GNU_SOURCE /* getdents64, O_PATH */
#include "api/owner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/sha256.h"

#define MANIFEST_MAX_BYTES (64u << 20)
#define MAX_DEPTH 16

/* One output manifest.json lists. */
typedef struct owned_file {
    char *name; /* relative to the folder */
    char sha256[65];
} owned_file;

typedef struct owned_list {
    owned_file *v;
    size_t n, cap;
    bool essim;  /* the manifest has essim's "essim_version" */
    bool nomem;
} owned_list;

static void owned_free(owned_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].name);
    free(l->v);
}

/* A minimal JSON reader, enough for manifest.json: strings decoded, other values skipped. */
typedef struct json_in {
    const char *p, *end;
    bool nomem;
} json_in;

static void json_space(json_in *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static bool json_char(json_in *j, char c)
{
    json_space(j);
    if (j->p < j->end && *j->p == c) {
        j->p++;
        return true;
    }
    return false;
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                          : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static bool json_hex4(const char *p, const char *end, unsigned *out)
{
    if (end - p < 4)
        return false;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex_digit(p[i]);
        if (d < 0)
            return false;
        v = v * 16 + (unsigned)d;
    }
    *out = v;
    return true;
}

static size_t utf8_put(char *out, unsigned cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Reads a string, decoded into a new allocation when `out` is not NULL (a decoded string is
 * never longer than its JSON text).  False when malformed, or out of memory (j->nomem). */
static bool json_string(json_in *j, char **out)
{
    if (!json_char(j, '"'))
        return false;
    const char *start = j->p;
    while (j->p < j->end && *j->p != '"')
        j->p += *j->p == '\\' && j->p + 1 < j->end ? 2 : 1;
    if (j->p >= j->end)
        return false;
    const char *stop = j->p++;
    if (!out)
        return true;
    char *s = malloc((size_t)(stop - start) + 1), *o = s;
    if (!s) {
        j->nomem = true;
        return false;
    }
    for (const char *p = start; p < stop; p++) {
        if (*p != '\\') {
            *o++ = *p;
            continue;
        }
        char e = *++p;
        static const char plain[] = "\"\\/bfnrt", meant[] = "\"\\/\b\f\n\r\t";
        const char *k = e ? strchr(plain, e) : NULL;
        unsigned cp, low;
        if (k) {
            *o++ = meant[k - plain];
        } else if (e == 'u' && json_hex4(p + 1, stop, &cp)) {
            p += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && stop - p > 6 && p[1] == '\\' && p[2] == 'u' &&
                json_hex4(p + 3, stop, &low) && low >= 0xDC00 && low < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                p += 6;
            }
            if (cp == 0) { /* no NUL inside a file name */
                free(s);
                return false;
            }
            o += utf8_put(o, cp);
        } else {
            free(s);
            return false;
        }
    }
    *o = '\0';
    *out = s;
    return true;
}

static bool json_skip(json_in *j, int depth)
{
    json_space(j);
    if (j->p >= j->end || depth > 32)
        return false;
    char c = *j->p;
    if (c == '"')
        return json_string(j, NULL);
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        j->p++;
        if (json_char(j, close))
            return true;
        do {
            if (c == '{' && !(json_string(j, NULL) && json_char(j, ':')))
                return false;
            if (!json_skip(j, depth + 1))
                return false;
        } while (json_char(j, ','));
        return json_char(j, close);
    }
    const char *start = j->p;
    while (j->p < j->end && strchr("+-.0123456789eEtrufalsn", *j->p))
        j->p++;
    return j->p > start;
}

/* One {"file": ..., "sha256": ...} of "outputs". */
static bool read_output(json_in *j, owned_list *l)
{
    if (!json_char(j, '{'))
        return false;
    owned_file f = {0};
    bool ok = true;
    if (!json_char(j, '}')) {
        do {
            char *key = NULL;
            if (!json_string(j, &key) || !json_char(j, ':')) {
                free(key);
                ok = false;
                break;
            }
            char *value = NULL;
            bool file = strcmp(key, "file") == 0, sha = strcmp(key, "sha256") == 0;
            free(key);
            if (file || sha) {
                ok = json_string(j, &value);
                if (ok && file) {
                    free(f.name);
                    f.name = value;
                } else if (ok) {
                    ok = strlen(value) == 64;
                    if (ok)
                        memcpy(f.sha256, value, 65);
                    free(value);
                }
            } else {
                ok = json_skip(j, 1);
            }
        } while (ok && json_char(j, ','));
        ok = ok && json_char(j, '}');
    }
    if (!ok || !f.name || !f.sha256[0]) {
        free(f.name);
        return false;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        owned_file *v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            free(f.name);
            j->nomem = true;
            return false;
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = f;
    return true;
}

static bool read_manifest_json(json_in *j, owned_list *l)
{
    if (!json_char(j, '{'))
        return false;
    if (json_char(j, '}'))
        return true;
    do {
        char *key = NULL;
        if (!json_string(j, &key) || !json_char(j, ':')) {
            free(key);
            return false;
        }
        bool outputs = strcmp(key, "outputs") == 0;
        l->essim |= strcmp(key, "essim_version") == 0;
        free(key);
        if (!outputs) {
            if (!json_skip(j, 1))
                return false;
            continue;
        }
        if (!json_char(j, '['))
            return false;
        if (json_char(j, ']'))
            continue;
        do {
            if (!read_output(j, l))
                return false;
        } while (json_char(j, ','));
        if (!json_char(j, ']'))
            return false;
    } while (json_char(j, ','));
    return json_char(j, '}');
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const owned_file *)a)->name, ((const owned_file *)b)->name);
}

/* Reads the whole of an open file, at most `max` bytes: 0, or an errno (EFBIG when larger). */
static int slurp(int fd, size_t max, char **data, size_t *len)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return errno;
    if (st.st_size < 0 || (unsigned long long)st.st_size > max)
        return EFBIG;
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return ENOMEM;
    ssize_t got;
    while (n < cap && (got = read(fd, buf + n, cap - n)) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            free(buf);
            return e;
        }
        n += (size_t)got;
    }
    if (n == cap) { /* grew while read: not the file the size said */
        free(buf);
        return EFBIG;
    }
    *data = buf;
    *len = n;
    return 0;
}

/* The outputs manifest.json lists, sorted by name.  0, or an errno; EINVAL when it is not
 * essim's manifest. */
static int read_manifest(int dirfd, owned_list *l)
{
    int fd = openat(dirfd, "manifest.json", O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return errno;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return EINVAL;
    }
    char *data = NULL;
    size_t len = 0;
    int e = slurp(fd, MANIFEST_MAX_BYTES, &data, &len);
    close(fd);
    if (e)
        return e == EFBIG ? EINVAL : e;
    json_in j = {.p = data, .end = data + len};
    bool ok = read_manifest_json(&j, l);
    free(data);
    if (j.nomem)
        return ENOMEM;
    if (!ok || !l->essim)
        return EINVAL;
    qsort(l->v, l->n, sizeof *l->v, by_name);
    return 0;
}

/* Whether the open file has the SHA-256 `want`: 1 yes, 0 no, -1 unreadable (errno). */
static int same_sha256(int fd, const char *want)
{
    es_sha256 s;
    es_sha256_init(&s);
    unsigned char buf[16384];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        es_sha256_update(&s, buf, (size_t)n);
    }
    char hex[65];
    es_sha256_hex(&s, hex);
    return strcmp(hex, want) == 0;
}

enum { OWNED, FOREIGN_UNLISTED, FOREIGN_CHANGED, FOREIGN_KIND, FOREIGN_DEEP, UNREADABLE };

/* A walk of the folder: the relative path of the entry it is at, and why it stopped. */
typedef struct walk {
    const owned_list *owned; /* NULL: any file of essim's kinds (a leftover) */
    char rel[PATH_MAX];
    int errnum; /* with UNREADABLE */
} walk;

static bool essim_kind(const char *name)
{
    static const char *const kinds[] = {".csv", ".svg", ".png", ".html", ".json", ".essim"};
    size_t n = strlen(name);
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t m = strlen(kinds[k]);
        if (n > m && strcmp(name + n - m, kinds[k]) == 0)
            return true;
    }
    return false;
}

static int walk_file(walk *w, int dirfd, const char *name)
{
    if (!w->owned)
        return essim_kind(name) ? OWNED : FOREIGN_UNLISTED;
    owned_file key = {.name = w->rel};
    const owned_file *f = bsearch(&key, w->owned->v, w->owned->n, sizeof key, by_name);
    if (!f)
        return FOREIGN_UNLISTED;
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    int same = fd < 0 ? -1 : same_sha256(fd, f->sha256);
    if (same < 0)
        w->errnum = errno;
    if (fd >= 0)
        close(fd);
    return same < 0 ? UNREADABLE : same ? OWNED : FOREIGN_CHANGED;
}

/* Walks the entries of the folder open as fd (closing it); w->rel holds its relative path
 * (`used` bytes, "" at the top).  OWNED, or why not, with w->rel naming the entry. */
static int walk_folder(walk *w, int fd, size_t used, int depth)
{
    char buf[4096];
    ssize_t n;
    int verdict = OWNED;
    while (verdict == OWNED && (n = getdents64(fd, buf, sizeof buf)) > 0) {
        for (ssize_t off = 0; verdict == OWNED && off < n;) {
            const struct dirent64 *d = (const struct dirent64 *)(buf + off);
            off += d->d_reclen;
            const char *name = d->d_name;
            if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                continue;
            if (depth == 0 && w->owned && strcmp(name, "manifest.json") == 0)
                continue;
            size_t len = strlen(name);
            if (used + len + 2 > sizeof w->rel)
                return close(fd), FOREIGN_DEEP;
            memcpy(w->rel + used, name, len + 1);
            struct stat st;
            if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
                w->errnum = errno;
                verdict = UNREADABLE;
            } else if (S_ISREG(st.st_mode)) {
                verdict = walk_file(w, fd, name);
            } else if (!S_ISDIR(st.st_mode)) {
                verdict = FOREIGN_KIND;
            } else if (depth + 1 >= MAX_DEPTH) {
                verdict = FOREIGN_DEEP;
            } else {
                int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub < 0) {
                    w->errnum = errno;
                    verdict = UNREADABLE;
                } else {
                    w->rel[used + len] = '/';
                    w->rel[used + len + 1] = '\0';
                    verdict = walk_folder(w, sub, used + len + 1, depth + 1);
                }
            }
        }
    }
    if (verdict == OWNED && n < 0) {
        w->errnum = errno;
        verdict = UNREADABLE;
    }
    close(fd);
    return verdict;
}

/* Whether the folder open as fd has no entries. */
static int is_empty(int fd, bool *empty)
{
    char buf[1024];
    ssize_t n;
    *empty = true;
    while (*empty && (n = getdents64(fd, buf, sizeof buf)) > 0)
        for (ssize_t off = 0; off < n;) {
            const struct dirent64 *d = (const struct dirent64 *)(buf + off);
            off += d->d_reclen;
            if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
                *empty = false;
        }
    int e = n < 0 ? errno : 0;
    lseek(fd, 0, SEEK_SET);
    return e;
}

static const char *const remove_yourself =
    "essim replaces only a folder it wrote itself: choose another --out folder, or move the "
    "files out of it yourself";

int es_owner_check(int fd, const char *dir, es_error *err)
{
    bool empty;
    int e = is_empty(fd, &empty);
    if (e)
        return es_error_set(err, ES_EIO, dir, 0, "cannot list it: %s", strerror(e));
    if (empty)
        return ES_OK;
    owned_list owned = {0};
    e = read_manifest(fd, &owned);
    if (e == ENOENT || e == ELOOP || e == EINVAL) {
        owned_free(&owned);
        return es_error_set(err, ES_EINVAL, dir, 0,
                            "holds files and %s, so essim did not write it; %s",
                            e == EINVAL ? "a manifest.json that is not essim's" : "no manifest.json",
                            remove_yourself);
    }
    if (e) {
        owned_free(&owned);
        return es_error_set(err, e == ENOMEM ? ES_ENOMEM : ES_EIO, dir, 0,
                            e == ENOMEM ? "out of memory reading its manifest.json"
                                        : "cannot read its manifest.json: %s",
                            strerror(e));
    }
    walk *w = malloc(sizeof *w);
    if (!w) {
        owned_free(&owned);
        return es_error_set(err, ES_ENOMEM, dir, 0, "out of memory reading it");
    }
    w->owned = &owned;
    w->rel[0] = '\0';
    w->errnum = 0;
    int sub = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int verdict = sub < 0 ? UNREADABLE : walk_folder(w, sub, 0, 0);
    if (sub < 0)
        w->errnum = errno;
    int rc = ES_OK;
    switch (verdict) {
    case OWNED: break;
    case FOREIGN_UNLISTED:
        rc = es_error_set(err, ES_EINVAL, dir, 0, "holds %s, which is not among the files its "
                          "manifest.json lists; %s", w->rel, remove_yourself);
        break;
    case FOREIGN_CHANGED:
        rc = es_error_set(err, ES_EINVAL, dir, 0, "holds %s, changed since essim wrote it (its "
                          "SHA-256 is not the one manifest.json lists); %s", w->rel, remove_yourself);
        break;
    case FOREIGN_KIND:
        rc = es_error_set(err, ES_EINVAL, dir, 0, "holds %s, which is neither a file nor a "
                          "folder; %s", w->rel, remove_yourself);
        break;
    case FOREIGN_DEEP:
        rc = es_error_set(err, ES_EINVAL, dir, 0, "holds folders deeper than essim writes (%s); %s",
                          w->rel, remove_yourself);
        break;
    default:
        rc = es_error_set(err, w->errnum == ENOMEM ? ES_ENOMEM : ES_EIO, dir, 0,
                          "cannot read %s to check that essim wrote it: %s",
                          w->rel[0] ? w->rel : "it", strerror(w->errnum));
    }
    free(w);
    owned_free(&owned);
    return rc;
}

bool es_owner_leftover(int fd)
{
    walk *w = malloc(sizeof *w);
    if (!w)
        return false;
    w->owned = NULL;
    w->rel[0] = '\0';
    int sub = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    bool ok = sub >= 0 && walk_folder(w, sub, 0, 0) == OWNED;
    free(w);
    return ok;
}

/* Whether (dev, ino) is the folder open as fd (an O_PATH descriptor, closed here) or one of
 * its ancestors, followed by "..". */
static bool is_at_or_above(int fd, dev_t dev, ino_t ino)
{
    struct stat st;
    for (int up = 0; fd >= 0 && fstat(fd, &st) == 0 && up < PATH_MAX; up++) {
        if (st.st_dev == dev && st.st_ino == ino) {
            close(fd);
            return true;
        }
        int parent = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
        struct stat pst;
        bool top = parent < 0 || fstat(parent, &pst) != 0 ||
                   (pst.st_dev == st.st_dev && pst.st_ino == st.st_ino);
        close(fd);
        fd = parent;
        if (top)
            break;
    }
    if (fd >= 0)
        close(fd);
    return false;
}

/* The folder holding `path` as written (its last component removed), or `path` itself when
 * it is a folder and `self` is set; opened O_PATH, or -1. */
static int open_holder(const char *path, bool self, bool *nomem)
{
    int fd = self ? open(path, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
    if (fd >= 0)
        return fd;
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    while (n > 0 && path[n - 1] != '/')
        n--;
    while (n > 1 && path[n - 1] == '/')
        n--;
    if (n == 0)
        return open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    char *parent = strndup(path, n);
    if (!parent) {
        *nomem = true;
        return -1;
    }
    fd = open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
    free(parent);
    return fd;
}

int es_owner_holds(dev_t dev, ino_t ino, const char *path)
{
    bool nomem = false;
    /* the folder the path is written in (removing it removes the entry, link or not) */
    if (is_at_or_above(open_holder(path, false, &nomem), dev, ino))
        return 1;
    if (nomem)
        return -1;
    errno = 0;
    char *real = realpath(path, NULL); /* and where it leads, through symbolic links */
    if (!real)
        return errno == ENOMEM ? -1 : 0;
    int held = is_at_or_above(open_holder(real, true, &nomem), dev, ino);
    free(real);
    return nomem ? -1 : held;
}

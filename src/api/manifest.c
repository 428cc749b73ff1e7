/* manifest.json: what produced an output folder -- essim's version, the command, the seed,
 * the SHA-256 of every input file the scenario read and of every output file. */
#define _GNU_SOURCE /* nftw */
#include "api/internal.h"

#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/names.h"
#include "io/sha256.h"

typedef struct file_list {
    char **paths;
    size_t n, cap;
    size_t root_len;
    int errnum; /* why collect stopped the walk */
} file_list;

/* nftw has no context pointer: the list being filled is the calling thread's, so two threads
 * can write manifests at once */
static _Thread_local file_list *walking;

static int collect(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    if (flag != FTW_F)
        return 0;
    const char *rel = path + walking->root_len + 1;
    if (strcmp(rel, "manifest.json") == 0)
        return 0;
    if (walking->n == walking->cap) {
        size_t cap = walking->cap ? walking->cap * 2 : 64;
        char **p = realloc(walking->paths, cap * sizeof *p);
        if (!p) {
            walking->errnum = ENOMEM;
            return -1;
        }
        walking->paths = p;
        walking->cap = cap;
    }
    if (!(walking->paths[walking->n] = strdup(rel))) {
        walking->errnum = ENOMEM;
        return -1;
    }
    walking->n++;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A JSON string.  Names are UTF-8 (io/names.c), but paths and the command line need not be:
 * a byte that is not part of valid UTF-8 becomes U+FFFD, so the file is always valid JSON. */
static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        int n;
        long cp = es_utf8_decode((const unsigned char *)s + i, len - i, &n);
        if (cp == '"' || cp == '\\')
            fprintf(f, "\\%c", (int)cp);
        else if (cp < 0)
            fputs("\\ufffd", f);
        else if (cp < 0x20 || cp == 0x7f)
            fprintf(f, "\\u%04lx", cp);
        else
            fwrite(s + i, 1, (size_t)n, f);
        i += (size_t)n;
    }
    fputc('"', f);
}

/* The first file that could not be hashed, and why. */
typedef struct hash_failure {
    int errnum;
    char file[1500];
} hash_failure;

static void hash_file(const char *path, char hex[65], hash_failure *bad)
{
    errno = 0;
    if (es_sha256_file(path, hex) == 0)
        return;
    snprintf(hex, 65, "unreadable");
    if (!bad->errnum) {
        bad->errnum = errno ? errno : EIO;
        snprintf(bad->file, sizeof bad->file, "%s", path);
    }
}

/* The scenario's inputs, then the extra ones. */
static const char *input_at(const es_manifest_info *info, int i)
{
    int n = info->scenario->ninputs;
    return i < n ? info->scenario->inputs[i] : info->extra_inputs[i - n];
}

static void free_list(file_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->paths[i]);
    free(l->paths);
}

int es_manifest_write(const char *folder, const es_manifest_info *info, es_error *err)
{
    file_list files = {.root_len = strlen(folder)};
    walking = &files;
    errno = 0;
    int walked = nftw(folder, collect, 16, FTW_PHYS);
    int walk_errno = files.errnum ? files.errnum : errno ? errno : EIO;
    walking = NULL;
    if (walked != 0) {
        free_list(&files);
        return es_error_set(err, walk_errno == ENOMEM ? ES_ENOMEM : ES_EIO, folder, 0,
                            "cannot list the output folder: %s", strerror(walk_errno));
    }
    qsort(files.paths, files.n, sizeof *files.paths, by_name);
    char path[1200];
    snprintf(path, sizeof path, "%s/manifest.json", folder);
    FILE *f = fopen(path, "w");
    if (!f) {
        int e = errno;
        free_list(&files);
        return es_error_set(err, e == ENOMEM ? ES_ENOMEM : ES_EIO, path, 0, "cannot write: %s",
                            strerror(e));
    }
    time_t now = time(NULL);
    struct tm utc;
    gmtime_r(&now, &utc);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
    const es_scenario *s = info->scenario;
    fprintf(f, "{\n  \"essim_version\": \"%s\",\n  \"command\": ", ESSIM_VERSION);
    json_string(f, info->command ? info->command : "");
    fputs(",\n  \"scenario\": ", f);
    json_string(f, s->params.name);
    fprintf(f, ",\n  \"seed\": %llu,\n  \"replications\": %d,\n  \"rng\": ",
            (unsigned long long)s->params.seed, info->replications);
    json_string(f, s->params.rng);
    if (info->precision > 0.0)
        fprintf(f,
                ",\n  \"precision\": {\"asked\": %g, \"first_stage\": %d, \"cap\": %d, "
                "\"reached\": %s}",
                info->precision, ES_PRECISION_FIRST_STAGE, info->precision_cap,
                info->precision_reached ? "true" : "false");
    if (s->params.warmup_days > 0.0)
        fprintf(f, ",\n  \"warmup\": {\"days\": %g, \"chosen_by\": \"%s\"}",
                s->params.warmup_days, info->warmup_auto ? "MSER-5 (--warmup auto)"
                                                         : "scenario.warmup_days");
    fprintf(f, ",\n  \"created_utc\": \"%s\",\n  \"wall_seconds\": %.3f,\n  \"inputs\": [", stamp,
            info->wall_seconds);
    hash_failure bad = {0};
    int listed = 0;
    for (int i = 0; i < s->ninputs + info->nextra_inputs; i++) {
        const char *input = input_at(info, i);
        bool again = false; /* a funding_models file is already among the scenario's inputs */
        for (int k = 0; k < i && !again; k++)
            again = strcmp(input_at(info, k), input) == 0;
        if (again)
            continue;
        char hex[65];
        hash_file(input, hex, &bad);
        fputs(listed++ ? ",\n    {\"file\": " : "\n    {\"file\": ", f);
        json_string(f, input);
        fprintf(f, ", \"sha256\": \"%s\"}", hex);
    }
    fputs("\n  ],\n  \"outputs\": [", f);
    for (size_t i = 0; i < files.n; i++) {
        char full[1500], hex[65];
        snprintf(full, sizeof full, "%s/%s", folder, files.paths[i]);
        hash_file(full, hex, &bad);
        fputs(i ? ",\n    {\"file\": " : "\n    {\"file\": ", f);
        json_string(f, files.paths[i]);
        fprintf(f, ", \"sha256\": \"%s\"}", hex);
    }
    fputs("\n  ]\n}\n", f);
    free_list(&files);
    errno = 0;
    int write_failed = ferror(f);
    write_failed |= fclose(f) != 0;
    int write_errno = errno ? errno : EIO;
    if (bad.errnum)
        return es_error_set(err, bad.errnum == ENOMEM ? ES_ENOMEM : ES_EIO, bad.file, 0,
                            "cannot read it for the manifest: %s", strerror(bad.errnum));
    if (write_failed)
        return es_error_set(err, write_errno == ENOMEM ? ES_ENOMEM : ES_EIO, path, 0,
                            "cannot write the manifest: %s", strerror(write_errno));
    return ES_OK;
}

/* Slices of a run, for schedulers without MPI: `essim run --replication-range A:B` keeps its
 * replications in FOLDER/slice.essim, and `essim merge DIR...` puts the slices of one scenario
 * back together into the experiment a single run of every replication would have made.
 *
 * slice.essim is a short text header, then the packed replications:
 *
 *     essim slice 2
 *     checksum	SHA256          (of every byte after this line)
 *     scenario	/abs/path/scenario.cfg
 *     seed	424242
 *     replications	10
 *     range	3	4
 *     input	SHA256	path        (one per file the scenario read, in reading order)
 *     data
 *     <packed replications, see replication_io.c>
 *
 * merge verifies the checksum before it reads anything else: one flipped byte in a ledger
 * amount would otherwise merge silently.  Format 1 had no checksum and is refused.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "api/internal.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/replication_io.h"
#include "io/input_file.h"
#include "io/sha256.h"
#include "io/text.h"

#define SLICE_FILE "slice.essim"
#define SLICE_MAGIC "essim slice 2"
#define SLICE_MAGIC_V1 "essim slice 1"
#define CHECKSUM_LINE_LEN (9 + 64 + 1) /* "checksum\t", the digest, "\n" */

int es_slice_write(const es_experiment *x, const char *folder, es_error *err)
{
    const es_scenario *s = &x->scenario;
    char abs[PATH_MAX];
    if (!realpath(s->file, abs))
        return es_error_set(err, ES_EIO, s->file, 0, "cannot resolve the scenario's path: %s",
                            strerror(errno));
    es_text t = {0};
    es_text_printf(&t, "scenario\t%s\nseed\t%" PRIu64 "\nreplications\t%d\nrange\t%u\t%u\n",
                   abs, s->params.seed, x->total_replications, x->first_number,
                   x->first_number + (unsigned)x->nreps - 1);
    for (int i = 0; i < s->ninputs; i++) {
        char hex[65];
        if (es_sha256_file(s->inputs[i], hex) != 0) {
            es_text_free(&t);
            return es_error_set(err, ES_EIO, s->inputs[i], 0, "cannot read to fingerprint it");
        }
        es_text_printf(&t, "input\t%s\t%s\n", hex, s->inputs[i]);
    }
    es_text_printf(&t, "data\n");
    int rc = ES_OK;
    for (int r = 0; !rc && r < x->nreps; r++)
        rc = es_experiment_pack(x, r, &t);
    if (!rc && t.failed)
        rc = ES_ENOMEM;
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", folder, SLICE_FILE);
    if (rc) {
        es_text_free(&t);
        return es_error_set(err, rc, path, 0, rc == ES_ENOMEM ? "out of memory writing the slice"
                                                              : "cannot read the ledger rows back");
    }
    es_sha256 sum;
    es_sha256_init(&sum);
    es_sha256_update(&sum, t.s, t.n);
    char hex[65];
    es_sha256_hex(&sum, hex);
    FILE *f = fopen(path, "wb");
    if (!f) {
        es_text_free(&t);
        return es_error_set(err, ES_EIO, path, 0, "cannot create: %s", strerror(errno));
    }
    int bad = fprintf(f, "%s\nchecksum\t%s\n", SLICE_MAGIC, hex) < 0;
    size_t wrote = fwrite(t.s, 1, t.n, f);
    bad |= wrote != t.n || ferror(f);
    bad |= fclose(f) != 0;
    es_text_free(&t);
    if (bad)
        return es_error_set(err, ES_EIO, path, 0, "cannot write: %s", strerror(errno));
    return ES_OK;
}

/* One slice file, read whole. */
typedef struct slice {
    char path[1100];
    char scenario[PATH_MAX];
    uint64_t seed;
    int total;
    unsigned first, last;
    int ninputs;
    char hashes[ES_MAX_INPUT_FILES][65];
    char *bytes;
    size_t len, data; /* offset of the packed replications */
} slice;

static int read_whole(const char *path, char **bytes, size_t *len, es_error *err)
{
    FILE *f;
    int errnum;
    es_input_problem problem = es_input_open(path, ES_SLICE_MAX_BYTES, &f, NULL, &errnum);
    if (problem == ES_INPUT_ERRNO && errnum == ENOMEM)
        return es_error_set(err, ES_ENOMEM, path, 0, "out of memory opening it");
    if (problem == ES_INPUT_ERRNO)
        return es_error_set(err, ES_EINVAL, path, 0,
                            "cannot open (%s): is this the output folder of essim run "
                            "--replication-range?",
                            strerror(errnum));
    if (problem != ES_INPUT_OK) {
        char why[128];
        return es_error_set(err, ES_EINVAL, path, 0, "%s",
                            es_input_why(problem, errnum, ES_SLICE_MAX_BYTES, why, sizeof why));
    }
    es_text t = {0};
    int rc = es_read_all(f, &t);
    if (rc) {
        es_text_free(&t);
        return es_error_set(err, rc, path, 0,
                            rc == ES_EIO ? "cannot read" : "out of memory reading");
    }
    *bytes = t.s;
    *len = t.n;
    return ES_OK;
}

/* The next header line (without its newline) in buf[*pos...]; NULL at the end. */
static char *next_line(slice *s, size_t *pos)
{
    if (*pos >= s->len)
        return NULL;
    char *line = s->bytes + *pos;
    char *nl = memchr(line, '\n', s->len - *pos);
    if (!nl)
        return NULL;
    *nl = '\0';
    *pos = (size_t)(nl - s->bytes) + 1;
    return line;
}

/* A decimal number of at most `max`, the whole of `text` up to `end` (NUL or a tab):
 * sscanf's %llu and %d are undefined on overflow. */
static bool header_number(const char *text, unsigned long long max, char end,
                          unsigned long long *out, const char **after)
{
    if (!isdigit((unsigned char)*text))
        return false;
    errno = 0;
    char *stop;
    unsigned long long v = strtoull(text, &stop, 10);
    if (errno == ERANGE || v > max || *stop != end)
        return false;
    *out = v;
    if (after)
        *after = stop;
    return true;
}

/* The first two lines: the format, and the checksum of every byte after them. */
static int verify_checksum(slice *s, size_t *pos, es_error *err)
{
    size_t magic = strlen(SLICE_MAGIC);
    if (s->len >= strlen(SLICE_MAGIC_V1) + 1 &&
        memcmp(s->bytes, SLICE_MAGIC_V1 "\n", strlen(SLICE_MAGIC_V1) + 1) == 0)
        return es_error_set(err, ES_EINVAL, s->path, 1,
                            "was written by an older essim (slice format 1, without a "
                            "checksum): run the slice again with this essim");
    if (s->len < magic + 1 || memcmp(s->bytes, SLICE_MAGIC "\n", magic + 1) != 0)
        return es_error_set(err, ES_EINVAL, s->path, 1,
                            "not a slice file of this essim version (expected '%s')",
                            SLICE_MAGIC);
    const char *line = s->bytes + magic + 1;
    size_t left = s->len - magic - 1;
    if (left < CHECKSUM_LINE_LEN || memcmp(line, "checksum\t", 9) != 0 ||
        line[CHECKSUM_LINE_LEN - 1] != '\n')
        return es_error_set(err, ES_EINVAL, s->path, 2,
                            "slice.essim is damaged: its checksum line is unreadable "
                            "(truncated or corrupt); run the slice again");
    es_sha256 sum;
    es_sha256_init(&sum);
    es_sha256_update(&sum, line + CHECKSUM_LINE_LEN, left - CHECKSUM_LINE_LEN);
    char hex[65];
    es_sha256_hex(&sum, hex);
    if (memcmp(hex, line + 9, 64) != 0)
        return es_error_set(err, ES_EINVAL, s->path, 0,
                            "slice.essim is damaged: checksum mismatch (truncated or corrupt "
                            "since essim wrote it); run the slice again");
    *pos = magic + 1 + CHECKSUM_LINE_LEN;
    return ES_OK;
}

static int parse_header(slice *s, es_error *err)
{
    size_t pos = 0;
    int rc = verify_checksum(s, &pos, err);
    if (rc)
        return rc;
    int line_no = 2;
    char *line;
    int seen = 0;
    while ((line = next_line(s, &pos)) != NULL) {
        line_no++;
        char hex[65];
        unsigned long long a, b;
        const char *rest;
        int off = 0;
        if (strncmp(line, "scenario\t", 9) == 0) {
            snprintf(s->scenario, sizeof s->scenario, "%s", line + 9);
            seen |= 1;
        } else if (strncmp(line, "seed\t", 5) == 0 &&
                   header_number(line + 5, UINT64_MAX, '\0', &a, NULL)) {
            s->seed = a;
            seen |= 2;
        } else if (strncmp(line, "replications\t", 13) == 0 &&
                   header_number(line + 13, 100000, '\0', &a, NULL) && a > 0) {
            s->total = (int)a;
            seen |= 4;
        } else if (strncmp(line, "range\t", 6) == 0 &&
                   header_number(line + 6, 100000, '\t', &a, &rest) &&
                   header_number(rest + 1, 100000, '\0', &b, NULL) && a >= 1 && a <= b) {
            s->first = (unsigned)a;
            s->last = (unsigned)b;
            seen |= 8;
        } else if (sscanf(line, "input\t%64[0-9a-f]\t%n", hex, &off) == 1 && off > 0) {
            if (s->ninputs == ES_MAX_INPUT_FILES)
                return es_error_set(err, ES_EINVAL, s->path, line_no, "too many input lines");
            snprintf(s->hashes[s->ninputs++], 65, "%s", hex);
        } else if (strcmp(line, "data") == 0) {
            if (seen != 15)
                return es_error_set(err, ES_EINVAL, s->path, line_no,
                                    "the header lacks one of scenario, seed, replications, range");
            if (s->last > (unsigned)s->total)
                return es_error_set(err, ES_EINVAL, s->path, line_no,
                                    "range %u:%u goes beyond the run's %d replications", s->first,
                                    s->last, s->total);
            s->data = pos;
            return ES_OK;
        } else {
            return es_error_set(err, ES_EINVAL, s->path, line_no, "unreadable header line");
        }
    }
    return es_error_set(err, ES_EINVAL, s->path, line_no, "truncated: no 'data' line");
}

static int by_first(const void *a, const void *b)
{
    const slice *x = a, *y = b;
    return (x->first > y->first) - (x->first < y->first);
}

/* The slices must be of one scenario (same files, same seed, same number of replications)
 * and cover its replications once each. */
static int check_slices(slice *sl, int n, es_error *err)
{
    for (int i = 1; i < n; i++) {
        const slice *a = &sl[0], *b = &sl[i];
        const char *what = NULL;
        if (strcmp(a->scenario, b->scenario) != 0)
            what = "scenario file";
        else if (a->seed != b->seed)
            what = "seed";
        else if (a->total != b->total)
            what = "number of replications";
        else if (a->ninputs != b->ninputs)
            what = "input files";
        for (int k = 0; !what && k < a->ninputs; k++)
            if (strcmp(a->hashes[k], b->hashes[k]) != 0)
                what = "input file contents";
        if (what)
            return es_error_set(err, ES_EINVAL, b->path, 0,
                                "is not a slice of the same run as %s: different %s", a->path,
                                what);
    }
    qsort(sl, (size_t)n, sizeof *sl, by_first);
    unsigned next = 1;
    for (int i = 0; i < n; i++) {
        if (sl[i].first > next)
            return es_error_set(err, ES_EINVAL, NULL, 0,
                                "replications %u to %u are in no slice (the next slice, %s, "
                                "starts at %u)",
                                next, sl[i].first - 1, sl[i].path, sl[i].first);
        if (sl[i].first < next)
            return es_error_set(err, ES_EINVAL, sl[i].path, 0,
                                "replications %u to %u overlap another slice", sl[i].first,
                                next - 1 < sl[i].last ? next - 1 : sl[i].last);
        next = sl[i].last + 1;
    }
    if (next != (unsigned)sl[0].total + 1)
        return es_error_set(err, ES_EINVAL, NULL, 0,
                            "replications %u to %d are in no slice (the run has %d)", next,
                            sl[0].total, sl[0].total);
    return ES_OK;
}

static int unpack_slice(es_experiment *x, const slice *s, es_error *err)
{
    size_t pos = s->data;
    for (unsigned k = s->first; k <= s->last; k++) {
        es_replication *rep = &x->reps[k - 1];
        size_t used = 0;
        int rc = es_replication_unpack(rep, s->bytes + pos, s->len - pos, &used, err);
        if (rc) {
            char msg[sizeof err->msg + 32];
            snprintf(msg, sizeof msg, "replication %u: %s", k, err->msg);
            return es_error_set(err, rc, s->path, 0, "%s", msg);
        }
        x->nreps = (int)k; /* slices are unpacked in order: reps[0..k) are live */
        pos += used;
        if (rep->number != k)
            return es_error_set(err, ES_EINVAL, s->path, 0,
                                "holds replication %u where %u was expected", rep->number, k);
        if ((rc = es_experiment_keep(x, (int)k - 1, err)) != ES_OK)
            return rc;
    }
    if (pos != s->len)
        return es_error_set(err, ES_EINVAL, s->path, 0, "has %zu bytes after its last replication",
                            s->len - pos);
    return ES_OK;
}

int es_merge_load(es_experiment *x, const char *const *dirs, int ndirs, const char *command,
                  es_error *err)
{
    memset(x, 0, sizeof *x);
    slice *sl = calloc((size_t)ndirs, sizeof *sl);
    if (!sl)
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory for %d slices", ndirs);
    int rc = ES_OK;
    for (int i = 0; !rc && i < ndirs; i++) {
        snprintf(sl[i].path, sizeof sl[i].path, "%s/%s", dirs[i], SLICE_FILE);
        rc = read_whole(sl[i].path, &sl[i].bytes, &sl[i].len, err);
        if (!rc)
            rc = parse_header(&sl[i], err);
    }
    if (!rc)
        rc = check_slices(sl, ndirs, err);
    /* the scenario as it is now must be the one the slices ran */
    if (!rc && es_scenario_load(&x->scenario, sl[0].scenario, err) != 0)
        rc = err->status;
    if (!rc) {
        const es_scenario *s = &x->scenario;
        int same = s->ninputs == sl[0].ninputs;
        for (int k = 0; same && k < s->ninputs; k++) {
            char hex[65];
            same = es_sha256_file(s->inputs[k], hex) == 0 && strcmp(hex, sl[0].hashes[k]) == 0;
        }
        if (!same)
            rc = es_error_set(err, ES_EINVAL, sl[0].scenario, 0,
                              "this scenario or a file it reads has changed since the slices "
                              "were run: merge needs the same files");
    }
    if (!rc) {
        es_params *p = &x->scenario.params;
        p->seed = sl[0].seed;
        p->replications = sl[0].total;
        x->funding = x->scenario.has_funding ? &x->scenario.funding : NULL;
        x->command = command;
        x->first_number = 1;
        x->reps = calloc((size_t)sl[0].total, sizeof *x->reps);
        if (!x->reps)
            rc = es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory for %d replications",
                              sl[0].total);
        else if (sl[0].total > ES_SPILL_ABOVE)
            rc = es_spill_start(x, sl[0].total, err);
    }
    for (int i = 0; !rc && i < ndirs; i++)
        rc = unpack_slice(x, &sl[i], err);
    for (int i = 0; i < ndirs; i++)
        free(sl[i].bytes);
    free(sl);
    return rc;
}

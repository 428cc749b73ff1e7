/* Replications kept on disk (see internal.h, "Keeping replications"): each finished
 * replication is packed (api/replication_io.c) into one temporary file shared by the worker
 * threads, and its record in memory shrinks to what the aggregation and the stopping rule read:
 * its number, event count and fingerprint, and its whole-run observations.  Readers of the rest
 * unpack it again, bit for bit, so every output is the same bytes as when all stay in memory. */
#include "api/internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "api/aggregate.h"
#include "api/replication_io.h"

struct es_spill {
    FILE *file;
    pthread_mutex_t lock; /* over `end` */
    off_t end;
    off_t *offset; /* per replication; length 0: not spilled, the record is whole in memory */
    size_t *length;
    int cap;
    /* the (measure, group) keys of whole-run observations, "measure\0group", under lock while
     * replications run; every replication usually records the same in the same order */
    char **keys;
    size_t nkeys, keycap;
    /* the first kept replication's sequence of keys, which the others that record the same
     * share: their whole_key is NULL */
    uint32_t *common;
    size_t ncommon;
};

int es_temp_file_error(es_error *err, const char *what)
{
    if (errno == ENOMEM) /* tmpfile() and a FILE's first write allocate */
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory making %s", what);
    return es_error_set(err, ES_EIO, NULL, 0, "cannot write %s: %s", what, strerror(errno));
}

int es_spill_start(es_experiment *x, int cap, es_error *err)
{
    es_spill *sp = calloc(1, sizeof *sp);
    if (sp) {
        sp->offset = calloc((size_t)cap, sizeof *sp->offset);
        sp->length = calloc((size_t)cap, sizeof *sp->length);
    }
    if (!sp || !sp->offset || !sp->length) {
        if (sp) {
            free(sp->offset);
            free(sp->length);
        }
        free(sp);
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory for %d replications", cap);
    }
    sp->cap = cap;
    sp->file = tmpfile();
    if (!sp->file) {
        int rc = es_temp_file_error(err, "a temporary file to keep replications in");
        free(sp->offset);
        free(sp->length);
        free(sp);
        return rc;
    }
    pthread_mutex_init(&sp->lock, NULL);
    x->spill = sp;
    return ES_OK;
}

void es_spill_free(es_experiment *x)
{
    es_spill *sp = x->spill;
    if (!sp)
        return;
    fclose(sp->file);
    pthread_mutex_destroy(&sp->lock);
    for (size_t k = 0; k < sp->nkeys; k++)
        free(sp->keys[k]);
    free(sp->keys);
    free(sp->common);
    free(sp->offset);
    free(sp->length);
    free(sp);
    x->spill = NULL;
}

static bool key_is(const char *key, const char *measure, const char *group)
{
    size_t lm = strlen(measure);
    return strncmp(key, measure, lm) == 0 && key[lm] == '\0' && strcmp(key + lm + 1, group) == 0;
}

/* The key of (measure, group), added when new: the one after `hint` (the previous
 * observation's) is tried first, as replications record the same keys in the same order. */
static int intern(es_spill *sp, const char *measure, const char *group, size_t hint,
                  uint32_t *key)
{
    if (hint < sp->nkeys && key_is(sp->keys[hint], measure, group)) {
        *key = (uint32_t)hint;
        return ES_OK;
    }
    for (size_t k = 0; k < sp->nkeys; k++)
        if (key_is(sp->keys[k], measure, group)) {
            *key = (uint32_t)k;
            return ES_OK;
        }
    if (sp->nkeys == sp->keycap) {
        size_t cap = sp->keycap ? 2 * sp->keycap : 512;
        char **keys = realloc(sp->keys, cap * sizeof *keys);
        if (!keys)
            return ES_ENOMEM;
        sp->keys = keys;
        sp->keycap = cap;
    }
    size_t lm = strlen(measure) + 1, lg = strlen(group) + 1;
    char *k = malloc(lm + lg);
    if (!k)
        return ES_ENOMEM;
    memcpy(k, measure, lm);
    memcpy(k + lm, group, lg);
    sp->keys[sp->nkeys] = k;
    *key = (uint32_t)sp->nkeys++;
    return ES_OK;
}

/* Gives rep the compact keys of the whole-run observations of rep->results and appends their
 * values, in the same order, to t (they follow the packed replication on disk). */
static int keep_whole_run(es_spill *sp, es_replication *rep, es_text *t)
{
    const es_results *res = &rep->results;
    size_t n = 0;
    for (size_t i = 0; i < res->n; i++)
        n += res->obs[i].month == ES_RESULTS_WHOLE_RUN;
    rep->whole_key = malloc((n ? n : 1) * sizeof *rep->whole_key);
    if (!rep->whole_key)
        return ES_ENOMEM;
    int rc = ES_OK;
    size_t hint = 0;
    pthread_mutex_lock(&sp->lock);
    for (size_t i = 0; i < res->n && !rc; i++) {
        const es_obs *o = &res->obs[i];
        if (o->month != ES_RESULTS_WHOLE_RUN)
            continue;
        uint32_t key = 0;
        rc = intern(sp, o->measure, o->group, hint, &key);
        rep->whole_key[rep->nwhole++] = key;
        es_text_append(t, (const char *)&o->value, sizeof o->value);
        hint = (size_t)key + 1;
    }
    if (!rc && t->failed)
        rc = ES_ENOMEM;
    if (!rc && !sp->common) {
        sp->common = rep->whole_key;
        sp->ncommon = rep->nwhole;
        rep->whole_key = NULL;
    } else if (!rc && rep->nwhole == sp->ncommon &&
               memcmp(rep->whole_key, sp->common, sp->ncommon * sizeof *sp->common) == 0) {
        free(rep->whole_key);
        rep->whole_key = NULL;
    }
    pthread_mutex_unlock(&sp->lock);
    return rc;
}

/* The name of a kept replication's i-th whole-run observation: "measure\0group". */
static const char *key_name(const es_spill *sp, const es_replication *rep, size_t i)
{
    return sp->keys[rep->whole_key ? rep->whole_key[i] : sp->common[i]];
}

static int write_at(int fd, const char *p, size_t n, off_t at)
{
    while (n > 0) {
        ssize_t w = pwrite(fd, p, n, at);
        if (w <= 0)
            return ES_EIO;
        p += w;
        n -= (size_t)w;
        at += w;
    }
    return ES_OK;
}

int es_experiment_keep(es_experiment *x, int r, es_error *err)
{
    es_spill *sp = x->spill;
    if (!sp || r >= sp->cap)
        return ES_OK;
    es_replication *rep = &x->reps[r];
    es_text t = {0};
    int rc = es_replication_pack(rep, &t);
    if (rc) {
        es_text_free(&t);
        return es_error_set(err, rc, NULL, 0,
                            rc == ES_ENOMEM ? "out of memory keeping replication %u"
                                            : "cannot read replication %u's ledger rows back",
                            rep->number);
    }
    size_t len = t.n; /* the whole-run values follow */
    if (keep_whole_run(sp, rep, &t)) {
        es_text_free(&t);
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory keeping replication %u",
                            rep->number);
    }
    pthread_mutex_lock(&sp->lock);
    off_t at = sp->end;
    sp->end += (off_t)t.n;
    pthread_mutex_unlock(&sp->lock);
    rc = write_at(fileno(sp->file), t.s, t.n, at);
    es_text_free(&t);
    if (rc)
        return es_error_set(err, rc, NULL, 0, "cannot write replication %u to a temporary file",
                            rep->number);
    sp->offset[r] = at;
    sp->length[r] = len;
    es_replication compact = {.number = rep->number, .events = rep->events,
                              .event_fingerprint = rep->event_fingerprint,
                              .whole_key = rep->whole_key, .nwhole = rep->nwhole};
    rep->whole_key = NULL;
    es_replication_destroy(rep); /* the rest is on disk */
    *rep = compact;
    return ES_OK;
}

static bool spilled(const es_experiment *x, int r)
{
    return x->spill && r < x->spill->cap && x->spill->length[r] > 0;
}

/* Appends replication r's packed bytes, as es_experiment_keep wrote them, to t. */
static int read_spilled(const es_spill *sp, int r, es_text *t)
{
    char chunk[65536];
    off_t at = sp->offset[r];
    size_t left = sp->length[r];
    while (left > 0 && !t->failed) {
        ssize_t got = pread(fileno(sp->file), chunk, left < sizeof chunk ? left : sizeof chunk, at);
        if (got <= 0)
            return ES_EIO;
        es_text_append(t, chunk, (size_t)got);
        at += got;
        left -= (size_t)got;
    }
    return t->failed ? ES_ENOMEM : ES_OK;
}

int es_experiment_pack(const es_experiment *x, int r, es_text *t)
{
    if (!spilled(x, r))
        return es_replication_pack(&x->reps[r], t);
    return read_spilled(x->spill, r, t);
}

void es_rep_cache_init(es_rep_cache *c)
{
    memset(c, 0, sizeof *c);
    c->r = -1;
}

void es_rep_cache_free(es_rep_cache *c)
{
    if (c->r >= 0)
        es_replication_destroy(&c->rep);
    c->r = -1;
}

int es_experiment_load(const es_experiment *x, int r, es_rep_cache *c, const es_replication **out,
                       es_error *err)
{
    if (!spilled(x, r)) {
        *out = &x->reps[r];
        return ES_OK;
    }
    if (c->r == r && c->x == x) {
        *out = &c->rep;
        return ES_OK;
    }
    es_rep_cache_free(c);
    es_text t = {0};
    int rc = read_spilled(x->spill, r, &t);
    size_t used;
    if (rc)
        es_error_set(err, rc, NULL, 0,
                     rc == ES_ENOMEM ? "out of memory reading replication %d back"
                                     : "cannot read replication %d back from a temporary file",
                     r + 1);
    else
        rc = es_replication_unpack(&c->rep, t.s, t.n, &used, err);
    es_text_free(&t);
    if (rc)
        return rc;
    c->r = r;
    c->x = x;
    *out = &c->rep;
    return ES_OK;
}

/* Reads n whole-run values of kept replication r, from its i-th, into v. */
static int read_values(const es_spill *sp, int r, size_t i, size_t n, double *v)
{
    off_t at = sp->offset[r] + (off_t)sp->length[r] + (off_t)(i * sizeof *v);
    size_t left = n * sizeof *v;
    char *p = (char *)v;
    while (left > 0) {
        ssize_t got = pread(fileno(sp->file), p, left, at);
        if (got <= 0)
            return ES_EIO;
        p += got;
        at += got;
        left -= (size_t)got;
    }
    return ES_OK;
}

int es_experiment_value(const es_experiment *x, int r, const char *measure, const char *group,
                        double *value)
{
    const es_replication *rep = &x->reps[r];
    if (!spilled(x, r))
        return es_results_get(&rep->results, measure, group, value);
    for (size_t i = 0; i < rep->nwhole; i++)
        if (key_is(key_name(x->spill, rep, i), measure, group))
            return read_values(x->spill, r, i, 1, value) ? -1 : 0;
    return -1;
}

int es_experiment_whole_run(const es_experiment *x, int r, es_results *out)
{
    const es_replication *rep = &x->reps[r];
    if (!spilled(x, r)) {
        for (size_t i = 0; i < rep->results.n; i++) {
            const es_obs *o = &rep->results.obs[i];
            if (o->month == ES_RESULTS_WHOLE_RUN &&
                es_results_add(out, o->measure, o->group, o->month, o->value))
                return ES_ENOMEM;
        }
        return ES_OK;
    }
    double *v = malloc((rep->nwhole ? rep->nwhole : 1) * sizeof *v);
    if (!v)
        return ES_ENOMEM;
    int rc = read_values(x->spill, r, 0, rep->nwhole, v);
    for (size_t i = 0; !rc && i < rep->nwhole; i++) {
        const char *key = key_name(x->spill, rep, i);
        if (es_results_add(out, key, key + strlen(key) + 1, ES_RESULTS_WHOLE_RUN, v[i]))
            rc = ES_ENOMEM; /* names that fitted once fit again */
    }
    free(v);
    return rc;
}

int es_experiment_aggregate(const es_experiment *x, es_aggregate *a, bool paired, es_error *err)
{
    es_aggregate_begin(a, x->nreps, paired);
    es_results one;
    es_results_init(&one);
    int rc = ES_OK;
    for (int r = 0; r < x->nreps && !rc; r++) {
        const es_results *res = &x->reps[r].results;
        if (spilled(x, r)) {
            one.n = 0;
            rc = es_experiment_whole_run(x, r, &one);
            if (rc)
                es_error_set(err, rc, NULL, 0,
                             rc == ES_ENOMEM ? "out of memory summarising replications"
                                             : "cannot read replication %d back from a temporary file",
                             r + 1);
            res = &one;
        }
        if (!rc)
            rc = es_aggregate_add(a, r, res, err);
    }
    es_results_destroy(&one);
    if (!rc)
        es_aggregate_end(a);
    return rc;
}

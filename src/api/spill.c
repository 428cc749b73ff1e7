/* Replications kept on disk (see internal.h, "Keeping replications"): each finished
 * replication is packed (api/replication_io.c) into one temporary file shared by the worker
 * threads, and its record in memory shrinks to what the aggregation and the stopping rule read:
 * its number, event count and fingerprint, and its whole-run observations.  Readers of the rest
 * unpack it again, bit for bit, so every output is the same bytes as when all stay in memory. */
#include "api/internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "api/replication_io.h"

struct es_spill {
    FILE *file;
    pthread_mutex_t lock; /* over `end` */
    off_t end;
    off_t *offset; /* per replication; length 0: not spilled, the record is whole in memory */
    size_t *length;
    int cap;
};

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
        free(sp->offset);
        free(sp->length);
        free(sp);
        return es_error_set(err, ES_EIO, NULL, 0,
                            "cannot make a temporary file to keep replications in");
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
    free(sp->offset);
    free(sp->length);
    free(sp);
    x->spill = NULL;
}

/* Keeps the whole-run observations only, in their order. */
static void keep_whole_run(es_results *res)
{
    size_t n = 0;
    for (size_t i = 0; i < res->n; i++)
        if (res->obs[i].month == ES_RESULTS_WHOLE_RUN)
            res->obs[n++] = res->obs[i];
    res->n = n;
    if (n == 0) {
        es_results_destroy(res);
        return;
    }
    es_obs *smaller = realloc(res->obs, n * sizeof *res->obs);
    if (smaller) { /* else the larger block stays: only memory is lost */
        res->obs = smaller;
        res->cap = n;
    }
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
    pthread_mutex_lock(&sp->lock);
    off_t at = sp->end;
    sp->end += (off_t)t.n;
    pthread_mutex_unlock(&sp->lock);
    rc = write_at(fileno(sp->file), t.s, t.n, at);
    if (rc) {
        es_text_free(&t);
        return es_error_set(err, rc, NULL, 0, "cannot write replication %u to a temporary file",
                            rep->number);
    }
    sp->offset[r] = at;
    sp->length[r] = t.n;
    es_text_free(&t);
    keep_whole_run(&rep->results);
    es_ledger_destroy(&rep->ledger);
    es_finance_destroy(&rep->finance);
    es_open_tables_destroy(&rep->open);
    if (rep->ledger_rows)
        fclose(rep->ledger_rows);
    rep->ledger_rows = NULL;
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

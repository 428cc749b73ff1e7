/* Aggregation of whole-run measures across replications by key (see aggregate.h). */
#include "api/aggregate.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"

static uint64_t key_hash(const char *measure, const char *group, int occurrence)
{
    uint64_t h = 14695981039346656037ull; /* FNV-1a */
    for (const char *p = measure; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    h = (h ^ 0xffu) * 1099511628211ull; /* a separator no name contains */
    for (const char *p = group; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    return (h ^ (uint64_t)(unsigned)occurrence) * 1099511628211ull;
}

/* The slot holding the key, or the empty slot where it would go. */
static size_t slot_of(const es_aggregate *a, const char *measure, const char *group,
                      int occurrence)
{
    size_t mask = a->nslots - 1;
    for (size_t s = (size_t)key_hash(measure, group, occurrence) & mask;; s = (s + 1) & mask) {
        size_t row = a->slots[s];
        if (row == 0)
            return s;
        const es_aggregate_row *r = &a->rows[row - 1];
        if (r->occurrence == occurrence && strcmp(r->measure, measure) == 0 &&
            strcmp(r->group, group) == 0)
            return s;
    }
}

static int grow_index(es_aggregate *a)
{
    size_t nslots = a->nslots ? 2 * a->nslots : 256;
    size_t *slots = calloc(nslots, sizeof *slots);
    if (!slots)
        return ES_ENOMEM;
    free(a->slots);
    a->slots = slots;
    a->nslots = nslots;
    for (size_t i = 0; i < a->n; i++) {
        const es_aggregate_row *r = &a->rows[i];
        a->slots[slot_of(a, r->measure, r->group, r->occurrence)] = i + 1;
    }
    return ES_OK;
}

static int grow_rows(es_aggregate *a)
{
    size_t cap = a->cap ? 2 * a->cap : 256;
    if (es_resize(&a->rows, cap, sizeof *a->rows) ||
        (a->paired && es_resize(&a->values, cap * (size_t)a->nreps, sizeof *a->values)))
        return ES_ENOMEM;
    a->cap = cap;
    return ES_OK;
}

/* Adds (measure, group, occurrence) as a new row, with every replication empty. */
static int add_row(es_aggregate *a, const es_obs *o, int occurrence, size_t *row)
{
    if (2 * (a->n + 1) > a->nslots && grow_index(a))
        return ES_ENOMEM;
    if (a->n == a->cap && grow_rows(a))
        return ES_ENOMEM;
    size_t lm = strlen(o->measure) + 1, lg = strlen(o->group) + 1;
    char *names = malloc(lm + lg); /* its own copy: the replication's may be read back, then freed */
    if (!names)
        return ES_ENOMEM;
    memcpy(names, o->measure, lm);
    memcpy(names + lm, o->group, lg);
    es_aggregate_row *r = &a->rows[a->n];
    *r = (es_aggregate_row){.measure = names, .group = names + lm, .occurrence = occurrence,
                            .def = es_measure_find(o->measure, ES_MEASURE_RUN), .last_rep = -1};
    es_tally_reset(&r->tally);
    for (int k = 0; a->paired && k < a->nreps; k++)
        a->values[a->n * (size_t)a->nreps + (size_t)k] = NAN;
    a->slots[slot_of(a, o->measure, o->group, occurrence)] = a->n + 1;
    *row = a->n++;
    return ES_OK;
}

/* The replications after the row's last value and before `upto` have none: zero where the
 * measures table says nothing happened, added to the tally in replication order. */
static void fill_missing(es_aggregate *a, es_aggregate_row *r, int upto)
{
    if (!r->def || r->def->missing != ES_MEASURE_MISSING_ZERO)
        return;
    for (int k = r->last_rep + 1; k < upto; k++) {
        es_tally_add(&r->tally, 0.0);
        if (a->paired)
            a->values[(size_t)(r - a->rows) * (size_t)a->nreps + (size_t)k] = 0.0;
    }
}

static int add_replication(es_aggregate *a, const es_results *res, int rep)
{
    for (size_t i = 0; i < res->n; i++) {
        const es_obs *o = &res->obs[i];
        if (o->month != ES_RESULTS_WHOLE_RUN)
            continue;
        int occurrence = 0;
        size_t row;
        for (;;) { /* the first occurrence this replication has not yet recorded */
            size_t s = a->nslots ? slot_of(a, o->measure, o->group, occurrence) : 0;
            if (!a->nslots || a->slots[s] == 0) {
                if (add_row(a, o, occurrence, &row))
                    return ES_ENOMEM;
                break;
            }
            row = a->slots[s] - 1;
            if (a->rows[row].last_rep != rep)
                break;
            occurrence++;
        }
        es_aggregate_row *r = &a->rows[row];
        fill_missing(a, r, rep);
        r->last_rep = rep;
        if (isnan(o->value)) { /* no value after all: the missing rule, as for one not recorded */
            if (r->def && r->def->missing == ES_MEASURE_MISSING_ZERO) {
                es_tally_add(&r->tally, 0.0);
                if (a->paired)
                    a->values[row * (size_t)a->nreps + (size_t)rep] = 0.0;
            }
            continue;
        }
        es_tally_add(&r->tally, o->value);
        if (a->paired)
            a->values[row * (size_t)a->nreps + (size_t)rep] = o->value;
    }
    return ES_OK;
}

void es_aggregate_begin(es_aggregate *a, int nreps, bool paired)
{
    *a = (es_aggregate){.nreps = nreps, .paired = paired};
}

int es_aggregate_add(es_aggregate *a, int r, const es_results *res, es_error *err)
{
    if (add_replication(a, res, r))
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory summarising replications");
    return ES_OK;
}

void es_aggregate_end(es_aggregate *a)
{
    for (size_t i = 0; i < a->n; i++)
        fill_missing(a, &a->rows[i], a->nreps);
}

int es_aggregate_build(es_aggregate *a, const es_results *first, size_t stride, int nreps,
                       es_error *err)
{
    es_aggregate_begin(a, nreps, true);
    for (int r = 0; r < nreps; r++) {
        const es_results *res = (const es_results *)((const char *)first + (size_t)r * stride);
        if (es_aggregate_add(a, r, res, err))
            return err->status;
    }
    es_aggregate_end(a);
    return ES_OK;
}

void es_aggregate_free(es_aggregate *a)
{
    for (size_t i = 0; i < a->n; i++)
        free((char *)a->rows[i].measure); /* the group shares its block */
    free(a->rows);
    free(a->values);
    free(a->slots);
    *a = (es_aggregate){0};
}

long es_aggregate_find(const es_aggregate *a, const char *measure, const char *group)
{
    if (!a->nslots)
        return -1;
    size_t row = a->slots[slot_of(a, measure, group, 0)];
    return row ? (long)row - 1 : -1;
}

void es_aggregate_tally(const es_aggregate *a, size_t row, es_tally *t)
{
    *t = a->rows[row].tally;
}

int es_aggregate_difference(const es_aggregate *a, size_t row, const es_aggregate *base,
                            es_tally *t)
{
    es_tally_reset(t);
    const es_aggregate_row *r = &a->rows[row];
    size_t b = base->nslots ? base->slots[slot_of(base, r->measure, r->group, r->occurrence)] : 0;
    if (b == 0)
        return -1;
    int n = a->nreps < base->nreps ? a->nreps : base->nreps;
    for (int k = 0; k < n; k++) {
        double v = a->values[row * (size_t)a->nreps + (size_t)k];
        double w = base->values[(b - 1) * (size_t)base->nreps + (size_t)k];
        if (!isnan(v) && !isnan(w))
            es_tally_add(t, v - w);
    }
    return 0;
}

void es_aggregate_write_stats(es_csv_writer *w, const es_tally *t, bool with_sd)
{
    double mean = es_tally_mean(t), half = es_tally_ci_halfwidth(t, 0.95);
    es_csv_int(w, (int64_t)t->n);
    es_csv_num(w, mean);
    if (with_sd)
        es_csv_num(w, sqrt(es_tally_var(t)));
    es_csv_num(w, mean - half);
    es_csv_num(w, mean + half);
}

void es_aggregate_write_rows(es_csv_writer *w, const es_aggregate *a, const es_aggregate *base,
                             const char *const *prefix, int nprefix, bool with_sd)
{
    for (size_t i = 0; i < a->n; i++) {
        es_tally t;
        if (!base)
            es_aggregate_tally(a, i, &t);
        else if (es_aggregate_difference(a, i, base, &t) != 0)
            continue;
        for (int k = 0; k < nprefix; k++)
            es_csv_text(w, prefix[k]);
        es_csv_text(w, a->rows[i].measure);
        es_csv_text(w, a->rows[i].group);
        es_aggregate_write_stats(w, &t, with_sd);
        es_csv_end_row(w);
    }
}

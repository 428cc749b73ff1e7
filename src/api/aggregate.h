/* Aggregation of whole-run measures across replications, by key, never by position: every
 * observation is keyed by (measure, group, occurrence) — occurrence counts repeats of the same
 * name within one replication, so even a measure recorded twice keeps its rows apart.  Rows
 * come in the order of first appearance, scanning replications in order, so outputs are
 * deterministic and, when every replication records the same measures in the same order, the
 * order of replication 1.  A replication without a row's key applies the measures table's
 * missing rule (api/measure_table.h): zero, or left out of that row's statistics. */
#ifndef ES_API_AGGREGATE_H
#define ES_API_AGGREGATE_H

#include <stdbool.h>
#include <stddef.h>

#include "api/measure_table.h"
#include "engine/error.h"
#include "engine/results.h"
#include "engine/stats.h"
#include "io/csv.h"

typedef struct es_aggregate_row {
    const char *measure, *group; /* as the first replication that records it names them (a
                                  * copy the aggregate owns) */
    int occurrence;
    const es_measure *def; /* NULL when the measures table does not declare it */
    int last_rep;          /* while building: the last replication that recorded the key */
    es_tally tally;        /* its values over the replications that have one (after the missing
                            * rule), added in replication order as they come */
} es_aggregate_row;

typedef struct es_aggregate {
    es_aggregate_row *rows;
    size_t n, cap;
    int nreps;
    bool paired;
    /* rows x nreps, row-major, NAN where a replication has no value; only when begun `paired`
     * (paired differences read them), else NULL: memory does not grow with replications */
    double *values;
    size_t *slots;  /* open-addressing index of rows by key: row + 1, 0 for empty */
    size_t nslots;
} es_aggregate;

/* Indexes the whole-run observations of nreps replications: the results of replication r are
 * at (const char *)first + r * stride (es_replication.results or an array of es_results).
 * Keeps every value (paired).  ES_ENOMEM when out of memory; es_aggregate_free is safe after
 * any return. */
int es_aggregate_build(es_aggregate *a, const es_results *first, size_t stride, int nreps,
                       es_error *err);
void es_aggregate_free(es_aggregate *a);
/* The same, a replication at a time (when they are read back one by one): begin, then add
 * replications 0 .. nreps - 1 in order, then end.  es_aggregate_add fails with ES_ENOMEM.
 * Unless `paired`, only each row's tally is kept (es_aggregate_difference needs paired). */
void es_aggregate_begin(es_aggregate *a, int nreps, bool paired);
int es_aggregate_add(es_aggregate *a, int r, const es_results *res, es_error *err);
void es_aggregate_end(es_aggregate *a);

/* The row of (measure, group)'s first occurrence, or -1. */
long es_aggregate_find(const es_aggregate *a, const char *measure, const char *group);
/* The row's values over the replications that have one (after the missing rule). */
void es_aggregate_tally(const es_aggregate *a, size_t row, es_tally *t);
/* Paired differences, replication by replication, of row (of a) minus the same key in base;
 * replications where either side has no value are left out.  -1 when base never records the
 * key, else 0.  Both must be paired. */
int es_aggregate_difference(const es_aggregate *a, size_t row, const es_aggregate *base,
                            es_tally *t);

/* The summary columns of a row, from its tally: replications, mean, (sd when with_sd,)
 * ci95_low, ci95_high.  Every summary table (summary, kpis, comparison, differences, sweep)
 * writes its statistics through it. */
void es_aggregate_write_stats(es_csv_writer *w, const es_tally *t, bool with_sd);
/* One CSV row per row of a: the nprefix prefix cells, measure, group, then its statistics
 * (es_aggregate_write_stats).  With base, the statistics are of the paired differences
 * a - base (es_aggregate_difference), and keys base never records are left out. */
void es_aggregate_write_rows(es_csv_writer *w, const es_aggregate *a, const es_aggregate *base,
                             const char *const *prefix, int nprefix, bool with_sd);

#endif

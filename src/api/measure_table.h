/* The measures table: every output measure essim records, declared once — its name, whether
 * it covers the whole run or one month, the groups it is broken down by, its unit, a label for
 * people, a one-line definition, how it aggregates across replications and what a replication
 * that did not record it means.  The summary writers, the report's labels and units, and the
 * data dictionary (docs/data-dictionary.md, kept in step by tests/unit/test_measure_table.c)
 * read it; a measure the model records that is not here fails tests/unit/test_measure_table.c. */
#ifndef ES_API_MEASURE_TABLE_H
#define ES_API_MEASURE_TABLE_H

#include <stddef.h>

typedef enum es_measure_scope {
    ES_MEASURE_RUN,     /* month -1: the whole run (summary.csv, replications.csv) */
    ES_MEASURE_MONTHLY, /* month 0, 1, ...: one month (monthly.csv) */
} es_measure_scope;

/* What a measure's groups are made of (a bit set: a measure may have `all` and streams). */
enum {
    ES_DIM_ALL = 1 << 0,        /* the group `all` */
    ES_DIM_STREAM = 1 << 1,     /* a stream name */
    ES_DIM_SOURCE = 1 << 2,     /* a source of clients: EO, OW, ODSP, none, ... */
    ES_DIM_CATCHMENT = 1 << 3,  /* catchment=NAME */
    ES_DIM_PROVIDER = 1 << 4,   /* provider=NAME */
    ES_DIM_INDUSTRY = 1 << 5,   /* industry=NAME */
    ES_DIM_CHANNEL = 1 << 6,    /* a service channel */
    ES_DIM_REASON = 1 << 7,     /* a closure reason */
    ES_DIM_FUNDING = 1 << 8,    /* a payer, a funding component or its type */
    ES_DIM_ASSESSMENT = 1 << 9, /* "true X, assessed Y" */
    ES_DIM_MONTH = 1 << 10,     /* one row a month (monthly measures) */
    ES_DIM_COHORT = 1 << 11,    /* cohort=YYYY-YY: the fiscal year of the clients' intake */
    ES_DIM_PRIORITY = 1 << 12,  /* a priority group: disability, francophone, Indigenous, ... */
};

/* How the replications' values become one summary row. */
typedef enum es_measure_aggregate {
    ES_MEASURE_MEAN_T_CI, /* mean, sample sd and a t 95 % confidence interval */
} es_measure_aggregate;

/* What it means when a replication did not record a (measure, group). */
typedef enum es_measure_missing {
    ES_MEASURE_MISSING_ZERO,   /* nothing happened: counts and sums are 0 (a payer that did not pay) */
    ES_MEASURE_MISSING_ABSENT, /* not defined there (a rate with no denominator): left out */
} es_measure_missing;

typedef struct es_measure {
    const char *name;
    es_measure_scope scope;
    unsigned dims;      /* ES_DIM_* */
    const char *groups; /* the groups, as the data dictionary lists them */
    const char *unit;   /* clients, days, cents, fraction, ... */
    const char *label;  /* for people (report, charts) */
    const char *definition;
    es_measure_aggregate aggregate;
    es_measure_missing missing;
} es_measure;

/* The table, in the order of the data dictionary. */
const es_measure *es_measure_table(size_t *count);
/* The measure called name in scope, or NULL when the table does not declare it. */
const es_measure *es_measure_find(const char *name, es_measure_scope scope);
/* The label of a whole-run measure; the name itself when the table does not declare it. */
const char *es_measure_label(const char *name);

#endif

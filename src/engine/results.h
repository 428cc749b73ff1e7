/* es_results: named observations of one replication — (measure, group, month, value) —
 * kept in the order they were recorded, so outputs are tidy and deterministic. */
#ifndef ES_RESULTS_H
#define ES_RESULTS_H

#include <stdbool.h>
#include <stddef.h>

#define ES_RESULTS_WHOLE_RUN (-1)

typedef struct es_obs {
    char measure[48];
    char group[128]; /* fits "catchment=" or "provider=" and a 95-byte name, or two stream names */
    int month; /* ES_RESULTS_WHOLE_RUN for a whole-run value */
    double value;
} es_obs;

typedef struct es_results {
    es_obs *obs;
    size_t n, cap;
} es_results;

void es_results_init(es_results *r);
void es_results_destroy(es_results *r);
/* ES_EINVAL when the measure or group does not fit (never cut: two long names that share a
 * beginning would become one row). */
int es_results_add(es_results *r, const char *measure, const char *group, int month, double value);
/* Finds a whole-run value; returns 0 and writes it, or -1 when absent. */
/* A whole-run measure of group `all` held in a field of a struct: a table of them binds
 * measure names to fields, so a run's totals are recorded by one loop. */
typedef struct es_field_measure {
    const char *measure;
    size_t offset;   /* of the field, offsetof(STRUCT, FIELD) */
    bool is_signed;  /* int64_t; else uint64_t */
} es_field_measure;

/* Adds the n fields of `fields`, read from the struct at base, as whole-run measures of group
 * `all`, in table order.  ES_ENOMEM when out of memory. */
int es_results_add_fields(es_results *r, const es_field_measure *fields, size_t n,
                          const void *base);

int es_results_get(const es_results *r, const char *measure, const char *group, double *value);

#endif

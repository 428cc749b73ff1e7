/* es_results: named observations of one replication — (measure, group, month, value) —
 * kept in the order they were recorded, so outputs are tidy and deterministic. */
#ifndef ES_RESULTS_H
#define ES_RESULTS_H

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
int es_results_get(const es_results *r, const char *measure, const char *group, double *value);

#endif

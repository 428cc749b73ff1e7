#include "engine/results.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/error.h"

void es_results_init(es_results *r) { *r = (es_results){0}; }

void es_results_destroy(es_results *r)
{
    free(r->obs);
    *r = (es_results){0};
}

int es_results_add(es_results *r, const char *measure, const char *group, int month, double value)
{
    if (strlen(measure) >= sizeof r->obs[0].measure || strlen(group) >= sizeof r->obs[0].group)
        return ES_EINVAL;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 256;
        es_obs *obs = realloc(r->obs, cap * sizeof *obs);
        if (!obs)
            return ES_ENOMEM;
        r->obs = obs;
        r->cap = cap;
    }
    es_obs *o = &r->obs[r->n++];
    snprintf(o->measure, sizeof o->measure, "%s", measure);
    snprintf(o->group, sizeof o->group, "%s", group);
    o->month = month;
    o->value = value;
    return ES_OK;
}

int es_results_get(const es_results *r, const char *measure, const char *group, double *value)
{
    for (size_t i = 0; i < r->n; i++) {
        const es_obs *o = &r->obs[i];
        if (o->month == ES_RESULTS_WHOLE_RUN && strcmp(o->measure, measure) == 0 &&
            strcmp(o->group, group) == 0) {
            *value = o->value;
            return 0;
        }
    }
    return -1;
}

int es_results_add_fields(es_results *r, const es_field_measure *fields, size_t n,
                          const void *base)
{
    int rc = ES_OK;
    for (size_t i = 0; i < n; i++) {
        const char *at = (const char *)base + fields[i].offset;
        double value;
        if (fields[i].is_signed) {
            int64_t v;
            memcpy(&v, at, sizeof v);
            value = (double)v;
        } else {
            uint64_t v;
            memcpy(&v, at, sizeof v);
            value = (double)v;
        }
        rc |= es_results_add(r, fields[i].measure, "all", ES_RESULTS_WHOLE_RUN, value);
    }
    return rc ? ES_ENOMEM : ES_OK;
}

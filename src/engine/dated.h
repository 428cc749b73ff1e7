/* es_dated: numbers that change on dates -- a price or a rate given as a schedule
 * ( { from = "2024-04-01"; value = ...; }, ... ) in a scenario or funding file.
 *
 * A table of schedules sits beside the struct whose fields they date (es_params,
 * es_funding_model): each schedule names its field by byte offset from that struct's start and
 * holds the values in force from each date, as days from the scenario start.  The field itself
 * holds the value in force at the start (day 0), so code that reads it at set-up, and every
 * scenario without schedules, sees plain numbers.  Code that uses a value at an event's time
 * fetches it with es_dated_double / es_dated_cents, whose fast path (no schedule in the table)
 * is a load of the field.  Nothing here knows what the fields mean. */
#ifndef ES_ENGINE_DATED_H
#define ES_ENGINE_DATED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ES_DATED_MAX_SCHEDULES 64 /* dated keys in one scenario or funding model */
#define ES_DATED_MAX_POINTS 32    /* dates in one schedule */

typedef struct es_dated_point {
    double day; /* from this many days after the scenario start (<= 0 for the first) */
    int32_t date; /* as written: YYYYMMDD */
    union {
        double value;  /* a number */
        int64_t cents; /* money */
    } v;
} es_dated_point;

typedef struct es_dated_schedule {
    size_t offset; /* of the dated field from the start of the table's owner struct */
    bool money;    /* the field is int64_t cents, else double */
    int npoints;   /* dates strictly increasing */
    es_dated_point points[ES_DATED_MAX_POINTS];
} es_dated_schedule;

typedef struct es_dated_table {
    int n;
    es_dated_schedule schedules[ES_DATED_MAX_SCHEDULES];
} es_dated_table;

/* The schedule of the field at `offset`, or NULL. */
const es_dated_schedule *es_dated_find(const es_dated_table *t, size_t offset);

/* The point in force on `day`: the last whose day is at or before it (the first before it). */
const es_dated_point *es_dated_point_at(const es_dated_schedule *s, double day);

/* Writes a point's value into the field its schedule dates, in the struct at `root`. */
void es_dated_store(const es_dated_schedule *s, const es_dated_point *pt, void *root);

double es_dated_double_at(const es_dated_table *t, const void *root, const double *field,
                          double day);
int64_t es_dated_cents_at(const es_dated_table *t, const void *root, const int64_t *field,
                          double day);

/* The value of `field` (a member of the struct at `root`, which owns table `t`) in force on
 * `day`. */
static inline double es_dated_double(const es_dated_table *t, const void *root,
                                     const double *field, double day)
{
    return t->n == 0 ? *field : es_dated_double_at(t, root, field, day);
}

static inline int64_t es_dated_cents(const es_dated_table *t, const void *root,
                                     const int64_t *field, double day)
{
    return t->n == 0 ? *field : es_dated_cents_at(t, root, field, day);
}

#endif

/* Statistics: tallies (Welford), time-weighted averages, and confidence intervals over
 * replications.  Warm-up deletion is a reset at the warm-up time. */
#ifndef ES_STATS_H
#define ES_STATS_H

#include <stdint.h>

typedef struct es_tally {
    uint64_t n;
    double mean, m2, min, max;
} es_tally;

void es_tally_reset(es_tally *t);
static inline void es_tally_add(es_tally *t, double x)
{
    t->n++;
    double d = x - t->mean;
    t->mean += d / (double)t->n;
    t->m2 += d * (x - t->mean);
    if (x < t->min)
        t->min = x;
    if (x > t->max)
        t->max = x;
}
double es_tally_mean(const es_tally *t);
double es_tally_var(const es_tally *t);    /* sample variance (n - 1); 0 when n < 2 */
double es_tally_stderr(const es_tally *t); /* sd / sqrt(n) */
/* Half-width of the Student-t confidence interval at `level` (e.g. 0.95); 0 when n < 2. */
double es_tally_ci_halfwidth(const es_tally *t, double level);

typedef struct es_timeavg {
    double start, last_t, value, area;
} es_timeavg;

void es_timeavg_reset(es_timeavg *a, double now);
static inline void es_timeavg_set(es_timeavg *a, double now, double value)
{
    a->area += a->value * (now - a->last_t);
    a->last_t = now;
    a->value = value;
}
/* Time-weighted mean from the last reset up to `now`. */
double es_timeavg_mean(const es_timeavg *a, double now);

#endif

#include "engine/stats.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

void es_tally_reset(es_tally *t)
{
    *t = (es_tally){.n = 0, .mean = 0.0, .m2 = 0.0, .min = INFINITY, .max = -INFINITY};
}

double es_tally_mean(const es_tally *t) { return t->n ? t->mean : 0.0; }

double es_tally_var(const es_tally *t) { return t->n > 1 ? t->m2 / (double)(t->n - 1) : 0.0; }

double es_tally_stderr(const es_tally *t)
{
    return t->n > 1 ? sqrt(es_tally_var(t) / (double)t->n) : 0.0;
}

double es_tally_ci_halfwidth(const es_tally *t, double level)
{
    if (t->n < 2)
        return 0.0;
    double q = gsl_cdf_tdist_Pinv(0.5 + level / 2.0, (double)(t->n - 1));
    return q * es_tally_stderr(t);
}

void es_timeavg_reset(es_timeavg *a, double now)
{
    double v = a->value;
    *a = (es_timeavg){.start = now, .last_t = now, .value = v, .area = 0.0};
}

double es_timeavg_mean(const es_timeavg *a, double now)
{
    double span = now - a->start;
    if (span <= 0.0)
        return a->value;
    return (a->area + a->value * (now - a->last_t)) / span;
}

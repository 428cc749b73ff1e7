/* --warmup auto: the warm-up chosen from the run itself.  A pilot runs the scenario's
 * replications (the same seeds: the warm-up never changes a client's path, only what is
 * counted) recording two daily series, the mean wait of the day's service starts and the
 * clients in the system; MSER-5 (engine/mser.h) finds each series' truncation in each
 * replication, and the warm-up is the largest of them, so that no replication keeps its
 * transient.  MSER assumes the output settles to a steady state: a scenario whose inputs change
 * with the date has none, and is refused (docs/experiments.md, "Warm-up"). */
#include "api/internal.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "engine/mser.h"
#include "model/system.h"

/* What makes the scenario's inputs change with the date, written into why; false if nothing. */
static bool dated_input(const es_params *p, const es_funding_model *f, char *why, size_t len)
{
    for (int k = 1; k < 12; k++)
        if (p->seasonality[k] != p->seasonality[0])
            return snprintf(why, len, "arrivals that follow the calendar month (seasonality)"), true;
    for (int c = 0; c < p->ncatchments; c++)
        if (p->catchments[c].start_days > 0.0)
            return snprintf(why, len, "catchment '%s' opening after the start",
                            p->catchments[c].name), true;
    for (int i = 1; i < p->nwage_steps; i++)
        if (p->minimum_wage[i].from_days > 0.0 && p->minimum_wage[i].from_days < p->horizon_days &&
            p->minimum_wage[i].dollars != p->minimum_wage[i - 1].dollars)
            return snprintf(why, len, "a minimum wage that changes during the run "
                            "(outcomes.minimum_wage)"), true;
    const es_labour_params *l = &p->labour;
    if (l->enabled) {
        for (int i = 0; i < l->nsteps; i++)
            if (l->steps[i].from_days > 0.0 && l->steps[i].from_days < p->horizon_days)
                return snprintf(why, len, "labour-market conditions from a date "
                                "(labour_market.conditions)"), true;
        if (l->nshocks > 0)
            return snprintf(why, len, "labour-market shocks"), true;
        for (int i = 0; i < l->nindustries; i++)
            for (int k = 1; k < 12; k++)
                if (l->industries[i].seasonality[k] != l->industries[i].seasonality[0])
                    return snprintf(why, len, "vacancies that follow the calendar month "
                                    "(industry '%s')", l->industries[i].name), true;
    }
    if (p->dated.n > 0) /* a rate given as a schedule (docs/scenario-reference.md) */
        return snprintf(why, len, "%d scenario key%s given as dated values", p->dated.n,
                        p->dated.n == 1 ? "" : "s"), true;
    if (f && f->dated.n > 0)
        return snprintf(why, len, "funding prices given as dated values"), true;
    for (int i = 0; f && i < f->ncomponents; i++)
        for (int y = 1; y < f->components[i].nyears; y++)
            if (f->components[i].year_multiplier[y] != f->components[i].year_multiplier[0])
                return snprintf(why, len, "a contract-year schedule (funding component '%s')",
                                f->components[i].name), true;
    return false;
}

int es_warmup_check_stationary(const es_scenario *s, const es_funding_model *f, es_error *err)
{
    char why[ES_NAME_MAX * 2 + 96];
    if (!dated_input(&s->params, f, why, sizeof why))
        return ES_OK;
    return es_error_set(err, ES_EINVAL, s->ninputs > 0 ? s->inputs[0] : NULL, 0,
                        "--warmup auto needs inputs that do not change with the date (MSER-5 "
                        "looks for a steady state, and this scenario has none): it has %s; set "
                        "scenario.warmup_days instead (docs/experiments.md, \"Warm-up\")",
                        why);
}

/* A day without a value (no service start, no event) takes the day before's. */
static void fill_forward(double *x, int n)
{
    double last = 0.0;
    for (int i = 0; i < n; i++) {
        if (isnan(x[i]))
            x[i] = last;
        last = x[i];
    }
}

/* One pilot replication: its MSER-5 truncation in days, the larger of the two series'. */
static int pilot_replication(const es_params *p, unsigned number, double *days, int *at_limit,
                             es_error *err)
{
    int n = (int)p->horizon_days;
    es_daily_series d = {.ndays = n, .wait_sum = calloc((size_t)n, sizeof *d.wait_sum),
                         .starts = calloc((size_t)n, sizeof *d.starts),
                         .in_system = malloc((size_t)n * sizeof *d.in_system)};
    int rc = d.wait_sum && d.starts && d.in_system ? ES_OK : ES_ENOMEM;
    es_model m;
    if (!rc)
        rc = es_model_init(&m, p, number, err);
    if (!rc) {
        for (int i = 0; i < n; i++)
            d.in_system[i] = NAN;
        m.daily = &d;
        rc = es_model_run(&m, err);
        es_model_destroy(&m);
    }
    if (!rc) {
        for (int i = 0; i < n; i++) /* the day's mean wait, in the sums' place */
            d.wait_sum[i] = d.starts[i] ? d.wait_sum[i] / (double)d.starts[i] : NAN;
        fill_forward(d.wait_sum, n);
        fill_forward(d.in_system, n);
        int limit_wait, limit_load;
        size_t wait = es_mser_truncation(d.wait_sum, (size_t)n, ES_MSER_BATCH, &limit_wait);
        size_t load = es_mser_truncation(d.in_system, (size_t)n, ES_MSER_BATCH, &limit_load);
        *days = (double)(wait > load ? wait : load);
        *at_limit = limit_wait || limit_load;
    } else if (rc == ES_ENOMEM && !err->status) {
        es_error_set(err, rc, NULL, 0, "out of memory for the --warmup auto pilot");
    }
    free(d.wait_sum);
    free(d.starts);
    free(d.in_system);
    return rc;
}

typedef struct pilot {
    const es_params *p;
    unsigned first_number;
    int nreps;
    double *days;
    int *at_limit;
    atomic_int next, failed;
    es_error err;
    pthread_mutex_t lock;
} pilot;

static void *pilot_worker(void *arg)
{
    pilot *w = arg;
    for (int i; (i = atomic_fetch_add(&w->next, 1)) < w->nreps && !atomic_load(&w->failed);) {
        es_error err;
        es_error_clear(&err);
        if (pilot_replication(w->p, w->first_number + (unsigned)i, &w->days[i], &w->at_limit[i],
                              &err)) {
            pthread_mutex_lock(&w->lock);
            if (!atomic_exchange(&w->failed, 1))
                w->err = err;
            pthread_mutex_unlock(&w->lock);
        }
    }
    return NULL;
}

int es_warmup_choose(const es_params *p, unsigned first_number, int jobs, double *days,
                     es_error *err)
{
    pilot w = {.p = p, .first_number = first_number, .nreps = p->replications,
               .days = calloc((size_t)p->replications, sizeof *w.days),
               .at_limit = calloc((size_t)p->replications, sizeof *w.at_limit)};
    if (!w.days || !w.at_limit) {
        free(w.days);
        free(w.at_limit);
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory for the --warmup auto pilot");
    }
    atomic_init(&w.next, 0);
    atomic_init(&w.failed, 0);
    pthread_mutex_init(&w.lock, NULL);
    pthread_t threads[64];
    int started = 0;
    for (int t = 1; t < jobs && t < 64 && t < w.nreps; t++)
        if (pthread_create(&threads[started], NULL, pilot_worker, &w) == 0)
            started++;
    pilot_worker(&w);
    for (int t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    pthread_mutex_destroy(&w.lock);
    int rc = ES_OK;
    *days = 0.0;
    if (atomic_load(&w.failed)) {
        *err = w.err;
        rc = err->status ? err->status : ES_ENOMEM;
    }
    for (int i = 0; i < w.nreps && !rc; i++) {
        if (w.at_limit[i])
            rc = es_error_set(err, ES_EINVAL, NULL, 0,
                              "--warmup auto: in replication %u the waits and the caseload do "
                              "not settle within the first half of the run (MSER-5 needs a "
                              "steady second half): lengthen scenario.horizon_days, or set "
                              "scenario.warmup_days",
                              first_number + (unsigned)i);
        *days = fmax(*days, w.days[i]);
    }
    free(w.days);
    free(w.at_limit);
    return rc;
}

#include "api/essim.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model/system.h"

typedef struct ledger_sink {
    FILE *out;
    unsigned replication;
} ledger_sink;

static void write_ledger_row(const es_payment *p, void *ctx)
{
    ledger_sink *sink = ctx;
    fprintf(sink->out, "%u,%.6f,%.6f,%llu,%d,%d,%d,%d,%d,%lld\n", sink->replication, p->date_days,
            p->event_days, (unsigned long long)p->client_id, p->component, (int)p->event,
            p->stream, p->catchment, p->provider, (long long)p->amount_cents);
}

static int add_funding_measures(es_results *r, const es_ledger *l, const es_funding_model *f)
{
    int rc = 0;
    double total = (double)l->total_cents;
    rc |= es_results_add(r, "total_spend_cents", "all", ES_RESULTS_WHOLE_RUN, total);
    rc |= es_results_add(r, "payments", "all", ES_RESULTS_WHOLE_RUN, (double)l->npayments);
    for (int c = 0; c < l->ncomponents; c++)
        rc |= es_results_add(r, "spend_cents", f->components[c].name, ES_RESULTS_WHOLE_RUN,
                             (double)es_ledger_component_total(l, c));
    double starts = 0, employed = 0;
    es_results_get(r, "job_starts", "all", &starts);
    es_results_get(r, "employed_3m", "all", &employed);
    rc |= es_results_add(r, "cost_per_job_start_cents", "all", ES_RESULTS_WHOLE_RUN,
                         starts > 0 ? total / starts : 0.0);
    rc |= es_results_add(r, "cost_per_employed_3m_cents", "all", ES_RESULTS_WHOLE_RUN,
                         employed > 0 ? total / employed : 0.0);
    for (int m = 0; m < l->nmonths; m++)
        for (int c = 0; c < l->ncomponents; c++) {
            int64_t sum = 0;
            for (int s = 0; s < l->nstreams; s++)
                for (int k = 0; k < l->ncatchments; k++)
                    sum += l->cents[es_ledger_cell(l, m, c, s, k)];
            rc |= es_results_add(r, "spend_cents", f->components[c].name, m, (double)sum);
        }
    return rc ? ES_ENOMEM : ES_OK;
}

int es_replication_run(es_replication *rep, const es_params *p, const es_funding_model *f,
                       unsigned number, bool full_ledger, es_error *err)
{
    memset(rep, 0, sizeof *rep);
    rep->number = number;
    es_results_init(&rep->results);
    es_model m;
    int rc = es_model_init(&m, p, number, err);
    if (rc)
        return rc;
    int ncomp = f ? f->ncomponents : 0;
    rc = es_ledger_init(&rep->ledger, es_params_months(p), ncomp, p->nstreams, p->ncatchments);
    es_funder funder = {.model = f, .ledger = &rep->ledger};
    ledger_sink sink = {.replication = number};
    if (!rc && f && full_ledger) {
        rep->ledger_rows = tmpfile();
        if (!rep->ledger_rows)
            rc = es_error_set(err, ES_EIO, NULL, 0, "cannot create a temporary ledger file");
        sink.out = rep->ledger_rows;
        rep->ledger.sink = write_ledger_row;
        rep->ledger.sink_ctx = &sink;
    }
    if (!rc && f)
        rc = es_model_add_observer(&m, es_funder_observe, &funder);
    if (!rc)
        rc = es_model_run(&m, err);
    if (!rc)
        rc = es_model_collect(&m, &rep->results);
    if (!rc && f)
        rc = add_funding_measures(&rep->results, &rep->ledger, f);
    rep->events = m.sim.events_done;
    if (!rc)
        es_model_take_open_tables(&m, &rep->open);
    rep->ledger.sink = NULL;
    es_model_destroy(&m);
    if (rc && !err->status)
        es_error_set(err, rc, NULL, 0, "out of memory collecting replication %u", number);
    return rc;
}

void es_replication_destroy(es_replication *rep)
{
    es_results_destroy(&rep->results);
    es_ledger_destroy(&rep->ledger);
    es_open_tables_destroy(&rep->open);
    if (rep->ledger_rows)
        fclose(rep->ledger_rows);
    rep->ledger_rows = NULL;
}

typedef struct worker_shared {
    es_experiment *x;
    bool full_ledger;
    atomic_int next;
    atomic_int failed;
    es_error first_error;
    int first_error_rep;
    pthread_mutex_t lock;
} worker_shared;

static void *worker(void *arg)
{
    worker_shared *w = arg;
    for (;;) {
        int i = atomic_fetch_add(&w->next, 1);
        if (i >= w->x->nreps || atomic_load(&w->failed))
            return NULL;
        es_error err;
        es_error_clear(&err);
        int rc = es_replication_run(&w->x->reps[i], &w->x->scenario.params, w->x->funding,
                                    (unsigned)i + 1, w->full_ledger, &err);
        if (rc) {
            pthread_mutex_lock(&w->lock);
            if (!atomic_load(&w->failed) || i < w->first_error_rep) {
                w->first_error = err;
                w->first_error_rep = i;
            }
            atomic_store(&w->failed, 1);
            pthread_mutex_unlock(&w->lock);
        }
    }
}

int es_experiment_run(es_experiment *x, const es_scenario *s, const es_run_options *opt,
                      es_error *err)
{
    memset(x, 0, sizeof *x);
    x->scenario = *s;
    es_params *p = &x->scenario.params;
    if (opt->replications > 0)
        p->replications = opt->replications;
    if (opt->seed >= 0)
        p->seed = (uint64_t)opt->seed;
    x->funding = x->scenario.has_funding ? &x->scenario.funding : NULL;
    x->nreps = p->replications;
    x->reps = calloc((size_t)x->nreps, sizeof *x->reps);
    if (!x->reps)
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory for %d replications", x->nreps);

    int jobs = opt->jobs > 0 ? opt->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (jobs < 1)
        jobs = 1;
    if (jobs > x->nreps)
        jobs = x->nreps;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    worker_shared w = {.x = x, .full_ledger = opt->full_ledger};
    atomic_init(&w.next, 0);
    atomic_init(&w.failed, 0);
    pthread_mutex_init(&w.lock, NULL);
    pthread_t threads[256];
    int started = 0;
    if (jobs > 256)
        jobs = 256;
    for (int t = 1; t < jobs; t++)
        if (pthread_create(&threads[started], NULL, worker, &w) == 0)
            started++;
    worker(&w);
    for (int t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    pthread_mutex_destroy(&w.lock);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    x->wall_seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    if (atomic_load(&w.failed)) {
        *err = w.first_error;
        return err->status ? err->status : ES_ENOMEM;
    }
    return ES_OK;
}

void es_experiment_destroy(es_experiment *x)
{
    if (x->reps)
        for (int i = 0; i < x->nreps; i++)
            es_replication_destroy(&x->reps[i]);
    free(x->reps);
    x->reps = NULL;
}

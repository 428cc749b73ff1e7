#include "api/internal.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/parallel.h"
#include "engine/stats.h"
#include "funding/spend.h"
#include "model/system.h"

typedef struct ledger_sink {
    FILE *out;
    unsigned replication;
} ledger_sink;

static void write_ledger_row(const es_payment *p, void *ctx)
{
    ledger_sink *sink = ctx;
    fprintf(sink->out, "%u,%.6f,%.6f,%llu,%d,%d,%d,%d,%d,%d,%d,%d,%lld\n", sink->replication,
            p->date_days, p->event_days, (unsigned long long)p->client_id, p->component,
            (int)p->event, p->stream, p->source, p->catchment, p->provider, (int)p->payer,
            (int)p->payee, (long long)p->amount_cents);
}

/* A 64-bit hash of every model event (time, client, kind, stream, site, hours), in order: two
 * runs with the same fingerprint saw the same client flows, event for event (the test of
 * common random numbers across funding models). */
static void fingerprint_event(const es_model_event *ev, void *ctx)
{
    uint64_t *h = ctx;
    uint64_t words[4];
    memcpy(&words[0], &ev->time, sizeof words[0]);
    words[1] = ev->client_id;
    words[2] = ((uint64_t)ev->kind << 48) ^ ((uint64_t)(uint16_t)ev->stream << 32) ^
               (uint64_t)(uint32_t)ev->site;
    memcpy(&words[3], &ev->hours, sizeof words[3]);
    for (size_t i = 0; i < 4; i++) { /* FNV-1a's multiply, a word at a time, with a shift mix */
        *h ^= words[i];
        *h *= 0x100000001b3ULL;
        *h ^= *h >> 29;
    }
}

static int nproviders_of(const es_params *p)
{
    int n = 0;
    for (int c = 0; c < p->ncatchments; c++)
        n += p->catchments[c].nproviders;
    return n;
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
    int ncomp = f ? f->ncomponents + 1 : 1; /* + holdback release */
    es_funder funder = {0};
    rc = es_ledger_init(&rep->ledger, es_params_months(p), ncomp, p->nstreams, p->ncatchments);
    if (!rc)
        rc = es_finance_init(&rep->finance, nproviders_of(p), es_params_months(p));
    if (!rc && f)
        rc = es_funder_init(&funder, f, p, &rep->ledger, &rep->finance);
    ledger_sink sink = {.replication = number};
    if (!rc && f && full_ledger) {
        rep->ledger_rows = tmpfile();
        if (!rep->ledger_rows)
            rc = es_error_set(err, ES_EIO, NULL, 0, "cannot create a temporary ledger file");
        sink.out = rep->ledger_rows;
        rep->ledger.sink = write_ledger_row;
        rep->ledger.sink_ctx = &sink;
    }
    rep->event_fingerprint = 0xcbf29ce484222325ULL;
    if (!rc)
        rc = es_model_add_observer(&m, fingerprint_event, &rep->event_fingerprint);
    if (!rc && f)
        rc = es_model_add_observer(&m, es_funder_observe, &funder);
    if (!rc)
        rc = es_model_run(&m, err);
    if (!rc && funder.failed)
        rc = es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory in the funding layer");
    if (!rc && es_funder_overflow(&funder))
        rc = es_error_set(err, ES_ERANGE, f->file, 0,
                          "replication %u: the payments of component '%s' go beyond $%lld "
                          "(amount x multipliers x payments): essim stops rather than let its "
                          "totals overflow; lower the amount or the multipliers",
                          number, es_funder_overflow(&funder)->name,
                          (long long)(ES_MONEY_MAX_CENTS / 100));
    if (!rc)
        rc = es_model_collect(&m, &rep->results);
    if (!rc && f) {
        es_funder_finish(&funder);
        rc = es_spend_measures(&rep->results, &rep->ledger, f, &funder, p);
        if (!rc)
            rc = es_spend_provider_cash_measures(&rep->results, &rep->finance, p);
    }
    rep->events = m.sim.events_done;
    if (!rc)
        es_model_take_open_tables(&m, &rep->open);
    rep->ledger.sink = NULL;
    es_funder_destroy(&funder);
    es_model_destroy(&m);
    if (rc && !err->status)
        es_error_set(err, rc, NULL, 0, rc == ES_EINVAL ? "a measure or group name too long to record "
                                                       "in replication %u"
                                                     : "out of memory collecting replication %u",
                     number);
    return rc;
}

void es_replication_destroy(es_replication *rep)
{
    es_results_destroy(&rep->results);
    es_ledger_destroy(&rep->ledger);
    es_finance_destroy(&rep->finance);
    es_open_tables_destroy(&rep->open);
    if (rep->ledger_rows)
        fclose(rep->ledger_rows);
    rep->ledger_rows = NULL;
}

typedef struct worker_shared {
    es_experiment *x;
    bool full_ledger;
    const es_run_options *opt; /* its progress callback, told on rank 0 */
    int first, last; /* replications [first, last) of this batch, 0-based */
    int rank, ranks; /* this rank runs first + rank, first + rank + ranks, ... */
    int mine;        /* how many that is */
    atomic_int next; /* of mine */
    atomic_int done;
    atomic_int failed;
    es_error first_error;
    int first_error_rep;
    pthread_mutex_t lock;
} worker_shared;

/* Tells the caller's progress callback, one call at a time. */
static void tell_progress(worker_shared *w)
{
    pthread_mutex_lock(&w->lock);
    w->opt->progress(w->opt->progress_user, atomic_load(&w->done), w->mine);
    pthread_mutex_unlock(&w->lock);
}

static void *worker(void *arg)
{
    worker_shared *w = arg;
    for (;;) {
        int k = atomic_fetch_add(&w->next, 1);
        if (k >= w->mine || atomic_load(&w->failed))
            return NULL;
        int i = w->first + w->rank + k * w->ranks;
        es_error err;
        es_error_clear(&err);
        int rc = es_replication_run(&w->x->reps[i], &w->x->scenario.params, w->x->funding,
                                    w->x->first_number + (unsigned)i, w->full_ledger, &err);
        if (rc) {
            pthread_mutex_lock(&w->lock);
            if (!atomic_load(&w->failed) || i < w->first_error_rep) {
                w->first_error = err;
                w->first_error_rep = i;
            }
            atomic_store(&w->failed, 1);
            pthread_mutex_unlock(&w->lock);
        }
        atomic_fetch_add(&w->done, 1);
        if (w->opt->progress && w->rank == 0)
            tell_progress(w);
    }
}

/* Runs replications [first, last) on `jobs` threads of each MPI rank (the ranks share them
 * out, then exchange them); results depend on neither. */
static int run_batch(es_experiment *x, int first, int last, int jobs, const es_run_options *opt,
                     es_error *err)
{
    int rank = es_parallel_rank(), ranks = es_parallel_size();
    int mine = last - first > rank ? (last - first - rank + ranks - 1) / ranks : 0;
    if (jobs > mine)
        jobs = mine;
    if (jobs > 256)
        jobs = 256;
    worker_shared w = {.x = x, .full_ledger = opt->full_ledger, .opt = opt, .first = first,
                       .last = last, .rank = rank, .ranks = ranks, .mine = mine};
    atomic_init(&w.next, 0);
    atomic_init(&w.done, 0);
    atomic_init(&w.failed, 0);
    pthread_mutex_init(&w.lock, NULL);
    pthread_t threads[256];
    int started = 0;
    for (int t = 1; t < jobs; t++)
        if (pthread_create(&threads[started], NULL, worker, &w) == 0)
            started++;
    if (mine > 0)
        worker(&w);
    for (int t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    pthread_mutex_destroy(&w.lock);
    int failed_index = -1;
    if (atomic_load(&w.failed)) {
        *err = w.first_error;
        if (!err->status)
            err->status = ES_ENOMEM;
        failed_index = w.first_error_rep;
    }
    return es_parallel_exchange(x, first, last, failed_index, err);
}

/* The headline measures --precision watches, each with the scale below which its mean counts
 * as near zero: the half-width must be within `precision` of the mean or of that scale,
 * whichever is larger, so a measure that is nearly zero (no one waits in Peel) is precise
 * once it is known to within precision x scale, not never.  The scales are judgements, in
 * each measure's unit: docs/experiments.md. */
static const struct {
    const char *measure;
    double scale;
} headline[] = {
    {"clients_served", 100.0},               /* clients */
    {"employment_rate_at_exit", 0.1},        /* share: at 0.05, half a percentage point */
    {"employed_12m_rate", 0.1},
    {"mean_wait_days", 0.1},                 /* days: at 0.05, about 7 minutes */
    {"total_spend_cents", 1e6},              /* $10,000 */
    {"cost_per_employed_12m_cents", 1e4},    /* $100 */
};

/* Stein's two-stage rule: from the spread of the first n replications, the count at which
 * every headline measure's 95 % half-width would be within `precision` of its mean (or of its
 * near-zero scale), n (hw / allowed)^2, the largest over the measures.  The count comes from
 * the spread, not from waiting until a running interval happens to be narrow, so the interval
 * at the end keeps its coverage (docs/experiments.md, "Output analysis"). */
static long long replications_needed(const es_experiment *x, int n0, double precision)
{
    long long need = n0;
    for (size_t h = 0; h < sizeof headline / sizeof headline[0]; h++) {
        es_tally t;
        es_tally_reset(&t);
        for (int r = 0; r < n0; r++) {
            double v;
            if (es_results_get(&x->reps[r].results, headline[h].measure, "all", &v) == 0)
                es_tally_add(&t, v);
        }
        if (t.n < 2)
            continue; /* not measured in this scenario (no funding model) */
        double allowed = precision * fmax(fabs(es_tally_mean(&t)), headline[h].scale);
        double ratio = es_tally_ci_halfwidth(&t, 0.95) / allowed;
        double n = ceil((double)t.n * ratio * ratio);
        if (n > 1e9)
            n = 1e9;
        if ((long long)n > need)
            need = (long long)n;
    }
    return need;
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
    x->command = opt->command;
    x->first_number = 1;
    if (opt->range_first > 0) {
        if (opt->precision > 0.0)
            return es_error_set(err, ES_EINVAL, NULL, 0,
                                "--replication-range and --precision do not go together: a "
                                "slice cannot know when the whole run is precise enough");
        if (opt->range_last < opt->range_first || opt->range_last > p->replications)
            return es_error_set(err, ES_EINVAL, NULL, 0,
                                "--replication-range %d:%d is not within the run's %d replications",
                                opt->range_first, opt->range_last, p->replications);
        x->slice = true;
        x->total_replications = p->replications;
        x->first_number = (unsigned)opt->range_first;
        p->replications = opt->range_last - opt->range_first + 1;
    }
    int cap = p->replications;
    if (opt->precision > 0.0) {
        /* a first stage of at least 10: a variance from 2 or 3 replications is too often
         * small by chance, and stopping on it under-covers (docs/experiments.md) */
        if (p->replications < ES_PRECISION_FIRST_STAGE)
            p->replications = ES_PRECISION_FIRST_STAGE;
        cap = opt->max_replications > 0 ? opt->max_replications : ES_PRECISION_DEFAULT_CAP;
        if (cap < p->replications)
            return es_error_set(err, ES_EINVAL, NULL, 0,
                                "--max-replications %d is below the %d replications --precision "
                                "runs first (the scenario's count, and at least %d)",
                                cap, p->replications, ES_PRECISION_FIRST_STAGE);
        x->precision = opt->precision;
        x->precision_cap = cap;
    } else if (opt->max_replications > 0) {
        return es_error_set(err, ES_EINVAL, NULL, 0,
                            "--max-replications goes with --precision");
    }
    x->reps = calloc((size_t)cap, sizeof *x->reps);
    if (!x->reps)
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory for %d replications", cap);
    int jobs = opt->jobs > 0 ? opt->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (jobs < 1)
        jobs = 1;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = run_batch(x, 0, p->replications, jobs, opt, err);
    x->nreps = p->replications;
    /* The second stage: as many more as the first stage's spread says are needed; then, while
     * the intervals over all of them are still wider than asked (the first stage's variance was
     * small by chance), as many as the spread of all so far says.  The counts depend only on
     * the replications, so where the run stops does not depend on --jobs or ranks. */
    while (!rc && opt->precision > 0.0) {
        long long need = replications_needed(x, x->nreps, opt->precision);
        if (need <= x->nreps) {
            x->precision_reached = true;
            break;
        }
        if (x->nreps >= cap)
            break;
        int target = need < cap ? (int)need : cap;
        rc = run_batch(x, x->nreps, target, jobs, opt, err);
        x->nreps = target;
    }
    p->replications = x->nreps;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    x->wall_seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    return rc;
}

int es_experiment_measure(const es_experiment *x, const char *measure, const char *group,
                          double *mean, double *halfwidth)
{
    es_tally t;
    es_tally_reset(&t);
    for (int r = 0; r < x->nreps; r++) {
        double v;
        if (es_results_get(&x->reps[r].results, measure, group, &v) == 0)
            es_tally_add(&t, v);
    }
    *mean = es_tally_mean(&t);
    *halfwidth = es_tally_ci_halfwidth(&t, 0.95);
    return (int)t.n;
}

void es_experiment_destroy(es_experiment *x)
{
    if (x->reps)
        for (int i = 0; i < x->nreps; i++)
            es_replication_destroy(&x->reps[i]);
    free(x->reps);
    x->reps = NULL;
}

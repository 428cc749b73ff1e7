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

/* What one funding model needs to price a run: its funder, and where full ledger rows go. */
typedef struct pricing {
    es_funder funder;
    ledger_sink sink;
} pricing;

static int price_init(pricing *pr, es_replication *rep, const es_params *p,
                      const es_funding_model *f, unsigned number, bool full_ledger, es_error *err)
{
    pr->sink = (ledger_sink){.replication = number};
    int ncomp = f ? f->ncomponents + 1 : 1; /* + holdback release */
    int rc = es_ledger_init(&rep->ledger, es_params_months(p), ncomp, p->nstreams, p->ncatchments);
    if (!rc)
        rc = es_finance_init(&rep->finance, nproviders_of(p), es_params_months(p));
    if (!rc && f)
        rc = es_funder_init(&pr->funder, f, p, &rep->ledger, &rep->finance);
    if (!rc && f && full_ledger) {
        rep->ledger_rows = tmpfile();
        if (!rep->ledger_rows)
            return es_temp_file_error(err, "a temporary ledger file");
        pr->sink.out = rep->ledger_rows;
        rep->ledger.sink = write_ledger_row;
        rep->ledger.sink_ctx = &pr->sink;
    }
    return rc;
}

/* After the run: model k's payments checked and turned into its spend measures. */
static int price_finish(pricing *pr, es_replication *rep, const es_params *p,
                        const es_funding_model *f, unsigned number, es_error *err)
{
    if (pr->funder.failed)
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory in the funding layer");
    if (es_funder_overflow(&pr->funder))
        return es_error_set(err, ES_ERANGE, f->file, 0,
                            "replication %u: the payments of component '%s' go beyond $%lld "
                            "(amount x multipliers x payments): essim stops rather than let its "
                            "totals overflow; lower the amount or the multipliers",
                            number, es_funder_overflow(&pr->funder)->name,
                            (long long)(ES_MONEY_MAX_CENTS / 100));
    es_funder_finish(&pr->funder);
    int rc = es_spend_measures(&rep->results, &rep->ledger, f, &pr->funder, p);
    if (!rc)
        rc = es_spend_provider_cash_measures(&rep->results, &rep->finance, p);
    return rc;
}

int es_replication_run_priced(es_replication *const *reps, int n, const es_params *p,
                              const es_funding_model *const *models, unsigned number,
                              bool full_ledger, void (*on_progress)(void *ctx, double fraction),
                              void *progress_ctx, es_error *err)
{
    pricing pr[ES_MAX_PRICED];
    memset(pr, 0, sizeof pr);
    if (n < 1 || n > ES_MAX_PRICED)
        return es_error_set(err, ES_EINVAL, NULL, 0, "a run priced by %d funding models", n);
    for (int k = 0; k < n; k++) { /* records the caller can destroy, whatever happens */
        memset(reps[k], 0, sizeof *reps[k]);
        reps[k]->number = number;
        es_results_init(&reps[k]->results);
    }
    es_model m;
    int rc = es_model_init(&m, p, number, err);
    if (rc)
        return rc;
    for (int k = 0; k < n && !rc; k++)
        rc = price_init(&pr[k], reps[k], p, models[k], number, full_ledger, err);
    uint64_t fingerprint = 0xcbf29ce484222325ULL;
    if (!rc)
        rc = es_model_add_observer(&m, fingerprint_event, &fingerprint);
    for (int k = 0; k < n && !rc; k++)
        if (models[k])
            rc = es_model_add_observer(&m, es_funder_observe, &pr[k].funder);
    if (on_progress)
        es_model_set_progress(&m, on_progress, progress_ctx);
    if (!rc)
        rc = es_model_run(&m, err);
    for (int k = 0; k < n && !rc; k++) {
        es_replication *rep = reps[k];
        rep->event_fingerprint = fingerprint;
        rep->events = m.sim.events_done;
        rc = es_model_collect(&m, &rep->results);
        if (!rc && models[k])
            rc = price_finish(&pr[k], rep, p, models[k], number, err);
    }
    if (!rc) {
        es_model_take_open_tables(&m, &reps[0]->open);
        for (int k = 1; k < n && !rc; k++)
            rc = es_open_tables_copy(&reps[k]->open, &reps[0]->open);
    }
    for (int k = 0; k < n; k++) {
        reps[k]->ledger.sink = NULL;
        es_funder_destroy(&pr[k].funder);
    }
    es_model_destroy(&m);
    if (rc && !err->status)
        es_error_set(err, rc, NULL, 0, rc == ES_EINVAL ? "a measure or group name too long to record "
                                                       "in replication %u"
                                                     : "out of memory collecting replication %u",
                     number);
    return rc;
}

int es_replication_run(es_replication *rep, const es_params *p, const es_funding_model *f,
                       unsigned number, bool full_ledger, es_error *err)
{
    return es_replication_run_priced(&rep, 1, p, &f, number, full_ledger, NULL, NULL, err);
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
    free(rep->whole_key);
    rep->whole_key = NULL;
    rep->nwhole = 0;
}

#define ES_MAX_WORKERS 256

typedef struct worker_shared {
    es_experiment *xs; /* priced together from one run per replication */
    int nx;
    bool full_ledger;
    const es_run_options *opt; /* its progress callback, told on rank 0 */
    int first, last; /* replications [first, last) of this batch, 0-based */
    int rank, ranks; /* this rank runs first + rank, first + rank + ranks, ... */
    int mine;        /* how many that is */
    int nworkers;    /* threads running them, each with its slot in part[] */
    atomic_int next; /* of mine */
    atomic_int done;
    atomic_int failed;
    es_error first_error;
    int first_error_rep;
    pthread_mutex_t lock;
    atomic_uint part[ES_MAX_WORKERS]; /* per worker: thousandths of its replication simulated */
    struct timespec last_told;        /* under lock */
} worker_shared;

typedef struct worker_slot {
    worker_shared *w;
    int slot;
} worker_slot;

/* Tells the caller's progress callback, one call at a time: when a replication finishes
 * (`finished`), else at most five times a second. */
static void tell_progress(worker_shared *w, bool finished)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    pthread_mutex_lock(&w->lock);
    double since = (double)(now.tv_sec - w->last_told.tv_sec) +
                   1e-9 * (double)(now.tv_nsec - w->last_told.tv_nsec);
    if (finished || since >= 0.2) {
        double done = atomic_load(&w->done);
        for (int t = 0; t < w->nworkers; t++)
            done += atomic_load(&w->part[t]) / 1000.0;
        const char *what = w->opt->progress_what;
        essim_progress p = {.phase = ESSIM_PHASE_SIMULATING, .what = what ? what : "",
                            .done = done < w->mine ? done : w->mine, .total = w->mine};
        w->opt->progress(w->opt->progress_user, &p);
        w->last_told = now;
    }
    pthread_mutex_unlock(&w->lock);
}

/* es_model_set_progress's hook: how far this worker's replication has got. */
static void on_replication_progress(void *ctx, double fraction)
{
    worker_slot *ws = ctx;
    atomic_store(&ws->w->part[ws->slot], (unsigned)(fraction * 1000.0));
    tell_progress(ws->w, false);
}

static void *worker(void *arg)
{
    worker_slot *ws = arg;
    worker_shared *w = ws->w;
    bool told = w->opt->progress && w->rank == 0;
    for (;;) {
        int k = atomic_fetch_add(&w->next, 1);
        if (k >= w->mine || atomic_load(&w->failed))
            return NULL;
        int i = w->first + w->rank + k * w->ranks;
        es_error err;
        es_error_clear(&err);
        es_replication *reps[ES_MAX_PRICED];
        const es_funding_model *models[ES_MAX_PRICED];
        for (int m = 0; m < w->nx; m++) {
            reps[m] = &w->xs[m].reps[i];
            models[m] = w->xs[m].funding;
        }
        int rc = es_replication_run_priced(reps, w->nx, &w->xs[0].scenario.params, models,
                                           w->xs[0].first_number + (unsigned)i, w->full_ledger,
                                           told ? on_replication_progress : NULL, ws, &err);
        for (int m = 0; m < w->nx && !rc; m++)
            rc = es_experiment_keep(&w->xs[m], i, &err);
        if (rc) {
            pthread_mutex_lock(&w->lock);
            if (!atomic_load(&w->failed) || i < w->first_error_rep) {
                w->first_error = err;
                w->first_error_rep = i;
            }
            atomic_store(&w->failed, 1);
            pthread_mutex_unlock(&w->lock);
        }
        atomic_store(&w->part[ws->slot], 0);
        atomic_fetch_add(&w->done, 1);
        if (told)
            tell_progress(w, true);
    }
}

/* Runs replications [first, last) on `jobs` threads of each MPI rank (the ranks share them
 * out, then exchange them); results depend on neither. */
static int run_batch(es_experiment *xs, int nx, int first, int last, int jobs,
                     const es_run_options *opt, es_error *err)
{
    int rank = es_parallel_rank(), ranks = es_parallel_size();
    int mine = last - first > rank ? (last - first - rank + ranks - 1) / ranks : 0;
    if (jobs > mine)
        jobs = mine;
    if (jobs > ES_MAX_WORKERS)
        jobs = ES_MAX_WORKERS;
    worker_shared *w = calloc(1, sizeof *w); /* ~3 kB of atomics: on the heap */
    worker_slot *slots = calloc(ES_MAX_WORKERS, sizeof *slots);
    if (!w || !slots) {
        free(w);
        free(slots);
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory starting the workers");
    }
    *w = (worker_shared){.xs = xs, .nx = nx, .full_ledger = opt->full_ledger, .opt = opt,
                         .first = first, .last = last, .rank = rank, .ranks = ranks, .mine = mine,
                         .nworkers = jobs > 0 ? jobs : 1};
    atomic_init(&w->next, 0);
    atomic_init(&w->done, 0);
    atomic_init(&w->failed, 0);
    for (int t = 0; t < ES_MAX_WORKERS; t++) {
        atomic_init(&w->part[t], 0);
        slots[t] = (worker_slot){.w = w, .slot = t};
    }
    pthread_mutex_init(&w->lock, NULL);
    pthread_t threads[ES_MAX_WORKERS];
    int started = 0;
    for (int t = 1; t < jobs; t++)
        if (pthread_create(&threads[started], NULL, worker, &slots[started + 1]) == 0)
            started++;
    if (mine > 0)
        worker(&slots[0]);
    for (int t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    pthread_mutex_destroy(&w->lock);
    int failed_index = -1;
    if (atomic_load(&w->failed)) {
        *err = w->first_error;
        if (!err->status)
            err->status = ES_ENOMEM;
        failed_index = w->first_error_rep;
    }
    free(w);
    free(slots);
    int rc = ES_OK;
    for (int k = 0; k < nx && !rc; k++)
        rc = es_parallel_exchange(&xs[k], first, last, failed_index, err);
    return rc;
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
            if (es_experiment_value(x, r, headline[h].measure, "all", &v) == 0)
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

/* Sets x up to run scenario s under the run options: seed, replication count, slice and the
 * --precision stage sizes.  Returns the most replications it may run, or -1 with err set. */
static int experiment_setup(es_experiment *x, const es_scenario *s, const es_run_options *opt,
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
                                "slice cannot know when the whole run is precise enough"), -1;
        if (opt->range_last < opt->range_first || opt->range_last > p->replications)
            return es_error_set(err, ES_EINVAL, NULL, 0,
                                "--replication-range %d:%d is not within the run's %d replications",
                                opt->range_first, opt->range_last, p->replications), -1;
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
                                cap, p->replications, ES_PRECISION_FIRST_STAGE), -1;
        x->precision = opt->precision;
        x->precision_cap = cap;
    } else if (opt->max_replications > 0) {
        return es_error_set(err, ES_EINVAL, NULL, 0,
                            "--max-replications goes with --precision"), -1;
    }
    if (opt->warmup_auto && x->slice)
        return es_error_set(err, ES_EINVAL, NULL, 0,
                            "--warmup auto and --replication-range do not go together: every "
                            "slice must delete the same warm-up; choose it with a whole run and "
                            "set scenario.warmup_days"), -1;
    if (opt->warmup_auto && es_warmup_check_stationary(&x->scenario, x->funding, err))
        return -1;
    x->reps = calloc((size_t)cap, sizeof *x->reps);
    if (!x->reps)
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory for %d replications", cap), -1;
    if ((opt->spill_always || cap > ES_SPILL_ABOVE) && es_spill_start(x, cap, err))
        return -1;
    return cap;
}

/* --warmup auto: the pilot of the first stage's replications chooses the warm-up every priced
 * model deletes (they share the flows, so one pilot serves all). */
static int choose_warmup(es_experiment *xs, int n, int jobs, es_error *err)
{
    double days;
    int rc = es_warmup_choose(&xs[0].scenario.params, xs[0].first_number, jobs, &days, err);
    for (int k = 0; k < n && !rc; k++) {
        xs[k].scenario.params.warmup_days = days;
        xs[k].warmup_auto = true;
    }
    return rc;
}

int es_experiment_run_priced(es_experiment *xs, int n, const es_scenario *const *s,
                             const es_run_options *opt, es_error *err)
{
    if (n < 1 || n > ES_MAX_PRICED)
        return es_error_set(err, ES_EINVAL, NULL, 0, "%d funding models priced at once", n);
    memset(xs, 0, (size_t)n * sizeof *xs);
    int cap = 0;
    for (int k = 0; k < n; k++) {
        cap = experiment_setup(&xs[k], s[k], opt, err);
        if (cap < 0)
            return err->status;
    }
    int first_stage = xs[0].scenario.params.replications;
    int jobs = opt->jobs > 0 ? opt->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (jobs < 1)
        jobs = 1;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = opt->warmup_auto ? choose_warmup(xs, n, jobs, err) : ES_OK;
    if (!rc)
        rc = run_batch(xs, n, 0, first_stage, jobs, opt, err);
    int nreps = first_stage;
    for (int k = 0; k < n; k++)
        xs[k].nreps = nreps;
    /* The second stage: as many more as the first stage's spread says are needed; then, while
     * the intervals over all of them are still wider than asked (the first stage's variance was
     * small by chance), as many as the spread of all so far says.  The counts depend only on
     * the replications, so where the run stops does not depend on --jobs or ranks; priced
     * together, the models stop at the count the least precise of them needs. */
    while (!rc && opt->precision > 0.0) {
        long long need = 0;
        for (int k = 0; k < n; k++) {
            long long nk = replications_needed(&xs[k], nreps, opt->precision);
            xs[k].precision_reached = nk <= nreps;
            if (nk > need)
                need = nk;
        }
        if (need <= nreps || nreps >= cap)
            break;
        int target = need < cap ? (int)need : cap;
        rc = run_batch(xs, n, nreps, target, jobs, opt, err);
        nreps = target;
        for (int k = 0; k < n; k++)
            xs[k].nreps = nreps;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    for (int k = 0; k < n; k++) /* the group's time counted once, on its first member */
        xs[k].scenario.params.replications = nreps;
    xs[0].wall_seconds = wall;
    return rc;
}

int es_experiment_run(es_experiment *x, const es_scenario *s, const es_run_options *opt,
                      es_error *err)
{
    return es_experiment_run_priced(x, 1, &s, opt, err);
}

int es_experiment_measure(const es_experiment *x, const char *measure, const char *group,
                          double *mean, double *halfwidth)
{
    es_tally t;
    es_tally_reset(&t);
    for (int r = 0; r < x->nreps; r++) {
        double v;
        if (es_experiment_value(x, r, measure, group, &v) == 0)
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
    es_spill_free(x);
}

#include "model/system.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "engine/rng.h"

#define DAYS_PER_MONTH (365.25 / 12.0)
#define RETENTION_CHECK_DAYS (3.0 * DAYS_PER_MONTH)

int es_params_months(const es_params *p)
{
    int n = (int)ceil(p->horizon_days / DAYS_PER_MONTH - 1e-9);
    return n < 1 ? 1 : n;
}

static void emit(es_model *m, es_milestone kind, const es_client *c)
{
    es_model_event ev = {.kind = kind, .time = m->sim.now, .client_id = c->id,
                         .stream = c->stream, .catchment = c->catchment, .provider = c->provider};
    for (int i = 0; i < m->nobservers; i++)
        m->observers[i](&ev, m->observer_ctx[i]);
}

static double draw(gsl_rng *r, const es_dist *d)
{
    switch (d->kind) {
    case ES_DIST_EXPONENTIAL:
        return gsl_ran_exponential(r, d->mean);
    case ES_DIST_DETERMINISTIC:
        return d->mean;
    case ES_DIST_GAMMA: {
        double shape = 1.0 / (d->cv * d->cv);
        return gsl_ran_gamma(r, shape, d->mean / shape);
    }
    case ES_DIST_LOGNORMAL: {
        double s2 = log1p(d->cv * d->cv);
        return gsl_ran_lognormal(r, log(d->mean) - s2 / 2.0, sqrt(s2));
    }
    }
    return d->mean;
}

static int stream_of(const es_params *p, double score)
{
    int s = 0;
    while (s < p->nstreams - 1 && score >= p->thresholds[s])
        s++;
    return s;
}

static int new_client(es_model *m, uint32_t *index)
{
    if (m->nfree) {
        *index = m->free_clients[--m->nfree];
        return ES_OK;
    }
    if (m->nclients == m->cap_clients) {
        size_t cap = m->cap_clients * 2;
        es_client *c = realloc(m->clients, cap * sizeof *c);
        if (!c)
            return ES_ENOMEM;
        m->clients = c;
        uint32_t *f = realloc(m->free_clients, cap * sizeof *f);
        if (!f)
            return ES_ENOMEM;
        m->free_clients = f;
        m->cap_clients = cap;
    }
    *index = (uint32_t)m->nclients++;
    return ES_OK;
}

static void free_client(es_model *m, uint32_t index)
{
    m->clients[index].state = ES_CLIENT_FREE;
    m->free_clients[m->nfree++] = index;
}

/* Service begins for a client whose place is already counted in m->in_service. */
static void begin_service(es_model *m, uint32_t index)
{
    es_client *c = &m->clients[index];
    c->state = ES_CLIENT_IN_SERVICE;
    double wait = m->sim.now - c->arrival_days;
    es_stream_counts *sc = &m->by_stream[c->stream];
    sc->served++;
    es_tally_add(&sc->wait_days, wait);
    es_tally_add(&m->wait_days, wait);
    es_tally_add(&m->waited, wait > 0.0 ? 1.0 : 0.0);
    emit(m, ES_MS_SERVICE_START, c);
    double service = draw(m->rng_service, &m->p->streams[c->stream].service_days);
    es_sim_schedule(&m->sim, service, (uint32_t)m->ev_service_end, index, NULL);
}

/* A waiting client takes the place another has just freed. */
static void start_from_queue(es_model *m, uint32_t index)
{
    es_client *c = &m->clients[index];
    if (c->renege)
        es_sim_cancel(&m->sim, c->renege);
    c->renege = 0;
    c->ticket = 0;
    m->waiting--;
    m->in_service++;
    begin_service(m, index);
}

static int choose_provider(const es_model *m, int catchment)
{
    const es_catchment_params *cp = &m->p->catchments[catchment];
    int first = m->first_provider[catchment];
    int best = first;
    double best_load = INFINITY;
    for (int i = 0; i < cp->nproviders; i++) {
        const es_pool *pool = &m->providers[first + i].pool;
        double load = (double)(pool->busy + (int)es_pool_queue_length(pool)) / pool->capacity;
        if (load < best_load) {
            best_load = load;
            best = first + i;
        }
    }
    return best;
}

static void on_arrival(es_sim *sim, const es_event *ev, void *ctx)
{
    es_model *m = ctx;
    int catchment = (int)ev->data;
    const es_params *p = m->p;
    es_sim_schedule(sim, gsl_ran_exponential(m->rng_arrivals[catchment],
                                             1.0 / p->catchments[catchment].arrivals_per_day),
                    (uint32_t)m->ev_arrival, ev->data, NULL);
    uint32_t index;
    if (new_client(m, &index) != ES_OK) {
        es_sim_stop(sim); /* reported by es_model_run */
        return;
    }
    es_client *c = &m->clients[index];
    double need = gsl_ran_gaussian_ziggurat(m->rng_assess, 1.0);
    double noise = p->assessment_noise_sd > 0.0
                       ? gsl_ran_gaussian_ziggurat(m->rng_assess, p->assessment_noise_sd)
                       : 0.0;
    *c = (es_client){.id = ++m->next_client_id, .arrival_days = sim->now,
                     .catchment = (int16_t)catchment, .state = ES_CLIENT_WAITING};
    c->true_stream = (int16_t)stream_of(p, need);
    c->stream = (int16_t)stream_of(p, need + noise);
    c->provider = (int16_t)choose_provider(m, catchment);
    m->arrived++;
    m->confusion[c->true_stream][c->stream]++;
    m->by_stream[c->stream].assessed++;
    m->by_stream[c->true_stream].true_need++;
    int month = (int)(sim->now / DAYS_PER_MONTH);
    if (month < m->nmonths)
        m->months[month].arrivals++;
    const es_stream_params *sp = &p->streams[c->stream];
    int got = es_pool_acquire(&m->providers[c->provider].pool, sim->now, index, sp->priority,
                              &c->ticket);
    if (got < 0) {
        es_sim_stop(sim);
        return;
    }
    if (got == 1)
        m->in_service++;
    else
        m->waiting++;
    /* observers see a consistent state: the client already holds a place or a queue ticket */
    emit(m, ES_MS_INTAKE, c);
    emit(m, ES_MS_ASSESSED, c);
    if (got == 1) {
        begin_service(m, index);
    } else if (sp->patience_days > 0.0) {
        double patience = gsl_ran_exponential(m->rng_patience, sp->patience_days);
        es_sim_schedule(sim, patience, (uint32_t)m->ev_renege, index, &c->renege);
    }
}

static void on_renege(es_sim *sim, const es_event *ev, void *ctx)
{
    es_model *m = ctx;
    uint32_t index = (uint32_t)ev->data;
    es_client *c = &m->clients[index];
    es_pool_renege(&m->providers[c->provider].pool, sim->now, c->ticket);
    m->by_stream[c->stream].reneged++;
    m->waiting--;
    m->exited++;
    emit(m, ES_MS_RENEGE, c);
    free_client(m, index);
}

static void on_service_end(es_sim *sim, const es_event *ev, void *ctx)
{
    es_model *m = ctx;
    uint32_t index = (uint32_t)ev->data;
    es_client *c = &m->clients[index];
    const es_stream_params *sp = &m->p->streams[c->stream];
    es_stream_counts *sc = &m->by_stream[c->stream];
    sc->completed++;
    m->in_service--;
    m->exited++;
    uint64_t next;
    if (es_pool_release(&m->providers[c->provider].pool, sim->now, &next))
        start_from_queue(m, (uint32_t)next);
    emit(m, ES_MS_SERVICE_END, c);

    if (gsl_rng_uniform(m->rng_outcome) >= sp->job_start_prob) {
        free_client(m, index);
        return;
    }
    sc->job_starts++;
    c->job_start_days = sim->now;
    c->state = ES_CLIENT_FOLLOW_UP;
    m->follow_up++;
    emit(m, ES_MS_JOB_START, c);
    es_sim_schedule(sim, RETENTION_CHECK_DAYS, (uint32_t)m->ev_checkpoint, index, &c->checkpoint);
    if (gsl_rng_uniform(m->rng_outcome) >= sp->retention_3m_prob) {
        double lost_after = gsl_rng_uniform(m->rng_outcome) * RETENTION_CHECK_DAYS;
        es_sim_schedule(sim, lost_after, (uint32_t)m->ev_job_loss, index, NULL);
    }
}

static void on_checkpoint(es_sim *sim, const es_event *ev, void *ctx)
{
    (void)sim;
    es_model *m = ctx;
    uint32_t index = (uint32_t)ev->data;
    es_client *c = &m->clients[index];
    m->by_stream[c->stream].retained_3m++;
    m->follow_up--;
    emit(m, ES_MS_EMPLOYED_3M, c);
    free_client(m, index);
}

static void on_job_loss(es_sim *sim, const es_event *ev, void *ctx)
{
    es_model *m = ctx;
    uint32_t index = (uint32_t)ev->data;
    es_client *c = &m->clients[index];
    es_sim_cancel(sim, c->checkpoint);
    m->by_stream[c->stream].job_losses++;
    m->follow_up--;
    emit(m, ES_MS_JOB_LOSS, c);
    free_client(m, index);
}

static void on_warmup(es_sim *sim, const es_event *ev, void *ctx)
{
    (void)ev;
    es_model *m = ctx;
    es_tally_reset(&m->wait_days);
    es_tally_reset(&m->waited);
    for (int s = 0; s < m->p->nstreams; s++)
        es_tally_reset(&m->by_stream[s].wait_days);
    for (int i = 0; i < m->nproviders; i++)
        es_pool_reset_stats(&m->providers[i].pool, sim->now);
}

static void on_month(es_sim *sim, const es_event *ev, void *ctx)
{
    es_model *m = ctx;
    int month = (int)ev->data;
    m->months[month].waiting = m->waiting;
    m->months[month].in_service = m->in_service;
    if (month + 1 < m->nmonths)
        es_sim_schedule_at(sim, (month + 2) * DAYS_PER_MONTH, (uint32_t)m->ev_month,
                           (uint64_t)(month + 1), NULL);
}

static int alloc_rngs(es_model *m)
{
    const gsl_rng_type *t = es_rng_type_by_name(m->p->rng);
    uint64_t seed = m->p->seed;
    uint32_t rep = m->replication;
    m->rng_assess = es_rng_alloc(t, seed, rep, "assessment");
    m->rng_service = es_rng_alloc(t, seed, rep, "service");
    m->rng_outcome = es_rng_alloc(t, seed, rep, "outcome");
    m->rng_patience = es_rng_alloc(t, seed, rep, "patience");
    if (!m->rng_assess || !m->rng_service || !m->rng_outcome || !m->rng_patience)
        return ES_ENOMEM;
    for (int i = 0; i < m->p->ncatchments; i++) {
        char name[ES_NAME_MAX + 16];
        snprintf(name, sizeof name, "arrivals/%s", m->p->catchments[i].name);
        m->rng_arrivals[i] = es_rng_alloc(t, seed, rep, name);
        if (!m->rng_arrivals[i])
            return ES_ENOMEM;
    }
    return ES_OK;
}

static int init_providers(es_model *m)
{
    const es_params *p = m->p;
    for (int i = 0; i < p->ncatchments; i++)
        m->nproviders += p->catchments[i].nproviders;
    m->providers = calloc((size_t)m->nproviders, sizeof *m->providers);
    if (!m->providers)
        return ES_ENOMEM;
    int k = 0;
    for (int i = 0; i < p->ncatchments; i++) {
        m->first_provider[i] = k;
        for (int j = 0; j < p->catchments[i].nproviders; j++, k++) {
            m->providers[k].catchment = i;
            m->providers[k].index_in_catchment = j;
            if (es_pool_init(&m->providers[k].pool, p->catchments[i].providers[j].caseload_capacity,
                             0.0) != ES_OK)
                return ES_ENOMEM;
        }
    }
    return ES_OK;
}

static int register_events(es_model *m)
{
    es_sim *s = &m->sim;
    m->ev_arrival = es_sim_register(s, on_arrival, m);
    m->ev_renege = es_sim_register(s, on_renege, m);
    m->ev_service_end = es_sim_register(s, on_service_end, m);
    m->ev_checkpoint = es_sim_register(s, on_checkpoint, m);
    m->ev_job_loss = es_sim_register(s, on_job_loss, m);
    m->ev_warmup = es_sim_register(s, on_warmup, m);
    m->ev_month = es_sim_register(s, on_month, m);
    return m->ev_month < 0 ? ES_ENOMEM : ES_OK;
}

int es_model_init(es_model *m, const es_params *p, uint32_t replication, es_error *err)
{
    *m = (es_model){.p = p, .replication = replication};
    es_tally_reset(&m->wait_days);
    es_tally_reset(&m->waited);
    for (int s = 0; s < ES_MAX_STREAMS; s++)
        es_tally_reset(&m->by_stream[s].wait_days);
    m->nmonths = es_params_months(p);
    m->cap_clients = 1024;
    m->clients = malloc(m->cap_clients * sizeof *m->clients);
    m->free_clients = malloc(m->cap_clients * sizeof *m->free_clients);
    m->months = calloc((size_t)m->nmonths, sizeof *m->months);
    int rc = (m->clients && m->free_clients && m->months) ? ES_OK : ES_ENOMEM;
    if (rc == ES_OK)
        rc = es_sim_init(&m->sim, 1024);
    if (rc == ES_OK)
        rc = register_events(m);
    if (rc == ES_OK)
        rc = alloc_rngs(m);
    if (rc == ES_OK)
        rc = init_providers(m);
    if (rc != ES_OK) {
        es_model_destroy(m);
        return es_error_set(err, rc, NULL, 0, "out of memory setting up replication %u",
                            replication);
    }
    return ES_OK;
}

void es_model_destroy(es_model *m)
{
    if (m->providers)
        for (int i = 0; i < m->nproviders; i++)
            es_pool_destroy(&m->providers[i].pool);
    free(m->providers);
    gsl_rng_free(m->rng_assess);
    gsl_rng_free(m->rng_service);
    gsl_rng_free(m->rng_outcome);
    gsl_rng_free(m->rng_patience);
    for (int i = 0; i < ES_MAX_CATCHMENTS; i++)
        gsl_rng_free(m->rng_arrivals[i]);
    es_sim_destroy(&m->sim);
    free(m->clients);
    free(m->free_clients);
    free(m->months);
    *m = (es_model){0};
}

int es_model_add_observer(es_model *m, es_observer_fn fn, void *ctx)
{
    if (m->nobservers >= ES_MAX_OBSERVERS)
        return ES_EINVAL;
    m->observers[m->nobservers] = fn;
    m->observer_ctx[m->nobservers++] = ctx;
    return ES_OK;
}

int es_model_run(es_model *m, es_error *err)
{
    const es_params *p = m->p;
    int rc = ES_OK;
    for (int i = 0; i < p->ncatchments && rc == ES_OK; i++)
        rc = es_sim_schedule_at(&m->sim,
                                gsl_ran_exponential(m->rng_arrivals[i],
                                                    1.0 / p->catchments[i].arrivals_per_day),
                                (uint32_t)m->ev_arrival, (uint64_t)i, NULL);
    if (rc == ES_OK && p->warmup_days > 0.0)
        rc = es_sim_schedule_at(&m->sim, p->warmup_days, (uint32_t)m->ev_warmup, 0, NULL);
    if (rc == ES_OK)
        rc = es_sim_schedule_at(&m->sim, fmin(DAYS_PER_MONTH, p->horizon_days),
                                (uint32_t)m->ev_month, 0, NULL);
    if (rc != ES_OK)
        return es_error_set(err, rc, NULL, 0, "out of memory scheduling replication %u",
                            m->replication);
    es_sim_run(&m->sim, p->horizon_days);
    if (m->sim.stopped)
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory in replication %u",
                            m->replication);
    return ES_OK;
}

static double ratio(double num, double den) { return den > 0.0 ? num / den : 0.0; }

static int collect_stream(const es_model *m, es_results *r, const char *group,
                          const es_stream_counts *sc, const es_tally *wait)
{
    int rc = 0;
    rc |= es_results_add(r, "clients_assessed", group, ES_RESULTS_WHOLE_RUN, (double)sc->assessed);
    rc |= es_results_add(r, "stream_share", group, ES_RESULTS_WHOLE_RUN,
                         ratio((double)sc->assessed, (double)m->arrived));
    rc |= es_results_add(r, "clients_served", group, ES_RESULTS_WHOLE_RUN, (double)sc->served);
    rc |= es_results_add(r, "services_completed", group, ES_RESULTS_WHOLE_RUN, (double)sc->completed);
    rc |= es_results_add(r, "clients_reneged", group, ES_RESULTS_WHOLE_RUN, (double)sc->reneged);
    rc |= es_results_add(r, "job_starts", group, ES_RESULTS_WHOLE_RUN, (double)sc->job_starts);
    rc |= es_results_add(r, "employed_3m", group, ES_RESULTS_WHOLE_RUN, (double)sc->retained_3m);
    rc |= es_results_add(r, "employment_rate_at_exit", group, ES_RESULTS_WHOLE_RUN,
                         ratio((double)sc->job_starts, (double)sc->completed));
    rc |= es_results_add(r, "retention_3m_rate", group, ES_RESULTS_WHOLE_RUN,
                         ratio((double)sc->retained_3m, (double)(sc->retained_3m + sc->job_losses)));
    rc |= es_results_add(r, "mean_wait_days", group, ES_RESULTS_WHOLE_RUN, es_tally_mean(wait));
    return rc;
}

int es_model_collect(const es_model *m, es_results *r)
{
    const es_params *p = m->p;
    double now = m->sim.now;
    int rc = 0;
    rc |= es_results_add(r, "clients_arrived", "all", ES_RESULTS_WHOLE_RUN, (double)m->arrived);
    rc |= es_results_add(r, "clients_waiting_end", "all", ES_RESULTS_WHOLE_RUN, (double)m->waiting);
    rc |= es_results_add(r, "clients_in_service_end", "all", ES_RESULTS_WHOLE_RUN,
                         (double)m->in_service);
    rc |= es_results_add(r, "clients_exited", "all", ES_RESULTS_WHOLE_RUN, (double)m->exited);
    rc |= es_results_add(r, "clients_in_follow_up_end", "all", ES_RESULTS_WHOLE_RUN,
                         (double)m->follow_up);

    es_stream_counts all = {0};
    for (int s = 0; s < p->nstreams; s++) {
        const es_stream_counts *sc = &m->by_stream[s];
        all.assessed += sc->assessed;
        all.served += sc->served;
        all.completed += sc->completed;
        all.reneged += sc->reneged;
        all.job_starts += sc->job_starts;
        all.retained_3m += sc->retained_3m;
        all.job_losses += sc->job_losses;
    }
    rc |= collect_stream(m, r, "all", &all, &m->wait_days);
    rc |= es_results_add(r, "prob_wait", "all", ES_RESULTS_WHOLE_RUN, es_tally_mean(&m->waited));
    for (int s = 0; s < p->nstreams; s++)
        rc |= collect_stream(m, r, p->streams[s].name, &m->by_stream[s], &m->by_stream[s].wait_days);

    double queue = 0.0, busy = 0.0, capacity = 0.0;
    for (int i = 0; i < m->nproviders; i++) {
        const es_pool *pool = &m->providers[i].pool;
        queue += es_timeavg_mean(&pool->queue_avg, now);
        busy += es_timeavg_mean(&pool->busy_avg, now);
        capacity += pool->capacity;
    }
    rc |= es_results_add(r, "mean_queue_length", "all", ES_RESULTS_WHOLE_RUN, queue);
    rc |= es_results_add(r, "utilisation", "all", ES_RESULTS_WHOLE_RUN, ratio(busy, capacity));

    uint64_t wrong = 0;
    for (int t = 0; t < p->nstreams; t++)
        for (int a = 0; a < p->nstreams; a++) {
            char group[64];
            snprintf(group, sizeof group, "true %s, assessed %s", p->streams[t].name,
                     p->streams[a].name);
            rc |= es_results_add(r, "assessment_share", group, ES_RESULTS_WHOLE_RUN,
                                 ratio((double)m->confusion[t][a], (double)m->arrived));
            if (t != a)
                wrong += m->confusion[t][a];
        }
    rc |= es_results_add(r, "misclassified_share", "all", ES_RESULTS_WHOLE_RUN,
                         ratio((double)wrong, (double)m->arrived));

    for (int k = 0; k < m->nmonths; k++) {
        es_month_snapshot snap = m->months[k];
        if (k == m->nmonths - 1) {
            snap.waiting = m->waiting;
            snap.in_service = m->in_service;
        }
        rc |= es_results_add(r, "arrivals", "all", k, (double)snap.arrivals);
        rc |= es_results_add(r, "waiting", "all", k, (double)snap.waiting);
        rc |= es_results_add(r, "in_service", "all", k, (double)snap.in_service);
    }
    return rc ? ES_ENOMEM : ES_OK;
}

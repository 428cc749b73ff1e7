/* The run object of one replication: set-up, event registration, the run loop and the small
 * helpers every concept file uses (drawing durations, client records, notifying observers). */
#include "model/system.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "engine/alloc.h"
#include "engine/rng.h"
#include "model/assessment.h"
#include "model/calendar.h"
#include "model/client.h"
#include "model/model_internal.h"

int es_params_months(const es_params *p)
{
    int n = (int)ceil(p->horizon_days / DAYS_PER_MONTH - 1e-9);
    return n < 1 ? 1 : n;
}

void es_model_notify(es_model *m, const es_model_event *ev)
{
    es_counts_observe(m, ev); /* the model's own counts first, as they were counted inline */
    for (int i = 0; i < m->nobservers; i++)
        m->observers[i](ev, m->observer_ctx[i]);
}

es_model_event es_model_client_event(const es_model *m, es_milestone kind, const es_client *c)
{
    int provider = c->site >= 0 ? m->sites[c->site].provider : -1;
    return (es_model_event){.kind = kind, .time = m->sim.now, .client_id = c->id,
                            .stream = c->stream, .catchment = c->catchment,
                            .provider = provider, .site = c->site, .source = c->source,
                            .disability = c->disability, .rural = c->rural, .groups = c->groups,
                            .hours = c->hours, .goal = c->goal, .permanent = c->permanent,
                            .deadweight = c->deadweight,
                            .intake_days = c->intake_days};
}

void es_model_emit(es_model *m, es_milestone kind, const es_client *c)
{
    es_model_event ev = es_model_client_event(m, kind, c);
    es_model_notify(m, &ev);
}

double es_model_logit(double prob)
{
    double p = fmin(fmax(prob, 1e-9), 1.0 - 1e-9);
    return log(p / (1.0 - p));
}

double es_model_expit(double logit) { return 1.0 / (1.0 + exp(-logit)); }

double es_model_draw(gsl_rng *r, const es_dist *d)
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

double es_model_minimum_wage_at(const es_params *p, double day)
{
    double wage = 0.0;
    for (int i = 0; i < p->nwage_steps && p->minimum_wage[i].from_days <= day; i++)
        wage = p->minimum_wage[i].dollars;
    return wage;
}

/* A wage (lognormal, cv outcomes.wage_cv) around `mean_at_start` dollars an hour: wages move
 * with the minimum wage, so the mean is `mean_at_start` when the scenario starts. */
double es_model_draw_wage(const es_model *m, double mean_at_start, gsl_rng *r)
{
    const es_params *p = m->p;
    double base = es_model_minimum_wage_at(p, 0.0), today = es_model_minimum_wage_at(p, m->sim.now);
    double mean = mean_at_start * (base > 0.0 ? today / base : 1.0);
    return gsl_ran_lognormal(r, log(mean) - m->wage_s2 / 2.0, m->wage_sigma);
}

int es_model_fiscal_index(const es_model *m, double day)
{
    return es_fiscal_index(&m->fiscal, day);
}

gsl_rng *es_client_rng(es_model *m, es_client *c, es_draw purpose)
{
    es_rng_entity_bind(m->rng_entity, c->draw_key, (uint32_t)purpose, &c->draws[purpose]);
    return m->rng_entity;
}

int es_model_new_client(es_model *m, uint32_t *index)
{
    if (m->nfree) {
        *index = m->free_clients[--m->nfree];
    } else {
        if (m->nclients == m->cap_clients &&
            es_grow_pool(&m->clients, sizeof *m->clients, &m->free_clients, &m->cap_clients))
            return ES_ENOMEM;
        *index = (uint32_t)m->nclients++;
    }
    size_t active = m->nclients - m->nfree;
    if (active > m->peak_active)
        m->peak_active = active;
    return ES_OK;
}

void es_model_free_client(es_model *m, uint32_t index)
{
    m->clients[index].state = ES_CLIENT_FREE;
    m->free_clients[m->nfree++] = index;
}

void es_model_cancel(es_model *m, es_handle *h)
{
    if (*h)
        es_sim_cancel(&m->sim, *h);
    *h = 0;
}

double es_model_next_event_time(es_model *m, gsl_rng *r, rate_fn rate_at, int stream,
                                double from)
{
    double t = from;
    double need = gsl_ran_exponential(r, 1.0); /* unit-rate work to consume */
    for (int guard = 0; guard < 100000; guard++) {
        double change;
        double rate = rate_at(m, stream, t, &change);
        if (rate > 0.0 && t + need / rate <= change)
            return t + need / rate;
        need -= rate * (change - t);
        t = change;
        if (t > m->p->horizon_days)
            return INFINITY;
    }
    return INFINITY;
}

static int alloc_rngs(es_model *m)
{
    const gsl_rng_type *t = es_rng_type_by_name(m->p->rng);
    uint64_t seed = m->p->seed;
    uint32_t rep = m->replication;
    if (!(m->rng_entity = es_rng_entity_alloc()))
        return ES_ENOMEM;
    m->rng_arrivals = calloc((size_t)m->narrivals, sizeof *m->rng_arrivals);
    m->drawn_keys = calloc((size_t)m->narrivals, sizeof *m->drawn_keys);
    if (!m->rng_arrivals || !m->drawn_keys)
        return ES_ENOMEM;
    for (int i = 0; i < m->narrivals; i++) {
        const es_arrival_stream *a = &m->arrivals[i];
        char name[ES_NAME_MAX * 2 + 32];
        if (a->cd_index >= 0)
            snprintf(name, sizeof name, "arrivals/%s/cd%d", m->p->catchments[a->catchment].name,
                     m->p->geography.cds[a->cd_index].uid);
        else
            snprintf(name, sizeof name, "arrivals/%s", m->p->catchments[a->catchment].name);
        if (!(m->rng_arrivals[i] = es_rng_alloc(t, seed, rep, name)))
            return ES_ENOMEM;
    }
    return ES_OK;
}

/* An event about one client: the handler is given the client its data names. */
static void on_client_event(es_sim *sim, const es_event *ev, void *ctx)
{
    (void)sim;
    const struct es_client_dispatch *d = ctx;
    uint32_t index = (uint32_t)ev->data;
    d->handler(d->model, index, &d->model->clients[index]);
}

static int client_event(es_model *m, es_client_handler handler)
{
    if (m->nclient_dispatch == ES_MODEL_CLIENT_EVENTS)
        return -1;
    struct es_client_dispatch *d = &m->client_dispatch[m->nclient_dispatch++];
    *d = (struct es_client_dispatch){.model = m, .handler = handler};
    return es_sim_register(&m->sim, on_client_event, d);
}

static int register_events(es_model *m)
{
    es_sim *s = &m->sim;
    m->ev_arrival = es_sim_register(s, es_intake_on_arrival, m);
    m->ev_renege = client_event(m, es_service_on_renege);
    m->ev_phase_end = client_event(m, es_service_on_phase_end);
    m->ev_dropout = client_event(m, es_service_on_dropout);
    m->ev_review = client_event(m, es_intake_on_review);
    m->ev_transfer = client_event(m, es_service_on_transfer);
    m->ev_checkpoint = client_event(m, es_followup_on_checkpoint);
    m->ev_job_loss = client_event(m, es_followup_on_job_loss);
    m->ev_warmup = es_sim_register(s, es_periods_on_warmup, m);
    m->ev_month = es_sim_register(s, es_periods_on_month, m);
    m->ev_provider_review = es_sim_register(s, es_contest_on_provider_review, m);
    m->ev_ssm_review = es_sim_register(s, es_contest_on_ssm_review, m);
    m->ev_restore = es_sim_register(s, es_routing_on_restore, m);
    m->ev_period = es_sim_register(s, es_periods_on_period, m);
    m->ev_vacancy = es_sim_register(s, es_matching_on_vacancy, m);
    m->ev_search_end = client_event(m, es_matching_on_search_end);
    m->ev_subsidy_end = client_event(m, es_matching_on_subsidy_end);
    m->ev_dated = es_sim_register(s, es_dated_params_on_change, m);
    m->ev_reemployment = client_event(m, es_followup_on_reemployment);
    m->ev_is_exit = client_event(m, es_income_support_on_exit);
    m->ev_is_return = client_event(m, es_income_support_on_return);
    m->ev_own_job = client_event(m, es_own_search_on_job);
    return m->ev_subsidy_end < 0 || m->ev_dated < 0 || m->ev_reemployment < 0 ||
                   m->ev_is_return < 0 || m->ev_own_job < 0
               ? ES_ENOMEM
               : ES_OK;
}

/* Behavioural mode: a stream whose clients bring less net revenue than the best-paying
 * stream is parked more often, and waiting clients are served best-paying stream first. */
static void init_behaviour(es_model *m)
{
    const es_behaviour_params *b = &m->p->behaviour;
    int n = m->p->nstreams;
    double best = -INFINITY;
    for (int s = 0; s < n; s++)
        best = fmax(best, b->value_by_stream[s]);
    double scale = fmax(fabs(best), 1.0);
    for (int s = 0; s < n; s++) {
        double shortfall = (best - b->value_by_stream[s]) / scale;
        m->park_prob[s] = fmin(b->max_parked, fmax(0.0, b->elasticity * shortfall));
        int rank = 0; /* how many streams pay less: the best-paying gets the highest priority */
        for (int t = 0; t < n; t++)
            if (b->value_by_stream[t] < b->value_by_stream[s] ||
                (b->value_by_stream[t] == b->value_by_stream[s] && t > s))
                rank++;
        m->value_priority[s] = rank;
    }
}

int es_model_init(es_model *m, const es_params *p, uint32_t replication, es_error *err)
{
    *m = (es_model){.p = p, .replication = replication};
    if (es_dated_params_init(m) != ES_OK)
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory setting up replication %u",
                            replication);
    p = m->p;
    es_tally_reset(&m->wait_days);
    es_tally_reset(&m->waited);
    for (int s = 0; s < ES_MAX_STREAMS; s++) {
        es_tally_reset(&m->by_stream[s].wait_days);
        es_tally_reset(&m->by_stream[s].days_to_job);
        es_tally_reset(&m->by_stream[s].wage_at_start);
        es_tally_reset(&m->by_stream[s].wage_12m);
    }
    m->nmonths = es_params_months(p);
    init_behaviour(m);
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
        rc = es_intake_init(m);
    if (rc == ES_OK)
        rc = alloc_rngs(m);
    if (rc == ES_OK)
        rc = es_routing_init_sites(m);
    if (rc == ES_OK)
        rc = es_open_data_init(m);
    if (rc == ES_OK)
        rc = es_cohorts_init(m);
    m->lm_on = p->labour.enabled && p->has_geography;
    m->wage_s2 = log1p(p->outcomes.wage_cv * p->outcomes.wage_cv);
    m->wage_sigma = sqrt(m->wage_s2);
    if (rc == ES_OK && m->lm_on)
        rc = es_labour_init(&m->lm, p, replication);
    if (rc != ES_OK) {
        es_model_destroy(m);
        return es_error_set(err, rc, NULL, 0, "out of memory setting up replication %u",
                            replication);
    }
    return ES_OK;
}

void es_model_destroy(es_model *m)
{
    if (m->sites)
        for (int i = 0; i < m->nsites; i++)
            es_pool_destroy(&m->sites[i].pool);
    gsl_rng_free(m->rng_entity);
    if (m->rng_arrivals)
        for (int i = 0; i < m->narrivals; i++)
            gsl_rng_free(m->rng_arrivals[i]);
    es_sim_destroy(&m->sim);
    ES_FREE_ALL(m->sites, m->provider_replacements, m->staff_load, m->staff_hours_done,
                m->provider_capacity, m->provider_catchment, m->drawn_keys, m->rng_arrivals,
                m->arrivals, m->clients, m->free_clients, m->months, m->open_site, m->open_cd,
                m->assisted_site, m->assisted_cd, m->cohorts, m->cohort_days);
    if (m->lm_on)
        es_labour_destroy(&m->lm);
    es_dated_params_free(m);
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

/* Clients already waiting when a catchment's es_intake begins (spread over its sites). */
static int seed_waiting_lists(es_model *m)
{
    const es_params *p = m->p;
    for (int c = 0; c < p->ncatchments; c++)
        for (int i = 0; i < p->catchments[c].initial_waiting; i++) {
            int stream = -1;
            for (int a = 0; a < m->narrivals && stream < 0; a++)
                if (m->arrivals[a].catchment == c)
                    stream = a;
            es_sim_schedule_at(&m->sim, p->catchments[c].start_days, (uint32_t)m->ev_arrival,
                               (uint64_t)stream | (1ull << 32), NULL);
        }
    return ES_OK;
}

int es_model_start(es_model *m, es_error *err)
{
    const es_params *p = m->p;
    int rc = es_dated_params_schedule(m); /* first: a change applies before events at its time */
    for (int i = 0; i < m->narrivals && rc == ES_OK; i++) {
        double opens = p->catchments[m->arrivals[i].catchment].start_days;
        double first = es_intake_next_arrival(m, i, opens);
        if (first <= p->horizon_days)
            rc = es_sim_schedule_at(&m->sim, first, (uint32_t)m->ev_arrival, (uint64_t)i, NULL);
    }
    for (int i = 0; m->lm_on && i < m->lm.nstreams && rc == ES_OK; i++) {
        double opens = p->catchments[m->lm.streams[i].catchment].start_days;
        double first = es_matching_next_posting(m, i, opens);
        if (first <= p->horizon_days)
            rc = es_sim_schedule_at(&m->sim, first, (uint32_t)m->ev_vacancy, (uint64_t)i, NULL);
    }
    if (rc == ES_OK)
        rc = seed_waiting_lists(m);
    if (rc == ES_OK && p->warmup_days > 0.0)
        rc = es_sim_schedule_at(&m->sim, p->warmup_days, (uint32_t)m->ev_warmup, 0, NULL);
    if (rc == ES_OK)
        rc = es_sim_schedule_at(&m->sim, fmin(DAYS_PER_MONTH, p->horizon_days),
                                (uint32_t)m->ev_month, 0, NULL);
    if (rc == ES_OK)
        rc = es_sim_schedule_at(&m->sim, 0.0, (uint32_t)m->ev_period, 0, NULL);
    if (rc == ES_OK && p->contest.provider_review_days > 0.0)
        rc = es_sim_schedule_at(&m->sim, p->contest.provider_review_days,
                                (uint32_t)m->ev_provider_review, 0, NULL);
    if (rc == ES_OK && p->contest.ssm_review_days > 0.0)
        rc = es_sim_schedule_at(&m->sim, p->contest.ssm_review_days, (uint32_t)m->ev_ssm_review,
                                0, NULL);
    if (rc != ES_OK)
        return es_error_set(err, rc, NULL, 0, "out of memory scheduling replication %u",
                            m->replication);
    return ES_OK;
}

/* At the horizon: providers report the staff time of the last, partly run month (a period
 * event with no places, so nothing more is paid for it). */
static void report_last_month(es_model *m)
{
    const es_params *p = m->p;
    for (int c = 0; c < p->ncatchments; c++) {
        if (p->catchments[c].start_days > m->sim.now)
            continue;
        for (int k = 0; k < p->catchments[c].nproviders; k++) {
            int provider = m->first_provider[c] + k;
            double done = es_periods_staff_hours_until(m, provider, m->sim.now);
            es_model_event out = {.kind = ES_MS_PERIOD, .time = m->sim.now, .catchment = c,
                                  .provider = provider, .site = -1,
                                  .staff_hours = done - m->staff_hours_done[provider]};
            m->staff_hours_done[provider] = done;
            es_model_notify(m, &out);
        }
    }
}

void es_model_set_progress(es_model *m, void (*fn)(void *ctx, double fraction), void *ctx)
{
    m->on_progress = fn;
    m->progress_ctx = ctx;
}

int es_model_run(es_model *m, es_error *err)
{
    int rc = es_model_start(m, err);
    if (rc)
        return rc;
    double horizon = m->p->horizon_days;
    int steps = m->on_progress ? ES_MODEL_PROGRESS_STEPS : 1;
    for (int k = 1; k <= steps && !m->sim.stopped; k++) {
        /* events up to and including `until` run; the clock then stands at `until`, and no
         * handler runs before the next step, so the steps make the events of one run */
        es_sim_run(&m->sim, k == steps ? horizon : horizon * k / steps);
        if (m->on_progress)
            m->on_progress(m->progress_ctx, (double)k / steps);
    }
    report_last_month(m);
    es_impact_finish(m);
    if (m->sim.stopped)
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory in replication %u",
                            m->replication);
    return ES_OK;
}

#include "model/system.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "engine/rng.h"
#include "model/assessment.h"
#include "model/calendar.h"
#include "model/client.h"

#define DAYS_PER_MONTH ES_DAYS_PER_MONTH_AVG
static const double checkpoint_months[4] = {1.0, 3.0, 6.0, 12.0};
static const es_milestone checkpoint_events[4] = {ES_MS_EMPLOYED_1M, ES_MS_EMPLOYED_3M,
                                                  ES_MS_EMPLOYED_6M, ES_MS_EMPLOYED_12M};
enum { OPEN_EMP, OPEN_TE, OPEN_UNEMP, OPEN_OTH, OPEN_UNKN, OPEN_NULL };

int es_params_months(const es_params *p)
{
    int n = (int)ceil(p->horizon_days / DAYS_PER_MONTH - 1e-9);
    return n < 1 ? 1 : n;
}

/* ---- small helpers ---------------------------------------------------------------------- */

static void notify(es_model *m, const es_model_event *ev)
{
    for (int i = 0; i < m->nobservers; i++)
        m->observers[i](ev, m->observer_ctx[i]);
}

static es_model_event client_event(const es_model *m, es_milestone kind, const es_client *c)
{
    int provider = c->site >= 0 ? m->sites[c->site].provider : -1;
    return (es_model_event){.kind = kind, .time = m->sim.now, .client_id = c->id,
                            .stream = c->stream, .catchment = c->catchment,
                            .provider = provider, .site = c->site, .source = c->source,
                            .disability = c->disability, .rural = c->rural, .hours = c->hours};
}

static void emit(es_model *m, es_milestone kind, const es_client *c)
{
    es_model_event ev = client_event(m, kind, c);
    notify(m, &ev);
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

static double minimum_wage_at(const es_params *p, double day)
{
    double wage = 0.0;
    for (int i = 0; i < p->nwage_steps && p->minimum_wage[i].from_days <= day; i++)
        wage = p->minimum_wage[i].dollars;
    return wage;
}

/* A wage (lognormal, cv outcomes.wage_cv) around `mean_at_start` dollars an hour: wages move
 * with the minimum wage, so the mean is `mean_at_start` when the scenario starts. */
static double draw_wage(const es_model *m, double mean_at_start, gsl_rng *r)
{
    const es_params *p = m->p;
    double base = minimum_wage_at(p, 0.0), today = minimum_wage_at(p, m->sim.now);
    double mean = mean_at_start * (base > 0.0 ? today / base : 1.0);
    return gsl_ran_lognormal(r, log(mean) - m->wage_s2 / 2.0, m->wage_sigma);
}

static int fiscal_index(const es_model *m, double day) { return es_fiscal_index(&m->fiscal, day); }

static int new_client(es_model *m, uint32_t *index)
{
    if (m->nfree) {
        *index = m->free_clients[--m->nfree];
    } else {
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
    }
    size_t active = m->nclients - m->nfree;
    if (active > m->peak_active)
        m->peak_active = active;
    return ES_OK;
}

static void free_client(es_model *m, uint32_t index)
{
    m->clients[index].state = ES_CLIENT_FREE;
    m->free_clients[m->nfree++] = index;
}

static void cancel(es_model *m, es_handle *h)
{
    if (*h)
        es_sim_cancel(&m->sim, *h);
    *h = 0;
}

/* ---- routing ---------------------------------------------------------------------------- */

static double site_load(const es_site_state *s)
{
    return (double)(s->pool.busy + (int)es_pool_queue_length(&s->pool)) /
           (s->pool.capacity > 0 ? s->pool.capacity : 1);
}

/* Picks a site among those of `c`'s catchment, skipping `exclude_provider` (a transfer). */
static int choose_site(es_model *m, const es_client *c, int exclude_provider)
{
    const es_params *p = m->p;
    const es_catchment_params *cp = &p->catchments[c->catchment];
    int first = m->first_site[c->catchment], n = m->nsites_in[c->catchment];
    unsigned want = (c->disability ? ES_SPEC_DISABILITY : 0) | (c->youth ? ES_SPEC_YOUTH : 0);
    int best = -1;
    double best_score = INFINITY;
    for (int i = first; i < first + n; i++) {
        const es_site_state *s = &m->sites[i];
        if (s->provider == exclude_provider)
            continue;
        int local = s->provider - m->first_provider[c->catchment];
        const es_provider_params *pp = &cp->providers[local];
        double score = site_load(s);
        if (!(pp->channels & (1u << c->channel)))
            score += 1000.0; /* a provider offering the client's channel first */
        if (cp->routing == ES_ROUTE_NEAREST && s->cd_index != c->cd)
            score += 100.0;
        if (cp->routing == ES_ROUTE_SPECIALIST_FIRST && want && !(pp->specialisations & want))
            score += 100.0;
        if (score < best_score) {
            best_score = score;
            best = i;
        }
    }
    return best;
}

/* ---- service ----------------------------------------------------------------------------- */

/* Staff hours a month a client in service takes: contacts through the client's channel plus
 * the stream's case management. */
static double staff_hours_per_month(const es_params *p, const es_client *c)
{
    return p->contacts_per_month * p->staff_minutes_per_contact[c->channel] / 60.0 +
           p->streams[c->stream].staff_hours_per_month;
}

/* The provider's staff load (hours a month) as a time-weighted sum: its integral over a month
 * is the staff time worked in it.  The client's stream at service start is kept for the stay. */
static void add_staff_load(es_model *m, es_client *c, double sign)
{
    if (sign > 0)
        c->staff_rate = (float)(staff_hours_per_month(m->p, c) *
                                (c->parked ? m->p->behaviour.parked_staff_share : 1.0));
    else
        m->by_stream[c->stream].staff_hours +=
            c->staff_rate * (m->sim.now - c->service_start_days) / DAYS_PER_MONTH;
    es_timeavg *load = &m->staff_load[m->sites[c->site].provider];
    es_timeavg_set(load, m->sim.now, load->value + sign * c->staff_rate);
}

static void schedule_phase(es_model *m, uint32_t index, double duration)
{
    es_client *c = &m->clients[index];
    c->phase_start_days = m->sim.now;
    c->phase_end_days = m->sim.now + duration;
    if (c->drop_days < c->phase_end_days)
        es_sim_schedule_at(&m->sim, c->drop_days, (uint32_t)m->ev_dropout, index, &c->timer);
    else
        es_sim_schedule_at(&m->sim, c->phase_end_days, (uint32_t)m->ev_phase_end, index, &c->timer);
}

/* The next service phase a client still has to go through: specialised, then training, then
 * employment services (bit i of services_left is service i). */
static int next_phase(const es_client *c)
{
    if (c->services_left & (1u << ES_SVC_SPECIALIZED))
        return ES_SVC_SPECIALIZED;
    if (c->services_left & (1u << ES_SVC_TRAINING))
        return ES_SVC_TRAINING;
    return ES_SVC_EMPLOYMENT;
}

static void open_plan(es_model *m, es_client *c)
{
    if (c->plan_active)
        m->plan_violations++; /* never happens: tests assert it stays 0 */
    c->plan_id = ++m->next_plan_id;
    c->plan_active = 1;
    m->plans_opened++;
    m->active_plans++;
}

static void close_plan(es_model *m, es_client *c, es_closure reason)
{
    if (!c->plan_active)
        m->plan_violations++;
    c->plan_active = 0;
    m->active_plans--;
    m->plans_closed_by[reason]++;
}

/* Service begins for a client whose place is already counted in m->in_service. */
static void begin_service(es_model *m, uint32_t index)
{
    const es_params *p = m->p;
    es_client *c = &m->clients[index];
    const es_stream_params *sp = &p->streams[c->stream];
    c->state = ES_CLIENT_IN_SERVICE;
    c->service_start_days = m->sim.now;
    c->parked = p->behaviour.enabled &&
                gsl_rng_uniform(m->rng_behaviour) < m->park_prob[c->stream];
    if (c->parked)
        m->by_stream[c->stream].parked++;
    add_staff_load(m, c, +1.0);
    double wait = m->sim.now - c->arrival_days;
    es_stream_counts *sc = &m->by_stream[c->stream];
    es_site_state *site = &m->sites[c->site];
    sc->served++;
    site->served++;
    if (c->source == ES_SRC_OW || c->source == ES_SRC_ODSP || c->disability)
        site->priority_served++;
    es_tally_add(&sc->wait_days, wait);
    es_tally_add(&site->wait_days, wait);
    es_tally_add(&m->wait_days, wait);
    es_tally_add(&m->waited, wait > 0.0 ? 1.0 : 0.0);
    m->wait_hist[c->stream][wait < ES_WAIT_HIST_DAYS ? (int)wait : ES_WAIT_HIST_DAYS]++;

    if (gsl_rng_uniform(m->rng_service) < p->outcomes.plan_error_prob) {
        open_plan(m, c); /* a plan opened in error is closed and replaced at once */
        close_plan(m, c, ES_CLOSE_IN_ERROR);
    }
    open_plan(m, c);
    emit(m, ES_MS_PLAN_AGREED, c);

    c->services_left = 1u << ES_SVC_EMPLOYMENT;
    const es_service_params *spec = &sp->services[ES_SVC_SPECIALIZED];
    if (spec->prob > 0.0 && (c->disability || gsl_rng_uniform(m->rng_service) < spec->prob))
        c->services_left |= 1u << ES_SVC_SPECIALIZED;
    if (gsl_rng_uniform(m->rng_service) < sp->services[ES_SVC_TRAINING].prob)
        c->services_left |= 1u << ES_SVC_TRAINING;
    double planned = 0.0, durations[ES_NSERVICES] = {0};
    for (int s = 0; s < ES_NSERVICES; s++)
        if (c->services_left & (1u << s))
            planned += durations[s] = draw(m->rng_service, &sp->services[s].days);
    c->drop_days = gsl_rng_uniform(m->rng_service) < sp->dropout_prob
                       ? m->sim.now + gsl_rng_uniform(m->rng_service) * planned
                       : INFINITY;
    c->phase = (uint8_t)next_phase(c);
    schedule_phase(m, index, durations[c->phase]);

    if (p->outcomes.reassessment_days > 0.0 && p->outcomes.reassessment_days < planned)
        es_sim_schedule(&m->sim, p->outcomes.reassessment_days, (uint32_t)m->ev_review, index,
                        &c->review);
    if (gsl_rng_uniform(m->rng_service) < p->outcomes.transfer_request_prob)
        es_sim_schedule(&m->sim, gsl_rng_uniform(m->rng_service) * planned,
                        (uint32_t)m->ev_transfer, index, &c->transfer);
}

/* Queues a client at its site or gives it a place at once; returns 1 for a place, 0 for the
 * queue (service begins with begin_service, after the caller has reported the arrival). */
static int join_site(es_model *m, uint32_t index)
{
    es_client *c = &m->clients[index];
    const es_stream_params *sp = &m->p->streams[c->stream];
    int priority = m->p->behaviour.enabled && m->p->behaviour.cream ? m->value_priority[c->stream]
                                                                     : sp->priority;
    int got = es_pool_acquire(&m->sites[c->site].pool, m->sim.now, index, priority, &c->ticket);
    if (got < 0) {
        es_sim_stop(&m->sim);
        return 0;
    }
    c->state = got == 1 ? ES_CLIENT_IN_SERVICE : ES_CLIENT_WAITING;
    if (got == 1) {
        m->in_service++;
    } else {
        m->waiting++;
        if (sp->patience_days > 0.0) {
            double patience = gsl_ran_exponential(m->rng_patience, sp->patience_days);
            es_sim_schedule(&m->sim, patience, (uint32_t)m->ev_renege, index, &c->timer);
        }
    }
    return got;
}

static void flush_starts(es_model *m);

/* A client holds a place (and is counted in service) but its plan opens in flush_starts(),
 * once the events that gave it the place have been reported. */
static void defer_start(es_model *m, uint32_t index)
{
    if (m->npending == (int)(sizeof m->pending_starts / sizeof m->pending_starts[0]))
        flush_starts(m);
    m->pending_starts[m->npending++] = index;
}

/* Frees a client's caseload place.  A waiting client takes it at once (the counts move with
 * the place) but its service begins in flush_starts(), after the leaving client's events. */
static void leave_site(es_model *m, es_client *c)
{
    add_staff_load(m, c, -1.0);
    m->in_service--;
    uint64_t next;
    if (!es_pool_release(&m->sites[c->site].pool, m->sim.now, &next))
        return;
    es_client *n = &m->clients[next];
    cancel(m, &n->timer); /* the patience timer */
    n->ticket = 0;
    n->state = ES_CLIENT_IN_SERVICE;
    m->waiting--;
    m->in_service++;
    defer_start(m, (uint32_t)next);
}

static void flush_starts(es_model *m)
{
    int n = m->npending;
    uint32_t starts[sizeof m->pending_starts / sizeof m->pending_starts[0]];
    memcpy(starts, m->pending_starts, sizeof starts);
    for (int i = 0; i < n; i++) {
        m->npending = n - i - 1; /* those still to begin after this one */
        begin_service(m, starts[i]);
    }
}

/* ---- leaving service ---------------------------------------------------------------------- */

static void record_open_data(es_model *m, const es_client *c, int exit_col, int after3_col)
{
    int fy = fiscal_index(m, m->sim.now);
    es_site_state *site = &m->sites[c->site];
    m->open_site[es_open_cell(m->nsites, fy, c->site, exit_col)]++;
    m->open_site[es_open_cell(m->nsites, fy, c->site, 6 + after3_col)]++;
    m->assisted_site[(size_t)fy * (size_t)m->nsites + (size_t)c->site]++;
    if (c->cd >= 0) {
        int ncd = m->p->geography.ncds;
        m->open_cd[es_open_cell(ncd, fy, c->cd, exit_col)]++;
        m->open_cd[es_open_cell(ncd, fy, c->cd, 6 + after3_col)]++;
        m->assisted_cd[(size_t)fy * (size_t)ncd + (size_t)c->cd]++;
    }
    site->closed++;
    site->period_closed++;
}

/* Status 3 months after exit, as the open data reports it. */
static int status_after_3m(es_model *m, const es_client *c, int exit_col)
{
    if (m->sim.now + 3.0 * DAYS_PER_MONTH > m->p->horizon_days)
        return OPEN_NULL;
    if (gsl_rng_uniform(m->rng_outcome) < m->p->outcomes.followup_unknown_prob)
        return OPEN_UNKN;
    if (exit_col == OPEN_EMP)
        return c->job_end_days >= m->sim.now + 3.0 * DAYS_PER_MONTH ? OPEN_EMP : OPEN_UNEMP;
    return exit_col;
}

static void schedule_next_checkpoint(es_model *m, uint32_t index)
{
    es_client *c = &m->clients[index];
    if (c->next_checkpoint >= 4) {
        m->follow_up--;
        free_client(m, index);
        return;
    }
    double at = c->job_start_days + checkpoint_months[c->next_checkpoint] * DAYS_PER_MONTH;
    if (c->subsidy_open && c->subsidy_end_days <= at && c->subsidy_end_days <= c->job_end_days)
        es_sim_schedule_at(&m->sim, c->subsidy_end_days, (uint32_t)m->ev_subsidy_end, index,
                           &c->checkpoint);
    else if (c->job_end_days < at)
        es_sim_schedule_at(&m->sim, c->job_end_days, (uint32_t)m->ev_job_loss, index,
                           &c->checkpoint);
    else
        es_sim_schedule_at(&m->sim, at, (uint32_t)m->ev_checkpoint, index, &c->checkpoint);
}

static void start_job(es_model *m, uint32_t index)
{
    const es_params *p = m->p;
    const es_outcome_params *o = &p->outcomes;
    es_client *c = &m->clients[index];
    const es_stream_params *sp = &p->streams[c->stream];
    if (!m->lm_on) { /* with a labour market, hours and wage come from the vacancy */
        double hours = o->hours_mean + (o->hours_sd > 0 ? gsl_ran_gaussian_ziggurat(m->rng_outcome, o->hours_sd) : 0.0);
        c->hours = (float)fmin(60.0, fmax(1.0, hours));
        c->wage = (float)draw_wage(m, o->wage_mean, m->rng_outcome);
    }
    double monthly_rate = -log(sp->retention_3m_prob) / 3.0;
    double months = monthly_rate > 0.0 ? gsl_ran_exponential(m->rng_outcome, 1.0 / monthly_rate)
                                       : INFINITY;
    c->job_start_days = m->sim.now;
    c->job_end_days = m->sim.now + months * DAYS_PER_MONTH;
    c->next_checkpoint = 0;
    es_stream_counts *sc = &m->by_stream[c->stream];
    sc->job_starts++;
    for (int k = 0; k < 4; k++)
        if (m->sim.now + checkpoint_months[k] * DAYS_PER_MONTH <= p->horizon_days) {
            sc->reachable[k]++;
            m->sites[c->site].reachable[k]++;
        }
    es_tally_add(&sc->days_to_job, m->sim.now - c->arrival_days);
    es_tally_add(&m->sites[c->site].days_to_job, m->sim.now - c->arrival_days);
    if (c->hours >= p->funded_hours_per_week)
        sc->completers_employed_20h++;
    m->months[(int)fmin(m->nmonths - 1, m->sim.now / DAYS_PER_MONTH)].job_starts++;
    es_model_event ev = client_event(m, ES_MS_JOB_START, c);
    ev.wage_ok = c->wage >= minimum_wage_at(p, m->sim.now);
    ev.funded = ev.wage_ok && c->hours >= p->funded_hours_per_week;
    ev.subsidised = c->subsidised;
    ev.stacked = c->stacked;
    notify(m, &ev);
    if (c->subsidised) {
        ev.kind = ES_MS_SUBSIDISED_HIRE;
        ev.months = p->labour.subsidy_months;
        notify(m, &ev);
    }
}

/* Closes the plan of a client leaving services and decides where the client goes next. */
static void exit_service(es_model *m, uint32_t index, es_closure reason)
{
    es_client *c = &m->clients[index];
    cancel(m, &c->review);
    cancel(m, &c->transfer);
    close_plan(m, c, reason); /* before the place passes on, so observers never see two plans */
    leave_site(m, c);
    m->exited++;
    es_site_state *site = &m->sites[c->site];
    es_source_counts *src = &m->by_source[c->source];
    src->closed++;
    int exit_col = reason == ES_CLOSE_EMPLOYED     ? OPEN_EMP
                   : reason == ES_CLOSE_TRAINING   ? OPEN_TE
                   : reason == ES_CLOSE_UNEMPLOYED ? OPEN_UNEMP
                   : reason == ES_CLOSE_OTHER      ? OPEN_OTH
                                                   : OPEN_UNKN;
    if (reason == ES_CLOSE_EMPLOYED) {
        start_job(m, index);
        site->employed_at_exit++;
        site->period_employed++;
        src->employed_at_exit++;
    } else {
        c->job_end_days = -INFINITY;
    }
    record_open_data(m, c, exit_col, status_after_3m(m, c, exit_col));
    m->months[(int)fmin(m->nmonths - 1, m->sim.now / DAYS_PER_MONTH)].plans_closed++;
    es_model_event ev = client_event(m, ES_MS_SERVICE_END, c);
    ev.months = (m->sim.now - c->service_start_days) / DAYS_PER_MONTH;
    notify(m, &ev);
    if (reason == ES_CLOSE_EMPLOYED) {
        c->state = ES_CLIENT_FOLLOW_UP;
        m->follow_up++;
        schedule_next_checkpoint(m, index);
    } else {
        free_client(m, index);
    }
    flush_starts(m);
}

static void enter_search(es_model *m, uint32_t index);

static void complete_services(es_model *m, uint32_t index)
{
    const es_params *p = m->p;
    es_client *c = &m->clients[index];
    const es_stream_params *sp = &p->streams[c->stream];
    es_stream_counts *sc = &m->by_stream[c->stream];
    sc->completed++;
    if (gsl_rng_uniform(m->rng_outcome) < sp->training_exit_prob) {
        sc->training_exits++;
        exit_service(m, index, ES_CLOSE_TRAINING);
        return;
    }
    double base = fmin(fmax(sp->job_start_prob, 1e-9), 1.0 - 1e-9);
    double logit = log(base / (1.0 - base)) -
                   p->outcomes.need_effect * (c->need - p->need_mean_by_stream[c->stream]) +
                   p->outcomes.source_effect[c->source] -
                   (c->parked ? p->behaviour.parked_job_effect : 0.0);
    double prob = sp->job_start_prob <= 0.0 ? 0.0 : 1.0 / (1.0 + exp(-logit));
    bool ready = gsl_rng_uniform(m->rng_outcome) < prob;
    if (ready && m->lm_on)
        enter_search(m, index); /* job-ready: the job must come from a vacancy */
    else
        exit_service(m, index, ready ? ES_CLOSE_EMPLOYED : ES_CLOSE_UNEMPLOYED);
}

/* The next event after `from` of a Poisson process whose rate is constant between change
 * points (calendar months, dates where conditions change): by the memoryless property, an
 * exponential gap that crosses a change point restarts there.  INFINITY past the horizon. */
typedef double (*rate_fn)(es_model *m, int stream, double day, double *next_change);

static double next_event_time(es_model *m, gsl_rng *r, rate_fn rate_at, int stream,
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

/* ---- the labour market: vacancies and job search ------------------------------------------- */

static const es_provider_params *provider_params(const es_model *m, const es_client *c)
{
    int provider = m->sites[c->site].provider;
    return &m->p->catchments[c->catchment].providers[provider - m->first_provider[c->catchment]];
}

/* Whether a job-ready client offered a vacancy is hired into it. */
static bool accepts(es_model *m, const es_client *c, const es_vacancy *x)
{
    const es_params *p = m->p;
    const es_labour_params *lm = &p->labour;
    double logit = lm->match_base + p->streams[c->stream].match_effect +
                   lm->industries[x->industry].match_effect +
                   (c->trained ? lm->training_effect : 0.0) +
                   (provider_params(m, c)->job_developers ? lm->developer_effect : 0.0) +
                   (c->subsidy_offered ? lm->subsidy_effect : 0.0);
    return gsl_rng_uniform(m->lm.rng_match) < 1.0 / (1.0 + exp(-logit));
}

static void search_append(es_model *m, uint32_t index)
{
    es_client *c = &m->clients[index];
    es_lm_catchment *lc = &m->lm.by_catchment[c->catchment];
    c->searching = 1;
    c->search_next = ES_NONE;
    c->search_prev = lc->search_tail;
    if (lc->search_tail != ES_NONE)
        m->clients[lc->search_tail].search_next = index;
    else
        lc->search_head = index;
    lc->search_tail = index;
    lc->searchers++;
}

/* A client leaves job search, matched or not; the time searched is counted. */
static void search_leave(es_model *m, uint32_t index)
{
    es_client *c = &m->clients[index];
    es_lm_catchment *lc = &m->lm.by_catchment[c->catchment];
    if (c->searching) {
        if (c->search_prev != ES_NONE)
            m->clients[c->search_prev].search_next = c->search_next;
        else
            lc->search_head = c->search_next;
        if (c->search_next != ES_NONE)
            m->clients[c->search_next].search_prev = c->search_prev;
        else
            lc->search_tail = c->search_prev;
        lc->searchers--;
        c->searching = 0;
    }
    es_tally_add(&lc->search_days, m->sim.now - c->phase_start_days);
}

/* A client fills vacancy `v` (on its catchment's open list when `listed`); returns a copy. */
static es_vacancy take_vacancy(es_model *m, uint32_t v, bool listed)
{
    es_vacancy x = m->lm.vacancies[v];
    es_lm_catchment *lc = &m->lm.by_catchment[x.catchment];
    if (listed)
        es_open_remove(&m->lm, v);
    es_vacancy_release(&m->lm, v);
    lc->filled_by_clients++;
    es_tally_add(&lc->fill_days, m->sim.now - x.posted_days);
    m->months[(int)fmin(m->nmonths - 1, m->sim.now / DAYS_PER_MONTH)].vacancies_filled++;
    return x;
}

/* The oldest vacancy of a catchment still open (closing those whose time has come). */
static uint32_t first_open(es_model *m, int catchment)
{
    es_lm_catchment *lc = &m->lm.by_catchment[catchment];
    while (lc->open_head != ES_NONE && m->lm.vacancies[lc->open_head].close_days <= m->sim.now)
        es_vacancy_close(&m->lm, lc->open_head);
    return lc->open_head;
}

/* The client starts the job of vacancy `v`, may stack a second part-time job, and leaves
 * service employed. */
static void hire(es_model *m, uint32_t index, uint32_t v, bool listed)
{
    const es_params *p = m->p;
    const es_labour_params *lm = &p->labour;
    es_client *c = &m->clients[index];
    es_lm_catchment *lc = &m->lm.by_catchment[c->catchment];
    es_vacancy x = take_vacancy(m, v, listed);
    c->hours = c->primary_hours = x.hours;
    c->wage = x.wage;
    c->stacked = 0;
    if (c->hours < p->funded_hours_per_week && lm->stacking_prob > 0.0 &&
        gsl_rng_uniform(m->lm.rng_stacking) < lm->stacking_prob) {
        uint32_t w = first_open(m, c->catchment);
        if (w != ES_NONE) {
            es_vacancy y = take_vacancy(m, w, true);
            c->hours = fminf(60.0f, c->hours + y.hours);
            c->wage = fminf(c->wage, y.wage);
            c->stacked = 1;
            lc->stacked_jobs++;
        }
    }
    c->subsidised = c->subsidy_open = c->subsidy_offered;
    if (c->subsidised) {
        c->subsidy_end_days = m->sim.now + lm->subsidy_months * DAYS_PER_MONTH;
        lc->subsidised++;
    }
    lc->search_matched++;
    exit_service(m, index, ES_CLOSE_EMPLOYED);
}

/* A job-ready client who has finished services looks at the catchment's open vacancies,
 * oldest first; unmatched, the client keeps the place and waits for new vacancies. */
static void enter_search(es_model *m, uint32_t index)
{
    const es_labour_params *lm = &m->p->labour;
    es_client *c = &m->clients[index];
    es_lm_catchment *lc = &m->lm.by_catchment[c->catchment];
    cancel(m, &c->review);
    cancel(m, &c->transfer);
    c->subsidy_offered = gsl_rng_uniform(m->lm.rng_subsidy) < m->p->streams[c->stream].subsidy_prob;
    c->phase_start_days = m->sim.now;
    lc->search_started++;
    int tried = 0;
    for (uint32_t v = first_open(m, c->catchment); v != ES_NONE && tried < lm->offers_per_search;) {
        uint32_t next = m->lm.vacancies[v].next;
        if (m->lm.vacancies[v].close_days <= m->sim.now) {
            es_vacancy_close(&m->lm, v);
        } else if (tried++, accepts(m, c, &m->lm.vacancies[v])) {
            search_leave(m, index);
            hire(m, index, v, true);
            return;
        }
        v = next;
    }
    if (lm->max_search_days <= 0.0) {
        search_leave(m, index);
        lc->search_unmatched++;
        exit_service(m, index, ES_CLOSE_UNEMPLOYED);
        return;
    }
    search_append(m, index);
    es_sim_schedule(&m->sim, lm->max_search_days, (uint32_t)m->ev_search_end, index, &c->timer);
}

static void on_search_end(es_sim *sim, const es_event *ev, void *ctx)
{
    (void)sim;
    es_model *m = ctx;
    uint32_t index = (uint32_t)ev->data;
    m->clients[index].timer = 0;
    search_leave(m, index);
    m->lm.by_catchment[m->clients[index].catchment].search_unmatched++;
    exit_service(m, index, ES_CLOSE_UNEMPLOYED);
}

/* Postings a day of a census division: constant between month starts and the dates where
 * conditions change. */
static double posting_rate(es_model *m, int stream, double day, double *next_change)
{
    const es_params *p = m->p;
    es_posting_stream *s = &m->lm.streams[stream];
    int month = es_calendar_month_cached(&s->month, p->start_year, p->start_month, p->start_day,
                                         day, next_change);
    *next_change = fmin(*next_change, es_labour_next_change(&m->lm, day));
    return es_labour_posting_rate(&m->lm, s, month, day);
}

static double next_posting(es_model *m, int stream, double from)
{
    return next_event_time(m, m->lm.rng_post[stream], posting_rate, stream, from);
}

/* A registered employer posts a vacancy: offered to the clients searching longest, else open
 * until it is filled from outside or withdrawn. */
static void on_vacancy(es_sim *sim, const es_event *ev, void *ctx)
{
    es_model *m = ctx;
    const es_params *p = m->p;
    const es_labour_params *lm = &p->labour;
    int stream = (int)ev->data;
    es_posting_stream *s = &m->lm.streams[stream];
    gsl_rng *r = m->lm.rng_post[stream];
    double month_end;
    int month = es_calendar_month_cached(&s->month, p->start_year, p->start_month, p->start_day,
                                         sim->now, &month_end);
    double next = next_posting(m, stream, sim->now);
    if (next <= p->horizon_days)
        es_sim_schedule_at(sim, next, (uint32_t)m->ev_vacancy, ev->data, NULL);
    uint32_t v = es_vacancy_alloc(&m->lm);
    if (v == ES_NONE) {
        es_sim_stop(sim);
        return;
    }
    int industry = es_labour_draw_industry(&m->lm, s, month, r);
    const es_industry_params *ip = &lm->industries[industry];
    double hours = ip->hours_mean + (ip->hours_sd > 0 ? gsl_ran_gaussian_ziggurat(r, ip->hours_sd) : 0.0);
    double wage = draw_wage(m, p->outcomes.wage_mean * ip->wage_factor, r);
    /* filled from outside or withdrawn, whichever comes first: the first of two exponential
     * clocks is exponential at the sum of their rates, and it is the first with probability
     * its rate over the sum */
    es_labour_stream_conditions(&m->lm, s, sim->now);
    double unemployment = s->unemployment;
    double others_rate = unemployment / (lm->others_fill_days * lm->reference_unemployment_rate);
    double rate = others_rate + 1.0 / lm->vacancy_days;
    double open_days = gsl_ran_exponential(r, 1.0 / rate);
    bool by_others = gsl_rng_uniform(r) * rate < others_rate;
    es_vacancy *x = &m->lm.vacancies[v];
    *x = (es_vacancy){.posted_days = sim->now, .close_days = sim->now + open_days,
                      .hours = (float)fmin(60.0, fmax(1.0, hours)), .wage = (float)wage,
                      .prev = ES_NONE, .next = ES_NONE, .catchment = (int16_t)s->catchment,
                      .industry = (uint8_t)industry, .by_others = by_others};
    es_lm_catchment *lc = &m->lm.by_catchment[s->catchment];
    lc->posted++;
    m->lm.posted_by_industry[industry]++;
    m->months[(int)fmin(m->nmonths - 1, sim->now / DAYS_PER_MONTH)].vacancies_posted++;
    es_open_sweep(&m->lm, s->catchment, sim->now, 2);
    uint32_t ci = lc->search_head;
    for (int k = 0; k < lm->offers_per_search && ci != ES_NONE; k++) {
        uint32_t after = m->clients[ci].search_next;
        if (accepts(m, &m->clients[ci], x)) {
            cancel(m, &m->clients[ci].timer); /* the search deadline */
            search_leave(m, ci);
            hire(m, ci, v, false);
            return;
        }
        ci = after;
    }
    es_open_append(&m->lm, v);
}

/* A placement's wage subsidy has run its months with the job still on. */
static void on_subsidy_end(es_sim *sim, const es_event *ev, void *ctx)
{
    (void)sim;
    es_model *m = ctx;
    uint32_t index = (uint32_t)ev->data;
    es_client *c = &m->clients[index];
    c->checkpoint = 0;
    c->subsidy_open = 0;
    es_model_event out = client_event(m, ES_MS_SUBSIDY_END, c);
    out.months = m->p->labour.subsidy_months;
    out.subsidised = true;
    notify(m, &out);
    schedule_next_checkpoint(m, index);
}

/* ---- event handlers ----------------------------------------------------------------------- */

static double arrival_rate(const es_model *m, es_arrival_stream *a, double day,
                           double *next_change)
{
    const es_params *p = m->p;
    int month = es_calendar_month_cached(&a->month, p->start_year, p->start_month, p->start_day,
                                         day, next_change);
    return a->base_per_day * p->seasonality[month - 1];
}

static double intake_rate(es_model *m, int stream, double day, double *next_change)
{
    return arrival_rate(m, &m->arrivals[stream], day, next_change);
}

static double next_arrival(es_model *m, int stream, double from)
{
    return next_event_time(m, m->rng_arrivals[stream], intake_rate, stream, from);
}

static int draw_cd(es_model *m, int catchment)
{
    const es_params *p = m->p;
    int g = p->catchments[catchment].geo_index;
    if (g < 0)
        return -1;
    const es_geo_catchment *gc = &p->geography.catchments[g];
    double total = 0.0;
    for (int k = 0; k < gc->ncds; k++)
        total += (double)p->geography.cds[gc->cd_index[k]].population;
    double u = gsl_rng_uniform(m->rng_clients) * total;
    for (int k = 0; k < gc->ncds; k++) {
        u -= (double)p->geography.cds[gc->cd_index[k]].population;
        if (u < 0.0)
            return gc->cd_index[k];
    }
    return gc->cd_index[gc->ncds - 1];
}

static void assess(es_model *m, es_client *c)
{
    const es_params *p = m->p;
    double noise = p->assessment_noise_sd > 0.0
                       ? gsl_ran_gaussian_ziggurat(m->rng_assess, p->assessment_noise_sd)
                       : 0.0;
    c->stream = (int16_t)es_stream_of(p->thresholds, p->nstreams, c->need + noise);
}

/* A client (new or returning) comes through a door: assessment, routing, queue. */
static void intake(es_model *m, uint32_t index)
{
    const es_params *p = m->p;
    es_client *c = &m->clients[index];
    c->trained = c->searching = c->subsidy_offered = c->subsidised = c->subsidy_open = 0;
    c->stacked = 0;
    assess(m, c);
    c->true_stream = (int16_t)es_stream_of(p->need_thresholds, p->nstreams, c->need);
    c->site = (int16_t)choose_site(m, c, -1);
    c->arrival_days = m->sim.now;
    m->arrived++;
    m->confusion[c->true_stream][c->stream]++;
    m->by_stream[c->stream].assessed++;
    m->by_stream[c->true_stream].true_need++;
    m->channel_count[c->channel]++;
    int month = (int)(m->sim.now / DAYS_PER_MONTH);
    if (month < m->nmonths)
        m->months[month].arrivals[c->stream]++;
    if (join_site(m, index))
        defer_start(m, index);
    emit(m, ES_MS_INTAKE, c);
    emit(m, ES_MS_ASSESSED, c);
    flush_starts(m);
}

static void on_arrival(es_sim *sim, const es_event *ev, void *ctx)
{
    es_model *m = ctx;
    const es_params *p = m->p;
    int stream = (int)(ev->data & 0xffffffffu);
    bool on_initial_list = ev->data >> 32; /* already waiting when intake began */
    const es_arrival_stream *a = &m->arrivals[stream];
    if (!on_initial_list) {
        double next = next_arrival(m, stream, sim->now);
        if (next <= p->horizon_days)
            es_sim_schedule_at(sim, next, (uint32_t)m->ev_arrival, ev->data, NULL);
    }
    uint32_t index;
    if (new_client(m, &index) != ES_OK) {
        es_sim_stop(sim);
        return;
    }
    es_client *c = &m->clients[index];
    int cd = a->cd_index >= 0 ? a->cd_index : draw_cd(m, a->catchment);
    es_attributes at;
    bool rural = cd >= 0 && es_cd_is_rural(p, &p->geography.cds[cd]);
    es_attributes_draw(p, m->rng_clients, rural, &at);
    *c = (es_client){.id = ++m->next_client_id, .catchment = (int16_t)a->catchment,
                     .cd = (int16_t)cd, .source = (uint8_t)at.source,
                     .channel = (uint8_t)at.channel, .disability = at.disability,
                     .language_barrier = at.language_barrier, .rural = at.rural,
                     .youth = at.age == ES_AGE_15_24, .drop_days = INFINITY};
    c->need = (float)es_need_score(p, &at, m->rng_clients);
    es_source_counts *src = &m->by_source[c->source];
    src->arrivals++;
    if (c->source == ES_SRC_OW || c->source == ES_SRC_ODSP)
        src->income_support_days += p->horizon_days - sim->now;
    intake(m, index);
}

static void on_renege(es_sim *sim, const es_event *ev, void *ctx)
{
    es_model *m = ctx;
    uint32_t index = (uint32_t)ev->data;
    es_client *c = &m->clients[index];
    c->timer = 0;
    es_pool_renege(&m->sites[c->site].pool, sim->now, c->ticket);
    m->by_stream[c->stream].reneged++;
    m->waiting--;
    m->exited++;
    emit(m, ES_MS_RENEGE, c);
    free_client(m, index);
}

static void on_phase_end(es_sim *sim, const es_event *ev, void *ctx)
{
    (void)sim;
    es_model *m = ctx;
    uint32_t index = (uint32_t)ev->data;
    es_client *c = &m->clients[index];
    c->timer = 0;
    int done = c->phase;
    c->services_left &= (uint8_t)~(1u << done);
    if (done == ES_SVC_TRAINING) {
        c->trained = 1;
        emit(m, ES_MS_TRAINING_COMPLETED, c);
    }
    if (done == ES_SVC_EMPLOYMENT || c->services_left == 0) {
        complete_services(m, index);
        return;
    }
    c->phase = (uint8_t)next_phase(c);
    schedule_phase(m, index, draw(m->rng_service, &m->p->streams[c->stream].services[c->phase].days));
}

static void on_dropout(es_sim *sim, const es_event *ev, void *ctx)
{
    (void)sim;
    es_model *m = ctx;
    uint32_t index = (uint32_t)ev->data;
    es_client *c = &m->clients[index];
    c->timer = 0;
    m->by_stream[c->stream].dropped++;
    exit_service(m, index,
                 gsl_rng_uniform(m->rng_outcome) < 0.5 ? ES_CLOSE_OTHER : ES_CLOSE_UNKNOWN);
}

static void on_review(es_sim *sim, const es_event *ev, void *ctx)
{
    es_model *m = ctx;
    uint32_t index = (uint32_t)ev->data;
    es_client *c = &m->clients[index];
    c->review = 0;
    int before = c->stream;
    assess(m, c);
    if (c->stream == before)
        return;
    m->by_stream[before].reassessed_out++;
    m->by_stream[c->stream].reassessed_in++;
    emit(m, ES_MS_REASSESSED, c);
    /* the current phase continues at the new stream's pace: a fresh duration for the phase,
     * less the time already spent in it */
    double elapsed = sim->now - c->phase_start_days;
    double redrawn = draw(m->rng_service, &m->p->streams[c->stream].services[c->phase].days);
    cancel(m, &c->timer);
    schedule_phase(m, index, fmax(0.0, redrawn - elapsed));
}

int es_model_transfer(es_model *m, uint32_t index, bool written_consent)
{
    es_client *c = &m->clients[index];
    if (!written_consent) {
        m->transfers_refused++;
        return ES_EINVAL;
    }
    if (c->state != ES_CLIENT_IN_SERVICE || c->searching)
        return ES_EINVAL;
    int old_provider = m->sites[c->site].provider;
    int site = choose_site(m, c, old_provider);
    if (site < 0)
        return ES_ENOENT; /* no other provider in the catchment */
    cancel(m, &c->timer);
    cancel(m, &c->review);
    cancel(m, &c->transfer);
    close_plan(m, c, ES_CLOSE_OTHER);
    leave_site(m, c);
    m->by_stream[c->stream].transfers++;
    m->transfers_done++;
    c->site = (int16_t)site;
    c->arrival_days = m->sim.now; /* waits again, counted from the transfer */
    if (join_site(m, index))
        defer_start(m, index);
    emit(m, ES_MS_TRANSFER, c); /* reported at the new provider */
    flush_starts(m);
    return ES_OK;
}

static void on_transfer(es_sim *sim, const es_event *ev, void *ctx)
{
    (void)sim;
    es_model *m = ctx;
    uint32_t index = (uint32_t)ev->data;
    m->clients[index].transfer = 0;
    bool consent = gsl_rng_uniform(m->rng_service) < m->p->outcomes.transfer_consent_prob;
    es_model_transfer(m, index, consent);
}

/* The IES rules a labour market brings to a checkpoint: a subsidised placement is no funded
 * outcome until a checkpoint after its subsidy ends; two stacked jobs that reach the hours only
 * together count for at most stacking_max_share of the catchment's clients employed at the
 * checkpoint (a running count, so the share is never exceeded). */
static bool labour_market_funded(es_model *m, const es_client *c, int k, bool funded)
{
    const es_params *p = m->p;
    es_lm_catchment *lc = &m->lm.by_catchment[c->catchment];
    lc->employed_at[k]++;
    if (c->subsidised && m->sim.now <= c->subsidy_end_days) {
        lc->subsidy_unfunded[k] += funded;
        return false;
    }
    if (funded && c->stacked && c->primary_hours < p->funded_hours_per_week) {
        if ((double)(lc->stacked_counted[k] + 1) >
            p->labour.stacking_max_share * (double)lc->employed_at[k]) {
            lc->stacked_refused[k]++;
            return false;
        }
        lc->stacked_counted[k]++;
    }
    return funded;
}

static void on_checkpoint(es_sim *sim, const es_event *ev, void *ctx)
{
    es_model *m = ctx;
    const es_params *p = m->p;
    uint32_t index = (uint32_t)ev->data;
    es_client *c = &m->clients[index];
    c->checkpoint = 0;
    int k = c->next_checkpoint++;
    bool funded = c->hours >= p->funded_hours_per_week && c->wage >= minimum_wage_at(p, sim->now);
    if (m->lm_on)
        funded = labour_market_funded(m, c, k, funded);
    es_stream_counts *sc = &m->by_stream[c->stream];
    sc->employed[k]++;
    if (funded)
        sc->funded[k]++;
    m->sites[c->site].employed[k]++;
    es_model_event out = client_event(m, checkpoint_events[k], c);
    out.funded = funded;
    out.wage_ok = c->wage >= minimum_wage_at(p, sim->now);
    out.subsidised = c->subsidised;
    out.stacked = c->stacked;
    notify(m, &out);
    if (k == 1) {
        m->by_source[c->source].employed_3m++;
        if ((c->source == ES_SRC_OW || c->source == ES_SRC_ODSP) && !c->left_income_support &&
            gsl_rng_uniform(m->rng_outcome) < p->outcomes.income_support_exit_prob) {
            c->left_income_support = 1; /* once: a returning client is no longer on it */
            m->by_source[c->source].income_support_exits++;
            m->by_source[c->source].income_support_days -= p->horizon_days - sim->now;
            emit(m, ES_MS_INCOME_SUPPORT_EXIT, c);
        }
    }
    schedule_next_checkpoint(m, index);
}

static void on_job_loss(es_sim *sim, const es_event *ev, void *ctx)
{
    (void)sim;
    es_model *m = ctx;
    uint32_t index = (uint32_t)ev->data;
    es_client *c = &m->clients[index];
    c->checkpoint = 0;
    m->by_stream[c->stream].job_losses++;
    m->follow_up--;
    if (c->subsidy_open) { /* the subsidy stops with the job */
        c->subsidy_open = 0;
        es_model_event out = client_event(m, ES_MS_SUBSIDY_END, c);
        out.months = (sim->now - c->job_start_days) / DAYS_PER_MONTH;
        out.subsidised = true;
        notify(m, &out);
    }
    emit(m, ES_MS_JOB_LOSS, c);
    if (gsl_rng_uniform(m->rng_outcome) < m->p->outcomes.return_to_service_prob) {
        m->returned++;
        c->drop_days = INFINITY;
        intake(m, index); /* back through a door: a new assessment, a new plan */
        return;
    }
    free_client(m, index);
}

static void on_warmup(es_sim *sim, const es_event *ev, void *ctx)
{
    (void)ev;
    es_model *m = ctx;
    es_tally_reset(&m->wait_days);
    es_tally_reset(&m->waited);
    memset(m->wait_hist, 0, sizeof m->wait_hist);
    for (int s = 0; s < m->p->nstreams; s++)
        es_tally_reset(&m->by_stream[s].wait_days);
    for (int i = 0; i < m->nsites; i++) {
        es_pool_reset_stats(&m->sites[i].pool, sim->now);
        es_tally_reset(&m->sites[i].wait_days);
    }
}

static void on_month(es_sim *sim, const es_event *ev, void *ctx)
{
    es_model *m = ctx;
    int month = (int)ev->data;
    m->months[month].waiting = m->waiting;
    m->months[month].in_service = m->in_service;
    /* staff time: contacts by channel plus case management, for everyone in service this month */
    if (month + 1 < m->nmonths)
        es_sim_schedule_at(sim, (month + 2) * DAYS_PER_MONTH, (uint32_t)m->ev_month,
                           (uint64_t)(month + 1), NULL);
}

/* Staff hours a provider has worked from the start to `now`. */
static double staff_hours_until(const es_model *m, int provider, double now)
{
    const es_timeavg *load = &m->staff_load[provider];
    return (load->area + load->value * (now - load->last_t)) / DAYS_PER_MONTH;
}

/* A month begins: every live catchment and provider is told (block grants and operational
 * funding are paid per period), with the staff time each provider worked in the month past. */
static void on_period(es_sim *sim, const es_event *ev, void *ctx)
{
    es_model *m = ctx;
    const es_params *p = m->p;
    for (int c = 0; c < p->ncatchments; c++) {
        if (p->catchments[c].start_days > sim->now)
            continue;
        es_model_event out = {.kind = ES_MS_PERIOD, .time = sim->now, .catchment = c,
                              .provider = -1, .site = -1};
        for (int k = 0; k < p->catchments[c].nproviders; k++)
            out.capacity += m->provider_capacity[m->first_provider[c] + k];
        notify(m, &out);
        for (int k = 0; k < p->catchments[c].nproviders; k++) {
            int provider = m->first_provider[c] + k;
            double done = staff_hours_until(m, provider, sim->now);
            out.provider = provider;
            out.capacity = m->provider_capacity[provider];
            out.staff_hours = done - m->staff_hours_done[provider];
            m->staff_hours_done[provider] = done;
            notify(m, &out);
        }
    }
    int next = (int)ev->data + 1;
    if (next * DAYS_PER_MONTH < p->horizon_days)
        es_sim_schedule_at(sim, next * DAYS_PER_MONTH, (uint32_t)m->ev_period, (uint64_t)next, NULL);
}

static void set_site_capacity(es_model *m, int site, int capacity)
{
    uint64_t started[64];
    es_site_state *s = &m->sites[site];
    for (;;) {
        int n = es_pool_set_capacity(&s->pool, m->sim.now, capacity, started, 64);
        for (int i = 0; i < n; i++) {
            es_client *c = &m->clients[started[i]];
            cancel(m, &c->timer);
            c->ticket = 0;
            c->state = ES_CLIENT_IN_SERVICE;
            m->waiting--;
            m->in_service++;
        }
        for (int i = 0; i < n; i++)
            begin_service(m, (uint32_t)started[i]);
        if (n < 64)
            return;
    }
}

static void dip_capacity(es_model *m, int site)
{
    const es_contest_params *k = &m->p->contest;
    int reduced = (int)ceil(m->sites[site].base_capacity * (1.0 - k->capacity_dip));
    set_site_capacity(m, site, reduced < 1 ? 1 : reduced);
    es_sim_schedule(&m->sim, k->transition_days, (uint32_t)m->ev_restore, (uint64_t)site, NULL);
}

static void on_restore(es_sim *sim, const es_event *ev, void *ctx)
{
    (void)sim;
    es_model *m = ctx;
    int site = (int)ev->data;
    set_site_capacity(m, site, m->sites[site].base_capacity);
}


/* SSMs score their providers on the employment rate at exit since the last review and
 * replace those well below the catchment's mean: the caseload moves to the replacement,
 * with a capacity dip while it settles in. */
static void on_provider_review(es_sim *sim, const es_event *ev, void *ctx)
{
    (void)ev;
    es_model *m = ctx;
    const es_params *p = m->p;
    for (int c = 0; c < p->ncatchments; c++) {
        int np = p->catchments[c].nproviders, fp = m->first_provider[c];
        if (np < 2)
            continue;
        uint64_t closed[ES_MAX_PROVIDERS] = {0}, employed[ES_MAX_PROVIDERS] = {0}, all_closed = 0,
                 all_employed = 0;
        for (int i = m->first_site[c]; i < m->first_site[c] + m->nsites_in[c]; i++) {
            int k = m->sites[i].provider - fp;
            closed[k] += m->sites[i].period_closed;
            employed[k] += m->sites[i].period_employed;
        }
        for (int k = 0; k < np; k++) {
            all_closed += closed[k];
            all_employed += employed[k];
        }
        double mean = all_closed ? (double)all_employed / (double)all_closed : 0.0;
        for (int k = 0; k < np; k++) {
            if (closed[k] < 30 || mean <= 0.0)
                continue;
            double score = (double)employed[k] / (double)closed[k];
            if (score >= p->contest.provider_threshold * mean)
                continue;
            m->provider_replacements[fp + k]++;
            for (int i = m->first_site[c]; i < m->first_site[c] + m->nsites_in[c]; i++)
                if (m->sites[i].provider == fp + k)
                    dip_capacity(m, i);
        }
    }
    if (p->contest.ssm_review_days <= 0.0)
        for (int i = 0; i < m->nsites; i++)
            m->sites[i].period_closed = m->sites[i].period_employed = 0;
    es_sim_schedule(sim, p->contest.provider_review_days, (uint32_t)m->ev_provider_review, 0, NULL);
}

static void on_ssm_review(es_sim *sim, const es_event *ev, void *ctx)
{
    (void)ev;
    es_model *m = ctx;
    const es_params *p = m->p;
    uint64_t all_closed = 0, all_employed = 0;
    for (int i = 0; i < m->nsites; i++) {
        all_closed += m->sites[i].period_closed;
        all_employed += m->sites[i].period_employed;
    }
    double mean = all_closed ? (double)all_employed / (double)all_closed : 0.0;
    for (int c = 0; c < p->ncatchments && p->ncatchments > 1; c++) {
        uint64_t closed = 0, employed = 0;
        for (int i = m->first_site[c]; i < m->first_site[c] + m->nsites_in[c]; i++) {
            closed += m->sites[i].period_closed;
            employed += m->sites[i].period_employed;
        }
        if (closed < 30 || mean <= 0.0 || (double)employed / (double)closed >= p->contest.ssm_threshold * mean)
            continue;
        m->ssm_replacements[c]++;
        for (int i = m->first_site[c]; i < m->first_site[c] + m->nsites_in[c]; i++)
            dip_capacity(m, i);
    }
    for (int i = 0; i < m->nsites; i++)
        m->sites[i].period_closed = m->sites[i].period_employed = 0;
    es_sim_schedule(sim, p->contest.ssm_review_days, (uint32_t)m->ev_ssm_review, 0, NULL);
}

/* ---- set-up ------------------------------------------------------------------------------- */

static int alloc_rngs(es_model *m)
{
    const gsl_rng_type *t = es_rng_type_by_name(m->p->rng);
    uint64_t seed = m->p->seed;
    uint32_t rep = m->replication;
    gsl_rng **slots[] = {&m->rng_clients, &m->rng_assess, &m->rng_service, &m->rng_outcome,
                         &m->rng_patience, &m->rng_route, &m->rng_contest, &m->rng_behaviour};
    const char *names[] = {"clients", "assessment", "service", "outcome", "patience", "routing",
                           "contestability", "behaviour"};
    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++)
        if (!(*slots[i] = es_rng_alloc(t, seed, rep, names[i])))
            return ES_ENOMEM;
    m->rng_arrivals = calloc((size_t)m->narrivals, sizeof *m->rng_arrivals);
    if (!m->rng_arrivals)
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

/* One arrival stream per census division of a catchment fed by population, one per catchment
 * with a fixed rate. */
static int init_arrivals(es_model *m)
{
    const es_params *p = m->p;
    int n = 0;
    for (int c = 0; c < p->ncatchments; c++) {
        const es_catchment_params *cp = &p->catchments[c];
        n += cp->arrivals_per_day > 0.0 ? 1 : p->geography.catchments[cp->geo_index].ncds;
    }
    m->arrivals = calloc((size_t)n, sizeof *m->arrivals);
    if (!m->arrivals)
        return ES_ENOMEM;
    for (int c = 0; c < p->ncatchments; c++) {
        const es_catchment_params *cp = &p->catchments[c];
        if (cp->arrivals_per_day > 0.0) {
            m->arrivals[m->narrivals++] =
                (es_arrival_stream){.catchment = c, .cd_index = -1, .base_per_day = cp->arrivals_per_day};
            continue;
        }
        const es_geo_catchment *gc = &p->geography.catchments[cp->geo_index];
        for (int k = 0; k < gc->ncds; k++) {
            const es_census_division *cd = &p->geography.cds[gc->cd_index[k]];
            m->arrivals[m->narrivals++] = (es_arrival_stream){
                .catchment = c, .cd_index = gc->cd_index[k],
                .base_per_day = (double)cd->population * p->intake_per_1000 / 1000.0 / 365.25};
        }
    }
    return ES_OK;
}

static int init_sites(es_model *m)
{
    const es_params *p = m->p;
    for (int c = 0; c < p->ncatchments; c++)
        for (int j = 0; j < p->catchments[c].nproviders; j++)
            m->nsites += p->catchments[c].providers[j].nsites;
    m->sites = calloc((size_t)m->nsites, sizeof *m->sites);
    int nprov = 0;
    for (int c = 0; c < p->ncatchments; c++)
        nprov += p->catchments[c].nproviders;
    m->nproviders = nprov;
    m->provider_replacements = calloc((size_t)nprov, sizeof *m->provider_replacements);
    m->staff_load = calloc((size_t)nprov, sizeof *m->staff_load);
    m->staff_hours_done = calloc((size_t)nprov, sizeof *m->staff_hours_done);
    m->provider_capacity = calloc((size_t)nprov, sizeof *m->provider_capacity);
    m->provider_catchment = calloc((size_t)nprov, sizeof *m->provider_catchment);
    if (!m->sites || !m->provider_replacements || !m->staff_load || !m->staff_hours_done ||
        !m->provider_capacity || !m->provider_catchment)
        return ES_ENOMEM;
    for (int i = 0; i < nprov; i++)
        es_timeavg_reset(&m->staff_load[i], 0.0);
    int k = 0, provider = 0;
    for (int c = 0; c < p->ncatchments; c++) {
        m->first_site[c] = k;
        m->first_provider[c] = provider;
        for (int j = 0; j < p->catchments[c].nproviders; j++, provider++) {
            const es_provider_params *pp = &p->catchments[c].providers[j];
            for (int s = 0; s < pp->nsites; s++, k++) {
                es_site_state *site = &m->sites[k];
                site->catchment = c;
                site->provider = provider;
                site->cd_index = p->has_geography ? es_geography_cd_index(&p->geography, pp->sites[s].cd_uid) : -1;
                site->base_capacity = pp->sites[s].caseload_capacity;
                m->provider_capacity[provider] += site->base_capacity;
                m->provider_catchment[provider] = c;
                es_tally_reset(&site->wait_days);
                es_tally_reset(&site->days_to_job);
                if (es_pool_init(&site->pool, site->base_capacity, 0.0) != ES_OK)
                    return ES_ENOMEM;
            }
        }
        m->nsites_in[c] = k - m->first_site[c];
    }
    return ES_OK;
}

static int init_open_data(es_model *m)
{
    const es_params *p = m->p;
    es_fiscal_years_init(&m->fiscal, p->start_year, p->start_month, p->start_day, p->horizon_days);
    m->first_fiscal_year = m->fiscal.first;
    m->nfiscal_years = m->fiscal.n;
    int ncd = p->has_geography ? p->geography.ncds : 0;
    size_t fy = (size_t)m->nfiscal_years;
    m->open_site = calloc(fy * (size_t)m->nsites * ES_OPEN_DATA_COLUMNS, sizeof *m->open_site);
    m->assisted_site = calloc(fy * (size_t)m->nsites, sizeof *m->assisted_site);
    m->open_cd = calloc(fy * (size_t)(ncd ? ncd : 1) * ES_OPEN_DATA_COLUMNS, sizeof *m->open_cd);
    m->assisted_cd = calloc(fy * (size_t)(ncd ? ncd : 1), sizeof *m->assisted_cd);
    return m->open_site && m->assisted_site && m->open_cd && m->assisted_cd ? ES_OK : ES_ENOMEM;
}

static int register_events(es_model *m)
{
    es_sim *s = &m->sim;
    m->ev_arrival = es_sim_register(s, on_arrival, m);
    m->ev_renege = es_sim_register(s, on_renege, m);
    m->ev_phase_end = es_sim_register(s, on_phase_end, m);
    m->ev_dropout = es_sim_register(s, on_dropout, m);
    m->ev_review = es_sim_register(s, on_review, m);
    m->ev_transfer = es_sim_register(s, on_transfer, m);
    m->ev_checkpoint = es_sim_register(s, on_checkpoint, m);
    m->ev_job_loss = es_sim_register(s, on_job_loss, m);
    m->ev_warmup = es_sim_register(s, on_warmup, m);
    m->ev_month = es_sim_register(s, on_month, m);
    m->ev_provider_review = es_sim_register(s, on_provider_review, m);
    m->ev_ssm_review = es_sim_register(s, on_ssm_review, m);
    m->ev_restore = es_sim_register(s, on_restore, m);
    m->ev_period = es_sim_register(s, on_period, m);
    m->ev_vacancy = es_sim_register(s, on_vacancy, m);
    m->ev_search_end = es_sim_register(s, on_search_end, m);
    m->ev_subsidy_end = es_sim_register(s, on_subsidy_end, m);
    return m->ev_subsidy_end < 0 ? ES_ENOMEM : ES_OK;
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
    es_tally_reset(&m->wait_days);
    es_tally_reset(&m->waited);
    for (int s = 0; s < ES_MAX_STREAMS; s++) {
        es_tally_reset(&m->by_stream[s].wait_days);
        es_tally_reset(&m->by_stream[s].days_to_job);
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
        rc = init_arrivals(m);
    if (rc == ES_OK)
        rc = alloc_rngs(m);
    if (rc == ES_OK)
        rc = init_sites(m);
    if (rc == ES_OK)
        rc = init_open_data(m);
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
    free(m->sites);
    free(m->provider_replacements);
    free(m->staff_load);
    free(m->staff_hours_done);
    free(m->provider_capacity);
    free(m->provider_catchment);
    gsl_rng *rngs[] = {m->rng_clients, m->rng_assess, m->rng_service, m->rng_outcome,
                       m->rng_patience, m->rng_route, m->rng_contest, m->rng_behaviour};
    for (size_t i = 0; i < sizeof rngs / sizeof rngs[0]; i++)
        gsl_rng_free(rngs[i]);
    if (m->rng_arrivals)
        for (int i = 0; i < m->narrivals; i++)
            gsl_rng_free(m->rng_arrivals[i]);
    free(m->rng_arrivals);
    free(m->arrivals);
    es_sim_destroy(&m->sim);
    free(m->clients);
    free(m->free_clients);
    free(m->months);
    free(m->open_site);
    free(m->open_cd);
    free(m->assisted_site);
    free(m->assisted_cd);
    if (m->lm_on)
        es_labour_destroy(&m->lm);
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

/* Clients already waiting when a catchment's intake begins (spread over its sites). */
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
    int rc = ES_OK;
    for (int i = 0; i < m->narrivals && rc == ES_OK; i++) {
        double first = next_arrival(m, i, p->catchments[m->arrivals[i].catchment].start_days);
        if (first <= p->horizon_days)
            rc = es_sim_schedule_at(&m->sim, first, (uint32_t)m->ev_arrival, (uint64_t)i, NULL);
    }
    for (int i = 0; m->lm_on && i < m->lm.nstreams && rc == ES_OK; i++) {
        double first = next_posting(m, i, p->catchments[m->lm.streams[i].catchment].start_days);
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
            double done = staff_hours_until(m, provider, m->sim.now);
            es_model_event out = {.kind = ES_MS_PERIOD, .time = m->sim.now, .catchment = c,
                                  .provider = provider, .site = -1,
                                  .staff_hours = done - m->staff_hours_done[provider]};
            m->staff_hours_done[provider] = done;
            notify(m, &out);
        }
    }
}

int es_model_run(es_model *m, es_error *err)
{
    int rc = es_model_start(m, err);
    if (rc)
        return rc;
    es_sim_run(&m->sim, m->p->horizon_days);
    report_last_month(m);
    if (m->sim.stopped)
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory in replication %u",
                            m->replication);
    return ES_OK;
}

/* ---- results ------------------------------------------------------------------------------ */

static double ratio(double num, double den) { return den > 0.0 ? num / den : 0.0; }

#define ADD(measure, group, value) rc |= es_results_add(r, measure, group, ES_RESULTS_WHOLE_RUN, (double)(value))

static int collect_stream(const es_model *m, es_results *r, const char *group,
                          const es_stream_counts *sc, uint64_t served_total)
{
    int rc = 0;
    uint64_t closed = sc->completed + sc->dropped;
    ADD("clients_assessed", group, sc->assessed);
    ADD("stream_share", group, ratio((double)sc->assessed, (double)m->arrived));
    ADD("true_need_share", group, ratio((double)sc->true_need, (double)m->arrived));
    ADD("clients_served", group, sc->served);
    ADD("services_completed", group, sc->completed);
    ADD("clients_dropped_out", group, sc->dropped);
    ADD("clients_reneged", group, sc->reneged);
    ADD("transfers", group, sc->transfers);
    ADD("training_exits", group, sc->training_exits);
    ADD("job_starts", group, sc->job_starts);
    ADD("employment_rate_at_exit", group, ratio((double)sc->job_starts, (double)closed));
    ADD("employed_20h_at_exit_rate_completers", group,
        ratio((double)sc->completers_employed_20h, (double)sc->completed));
    static const char *const emp[4] = {"employed_1m", "employed_3m", "employed_6m", "employed_12m"};
    static const char *const rate[4] = {"employed_1m_rate", "employed_3m_rate", "employed_6m_rate",
                                        "employed_12m_rate"};
    static const char *const funded[4] = {"funded_outcomes_1m", "funded_outcomes_3m",
                                          "funded_outcomes_6m", "funded_outcomes_12m"};
    for (int k = 0; k < 4; k++) {
        ADD(emp[k], group, sc->employed[k]);
        /* of the job starts whose checkpoint falls within the horizon */
        ADD(rate[k], group, ratio((double)sc->employed[k], (double)sc->reachable[k]));
        ADD(funded[k], group, sc->funded[k]);
    }
    ADD("job_losses", group, sc->job_losses);
    ADD("reassessed_into", group, sc->reassessed_in);
    ADD("reassessed_out_of", group, sc->reassessed_out);
    ADD("clients_parked", group, sc->parked);
    ADD("parked_share", group, ratio((double)sc->parked, (double)sc->served));
    ADD("stream_staff_hours", group, sc->staff_hours);
    ADD("service_share", group, ratio((double)sc->served, (double)served_total));
    ADD("mean_wait_days", group, es_tally_mean(&sc->wait_days));
    ADD("mean_days_to_job", group, es_tally_mean(&sc->days_to_job));
    return rc;
}

static void merge_tally(es_tally *into, const es_tally *t)
{
    if (t->n == 0)
        return;
    uint64_t n = into->n + t->n;
    double d = t->mean - into->mean;
    into->m2 += t->m2 + d * d * (double)into->n * (double)t->n / (double)n;
    into->mean += d * (double)t->n / (double)n;
    into->n = n;
}

static int collect_flows(const es_model *m, es_results *r)
{
    int rc = 0;
    ADD("clients_arrived", "all", m->arrived);
    ADD("clients_returned", "all", m->returned);
    ADD("clients_waiting_end", "all", m->waiting);
    ADD("clients_in_service_end", "all", m->in_service);
    ADD("clients_exited", "all", m->exited);
    ADD("clients_in_follow_up_end", "all", m->follow_up);
    ADD("peak_active_clients", "all", m->peak_active);
    ADD("plans_opened", "all", m->plans_opened);
    for (int k = 0; k < ES_NCLOSURES; k++)
        ADD("plans_closed", es_closure_names[k], m->plans_closed_by[k]);
    ADD("plans_active_end", "all", m->active_plans);
    ADD("plan_rule_violations", "all", m->plan_violations);
    ADD("transfers_refused_without_consent", "all", m->transfers_refused);
    double staff = 0.0;
    for (int i = 0; i < m->nproviders; i++)
        staff += staff_hours_until(m, i, m->sim.now);
    ADD("staff_hours", "all", staff);
    for (int ch = 0; ch < ES_NCHANNELS; ch++)
        ADD("channel_share", es_channel_names[ch], ratio((double)m->channel_count[ch], (double)m->arrived));
    return rc;
}

static int collect_sources(const es_model *m, es_results *r)
{
    int rc = 0;
    uint64_t sa_closed = 0, sa_emp = 0, other_closed = 0, other_emp = 0;
    for (int s = 0; s < ES_NSOURCES; s++) {
        const es_source_counts *sc = &m->by_source[s];
        const char *g = es_source_names[s];
        ADD("clients_arrived", g, sc->arrivals);
        ADD("employment_rate_at_exit", g, ratio((double)sc->employed_at_exit, (double)sc->closed));
        ADD("employed_3m", g, sc->employed_3m);
        bool sa = s == ES_SRC_OW || s == ES_SRC_ODSP;
        if (sa) {
            ADD("income_support_exits", g, sc->income_support_exits);
            ADD("mean_months_on_income_support", g,
                ratio(sc->income_support_days / ES_DAYS_PER_MONTH_AVG, (double)sc->arrivals));
            sa_closed += sc->closed;
            sa_emp += sc->employed_at_exit;
        } else {
            other_closed += sc->closed;
            other_emp += sc->employed_at_exit;
        }
    }
    double sa_rate = ratio((double)sa_emp, (double)sa_closed);
    double other_rate = ratio((double)other_emp, (double)other_closed);
    ADD("employment_rate_at_exit", "social assistance", sa_rate);
    ADD("employment_rate_at_exit", "other clients", other_rate);
    ADD("employment_gap_sa_vs_other", "all", other_rate - sa_rate);
    return rc;
}

static int collect_units(const es_model *m, es_results *r)
{
    const es_params *p = m->p;
    int rc = 0;
    for (int level = 1; level <= 2; level++) {
        int nunits = level == 1 ? m->nproviders : p->ncatchments;
        for (int u = 0; u < nunits; u++) {
            uint64_t served = 0, closed = 0, emp = 0, emp_k[4] = {0}, reach_k[4] = {0}, prio = 0;
            es_tally wait, to_job;
            es_tally_reset(&wait);
            es_tally_reset(&to_job);
            char group[ES_NAME_MAX * 2 + 16] = "";
            for (int i = 0; i < m->nsites; i++) {
                const es_site_state *s = &m->sites[i];
                if ((level == 1 ? s->provider : s->catchment) != u)
                    continue;
                served += s->served;
                closed += s->closed;
                emp += s->employed_at_exit;
                prio += s->priority_served;
                for (int k = 0; k < 4; k++) {
                    emp_k[k] += s->employed[k];
                    reach_k[k] += s->reachable[k];
                }
                merge_tally(&wait, &s->wait_days);
                merge_tally(&to_job, &s->days_to_job);
                const es_catchment_params *cp = &p->catchments[s->catchment];
                if (level == 1)
                    snprintf(group, sizeof group, "provider=%s",
                             cp->providers[s->provider - m->first_provider[s->catchment]].name);
                else
                    snprintf(group, sizeof group, "catchment=%s", cp->name);
            }
            ADD("kpi_clients_served", group, served);
            ADD("kpi_employment_rate_at_exit", group, ratio((double)emp, (double)closed));
            /* of the job starts whose checkpoint falls within the horizon */
            ADD("kpi_employed_3m_rate", group, ratio((double)emp_k[1], (double)reach_k[1]));
            ADD("kpi_employed_6m_rate", group, ratio((double)emp_k[2], (double)reach_k[2]));
            ADD("kpi_employed_12m_rate", group, ratio((double)emp_k[3], (double)reach_k[3]));
            ADD("kpi_mean_days_to_job", group, es_tally_mean(&to_job));
            ADD("kpi_priority_group_share", group, ratio((double)prio, (double)served));
            ADD("kpi_mean_wait_days", group, es_tally_mean(&wait));
            if (level == 1)
                ADD("kpi_replacements", group, m->provider_replacements[u]);
            else
                ADD("kpi_replacements", group, m->ssm_replacements[u]);
        }
    }
    return rc;
}

static int add_labour_measures(es_results *r, const char *group, const es_lm_catchment *lc)
{
    int rc = 0;
    uint64_t filled = lc->filled_by_clients + lc->filled_by_others;
    ADD("registered_employers", group, llround(lc->registered_employers));
    ADD("vacancies_posted", group, lc->posted);
    ADD("vacancies_filled", group, filled);
    ADD("vacancies_filled_by_clients", group, lc->filled_by_clients);
    ADD("vacancies_filled_by_others", group, lc->filled_by_others);
    ADD("vacancies_expired", group, lc->withdrawn);
    ADD("vacancies_open_end", group, lc->open);
    ADD("mean_days_to_fill", group, es_tally_mean(&lc->fill_days));
    ADD("share_filled_by_clients", group, ratio((double)lc->filled_by_clients, (double)filled));
    ADD("job_searches", group, lc->search_started);
    ADD("job_searches_matched", group, lc->search_matched);
    ADD("job_searches_unmatched", group, lc->search_unmatched);
    ADD("clients_searching_end", group, lc->searchers);
    ADD("mean_search_days", group, es_tally_mean(&lc->search_days));
    ADD("subsidised_placements", group, lc->subsidised);
    ADD("stacked_placements", group, lc->stacked_jobs);
    uint64_t counted = 0, refused = 0, unfunded = 0;
    double worst = 0.0;
    for (int k = 0; k < 4; k++) {
        counted += lc->stacked_counted[k];
        refused += lc->stacked_refused[k];
        unfunded += lc->subsidy_unfunded[k];
        worst = fmax(worst, ratio((double)lc->stacked_counted[k], (double)lc->employed_at[k]));
    }
    ADD("stacked_funded_outcomes", group, counted);
    ADD("stacked_outcomes_over_allowance", group, refused);
    ADD("stacked_outcome_share_max", group, worst);
    ADD("subsidised_outcomes_not_funded", group, unfunded);
    return rc;
}

/* Employer-side measures, per catchment and for all: vacancies posted = filled by clients +
 * filled from outside + withdrawn unfilled + open at the end. */
static int collect_labour(const es_model *m, es_results *r)
{
    const es_params *p = m->p;
    const es_labour *l = &m->lm;
    int rc = 0;
    es_lm_catchment all = {0};
    es_tally_reset(&all.fill_days);
    es_tally_reset(&all.search_days);
    for (int c = 0; c < p->ncatchments; c++) {
        char group[ES_NAME_MAX + 16];
        es_lm_catchment lc = l->by_catchment[c];
        uint64_t open, others, withdrawn;
        es_labour_count_open(l, c, m->sim.now, &open, &others, &withdrawn, &lc.fill_days);
        lc.open = open;
        lc.filled_by_others += others;
        lc.withdrawn += withdrawn;
        uint64_t *dst = &all.posted;
        const uint64_t *src = &lc.posted;
        size_t ncounts = (size_t)((const uint64_t *)&lc.fill_days - &lc.posted);
        for (size_t i = 0; i < ncounts; i++)
            dst[i] += src[i];
        merge_tally(&all.fill_days, &lc.fill_days);
        merge_tally(&all.search_days, &lc.search_days);
        all.registered_employers += lc.registered_employers;
        snprintf(group, sizeof group, "catchment=%s", p->catchments[c].name);
        rc |= add_labour_measures(r, group, &lc);
    }
    rc |= add_labour_measures(r, "all", &all);
    for (int i = 0; i < p->labour.nindustries; i++) {
        char group[ES_NAME_MAX + 16];
        snprintf(group, sizeof group, "industry=%s", p->labour.industries[i].name);
        ADD("vacancies_posted", group, l->posted_by_industry[i]);
    }
    ADD("peak_open_vacancies", "all", l->peak_open);
    return rc;
}

/* The waiting-time distribution: the share of service starts after warm-up that came within N
 * days of arrival (waits shorter than N days), for all clients and by stream. */
static int collect_wait_distribution(const es_model *m, es_results *r)
{
    static const int days[] = {1,   7,   14,  21,  28,  35,  42,  49,  56,  63,  70,
                               77,  84,  91,  98,  105, 112, 119, 126, 133, 140, 147,
                               154, 161, 168, 175, 182, 273, 365};
    const es_params *p = m->p;
    int rc = 0;
    for (int s = -1; s < p->nstreams; s++) {
        uint64_t total = 0;
        for (int k = 0; k <= ES_WAIT_HIST_DAYS; k++)
            for (int t = 0; t < p->nstreams; t++)
                if (s < 0 || t == s)
                    total += m->wait_hist[t][k];
        uint64_t within = 0;
        int bin = 0;
        for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
            for (; bin < days[i]; bin++)
                for (int t = 0; t < p->nstreams; t++)
                    if (s < 0 || t == s)
                        within += m->wait_hist[t][bin];
            char group[ES_NAME_MAX + 16];
            snprintf(group, sizeof group, "%s;days=%d", s < 0 ? "all" : p->streams[s].name, days[i]);
            ADD("share_started_within", group, ratio((double)within, (double)total));
        }
    }
    return rc;
}

int es_model_collect(const es_model *m, es_results *r)
{
    const es_params *p = m->p;
    double now = m->sim.now;
    int rc = collect_flows(m, r);

    es_stream_counts all = {0};
    es_tally_reset(&all.wait_days);
    es_tally_reset(&all.days_to_job);
    for (int s = 0; s < p->nstreams; s++) {
        const es_stream_counts *sc = &m->by_stream[s];
        uint64_t *dst = &all.assessed;
        const uint64_t *src = &sc->assessed;
        size_t ncounts = (size_t)((const uint64_t *)&sc->wait_days - &sc->assessed);
        for (size_t i = 0; i < ncounts; i++)
            dst[i] += src[i];
        merge_tally(&all.days_to_job, &sc->days_to_job);
        all.staff_hours += sc->staff_hours;
    }
    all.wait_days = m->wait_days;
    rc |= collect_stream(m, r, "all", &all, all.served);
    ADD("prob_wait", "all", es_tally_mean(&m->waited));
    for (int s = 0; s < p->nstreams; s++)
        rc |= collect_stream(m, r, p->streams[s].name, &m->by_stream[s], all.served);
    rc |= collect_sources(m, r);
    rc |= collect_wait_distribution(m, r);

    /* utilisation: place-days used over place-days available while each catchment is live */
    double queue = 0.0, busy_days = 0.0, place_days = 0.0;
    for (int i = 0; i < m->nsites; i++) {
        const es_pool *pool = &m->sites[i].pool;
        queue += es_timeavg_mean(&pool->queue_avg, now);
        double from = pool->busy_avg.start;
        busy_days += es_timeavg_mean(&pool->busy_avg, now) * (now - from);
        double live_from = fmax(from, p->catchments[m->sites[i].catchment].start_days);
        place_days += m->sites[i].base_capacity * fmax(0.0, now - live_from);
    }
    ADD("mean_queue_length", "all", queue);
    ADD("utilisation", "all", ratio(busy_days, place_days));
    double staff = 0.0;
    for (int i = 0; i < m->nproviders; i++)
        staff += staff_hours_until(m, i, now);
    ADD("staff_hours_per_client_served", "all", ratio(staff, (double)all.served));

    uint64_t wrong = 0, replaced = 0, ssm_replaced = 0;
    for (int t = 0; t < p->nstreams; t++)
        for (int a = 0; a < p->nstreams; a++) {
            char group[80];
            snprintf(group, sizeof group, "true %s, assessed %s", p->streams[t].name,
                     p->streams[a].name);
            ADD("assessment_share", group, ratio((double)m->confusion[t][a], (double)m->arrived));
            if (t != a)
                wrong += m->confusion[t][a];
        }
    ADD("misclassified_share", "all", ratio((double)wrong, (double)m->arrived));
    for (int i = 0; i < m->nproviders; i++)
        replaced += (uint64_t)m->provider_replacements[i];
    for (int c = 0; c < p->ncatchments; c++)
        ssm_replaced += (uint64_t)m->ssm_replacements[c];
    ADD("provider_replacements", "all", replaced);
    ADD("ssm_replacements", "all", ssm_replaced);
    rc |= collect_units(m, r);
    if (m->lm_on)
        rc |= collect_labour(m, r);

    for (int k = 0; k < m->nmonths; k++) {
        es_month_snapshot snap = m->months[k];
        if (k == m->nmonths - 1) {
            snap.waiting = m->waiting;
            snap.in_service = m->in_service;
        }
        uint64_t arrivals = 0;
        for (int s = 0; s < p->nstreams; s++) {
            rc |= es_results_add(r, "arrivals", p->streams[s].name, k, (double)snap.arrivals[s]);
            arrivals += snap.arrivals[s];
        }
        rc |= es_results_add(r, "arrivals", "all", k, (double)arrivals);
        rc |= es_results_add(r, "waiting", "all", k, (double)snap.waiting);
        rc |= es_results_add(r, "in_service", "all", k, (double)snap.in_service);
        rc |= es_results_add(r, "job_starts", "all", k, (double)snap.job_starts);
        rc |= es_results_add(r, "plans_closed", "all", k, (double)snap.plans_closed);
        if (m->lm_on) {
            rc |= es_results_add(r, "vacancies_posted", "all", k, (double)snap.vacancies_posted);
            rc |= es_results_add(r, "vacancies_filled_by_clients", "all", k,
                                 (double)snap.vacancies_filled);
        }
    }
    return rc ? ES_ENOMEM : ES_OK;
}

void es_model_take_open_tables(es_model *m, es_open_tables *t)
{
    *t = (es_open_tables){.first_fiscal_year = m->first_fiscal_year,
                          .nfiscal_years = m->nfiscal_years, .nsites = m->nsites,
                          .ncds = m->p->has_geography ? m->p->geography.ncds : 0,
                          .site = m->open_site, .cd = m->open_cd,
                          .assisted_site = m->assisted_site, .assisted_cd = m->assisted_cd};
    m->open_site = m->open_cd = m->assisted_site = m->assisted_cd = NULL;
}

void es_open_tables_destroy(es_open_tables *t)
{
    free(t->site);
    free(t->cd);
    free(t->assisted_site);
    free(t->assisted_cd);
    *t = (es_open_tables){0};
}

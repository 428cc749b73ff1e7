/* Job search and matching: vacancies posted by employers, job-ready clients offered the
 * catchment's open vacancies, hires, wage subsidies and the end of the search. */
#include "model/system.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "engine/index_list.h"
#include "engine/rng.h"
#include "model/assessment.h"
#include "model/calendar.h"
#include "model/client.h"
#include "model/model_internal.h"

/* ---- the labour market: vacancies and job search ------------------------------------------- */

static const es_provider_params *provider_params(const es_model *m, const es_client *c)
{
    int provider = m->sites[c->site].provider;
    return &m->p->catchments[c->catchment].providers[provider - m->first_provider[c->catchment]];
}

/* Whether a job-ready client offered a vacancy is hired into it. */
static bool accepts(es_model *m, es_client *c, const es_vacancy *x)
{
    const es_params *p = m->p;
    const es_labour_params *lm = &p->labour;
    double logit = lm->match_base + p->streams[c->stream].match_effect +
                   lm->industries[x->industry].match_effect +
                   (c->trained ? lm->training_effect : 0.0) +
                   (provider_params(m, c)->job_developers ? lm->developer_effect : 0.0) +
                   (c->subsidy_offered ? lm->subsidy_effect : 0.0);
    return gsl_rng_uniform(es_client_rng(m, c, ES_DRAW_MATCH)) < es_model_expit(logit);
}

/* A catchment's clients in job search, linked through es_client.search_prev and .search_next. */
static es_index_list search_list(es_model *m, int catchment)
{
    es_lm_catchment *lc = &m->lm.by_catchment[catchment];
    return (es_index_list){.records = m->clients, .stride = sizeof *m->clients,
                           .prev = offsetof(es_client, search_prev),
                           .next = offsetof(es_client, search_next), .head = &lc->search_head,
                           .tail = &lc->search_tail};
}

static void search_append(es_model *m, uint32_t index)
{
    es_client *c = &m->clients[index];
    es_lm_catchment *lc = &m->lm.by_catchment[c->catchment];
    c->searching = 1;
    es_index_list_append(search_list(m, c->catchment), index);
    lc->searchers++;
}

/* A client leaves job search, matched or not; the time searched is counted. */
static void search_leave(es_model *m, uint32_t index)
{
    es_client *c = &m->clients[index];
    es_lm_catchment *lc = &m->lm.by_catchment[c->catchment];
    if (c->searching) {
        es_index_list_remove(search_list(m, c->catchment), index);
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
        es_vacancy_list_remove(&m->lm, v);
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
        gsl_rng_uniform(es_client_rng(m, c, ES_DRAW_STACKING)) < lm->stacking_prob) {
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
    es_service_exit(m, index, ES_CLOSE_EMPLOYED);
}

void es_matching_leave_search(es_model *m, uint32_t index)
{
    es_model_cancel(m, &m->clients[index].timer); /* the end of the search */
    search_leave(m, index);
}

/* A job-ready client who has finished services looks at the catchment's open vacancies,
 * oldest first; unmatched, the client keeps the place and waits for new vacancies. */
void es_matching_enter_search(es_model *m, uint32_t index)
{
    const es_labour_params *lm = &m->p->labour;
    es_client *c = &m->clients[index];
    es_lm_catchment *lc = &m->lm.by_catchment[c->catchment];
    es_model_cancel(m, &c->review);
    es_model_cancel(m, &c->transfer);
    c->subsidy_offered = gsl_rng_uniform(es_client_rng(m, c, ES_DRAW_SUBSIDY)) <
                         m->p->streams[c->stream].subsidy_prob;
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
        es_service_exit(m, index, ES_CLOSE_UNEMPLOYED);
        return;
    }
    search_append(m, index);
    es_sim_schedule(&m->sim, lm->max_search_days, (uint32_t)m->ev_search_end, index, &c->timer);
}

void es_matching_on_search_end(es_model *m, uint32_t index, es_client *c)
{
    c->timer = 0;
    search_leave(m, index);
    m->lm.by_catchment[c->catchment].search_unmatched++;
    es_service_exit(m, index, ES_CLOSE_UNEMPLOYED);
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

double es_matching_next_posting(es_model *m, int stream, double from)
{
    return es_model_next_event_time(m, m->lm.rng_post[stream], posting_rate, stream, from);
}

/* A registered employer posts a vacancy: offered to the clients searching longest, else open
 * until it is filled from outside or withdrawn. */
void es_matching_on_vacancy(es_sim *sim, const es_event *ev, void *ctx)
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
    double next = es_matching_next_posting(m, stream, sim->now);
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
    double wage = es_model_draw_wage(m, p->outcomes.wage_mean * ip->wage_factor, r);
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
    es_vacancy_sweep(&m->lm, s->catchment, sim->now, 2);
    uint32_t ci = lc->search_head;
    for (int k = 0; k < lm->offers_per_search && ci != ES_NONE; k++) {
        uint32_t after = m->clients[ci].search_next;
        if (accepts(m, &m->clients[ci], x)) {
            es_model_cancel(m, &m->clients[ci].timer); /* the search deadline */
            search_leave(m, ci);
            hire(m, ci, v, false);
            return;
        }
        ci = after;
    }
    es_vacancy_list_append(&m->lm, v);
}

/* A placement's wage subsidy has run its months with the job still on. */
void es_matching_on_subsidy_end(es_model *m, uint32_t index, es_client *c)
{
    c->checkpoint = 0;
    c->subsidy_open = 0;
    es_model_event out = es_model_client_event(m, ES_MS_SUBSIDY_END, c);
    out.months = m->p->labour.subsidy_months;
    out.subsidised = true;
    es_model_notify(m, &out);
    es_followup_schedule_next(m, index);
}

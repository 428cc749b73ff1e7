/* Intake: clients arriving through every door, the common assessment that segments them into
 * streams, and reassessment during service. */
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
#include "model/model_internal.h"

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

double es_intake_next_arrival(es_model *m, int stream, double from)
{
    return es_model_next_event_time(m, m->rng_arrivals[stream], intake_rate, stream, from);
}

static int draw_cd(es_model *m, es_client *c, int catchment)
{
    const es_params *p = m->p;
    int g = p->catchments[catchment].geo_index;
    if (g < 0)
        return -1;
    const es_geo_catchment *gc = &p->geography.catchments[g];
    double total = 0.0;
    for (int k = 0; k < gc->ncds; k++)
        total += (double)p->geography.cds[gc->cd_index[k]].population;
    double u = gsl_rng_uniform(es_client_rng(m, c, ES_DRAW_ATTRIBUTES)) * total;
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
                       ? gsl_ran_gaussian_ziggurat(es_client_rng(m, c, ES_DRAW_ASSESS),
                                                   p->assessment_noise_sd)
                       : 0.0;
    c->stream = (int16_t)es_stream_of(p->thresholds, p->nstreams, c->need + noise);
}

/* A client (new or returning) comes through a door: assessment, routing, queue. */
void es_intake(es_model *m, uint32_t index, bool returning)
{
    const es_params *p = m->p;
    es_client *c = &m->clients[index];
    c->trained = c->searching = c->subsidy_offered = c->subsidised = c->subsidy_open = 0;
    c->stacked = 0;
    c->deadweight = 0; /* a later episode's job is not the first episode's */
    assess(m, c);
    c->true_stream = (int16_t)es_stream_of(p->need_thresholds, p->nstreams, c->need);
    c->site = (int16_t)es_routing_choose_site(m, c, -1);
    c->arrival_days = c->intake_days = m->sim.now;
    if (!returning) /* a client back after a job loss searches as its spells say */
        es_own_search_start(m, index);
    if (es_service_join_site(m, index))
        es_service_defer_start(m, index);
    es_model_event in = es_model_client_event(m, ES_MS_INTAKE, c);
    in.true_stream = c->true_stream;
    in.channel = c->channel;
    in.returning = returning;
    es_model_notify(m, &in);
    es_model_emit(m, ES_MS_ASSESSED, c);
    es_service_flush_starts(m);
}

void es_intake_on_arrival(es_sim *sim, const es_event *ev, void *ctx)
{
    es_model *m = ctx;
    const es_params *p = m->p;
    int stream = (int)(ev->data & 0xffffffffu);
    bool on_initial_list = ev->data >> 32; /* already waiting when es_intake began */
    const es_arrival_stream *a = &m->arrivals[stream];
    if (!on_initial_list) {
        double next = es_intake_next_arrival(m, stream, sim->now);
        if (next <= p->horizon_days)
            es_sim_schedule_at(sim, next, (uint32_t)m->ev_arrival, ev->data, NULL);
    }
    uint32_t index;
    if (es_model_new_client(m, &index) != ES_OK) {
        es_sim_stop(sim);
        return;
    }
    es_client *c = &m->clients[index];
    /* the client's numbers are its own: keyed by its arrival process and its rank in it */
    uint64_t entity = (uint64_t)stream << 40 | ++m->drawn_keys[stream];
    *c = (es_client){.id = ++m->next_client_id,
                     .draw_key = es_rng_entity_key(p->seed, m->replication, entity),
                     .catchment = (int16_t)a->catchment, .drop_days = INFINITY,
                     .is_exit_days = INFINITY, .is_return_days = INFINITY};
    int cd = a->cd_index >= 0 ? a->cd_index : draw_cd(m, c, a->catchment);
    es_attributes at;
    bool rural = cd >= 0 && es_cd_is_rural(p, &p->geography.cds[cd]);
    gsl_rng *r = es_client_rng(m, c, ES_DRAW_ATTRIBUTES);
    es_attributes_draw(p, r, rural, &at);
    es_groups_draw(p, es_client_rng(m, c, ES_DRAW_GROUPS), &at);
    r = es_client_rng(m, c, ES_DRAW_ATTRIBUTES); /* bound again: its draws go on where they were */
    c->cd = (int16_t)cd;
    c->source = (uint8_t)at.source;
    c->channel = (uint8_t)at.channel;
    c->disability = at.disability;
    c->language_barrier = at.language_barrier;
    c->rural = at.rural;
    c->youth = at.age == ES_AGE_15_24;
    c->groups = (uint8_t)es_groups_of(&at);
    c->need = (float)es_need_score(p, &at, r);
    es_intake(m, index, false);
}

void es_intake_on_review(es_model *m, uint32_t index, es_client *c)
{
    c->review = 0;
    es_plan_check(m, c);
    int before = c->stream;
    /* the review corrects the stream (the caseworker now knows the client) with
     * assessment.review_correction_prob; otherwise the assessment is taken again, as noisy */
    double correct = m->p->assessment_review_correction_prob;
    if (correct > 0.0 && gsl_rng_uniform(es_client_rng(m, c, ES_DRAW_ASSESS)) < correct)
        c->stream = c->true_stream;
    else
        assess(m, c);
    if (c->stream == before)
        return;
    es_model_event out = es_model_client_event(m, ES_MS_REASSESSED, c);
    out.previous_stream = before;
    es_model_notify(m, &out);
    /* the current phase continues at the new stream's pace: a fresh duration for the phase,
     * less the time already spent in it */
    double elapsed = m->sim.now - c->phase_start_days;
    const es_dist *phase_days = &m->p->streams[c->stream].services[c->phase].days;
    double redrawn = es_model_draw(es_client_rng(m, c, ES_DRAW_SERVICE), phase_days);
    es_model_cancel(m, &c->timer);
    es_service_schedule_phase(m, index, fmax(0.0, redrawn - elapsed));
}

/* One arrival stream per census division of a catchment fed by population, one per catchment
 * with a fixed rate. */
/* New clients a day from a census division, before seasonality. */
static double cd_rate(const es_params *p, const es_census_division *cd)
{
    return (double)cd->population * p->intake_per_1000 / 1000.0 / 365.25;
}

void es_intake_refresh_rates(es_model *m)
{
    for (int i = 0; i < m->narrivals; i++)
        if (m->arrivals[i].cd_index >= 0)
            m->arrivals[i].base_per_day = cd_rate(m->p, &m->p->geography.cds[m->arrivals[i].cd_index]);
}

int es_intake_init(es_model *m)
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
                .base_per_day = cd_rate(p, cd)};
        }
    }
    return ES_OK;
}

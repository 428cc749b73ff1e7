/* Service: waiting for a caseload place, service plans and their phases, dropouts and reneging,
 * transfers between providers, and the end of service. */
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
    else {
        es_counts_stay(m, c, c->staff_rate * (m->sim.now - c->service_start_days) / DAYS_PER_MONTH);
        es_cohorts_stay(m, c, c->service_start_days, m->sim.now);
    }
    es_timeavg *load = &m->staff_load[m->sites[c->site].provider];
    es_timeavg_set(load, m->sim.now, load->value + sign * c->staff_rate);
}

void es_service_schedule_phase(es_model *m, uint32_t index, double duration)
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

/* Service begins for a client whose place is already counted in m->in_service. */
void es_service_begin(es_model *m, uint32_t index)
{
    const es_params *p = m->p;
    es_client *c = &m->clients[index];
    const es_stream_params *sp = &p->streams[c->stream];
    c->state = ES_CLIENT_IN_SERVICE;
    c->service_start_days = m->sim.now;
    es_own_search_set_rate(m, index, p->outcomes.search_while_in_service);
    c->parked = p->behaviour.enabled &&
                gsl_rng_uniform(es_client_rng(m, c, ES_DRAW_BEHAVIOUR)) < m->park_prob[c->stream];
    add_staff_load(m, c, +1.0);
    es_plan_open(m, c, c->carried);
    es_model_event ev = es_model_client_event(m, ES_MS_PLAN_AGREED, c);
    ev.since_arrival_days = m->sim.now - c->arrival_days; /* the wait */
    ev.parked = c->parked;
    es_model_notify(m, &ev);
    if (c->carried) { /* a transfer: the new provider carries on with the services left */
        c->carried = 0;
        c->drop_days = m->sim.now + c->carry_drop_days;
        es_service_schedule_phase(m, index, c->carry_days);
        return;
    }

    /* the plan's sub-goals: employment services always; specialised services by need; training
     * always for a training goal, else by the stream's share */
    c->services_left = 1u << ES_SVC_EMPLOYMENT;
    const es_service_params *spec = &sp->services[ES_SVC_SPECIALIZED];
    if (spec->prob > 0.0 &&
        (c->disability || gsl_rng_uniform(es_client_rng(m, c, ES_DRAW_SERVICE)) < spec->prob))
        c->services_left |= 1u << ES_SVC_SPECIALIZED;
    if (gsl_rng_uniform(es_client_rng(m, c, ES_DRAW_SERVICE)) <
            sp->services[ES_SVC_TRAINING].prob ||
        c->goal == ES_GOAL_TRAINING)
        c->services_left |= 1u << ES_SVC_TRAINING;
    double planned = 0.0, durations[ES_NSERVICES] = {0};
    for (int s = 0; s < ES_NSERVICES; s++)
        if (c->services_left & (1u << s))
            planned += durations[s] =
                es_model_draw(es_client_rng(m, c, ES_DRAW_SERVICE), &sp->services[s].days);
    c->drop_days = gsl_rng_uniform(es_client_rng(m, c, ES_DRAW_SERVICE)) < sp->dropout_prob
                       ? m->sim.now +
                             gsl_rng_uniform(es_client_rng(m, c, ES_DRAW_SERVICE)) * planned
                       : INFINITY;
    c->phase = (uint8_t)next_phase(c);
    es_service_schedule_phase(m, index, durations[c->phase]);

    if (p->outcomes.reassessment_days > 0.0 && p->outcomes.reassessment_days < planned)
        es_sim_schedule(&m->sim, p->outcomes.reassessment_days, (uint32_t)m->ev_review, index,
                        &c->review);
    if (gsl_rng_uniform(es_client_rng(m, c, ES_DRAW_SERVICE)) < p->outcomes.transfer_request_prob)
        es_sim_schedule(&m->sim, gsl_rng_uniform(es_client_rng(m, c, ES_DRAW_SERVICE)) * planned,
                        (uint32_t)m->ev_transfer, index, &c->transfer);
}

/* Queues a client at its site or gives it a place at once; returns 1 for a place, 0 for the
 * queue (service begins with es_service_begin, after the caller has reported the arrival). */
int es_service_join_site(es_model *m, uint32_t index)
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
            double patience =
                gsl_ran_exponential(es_client_rng(m, c, ES_DRAW_PATIENCE), sp->patience_days);
            es_sim_schedule(&m->sim, patience, (uint32_t)m->ev_renege, index, &c->timer);
        }
    }
    return got;
}

/* A client holds a place (and is counted in service) but its plan opens in
 * es_service_flush_starts(), once the events that gave it the place have been reported. */
void es_service_defer_start(es_model *m, uint32_t index)
{
    if (m->npending == (int)(sizeof m->pending_starts / sizeof m->pending_starts[0]))
        es_service_flush_starts(m);
    m->pending_starts[m->npending++] = index;
}

/* Frees a client's caseload place.  A waiting client takes it at once (the counts move with
 * the place) but its service begins in es_service_flush_starts(), after the leaving client's
 * events. */
static void leave_site(es_model *m, es_client *c)
{
    add_staff_load(m, c, -1.0);
    m->in_service--;
    uint64_t next;
    if (!es_pool_release(&m->sites[c->site].pool, m->sim.now, &next))
        return;
    es_client *n = &m->clients[next];
    es_model_cancel(m, &n->timer); /* the patience timer */
    n->ticket = 0;
    n->state = ES_CLIENT_IN_SERVICE;
    m->waiting--;
    m->in_service++;
    es_service_defer_start(m, (uint32_t)next);
}

void es_service_flush_starts(es_model *m)
{
    int n = m->npending;
    uint32_t starts[sizeof m->pending_starts / sizeof m->pending_starts[0]];
    memcpy(starts, m->pending_starts, sizeof starts);
    for (int i = 0; i < n; i++) {
        m->npending = n - i - 1; /* those still to begin after this one */
        es_service_begin(m, starts[i]);
    }
}

/* Closes the plan of a client leaving services and decides where the client goes next. */
void es_service_exit(es_model *m, uint32_t index, es_closure reason)
{
    es_client *c = &m->clients[index];
    es_model_cancel(m, &c->review);
    es_model_cancel(m, &c->transfer);
    es_own_search_end(m, c,
                      reason == ES_CLOSE_EMPLOYED   ? ES_END_JOB
                      : reason == ES_CLOSE_TRAINING ? ES_END_OUT
                                                    : ES_END_SEARCHING,
                      reason == ES_CLOSE_EMPLOYED);
    es_plan_check(m, c);
    es_plan_close(m, c, reason); /* before the place passes on, so observers never see two plans */
    leave_site(m, c);
    m->exited++;
    es_site_state *site = &m->sites[c->site];
    int exit_col = reason == ES_CLOSE_EMPLOYED     ? OPEN_EMP
                   : reason == ES_CLOSE_TRAINING   ? OPEN_TE
                   : reason == ES_CLOSE_UNEMPLOYED ? OPEN_UNEMP
                   : reason == ES_CLOSE_OTHER      ? OPEN_OTH
                                                   : OPEN_UNKN;
    if (reason == ES_CLOSE_EMPLOYED) {
        es_followup_start_job(m, index);
        site->period_employed++;
    } else {
        c->job_end_days = -INFINITY;
    }
    es_open_data_record(m, c, exit_col, es_followup_status_after_3m(m, c, exit_col));
    m->months[(int)fmin(m->nmonths - 1, m->sim.now / DAYS_PER_MONTH)].plans_closed++;
    es_model_event ev = es_model_client_event(m, ES_MS_SERVICE_END, c);
    ev.months = (m->sim.now - c->service_start_days) / DAYS_PER_MONTH;
    ev.closure = (int)reason;
    es_model_notify(m, &ev);
    if (reason == ES_CLOSE_EMPLOYED) {
        c->state = ES_CLIENT_FOLLOW_UP;
        m->follow_up++;
        es_followup_schedule_next(m, index);
    } else {
        es_model_free_client(m, index);
    }
    es_service_flush_starts(m);
}

static void complete_services(es_model *m, uint32_t index)
{
    const es_params *p = m->p;
    es_client *c = &m->clients[index];
    es_counts_completed(m, c);
    if (c->goal != ES_GOAL_EMPLOYMENT) { /* on to the training or education it planned for */
        es_service_exit(m, index, ES_CLOSE_TRAINING); /* the open data's "training or education" */
        return;
    }
    /* job readiness follows the client's true need (the services follow the assessed stream):
     * the base of the stream of its true need, its need against that stream's mean, and less
     * for each stream the assessment put it below its need */
    const es_stream_params *tp = &p->streams[c->true_stream];
    double logit = es_model_logit(tp->job_start_prob) -
                   p->outcomes.need_effect * (c->need - p->need_mean_by_true_stream[c->true_stream]) +
                   p->outcomes.source_effect[c->source] -
                   (c->parked ? p->behaviour.parked_job_effect : 0.0) -
                   p->outcomes.underservice_effect * fmax(0, c->true_stream - c->stream);
    double prob = tp->job_start_prob <= 0.0 ? 0.0 : es_model_expit(logit);
    bool ready = gsl_rng_uniform(es_client_rng(m, c, ES_DRAW_OUTCOME)) < prob;
    if (ready && m->lm_on)
        es_matching_enter_search(m, index); /* job-ready: the job must come from a vacancy */
    else
        es_service_exit(m, index, ready ? ES_CLOSE_EMPLOYED : ES_CLOSE_UNEMPLOYED);
}

/* A waiting client leaves its site's queue (and the system). */
static void quit_queue(es_model *m, const es_client *c)
{
    es_pool_renege(&m->sites[c->site].pool, m->sim.now, c->ticket);
    m->waiting--;
    m->exited++;
}

void es_service_on_renege(es_model *m, uint32_t index, es_client *c)
{
    c->timer = 0;
    es_own_search_end(m, c, ES_END_SEARCHING, false);
    quit_queue(m, c);
    es_model_emit(m, ES_MS_RENEGE, c);
    es_model_free_client(m, index);
}

void es_service_leave_queue(es_model *m, uint32_t index, es_client *c)
{
    es_model_cancel(m, &c->timer); /* the patience timer */
    quit_queue(m, c);
    c->ticket = 0;
    if (m->sim.now >= m->p->warmup_days) {
        m->exits_counted++;
        m->own_jobs_waiting++;
    }
    c->own_job = 0;
    es_own_search_end(m, c, ES_END_JOB, false); /* a job, but no job start from service */
    es_model_free_client(m, index);
}

void es_service_on_phase_end(es_model *m, uint32_t index, es_client *c)
{
    c->timer = 0;
    es_plan_check(m, c);
    int done = c->phase;
    c->services_left &= (uint8_t)~(1u << done);
    if (done == ES_SVC_TRAINING) {
        c->trained = 1;
        es_model_emit(m, ES_MS_TRAINING_COMPLETED, c);
    }
    if (done == ES_SVC_EMPLOYMENT || c->services_left == 0) {
        complete_services(m, index);
        return;
    }
    c->phase = (uint8_t)next_phase(c);
    const es_dist *phase_days = &m->p->streams[c->stream].services[c->phase].days;
    es_service_schedule_phase(m, index,
                              es_model_draw(es_client_rng(m, c, ES_DRAW_SERVICE), phase_days));
}

void es_service_on_dropout(es_model *m, uint32_t index, es_client *c)
{
    c->timer = 0;
    /* why the client left is known only if the provider reaches it */
    bool reached = gsl_rng_uniform(es_client_rng(m, c, ES_DRAW_REPORT)) <
                   m->p->outcomes.dropout_reached_prob;
    es_service_exit(m, index, reached ? ES_CLOSE_OTHER : ES_CLOSE_UNKNOWN);
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
    int site = es_routing_choose_site(m, c, old_provider);
    if (site < 0)
        return ES_ENOENT; /* no other provider in the catchment */
    es_model_cancel(m, &c->timer);
    es_model_cancel(m, &c->review);
    es_model_cancel(m, &c->transfer);
    es_plan_check(m, c);
    es_plan_close(m, c, ES_CLOSE_OTHER);
    /* the closed plan counts at the old site with no outcome recorded (null at exit and at
     * 3 months): the client's outcome belongs to the plan at the new provider */
    es_open_data_record(m, c, OPEN_NULL, OPEN_NULL);
    leave_site(m, c);
    /* the services received stay received: the current phase and the dropout resume where
     * they stopped (the plan review and transfer request are not drawn again) */
    c->carried = 1;
    c->carry_days = c->phase_end_days - m->sim.now;
    c->carry_drop_days = c->drop_days - m->sim.now;
    c->site = (int16_t)site;
    c->arrival_days = m->sim.now; /* waits again, counted from the transfer */
    if (es_service_join_site(m, index))
        es_service_defer_start(m, index);
    es_model_emit(m, ES_MS_TRANSFER, c); /* reported at the new provider */
    es_service_flush_starts(m);
    return ES_OK;
}

void es_service_on_transfer(es_model *m, uint32_t index, es_client *c)
{
    c->transfer = 0;
    bool consent = gsl_rng_uniform(es_client_rng(m, c, ES_DRAW_SERVICE)) <
                   m->p->outcomes.transfer_consent_prob;
    es_model_transfer(m, index, consent);
}

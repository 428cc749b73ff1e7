/* Own job search: every client looks for work on its own, with or without the service.  At
 * its first intake a client draws how much search it needs to find a job alone (months at full
 * intensity, from its own substream: the same whatever the service does), from a Weibull whose
 * 3-month chance is its true stream's own_job_3m_prob, shifted for its source like job
 * readiness, with the shape of an unemployment spell (outcomes.reemployment_shape).  While it
 * waits it searches at full intensity; in service at outcomes.search_while_in_service (lock-in:
 * below 1, time in service slows the search); after leaving services without a job, at full
 * intensity again.  When its search is done while waiting or in service, the client leaves
 * with that job: a job start the funding models may pay for although the service did not
 * make it (deadweight; impact.c sets it against the client's path without service). */
#include "model/system.h"

#include <math.h>

#include <gsl/gsl_randist.h>

#include "model/client.h"
#include "model/model_internal.h"

/* Months of full-intensity search to a job without service, or INFINITY. */
static double draw_search_months(es_model *m, es_client *c)
{
    const es_params *p = m->p;
    double p3 = p->streams[c->true_stream].own_job_3m_prob;
    if (p3 <= 0.0)
        return INFINITY;
    double q3 = es_model_expit(es_model_logit(p3) + p->outcomes.source_effect[c->source]);
    return es_followup_months_until(es_client_rng(m, c, ES_DRAW_COUNTERFACTUAL), 1.0 - q3,
                                    p->outcomes.reemployment_shape);
}

/* Brings the client's search clock to now, at the intensity that held since its last change. */
static void advance(es_model *m, es_client *c)
{
    c->own_clock_months += c->own_rate * (m->sim.now - c->own_clock_days) / DAYS_PER_MONTH;
    c->own_clock_days = m->sim.now;
}

/* When the client's own search would find a job if it went on at `rate` from now. */
static double job_days(const es_model *m, const es_client *c, double rate)
{
    double left = c->own_job_months - c->own_clock_months -
                  c->own_rate * (m->sim.now - c->own_clock_days) / DAYS_PER_MONTH;
    if (!isfinite(c->own_job_months) || rate <= 0.0)
        return INFINITY;
    return m->sim.now + fmax(0.0, left) / rate * DAYS_PER_MONTH;
}

void es_own_search_set_rate(es_model *m, uint32_t index, double rate)
{
    es_client *c = &m->clients[index];
    if (c->impact_done) /* back after a job loss: its spells say how it searches */
        return;
    advance(m, c);
    c->own_rate = (float)rate;
    es_model_cancel(m, &c->own_timer);
    double at = job_days(m, c, rate);
    if (at <= m->p->horizon_days)
        es_sim_schedule_at(&m->sim, at, (uint32_t)m->ev_own_job, index, &c->own_timer);
}

void es_own_search_start(es_model *m, uint32_t index)
{
    es_client *c = &m->clients[index];
    c->own_job_months = draw_search_months(m, c);
    c->own_clock_months = 0.0;
    c->own_clock_days = m->sim.now;
    c->own_rate = 0.0f;
    c->first_intake_days = m->sim.now;
    c->impact_done = 0;
    es_own_search_set_rate(m, index, 1.0);
}

void es_own_search_end(es_model *m, es_client *c, es_episode_end how, bool job_start)
{
    if (c->impact_done)
        return;
    advance(m, c);
    es_model_cancel(m, &c->own_timer);
    c->job_at_exit = job_start;
    es_impact_record(m, c,
                     how == ES_END_JOB   ? m->sim.now
                     : how == ES_END_OUT ? INFINITY
                                         : job_days(m, c, 1.0)); /* it goes on looking alone */
}

/* The client's own search finds a job: it leaves the queue, or services (its plan closes
 * `employed`), with that job. */
void es_own_search_on_job(es_model *m, uint32_t index, es_client *c)
{
    c->own_timer = 0;
    advance(m, c);
    c->own_job = 1;
    if (c->state == ES_CLIENT_WAITING) {
        es_service_leave_queue(m, index, c);
        return;
    }
    if (c->searching)
        es_matching_leave_search(m, index);
    else
        es_model_cancel(m, &c->timer);
    es_service_exit(m, index, ES_CLOSE_EMPLOYED);
}

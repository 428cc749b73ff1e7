/* Follow-up: a job start, the checkpoints after it (1, 3, 6 and 12 months), and the client's
 * working life until the last: job spells whose separation hazard falls with tenure, job loss,
 * a return to services or an unemployment spell ended by another job (re-employment), and
 * later jobs.  At each checkpoint the client's employment status (any job) is observed, as
 * evaluations measure it; a client still in the first job also reaches employed_Xm, whose
 * funded flag the funding models price (docs/user-guide.md, "Job spells"). */
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

/* ---- leaving service ---------------------------------------------------------------------- */

/* Status 3 months after exit, as the open data reports it: null when the follow-up is not
 * made (not yet due when the data end, or the provider does not make it: it follows up the
 * clients employed at exit, whose outcomes earn payments, more often than the others);
 * unknown when it is made but does not reach the client; else what the client is doing.  A
 * client unemployed at exit may have found a job by then, at the stream's re-employment
 * chance within 3 months (an assumption: the hazard after a job loss, docs/calibration.md). */
int es_followup_status_after_3m(es_model *m, es_client *c, int exit_col)
{
    const es_params *p = m->p;
    const es_outcome_params *o = &p->outcomes;
    if (exit_col == OPEN_NULL || m->sim.now + 3.0 * DAYS_PER_MONTH > p->horizon_days)
        return OPEN_NULL;
    double attempt =
        exit_col == OPEN_EMP ? o->followup_attempt_prob_employed : o->followup_attempt_prob_other;
    if (gsl_rng_uniform(es_client_rng(m, c, ES_DRAW_REPORT)) >= attempt)
        return OPEN_NULL;
    if (gsl_rng_uniform(es_client_rng(m, c, ES_DRAW_REPORT)) < o->followup_unknown_prob)
        return OPEN_UNKN;
    if (exit_col == OPEN_EMP)
        return c->job_end_days >= m->sim.now + 3.0 * DAYS_PER_MONTH ? OPEN_EMP : OPEN_UNEMP;
    if (exit_col == OPEN_UNEMP &&
        gsl_rng_uniform(es_client_rng(m, c, ES_DRAW_OUTCOME)) <
            p->streams[c->stream].reemployment_3m_prob)
        return OPEN_EMP;
    return exit_col;
}

/* Months until an event whose chance of not happening within 3 months is s3, with Weibull
 * shape k (below 1: the hazard falls with time; 1: constant).  Whatever k, 3 months is
 * reached with probability s3, so retention_3m_prob (or 1 - reemployment_3m_prob) keeps its
 * meaning and k shapes the rest of the curve. */
double es_followup_months_until(gsl_rng *r, double s3, double k)
{
    if (s3 >= 1.0)
        return INFINITY;
    if (k == 1.0) { /* the constant hazard, drawn as it always was */
        double monthly_rate = -log(s3) / 3.0;
        return gsl_ran_exponential(r, 1.0 / monthly_rate);
    }
    if (s3 <= 0.0)
        return 0.0;
    return 3.0 * pow(gsl_ran_exponential(r, 1.0) / -log(s3), 1.0 / k);
}

/* The client's next follow-up event: the subsidy's end, the current job's loss, the next job
 * of an unemployment spell, or the next checkpoint, whichever comes first.  After the last
 * checkpoint the client leaves follow-up. */
void es_followup_schedule_next(es_model *m, uint32_t index)
{
    es_client *c = &m->clients[index];
    if (c->next_checkpoint >= 4) {
        m->follow_up--;
        es_income_support_end_follow_up(m, c);
        es_model_free_client(m, index);
        return;
    }
    double at = c->job_start_days + checkpoint_months[c->next_checkpoint] * DAYS_PER_MONTH;
    int kind = m->ev_checkpoint;
    if (c->subsidy_open && c->subsidy_end_days <= at && c->subsidy_end_days <= c->job_end_days) {
        at = c->subsidy_end_days;
        kind = m->ev_subsidy_end;
    } else if (c->spell != ES_SPELL_UNEMPLOYED && c->job_end_days < at) {
        at = c->job_end_days;
        kind = m->ev_job_loss;
    } else if (c->spell == ES_SPELL_UNEMPLOYED && c->next_job_days < at) {
        at = c->next_job_days;
        kind = m->ev_reemployment;
    }
    /* leaving income support (in work) or coming back to it (out of work), when it comes first */
    if (c->is_exit_days < at) {
        at = c->is_exit_days;
        kind = m->ev_is_exit;
    } else if (c->is_return_days < at) {
        at = c->is_return_days;
        kind = m->ev_is_return;
    }
    es_sim_schedule_at(&m->sim, at, (uint32_t)kind, index, &c->checkpoint);
}

/* The 3-month retention of a permanent job, x, such that a mix of permanent jobs (share pi)
 * and temporary ones (survival x^f: a hazard f times as high) keeps the stream's 3-month
 * retention s3: pi x + (1 - pi) x^f = s3, increasing in x, solved by bisection once per
 * change of its inputs. */
static double permanent_s3(es_model *m, int stream, double s3)
{
    const es_outcome_params *o = &m->p->outcomes;
    double pi = o->permanent_prob, f = o->temporary_separation_factor;
    if (pi >= 1.0 || f == 1.0)
        return s3;
    double *key = m->permanent_s3_key[stream];
    if (key[0] == s3 && key[1] == pi && key[2] == f)
        return m->permanent_s3[stream];
    double lo = 0.0, hi = 1.0;
    for (int i = 0; i < 60; i++) {
        double x = 0.5 * (lo + hi);
        if (pi * x + (1.0 - pi) * pow(x, f) < s3)
            lo = x;
        else
            hi = x;
    }
    key[0] = s3, key[1] = pi, key[2] = f;
    return m->permanent_s3[stream] = 0.5 * (lo + hi);
}

/* The hourly wage of the client's current job now: the starting wage grown with tenure. */
static double wage_now(const es_model *m, const es_client *c)
{
    double g = m->p->outcomes.wage_growth_annual;
    if (g == 0.0)
        return c->wage;
    return c->wage * pow(1.0 + g, (m->sim.now - c->job_began_days) / 365.25);
}

/* Hours, wage, permanence and length of a job started without a vacancy of the labour market
 * (the first job without one, or any later job): hours and wage from the outcome parameters,
 * tenure from the stream's retention (a temporary job's hazard is higher). */
static void draw_job(es_model *m, es_client *c, bool with_terms)
{
    const es_params *p = m->p;
    const es_outcome_params *o = &p->outcomes;
    c->job_began_days = m->sim.now;
    if (with_terms) {
        double noise = o->hours_sd > 0
                           ? gsl_ran_gaussian_ziggurat(es_client_rng(m, c, ES_DRAW_OUTCOME),
                                                       o->hours_sd)
                           : 0.0;
        double hours = o->hours_mean + noise;
        c->hours = (float)fmin(60.0, fmax(1.0, hours));
        c->wage = (float)es_model_draw_wage(m, o->wage_mean, es_client_rng(m, c, ES_DRAW_OUTCOME));
    }
    double s3 = permanent_s3(m, c->stream, p->streams[c->stream].retention_3m_prob);
    c->permanent = o->permanent_prob >= 1.0 ||
                   gsl_rng_uniform(es_client_rng(m, c, ES_DRAW_OUTCOME)) < o->permanent_prob;
    if (!c->permanent)
        s3 = pow(s3, o->temporary_separation_factor);
    double months = es_followup_months_until(es_client_rng(m, c, ES_DRAW_OUTCOME), s3, o->separation_shape);
    c->job_end_days = m->sim.now + months * DAYS_PER_MONTH;
}

void es_followup_start_job(es_model *m, uint32_t index)
{
    const es_params *p = m->p;
    es_client *c = &m->clients[index];
    /* with a labour market, hours and wage come from the vacancy (unless the client found
     * the job alone) */
    draw_job(m, c, !m->lm_on || c->own_job);
    c->spell = ES_SPELL_FIRST_JOB;
    es_income_support_on_job(m, c);
    c->job_start_days = m->sim.now;
    c->next_checkpoint = 0;
    es_model_event ev = es_model_client_event(m, ES_MS_JOB_START, c);
    ev.since_arrival_days = m->sim.now - c->intake_days; /* a transfer does not reset it */
    ev.wage = c->wage;
    ev.own_job = c->own_job;
    c->own_job = 0;
    ev.wage_ok = c->wage >= es_model_minimum_wage_at(p, m->sim.now);
    ev.funded = ev.wage_ok && c->hours >= p->funded_hours_per_week;
    ev.subsidised = c->subsidised;
    ev.stacked = c->stacked;
    es_model_notify(m, &ev);
    if (c->subsidised) {
        ev.kind = ES_MS_SUBSIDISED_HIRE;
        ev.months = p->labour.subsidy_months;
        es_model_notify(m, &ev);
    }
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

/* The funded outcome at checkpoint k of a client still in the first job (employed_Xm). */
static void continuous_checkpoint(es_model *m, es_client *c, int k)
{
    const es_params *p = m->p;
    double wage = wage_now(m, c);
    bool funded = c->hours >= p->funded_hours_per_week &&
                  wage >= es_model_minimum_wage_at(p, m->sim.now);
    if (m->lm_on)
        funded = labour_market_funded(m, c, k, funded);
    es_model_event out = es_model_client_event(m, checkpoint_events[k], c);
    out.funded = funded;
    out.wage_ok = wage >= es_model_minimum_wage_at(p, m->sim.now);
    out.subsidised = c->subsidised;
    out.subsidy_running = c->subsidised && m->sim.now <= c->subsidy_end_days;
    out.stacked = c->stacked;
    out.primary_hours = c->primary_hours;
    out.wage = wage;
    es_model_notify(m, &out);
}

void es_followup_on_checkpoint(es_model *m, uint32_t index, es_client *c)
{
    c->checkpoint = 0;
    int k = c->next_checkpoint++;
    if (c->spell == ES_SPELL_FIRST_JOB)
        continuous_checkpoint(m, c, k);
    es_model_event status = es_model_client_event(m, ES_MS_FOLLOW_UP, c);
    status.checkpoint = k;
    status.employed = c->spell != ES_SPELL_UNEMPLOYED;
    status.continuous = c->spell == ES_SPELL_FIRST_JOB;
    status.hours = status.employed ? c->hours : 0.0;
    status.wage = status.employed ? wage_now(m, c) : 0.0;
    es_model_notify(m, &status);
    es_followup_schedule_next(m, index);
}

void es_followup_on_job_loss(es_model *m, uint32_t index, es_client *c)
{
    c->checkpoint = 0;
    if (c->subsidy_open) { /* the subsidy stops with the job */
        c->subsidy_open = 0;
        es_model_event out = es_model_client_event(m, ES_MS_SUBSIDY_END, c);
        out.months = (m->sim.now - c->job_start_days) / DAYS_PER_MONTH;
        out.subsidised = true;
        es_model_notify(m, &out);
    }
    es_model_emit(m, ES_MS_JOB_LOSS, c);
    es_income_support_on_job_loss(m, c);
    const es_params *p = m->p;
    if (gsl_rng_uniform(es_client_rng(m, c, ES_DRAW_OUTCOME)) <
        p->outcomes.return_to_service_prob) {
        m->follow_up--;
        c->drop_days = INFINITY;
        es_income_support_on_return_to_service(m, c);
        es_intake(m, index, true); /* back through a door: a new assessment, a new plan */
        return;
    }
    /* an unemployment spell, until another job or the end of the follow-up */
    c->spell = ES_SPELL_UNEMPLOYED;
    double months = es_followup_months_until(es_client_rng(m, c, ES_DRAW_OUTCOME),
                                 1.0 - p->streams[c->stream].reemployment_3m_prob,
                                 p->outcomes.reemployment_shape);
    c->next_job_days = m->sim.now + months * DAYS_PER_MONTH;
    es_followup_schedule_next(m, index);
}

/* A client who lost a job after services starts another, without services (so no job_start
 * milestone and no payment): new hours and wage, tenure from zero. */
void es_followup_on_reemployment(es_model *m, uint32_t index, es_client *c)
{
    c->checkpoint = 0;
    c->spell = ES_SPELL_LATER_JOB;
    draw_job(m, c, true);
    es_income_support_on_job(m, c);
    c->subsidised = 0;
    c->stacked = 0;
    es_model_event ev = es_model_client_event(m, ES_MS_REEMPLOYED, c);
    ev.hours = c->hours;
    ev.wage = c->wage;
    ev.wage_ok = c->wage >= es_model_minimum_wage_at(m->p, m->sim.now);
    es_model_notify(m, &ev);
    es_followup_schedule_next(m, index);
}

/* Service plans as EOIS-CaMS keeps them: a plan opens when service starts, with a goal
 * (employment, training or education) whose sub-goals are the services the plan holds; it
 * closes with a reason that follows what happened (service.c: a completed training or
 * education goal closes `training`).  A plan
 * opened in error (the wrong programme or client record) stays open until the client's next
 * plan event (a phase end, a dropout, the plan review or a transfer) shows the error; it is
 * then voided (closed `opened_in_error`) and a valid plan takes over the services, so the
 * client is never without a plan nor ever with two. */
#include "model/system.h"

#include <gsl/gsl_rng.h>

#include "model/client.h"
#include "model/model_internal.h"

const char *const es_goal_names[ES_NGOALS] = {"employment", "training", "education"};

static void open_plan(es_model *m, es_client *c)
{
    if (c->plan_active)
        m->plan_violations++; /* never happens: tests assert it stays 0 */
    c->plan_id = ++m->next_plan_id;
    c->plan_active = 1;
    m->plans_opened++;
    m->active_plans++;
}

void es_plan_close(es_model *m, es_client *c, es_closure reason)
{
    if (!c->plan_active)
        m->plan_violations++;
    c->plan_active = 0;
    c->plan_in_error = 0;
    m->active_plans--;
    m->plans_closed_by[reason]++;
}

/* The plan's goal: training by the stream's share, else education by the client's age group,
 * else employment.  Drawn from the client's own substream, so goals shift no other draw. */
static int draw_goal(es_model *m, es_client *c)
{
    const es_params *p = m->p;
    gsl_rng *r = es_client_rng(m, c, ES_DRAW_PLAN);
    double training = p->streams[c->stream].goal_training_prob;
    double education = c->youth ? p->outcomes.education_goal_prob_youth
                                : p->outcomes.education_goal_prob_adult;
    double u = gsl_rng_uniform(r);
    if (u < training)
        return ES_GOAL_TRAINING;
    if (u < training + (1.0 - training) * education)
        return ES_GOAL_EDUCATION;
    return ES_GOAL_EMPLOYMENT;
}

void es_plan_open(es_model *m, es_client *c, bool carried)
{
    open_plan(m, c);
    if (!carried) /* a transfer keeps the goal the client had */
        c->goal = (uint8_t)draw_goal(m, c);
    c->plan_in_error = !carried && gsl_rng_uniform(es_client_rng(m, c, ES_DRAW_PLAN)) <
                                       m->p->outcomes.plan_error_prob;
}

void es_plan_check(es_model *m, es_client *c)
{
    if (!c->plan_in_error)
        return;
    es_plan_close(m, c, ES_CLOSE_IN_ERROR);
    open_plan(m, c); /* the valid plan: the same goal and services, a new record */
}

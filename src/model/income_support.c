/* Income support after services (issue 14): an Ontario Works or ODSP client leaves it while in
 * work, with a constant hazard fitted to the chance of leaving within 3 months of a job's start
 * (income_support.exit_3m_prob_*), and comes back to it while out of work after leaving, with a
 * hazard fitted to the chance of being back within 12 months (return_12m_prob_*).  Both are
 * followed with the client's job spells until its 12-month checkpoint.  A client who comes back
 * for service after a job loss is back on income support with the 12-month chance, at once (an
 * assumption: docs/user-guide.md, "Income support").  The benefits not paid while followed
 * clients are off income support are summed at the rate of the day
 * (income_support.benefit_monthly_*, which may be dated): the count of clients off it is
 * integrated over time, and the sum brought up to date before the count or the rate changes. */
#include "model/system.h"

#include <math.h>

#include <gsl/gsl_randist.h>

#include "model/calendar.h"
#include "model/model_internal.h"

static bool on_benefits_source(const es_client *c)
{
    return c->source == ES_SRC_OW || c->source == ES_SRC_ODSP;
}

/* Days until an event whose chance within `months` is prob, at a constant hazard. */
static double days_until(es_model *m, es_client *c, double prob, double months)
{
    if (prob <= 0.0)
        return INFINITY;
    if (prob >= 1.0)
        return 0.0;
    double rate = -log1p(-prob) / months; /* a month */
    return gsl_ran_exponential(es_client_rng(m, c, ES_DRAW_INCOME_SUPPORT), 1.0 / rate) *
           DAYS_PER_MONTH;
}

/* The benefits of source s not paid since the sum was last brought up to date. */
static double unaccrued_cents(const es_model *m, int s)
{
    double months = (m->sim.now - m->is_last_days) / DAYS_PER_MONTH;
    return m->is_off[s] * m->p->income_support.benefit_monthly[s] * 100.0 * months;
}

void es_income_support_accrue(es_model *m)
{
    for (int s = 0; s < ES_NSOURCES; s++)
        m->is_saved_cents[s] += unaccrued_cents(m, s);
    m->is_last_days = m->sim.now;
}

void es_income_support_on_job(es_model *m, es_client *c)
{
    c->is_return_days = INFINITY;
    c->is_exit_days = INFINITY;
    if (on_benefits_source(c) && !c->left_income_support)
        c->is_exit_days =
            m->sim.now + days_until(m, c, m->p->income_support.exit_3m_prob[c->source], 3.0);
}

void es_income_support_on_job_loss(es_model *m, es_client *c)
{
    c->is_exit_days = INFINITY;
    c->is_return_days = INFINITY;
    if (on_benefits_source(c) && c->left_income_support)
        c->is_return_days =
            m->sim.now + days_until(m, c, m->p->income_support.return_12m_prob[c->source], 12.0);
}

void es_income_support_on_exit(es_model *m, uint32_t index, es_client *c)
{
    c->checkpoint = 0;
    c->is_exit_days = INFINITY;
    es_income_support_accrue(m);
    m->is_off[c->source]++;
    c->left_income_support = 1;
    es_model_emit(m, ES_MS_INCOME_SUPPORT_EXIT, c);
    es_followup_schedule_next(m, index);
}

void es_income_support_on_return(es_model *m, uint32_t index, es_client *c)
{
    c->checkpoint = 0;
    c->is_return_days = INFINITY;
    es_income_support_accrue(m);
    m->is_off[c->source]--;
    c->left_income_support = 0;
    es_model_emit(m, ES_MS_INCOME_SUPPORT_RETURN, c);
    es_followup_schedule_next(m, index);
}

void es_income_support_on_return_to_service(es_model *m, es_client *c)
{
    if (!on_benefits_source(c) || !c->left_income_support)
        return;
    if (gsl_rng_uniform(es_client_rng(m, c, ES_DRAW_INCOME_SUPPORT)) >=
        m->p->income_support.return_12m_prob[c->source])
        return;
    es_income_support_accrue(m);
    m->is_off[c->source]--;
    c->left_income_support = 0;
    es_model_emit(m, ES_MS_INCOME_SUPPORT_RETURN, c);
}

void es_income_support_end_follow_up(es_model *m, const es_client *c)
{
    if (!on_benefits_source(c) || !c->left_income_support)
        return;
    es_income_support_accrue(m);
    m->is_off[c->source]--; /* no longer counted: the model stops following the client */
}

double es_income_support_saved_cents(const es_model *m, int source)
{
    return m->is_saved_cents[source] + unaccrued_cents(m, source);
}

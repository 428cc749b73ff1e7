/* Periods: the warm-up's end, month boundaries (reporting) and funding periods (block grants,
 * operational funding, staff time worked). */
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

/* The warm-up ends: the time averages and integrals the handlers keep start again (queue
 * length, utilisation, staff time, the peak of active clients).  What is counted from events
 * the results observer leaves out by itself (counts.c). */
void es_periods_on_warmup(es_sim *sim, const es_event *ev, void *ctx)
{
    (void)ev;
    es_model *m = ctx;
    for (int i = 0; i < m->nsites; i++)
        es_pool_reset_stats(&m->sites[i].pool, sim->now);
    m->staff_hours_before_warmup = 0.0;
    for (int i = 0; i < m->nproviders; i++)
        m->staff_hours_before_warmup += es_periods_staff_hours_until(m, i, sim->now);
    m->peak_active = m->nclients - m->nfree;
}

void es_periods_on_month(es_sim *sim, const es_event *ev, void *ctx)
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
double es_periods_staff_hours_until(const es_model *m, int provider, double now)
{
    const es_timeavg *load = &m->staff_load[provider];
    return (load->area + load->value * (now - load->last_t)) / DAYS_PER_MONTH;
}

/* A month begins: every live catchment and provider is told (block grants and operational
 * funding are paid per period), with the staff time each provider worked in the month past. */
void es_periods_on_period(es_sim *sim, const es_event *ev, void *ctx)
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
        es_model_notify(m, &out);
        for (int k = 0; k < p->catchments[c].nproviders; k++) {
            int provider = m->first_provider[c] + k;
            double done = es_periods_staff_hours_until(m, provider, sim->now);
            out.provider = provider;
            out.capacity = m->provider_capacity[provider];
            out.staff_hours = done - m->staff_hours_done[provider];
            m->staff_hours_done[provider] = done;
            es_model_notify(m, &out);
        }
    }
    int next = (int)ev->data + 1;
    if (next * DAYS_PER_MONTH < p->horizon_days)
        es_sim_schedule_at(sim, next * DAYS_PER_MONTH, (uint32_t)m->ev_period, (uint64_t)next, NULL);
}

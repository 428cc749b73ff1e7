/* Contestability: the SSM's periodic review of its providers and the providers' response
 * (capacity moved between providers after a review). */
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


/* SSMs score their providers on the employment rate at exit since the last review and
 * replace those well below the catchment's mean: the caseload moves to the replacement,
 * with a capacity dip while it settles in. */
void es_contest_on_provider_review(es_sim *sim, const es_event *ev, void *ctx)
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
                    es_routing_dip_capacity(m, i);
        }
    }
    if (p->contest.ssm_review_days <= 0.0)
        for (int i = 0; i < m->nsites; i++)
            m->sites[i].period_closed = m->sites[i].period_employed = 0;
    es_sim_schedule(sim, p->contest.provider_review_days, (uint32_t)m->ev_provider_review, 0, NULL);
}

void es_contest_on_ssm_review(es_sim *sim, const es_event *ev, void *ctx)
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
            es_routing_dip_capacity(m, i);
    }
    for (int i = 0; i < m->nsites; i++)
        m->sites[i].period_closed = m->sites[i].period_employed = 0;
    es_sim_schedule(sim, p->contest.ssm_review_days, (uint32_t)m->ev_ssm_review, 0, NULL);
}

/* Routing: which site of which provider the SSM sends an assessed client to, and the caseload
 * places of each site (set-up, capacity dips and their end). */
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

/* ---- routing ---------------------------------------------------------------------------- */

static double site_load(const es_site_state *s)
{
    return (double)(s->pool.busy + (int)es_pool_queue_length(&s->pool)) /
           (s->pool.capacity > 0 ? s->pool.capacity : 1);
}

/* Picks a site among those of `c`'s catchment, skipping `exclude_provider` (a transfer). */
int es_routing_choose_site(es_model *m, const es_client *c, int exclude_provider)
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

static void set_site_capacity(es_model *m, int site, int capacity)
{
    uint64_t started[64];
    es_site_state *s = &m->sites[site];
    for (;;) {
        int n = es_pool_set_capacity(&s->pool, m->sim.now, capacity, started, 64);
        for (int i = 0; i < n; i++) {
            es_client *c = &m->clients[started[i]];
            es_model_cancel(m, &c->timer);
            c->ticket = 0;
            c->state = ES_CLIENT_IN_SERVICE;
            m->waiting--;
            m->in_service++;
        }
        for (int i = 0; i < n; i++)
            es_service_begin(m, (uint32_t)started[i]);
        if (n < 64)
            return;
    }
}

void es_routing_dip_capacity(es_model *m, int site)
{
    const es_contest_params *k = &m->p->contest;
    int reduced = (int)ceil(m->sites[site].base_capacity * (1.0 - k->capacity_dip));
    set_site_capacity(m, site, reduced < 1 ? 1 : reduced);
    es_sim_schedule(&m->sim, k->transition_days, (uint32_t)m->ev_restore, (uint64_t)site, NULL);
}

void es_routing_on_restore(es_sim *sim, const es_event *ev, void *ctx)
{
    (void)sim;
    es_model *m = ctx;
    int site = (int)ev->data;
    set_site_capacity(m, site, m->sites[site].base_capacity);
}

int es_routing_init_sites(es_model *m)
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

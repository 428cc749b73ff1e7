#include "model/client.h"

#include "model/events.h"

#include <gsl/gsl_randist.h>

const char *const es_source_names[ES_NSOURCES] = {"EO", "OW", "ODSP", "none"};
const char *const es_age_names[ES_NAGES] = {"15-24", "25-44", "45-64", "65+"};
const char *const es_education_names[ES_NEDU] = {"less_than_high_school", "high_school",
                                                  "postsecondary"};
const char *const es_out_of_work_names[ES_NOOW] = {"under_3m", "3_to_12m", "over_12m"};
const char *const es_channel_names[ES_NCHANNELS] = {"in_person", "online", "phone"};

/* Picks a category from shares that sum to 1 (the loader normalises them). */
static int pick(gsl_rng *r, const double *shares, int n)
{
    double u = gsl_rng_uniform(r), acc = 0.0;
    for (int i = 0; i < n - 1; i++) {
        acc += shares[i];
        if (u < acc)
            return i;
    }
    return n - 1;
}

static int pick_channel(const es_params *p, gsl_rng *r, const es_attributes *a)
{
    double share[ES_NCHANNELS];
    for (int c = 0; c < ES_NCHANNELS; c++)
        share[c] = p->channel_share[c];
    if (a->age == ES_AGE_15_24) {
        double moved = share[ES_CH_IN_PERSON] * p->youth_online_shift;
        share[ES_CH_IN_PERSON] -= moved;
        share[ES_CH_ONLINE] += moved;
    }
    if (a->language_barrier) {
        for (int c = 0; c < ES_NCHANNELS; c++)
            if (c != ES_CH_IN_PERSON) {
                double moved = share[c] * p->language_in_person_shift;
                share[c] -= moved;
                share[ES_CH_IN_PERSON] += moved;
            }
    }
    return pick(r, share, ES_NCHANNELS);
}

void es_attributes_draw(const es_params *p, gsl_rng *r, bool rural, es_attributes *a)
{
    const es_client_mix *m = &p->clients;
    a->source = pick(r, m->source_share, ES_NSOURCES);
    a->disability = a->source == ES_SRC_ODSP || gsl_rng_uniform(r) < m->disability_prob;
    a->age = pick(r, m->age_share, ES_NAGES);
    a->education = pick(r, m->education_share, ES_NEDU);
    a->out_of_work = pick(r, m->out_of_work_share, ES_NOOW);
    a->language_barrier = gsl_rng_uniform(r) < m->language_barrier_prob;
    a->rural = rural;
    a->channel = pick_channel(p, r, a);
}

void es_groups_draw(const es_params *p, gsl_rng *r, es_attributes *a)
{
    const es_client_mix *m = &p->clients;
    /* one number each, whatever the shares: a change to one group's share moves no other */
    double u[3] = {gsl_rng_uniform(r), gsl_rng_uniform(r), gsl_rng_uniform(r)};
    a->francophone = u[0] < m->francophone_prob;
    a->indigenous = u[1] < m->indigenous_prob;
    a->newcomer = u[2] < m->newcomer_prob;
}

unsigned es_groups_of(const es_attributes *a)
{
    return (a->disability ? 1u << ES_GROUP_DISABILITY : 0u) |
           (a->francophone ? 1u << ES_GROUP_FRANCOPHONE : 0u) |
           (a->indigenous ? 1u << ES_GROUP_INDIGENOUS : 0u) |
           (a->age == ES_AGE_15_24 ? 1u << ES_GROUP_YOUTH : 0u) |
           (a->newcomer ? 1u << ES_GROUP_NEWCOMER : 0u) |
           (a->source == ES_SRC_OW || a->source == ES_SRC_ODSP ? 1u << ES_GROUP_SOCIAL_ASSISTANCE
                                                                : 0u);
}

double es_need_score(const es_params *p, const es_attributes *a, gsl_rng *r)
{
    const es_need_weights *w = &p->need;
    double need = w->source[a->source] + w->age[a->age] + w->education[a->education] +
                  w->out_of_work[a->out_of_work];
    if (a->disability)
        need += w->disability;
    if (a->language_barrier)
        need += w->language_barrier;
    if (a->rural)
        need += w->rural;
    need += (a->francophone ? w->francophone : 0.0) + (a->indigenous ? w->indigenous : 0.0) +
            (a->newcomer ? w->newcomer : 0.0);
    if (w->residual_sd > 0.0)
        need += gsl_ran_gaussian_ziggurat(r, w->residual_sd);
    return need;
}

bool es_cd_is_rural(const es_params *p, const es_census_division *cd)
{
    return cd->land_area_km2 > 0.0 &&
           (double)cd->population / cd->land_area_km2 < p->clients.rural_density_per_km2;
}

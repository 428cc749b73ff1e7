/* Loading the scenario's labour_market group: employers by industry and size, regional
 * conditions as a time series, shocks, matching, wage subsidies and job stacking. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/names.h"
#include "io/scenario.h"
#include "model/calendar.h"

#define S (&es_scenario_schema)

/* Rescales the employer_share of `n` list elements, `stride` bytes apart, to sum to 1. */
static int rescale_shares(double *first, size_t stride, int n, const config_setting_t *list,
                          const char *what, const char *file, es_error *err)
{
    double sum = 0.0;
    for (int i = 0; i < n; i++)
        sum += *(double *)((char *)first + (size_t)i * stride);
    if (sum <= 0.0)
        return es_schema_error(err, list, file, "the %s' employer_share values sum to 0", what);
    for (int i = 0; i < n; i++)
        *(double *)((char *)first + (size_t)i * stride) /= sum;
    return ES_OK;
}

static int load_industries(es_labour_params *lm, const config_setting_t *list, const char *file,
                           es_error *err)
{
    int rc = es_schema_load_list(S, ES_OWN_INDUSTRY, list, lm->industries,
                                 sizeof lm->industries[0], &lm->nindustries, file, err);
    for (int i = 0; !rc && i < lm->nindustries; i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        es_industry_params *ind = &lm->industries[i];
        rc = es_scenario_check_name(g, "industry", ind->name, lm->industries[0].name,
                                    sizeof lm->industries[0], i, file, err);
        char what[160];
        snprintf(what, sizeof what, "industry '%s': 'seasonality'", ind->name);
        if (!rc)
            rc = es_scenario_monthly(config_setting_get_member(g, "seasonality"), what,
                                     ind->seasonality, file, err);
    }
    if (!rc)
        rc = rescale_shares(&lm->industries[0].employer_share, sizeof lm->industries[0],
                            lm->nindustries, list, "industries", file, err);
    return rc;
}

static int load_sizes(es_labour_params *lm, const config_setting_t *list, const char *file,
                      es_error *err)
{
    int rc = es_schema_load_list(S, ES_OWN_SIZE, list, lm->sizes, sizeof lm->sizes[0],
                                 &lm->nsizes, file, err);
    for (int i = 0; !rc && i < lm->nsizes; i++)
        rc = es_scenario_check_name(config_setting_get_elem(list, (unsigned)i), "size class",
                                    lm->sizes[i].name, lm->sizes[0].name, sizeof lm->sizes[0], i,
                                    file, err);
    if (!rc)
        rc = rescale_shares(&lm->sizes[0].employer_share, sizeof lm->sizes[0], lm->nsizes, list,
                            "sizes", file, err);
    return rc;
}

static bool known_region(const es_params *p, int er)
{
    if (!p->has_geography)
        return true;
    for (int i = 0; i < p->geography.ncds; i++)
        if (p->geography.cds[i].er_uid == er)
            return true;
    return false;
}

/* Step i of labour_market.conditions (its keys loaded): its date, region and order. */
static int load_condition(es_params *p, int i, const config_setting_t *g, const char *file,
                          es_error *err)
{
    es_lm_step *st = &p->labour.steps[i];
    st->from_days = es_scenario_date_days(p, g, "labour_market.conditions.[].from");
    if (st->er_uid && !known_region(p, st->er_uid))
        return es_schema_error(err, config_setting_get_member(g, "er"), file,
                               "'labour_market.conditions': economic region %d is not in the geography",
                               st->er_uid);
    for (int j = 0; j < i; j++)
        if (p->labour.steps[j].er_uid == st->er_uid && p->labour.steps[j].from_days >= st->from_days)
            return es_schema_error(err, g, file,
                                   "'labour_market.conditions': the dates of %s%.0d must increase",
                                   st->er_uid ? "economic region " : "the province-wide steps",
                                   st->er_uid);
    return ES_OK;
}

/* A shock (its keys loaded): its dates and regions. */
static int load_shock(const es_params *p, es_lm_shock *sh, const config_setting_t *g,
                      const char *file, es_error *err)
{
    sh->from_days = es_scenario_date_days(p, g, "shocks.[].from");
    sh->to_days = es_scenario_date_days(p, g, "shocks.[].to");
    if (sh->to_days <= sh->from_days)
        return es_schema_error(err, config_setting_get_member(g, "to"), file,
                               "a shock must end after it begins ('to' after 'from')");
    const config_setting_t *regions = config_setting_get_member(g, "regions");
    sh->nregions = regions ? config_setting_length(regions) : 0;
    if (sh->nregions > ES_MAX_SHOCK_REGIONS)
        return es_schema_error(err, regions, file, "a shock lists at most %d regions",
                               ES_MAX_SHOCK_REGIONS);
    for (int r = 0; r < sh->nregions; r++) {
        double v = config_setting_get_float_elem(regions, (unsigned)r);
        sh->regions[r] = (int)v;
        if (v != floor(v) || !known_region(p, sh->regions[r]))
            return es_schema_error(err, regions, file,
                                   "shock region %g is not an economic region of the geography", v);
    }
    return ES_OK;
}

static int load_steps_and_shocks(es_params *p, const config_setting_t *steps,
                                 const config_setting_t *shocks, const char *file, es_error *err)
{
    es_labour_params *lm = &p->labour;
    int rc = es_schema_load_list(S, ES_OWN_CONDITION, steps, lm->steps, sizeof lm->steps[0],
                                 &lm->nsteps, file, err);
    for (int i = 0; !rc && i < lm->nsteps; i++)
        rc = load_condition(p, i, config_setting_get_elem(steps, (unsigned)i), file, err);
    if (!rc)
        rc = es_schema_load_list(S, ES_OWN_SHOCK, shocks, lm->shocks, sizeof lm->shocks[0],
                                 &lm->nshocks, file, err);
    for (int i = 0; !rc && i < lm->nshocks; i++)
        rc = load_shock(p, &lm->shocks[i], config_setting_get_elem(shocks, (unsigned)i), file, err);
    return rc;
}

int es_load_labour_market(es_params *p, const config_t *cfg, const char *file, es_error *err)
{
    const config_setting_t *g = config_lookup(cfg, "labour_market");
    es_labour_params *lm = &p->labour;
    *lm = (es_labour_params){0};
    if (!g)
        return ES_OK;
    es_dated_sink sink = es_scenario_dated_sink(p);
    int rc = es_schema_load_dated(S, ES_OWN_LABOUR, g, lm, file, &sink, err);
    if (rc || !lm->enabled)
        return rc;
    if (!p->has_geography)
        return es_schema_error(err, g, file,
                               "the labour market needs a geography (employers come from census-division populations)");
    const config_setting_t *industries = config_setting_get_member(g, "industries");
    const config_setting_t *sizes = config_setting_get_member(g, "sizes");
    if (!industries || !sizes)
        return es_schema_error(err, g, file, "labour_market needs 'industries' and 'sizes'");
    rc = load_industries(lm, industries, file, err);
    if (!rc)
        rc = load_sizes(lm, sizes, file, err);
    if (!rc)
        rc = load_steps_and_shocks(p, config_setting_get_member(g, "conditions"),
                                   config_lookup(cfg, "shocks"), file, err);
    return rc;
}

/* Loading the scenario's labour_market group: employers by industry and size, regional
 * conditions as a time series, shocks, matching, wage subsidies and job stacking. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/names.h"
#include "io/scenario.h"
#include "model/calendar.h"

#define S (&es_scenario_schema)
#define LM "labour_market."

static void copy_text(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src);
}

/* Reads a date key of `g` as days since the scenario's start. */
static double date_days(const es_params *p, const config_setting_t *g, const char *pattern)
{
    const char *text;
    int y, m, d;
    es_schema_string(S, g, pattern, &text);
    es_parse_date(text, &y, &m, &d);
    return es_sim_day(p->start_year, p->start_month, p->start_day, y, m, d);
}

/* Twelve monthly multipliers rescaled to mean 1; flat when absent. */
static int load_seasonality(const config_setting_t *season, const char *industry, double *out,
                            const char *file, es_error *err)
{
    for (int m = 0; m < 12; m++)
        out[m] = 1.0;
    if (!season)
        return ES_OK;
    if (config_setting_length(season) != 12)
        return es_schema_error(err, season, file, "industry '%s': 'seasonality' needs 12 values, not %d",
                               industry, config_setting_length(season));
    double sum = 0.0;
    for (int m = 0; m < 12; m++)
        sum += out[m] = config_setting_get_float_elem(season, (unsigned)m);
    if (sum <= 0.0)
        return es_schema_error(err, season, file, "industry '%s': 'seasonality' sums to 0", industry);
    for (int m = 0; m < 12; m++)
        out[m] *= 12.0 / sum;
    return ES_OK;
}

static int check_unique(const config_setting_t *g, const char *what, const char *name,
                        const char *names, size_t stride, int n, const char *file, es_error *err)
{
    char what_name[32];
    snprintf(what_name, sizeof what_name, "%s name", what);
    int rc = es_name_check_at(config_setting_get_member(g, "name"), name, what_name, file, err);
    if (rc)
        return rc;
    for (int j = 0; j < n; j++)
        if (strcmp(names + (size_t)j * stride, name) == 0)
            return es_schema_error(err, g, file, "%s name '%s' is used twice", what, name);
    return ES_OK;
}

static int load_industries(es_labour_params *lm, const config_setting_t *list, const char *file,
                           es_error *err)
{
    double sum = 0.0;
    lm->nindustries = config_setting_length(list);
    for (int i = 0; i < lm->nindustries; i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        es_industry_params *ind = &lm->industries[i];
        const char *name;
        es_schema_string(S, g, LM "industries.[].name", &name);
        int rc = check_unique(g, "industry", name, lm->industries[0].name,
                              sizeof lm->industries[0], i, file, err);
        if (rc)
            return rc;
        copy_text(ind->name, sizeof ind->name, name);
        es_schema_float(S, g, LM "industries.[].employer_share", &ind->employer_share);
        es_schema_float(S, g, LM "industries.[].hours_mean", &ind->hours_mean);
        es_schema_float(S, g, LM "industries.[].hours_sd", &ind->hours_sd);
        es_schema_float(S, g, LM "industries.[].wage_factor", &ind->wage_factor);
        es_schema_float(S, g, LM "industries.[].match_effect", &ind->match_effect);
        rc = load_seasonality(config_setting_get_member(g, "seasonality"), name, ind->seasonality,
                              file, err);
        if (rc)
            return rc;
        sum += ind->employer_share;
    }
    if (sum <= 0.0)
        return es_schema_error(err, list, file, "the industries' employer_share values sum to 0");
    for (int i = 0; i < lm->nindustries; i++)
        lm->industries[i].employer_share /= sum;
    return ES_OK;
}

static int load_sizes(es_labour_params *lm, const config_setting_t *list, const char *file,
                      es_error *err)
{
    double sum = 0.0;
    lm->nsizes = config_setting_length(list);
    for (int i = 0; i < lm->nsizes; i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        es_size_params *sz = &lm->sizes[i];
        const char *name;
        es_schema_string(S, g, LM "sizes.[].name", &name);
        int rc = check_unique(g, "size class", name, lm->sizes[0].name, sizeof lm->sizes[0], i,
                              file, err);
        if (rc)
            return rc;
        copy_text(sz->name, sizeof sz->name, name);
        es_schema_float(S, g, LM "sizes.[].employer_share", &sz->employer_share);
        es_schema_float(S, g, LM "sizes.[].postings_per_year", &sz->postings_per_year);
        sum += sz->employer_share;
    }
    if (sum <= 0.0)
        return es_schema_error(err, list, file, "the sizes' employer_share values sum to 0");
    for (int i = 0; i < lm->nsizes; i++)
        lm->sizes[i].employer_share /= sum;
    return ES_OK;
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

static int load_conditions(es_params *p, const config_setting_t *list, const char *file,
                           es_error *err)
{
    es_labour_params *lm = &p->labour;
    lm->nsteps = list ? config_setting_length(list) : 0;
    for (int i = 0; i < lm->nsteps; i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        es_lm_step *st = &lm->steps[i];
        int64_t er;
        st->from_days = date_days(p, g, LM "conditions.[].from");
        es_schema_int(S, g, LM "conditions.[].er", &er);
        st->er_uid = (int)er;
        es_schema_float(S, g, LM "conditions.[].unemployment_rate", &st->unemployment_rate);
        es_schema_float(S, g, LM "conditions.[].vacancy_rate", &st->vacancy_rate);
        if (st->er_uid && !known_region(p, st->er_uid))
            return es_schema_error(err, config_setting_get_member(g, "er"), file,
                                   "'labour_market.conditions': economic region %d is not in the geography",
                                   st->er_uid);
        for (int j = 0; j < i; j++)
            if (lm->steps[j].er_uid == st->er_uid && lm->steps[j].from_days >= st->from_days)
                return es_schema_error(err, g, file,
                                       "'labour_market.conditions': the dates of %s%.0d must increase",
                                       st->er_uid ? "economic region " : "the province-wide steps",
                                       st->er_uid);
    }
    return ES_OK;
}

static int load_shocks(es_params *p, const config_setting_t *list, const char *file,
                       es_error *err)
{
    es_labour_params *lm = &p->labour;
    lm->nshocks = list ? config_setting_length(list) : 0;
    for (int i = 0; i < lm->nshocks; i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        es_lm_shock *sh = &lm->shocks[i];
        sh->from_days = date_days(p, g, "shocks.[].from");
        sh->to_days = date_days(p, g, "shocks.[].to");
        if (sh->to_days <= sh->from_days)
            return es_schema_error(err, config_setting_get_member(g, "to"), file,
                                   "a shock must end after it begins ('to' after 'from')");
        es_schema_float(S, g, "shocks.[].vacancy_multiplier", &sh->vacancy_multiplier);
        es_schema_float(S, g, "shocks.[].unemployment_multiplier", &sh->unemployment_multiplier);
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
    }
    return ES_OK;
}

static void load_matching(es_labour_params *lm, const config_setting_t *g)
{
    int64_t offers;
    es_schema_float(S, g, LM "employers_per_1000", &lm->employers_per_1000);
    es_schema_float(S, g, LM "registered_share", &lm->registered_share);
    es_schema_float(S, g, LM "vacancy_days", &lm->vacancy_days);
    es_schema_float(S, g, LM "others_fill_days", &lm->others_fill_days);
    es_schema_float(S, g, LM "reference_unemployment_rate", &lm->reference_unemployment_rate);
    es_schema_float(S, g, LM "reference_vacancy_rate", &lm->reference_vacancy_rate);
    es_schema_float(S, g, LM "match_base", &lm->match_base);
    es_schema_float(S, g, LM "training_effect", &lm->training_effect);
    es_schema_float(S, g, LM "job_developer_effect", &lm->developer_effect);
    es_schema_float(S, g, LM "subsidy_effect", &lm->subsidy_effect);
    es_schema_int(S, g, LM "offers_per_search", &offers);
    lm->offers_per_search = (int)offers;
    es_schema_float(S, g, LM "max_search_days", &lm->max_search_days);
    es_schema_float(S, g, LM "subsidy_months", &lm->subsidy_months);
    es_schema_float(S, g, LM "stacking_prob", &lm->stacking_prob);
    es_schema_float(S, g, LM "stacking_max_share", &lm->stacking_max_share);
}

int es_load_labour_market(es_params *p, const config_t *cfg, const char *file, es_error *err)
{
    const config_setting_t *g = config_lookup(cfg, "labour_market");
    es_labour_params *lm = &p->labour;
    *lm = (es_labour_params){0};
    if (!g)
        return ES_OK;
    es_schema_bool(S, g, LM "enabled", &lm->enabled);
    load_matching(lm, g);
    if (!lm->enabled)
        return ES_OK;
    if (!p->has_geography)
        return es_schema_error(err, g, file,
                               "the labour market needs a geography (employers come from census-division populations)");
    const config_setting_t *industries = config_setting_get_member(g, "industries");
    const config_setting_t *sizes = config_setting_get_member(g, "sizes");
    if (!industries || !sizes)
        return es_schema_error(err, g, file, "labour_market needs 'industries' and 'sizes'");
    int rc = load_industries(lm, industries, file, err);
    if (!rc)
        rc = load_sizes(lm, sizes, file, err);
    if (!rc)
        rc = load_conditions(p, config_setting_get_member(g, "conditions"), file, err);
    if (!rc)
        rc = load_shocks(p, config_lookup(cfg, "shocks"), file, err);
    return rc;
}

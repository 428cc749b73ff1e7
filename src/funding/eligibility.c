/* Funded-outcome rules of a funding model (see eligibility.h). */
#include "funding/eligibility.h"

#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "engine/alloc.h"

const char *const es_wage_floor_names[ES_NWAGE_FLOORS] = {"minimum", "none"};

int es_eligibility_init(es_eligibility_state *s, const es_eligibility *rule, const es_params *p)
{
    *s = (es_eligibility_state){.rule = *rule, .ncatchments = p->ncatchments};
    if (!rule->hours_set)
        s->rule.hours_per_week = p->funded_hours_per_week;
    if (!rule->stacking_share_set)
        s->rule.stacking_max_share = p->labour.stacking_max_share;
    size_t cells = (size_t)(p->ncatchments > 0 ? p->ncatchments : 1) * ES_ELIGIBILITY_CHECKPOINTS;
    return es_calloc_pair(&s->employed_at, &s->stacked_counted, cells, sizeof *s->employed_at);
}

void es_eligibility_destroy(es_eligibility_state *s)
{
    es_free_pair(&s->employed_at, &s->stacked_counted);
}

bool es_eligibility_decide(es_eligibility_state *s, const es_model_event *ev)
{
    const es_eligibility *r = &s->rule;
    int k = (int)ev->kind - (int)ES_MS_EMPLOYED_1M;
    if (k < 0 || k >= ES_ELIGIBILITY_CHECKPOINTS || ev->catchment < 0 ||
        ev->catchment >= s->ncatchments)
        return false;
    size_t cell = (size_t)ev->catchment * ES_ELIGIBILITY_CHECKPOINTS + (size_t)k;
    s->employed_at[cell]++; /* every client employed at the checkpoint, the cap's base */
    bool funded = ev->hours >= r->hours_per_week &&
                  (r->wage_floor == ES_WAGE_FLOOR_NONE || ev->wage_ok) &&
                  (r->earnings_per_week <= 0.0 || ev->hours * ev->wage >= r->earnings_per_week);
    /* a subsidised placement is no outcome until a checkpoint after its subsidy ends */
    if (ev->subsidy_running && !r->pay_during_subsidy)
        return false;
    /* two stacked jobs that reach the hours only together: at most a share of the outcomes */
    if (funded && ev->stacked && ev->primary_hours < r->hours_per_week) {
        if ((double)(s->stacked_counted[cell] + 1) >
            r->stacking_max_share * (double)s->employed_at[cell])
            return false;
        s->stacked_counted[cell]++;
    }
    return funded;
}

static int bad_key(es_error *err, const config_setting_t *g, const char *msg)
{
    const char *file = config_setting_source_file(g);
    return es_error_set(err, ES_EINVAL, file ? file : "", (int)config_setting_source_line(g),
                        "eligibility.%s: %s", config_setting_name(g), msg);
}

static int read_number(const config_setting_t *g, const char *key, double lo, double hi,
                       double *out, bool *found, es_error *err)
{
    const config_setting_t *s = config_setting_get_member(g, key);
    *found = s != NULL;
    if (!s)
        return ES_OK;
    int type = config_setting_type(s);
    if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64 && type != CONFIG_TYPE_FLOAT)
        return bad_key(err, s, "must be a number");
    double v = type == CONFIG_TYPE_FLOAT ? config_setting_get_float(s)
               : type == CONFIG_TYPE_INT ? (double)config_setting_get_int(s)
                                         : (double)config_setting_get_int64(s);
    if (!(v >= lo && v <= hi))
        return bad_key(err, s, "out of range");
    *out = v;
    return ES_OK;
}

int es_eligibility_load(es_eligibility *rule, const config_setting_t *g, es_error *err)
{
    memset(rule, 0, sizeof *rule);
    if (!g)
        return ES_OK;
    if (!config_setting_is_group(g))
        return bad_key(err, g, "must be a group { ... }");
    static const char *const known[] = {"hours_per_week", "wage_floor", "earnings_per_week",
                                        "pay_during_subsidy", "stacking_max_share"};
    for (int i = 0; i < config_setting_length(g); i++) {
        const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        bool ok = false;
        for (size_t j = 0; j < sizeof known / sizeof *known; j++)
            ok |= strcmp(config_setting_name(s), known[j]) == 0;
        if (!ok)
            return bad_key(err, s, "unknown key");
    }
    bool found;
    int rc = read_number(g, "hours_per_week", 0.0, 168.0, &rule->hours_per_week,
                         &rule->hours_set, err);
    if (!rc)
        rc = read_number(g, "earnings_per_week", 0.0, 1e9, &rule->earnings_per_week, &found, err);
    if (!rc)
        rc = read_number(g, "stacking_max_share", 0.0, 1.0, &rule->stacking_max_share,
                         &rule->stacking_share_set, err);
    if (rc)
        return rc;
    const config_setting_t *s = config_setting_get_member(g, "wage_floor");
    if (s) {
        const char *name = config_setting_get_string(s);
        int floor = -1;
        for (int j = 0; name && j < ES_NWAGE_FLOORS; j++)
            if (strcmp(name, es_wage_floor_names[j]) == 0)
                floor = j;
        if (floor < 0)
            return bad_key(err, s, "must be \"minimum\" or \"none\"");
        rule->wage_floor = (es_wage_floor)floor;
    }
    s = config_setting_get_member(g, "pay_during_subsidy");
    if (s) {
        if (config_setting_type(s) != CONFIG_TYPE_BOOL)
            return bad_key(err, s, "must be true or false");
        rule->pay_during_subsidy = config_setting_get_bool(s);
    }
    return ES_OK;
}

#include "io/scenario.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "engine/rng.h"

#define S (&es_scenario_schema)
#define F (&es_funding_schema)

static void copy_name(char *dst, size_t len, const char *src) { snprintf(dst, len, "%s", src); }

static int load_dist(const config_setting_t *g, es_dist *d)
{
    const char *kind;
    es_cfg_string(S, g, "streams.[].service.distribution", &kind);
    static const char *const names[] = {"exponential", "deterministic", "gamma", "lognormal"};
    for (int i = 0; i < 4; i++)
        if (strcmp(kind, names[i]) == 0)
            d->kind = (es_dist_kind)i;
    es_cfg_float(S, g, "streams.[].service.mean_days", &d->mean);
    es_cfg_float(S, g, "streams.[].service.cv", &d->cv);
    return ES_OK;
}

static int load_streams(es_params *p, const config_t *cfg, const char *file, es_error *err)
{
    const config_setting_t *list = config_lookup(cfg, "streams");
    p->nstreams = config_setting_length(list);
    for (int i = 0; i < p->nstreams; i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        es_stream_params *sp = &p->streams[i];
        const char *name;
        es_cfg_string(S, g, "streams.[].name", &name);
        for (int j = 0; j < i; j++)
            if (strcmp(p->streams[j].name, name) == 0)
                return es_cfg_error(err, g, file, "stream name '%s' is used twice", name);
        copy_name(sp->name, sizeof sp->name, name);
        load_dist(config_setting_get_member(g, "service"), &sp->service_days);
        es_cfg_float(S, g, "streams.[].job_start_prob", &sp->job_start_prob);
        es_cfg_float(S, g, "streams.[].retention_3m_prob", &sp->retention_3m_prob);
        es_cfg_float(S, g, "streams.[].patience_days", &sp->patience_days);
        int64_t prio;
        es_cfg_int(S, g, "streams.[].priority", &prio);
        sp->priority = (int)prio;
    }
    return ES_OK;
}

static int load_assessment(es_params *p, const config_t *cfg, const char *file, es_error *err)
{
    const config_setting_t *a = config_lookup(cfg, "assessment");
    es_cfg_float(S, a, "assessment.noise_sd", &p->assessment_noise_sd);
    const config_setting_t *th = a ? config_setting_get_member(a, "thresholds") : NULL;
    if (!th) {
        for (int k = 1; k < p->nstreams; k++)
            p->thresholds[k - 1] = gsl_cdf_ugaussian_Pinv((double)k / p->nstreams);
        return ES_OK;
    }
    int n = config_setting_length(th);
    if (n != p->nstreams - 1)
        return es_cfg_error(err, th, file,
                            "'assessment.thresholds' needs %d values (one fewer than streams), not %d",
                            p->nstreams - 1, n);
    for (int k = 0; k < n; k++) {
        p->thresholds[k] = config_setting_get_float_elem(th, (unsigned)k);
        if (k > 0 && p->thresholds[k] <= p->thresholds[k - 1])
            return es_cfg_error(err, th, file, "'assessment.thresholds' must increase");
    }
    return ES_OK;
}

static int load_catchments(es_params *p, const config_t *cfg, const char *file, es_error *err)
{
    const config_setting_t *list = config_lookup(cfg, "catchments");
    p->ncatchments = config_setting_length(list);
    for (int i = 0; i < p->ncatchments; i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        es_catchment_params *cp = &p->catchments[i];
        const char *name, *ssm;
        es_cfg_string(S, g, "catchments.[].name", &name);
        for (int j = 0; j < i; j++)
            if (strcmp(p->catchments[j].name, name) == 0)
                return es_cfg_error(err, g, file, "catchment name '%s' is used twice", name);
        copy_name(cp->name, sizeof cp->name, name);
        es_cfg_string(S, g, "catchments.[].ssm", &ssm);
        copy_name(cp->ssm, sizeof cp->ssm, ssm);
        es_cfg_float(S, g, "catchments.[].arrivals_per_day", &cp->arrivals_per_day);
        const config_setting_t *pl = config_setting_get_member(g, "providers");
        cp->nproviders = config_setting_length(pl);
        for (int j = 0; j < cp->nproviders; j++) {
            const config_setting_t *pg = config_setting_get_elem(pl, (unsigned)j);
            const char *pname;
            int64_t cap;
            es_cfg_string(S, pg, "catchments.[].providers.[].name", &pname);
            copy_name(cp->providers[j].name, sizeof cp->providers[j].name, pname);
            es_cfg_int(S, pg, "catchments.[].providers.[].caseload_capacity", &cap);
            cp->providers[j].caseload_capacity = (int)cap;
        }
    }
    return ES_OK;
}

static int load_run(es_params *p, const config_t *cfg, const char *file, es_error *err)
{
    const config_setting_t *g = config_lookup(cfg, "scenario");
    const char *name, *date, *rng;
    es_cfg_string(S, g, "scenario.name", &name);
    copy_name(p->name, sizeof p->name, name);
    es_cfg_string(S, g, "scenario.start_date", &date);
    es_parse_date(date, &p->start_year, &p->start_month, &p->start_day);
    es_cfg_float(S, g, "scenario.horizon_days", &p->horizon_days);
    es_cfg_float(S, g, "scenario.warmup_days", &p->warmup_days);
    if (p->warmup_days >= p->horizon_days)
        return es_cfg_error(err, config_setting_get_member(g, "warmup_days"), file,
                            "'scenario.warmup_days' (%g) must be below horizon_days (%g)",
                            p->warmup_days, p->horizon_days);
    int64_t seed, reps;
    es_cfg_int(S, g, "scenario.seed", &seed);
    es_cfg_int(S, g, "scenario.replications", &reps);
    p->seed = (uint64_t)seed;
    p->replications = (int)reps;
    es_cfg_string(S, g, "scenario.rng", &rng);
    if (!es_rng_type_by_name(rng))
        return es_cfg_error(err, config_setting_get_member(g, "rng"), file,
                            "'scenario.rng' = \"%s\" is not a known generator (try xoshiro256+, taus2, mt19937)",
                            rng);
    copy_name(p->rng, sizeof p->rng, rng);
    return ES_OK;
}

static void resolve_path(char *out, size_t len, const char *base_file, const char *rel)
{
    if (rel[0] == '/') {
        snprintf(out, len, "%s", rel);
        return;
    }
    const char *slash = strrchr(base_file, '/');
    if (!slash)
        snprintf(out, len, "%s", rel);
    else
        snprintf(out, len, "%.*s/%s", (int)(slash - base_file), base_file, rel);
}

int es_scenario_load(es_scenario *s, const char *path, es_error *err)
{
    memset(s, 0, sizeof *s);
    copy_name(s->file, sizeof s->file, path);
    config_t cfg;
    int rc = es_config_read(&cfg, path, err);
    if (rc)
        return rc;
    rc = es_schema_validate(S, &cfg, err);
    if (!rc)
        rc = load_run(&s->params, &cfg, path, err);
    if (!rc)
        rc = load_streams(&s->params, &cfg, path, err);
    if (!rc)
        rc = load_assessment(&s->params, &cfg, path, err);
    if (!rc)
        rc = load_catchments(&s->params, &cfg, path, err);
    const char *funding;
    if (!rc && config_lookup_string(&cfg, "scenario.funding_model", &funding) == CONFIG_TRUE) {
        char fpath[1024];
        resolve_path(fpath, sizeof fpath, path, funding);
        FILE *probe = fopen(fpath, "r");
        if (probe)
            fclose(probe);
        else
            rc = es_cfg_error(err, config_lookup(&cfg, "scenario.funding_model"), path,
                              "cannot open funding model \"%s\" (looked for %s)", funding, fpath);
        if (!rc)
            rc = es_funding_load(&s->funding, fpath, &s->params, err);
        s->has_funding = rc == ES_OK;
    }
    config_destroy(&cfg);
    return rc;
}

static int load_component(es_component *c, const config_setting_t *g, const es_params *p,
                          const char *file, es_error *err)
{
    const char *name, *type, *event;
    es_cfg_string(F, g, "funding.components.[].name", &name);
    copy_name(c->name, sizeof c->name, name);
    es_cfg_string(F, g, "funding.components.[].type", &type);
    for (int t = 0; t < 3; t++)
        if (strcmp(type, es_component_type_names[t]) == 0)
            c->type = (es_component_type)t;
    es_cfg_string(F, g, "funding.components.[].event", &event);
    c->event = (es_milestone)es_milestone_by_name(event);
    const config_setting_t *amounts = config_setting_get_member(g, "amounts");
    int n = config_setting_length(amounts);
    for (int i = 0; i < n; i++) {
        const config_setting_t *a = config_setting_get_elem(amounts, (unsigned)i);
        const char *sname = config_setting_name(a);
        int s = -1;
        for (int k = 0; k < p->nstreams; k++)
            if (strcmp(p->streams[k].name, sname) == 0)
                s = k;
        if (s < 0)
            return es_cfg_error(err, a, file, "component '%s' names stream '%s', which the scenario does not have",
                                name, sname);
        double dollars = config_setting_type(a) == CONFIG_TYPE_FLOAT
                             ? config_setting_get_float(a)
                             : (double)config_setting_get_int64(a);
        c->amount_cents[s] = (int64_t)llround(dollars * 100.0);
    }
    for (int k = 0; k < p->nstreams; k++)
        if (!config_setting_get_member(amounts, p->streams[k].name))
            return es_cfg_error(err, amounts, file, "component '%s' has no amount for stream '%s'",
                                name, p->streams[k].name);
    return ES_OK;
}

int es_funding_load(es_funding_model *f, const char *path, const es_params *p, es_error *err)
{
    memset(f, 0, sizeof *f);
    copy_name(f->file, sizeof f->file, path);
    config_t cfg;
    int rc = es_config_read(&cfg, path, err);
    if (rc)
        return rc;
    rc = es_schema_validate(F, &cfg, err);
    const config_setting_t *g = config_lookup(&cfg, "funding");
    if (!rc) {
        const char *name, *cur;
        int64_t year;
        es_cfg_string(F, g, "funding.name", &name);
        copy_name(f->name, sizeof f->name, name);
        es_cfg_string(F, g, "funding.currency", &cur);
        copy_name(f->currency, sizeof f->currency, cur);
        es_cfg_int(F, g, "funding.price_year", &year);
        f->price_year = (int)year;
        es_cfg_float(F, g, "funding.cad_per_unit", &f->cad_per_unit);
        if (strcmp(f->currency, "CAD") == 0 && f->cad_per_unit != 1.0)
            rc = es_cfg_error(err, config_setting_get_member(g, "cad_per_unit"), path,
                              "'funding.cad_per_unit' must be 1 for a CAD model");
    }
    const config_setting_t *list = g ? config_setting_get_member(g, "components") : NULL;
    if (!rc)
        f->ncomponents = config_setting_length(list);
    for (int i = 0; !rc && i < f->ncomponents; i++) {
        const config_setting_t *cg = config_setting_get_elem(list, (unsigned)i);
        rc = load_component(&f->components[i], cg, p, path, err);
        for (int j = 0; !rc && j < i; j++)
            if (strcmp(f->components[j].name, f->components[i].name) == 0)
                rc = es_cfg_error(err, cg, path, "component name '%s' is used twice",
                                  f->components[i].name);
    }
    config_destroy(&cfg);
    return rc;
}

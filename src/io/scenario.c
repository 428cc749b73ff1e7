#include "io/scenario.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_cdf.h>

#include "engine/rng.h"
#include "io/geography.h"
#include "io/layers.h"
#include "io/input_file.h"
#include "io/names.h"
#include "model/assessment.h"
#include "model/calendar.h"

#define S (&es_scenario_schema)

/* Copies a name, cut to the buffer (the schema bounds every name well below it). */
static void copy_name(char *dst, size_t len, const char *src)
{
    size_t n = strlen(src);
    if (n >= len)
        n = len - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

int es_scenario_check_name(const config_setting_t *g, const char *what, const char *name,
                           const char *names, size_t stride, int n, const char *file,
                           es_error *err)
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

static int load_streams(es_params *p, const config_t *cfg, const char *file, es_error *err)
{
    const config_setting_t *list = config_lookup(cfg, "streams");
    int n = config_setting_length(list);
    for (int i = 0; i < n; i++)
        p->streams[i].target_share = 1.0 / n; /* equal shares unless the file says */
    es_dated_sink sink = es_scenario_dated_sink(p);
    int rc = es_schema_load_list_dated(S, ES_OWN_STREAM, list, p->streams, sizeof p->streams[0],
                                       &p->nstreams, file, &sink, err);
    for (int i = 0; !rc && i < n; i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        const char *name = p->streams[i].name;
        p->streams[i].services[ES_SVC_EMPLOYMENT].prob = 1.0; /* every client receives it */
        rc = es_scenario_check_name(g, "stream", name, p->streams[0].name, sizeof p->streams[0],
                                    i, file, err);
        /* streams are groups of summary.csv by their bare name, beside "all", "EO", ... and
         * "A;days=7" */
        const config_setting_t *ns = config_setting_get_member(g, "name");
        if (!rc && es_name_reserved(name))
            rc = es_schema_error(err, ns, file,
                                 "stream name '%s' is a label the outputs use for another group: "
                                 "choose another", name);
        if (!rc && strchr(name, '='))
            rc = es_schema_error(err, ns, file,
                                 "stream name '%s' holds '=', which the outputs use in group labels",
                                 name);
    }
    return rc;
}

static int load_assessment(es_params *p, const config_t *cfg, const char *file, es_error *err,
                           bool *thresholds_given)
{
    const config_setting_t *th = config_lookup(cfg, "assessment.thresholds");
    *thresholds_given = th != NULL;
    if (!th)
        return ES_OK;
    int n = config_setting_length(th);
    if (n != p->nstreams - 1)
        return es_schema_error(err, th, file,
                               "'assessment.thresholds' needs %d values (one fewer than streams), not %d",
                               p->nstreams - 1, n);
    for (int k = 0; k < n; k++) {
        p->thresholds[k] = config_setting_get_float_elem(th, (unsigned)k);
        if (k > 0 && p->thresholds[k] <= p->thresholds[k - 1])
            return es_schema_error(err, th, file, "'assessment.thresholds' must increase");
    }
    return ES_OK;
}

/* Rescales shares, loaded as written, to sum to 1. */
static int normalise(double *shares, int n, const config_t *cfg, const char *group,
                     const char *what, const char *file, es_error *err)
{
    double sum = 0.0;
    for (int i = 0; i < n; i++)
        sum += shares[i];
    if (sum <= 0.0)
        return es_schema_error(err, config_lookup(cfg, group), file, "the %s shares sum to 0", what);
    for (int i = 0; i < n; i++)
        shares[i] /= sum;
    return ES_OK;
}

static int normalise_shares(es_params *p, const config_t *cfg, const char *file, es_error *err)
{
    es_client_mix *m = &p->clients;
    int rc = normalise(m->source_share, ES_NSOURCES, cfg, "clients", "source", file, err);
    if (!rc)
        rc = normalise(m->age_share, ES_NAGES, cfg, "clients", "age", file, err);
    if (!rc)
        rc = normalise(m->education_share, ES_NEDU, cfg, "clients", "education", file, err);
    if (!rc)
        rc = normalise(m->out_of_work_share, ES_NOOW, cfg, "clients", "out-of-work", file, err);
    if (!rc)
        rc = normalise(p->channel_share, ES_NCHANNELS, cfg, "channels", "channel", file, err);
    return rc;
}

/* Ontario's general minimum wage (design brief section 5). */
static const struct {
    int y, m, d;
    double dollars;
} ontario_minimum_wage[] = {
    {2019, 10, 1, 14.25}, {2021, 10, 1, 14.35}, {2022, 1, 1, 15.00}, {2022, 10, 1, 15.50},
    {2023, 10, 1, 16.55}, {2024, 10, 1, 17.20}, {2025, 10, 1, 17.60},
};

static int load_minimum_wage(es_params *p, const config_t *cfg, const char *file, es_error *err)
{
    const config_setting_t *mw = config_lookup(cfg, "outcomes.minimum_wage");
    if (!mw) {
        p->nwage_steps = (int)(sizeof ontario_minimum_wage / sizeof ontario_minimum_wage[0]);
        for (int i = 0; i < p->nwage_steps; i++) {
            p->minimum_wage[i].from_days =
                es_sim_day(p->start_year, p->start_month, p->start_day, ontario_minimum_wage[i].y,
                           ontario_minimum_wage[i].m, ontario_minimum_wage[i].d);
            p->minimum_wage[i].dollars = ontario_minimum_wage[i].dollars;
        }
        return ES_OK;
    }
    int rc = es_schema_load_list(S, ES_OWN_WAGE_STEP, mw, p->minimum_wage,
                                 sizeof p->minimum_wage[0], &p->nwage_steps, file, err);
    for (int i = 0; !rc && i < p->nwage_steps; i++) {
        const config_setting_t *e = config_setting_get_elem(mw, (unsigned)i);
        es_wage_step *step = &p->minimum_wage[i];
        step->from_days = es_scenario_date_days(p, e, "outcomes.minimum_wage.[].from");
        if (i > 0 && step->from_days <= p->minimum_wage[i - 1].from_days)
            rc = es_schema_error(err, e, file, "'outcomes.minimum_wage' dates must increase");
    }
    return rc;
}

double es_scenario_date_days(const es_params *p, const config_setting_t *g, const char *pattern)
{
    const char *text;
    int y, m, d;
    es_schema_string(S, g, pattern, &text);
    es_parse_date(text, &y, &m, &d);
    return es_sim_day(p->start_year, p->start_month, p->start_day, y, m, d);
}

int es_scenario_monthly(const config_setting_t *season, const char *what, double out[12],
                        const char *file, es_error *err)
{
    for (int m = 0; m < 12; m++)
        out[m] = 1.0;
    if (!season)
        return ES_OK;
    if (config_setting_length(season) != 12)
        return es_schema_error(err, season, file, "%s needs 12 values, not %d", what,
                               config_setting_length(season));
    double sum = 0.0;
    for (int m = 0; m < 12; m++)
        sum += out[m] = config_setting_get_float_elem(season, (unsigned)m);
    if (sum <= 0.0)
        return es_schema_error(err, season, file, "%s sums to 0", what);
    for (int m = 0; m < 12; m++)
        out[m] *= 12.0 / sum;
    return ES_OK;
}

static void resolve_path(char *out, size_t len, const char *base_file, const char *rel);

/* A file the scenario names must be a regular file: a folder opens like a file, then fails
 * its first read; a FIFO hangs the open, /dev/zero never ends.  The error points at `key`:
 * `missing` when it cannot be opened, else "WHAT is a folder, not a file" and the like. */
static int check_input_file(const char *path, int64_t max_bytes, const config_setting_t *key,
                            const char *what, const char *missing, const char *file,
                            es_error *err)
{
    FILE *f;
    int errnum;
    es_input_problem problem = es_input_open(path, max_bytes, &f, NULL, &errnum);
    if (problem == ES_INPUT_OK) {
        fclose(f);
        return ES_OK;
    }
    if (problem == ES_INPUT_ERRNO && errnum == ENOMEM)
        return es_error_set(err, ES_ENOMEM, path, 0, "out of memory opening it");
    if (problem == ES_INPUT_ERRNO)
        return es_schema_error(err, key, file, "%s", missing);
    char why[128];
    return es_schema_error(err, key, file, "%s %s", what,
                           es_input_why(problem, errnum, max_bytes, why, sizeof why));
}

static int load_geography(es_params *p, const config_t *cfg, const char *file, es_error *err)
{
    const config_setting_t *g = config_lookup(cfg, "geography");
    p->has_geography = g != NULL;
    if (!g)
        return ES_OK;
    const char *cds, *catchments;
    es_schema_string(S, g, "geography.census_divisions", &cds);
    es_schema_string(S, g, "geography.catchments", &catchments);
    char cd_path[1024], catch_path[1024];
    resolve_path(cd_path, sizeof cd_path, file, cds);
    resolve_path(catch_path, sizeof catch_path, file, catchments);
    const char *keys[2] = {"census_divisions", "catchments"};
    const char *paths[2] = {cd_path, catch_path};
    for (int i = 0; i < 2; i++) {
        char what[1200], missing[1200];
        snprintf(what, sizeof what, "'geography.%s' file %s", keys[i], paths[i]);
        snprintf(missing, sizeof missing, "cannot open 'geography.%s' file %s", keys[i], paths[i]);
        int rc = check_input_file(paths[i], ES_CSV_MAX_BYTES, config_setting_get_member(g, keys[i]),
                                  what, missing, file, err);
        if (rc)
            return rc;
    }
    copy_name(p->geography_files[0], sizeof p->geography_files[0], cd_path);
    copy_name(p->geography_files[1], sizeof p->geography_files[1], catch_path);
    return es_geography_load(&p->geography, cd_path, catch_path, err);
}

static unsigned load_flags(const config_setting_t *arr, const char *const *names, int n,
                           const char *what, const char *file, es_error *err, int *rc)
{
    unsigned flags = 0;
    int len = arr ? config_setting_length(arr) : 0;
    for (int i = 0; i < len; i++) {
        const char *v = config_setting_get_string_elem(arr, (unsigned)i);
        int found = -1;
        for (int k = 0; k < n; k++)
            if (v && strcmp(v, names[k]) == 0)
                found = k;
        if (found < 0) {
            *rc = es_schema_error(err, arr, file, "unknown %s \"%s\"", what, v ? v : "");
            return 0;
        }
        flags |= 1u << found;
    }
    return flags;
}

static int cd_in_catchment(const es_params *p, const es_catchment_params *cp, int uid)
{
    if (cp->geo_index < 0)
        return 0;
    const es_geo_catchment *gc = &p->geography.catchments[cp->geo_index];
    for (int k = 0; k < gc->ncds; k++)
        if (p->geography.cds[gc->cd_index[k]].uid == uid)
            return 1;
    return 0;
}

static int load_provider(es_params *p, es_catchment_params *cp, es_provider_params *pp,
                         const config_setting_t *pg, const char *file, es_error *err)
{
    const char *pname = pp->name;
    const config_setting_t *ns = config_setting_get_member(pg, "name");
    int rc = es_name_check_at(ns, pname, "provider name", file, err);
    if (rc)
        return rc;
    /* the outputs key providers by name alone ("provider=NAME"), across the run */
    for (const es_catchment_params *c = p->catchments; c <= cp; c++)
        for (const es_provider_params *q = c->providers;
             q < (c == cp ? pp : c->providers + c->nproviders); q++)
            if (strcmp(q->name, pname) == 0)
                return es_schema_error(err, ns, file, "provider name '%s' is used twice", pname);
    static const char *const specs[] = {"disability", "youth"};
    static const char *const chans[] = {"in_person", "online", "phone"};
    pp->specialisations = load_flags(config_setting_get_member(pg, "specialisations"), specs, 2,
                                     "specialisation", file, err, &rc);
    const config_setting_t *ch = config_setting_get_member(pg, "channels");
    if (!rc)
        pp->channels = ch ? load_flags(ch, chans, 3, "channel", file, err, &rc) : 7u;
    if (rc)
        return rc;
    if (pp->channels == 0)
        return es_schema_error(err, ch, file, "provider '%s' offers no channel", pname);
    const config_setting_t *sites = config_setting_get_member(pg, "sites");
    const config_setting_t *cap = config_setting_get_member(pg, "caseload_capacity");
    if (!sites && !cap)
        return es_schema_error(err, pg, file, "provider '%s' needs sites or a caseload_capacity", pname);
    if (sites && cap)
        return es_schema_error(err, cap, file,
                               "provider '%s' has sites: give each site its caseload_capacity instead",
                               pname);
    if (!sites) {
        pp->nsites = 1;
        copy_name(pp->sites[0].name, sizeof pp->sites[0].name, pname);
        pp->sites[0].caseload_capacity = config_setting_get_int(cap);
        pp->sites[0].cd_uid = cp->geo_index >= 0
                                  ? p->geography.cds[p->geography.catchments[cp->geo_index].cd_index[0]].uid
                                  : 0;
        return ES_OK;
    }
    rc = es_schema_load_list(S, ES_OWN_SITE, sites, pp->sites, sizeof pp->sites[0], &pp->nsites,
                             file, err);
    for (int s = 0; !rc && s < pp->nsites; s++) {
        const config_setting_t *sg = config_setting_get_elem(sites, (unsigned)s);
        const es_site_params *site = &pp->sites[s];
        const config_setting_t *cd = config_setting_get_member(sg, "cd");
        rc = es_name_check_at(config_setting_get_member(sg, "name"), site->name, "site name", file,
                              err);
        if (!rc && p->has_geography && cp->geo_index >= 0 && !cd_in_catchment(p, cp, site->cd_uid))
            rc = es_schema_error(err, cd ? cd : sg, file,
                                 "site '%s': census division %d is not in catchment '%s'",
                                 site->name, site->cd_uid, cp->name);
    }
    return rc;
}

static int load_catchment_start(es_params *p, es_catchment_params *cp, const config_setting_t *g,
                                const config_t *cfg, const char *file, es_error *err)
{
    const char *date;
    int y, m, d;
    if (es_schema_string(S, g, "catchments.[].start_date", &date) == ES_OK) {
        es_parse_date(date, &y, &m, &d);
    } else if (cp->geo_index >= 0) {
        const es_geo_catchment *gc = &p->geography.catchments[cp->geo_index];
        y = gc->start_year;
        m = gc->start_month;
        d = 1;
        if (y == 0) {
            const char *assumed;
            es_schema_string(S, config_lookup(cfg, "geography"), "geography.phase3_start", &assumed);
            char tail;
            if (sscanf(assumed, "%4d-%2d%c", &y, &m, &tail) != 2 || m < 1 || m > 12)
                return es_schema_error(err, config_lookup(cfg, "geography.phase3_start"), file,
                                       "'geography.phase3_start' = \"%s\" is not YYYY-MM", assumed);
        }
    } else {
        cp->start_days = 0.0;
        return ES_OK;
    }
    cp->start_days = es_sim_day(p->start_year, p->start_month, p->start_day, y, m, d);
    if (cp->start_days < 0.0)
        cp->start_days = 0.0; /* already live when the scenario starts */
    return ES_OK;
}

/* The catchment's SSM: as written, else the geography's, else "SSM". */
static int load_ssm(const es_params *p, es_catchment_params *cp, const config_setting_t *g,
                    const char *file, es_error *err)
{
    const char *ssm;
    if (es_schema_string(S, g, "catchments.[].ssm", &ssm) == ES_OK) {
        int rc = es_name_check_at(config_setting_get_member(g, "ssm"), ssm, "SSM name", file, err);
        if (rc)
            return rc;
    } else if (cp->geo_index >= 0 && p->geography.catchments[cp->geo_index].ssm[0]) {
        ssm = p->geography.catchments[cp->geo_index].ssm;
    } else {
        ssm = "SSM";
    }
    copy_name(cp->ssm, sizeof cp->ssm, ssm);
    return ES_OK;
}

/* Checks catchment i (its keys loaded) and reads the rest of it, its providers too. */
static int load_catchment(es_params *p, int i, const config_setting_t *g, const config_t *cfg,
                          const char *file, es_error *err)
{
    es_catchment_params *cp = &p->catchments[i];
    const char *name = cp->name;
    int rc = es_scenario_check_name(g, "catchment", name, p->catchments[0].name,
                                    sizeof p->catchments[0], i, file, err);
    if (rc)
        return rc;
    const config_setting_t *ns = config_setting_get_member(g, "name");
    if (es_name_reserved(name)) /* spend_by_catchment_cents groups by the bare name */
        return es_schema_error(err, ns, file,
                               "catchment name '%s' is a label the outputs use for another "
                               "group: choose another", name);
    cp->geo_index = p->has_geography ? es_geography_catchment_by_name(&p->geography, name) : -1;
    if (p->has_geography && cp->geo_index < 0)
        return es_schema_error(err, ns, file,
                               "catchment '%s' is not in the geography's catchments file", name);
    rc = load_ssm(p, cp, g, file, err);
    if (rc)
        return rc;
    if (cp->arrivals_per_day <= 0.0 && !p->has_geography)
        return es_schema_error(err, g, file,
                               "catchment '%s' needs arrivals_per_day, or the scenario a geography",
                               name);
    rc = load_catchment_start(p, cp, g, cfg, file, err);
    const config_setting_t *pl = config_setting_get_member(g, "providers");
    if (!rc)
        rc = es_schema_load_list(S, ES_OWN_PROVIDER, pl, cp->providers, sizeof cp->providers[0],
                                 &cp->nproviders, file, err);
    for (int j = 0; !rc && j < cp->nproviders; j++)
        rc = load_provider(p, cp, &cp->providers[j], config_setting_get_elem(pl, (unsigned)j),
                           file, err);
    return rc;
}

static int load_catchments(es_params *p, const config_t *cfg, const char *file, es_error *err)
{
    const config_setting_t *list = config_lookup(cfg, "catchments");
    int rc = es_schema_load_list(S, ES_OWN_CATCHMENT, list, p->catchments,
                                 sizeof p->catchments[0], &p->ncatchments, file, err);
    for (int i = 0; !rc && i < p->ncatchments; i++)
        rc = load_catchment(p, i, config_setting_get_elem(list, (unsigned)i), cfg, file, err);
    return rc;
}

static int load_run(es_params *p, const config_t *cfg, const char *file, es_error *err)
{
    const config_setting_t *g = config_lookup(cfg, "scenario");
    int rc = es_name_check_at(config_setting_get_member(g, "name"), p->name, "scenario name",
                              file, err);
    if (rc)
        return rc;
    if (p->warmup_days >= p->horizon_days)
        return es_schema_error(err, config_setting_get_member(g, "warmup_days"), file,
                               "'scenario.warmup_days' (%g) must be below horizon_days (%g)",
                               p->warmup_days, p->horizon_days);
    if (!es_rng_type_by_name(p->rng))
        return es_schema_error(err, config_setting_get_member(g, "rng"), file,
                               "'scenario.rng' = \"%s\" is not a known generator (try xoshiro256+, taus2, mt19937)",
                               p->rng);
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

/* scenario.funding_model, or scenario.funding_models (several, for a comparison): each file
 * must exist and load against the scenario's streams; the first becomes s->funding. */
static int load_funding_files(es_scenario *s, const config_t *cfg, const char *path, es_error *err)
{
    const config_setting_t *one = config_lookup(cfg, "scenario.funding_model");
    const config_setting_t *many = config_lookup(cfg, "scenario.funding_models");
    if (one && many)
        return es_schema_error(err, many, path, "give scenario.funding_model or scenario.funding_models, not both");
    int n = one ? 1 : many ? config_setting_length(many) : 0;
    if (n > 8)
        return es_schema_error(err, many, path, "'scenario.funding_models' holds at most 8 files");
    for (int i = 0; i < n; i++) {
        const config_setting_t *st = one ? one : config_setting_get_elem(many, (unsigned)i);
        const char *name = config_setting_get_string(st);
        char *fpath = s->funding_files[i];
        resolve_path(fpath, sizeof s->funding_files[i], path, name);
        char what[1400], missing[1400];
        snprintf(what, sizeof what, "funding model \"%s\" (%s)", name, fpath);
        snprintf(missing, sizeof missing, "cannot open funding model \"%s\" (looked for %s)",
                 name, fpath);
        int rc = check_input_file(fpath, ES_CONFIG_MAX_BYTES, st, what, missing, path, err);
        if (rc)
            return rc;
        /* each is loaded now so errors come before any run */
        es_funding_model *check = i == 0 ? &s->funding : malloc(sizeof *check);
        if (!check)
            return es_error_set(err, ES_ENOMEM, path, 0, "out of memory loading %s", fpath);
        rc = es_funding_load(check, fpath, &s->params, err);
        if (!rc)
            snprintf(s->funding_names[i], sizeof s->funding_names[i], "%s", check->name);
        if (check != &s->funding)
            free(check);
        if (rc)
            return rc;
        s->nfunding_files = i + 1;
    }
    s->has_funding = n > 0;
    return ES_OK;
}

static void add_input(es_scenario *s, const char *path)
{
    for (int i = 0; i < s->ninputs; i++)
        if (strcmp(s->inputs[i], path) == 0)
            return;
    if (s->ninputs < ES_MAX_INPUT_FILES)
        copy_name(s->inputs[s->ninputs++], sizeof s->inputs[0], path);
}

/* Files a libconfig file @includes, for the manifest: found by the scan es_config_read made
 * (not inside comments or strings, where libconfig does not look, and never opening a pipe). */
typedef struct include_list {
    es_scenario *s;
    const char *scenario;
} include_list;

static int add_include(const char *name, const char *opened, void *user)
{
    (void)opened;
    include_list *l = user;
    char full[1024];
    resolve_path(full, sizeof full, l->scenario, name);
    add_input(l->s, full);
    return ES_OK;
}

static int add_includes(es_scenario *s, const char *scenario, es_error *err)
{
    include_list l = {s, scenario};
    return es_config_includes(scenario, add_include, &l, err);
}

int es_scenario_read(config_t *cfg, const es_schema *schema, const char *path,
                     const es_override *overrides, int noverrides, es_error *err)
{
    return es_scenario_read_layered(cfg, schema, path, NULL, overrides, noverrides, err);
}

int es_scenario_read_layered(config_t *cfg, const es_schema *schema, const char *path,
                             const es_scenario_changes *ch, const es_override *overrides,
                             int noverrides, es_error *err)
{
    static const es_scenario_changes none;
    if (!ch)
        ch = &none;
    int rc = es_config_read_layered(cfg, path, ch->overlays, ch->noverlays, err);
    if (rc)
        return rc;
    for (int i = 0; !rc && i < ch->nsets; i++)
        rc = es_override_apply_set(cfg, &ch->sets[i], err);
    for (int i = 0; !rc && i < noverrides; i++)
        rc = es_override_apply(cfg, &overrides[i], err);
    if (!rc)
        rc = es_schema_validate(schema, cfg, err);
    if (rc)
        config_destroy(cfg);
    return rc;
}

int es_scenario_load(es_scenario *s, const char *path, es_error *err)
{
    return es_scenario_load_with(s, path, NULL, 0, err);
}

int es_scenario_load_with(es_scenario *s, const char *path, const es_override *overrides,
                          int noverrides, es_error *err)
{
    return es_scenario_load_layered(s, path, NULL, overrides, noverrides, err);
}

int es_scenario_load_layered(es_scenario *s, const char *path, const es_scenario_changes *ch,
                             const es_override *overrides, int noverrides, es_error *err)
{
    memset(s, 0, sizeof *s);
    copy_name(s->file, sizeof s->file, path);
    config_t cfg;
    int rc = es_scenario_read_layered(&cfg, S, path, ch, overrides, noverrides, err);
    if (rc)
        return rc;
    es_params *p = &s->params;
    bool thresholds_given = false;
    /* the start date first: dated values count their days from it */
    const char *start = NULL;
    es_schema_string(S, config_lookup(&cfg, "scenario"), "scenario.start_date", &start);
    es_parse_date(start, &p->start_year, &p->start_month, &p->start_day);
    es_dated_sink sink = es_scenario_dated_sink(p);
    /* every key bound to es_params; the steps below read the rest and check */
    rc = es_schema_load_dated(S, ES_OWN_PARAMS, config_root_setting(&cfg), p, path, &sink, err);
    if (!rc)
        rc = load_run(p, &cfg, path, err);
    if (!rc)
        rc = load_geography(p, &cfg, path, err);
    if (!rc)
        rc = es_scenario_monthly(config_lookup(&cfg, "intake.seasonality"), "'intake.seasonality'",
                                 p->seasonality, path, err);
    if (!rc)
        rc = normalise_shares(p, &cfg, path, err);
    if (!rc)
        rc = load_streams(p, &cfg, path, err);
    if (!rc)
        rc = load_assessment(p, &cfg, path, err, &thresholds_given);
    if (!rc)
        rc = load_minimum_wage(p, &cfg, path, err);
    if (!rc)
        rc = es_load_labour_market(p, &cfg, path, err);
    if (!rc)
        rc = load_catchments(p, &cfg, path, err);
    if (!rc && es_assessment_calibrate(p, thresholds_given) != ES_OK)
        rc = es_error_set(err, ES_ENOMEM, path, 0, "out of memory calibrating the assessment");
    if (!rc)
        rc = load_funding_files(s, &cfg, path, err);
    config_destroy(&cfg);
    if (!rc) {
        add_input(s, path);
        rc = add_includes(s, path, err);
    }
    for (int i = 0; !rc && ch && i < ch->noverlays; i++) { /* includes: the overlay's folder */
        add_input(s, ch->overlays[i]);
        rc = add_includes(s, ch->overlays[i], err);
    }
    if (!rc) {
        for (int i = 0; i < s->nfunding_files; i++)
            add_input(s, s->funding_files[i]);
        if (p->has_geography) {
            add_input(s, p->geography_files[0]);
            add_input(s, p->geography_files[1]);
        }
    }
    return rc;
}

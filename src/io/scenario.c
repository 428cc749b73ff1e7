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

static int load_dist_at(const config_setting_t *g, const char *prefix, es_dist *d)
{
    char key[128];
    const char *kind;
    snprintf(key, sizeof key, "%s.distribution", prefix);
    es_schema_string(S, g, key, &kind);
    static const char *const names[] = {"exponential", "deterministic", "gamma", "lognormal"};
    for (int i = 0; i < 4; i++)
        if (strcmp(kind, names[i]) == 0)
            d->kind = (es_dist_kind)i;
    snprintf(key, sizeof key, "%s.mean_days", prefix);
    es_schema_float(S, g, key, &d->mean);
    snprintf(key, sizeof key, "%s.cv", prefix);
    es_schema_float(S, g, key, &d->cv);
    return ES_OK;
}

static void load_service(const config_setting_t *stream, const char *name, es_service_params *sv)
{
    char prefix[96], key[128];
    snprintf(prefix, sizeof prefix, "streams.[].%s", name);
    const config_setting_t *g = config_setting_get_member(stream, name);
    load_dist_at(g, prefix, &sv->days);
    snprintf(key, sizeof key, "%s.prob", prefix);
    if (strcmp(name, "service") == 0)
        sv->prob = 1.0;
    else
        es_schema_float(S, g, key, &sv->prob);
}

static int load_streams(es_params *p, const config_t *cfg, const char *file, es_error *err,
                        bool *shares_given)
{
    const config_setting_t *list = config_lookup(cfg, "streams");
    p->nstreams = config_setting_length(list);
    *shares_given = false;
    for (int i = 0; i < p->nstreams; i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        es_stream_params *sp = &p->streams[i];
        const char *name;
        es_schema_string(S, g, "streams.[].name", &name);
        const config_setting_t *ns = config_setting_get_member(g, "name");
        int rc = es_name_check_at(ns, name, "stream name", file, err);
        if (rc)
            return rc;
        /* streams are groups of summary.csv by their bare name, beside "all", "EO", ... and
         * "A;days=7" */
        if (es_name_reserved(name))
            return es_schema_error(err, ns, file,
                                   "stream name '%s' is a label the outputs use for another group: "
                                   "choose another", name);
        if (strchr(name, '='))
            return es_schema_error(err, ns, file,
                                   "stream name '%s' holds '=', which the outputs use in group labels",
                                   name);
        for (int j = 0; j < i; j++)
            if (strcmp(p->streams[j].name, name) == 0)
                return es_schema_error(err, g, file, "stream name '%s' is used twice", name);
        copy_name(sp->name, sizeof sp->name, name);
        if (es_schema_float(S, g, "streams.[].target_share", &sp->target_share) == ES_OK)
            *shares_given = true;
        else
            sp->target_share = 1.0 / p->nstreams;
        load_service(g, "service", &sp->services[ES_SVC_EMPLOYMENT]);
        load_service(g, "training", &sp->services[ES_SVC_TRAINING]);
        load_service(g, "specialized", &sp->services[ES_SVC_SPECIALIZED]);
        es_schema_float(S, g, "streams.[].staff_hours_per_month", &sp->staff_hours_per_month);
        es_schema_float(S, g, "streams.[].dropout_prob", &sp->dropout_prob);
        es_schema_float(S, g, "streams.[].training_exit_prob", &sp->training_exit_prob);
        es_schema_float(S, g, "streams.[].job_start_prob", &sp->job_start_prob);
        es_schema_float(S, g, "streams.[].retention_3m_prob", &sp->retention_3m_prob);
        es_schema_float(S, g, "streams.[].patience_days", &sp->patience_days);
        int64_t prio;
        es_schema_int(S, g, "streams.[].priority", &prio);
        sp->priority = (int)prio;
        es_schema_float(S, g, "streams.[].match_effect", &sp->match_effect);
        es_schema_float(S, g, "streams.[].subsidy_prob", &sp->subsidy_prob);
    }
    return ES_OK;
}

static int load_assessment(es_params *p, const config_t *cfg, const char *file, es_error *err,
                           bool *thresholds_given)
{
    const config_setting_t *a = config_lookup(cfg, "assessment");
    es_schema_float(S, a, "assessment.noise_sd", &p->assessment_noise_sd);
    const config_setting_t *th = a ? config_setting_get_member(a, "thresholds") : NULL;
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

/* Reads keys "PREFIX_NAME" for each name into `out`; returns their sum. */
static double load_shares(const config_t *cfg, const char *group, const char *prefix,
                          const char *const *names, int n, double *out)
{
    const config_setting_t *g = config_lookup(cfg, group);
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
        char key[128];
        snprintf(key, sizeof key, "%s.%s%s", group, prefix, names[i]);
        out[i] = 0.0;
        es_schema_float(S, g, key, &out[i]);
        sum += out[i];
    }
    return sum;
}

static int normalise(double *shares, int n, double sum, const config_t *cfg, const char *group,
                     const char *what, const char *file, es_error *err)
{
    if (sum <= 0.0)
        return es_schema_error(err, config_lookup(cfg, group), file, "the %s shares sum to 0", what);
    for (int i = 0; i < n; i++)
        shares[i] /= sum;
    return ES_OK;
}

static int load_clients(es_params *p, const config_t *cfg, const char *file, es_error *err)
{
    static const char *const src[] = {"EO", "OW", "ODSP", "none"};
    static const char *const age[] = {"15_24", "25_44", "45_64", "65_up"};
    static const char *const edu[] = {"less_hs", "hs", "post"};
    static const char *const oow[] = {"under_3m", "3_12m", "over_12m"};
    es_client_mix *m = &p->clients;
    int rc = normalise(m->source_share, ES_NSOURCES,
                       load_shares(cfg, "clients", "source_", src, ES_NSOURCES, m->source_share),
                       cfg, "clients", "source", file, err);
    if (!rc)
        rc = normalise(m->age_share, ES_NAGES,
                       load_shares(cfg, "clients", "age_", age, ES_NAGES, m->age_share), cfg,
                       "clients", "age", file, err);
    if (!rc)
        rc = normalise(m->education_share, ES_NEDU,
                       load_shares(cfg, "clients", "education_", edu, ES_NEDU, m->education_share),
                       cfg, "clients", "education", file, err);
    if (!rc)
        rc = normalise(m->out_of_work_share, ES_NOOW,
                       load_shares(cfg, "clients", "out_of_work_", oow, ES_NOOW,
                                   m->out_of_work_share),
                       cfg, "clients", "out-of-work", file, err);
    const config_setting_t *g = config_lookup(cfg, "clients");
    es_schema_float(S, g, "clients.disability_prob", &m->disability_prob);
    es_schema_float(S, g, "clients.language_barrier_prob", &m->language_barrier_prob);
    es_schema_float(S, g, "clients.rural_density_per_km2", &m->rural_density_per_km2);

    es_need_weights *w = &p->need;
    load_shares(cfg, "need", "source_", src, ES_NSOURCES, w->source);
    load_shares(cfg, "need", "age_", age, ES_NAGES, w->age);
    load_shares(cfg, "need", "education_", edu, ES_NEDU, w->education);
    load_shares(cfg, "need", "out_of_work_", oow, ES_NOOW, w->out_of_work);
    g = config_lookup(cfg, "need");
    es_schema_float(S, g, "need.disability", &w->disability);
    es_schema_float(S, g, "need.language_barrier", &w->language_barrier);
    es_schema_float(S, g, "need.rural", &w->rural);
    es_schema_float(S, g, "need.residual_sd", &w->residual_sd);

    static const char *const ch[] = {"in_person", "online", "phone"};
    if (!rc)
        rc = normalise(p->channel_share, ES_NCHANNELS,
                       load_shares(cfg, "channels", "", ch, ES_NCHANNELS, p->channel_share), cfg,
                       "channels", "channel", file, err);
    static const char *const minutes[] = {"minutes_in_person", "minutes_online", "minutes_phone"};
    load_shares(cfg, "channels", "", minutes, ES_NCHANNELS, p->staff_minutes_per_contact);
    g = config_lookup(cfg, "channels");
    es_schema_float(S, g, "channels.youth_online_shift", &p->youth_online_shift);
    es_schema_float(S, g, "channels.language_in_person_shift", &p->language_in_person_shift);
    es_schema_float(S, g, "channels.contacts_per_month", &p->contacts_per_month);
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

static int load_outcomes(es_params *p, const config_t *cfg, const char *file, es_error *err)
{
    const config_setting_t *g = config_lookup(cfg, "outcomes");
    es_outcome_params *o = &p->outcomes;
    es_schema_float(S, g, "outcomes.need_effect", &o->need_effect);
    static const char *const src[] = {"EO", "OW", "ODSP", "none"};
    load_shares(cfg, "outcomes", "source_effect_", src, ES_NSOURCES, o->source_effect);
    es_schema_float(S, g, "outcomes.hours_mean", &o->hours_mean);
    es_schema_float(S, g, "outcomes.hours_sd", &o->hours_sd);
    es_schema_float(S, g, "outcomes.wage_mean", &o->wage_mean);
    es_schema_float(S, g, "outcomes.wage_cv", &o->wage_cv);
    es_schema_float(S, g, "outcomes.funded_hours_per_week", &p->funded_hours_per_week);
    es_schema_float(S, g, "outcomes.return_to_service_prob", &o->return_to_service_prob);
    es_schema_float(S, g, "outcomes.income_support_exit_prob", &o->income_support_exit_prob);
    es_schema_float(S, g, "outcomes.followup_unknown_prob", &o->followup_unknown_prob);
    es_schema_float(S, g, "outcomes.plan_error_prob", &o->plan_error_prob);
    es_schema_float(S, g, "outcomes.transfer_request_prob", &o->transfer_request_prob);
    es_schema_float(S, g, "outcomes.transfer_consent_prob", &o->transfer_consent_prob);
    es_schema_float(S, g, "outcomes.reassessment_days", &o->reassessment_days);
    const config_setting_t *mw = g ? config_setting_get_member(g, "minimum_wage") : NULL;
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
    p->nwage_steps = config_setting_length(mw);
    for (int i = 0; i < p->nwage_steps; i++) {
        const config_setting_t *e = config_setting_get_elem(mw, (unsigned)i);
        const char *from;
        int y, m, d;
        es_schema_string(S, e, "outcomes.minimum_wage.[].from", &from);
        es_parse_date(from, &y, &m, &d);
        p->minimum_wage[i].from_days = es_sim_day(p->start_year, p->start_month, p->start_day, y, m, d);
        es_schema_float(S, e, "outcomes.minimum_wage.[].dollars", &p->minimum_wage[i].dollars);
        if (i > 0 && p->minimum_wage[i].from_days <= p->minimum_wage[i - 1].from_days)
            return es_schema_error(err, e, file, "'outcomes.minimum_wage' dates must increase");
    }
    return ES_OK;
}

static void load_misc(es_params *p, const config_t *cfg)
{
    const config_setting_t *g = config_lookup(cfg, "contestability");
    es_contest_params *c = &p->contest;
    es_schema_float(S, g, "contestability.provider_review_days", &c->provider_review_days);
    es_schema_float(S, g, "contestability.provider_threshold", &c->provider_threshold);
    es_schema_float(S, g, "contestability.ssm_review_days", &c->ssm_review_days);
    es_schema_float(S, g, "contestability.ssm_threshold", &c->ssm_threshold);
    es_schema_float(S, g, "contestability.transition_days", &c->transition_days);
    es_schema_float(S, g, "contestability.capacity_dip", &c->capacity_dip);
    g = config_lookup(cfg, "behaviour");
    es_behaviour_params *b = &p->behaviour;
    es_schema_float(S, g, "behaviour.elasticity", &b->elasticity);
    es_schema_float(S, g, "behaviour.max_parked", &b->max_parked);
    es_schema_float(S, g, "behaviour.parked_job_effect", &b->parked_job_effect);
    es_schema_float(S, g, "behaviour.parked_staff_share", &b->parked_staff_share);
    es_schema_bool(S, g, "behaviour.cream", &b->cream);
    g = config_lookup(cfg, "costs");
    es_schema_float(S, g, "costs.staff_per_hour", &p->staff_cost_per_hour);
    es_schema_float(S, g, "costs.overhead_per_place_per_month", &p->overhead_per_place_per_month);
    g = config_lookup(cfg, "outputs");
    es_schema_bool(S, g, "outputs.suppress_small_cells", &p->suppress_small_cells);
    int64_t below;
    es_schema_int(S, g, "outputs.suppress_below", &below);
    p->suppress_below = (int)below;
}

static int load_intake(es_params *p, const config_t *cfg, const char *file, es_error *err)
{
    const config_setting_t *g = config_lookup(cfg, "intake");
    es_schema_float(S, g, "intake.per_1000_per_year", &p->intake_per_1000);
    const config_setting_t *season = g ? config_setting_get_member(g, "seasonality") : NULL;
    for (int m = 0; m < 12; m++)
        p->seasonality[m] = 1.0;
    if (!season)
        return ES_OK;
    if (config_setting_length(season) != 12)
        return es_schema_error(err, season, file, "'intake.seasonality' needs 12 values, not %d",
                               config_setting_length(season));
    double sum = 0.0;
    for (int m = 0; m < 12; m++)
        sum += p->seasonality[m] = config_setting_get_float_elem(season, (unsigned)m);
    if (sum <= 0.0)
        return es_schema_error(err, season, file, "'intake.seasonality' sums to 0");
    for (int m = 0; m < 12; m++)
        p->seasonality[m] *= 12.0 / sum;
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
    const char *pname;
    es_schema_string(S, pg, "catchments.[].providers.[].name", &pname);
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
    copy_name(pp->name, sizeof pp->name, pname);
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
    es_schema_bool(S, pg, "catchments.[].providers.[].job_developers", &pp->job_developers);
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
    pp->nsites = config_setting_length(sites);
    for (int s = 0; s < pp->nsites; s++) {
        const config_setting_t *sg = config_setting_get_elem(sites, (unsigned)s);
        es_site_params *site = &pp->sites[s];
        const char *sname;
        int64_t v;
        es_schema_string(S, sg, "catchments.[].providers.[].sites.[].name", &sname);
        rc = es_name_check_at(config_setting_get_member(sg, "name"), sname, "site name", file, err);
        if (rc)
            return rc;
        copy_name(site->name, sizeof site->name, sname);
        es_schema_int(S, sg, "catchments.[].providers.[].sites.[].caseload_capacity", &v);
        site->caseload_capacity = (int)v;
        es_schema_int(S, sg, "catchments.[].providers.[].sites.[].cd", &v);
        site->cd_uid = (int)v;
        if (p->has_geography && cp->geo_index >= 0 && !cd_in_catchment(p, cp, site->cd_uid))
            return es_schema_error(err, config_setting_get_member(sg, "cd") ? config_setting_get_member(sg, "cd") : sg,
                                   file, "site '%s': census division %d is not in catchment '%s'",
                                   sname, site->cd_uid, cp->name);
    }
    return ES_OK;
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

static int load_catchments(es_params *p, const config_t *cfg, const char *file, es_error *err)
{
    const config_setting_t *list = config_lookup(cfg, "catchments");
    p->ncatchments = config_setting_length(list);
    for (int i = 0; i < p->ncatchments; i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        es_catchment_params *cp = &p->catchments[i];
        const char *name, *ssm, *routing;
        es_schema_string(S, g, "catchments.[].name", &name);
        const config_setting_t *ns = config_setting_get_member(g, "name");
        int rc = es_name_check_at(ns, name, "catchment name", file, err);
        if (rc)
            return rc;
        if (es_name_reserved(name)) /* spend_by_catchment_cents groups by the bare name */
            return es_schema_error(err, ns, file,
                                   "catchment name '%s' is a label the outputs use for another "
                                   "group: choose another", name);
        for (int j = 0; j < i; j++)
            if (strcmp(p->catchments[j].name, name) == 0)
                return es_schema_error(err, g, file, "catchment name '%s' is used twice", name);
        copy_name(cp->name, sizeof cp->name, name);
        cp->geo_index = p->has_geography ? es_geography_catchment_by_name(&p->geography, name) : -1;
        if (p->has_geography && cp->geo_index < 0)
            return es_schema_error(err, config_setting_get_member(g, "name"), file,
                                   "catchment '%s' is not in the geography's catchments file", name);
        if (es_schema_string(S, g, "catchments.[].ssm", &ssm) == ES_OK) {
            rc = es_name_check_at(config_setting_get_member(g, "ssm"), ssm, "SSM name", file, err);
            if (rc)
                return rc;
            copy_name(cp->ssm, sizeof cp->ssm, ssm);
        }
        else if (cp->geo_index >= 0 && p->geography.catchments[cp->geo_index].ssm[0])
            copy_name(cp->ssm, sizeof cp->ssm, p->geography.catchments[cp->geo_index].ssm);
        else
            copy_name(cp->ssm, sizeof cp->ssm, "SSM");
        es_schema_float(S, g, "catchments.[].arrivals_per_day", &cp->arrivals_per_day);
        if (cp->arrivals_per_day <= 0.0 && !p->has_geography)
            return es_schema_error(err, g, file,
                                   "catchment '%s' needs arrivals_per_day, or the scenario a geography",
                                   name);
        es_schema_string(S, g, "catchments.[].routing", &routing);
        cp->routing = strcmp(routing, "least_loaded") == 0       ? ES_ROUTE_LEAST_LOADED
                      : strcmp(routing, "specialist_first") == 0 ? ES_ROUTE_SPECIALIST_FIRST
                                                                 : ES_ROUTE_NEAREST;
        int64_t waiting;
        es_schema_int(S, g, "catchments.[].initial_waiting", &waiting);
        cp->initial_waiting = (int)waiting;
        rc = load_catchment_start(p, cp, g, cfg, file, err);
        if (rc)
            return rc;
        const config_setting_t *pl = config_setting_get_member(g, "providers");
        cp->nproviders = config_setting_length(pl);
        for (int j = 0; j < cp->nproviders; j++) {
            rc = load_provider(p, cp, &cp->providers[j],
                               config_setting_get_elem(pl, (unsigned)j), file, err);
            if (rc)
                return rc;
        }
    }
    return ES_OK;
}

static int load_run(es_params *p, const config_t *cfg, const char *file, es_error *err)
{
    const config_setting_t *g = config_lookup(cfg, "scenario");
    const char *name, *date, *rng;
    es_schema_string(S, g, "scenario.name", &name);
    int rc = es_name_check_at(config_setting_get_member(g, "name"), name, "scenario name", file, err);
    if (rc)
        return rc;
    copy_name(p->name, sizeof p->name, name);
    es_schema_string(S, g, "scenario.start_date", &date);
    es_parse_date(date, &p->start_year, &p->start_month, &p->start_day);
    es_schema_float(S, g, "scenario.horizon_days", &p->horizon_days);
    es_schema_float(S, g, "scenario.warmup_days", &p->warmup_days);
    if (p->warmup_days >= p->horizon_days)
        return es_schema_error(err, config_setting_get_member(g, "warmup_days"), file,
                               "'scenario.warmup_days' (%g) must be below horizon_days (%g)",
                               p->warmup_days, p->horizon_days);
    int64_t seed, reps;
    es_schema_int(S, g, "scenario.seed", &seed);
    es_schema_int(S, g, "scenario.replications", &reps);
    p->seed = (uint64_t)seed;
    p->replications = (int)reps;
    es_schema_string(S, g, "scenario.rng", &rng);
    if (!es_rng_type_by_name(rng))
        return es_schema_error(err, config_setting_get_member(g, "rng"), file,
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

int es_scenario_load(es_scenario *s, const char *path, es_error *err)
{
    return es_scenario_load_with(s, path, NULL, 0, err);
}

int es_scenario_load_with(es_scenario *s, const char *path, const es_override *overrides,
                          int noverrides, es_error *err)
{
    memset(s, 0, sizeof *s);
    copy_name(s->file, sizeof s->file, path);
    config_t cfg;
    int rc = es_config_read(&cfg, path, err);
    if (rc)
        return rc;
    es_params *p = &s->params;
    bool shares_given = false, thresholds_given = false;
    for (int i = 0; !rc && i < noverrides; i++)
        rc = es_override_apply(&cfg, &overrides[i], err);
    if (!rc)
        rc = es_schema_validate(S, &cfg, err);
    if (!rc)
        rc = load_run(p, &cfg, path, err);
    if (!rc)
        rc = load_geography(p, &cfg, path, err);
    if (!rc)
        rc = load_intake(p, &cfg, path, err);
    if (!rc)
        rc = load_clients(p, &cfg, path, err);
    if (!rc)
        rc = load_streams(p, &cfg, path, err, &shares_given);
    if (!rc)
        rc = load_assessment(p, &cfg, path, err, &thresholds_given);
    if (!rc)
        rc = load_outcomes(p, &cfg, path, err);
    if (!rc)
        rc = es_load_labour_market(p, &cfg, path, err);
    if (!rc) {
        load_misc(p, &cfg);
        rc = load_catchments(p, &cfg, path, err);
    }
    if (!rc && es_assessment_calibrate(p, thresholds_given) != ES_OK)
        rc = es_error_set(err, ES_ENOMEM, path, 0, "out of memory calibrating the assessment");
    if (!rc)
        rc = load_funding_files(s, &cfg, path, err);
    (void)shares_given;
    config_destroy(&cfg);
    if (!rc) {
        add_input(s, path);
        rc = add_includes(s, path, err);
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

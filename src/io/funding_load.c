/* Loading a funding model file (docs/funding-models.md) against a scenario's parameters:
 * the key table (es_funding_schema) validates it, then each component is read into an
 * es_component. */
#include "io/scenario.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/names.h"

#define F (&es_funding_schema)
#define FC(key) "funding.components.[]." key

/* Copies a name, cut to the buffer (the schema bounds every name well below it). */
static void copy_name(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src);
}

static int parse_choice(const char *v, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(v, names[i]) == 0)
            return i;
    return -1;
}

static double setting_dollars(const config_setting_t *a)
{
    return config_setting_type(a) == CONFIG_TYPE_FLOAT ? config_setting_get_float(a)
                                                       : (double)config_setting_get_int64(a);
}

/* An amount in cents into `field`: one value, or a dated schedule into the model's table. */
static int read_amount(es_funding_model *f, const es_component *c, const config_setting_t *a,
                       int64_t *field, const es_params *p, const char *file, es_error *err)
{
    if (config_setting_type(a) != CONFIG_TYPE_LIST) {
        *field = (int64_t)llround(setting_dollars(a) * 100.0);
        return ES_OK;
    }
    bool one = strcmp(config_setting_name(a), "amount") == 0;
    const es_key *k = es_schema_find(F, one ? FC("amount") : FC("amounts.*"));
    char path[256];
    snprintf(path, sizeof path, "funding.components[%s].%s%s", c->name, one ? "" : "amounts.",
             config_setting_name(a));
    es_dated_sink sink = {&f->dated, f, p->start_year, p->start_month, p->start_day};
    return es_schema_dated_read(k, a, &sink, field, path, file, err);
}

static int load_amounts(es_funding_model *f, es_component *c, const config_setting_t *g,
                        const es_params *p, const char *file, es_error *err)
{
    const config_setting_t *one = config_setting_get_member(g, "amount");
    const config_setting_t *amounts = config_setting_get_member(g, "amounts");
    if (one && amounts)
        return es_schema_error(err, one, file, "component '%s' has both amount and amounts", c->name);
    if (one) {
        int rc = ES_OK;
        for (int k = 0; k < p->nstreams && !rc; k++)
            rc = read_amount(f, c, one, &c->amount_cents[k], p, file, err);
        return rc;
    }
    if (!amounts)
        return es_schema_error(err, g, file, "component '%s' needs amount or amounts", c->name);
    int n = config_setting_length(amounts);
    for (int i = 0; i < n; i++) {
        const config_setting_t *a = config_setting_get_elem(amounts, (unsigned)i);
        const char *sname = config_setting_name(a);
        int s = -1;
        for (int k = 0; k < p->nstreams; k++)
            if (strcmp(p->streams[k].name, sname) == 0)
                s = k;
        if (s < 0)
            return es_schema_error(err, a, file, "component '%s' names stream '%s', which the scenario does not have",
                                   c->name, sname);
        int rc = read_amount(f, c, a, &c->amount_cents[s], p, file, err);
        if (rc)
            return rc;
    }
    for (int k = 0; k < p->nstreams; k++)
        if (!config_setting_get_member(amounts, p->streams[k].name))
            return es_schema_error(err, amounts, file, "component '%s' has no amount for stream '%s'",
                                   c->name, p->streams[k].name);
    return ES_OK;
}

static int load_kpis(es_component *c, const config_setting_t *g, const char *file, es_error *err)
{
    const config_setting_t *list = config_setting_get_member(g, "kpis");
    if ((list != NULL) != (c->type == ES_COMP_PERFORMANCE))
        return es_schema_error(err, list ? list : g, file,
                               list ? "only performance components score KPIs ('%s')"
                                 : "performance component '%s' needs kpis",
                            c->name);
    if (!list)
        return ES_OK;
    int rc = es_schema_load_list(F, ES_OWN_KPI, list, c->kpis, sizeof c->kpis[0], &c->nkpis, file,
                                 err);
    double total = 0.0;
    for (int i = 0; i < c->nkpis; i++)
        total += c->kpis[i].weight;
    if (!rc && fabs(total - 1.0) > 1e-9)
        rc = es_schema_error(err, list, file, "the KPI weights of '%s' sum to %g, not 1", c->name,
                             total);
    return rc;
}

static int load_component(es_funding_model *f, es_component *c, const config_setting_t *g,
                          const es_params *p, const char *file, es_error *err)
{
    const char *name = c->name, *type = es_component_type_names[c->type], *event, *payee;
    const config_setting_t *ns = config_setting_get_member(g, "name");
    int rc = es_name_check_at(ns, name, "component name", file, err);
    if (rc)
        return rc;
    if (strcmp(name, "holdback_release") == 0) /* spend_cents groups by the bare name */
        return es_schema_error(err, ns, file,
                               "component name '%s' is a label the outputs use for another group: "
                               "choose another", name);
    bool per_period = c->type == ES_COMP_BLOCK || c->type == ES_COMP_PERFORMANCE;
    if (es_schema_string(F, g, FC("event"), &event) == ES_OK) {
        c->event = (es_milestone)es_milestone_by_name(event);
    } else if (per_period) {
        c->event = ES_MS_PERIOD;
    } else {
        return es_schema_error(err, g, file, "component '%s' needs an event", name);
    }
    if (per_period && c->event != ES_MS_PERIOD)
        return es_schema_error(err, config_setting_get_member(g, "event"), file,
                               "%s component '%s' is paid per period: its event must be \"period\"",
                               type, name);
    if (!per_period && c->event == ES_MS_PERIOD)
        return es_schema_error(err, config_setting_get_member(g, "event"), file,
                               "only block and performance components are paid per period ('%s' is %s)",
                               name, type);
    bool checkpoint = c->event >= ES_MS_EMPLOYED_1M && c->event <= ES_MS_EMPLOYED_12M;
    if (c->type == ES_COMP_OUTCOME && !checkpoint && c->event != ES_MS_INCOME_SUPPORT_EXIT)
        return es_schema_error(err, config_setting_get_member(g, "event"), file,
                               "outcome component '%s' must be earned at an employment checkpoint or income_support_exit",
                               name);
    if (es_schema_string(F, g, FC("payee"), &payee) == ES_OK)
        c->payee = (es_party)parse_choice(payee, es_party_names, ES_NPARTIES);
    else
        c->payee = c->payer == ES_PARTY_PROVINCE ? ES_PARTY_SSM : ES_PARTY_PROVIDER;
    if (c->payer == ES_PARTY_SSM && c->payee == ES_PARTY_SSM)
        return es_schema_error(err, config_setting_get_member(g, "payee"), file,
                               "component '%s': an SSM cannot pay itself", name);
    if (c->type == ES_COMP_BLOCK && c->payee != ES_PARTY_SSM && c->payee != ES_PARTY_PROVIDER)
        return es_schema_error(err, g, file, "block component '%s' pays an SSM or a provider", name);
    if (c->type == ES_COMP_PERFORMANCE &&
        (c->payer != ES_PARTY_PROVINCE || c->payee != ES_PARTY_SSM))
        return es_schema_error(err, g, file,
                               "performance component '%s': the province pays performance pots to SSMs",
                               name);
    if (per_period && config_setting_get_member(g, "amounts"))
        return es_schema_error(err, config_setting_get_member(g, "amounts"), file,
                               "%s component '%s' is paid per caseload place, not per stream: give 'amount'",
                               type, name);
    rc = load_amounts(f, c, g, p, file, err);
    if (rc)
        return rc;
    if (c->per_month_of_service && (c->type != ES_COMP_FLOW_THROUGH || c->event != ES_MS_SERVICE_END))
        return es_schema_error(err, config_setting_get_member(g, "per_month_of_service"), file,
                               "per_month_of_service applies to flow_through components paid at service_end");
    if (c->per_month_of_subsidy && (c->type != ES_COMP_FLOW_THROUGH || c->event != ES_MS_SUBSIDY_END))
        return es_schema_error(err, config_setting_get_member(g, "per_month_of_subsidy"), file,
                               "per_month_of_subsidy applies to flow_through components paid at subsidy_end");
    c->adjusted = c->adjusted && c->type != ES_COMP_BLOCK; /* a block grant is per place */
    const config_setting_t *years = config_setting_get_member(g, "year_multipliers");
    c->nyears = years ? config_setting_length(years) : 0;
    if (c->nyears > ES_MAX_CONTRACT_YEARS)
        return es_schema_error(err, years, file, "'year_multipliers' holds at most %d values",
                               ES_MAX_CONTRACT_YEARS);
    for (int y = 0; y < c->nyears; y++)
        c->year_multiplier[y] = config_setting_get_float_elem(years, (unsigned)y);
    return load_kpis(c, g, file, err);
}

int es_funding_load(es_funding_model *f, const char *path, const es_params *p, es_error *err)
{
    memset(f, 0, sizeof *f);
    copy_name(f->file, sizeof f->file, path);
    config_t cfg;
    int rc = es_scenario_read(&cfg, F, path, NULL, 0, err);
    if (rc)
        return rc;
    const config_setting_t *g = config_lookup(&cfg, "funding");
    rc = es_schema_load(F, ES_OWN_MODEL, g, f, path, err);
    if (!rc) {
        f->adjust_source[ES_SRC_EO] = f->adjust_source[ES_SRC_NONE] = 1.0;
        if (strcmp(f->currency, "CAD") == 0 && f->cad_per_unit != 1.0)
            rc = es_schema_error(err, config_setting_get_member(g, "cad_per_unit"), path,
                                 "'funding.cad_per_unit' must be 1 for a CAD model");
        if (strcmp(f->currency, "CAD") != 0 && !config_setting_get_member(g, "cad_per_unit"))
            rc = es_schema_error(err, config_setting_get_member(g, "currency"), path,
                                 "a %s model needs 'funding.cad_per_unit', its documented conversion to CAD",
                                 f->currency);
        if (!rc)
            rc = es_name_check_at(config_setting_get_member(g, "name"), f->name,
                                  "funding model name", path, err);
    }
    const config_setting_t *list = config_setting_get_member(g, "components");
    if (!rc)
        rc = es_schema_load_list(F, ES_OWN_COMPONENT, list, f->components, sizeof f->components[0],
                                 &f->ncomponents, path, err);
    for (int i = 0; !rc && i < f->ncomponents; i++) {
        const config_setting_t *cg = config_setting_get_elem(list, (unsigned)i);
        rc = load_component(f, &f->components[i], cg, p, path, err);
        /* caps and budgets are written in the file's currency; payments are compared in CAD */
        es_component *c = &f->components[i];
        c->cap_per_client_cents = es_money_scale(c->cap_per_client_cents, f->cad_per_unit);
        c->budget_per_year_cents = es_money_scale(c->budget_per_year_cents, f->cad_per_unit);
        for (int j = 0; !rc && j < i; j++)
            if (strcmp(f->components[j].name, f->components[i].name) == 0)
                rc = es_schema_error(err, cg, path, "component name '%s' is used twice",
                                     f->components[i].name);
    }
    f->provider_cap_per_year_cents = es_money_scale(f->provider_cap_per_year_cents, f->cad_per_unit);
    config_destroy(&cfg);
    return rc;
}

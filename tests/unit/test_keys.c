/* io/schema.c's binding of keys to struct fields: the tables are bound as their types say, one
 * routine loads a group with defaults and range checks, and the loaders agree with the table. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/scenario.h"

static const es_schema *const schemas[] = {&es_scenario_schema, &es_funding_schema};

static bool is_scalar(es_key_type t)
{
    return t != ES_KEY_GROUP && t != ES_KEY_LIST && t != ES_KEY_FLOATS && t != ES_KEY_STRINGS;
}

/* The field's C type must be the one the key's type loads into, of the size that type has. */
static bool field_fits(const es_key *k)
{
    switch (k->field) {
    case ES_FIELD_DOUBLE:
        return k->type == ES_KEY_FLOAT && k->field_size == sizeof(double);
    case ES_FIELD_INT:
        return (k->type == ES_KEY_INT || (k->type == ES_KEY_STRING && k->choices)) &&
               k->field_size == sizeof(int);
    case ES_FIELD_INT64:
        return (k->type == ES_KEY_INT || k->type == ES_KEY_MONEY) &&
               k->field_size == sizeof(int64_t);
    case ES_FIELD_UINT64:
        return k->type == ES_KEY_INT && k->min >= 0 && k->field_size == sizeof(uint64_t);
    case ES_FIELD_BOOL:
        return k->type == ES_KEY_BOOL && k->field_size == sizeof(bool);
    case ES_FIELD_TEXT: /* the longest value the table allows fits, with its NUL */
        return k->type == ES_KEY_STRING &&
               (k->choices ? k->field_size >= 8 : k->max < (double)k->field_size);
    case ES_FIELD_ENUM:
        return k->type == ES_KEY_STRING && k->choices && k->field_size == sizeof(int);
    case ES_FIELD_NONE:
        return false;
    }
    return false;
}

static void bound_keys_match_their_fields(void **state)
{
    (void)state;
    for (size_t t = 0; t < 2; t++) {
        const es_schema *s = schemas[t];
        for (size_t i = 0; i < s->nkeys; i++) {
            const es_key *k = &s->keys[i];
            if (k->owner == 0) {
                assert_int_equal(k->field, ES_FIELD_NONE);
                continue;
            }
            if (!is_scalar(k->type) || !field_fits(k))
                fail_msg("%s: bound to a field its type does not fit", k->path);
            assert_true(k->owner > 0 && k->owner < s->nowners);
            /* the key lies in its owner's group, not in a list below it */
            const char *prefix = s->owners[k->owner].path;
            size_t n = strlen(prefix);
            if (strncmp(k->path, prefix, n) != 0 || (n && k->path[n] != '.') ||
                strstr(k->path + n, "[]"))
                fail_msg("%s: not a key of owner '%s' (%s)", k->path, s->owners[k->owner].name,
                         prefix);
            /* an absent key takes its default: so it has one, is required, or the loader fills
             * a computed default before loading (equal target shares) */
            if (!k->def && !k->required && strcmp(k->path, "streams.[].target_share") != 0)
                fail_msg("%s: bound, optional and without a default", k->path);
        }
    }
}

/* Scalar keys read by hand, each for a reason: dates (days since the scenario's start), names
 * resolved against other inputs (files, the geography, streams), and keys whose default depends
 * on other keys.  A new scalar key must be bound, or added here with its reason. */
static const char *const unbound_scalars[] = {
    "scenario.start_date",            /* the calendar every other date counts from */
    "scenario.funding_model",         /* a file, resolved against the scenario's folder */
    "geography.census_divisions",     /* a file */
    "geography.catchments",           /* a file */
    "geography.phase3_start",         /* YYYY-MM, for catchments the CSV leaves blank */
    "outcomes.minimum_wage.[].from",  /* a date */
    "labour_market.conditions.[].from", /* a date */
    "shocks.[].from",                 /* a date */
    "shocks.[].to",                   /* a date */
    "catchments.[].ssm",              /* default: the geography's SSM */
    "catchments.[].start_date",       /* default: the geography's month */
    "catchments.[].providers.[].caseload_capacity", /* the capacity of its one site */
    "funding.source",                 /* documentation only: not loaded */
    "funding.components.[].event",    /* default: period, for per-period components */
    "funding.components.[].payee",    /* default: from the payer */
    "funding.components.[].amount",   /* one amount for every stream of the scenario */
    "funding.components.[].amounts.*", /* by stream name */
};

static void every_scalar_key_is_bound_or_explained(void **state)
{
    (void)state;
    size_t nunbound = sizeof unbound_scalars / sizeof unbound_scalars[0];
    for (size_t t = 0; t < 2; t++) {
        const es_schema *s = schemas[t];
        for (size_t i = 0; i < s->nkeys; i++) {
            const es_key *k = &s->keys[i];
            if (!is_scalar(k->type) || k->owner)
                continue;
            bool listed = false;
            for (size_t u = 0; u < nunbound; u++)
                listed |= strcmp(unbound_scalars[u], k->path) == 0;
            if (!listed)
                fail_msg("%s: a scalar key neither bound nor listed as read by hand", k->path);
        }
    }
}

/* A choice is stored as its index: the table's order must be the enum's. */
static void choice_order_is_the_enum_order(void **state)
{
    (void)state;
    struct {
        const es_schema *s;
        const char *path;
        const char *const *names;
        int n;
    } enums[] = {
        {&es_funding_schema, "funding.components.[].type", es_component_type_names,
         ES_NCOMPONENT_TYPES},
        {&es_funding_schema, "funding.components.[].payer", es_party_names, 2},
        {&es_funding_schema, "funding.components.[].kpis.[].kpi", es_kpi_names, ES_NKPIS},
    };
    for (size_t e = 0; e < sizeof enums / sizeof enums[0]; e++) {
        const es_key *k = es_schema_find(enums[e].s, enums[e].path);
        assert_non_null(k);
        char want[512] = "";
        for (int i = 0; i < enums[e].n; i++)
            snprintf(want + strlen(want), sizeof want - strlen(want), "%s%s", i ? "|" : "",
                     enums[e].names[i]);
        assert_string_equal(k->choices, want);
    }
    const es_key *routing = es_schema_find(&es_scenario_schema, "catchments.[].routing");
    assert_int_equal(ES_ROUTE_NEAREST, 0);
    assert_int_equal(ES_ROUTE_LEAST_LOADED, 1);
    assert_int_equal(ES_ROUTE_SPECIALIST_FIRST, 2);
    assert_string_equal(routing->choices, "nearest|least_loaded|specialist_first");
    const es_key *dist = es_schema_find(&es_scenario_schema, "streams.[].service.distribution");
    assert_int_equal(ES_DIST_LOGNORMAL, 3);
    assert_string_equal(dist->choices, "exponential|deterministic|gamma|lognormal");
}

static int parse(config_t *cfg, const char *text)
{
    config_init(cfg);
    config_set_auto_convert(cfg, 1);
    return config_read_string(cfg, text) == CONFIG_TRUE ? 0 : -1;
}

static void a_group_loads_with_defaults(void **state)
{
    (void)state;
    config_t cfg;
    assert_int_equal(parse(&cfg, "s = ( { name = \"A\"; dropout_prob = 0.25; priority = 3;\n"
                                 "        service = { mean_days = 30; distribution = \"gamma\"; }; } );"),
                     0);
    const config_setting_t *g = config_setting_get_elem(config_lookup(&cfg, "s"), 0);
    es_stream_params sp;
    memset(&sp, 0, sizeof sp);
    es_error err;
    es_error_clear(&err);
    assert_int_equal(es_schema_load(&es_scenario_schema, ES_OWN_STREAM, g, &sp, "x.cfg", &err),
                     ES_OK);
    assert_string_equal(sp.name, "A");
    assert_float_equal(sp.dropout_prob, 0.25, 0);
    assert_int_equal(sp.priority, 3);
    assert_int_equal(sp.services[ES_SVC_EMPLOYMENT].days.kind, ES_DIST_GAMMA);
    assert_float_equal(sp.services[ES_SVC_EMPLOYMENT].days.mean, 30, 0);
    /* absent: the table's defaults, also inside an absent group */
    assert_float_equal(sp.services[ES_SVC_EMPLOYMENT].days.cv, 1, 0);
    assert_float_equal(sp.retention_3m_prob, 1, 0);
    assert_int_equal(sp.services[ES_SVC_TRAINING].days.kind, ES_DIST_EXPONENTIAL);
    assert_float_equal(sp.services[ES_SVC_TRAINING].days.mean, 90, 0);
    assert_float_equal(sp.target_share, 0, 0); /* no default: left for the loader */
    config_destroy(&cfg);
}

static void money_and_choices_load_into_their_fields(void **state)
{
    (void)state;
    config_t cfg;
    assert_int_equal(parse(&cfg, "c = ( { name = \"fee\"; type = \"outcome\"; payer = \"province\";\n"
                                 "        cap_per_client = 1234.56; } );"),
                     0);
    es_component c;
    memset(&c, 0, sizeof c);
    es_error err;
    es_error_clear(&err);
    const config_setting_t *g = config_setting_get_elem(config_lookup(&cfg, "c"), 0);
    assert_int_equal(es_schema_load(&es_funding_schema, ES_OWN_COMPONENT, g, &c, "f.cfg", &err),
                     ES_OK);
    assert_int_equal(c.type, ES_COMP_OUTCOME);
    assert_int_equal(c.payer, ES_PARTY_PROVINCE);
    assert_int_equal(c.cap_per_client_cents, 123456);
    assert_true(c.adjusted); /* default true */
    assert_float_equal(c.partial_share, 0.5, 0);
    char text[64];
    assert_string_equal((es_schema_format(es_schema_find(&es_funding_schema,
                                                         "funding.components.[].cap_per_client"),
                                          &c, text, sizeof text),
                         text),
                        "1234.56");
    assert_string_equal((es_schema_format(es_schema_find(&es_funding_schema,
                                                         "funding.components.[].type"),
                                          &c, text, sizeof text),
                         text),
                        "outcome");
    config_destroy(&cfg);
}

static void out_of_range_names_the_line(void **state)
{
    (void)state;
    config_t cfg;
    assert_int_equal(parse(&cfg, "s = ( { name = \"A\";\n  dropout_prob = 1.5; } );"), 0);
    es_stream_params sp;
    memset(&sp, 0, sizeof sp);
    es_error err;
    es_error_clear(&err);
    const config_setting_t *g = config_setting_get_elem(config_lookup(&cfg, "s"), 0);
    assert_int_equal(es_schema_load(&es_scenario_schema, ES_OWN_STREAM, g, &sp, "x.cfg", &err),
                     ES_EINVAL);
    assert_string_equal(err.file, "x.cfg");
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.msg, "out of range [0, 1]"));
    config_destroy(&cfg);
}

typedef struct rows {
    int n;
    char text[16][200];
} rows;

static void collect(const char *path, const char *a, const char *b, void *user)
{
    rows *r = user;
    if (r->n < 16)
        snprintf(r->text[r->n], sizeof r->text[0], "%s: %s -> %s", path, a, b);
    r->n++;
}

static es_scenario *load(const char *path, const es_override *ov, int nov)
{
    es_scenario *s = malloc(sizeof *s);
    assert_non_null(s);
    es_error err;
    es_error_clear(&err);
    if (es_scenario_load_with(s, path, ov, nov, &err) != ES_OK)
        fail_msg("%s:%d: %s", err.file, err.line, err.msg);
    return s;
}

static void a_scenario_does_not_differ_from_itself(void **state)
{
    (void)state;
    es_scenario *a = load("scenarios/peel.cfg", NULL, 0), *b = load("scenarios/peel.cfg", NULL, 0);
    rows r = {0};
    assert_int_equal(es_scenario_diff_params(&a->params, &b->params, collect, &r), 0);
    assert_int_equal(es_scenario_diff_funding(&a->funding, &b->funding, collect, &r), 0);
    assert_int_equal(r.n, 0);
    free(a);
    free(b);
}

static void overridden_keys_are_the_differences(void **state)
{
    (void)state;
    es_override ov[] = {{"outcomes.need_effect", "0.7"},
                        {"streams.[0].service.distribution", "gamma"},
                        {"catchments.[0].providers.[0].caseload_capacity", "4"},
                        {"scenario.seed", "32"},
                        {"behaviour.cream", "false"}};
    es_scenario *a = load("tests/data/mm1.cfg", NULL, 0);
    es_scenario *b = load("tests/data/mm1.cfg", ov, 5);
    rows r = {0};
    assert_int_equal(es_scenario_diff_params(&a->params, &b->params, collect, &r), 5);
    /* in table order: the root's keys, then streams, ..., catchments */
    assert_string_equal(r.text[0], "scenario.seed: 31 -> 32");
    assert_string_equal(r.text[1], "outcomes.need_effect: 0.5 -> 0.7");
    assert_string_equal(r.text[2], "behaviour.cream: true -> false");
    assert_string_equal(r.text[3], "streams[M].service.distribution: exponential -> gamma");
    /* one provider without sites: its one site carries the capacity, named as the provider */
    assert_string_equal(r.text[4],
                        "catchments[queue].providers[server].sites[server].caseload_capacity: 1 -> 4");
    free(a);
    free(b);
}

static void elements_pair_by_name_and_count_once_when_missing(void **state)
{
    (void)state;
    es_scenario *a = load("tests/data/mm1.cfg", NULL, 0), *b = load("tests/data/mm1.cfg", NULL, 0);
    b->params.streams[1] = b->params.streams[0];
    snprintf(b->params.streams[1].name, sizeof b->params.streams[1].name, "N");
    b->params.streams[1].dropout_prob = 0.5;
    b->params.nstreams = 2;
    snprintf(a->params.catchments[0].name, sizeof a->params.catchments[0].name, "other");
    rows r = {0};
    assert_int_equal(es_scenario_diff_params(&a->params, &b->params, collect, &r), 3);
    assert_string_equal(r.text[0], "streams[N]: (absent) -> (present)");
    assert_string_equal(r.text[1], "catchments[other]: (present) -> (absent)");
    assert_string_equal(r.text[2], "catchments[queue]: (absent) -> (present)");
    free(a);
    free(b);
}

static void funding_models_differ_by_component(void **state)
{
    (void)state;
    es_scenario *s = load("scenarios/default.cfg", NULL, 0);
    assert_true(s->has_funding);
    es_funding_model *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    *a = s->funding;
    a->components[0].lag_days = 0;
    a->components[0].cap_per_client_cents = 0;
    *b = *a;
    b->components[0].lag_days = 30;
    b->components[0].cap_per_client_cents = 150050;
    snprintf(b->components[1].name, sizeof b->components[1].name, "renamed");
    rows r = {0};
    assert_int_equal(es_scenario_diff_funding(a, b, collect, &r), 4);
    char want[200];
    snprintf(want, sizeof want, "funding.components[%s].cap_per_client: 0.00 -> 1500.50",
             a->components[0].name);
    assert_string_equal(r.text[0], want);
    snprintf(want, sizeof want, "funding.components[%s].lag_days: 0 -> 30", a->components[0].name);
    assert_string_equal(r.text[1], want);
    snprintf(want, sizeof want, "funding.components[%s]: (present) -> (absent)",
             a->components[1].name);
    assert_string_equal(r.text[2], want);
    assert_string_equal(r.text[3], "funding.components[renamed]: (absent) -> (present)");
    free(a);
    free(b);
    free(s);
}

/* The default the reference shows for a key (docs/scenario-reference.md is generated from the
 * table) is the value a scenario that leaves the key out runs with. */
static void an_absent_key_runs_with_its_documented_default(void **state)
{
    (void)state;
    const char *file = "tests/data/mm1.cfg";
    es_scenario *s = load(file, NULL, 0);
    config_t cfg;
    es_error err;
    es_error_clear(&err);
    assert_int_equal(es_config_read(&cfg, file, &err), ES_OK);
    const es_params *p = &s->params;
    const void *bases[ES_SCENARIO_NOWNERS] = {
        [ES_OWN_PARAMS] = p, [ES_OWN_STREAM] = &p->streams[0],
        [ES_OWN_CATCHMENT] = &p->catchments[0], [ES_OWN_PROVIDER] = &p->catchments[0].providers[0]};
    int checked = 0;
    for (size_t i = 0; i < es_scenario_schema.nkeys; i++) {
        const es_key *k = &es_scenario_schema.keys[i];
        if (!k->def || k->owner <= 0 || !bases[k->owner])
            continue;
        char concrete[256]; /* streams.[].x -> streams.[0].x: the first element */
        size_t n = 0;
        for (const char *c = k->path; *c && n + 2 < sizeof concrete; c++) {
            concrete[n++] = *c;
            if (c[0] == '[' && c[1] == ']')
                concrete[n++] = '0';
        }
        concrete[n] = '\0';
        if (config_lookup(&cfg, concrete))
            continue; /* the file sets it */
        char got[128];
        es_schema_format(k, bases[k->owner], got, sizeof got);
        if (k->field == ES_FIELD_DOUBLE || k->field == ES_FIELD_INT64) {
            double want = strtod(k->def, NULL), have = strtod(got, NULL);
            /* shares are rescaled to sum to 1: the defaults already do, to rounding */
            if (fabs(have - want) > 1e-12 * (fabs(want) + 1))
                fail_msg("%s: documented default %s, loaded %s", k->path, k->def, got);
        } else if (strcmp(got, k->def) != 0) {
            fail_msg("%s: documented default %s, loaded %s", k->path, k->def, got);
        }
        checked++;
    }
    assert_true(checked >= 90); /* mm1.cfg leaves out all but a handful */
    config_destroy(&cfg);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bound_keys_match_their_fields),
        cmocka_unit_test(every_scalar_key_is_bound_or_explained),
        cmocka_unit_test(choice_order_is_the_enum_order),
        cmocka_unit_test(a_group_loads_with_defaults),
        cmocka_unit_test(money_and_choices_load_into_their_fields),
        cmocka_unit_test(out_of_range_names_the_line),
        cmocka_unit_test(a_scenario_does_not_differ_from_itself),
        cmocka_unit_test(overridden_keys_are_the_differences),
        cmocka_unit_test(elements_pair_by_name_and_count_once_when_missing),
        cmocka_unit_test(funding_models_differ_by_component),
        cmocka_unit_test(an_absent_key_runs_with_its_documented_default),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

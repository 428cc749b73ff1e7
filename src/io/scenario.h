/* Loading scenario files and funding-model files into validated parameters. */
#ifndef ES_IO_SCENARIO_H
#define ES_IO_SCENARIO_H

#include <stdbool.h>

#include "engine/error.h"
#include "funding/funding.h"
#include "io/schema.h"
#include "model/params.h"

extern const es_schema es_scenario_schema;
extern const es_schema es_funding_schema;

/* The structs scenario keys are bound to (es_key.owner, es_scenario_schema.owners). */
enum {
    ES_OWN_UNBOUND,
    ES_OWN_PARAMS,    /* es_params, from the file's root */
    ES_OWN_LABOUR,    /* es_labour_params, from labour_market (read only when it is present) */
    ES_OWN_STREAM,    /* es_stream_params, from each streams.[] */
    ES_OWN_CATCHMENT, /* es_catchment_params, from each catchments.[] */
    ES_OWN_PROVIDER,  /* es_provider_params, from each catchments.[].providers.[] */
    ES_OWN_SITE,      /* es_site_params, from each ...providers.[].sites.[] */
    ES_OWN_INDUSTRY,  /* es_industry_params, from each labour_market.industries.[] */
    ES_OWN_SIZE,      /* es_size_params, from each labour_market.sizes.[] */
    ES_OWN_CONDITION, /* es_lm_step, from each labour_market.conditions.[] */
    ES_OWN_SHOCK,     /* es_lm_shock, from each shocks.[] */
    ES_OWN_WAGE_STEP, /* es_wage_step, from each outcomes.minimum_wage.[] */
    ES_SCENARIO_NOWNERS
};

/* The structs funding-model keys are bound to (es_funding_schema.owners). */
enum {
    ES_OWN_MODEL = 1, /* es_funding_model, from funding */
    ES_OWN_COMPONENT, /* es_component, from each funding.components.[] */
    ES_OWN_KPI,       /* es_kpi_term, from each funding.components.[].kpis.[] */
    ES_FUNDING_NOWNERS
};

#define ES_MAX_INPUT_FILES 48

typedef struct es_scenario {
    char file[512];
    int ninputs; /* every file the scenario read: itself, its includes, funding, geography */
    char inputs[ES_MAX_INPUT_FILES][512];
    es_params params;
    int has_funding;
    es_funding_model funding;      /* the first of funding_files */
    int nfunding_files;            /* scenario.funding_models: run compares them */
    char funding_files[8][1024];
    char funding_names[8][ES_NAME_MAX * 2]; /* each file's funding.name, for people */
} es_scenario;

/* Reads, validates and checks a scenario (and its funding model, if any).  Errors point to
 * FILE:LINE and carry status ES_EINVAL. */
int es_scenario_load(es_scenario *s, const char *path, es_error *err);

/* A value given on the command line for a scenario setting, by its libconfig path
 * ("outcomes.need_effect", "streams.[2].job_start_prob"). */
typedef struct es_override {
    char path[256];
    char value[2048]; /* room for a dated schedule */
} es_override;

/* es_scenario_load with settings replaced (or added, where the schema knows the key) before
 * validation, so an override is checked like a value written in the file. */
int es_scenario_load_with(es_scenario *s, const char *path, const es_override *overrides,
                          int noverrides, es_error *err);

/* What is read over a scenario's own layers, in this order: overlay files (--overlay), each an
 * input (s->inputs) with the files it @includes; --set values, whose provenance is "--set";
 * then the --param values of a sweep point. */
typedef struct es_scenario_changes {
    const char *const *overlays;
    int noverlays;
    const es_override *sets;
    int nsets;
} es_scenario_changes;

/* es_scenario_load_with after the changes (NULL: none). */
int es_scenario_load_layered(es_scenario *s, const char *path, const es_scenario_changes *ch,
                             const es_override *overrides, int noverrides, es_error *err);

/* es_scenario_read after the changes (NULL: none). */
int es_scenario_read_layered(config_t *cfg, const es_schema *schema, const char *path,
                             const es_scenario_changes *ch, const es_override *overrides,
                             int noverrides, es_error *err);

/* The setting at a path as es_override and es_scenario_diff_params write it (names or indexes
 * in brackets), or NULL. */
config_setting_t *es_override_lookup(const config_t *cfg, const char *path);

/* Reads a scenario or funding-model file, applies the overrides (scenario keys; none for a
 * funding model) and validates it against `schema`.  On failure `cfg` holds nothing to destroy. */
int es_scenario_read(config_t *cfg, const es_schema *schema, const char *path,
                     const es_override *overrides, int noverrides, es_error *err);

/* Applies one override to a parsed scenario (src/io/override.c): the key must be in the key
 * table; a key the file lacks is added where its group exists (or is a top-level group). */
int es_override_apply(config_t *cfg, const es_override *ov, es_error *err);
/* The same for --set: its messages name --set, and the setting's provenance becomes "--set". */
int es_override_apply_set(config_t *cfg, const es_override *ov, es_error *err);

/* Checks the name of element `n` of a list of named things (`what`: "stream"), with its
 * FILE:LINE: a valid name, and not one of the `n` before it, found `stride` bytes apart from
 * `names`. */
int es_scenario_check_name(const config_setting_t *g, const char *what, const char *name,
                           const char *names, size_t stride, int n, const char *file,
                           es_error *err);

/* A date key of `g` as days since the scenario's start (p's start date). */
double es_scenario_date_days(const es_params *p, const config_setting_t *g, const char *pattern);

/* Twelve monthly multipliers from an array (NULL: flat), rescaled to mean 1; `what` names the
 * key in errors ("'intake.seasonality'"). */
int es_scenario_monthly(const config_setting_t *season, const char *what, double out[12],
                        const char *file, es_error *err);

/* The labour_market group (src/io/scenario_labour.c); needs the run dates and the geography. */
/* Where the scenario's dated schedules go: es_params' own table, days from its start date. */
static inline es_dated_sink es_scenario_dated_sink(es_params *p)
{
    return (es_dated_sink){&p->dated, p, p->start_year, p->start_month, p->start_day};
}

int es_load_labour_market(es_params *p, const config_t *cfg, const char *file, es_error *err);

/* What differs between two loaded scenarios (src/io/scenario_diff.c): `each` is called with
 * every bound key whose effective value -- as loaded, defaults applied, shares rescaled --
 * differs, and the two values as text.  A key inside a list is named by its element's name, or
 * by its position where elements have none: "streams[A].service.mean_days",
 * "catchments[Peel].providers[P1].sites[Brampton].caseload_capacity", "shocks[0].vacancy_multiplier".  An
 * element only one side has is one row, "(present)" / "(absent)".  Returns the number of rows.
 * Keys read by hand (dates, names resolved elsewhere, amounts by stream) are not compared. */
int es_scenario_diff_params(const es_params *a, const es_params *b, es_schema_diff_fn each,
                            void *user);
int es_scenario_diff_funding(const es_funding_model *a, const es_funding_model *b,
                             es_schema_diff_fn each, void *user);

/* Reads a funding-model file, binding its amounts to the scenario's streams. */
int es_funding_load(es_funding_model *f, const char *path, const es_params *p, es_error *err);

#endif

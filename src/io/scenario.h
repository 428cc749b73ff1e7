/* Loading scenario files and funding-model files into validated parameters. */
#ifndef ES_IO_SCENARIO_H
#define ES_IO_SCENARIO_H

#include "engine/error.h"
#include "funding/funding.h"
#include "io/schema.h"
#include "model/params.h"

extern const es_schema es_scenario_schema;
extern const es_schema es_funding_schema;

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
} es_scenario;

/* Reads, validates and checks a scenario (and its funding model, if any).  Errors point to
 * FILE:LINE and carry status ES_EINVAL. */
int es_scenario_load(es_scenario *s, const char *path, es_error *err);

/* A value given on the command line for a scenario setting, by its libconfig path
 * ("outcomes.need_effect", "streams.[2].job_start_prob"). */
typedef struct es_override {
    char path[256];
    char value[128];
} es_override;

/* es_scenario_load with settings replaced (or added, where the schema knows the key) before
 * validation, so an override is checked like a value written in the file. */
int es_scenario_load_with(es_scenario *s, const char *path, const es_override *overrides,
                          int noverrides, es_error *err);

/* Applies one override to a parsed scenario (src/io/override.c): the key must be in the key
 * table; a key the file lacks is added where its group exists (or is a top-level group). */
int es_override_apply(config_t *cfg, const es_override *ov, es_error *err);

/* The labour_market group (src/io/scenario_labour.c); needs the run dates and the geography. */
int es_load_labour_market(es_params *p, const config_t *cfg, const char *file, es_error *err);

/* Reads a funding-model file, binding its amounts to the scenario's streams. */
int es_funding_load(es_funding_model *f, const char *path, const es_params *p, es_error *err);

#endif

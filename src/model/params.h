/* The model's parameters: what a scenario file says, validated, in plain C. */
#ifndef ES_MODEL_PARAMS_H
#define ES_MODEL_PARAMS_H

#include <stdint.h>

#define ES_MAX_STREAMS 8
#define ES_MAX_CATCHMENTS 32
#define ES_MAX_PROVIDERS 16
#define ES_NAME_MAX 96

typedef enum es_dist_kind {
    ES_DIST_EXPONENTIAL,
    ES_DIST_DETERMINISTIC,
    ES_DIST_GAMMA,
    ES_DIST_LOGNORMAL,
} es_dist_kind;

typedef struct es_dist {
    es_dist_kind kind;
    double mean;
    double cv; /* coefficient of variation, for gamma and lognormal */
} es_dist;

typedef struct es_stream_params {
    char name[ES_NAME_MAX];
    es_dist service_days;
    double job_start_prob;
    double retention_3m_prob;
    double patience_days; /* mean patience while waiting; 0 = never gives up */
    int priority;         /* higher is served first */
} es_stream_params;

typedef struct es_provider_params {
    char name[ES_NAME_MAX];
    int caseload_capacity;
} es_provider_params;

typedef struct es_catchment_params {
    char name[ES_NAME_MAX];
    char ssm[ES_NAME_MAX];
    double arrivals_per_day;
    int nproviders;
    es_provider_params providers[ES_MAX_PROVIDERS];
} es_catchment_params;

typedef struct es_params {
    char name[ES_NAME_MAX * 2];
    int start_year, start_month, start_day;
    double horizon_days;
    double warmup_days;
    uint64_t seed;
    int replications;
    char rng[32];

    double assessment_noise_sd;
    int nstreams;
    double thresholds[ES_MAX_STREAMS - 1]; /* on the need score, increasing */
    es_stream_params streams[ES_MAX_STREAMS];

    int ncatchments;
    es_catchment_params catchments[ES_MAX_CATCHMENTS];
} es_params;

#endif

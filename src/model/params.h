/* The model's parameters: what a scenario file says, validated, in plain C. */
#ifndef ES_MODEL_PARAMS_H
#define ES_MODEL_PARAMS_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/dated.h"
#include "model/geography.h"

#define ES_MAX_STREAMS 8
#define ES_MAX_CATCHMENTS 32
#define ES_MAX_PROVIDERS 16
#define ES_MAX_SITES 16
#define ES_MAX_WAGE_STEPS 32
#define ES_NAME_MAX 96
#define ES_MAX_INDUSTRIES 8
#define ES_MAX_SIZES 4
#define ES_MAX_LM_STEPS 64
#define ES_MAX_SHOCKS 16
#define ES_MAX_SHOCK_REGIONS 16

/* Client attributes and their categories (names in es_*_names, model/client.c). */
enum { ES_SRC_EO, ES_SRC_OW, ES_SRC_ODSP, ES_SRC_NONE, ES_NSOURCES };
enum { ES_AGE_15_24, ES_AGE_25_44, ES_AGE_45_64, ES_AGE_65_UP, ES_NAGES };
enum { ES_EDU_LESS_HS, ES_EDU_HS, ES_EDU_POST, ES_NEDU };
enum { ES_OOW_UNDER_3M, ES_OOW_3_12M, ES_OOW_OVER_12M, ES_NOOW };
enum { ES_CH_IN_PERSON, ES_CH_ONLINE, ES_CH_PHONE, ES_NCHANNELS };
enum { ES_SPEC_DISABILITY = 1, ES_SPEC_YOUTH = 2 };
enum { ES_ROUTE_NEAREST, ES_ROUTE_LEAST_LOADED, ES_ROUTE_SPECIALIST_FIRST };

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

/* A service a stream may receive: taken with probability `prob`, lasting `days`. */
typedef struct es_service_params {
    double prob;
    es_dist days;
} es_service_params;

enum { ES_SVC_EMPLOYMENT, ES_SVC_TRAINING, ES_SVC_SPECIALIZED, ES_NSERVICES };

typedef struct es_stream_params {
    char name[ES_NAME_MAX];
    double target_share;             /* calibration target for the assessed split */
    es_service_params services[ES_NSERVICES];
    double staff_hours_per_month;    /* staff time per client per month of service */
    double dropout_prob;             /* leaves before completing services */
    double goal_training_prob;       /* a plan's goal is training (it then holds training) */
    double job_start_prob;           /* completer in job search starts a job (at mean need) */
    double retention_3m_prob;        /* still employed 3 months after the job start */
    double reemployment_3m_prob;     /* after a job loss (not back in service): another job
                                      * within 3 months */
    double own_job_3m_prob;          /* a client of this true need finds a job alone (no
                                      * service, full search) within 3 months of intake */
    double patience_days;            /* mean patience while waiting; 0 = never gives up */
    int priority;                    /* higher is served first */
    double match_effect;             /* labour market: log-odds shift of accepting a vacancy */
    double subsidy_prob;             /* labour market: a wage subsidy is offered with the client */
} es_stream_params;

typedef struct es_site_params {
    char name[ES_NAME_MAX];
    int cd_uid;          /* census division of the site; 0 when the scenario has no geography */
    int caseload_capacity;
} es_site_params;

typedef struct es_provider_params {
    char name[ES_NAME_MAX];
    unsigned specialisations; /* ES_SPEC_* bits */
    unsigned channels;        /* bit per ES_CH_*: the channels it offers */
    bool job_developers;      /* labour market: job developers raise its clients' match odds */
    int nsites;
    es_site_params sites[ES_MAX_SITES];
} es_provider_params;

typedef struct es_catchment_params {
    char name[ES_NAME_MAX];
    char ssm[ES_NAME_MAX];
    int geo_index;            /* index in es_params.geography.catchments, or -1 */
    double start_days;        /* IES intake begins (days since scenario start) */
    double arrivals_per_day;  /* > 0: fixed Poisson rate; 0: from census-division populations */
    int routing;              /* ES_ROUTE_* */
    int initial_waiting;      /* clients already waiting at intake start */
    int nproviders;
    es_provider_params providers[ES_MAX_PROVIDERS];
} es_catchment_params;

typedef struct es_client_mix {
    double source_share[ES_NSOURCES];
    double disability_prob; /* for clients not on ODSP (ODSP clients have a disability) */
    double age_share[ES_NAGES];
    double education_share[ES_NEDU];
    double out_of_work_share[ES_NOOW];
    double language_barrier_prob;
    double francophone_prob, indigenous_prob, newcomer_prob; /* priority groups (model/client.c) */
    double rural_density_per_km2; /* a CD below this density is rural */
} es_client_mix;

typedef struct es_need_weights {
    double source[ES_NSOURCES];
    double disability, language_barrier, rural;
    double francophone, indigenous, newcomer;
    double age[ES_NAGES];
    double education[ES_NEDU];
    double out_of_work[ES_NOOW];
    double residual_sd;
} es_need_weights;

typedef struct es_outcome_params {
    double need_effect;              /* logit change in job odds per unit of need above the stream's mean */
    double source_effect[ES_NSOURCES]; /* logit shift in job odds by source */
    double hours_mean, hours_sd;     /* hours a week of a job (normal, truncated to 1..60) */
    double wage_mean, wage_cv;       /* dollars an hour (lognormal) */
    double return_to_service_prob;   /* after a job loss */
    double separation_shape;         /* Weibull shape of job tenure (1: constant hazard) */
    double reemployment_shape;       /* Weibull shape of an unemployment spell after a job loss */
    double followup_unknown_prob;    /* a 3-month follow-up made does not reach the client */
    double followup_attempt_prob_employed; /* the provider makes the 3-month follow-up of a
                                            * client employed at exit ... */
    double followup_attempt_prob_other;    /* ... and of any other client (else: null) */
    double dropout_reached_prob;     /* a dropout's reason is known (other), else unknown */
    double education_goal_prob_youth, education_goal_prob_adult; /* a plan's goal is education */
    double permanent_prob;           /* a job is permanent, not temporary */
    double temporary_separation_factor; /* a temporary job's separation hazard, relative */
    double wage_growth_annual;       /* growth of the hourly wage with tenure in a job */
    double search_while_in_service;  /* own search intensity in service (1: no lock-in) */
    double underservice_effect;      /* fall in the log-odds of job readiness per stream the
                                      * assessment put the client below its true need */
    double plan_error_prob;          /* a plan opened in error */
    double transfer_request_prob;    /* asks to change provider during service */
    double transfer_consent_prob;    /* gives written consent when asking */
    double reassessment_days;        /* plan review with reassessment; 0 = none */
} es_outcome_params;

/* Income support (OW, ODSP) after services, by source (model/income_support.c): indexed by
 * ES_SRC_*, only OW and ODSP used. */
typedef struct es_income_support_params {
    double exit_3m_prob[ES_NSOURCES];   /* in a job: leaves income support within 3 months */
    double return_12m_prob[ES_NSOURCES]; /* left it, out of work: back on it within 12 months */
    double benefit_monthly[ES_NSOURCES]; /* dollars a month paid while on it */
} es_income_support_params;

typedef struct es_wage_step {
    double from_days; /* days since scenario start (may be negative) */
    double dollars;
} es_wage_step;

typedef struct es_contest_params {
    double provider_review_days; /* 0 = no provider reviews */
    double provider_threshold;   /* replaced below this share of the catchment's mean score */
    double ssm_review_days;      /* 0 = no SSM reviews */
    double ssm_threshold;        /* replaced below this share of the province's mean score */
    double transition_days;
    double capacity_dip;         /* share of capacity lost during a transition */
} es_contest_params;

/* The local labour market (optional): registered employers post vacancies; clients who finish
 * employment services are matched to open vacancies of their catchment. */
typedef struct es_industry_params {
    char name[ES_NAME_MAX];
    double employer_share;   /* share of employers in the industry */
    double hours_mean, hours_sd; /* hours a week of its vacancies (normal, 1 to 60) */
    double wage_factor;      /* its mean wage, as a multiple of outcomes.wage_mean */
    double match_effect;     /* log-odds shift of a client accepting (and being hired into) it */
    double seasonality[12];  /* postings by calendar month, mean 1 */
} es_industry_params;

typedef struct es_size_params {
    char name[ES_NAME_MAX];
    double employer_share;    /* share of employers of this size */
    double postings_per_year; /* vacancies a registered employer lists with the service a year */
} es_size_params;

/* Regional conditions from a date on: one economic region (er_uid) or all (0). */
typedef struct es_lm_step {
    double from_days;
    int er_uid;
    double unemployment_rate, vacancy_rate;
} es_lm_step;

/* A shock: multipliers over a date range, for listed economic regions (none listed: all). */
typedef struct es_lm_shock {
    double from_days, to_days;
    double vacancy_multiplier, unemployment_multiplier;
    int nregions;
    int regions[ES_MAX_SHOCK_REGIONS];
} es_lm_shock;

typedef struct es_labour_params {
    bool enabled;
    double employers_per_1000;   /* employer businesses per 1,000 population */
    double registered_share;     /* share registered with the employment services */
    int nindustries, nsizes;
    es_industry_params industries[ES_MAX_INDUSTRIES];
    es_size_params sizes[ES_MAX_SIZES];
    double vacancy_days;         /* mean time before an unfilled vacancy is withdrawn */
    double others_fill_days;     /* mean time before a job seeker from outside fills it, at the reference unemployment */
    double reference_unemployment_rate, reference_vacancy_rate;
    int nsteps, nshocks;
    es_lm_step steps[ES_MAX_LM_STEPS];
    es_lm_shock shocks[ES_MAX_SHOCKS];
    double match_base;           /* log-odds that a client accepts and is hired into a vacancy */
    double training_effect;      /* log-odds shift after completed training */
    double developer_effect;     /* log-odds shift at a provider with job developers */
    double subsidy_effect;       /* log-odds shift when a wage subsidy comes with the client */
    int offers_per_search;       /* vacancies (or searchers) tried at each encounter */
    double max_search_days;      /* a client unmatched this long leaves unemployed */
    double subsidy_months;       /* length of a wage subsidy */
    double stacking_prob;        /* a client in a job under the funded hours takes a second one */
    double stacking_max_share;   /* stacked outcomes count for at most this share of clients per catchment and checkpoint */
} es_labour_params;

/* Behavioural mode: providers respond to prices.  Off unless `enabled` (set by
 * `essim compare --behavioural`, which fills value_by_stream from an accounting run). */
typedef struct es_behaviour_params {
    bool enabled;
    double elasticity;         /* parking probability per unit of relative value shortfall */
    double max_parked;         /* largest parking probability */
    double parked_job_effect;  /* fall in the log-odds of a job start for a parked client */
    double parked_staff_share; /* share of the usual staff time a parked client gets */
    bool cream;                /* queue priority by expected net revenue (intake selection) */
    double value_by_stream[ES_MAX_STREAMS]; /* expected net revenue per client served, dollars */
} es_behaviour_params;

typedef struct es_params {
    char name[ES_NAME_MAX * 2];
    int start_year, start_month, start_day;
    double horizon_days;
    double warmup_days;
    uint64_t seed;
    int replications;
    char rng[32];

    bool has_geography;
    es_geography geography;
    char geography_files[2][512]; /* where it was read from */
    double intake_per_1000;  /* new clients per 1,000 population a year */
    double seasonality[12];  /* multipliers by calendar month, mean 1 */

    es_client_mix clients;
    es_need_weights need;
    double channel_share[ES_NCHANNELS];
    double youth_online_shift;      /* share moved from in person to online for ages 15-24 */
    double language_in_person_shift;/* share moved to in person for a language barrier */
    double staff_minutes_per_contact[ES_NCHANNELS];
    double contacts_per_month;

    double assessment_noise_sd;
    double assessment_review_correction_prob; /* the plan review puts the client in its true stream */
    int nstreams;
    double thresholds[ES_MAX_STREAMS - 1];      /* on the assessed score */
    double need_thresholds[ES_MAX_STREAMS - 1]; /* on the true need: the stream a client needs */
    double need_mean_by_stream[ES_MAX_STREAMS]; /* mean true need of clients assessed into each */
    double need_mean_by_true_stream[ES_MAX_STREAMS]; /* ... of clients whose true need is each */
    es_stream_params streams[ES_MAX_STREAMS];

    es_outcome_params outcomes;
    es_income_support_params income_support;
    int nwage_steps;
    es_wage_step minimum_wage[ES_MAX_WAGE_STEPS];
    double funded_hours_per_week; /* a funded outcome: at least this many hours ... */

    es_contest_params contest;
    es_behaviour_params behaviour;
    es_labour_params labour;

    double staff_cost_per_hour;          /* provider cost model, dollars */
    double overhead_per_place_per_month; /* dollars per caseload place */

    bool suppress_small_cells;
    int suppress_below;

    int ncatchments;
    es_catchment_params catchments[ES_MAX_CATCHMENTS];

    /* keys given as dated schedules, by offset in es_params; each field holds the value in
     * force at the start, and the model applies the later ones on their dates (model.c) */
    es_dated_table dated;
} es_params;

#endif

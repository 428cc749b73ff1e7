/* es_model: one replication of the transformed employment-services system.
 *
 * Clients arrive through any door in each census division of a live catchment, take the
 * common assessment (a true need score plus measurement noise, cut into streams), are routed
 * by the SSM to a provider's site, wait for a caseload place, open a service plan and receive
 * services that scale with need (specialised, training, employment services), may be
 * reassessed at plan review or transfer provider with consent, and leave employed, in
 * training, unemployed or otherwise; job starters are followed to 1/3/6/12-month checkpoints.
 * Every pathway event goes to the registered observers (the funding layer among them).
 */
#ifndef ES_MODEL_SYSTEM_H
#define ES_MODEL_SYSTEM_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "engine/error.h"
#include "engine/pool.h"
#include "engine/results.h"
#include "engine/sim.h"
#include "engine/stats.h"
#include "model/calendar.h"
#include "model/calendar.h"
#include "model/events.h"
#include "model/labour.h"
#include "model/params.h"

#define ES_MAX_OBSERVERS 16 /* counts, fingerprint and a funder per compared model */
#define ES_WAIT_HIST_DAYS 365  /* waits counted day by day up to a year */
#define ES_OPEN_DATA_COLUMNS 12 /* exit: emp, te, unemp, oth, unkn, null; the same at 3 months */

typedef enum es_client_state {
    ES_CLIENT_FREE,
    ES_CLIENT_WAITING,
    ES_CLIENT_IN_SERVICE,
    ES_CLIENT_FOLLOW_UP, /* exited employed, followed to the 12-month checkpoint */
} es_client_state;

/* What a client draws random numbers for: each purpose is a substream of the client's own
 * (engine/rng.h, es_rng_entity_*), so a change to one client's path, or to how many numbers
 * one purpose takes, moves no other client's numbers and no other purpose's. */
typedef enum es_draw {
    ES_DRAW_ATTRIBUTES, /* census division, attributes, need */
    ES_DRAW_ASSESS,     /* assessment noise, at intake and at every reassessment */
    ES_DRAW_SERVICE,    /* plans, phases, services, dropout, transfers */
    ES_DRAW_OUTCOME,    /* readiness, job starts without a labour market, retention, follow-up */
    ES_DRAW_PATIENCE,   /* how long the client waits before reneging */
    ES_DRAW_BEHAVIOUR,  /* parked by the provider (behavioural mode) */
    ES_DRAW_MATCH,      /* accepting a vacancy */
    ES_DRAW_SUBSIDY,    /* a wage subsidy offered */
    ES_DRAW_STACKING,   /* a second job stacked on the first */
    ES_DRAW_GROUPS,     /* priority groups: francophone, Indigenous, newcomer */
    ES_DRAW_INCOME_SUPPORT, /* leaving income support and coming back to it */
    ES_DRAW_PLAN,       /* a plan's goal, and whether it was opened in error */
    ES_DRAW_REPORT,     /* what the provider records: outcomes at exit and at 3 months */
    ES_DRAW_COUNTERFACTUAL, /* own search: how long the client needs to find a job alone */
    ES_DRAW_SPELLS,     /* net impact: the spells after the first job, both paths (impact.c) */
    ES_NDRAWS
} es_draw;

typedef struct es_client {
    uint64_t id;
    uint64_t draw_key;         /* the key of the client's random numbers (es_rng_entity_key of
                                * its arrival process and rank in it, which changes elsewhere
                                * do not shift) */
    uint32_t draws[ES_NDRAWS]; /* numbers drawn so far, by purpose */
    double arrival_days;       /* intake of the current episode, or the latest transfer */
    double intake_days;        /* intake of the current episode (its cohort) */
    double service_start_days;
    double phase_start_days, phase_end_days; /* the current service phase */
    double drop_days;          /* leaves services early at this time (INFINITY: never) */
    double job_start_days, job_end_days; /* the first job after services (its start anchors
                                          * the follow-up); job_end_days: the current job's end */
    double next_job_days;      /* unemployed after a job loss: the next job starts then */
    double job_began_days;     /* the current job began then (its wage grows from then) */
    double first_intake_days;  /* its first intake: where net impact is measured from */
    double own_job_months;     /* own search: months at full intensity to a job (INFINITY: none) */
    double own_clock_months, own_clock_days; /* own search done so far, as of that day */
    double is_exit_days, is_return_days; /* in follow-up: leaves / comes back to income support
                                          * then (INFINITY: not while as it is) */
    double carry_days, carry_drop_days; /* transferred: what was left of the current phase and
                                         * until the dropout, resumed at the new provider */
    double subsidy_end_days;   /* a subsidised placement's subsidy ends then */
    float need, hours, wage;
    float primary_hours;       /* hours of the first job when two are stacked */
    uint32_t search_prev, search_next; /* in the catchment's job-search list */
    float staff_rate;          /* staff hours a month while in service */
    float own_rate;            /* own search intensity now (1 full, 0 none) */
    uint32_t plan_id;          /* current service plan; 0 = none */
    es_handle ticket;          /* place in a site's queue while waiting */
    es_handle timer;           /* renege, phase end or dropout */
    es_handle review;          /* plan review (reassessment) */
    es_handle transfer;        /* transfer request */
    es_handle checkpoint;      /* next retention checkpoint or the job loss */
    es_handle own_timer;       /* own search finds a job (own_search.c) */
    int16_t catchment, site, stream, true_stream, cd;
    uint8_t source, channel, state, phase, next_checkpoint, plan_active;
    uint8_t disability, language_barrier, rural, youth, services_left, parked;
    uint8_t left_income_support; /* off income support (it left, and has not come back) */
    uint8_t spell;             /* in follow-up: ES_SPELL_* */
    uint8_t carried;           /* transferred, its plan to resume at the next service start */
    uint8_t groups;            /* its priority groups, bit es_group */
    uint8_t trained, searching, subsidy_offered, subsidised, subsidy_open, stacked;
    uint8_t goal;              /* the plan's goal: ES_GOAL_* (plan.c) */
    uint8_t plan_in_error;     /* the open plan was opened in error, not yet found out */
    uint8_t permanent;         /* the current job is permanent (not temporary) */
    uint8_t own_job;           /* the job it is leaving with was found by its own search */
    uint8_t job_at_exit;       /* its first episode ended with a job start */
    uint8_t impact_done;       /* its net impact is counted (its first episode ended) */
    uint8_t deadweight;        /* the job at the end of its first episode would have come anyway */
} es_client;

/* Where a client in follow-up is in working life after services. */
enum { ES_SPELL_FIRST_JOB, ES_SPELL_UNEMPLOYED, ES_SPELL_LATER_JOB };

typedef struct es_stream_counts {
    uint64_t assessed, true_need, served, completed, dropped, reneged, transfers;
    uint64_t training_exits, job_starts, funded_job_starts_20h, completers_employed_20h;
    uint64_t goal_plans[ES_NGOALS]; /* service starts by the plan's goal */
    uint64_t employment_goal_completed; /* completers whose plan's goal was employment */
    uint64_t permanent_job_starts;
    uint64_t own_job_starts;   /* job starts at exit found by the client's own search */
    uint64_t employed[4]; /* at 1, 3, 6, 12 months */
    uint64_t reachable[4]; /* job starts early enough for the checkpoint to fall in the horizon */
    uint64_t funded[4];
    uint64_t status_employed[4]; /* in any job at the checkpoint (after churn) */
    uint64_t reemployed;
    uint64_t job_losses, reassessed_in, reassessed_out, parked;
    es_tally wait_days;
    es_tally days_to_job;
    es_tally wage_at_start, wage_12m; /* hourly wage at the job start; at 12 months in it */
    double staff_hours; /* staff time spent on the stream's clients, once they leave */
} es_stream_counts;

/* The clients of a priority group, or everyone else (counts.c; es_group). */
typedef struct es_group_counts {
    uint64_t intakes, highest_need, closed, employed_at_exit;
    uint64_t reachable_12m, employed_12m, status_12m;
} es_group_counts;

/* Net impact (impact.c): at 3, 6 and 12 months after the first intake, clients whose point falls
 * in the run, those employed with the service and without it; months employed in the 12
 * (clients whose 12 months fall in the run); job starts at exit, and those the client would
 * have had by then without the service (deadweight). */
#define ES_IMPACT_POINTS 3
typedef struct es_impact_counts {
    uint64_t clients[ES_IMPACT_POINTS], employed[ES_IMPACT_POINTS];
    uint64_t employed_without[ES_IMPACT_POINTS];
    uint64_t job_starts, deadweight;
    double months, months_without;
} es_impact_counts;

/* An intake cohort (clients whose episode began in one fiscal year): cohorts.c. */
typedef struct es_cohort_counts {
    uint64_t intakes, employed_12m;
} es_cohort_counts;

typedef struct es_source_counts {
    uint64_t arrivals, closed, employed_at_exit, employed_3m, income_support_exits;
    uint64_t income_support_returns;
    double income_support_days; /* on income support within the horizon (OW/ODSP) */
} es_source_counts;

typedef struct es_site_state {
    es_pool pool;
    int catchment, provider, cd_index; /* cd_index into the geography, -1 without */
    int base_capacity;
    uint64_t served, closed, employed_at_exit, employed[4], reachable[4], priority_served, period_closed,
        period_employed;
    es_tally wait_days, days_to_job;
} es_site_state;

typedef struct es_arrival_stream {
    int catchment;
    int cd_index;        /* -1: the catchment's fixed rate, CD drawn by population */
    double base_per_day; /* before seasonality */
    es_month_cache month;
} es_arrival_stream;

typedef struct es_month_snapshot {
    uint64_t arrivals[ES_MAX_STREAMS], waiting, in_service, job_starts, plans_closed;
    uint64_t vacancies_posted, vacancies_filled; /* labour market: filled by clients */
} es_month_snapshot;

#define ES_MODEL_CLIENT_EVENTS 13

/* Day-by-day series of one replication, for choosing a warm-up (api/warmup.c): the waits of
 * the service starts of each day (their sum and number) and the clients in the system (waiting
 * or in service) after the day's last event, NAN for a day without one.  The caller owns the
 * arrays (ndays of each) and hands them to the model before it runs. */
typedef struct es_daily_series {
    int ndays;
    double *wait_sum;
    uint64_t *starts;
    double *in_system;
} es_daily_series;

typedef struct es_model {
    const es_params *p;      /* the scenario's, or own_params when it has dated values */
    es_params *own_params;   /* the replication's copy, changed on each dated value's date */
    uint32_t replication;
    es_sim sim;
    int ev_arrival, ev_renege, ev_phase_end, ev_dropout, ev_review, ev_transfer, ev_checkpoint,
        ev_job_loss, ev_warmup, ev_month, ev_provider_review, ev_ssm_review, ev_restore, ev_period,
        ev_vacancy, ev_search_end, ev_subsidy_end, ev_dated, ev_reemployment, ev_is_exit,
        ev_is_return, ev_own_job;
    /* the events about one client: each handler with the model, for model.c's dispatch */
    struct es_client_dispatch {
        struct es_model *model;
        void (*handler)(struct es_model *m, uint32_t index, es_client *c);
    } client_dispatch[ES_MODEL_CLIENT_EVENTS];
    int nclient_dispatch;
    bool lm_on;     /* the labour market decides job starts */
    double wage_s2, wage_sigma; /* of the lognormal wages: log(1 + cv^2) and its square root */
    es_labour lm;

    gsl_rng *rng_entity; /* bound to one client's substream at a time (es_client_rng) */
    double park_prob[ES_MAX_STREAMS]; /* behavioural mode */
    es_impact_counts impact_all, impact_stream[ES_MAX_STREAMS], impact_source[ES_NSOURCES];
    es_impact_counts impact_cell[ES_MAX_STREAMS][ES_MAX_STREAMS]; /* [true][assessed] */
    es_impact_counts impact_group[ES_NGROUPS];            /* the members of each group */
    es_impact_counts impact_catchment[ES_MAX_CATCHMENTS];
    uint64_t own_jobs_waiting; /* clients who found a job alone while waiting (warm-up on) */
    /* followup.c: a permanent job's 3-month retention, solved from the stream's
     * retention_3m_prob, permanent_prob and temporary_separation_factor (the key) */
    double permanent_s3[ES_MAX_STREAMS], permanent_s3_key[ES_MAX_STREAMS][3];
    int value_priority[ES_MAX_STREAMS];
    int narrivals;
    es_arrival_stream *arrivals;
    gsl_rng **rng_arrivals;
    uint64_t *drawn_keys; /* by arrival process: clients it has brought (their draw keys) */

    es_client *clients;
    uint32_t *free_clients;
    size_t nclients, cap_clients, nfree, peak_active;
    uint64_t next_client_id;
    uint32_t pending_starts[4]; /* clients given a place, whose service has yet to begin */
    int npending;
    uint32_t next_plan_id;

    int nsites;
    es_site_state *sites;
    int first_site[ES_MAX_CATCHMENTS];
    int nsites_in[ES_MAX_CATCHMENTS];
    int nproviders;
    int first_provider[ES_MAX_CATCHMENTS];
    int *provider_replacements; /* per global provider */
    es_timeavg *staff_load;     /* per global provider: staff hours a month (time-weighted) */
    double *staff_hours_done;   /* per global provider: hours already reported */
    int *provider_capacity;     /* per global provider: caseload places */
    int *provider_catchment;
    int ssm_replacements[ES_MAX_CATCHMENTS];

    /* flow counts, every episode, for conservation */
    uint64_t arrived, returned, waiting, in_service, follow_up, exited;
    uint64_t exits_counted; /* exits from the warm-up on (clients_exited); `exited` is every
                             * exit, for conservation at every event */
    uint64_t plans_opened, plans_closed_by[ES_NCLOSURES], active_plans, plan_violations;
    uint64_t transfers_refused, transfers_done;
    double staff_hours_before_warmup; /* staff hours worked before the warm-up ended */
    uint64_t confusion[ES_MAX_STREAMS][ES_MAX_STREAMS]; /* [true need][assessed] */
    uint64_t channel_count[ES_NCHANNELS];
    es_stream_counts by_stream[ES_MAX_STREAMS];
    es_source_counts by_source[ES_NSOURCES];
    es_tally wait_days; /* service starts after warm-up */
    es_tally waited;    /* 1 when a client waited at all, after warm-up */
    /* service starts after warm-up by whole days waited, by stream; the last bin holds longer
     * waits */
    uint64_t wait_hist[ES_MAX_STREAMS][ES_WAIT_HIST_DAYS + 1];

    /* open-data tables: [fiscal year][site or cd][column] */
    int first_fiscal_year, nfiscal_years;
    es_fiscal_years fiscal;
    uint64_t *open_site, *open_cd, *assisted_site, *assisted_cd;

    int nmonths;
    es_month_snapshot *months;

    es_group_counts by_group[ES_NGROUPS][2]; /* [group][1: in it, 0: everyone else] */
    /* income support (income_support.c): clients off it by source, and the benefits not paid,
     * brought up to is_last_days */
    double is_off[ES_NSOURCES], is_saved_cents[ES_NSOURCES], is_last_days;
    es_cohort_counts *cohorts; /* by fiscal year of intake (fiscal) */
    double *cohort_days;       /* [cohort][fiscal year]: days its clients spent in service */

    es_daily_series *daily; /* NULL: not recorded */

    int nobservers;
    es_observer_fn observers[ES_MAX_OBSERVERS];
    void *observer_ctx[ES_MAX_OBSERVERS];

    void (*on_progress)(void *ctx, double fraction); /* es_model_set_progress */
    void *progress_ctx;
} es_model;

int es_model_init(es_model *m, const es_params *p, uint32_t replication, es_error *err);
void es_model_destroy(es_model *m);
int es_model_add_observer(es_model *m, es_observer_fn fn, void *ctx);
/* Schedules the first events (arrivals, reviews, monthly snapshots); es_sim_run() on m->sim
 * then advances the replication as far as wanted. */
int es_model_start(es_model *m, es_error *err);
/* es_model_start, then runs the replication to the horizon. */
int es_model_run(es_model *m, es_error *err);
/* Tells fn, from es_model_run, the share of the horizon simulated so far, ES_MODEL_PROGRESS_STEPS
 * times a run (the calendar is run in that many steps of simulated time, which changes no
 * event and no result). */
#define ES_MODEL_PROGRESS_STEPS 50
void es_model_set_progress(es_model *m, void (*fn)(void *ctx, double fraction), void *ctx);
/* Appends the replication's measures (see docs/data-dictionary.md). */
int es_model_collect(const es_model *m, es_results *r);

/* Moves a client in service to another provider of its catchment.  The service-plan rules
 * allow it only with the client's written consent: without it, ES_EINVAL and nothing
 * changes.  The old plan closes (reason other) and a new one opens where service resumes. */
int es_model_transfer(es_model *m, uint32_t client_index, bool written_consent);

/* Employment Ontario open-data counts of one replication: plans closed in each fiscal year
 * by site and by census division, with the outcome at exit and three months after. */
typedef struct es_open_tables {
    int first_fiscal_year, nfiscal_years, nsites, ncds;
    uint64_t *site, *cd;                   /* [fiscal year][unit][ES_OPEN_DATA_COLUMNS] */
    uint64_t *assisted_site, *assisted_cd; /* [fiscal year][unit]: num_assist */
} es_open_tables;

/* Moves the open-data counts out of the model (the caller destroys them). */
void es_model_take_open_tables(es_model *m, es_open_tables *t);
/* Copies t's counts into `to` (for a second funding model priced from the same run);
 * ES_ENOMEM leaves `to` empty. */
int es_open_tables_copy(es_open_tables *to, const es_open_tables *t);
void es_open_tables_destroy(es_open_tables *t);
/* The region (est_region) of census division cd in the open data: the first catchment of the
 * scenario that covers it, or -1. */
int es_open_data_region(const es_params *p, int cd);

/* Number of whole months in the horizon (at least 1). */
int es_params_months(const es_params *p);

/* Index into the open-data arrays. */
static inline size_t es_open_cell(int nunits, int fy, int unit, int column)
{
    return ((size_t)fy * (size_t)nunits + (size_t)unit) * ES_OPEN_DATA_COLUMNS + (size_t)column;
}

#endif

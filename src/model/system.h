/* es_model: one replication of the employment-services system.
 *
 * Clients arrive in each catchment, take the common assessment (a need score plus noise,
 * cut into streams by thresholds), wait for a caseload place at a provider, are served for a
 * stream-dependent time, then start a job or leave unemployed; job starters are followed to
 * the 3-month retention checkpoint.  Every pathway event goes to the registered observers.
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
#include "model/events.h"
#include "model/params.h"

#define ES_MAX_OBSERVERS 8

typedef enum es_client_state {
    ES_CLIENT_FREE,
    ES_CLIENT_WAITING,
    ES_CLIENT_IN_SERVICE,
    ES_CLIENT_FOLLOW_UP, /* exited employed, followed to the retention checkpoint */
} es_client_state;

typedef struct es_client {
    uint64_t id;
    double arrival_days;
    double job_start_days;
    es_handle ticket;     /* place in the provider's queue while waiting */
    es_handle renege;     /* patience timer while waiting */
    es_handle checkpoint; /* retention checkpoint while in follow-up */
    int16_t catchment, provider, stream, true_stream;
    es_client_state state;
} es_client;

typedef struct es_stream_counts {
    uint64_t assessed, true_need, served, completed, reneged, job_starts, retained_3m, job_losses;
    es_tally wait_days;
} es_stream_counts;

typedef struct es_provider_state {
    es_pool pool;
    int catchment;
    int index_in_catchment;
} es_provider_state;

typedef struct es_month_snapshot {
    uint64_t arrivals, waiting, in_service;
} es_month_snapshot;

typedef struct es_model {
    const es_params *p;
    uint32_t replication;
    es_sim sim;
    int ev_arrival, ev_renege, ev_service_end, ev_checkpoint, ev_job_loss, ev_warmup, ev_month;

    gsl_rng *rng_assess, *rng_service, *rng_outcome, *rng_patience;
    gsl_rng *rng_arrivals[ES_MAX_CATCHMENTS];

    es_client *clients;
    uint32_t *free_clients;
    size_t nclients, cap_clients, nfree;
    uint64_t next_client_id;

    int nproviders;
    es_provider_state *providers;
    int first_provider[ES_MAX_CATCHMENTS];

    /* flow counts: every client ever, for conservation */
    uint64_t arrived, waiting, in_service, follow_up, exited;
    uint64_t confusion[ES_MAX_STREAMS][ES_MAX_STREAMS]; /* [true][assessed] */
    es_stream_counts by_stream[ES_MAX_STREAMS];
    es_tally wait_days; /* after warm-up */
    es_tally waited;    /* 1 when a client waited at all, after warm-up */

    int nmonths;
    es_month_snapshot *months;

    int nobservers;
    es_observer_fn observers[ES_MAX_OBSERVERS];
    void *observer_ctx[ES_MAX_OBSERVERS];
} es_model;

int es_model_init(es_model *m, const es_params *p, uint32_t replication, es_error *err);
void es_model_destroy(es_model *m);
int es_model_add_observer(es_model *m, es_observer_fn fn, void *ctx);
/* Runs the replication to the horizon. */
int es_model_run(es_model *m, es_error *err);
/* Appends the replication's measures (see docs/data-dictionary.md). */
int es_model_collect(const es_model *m, es_results *r);

/* Number of whole months in the horizon (at least 1). */
int es_params_months(const es_params *p);

#endif

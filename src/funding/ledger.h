/* es_ledger: every payment, tied to the event that earned it, in integer cents.
 *
 * The ledger keeps totals by month, component, stream and catchment; the full row of each
 * payment goes to an optional sink (the --ledger CSV). */
#ifndef ES_LEDGER_H
#define ES_LEDGER_H

#include <stdint.h>
#include <stdio.h>

#include "funding/funding.h"
#include "model/events.h"

#define ES_DAYS_PER_MONTH (365.25 / 12.0)

typedef struct es_payment {
    double date_days;  /* on or after the event */
    double event_days; /* when the earning event happened */
    uint64_t client_id;
    int component;
    es_milestone event;
    int stream;
    int catchment;
    int provider;
    int64_t amount_cents;
} es_payment;

typedef void (*es_payment_sink)(const es_payment *p, void *ctx);

typedef struct es_ledger {
    int nmonths, ncomponents, nstreams, ncatchments;
    int64_t *cents;    /* [month][component][stream][catchment] */
    int64_t *payments; /* same shape: number of payments */
    int64_t total_cents;
    int64_t npayments;
    es_payment_sink sink;
    void *sink_ctx;
} es_ledger;

int es_ledger_init(es_ledger *l, int nmonths, int ncomponents, int nstreams, int ncatchments);
void es_ledger_destroy(es_ledger *l);
void es_ledger_post(es_ledger *l, const es_payment *p);
static inline size_t es_ledger_cell(const es_ledger *l, int month, int comp, int stream, int catchment)
{
    return (((size_t)month * (size_t)l->ncomponents + (size_t)comp) * (size_t)l->nstreams +
            (size_t)stream) * (size_t)l->ncatchments + (size_t)catchment;
}
int64_t es_ledger_component_total(const es_ledger *l, int comp);

/* The funder: a funding model applied to one replication's events. */
typedef struct es_funder {
    const es_funding_model *model;
    es_ledger *ledger;
} es_funder;

/* Observer callback: prices a model event and posts its payments. ctx is an es_funder. */
void es_funder_observe(const es_model_event *ev, void *ctx);

#endif

/* es_ledger and es_funder: every payment, tied to the event that earned it, in integer cents.
 *
 * The funder is an observer of model events: it prices each event under a funding model
 * (amount by stream, complex-needs multipliers, partial outcomes, contract-year multipliers,
 * the currency factor -- all applied as one factor, rounded half to even once), applies the
 * limits (a yearly cap per provider, a holdback released at the next fiscal year), reverses
 * clawed-back payments when a job ends early, and posts the payments.  The ledger keeps totals
 * by month, component, stream, source and catchment; the full row of each payment goes to an
 * optional sink (the --ledger CSV).  Provider revenue and costs by month give cash positions. */
#ifndef ES_LEDGER_H
#define ES_LEDGER_H

#include <stdint.h>
#include <stdio.h>

#include "funding/funding.h"
#include "model/calendar.h"
#include "model/events.h"
#include "model/params.h"

#define ES_DAYS_PER_MONTH (365.25 / 12.0)

typedef struct es_payment {
    double date_days;  /* on or after the event */
    double event_days; /* when the earning event happened */
    uint64_t client_id; /* 0 for period payments */
    double intake_days; /* a client's payment: the intake of the client's episode (its cohort) */
    int component;      /* index; ncomponents = holdback release */
    es_milestone event;
    int stream, source; /* -1 when not a client's payment */
    int catchment;
    int provider;       /* -1 when the payee is not a provider */
    es_party payer, payee;
    int64_t amount_cents;
    int64_t kept_cents; /* the part the spend measures count after the warm-up (funder.c) */
} es_payment;

typedef void (*es_payment_sink)(const es_payment *p, void *ctx);

typedef struct es_ledger {
    int nmonths, ncomponents, nstreams, ncatchments; /* ncomponents includes holdback release */
    int64_t *cents;    /* [month][component][stream + none][source + none][catchment] */
    int64_t *payments; /* same shape: number of payments */
    int64_t *kept;     /* same shape: the part after scenario.warmup_days (the spend measures) */
    int64_t total_cents, npayments;
    int64_t by_payer_cents[ES_NPARTIES];
    int64_t kept_by_payer_cents[ES_NPARTIES];
    es_payment_sink sink;
    void *sink_ctx;
} es_ledger;

int es_ledger_init(es_ledger *l, int nmonths, int ncomponents, int nstreams, int ncatchments);
void es_ledger_destroy(es_ledger *l);
void es_ledger_post(es_ledger *l, const es_payment *p);
static inline size_t es_ledger_cell(const es_ledger *l, int month, int comp, int stream,
                                    int source, int catchment)
{
    return ((((size_t)month * (size_t)l->ncomponents + (size_t)comp) * (size_t)(l->nstreams + 1) +
             (size_t)stream) * (ES_NSOURCES + 1) + (size_t)source) * (size_t)l->ncatchments +
           (size_t)catchment;
}
int64_t es_ledger_component_total(const es_ledger *l, int comp);
/* The month a day falls in, clamped to [0, nmonths). */
static inline int es_ledger_month_of(double day, int nmonths)
{
    int month = (int)(day / ES_DAYS_PER_MONTH);
    return month < 0 ? 0 : month >= nmonths ? nmonths - 1 : month;
}

/* Revenue and costs of each provider by month, in cents, and the part of each after
 * scenario.warmup_days (what the revenue, cost and margin measures count). */
typedef struct es_finance {
    int nproviders, nmonths;
    int64_t *revenue; /* [provider][month] */
    int64_t *cost;    /* [provider][month] */
    int64_t *kept_revenue, *kept_cost; /* [provider] */
} es_finance;

int es_finance_init(es_finance *f, int nproviders, int nmonths);
void es_finance_destroy(es_finance *f);

/* Callers of the ledger drive it through the funder. */
#include "funding/funder.h"

#endif

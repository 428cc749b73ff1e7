/* es_funder: the observer that prices model events under a funding model (amount by stream,
 * complex-needs multipliers, partial outcomes, contract-year multipliers, the currency factor --
 * all applied as one factor, rounded half to even once), applies the limits (a yearly cap per
 * provider, a holdback released at the next fiscal year, component budgets), reverses
 * clawed-back payments when a job ends early, and posts the payments to an es_ledger. */
#ifndef ES_FUNDER_H
#define ES_FUNDER_H

#include <stdint.h>

#include "funding/funding.h"
#include "funding/ledger.h"
#include "model/events.h"
#include "model/params.h"

#define ES_CLAWBACK_SLOTS 6

/* Payments that a job loss may still reverse, for one client's current job. */
typedef struct es_clawback_entry {
    uint64_t client_id; /* 0 = empty */
    int n;
    int16_t component[ES_CLAWBACK_SLOTS];
    double event_days[ES_CLAWBACK_SLOTS];
    double paid_days[ES_CLAWBACK_SLOTS]; /* payment dates (after any lag) */
    int64_t cents[ES_CLAWBACK_SLOTS];
    int stream, source, catchment, provider;
    double kept_share; /* of the client's cohort: 1 after the warm-up, else 0 */
} es_clawback_entry;

/* What the funder has seen of a catchment in a fiscal year, for performance payments. */
typedef struct es_kpi_counts {
    double place_years;  /* caseload places x years live */
    uint64_t plans_closed, job_starts, funded_3m, plans_opened, priority_opened;
} es_kpi_counts;

typedef struct es_funder {
    const es_funding_model *model;
    const es_params *params;
    es_ledger *ledger;
    es_finance *finance;
    int nproviders, first_fiscal_year, nfiscal_years;
    es_fiscal_years fiscal;
    int *provider_catchment;
    int64_t *paid_in_year; /* [provider][fiscal year], for the cap */
    int64_t *held;         /* [provider][fiscal year] holdback */
    int64_t *held_kept;    /* same: the part withheld from payments kept after the warm-up */
    es_kpi_counts *kpi;    /* [catchment][fiscal year] */
    int64_t *budget_used;  /* [component][catchment][fiscal year] */
    /* [payer][fiscal year]: paid for the clients of each intake cohort, and paid for no client
     * in particular by the fiscal year of the event it pays for (es_spend_measures shares the
     * second among the cohorts by their caseload days) */
    int64_t *cohort_cents, *shared_cents;
    int *kpi_paid_fy;      /* [catchment]: last fiscal year paid, -1 none */
    es_clawback_entry *claw;
    size_t claw_cap, claw_used;
    int64_t capped_cents, due_after_horizon_cents, clawed_back_cents, holdback_unreleased_cents;
    int64_t performance_unearned_cents; /* pots not earned because KPIs fell short */
    int64_t over_budget_cents;          /* refused because a component's yearly budget ran out */
    int64_t deadweight_cents[ES_NPARTIES]; /* by payer: paid (kept after the warm-up) on the
                                            * start and checkpoints of jobs that would have
                                            * come without the service */
    int failed; /* out of memory while running */
    int64_t priced_cents; /* every amount priced, in absolute value: at most ES_MONEY_MAX_CENTS */
    int overflow;         /* 1 + the component whose amount went beyond it; the funder stops */
    es_eligibility_state eligibility; /* decides which employment checkpoints are outcomes */
} es_funder;

int es_funder_init(es_funder *f, const es_funding_model *model, const es_params *p,
                   es_ledger *ledger, es_finance *finance);
void es_funder_destroy(es_funder *f);
/* Observer callback: prices a model event and posts its payments. ctx is an es_funder. */
void es_funder_observe(const es_model_event *ev, void *ctx);
/* When the funder stopped because a component's money went beyond ES_MONEY_MAX_CENTS: that
 * component (an es_component of the model), else NULL. */
const es_component *es_funder_overflow(const es_funder *f);
/* Holdbacks still withheld at the end of the run (reported, never paid). */
void es_funder_finish(es_funder *f);

#endif

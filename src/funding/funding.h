/* Funding models: what each pathway event earns, by stream, who pays whom, and the limits.
 * The funding layer observes model events and prices them into a ledger; it never schedules
 * anything.  Semantics: docs/funding-models.md. */
#ifndef ES_FUNDING_H
#define ES_FUNDING_H

#include <stdbool.h>
#include <stdint.h>

#include "funding/eligibility.h"
#include "model/events.h"
#include "model/params.h"

#define ES_MAX_COMPONENTS 32
#define ES_MAX_CONTRACT_YEARS 10

typedef enum es_component_type {
    ES_COMP_FIXED,        /* per-client fee earned at intake (or another pathway event) */
    ES_COMP_MILESTONE,    /* pathway milestones: plan agreed, training completed, job start */
    ES_COMP_OUTCOME,      /* employment checkpoints after job start (funded outcomes only) */
    ES_COMP_FLOW_THROUGH, /* client supports and employer incentives actually spent */
    ES_COMP_BLOCK,        /* a block grant per caseload place, paid each month */
    ES_COMP_PERFORMANCE,  /* a yearly pot per caseload place, paid by KPI scores against targets */
    ES_NCOMPONENT_TYPES
} es_component_type;

extern const char *const es_component_type_names[ES_NCOMPONENT_TYPES];

typedef enum es_party {
    ES_PARTY_PROVINCE,
    ES_PARTY_SSM,
    ES_PARTY_PROVIDER,
    ES_PARTY_EMPLOYER,
    ES_PARTY_CLIENT,
    ES_NPARTIES
} es_party;

extern const char *const es_party_names[ES_NPARTIES];

/* KPIs a performance component scores, each from what the funder observes in the fiscal year. */
typedef enum es_kpi {
    ES_KPI_EMPLOYMENT_AT_EXIT, /* job starts / plans closed */
    ES_KPI_FUNDED_3M,          /* funded 3-month outcomes / plans closed */
    ES_KPI_PRIORITY_SHARE,     /* plans opened for OW, ODSP or disability clients / plans opened */
    ES_NKPIS
} es_kpi;

extern const char *const es_kpi_names[ES_NKPIS];

#define ES_MAX_KPI_TERMS 4

typedef struct es_kpi_term {
    es_kpi kpi;
    double weight;
    double target; /* the score is min(1, achieved / target) */
} es_kpi_term;

typedef struct es_component {
    char name[ES_NAME_MAX];
    es_component_type type;
    es_milestone event;
    es_party payer, payee;
    int64_t amount_cents[ES_MAX_STREAMS]; /* in the model's own currency */
    bool per_month_of_service;            /* flow-through: amount per month of service */
    bool per_month_of_subsidy;            /* flow-through: amount per month of wage subsidy */
    int64_t cap_per_client_cents;         /* largest payment for one client's event; 0 = none */
    int64_t budget_per_year_cents;        /* most paid per catchment and fiscal year; 0 = none */
    double lag_days;                      /* paid this long after the event */
    bool adjusted;                        /* complex-needs multipliers apply */
    double partial_hours, partial_share;  /* outcome: partial credit from partial_hours */
    double clawback_days;                 /* reversed if the job ends this soon after it starts */
    int nyears;
    double year_multiplier[ES_MAX_CONTRACT_YEARS]; /* by contract year; the last repeats */
    int nkpis;
    es_kpi_term kpis[ES_MAX_KPI_TERMS]; /* performance: weights sum to 1 */
} es_component;

typedef struct es_funding_model {
    char name[ES_NAME_MAX * 2];
    char file[512];
    char currency[8];
    int price_year;
    double cad_per_unit; /* conversion to CAD, applied once per payment */
    int ncomponents;
    es_component components[ES_MAX_COMPONENTS];
    /* complex-needs multipliers */
    double adjust_disability, adjust_source[ES_NSOURCES], adjust_rural;
    /* limits on payments to providers */
    int64_t provider_cap_per_year_cents; /* per fiscal year; 0 = none */
    double holdback_share;               /* withheld, released at the next fiscal year */
    es_eligibility eligibility;          /* what counts as a funded outcome; zero = IES rule */
    /* amounts given as dated schedules, by offset in es_funding_model: a payment takes the
     * amount in force on the day of the event that earns it (es_dated_cents) */
    es_dated_table dated;
} es_funding_model;

/* The most money a replication may price, in cents ($23 quadrillion): every sum essim keeps
 * (by month, component, payer, provider, the ledger's total, what caps and budgets refused) is
 * at most twice what was priced (a payment and its reversal), so none can overflow 64 bits. */
#define ES_MONEY_MAX_CENTS ((int64_t)1 << 61)

/* Multiplies an amount in cents by a factor, rounding half to even to the cent. */
int64_t es_money_scale(int64_t cents, double factor);
/* The same, false (and *out untouched) when the product is not finite or beyond
 * ES_MONEY_MAX_CENTS. */
bool es_money_scale_checked(int64_t cents, double factor, int64_t *out);

/* Formats cents as dollars "-1234.56" into buf. */
const char *es_money_format(int64_t cents, char *buf, unsigned len);

/* The party at the top of the model's payment chain: the province when any component is
 * paid by it, else the SSM.  Total spend is what this party pays. */
es_party es_funding_top_payer(const es_funding_model *f);

#endif

/* es_eligibility: what a funding model counts as an outcome it pays for.
 *
 * The model reports the facts of each employment checkpoint (hours a week, whether the wage
 * reaches the minimum wage of the day, hourly wage, whether a wage subsidy is still running,
 * whether two stacked jobs reach the hours only together); the funding model's rule decides
 * whether the checkpoint is a funded outcome.  An all-zero rule (what a funding file without an
 * `eligibility` group loads to) is today's IES rule: the scenario's funded_hours_per_week, the
 * minimum wage, no outcome inside a subsidy period, and stacked jobs capped at the scenario's
 * labour_market.stacking_max_share of the catchment's clients employed at the checkpoint.
 * Keys and semantics: docs/funding-models.md. */
#ifndef ES_ELIGIBILITY_H
#define ES_ELIGIBILITY_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/error.h"
#include "model/events.h"
#include "model/params.h"

typedef enum es_wage_floor {
    ES_WAGE_FLOOR_MINIMUM, /* the wage is at least the minimum wage of the day (default) */
    ES_WAGE_FLOOR_NONE,    /* any wage */
    ES_NWAGE_FLOORS
} es_wage_floor;

extern const char *const es_wage_floor_names[ES_NWAGE_FLOORS];

/* A funding model's rule.  Zero-initialised, it is today's rule (see above): the `_set` flags
 * say a funding file chose its own value instead of the scenario's. */
typedef struct es_eligibility {
    bool hours_set;
    double hours_per_week;        /* at least this many hours a week */
    es_wage_floor wage_floor;
    double earnings_per_week;     /* at least hours x wage a week, model currency; 0 = none */
    bool pay_during_subsidy;      /* a checkpoint inside a subsidy period counts (IES: no) */
    bool stacking_share_set;
    double stacking_max_share;    /* stacked outcomes: at most this share of clients employed
                                     at the checkpoint, per catchment */
} es_eligibility;

/* The checkpoints a rule is applied at: employed 1, 3, 6, 12 months after the job start. */
#define ES_ELIGIBILITY_CHECKPOINTS 4

/* What the rule must remember across a run: the stacking cap is a running share per catchment
 * and checkpoint, so it is never exceeded. */
typedef struct es_eligibility_state {
    es_eligibility rule; /* resolved: the scenario's values filled in */
    int ncatchments;
    uint64_t *employed_at;     /* [catchment][checkpoint] */
    uint64_t *stacked_counted; /* [catchment][checkpoint] */
} es_eligibility_state;

/* Fills in the scenario's values where the rule keeps them and allocates the counts. */
int es_eligibility_init(es_eligibility_state *s, const es_eligibility *rule, const es_params *p);
void es_eligibility_destroy(es_eligibility_state *s);

/* Whether an employed_* checkpoint is a funded outcome under the rule; counts it for the
 * stacking cap.  Call once per checkpoint event. */
bool es_eligibility_decide(es_eligibility_state *s, const es_model_event *ev);

/* Reads an `eligibility = { ... }` group of a funding file into *rule (keys not given keep
 * today's rule).  g may be NULL (no group: today's rule).  Errors name the file and line. */
struct config_setting_t; /* libconfig's, kept out of this header */
int es_eligibility_load(es_eligibility *rule, const struct config_setting_t *g, es_error *err);

#endif

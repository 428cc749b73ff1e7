/* Funding models: what each pathway event earns, by stream.  The funding layer observes model
 * events and prices them into a ledger; it never schedules anything. */
#ifndef ES_FUNDING_H
#define ES_FUNDING_H

#include <stdint.h>

#include "model/events.h"
#include "model/params.h"

#define ES_MAX_COMPONENTS 32

typedef enum es_component_type {
    ES_COMP_FIXED,     /* per-client fee earned at intake (or another pathway event) */
    ES_COMP_MILESTONE, /* pathway milestones: assessment, job start, ... */
    ES_COMP_OUTCOME,   /* employment checkpoints after job start */
} es_component_type;

extern const char *const es_component_type_names[3];

typedef struct es_component {
    char name[ES_NAME_MAX];
    es_component_type type;
    es_milestone event;
    int64_t amount_cents[ES_MAX_STREAMS]; /* in the model's own currency */
} es_component;

typedef struct es_funding_model {
    char name[ES_NAME_MAX * 2];
    char file[512];
    char currency[8];
    int price_year;
    double cad_per_unit; /* conversion to CAD, applied once per payment */
    int ncomponents;
    es_component components[ES_MAX_COMPONENTS];
} es_funding_model;

/* Multiplies an amount in cents by a factor, rounding half to even to the cent. */
int64_t es_money_scale(int64_t cents, double factor);

/* Formats cents as dollars "-1234.56" into buf. */
const char *es_money_format(int64_t cents, char *buf, unsigned len);

#endif

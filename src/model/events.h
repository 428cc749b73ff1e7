/* Pathway events the model reports to its observers (the funding layer, statistics).
 * The model schedules them; observers only look. */
#ifndef ES_MODEL_EVENTS_H
#define ES_MODEL_EVENTS_H

#include <stdint.h>

typedef enum es_milestone {
    ES_MS_INTAKE,        /* a client arrives through any door */
    ES_MS_ASSESSED,      /* common assessment done, stream assigned */
    ES_MS_SERVICE_START, /* a caseload place is taken */
    ES_MS_SERVICE_END,   /* services completed, plan closed */
    ES_MS_JOB_START,
    ES_MS_EMPLOYED_3M,   /* still employed 3 months after job start */
    ES_MS_JOB_LOSS,
    ES_MS_RENEGE,        /* gave up while waiting */
    ES_MS_COUNT
} es_milestone;

/* Names used in funding files and outputs, indexed by es_milestone. */
extern const char *const es_milestone_names[ES_MS_COUNT];
/* Returns the milestone for a name, or -1. */
int es_milestone_by_name(const char *name);

typedef struct es_model_event {
    es_milestone kind;
    double time;        /* days since the scenario start */
    uint64_t client_id; /* 1-based, unique within a replication */
    int stream;
    int catchment;
    int provider;
} es_model_event;

typedef void (*es_observer_fn)(const es_model_event *ev, void *ctx);

#endif

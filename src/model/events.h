/* Pathway events the model reports to its observers (the funding layer, statistics).
 * The model schedules them; observers only look. */
#ifndef ES_MODEL_EVENTS_H
#define ES_MODEL_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

typedef enum es_milestone {
    ES_MS_INTAKE,             /* a client arrives through any door */
    ES_MS_ASSESSED,           /* common assessment done, stream assigned */
    ES_MS_PLAN_AGREED,        /* a service plan opens at a provider (service starts) */
    ES_MS_SERVICE_START = ES_MS_PLAN_AGREED,
    ES_MS_SERVICE_END,        /* the plan closes (any reason but opened in error) */
    ES_MS_TRAINING_COMPLETED,
    ES_MS_JOB_START,
    ES_MS_EMPLOYED_1M,        /* employed 1, 3, 6, 12 months after the job start */
    ES_MS_EMPLOYED_3M,
    ES_MS_EMPLOYED_6M,
    ES_MS_EMPLOYED_12M,
    ES_MS_INCOME_SUPPORT_EXIT,  /* an OW or ODSP client in work leaves income support */
    ES_MS_JOB_LOSS,
    ES_MS_RENEGE,             /* gave up while waiting */
    ES_MS_REASSESSED,
    ES_MS_TRANSFER,           /* changed provider, with written consent */
    ES_MS_SUBSIDISED_HIRE,    /* a job start with a wage subsidy paid to the employer */
    ES_MS_SUBSIDY_END,        /* the subsidy stops: its months are over or the job ended */
    ES_MS_REEMPLOYED,         /* a client who lost a job after services starts another (no service) */
    ES_MS_FOLLOW_UP,          /* employment status 1, 3, 6 or 12 months after the first job start:
                               * in any job, after churn, as evaluations measure it */
    ES_MS_INCOME_SUPPORT_RETURN, /* a client who left income support is back on it */
    ES_MS_PERIOD,             /* a month begins for a live provider (or catchment, provider -1) */
    ES_MS_COUNT
} es_milestone;

/* Priority groups (bits of es_model_event.groups): the groups the seeds name, reported apart. */
typedef enum es_group {
    ES_GROUP_DISABILITY,
    ES_GROUP_FRANCOPHONE,
    ES_GROUP_INDIGENOUS,
    ES_GROUP_YOUTH, /* aged 15 to 24 */
    ES_GROUP_NEWCOMER,
    ES_GROUP_SOCIAL_ASSISTANCE, /* on OW or ODSP */
    ES_NGROUPS
} es_group;
extern const char *const es_group_names[ES_NGROUPS];

/* Names used in funding files and outputs, indexed by es_milestone. */
extern const char *const es_milestone_names[ES_MS_COUNT];
/* Returns the milestone for a name, or -1. */
int es_milestone_by_name(const char *name);

/* Why a service plan closed (EOIS-CaMS closure reasons). */
typedef enum es_closure {
    ES_CLOSE_EMPLOYED,
    ES_CLOSE_TRAINING,
    ES_CLOSE_UNEMPLOYED,
    ES_CLOSE_OTHER,
    ES_CLOSE_UNKNOWN,
    ES_CLOSE_IN_ERROR,
    ES_NCLOSURES
} es_closure;

extern const char *const es_closure_names[ES_NCLOSURES];

/* A service plan's goal (EOIS-CaMS); its sub-goals are the services the plan holds. */
typedef enum es_goal { ES_GOAL_EMPLOYMENT, ES_GOAL_TRAINING, ES_GOAL_EDUCATION, ES_NGOALS } es_goal;
extern const char *const es_goal_names[ES_NGOALS];

typedef struct es_model_event {
    es_milestone kind;
    double time;        /* days since the scenario start */
    uint64_t client_id; /* 1-based, unique within a replication */
    int stream;
    int catchment;
    int provider;       /* global provider index */
    int site;           /* global site index, -1 before routing */
    int source;         /* ES_SRC_* */
    int true_stream;    /* intake: the stream of the client's true need */
    int channel;        /* intake: the door the client came through */
    int previous_stream; /* reassessed: the stream before */
    bool returning;     /* intake: back after a job loss, not a new arrival */
    bool parked;        /* plan_agreed: the provider parks the client (creaming) */
    bool disability, rural;
    uint8_t groups;     /* client events: the client's priority groups, bit es_group */
    bool funded;        /* employed_*: meets the scenario's rule (funding models decide anew) */
    bool wage_ok;       /* job events: wage at or above the minimum wage of the day */
    bool subsidised;    /* job events: the placement is (or was) wage-subsidised */
    bool stacked;       /* job events: two jobs held together (job stacking) */
    bool subsidy_running; /* employed_*: the checkpoint falls inside the subsidy period */
    double hours;       /* job events: hours a week */
    double primary_hours; /* job events: hours of the main job (less than hours when stacked) */
    double wage;        /* job events: hourly wage, model currency */
    double since_arrival_days; /* plan_agreed: the wait, since the intake or the transfer;
                                * job_start: days since the intake of the episode */
    double intake_days; /* client events: when the client's current episode began (its intake;
                         * a transfer does not change it): its cohort, for warm-up deletion */
    int closure;        /* service_end: why the plan closed (es_closure) */
    int goal;           /* client events: the goal of the client's plan (es_goal) */
    bool permanent;     /* job events: the job is permanent */
    bool own_job;       /* job_start: found by the client's own search, not through services */
    bool deadweight;    /* job_start and employed_*: the first job at the end of the client's
                         * first episode, which it would have had that day without the service
                         * (impact.c) */
    double months;      /* service_end: months the plan lasted; subsidy events: months subsidised */
    double staff_hours; /* period: staff hours the provider worked in the month just ended */
    int checkpoint;     /* follow_up: 0..3 for 1, 3, 6, 12 months after the first job start */
    bool employed;      /* follow_up: in a job (the first or a later one) at the checkpoint */
    bool continuous;    /* follow_up: still in the first job (as employed_Xm) */
    int capacity;       /* period: the provider's (or catchment's) caseload places */
} es_model_event;

typedef void (*es_observer_fn)(const es_model_event *ev, void *ctx);

#endif

/* es_sim: the simulation run object — clock, event calendar and event handlers.
 *
 * The clock is a double (the caller picks the unit; essim's model uses days).  Events are
 * (time, type, data) triples; `type` selects a handler registered with es_sim_register(),
 * `data` is the handler's own 64-bit payload (an index, a packed pair, ...).  Events at equal
 * times run in the order they were scheduled.  All state hangs off the es_sim object, so
 * several runs can proceed side by side in one process.
 */
#ifndef ES_SIM_H
#define ES_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/calq.h"

typedef struct es_sim es_sim;

typedef struct es_event {
    double time;
    uint64_t data;
    uint32_t type;
    es_handle handle;
} es_event;

typedef void (*es_handler)(es_sim *sim, const es_event *ev, void *ctx);

#define ES_SIM_MAX_TYPES 64

struct es_sim {
    es_calq calendar;
    double now;
    uint64_t events_done;
    bool stopped;
    /* While a handler runs, its event still sits at the calendar's root and this is its
     * handle (0 otherwise): the handler's first schedule replaces it (one sift-down when it
     * falls in the calendar's current bucket) rather than a pop and a push, the commonest pattern in a model made cheaper. */
    es_handle running;
    uint32_t ntypes;
    es_handler handlers[ES_SIM_MAX_TYPES];
    void *ctxs[ES_SIM_MAX_TYPES];
};

int es_sim_init(es_sim *sim, size_t calendar_hint);
void es_sim_destroy(es_sim *sim);
/* Clears the calendar and the clock; handlers stay registered. */
void es_sim_reset(es_sim *sim);

/* Registers a handler and returns its event type (>= 0), or -1 when the table is full. */
int es_sim_register(es_sim *sim, es_handler handler, void *ctx);

/* Schedules an event at absolute time `at` (never before now).  `handle` may be NULL.  When
 * the calendar cannot grow (ES_ENOMEM) the run also stops, so that a handler that does not
 * check the result cannot go on with an event missing: the caller sees `stopped`. */
static inline int es_sim_schedule_at(es_sim *sim, double at, uint32_t type, uint64_t data,
                                     es_handle *handle)
{
    if (at < sim->now)
        at = sim->now;
    int rc;
    if (sim->running) {
        sim->running = 0;
        rc = es_calq_replace_top(&sim->calendar, at, type, data, handle, NULL);
    } else {
        rc = es_calq_push(&sim->calendar, at, type, data, handle);
    }
    if (rc)
        sim->stopped = true;
    return rc;
}

static inline int es_sim_schedule(es_sim *sim, double delay, uint32_t type, uint64_t data,
                                  es_handle *handle)
{
    return es_sim_schedule_at(sim, sim->now + delay, type, data, handle);
}

/* Cancels a pending event; ES_ENOENT when it already ran or was cancelled. */
int es_sim_cancel(es_sim *sim, es_handle handle);

/* Runs events until the calendar is empty, es_sim_stop() is called, or the next event lies
 * after `until`; the clock then reads `until` (or the stop time).  Returns the number of
 * events run. */
uint64_t es_sim_run(es_sim *sim, double until);
void es_sim_stop(es_sim *sim);

static inline double es_sim_now(const es_sim *sim) { return sim->now; }
static inline size_t es_sim_pending(const es_sim *sim)
{
    return es_calq_size(&sim->calendar) - (sim->running != 0);
}

#endif

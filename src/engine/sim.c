#include "engine/sim.h"

#include "engine/error.h"

int es_sim_init(es_sim *sim, size_t calendar_hint)
{
    *sim = (es_sim){0};
    return es_calq_init(&sim->calendar, calendar_hint);
}

void es_sim_destroy(es_sim *sim)
{
    es_calq_destroy(&sim->calendar);
}

void es_sim_reset(es_sim *sim)
{
    es_calq_reset(&sim->calendar);
    sim->now = 0.0;
    sim->events_done = 0;
    sim->stopped = false;
    sim->running = 0;
}

int es_sim_register(es_sim *sim, es_handler handler, void *ctx)
{
    if (sim->ntypes >= ES_SIM_MAX_TYPES)
        return -1;
    sim->handlers[sim->ntypes] = handler;
    sim->ctxs[sim->ntypes] = ctx;
    return (int)sim->ntypes++;
}

int es_sim_cancel(es_sim *sim, es_handle handle)
{
    if (sim->running && handle == sim->running)
        return ES_ENOENT; /* it has started: too late to cancel */
    return es_calq_remove(&sim->calendar, handle, NULL);
}

void es_sim_stop(es_sim *sim)
{
    sim->stopped = true;
}

/* Takes the event whose handler has run off the calendar, unless the handler's first
 * schedule already replaced it. */
static void retire_running(es_sim *sim)
{
    if (sim->running) {
        sim->running = 0;
        es_calq_pop(&sim->calendar, NULL);
    }
}

uint64_t es_sim_run(es_sim *sim, double until)
{
    uint64_t ran = 0;
    sim->stopped = false;
    retire_running(sim); /* when a handler runs the calendar itself */
    es_calq *cal = &sim->calendar;
    const es_pq_item *top;
    while (!sim->stopped && (top = es_calq_peek(cal)) != NULL && top->key <= until) {
        es_event ev = {.time = top->key, .data = top->data, .type = top->tag,
                       .handle = es_calq_top_handle(cal)};
        sim->now = ev.time;
        sim->running = ev.handle;
        sim->handlers[ev.type](sim, &ev, sim->ctxs[ev.type]);
        retire_running(sim);
        ran++;
    }
    if (!sim->stopped && until > sim->now && until < 1e300)
        sim->now = until;
    sim->events_done += ran;
    return ran;
}

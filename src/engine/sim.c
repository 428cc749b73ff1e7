#include "engine/sim.h"

#include "engine/error.h"

int es_sim_init(es_sim *sim, size_t calendar_hint)
{
    *sim = (es_sim){0};
    return es_pq_init(&sim->calendar, calendar_hint);
}

void es_sim_destroy(es_sim *sim)
{
    es_pq_destroy(&sim->calendar);
}

void es_sim_reset(es_sim *sim)
{
    es_pq_reset(&sim->calendar);
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
    return es_pq_remove(&sim->calendar, handle, NULL);
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
        es_pq_pop(&sim->calendar, NULL);
    }
}

uint64_t es_sim_run(es_sim *sim, double until)
{
    uint64_t ran = 0;
    sim->stopped = false;
    retire_running(sim); /* when a handler runs the calendar itself */
    es_pq *cal = &sim->calendar;
    while (!sim->stopped && cal->size > 0 && cal->heap[0].key <= until) {
        const es_pq_item *top = &cal->heap[0];
        uint32_t slot = top->slot;
        es_event ev = {.time = top->key, .data = top->data, .type = top->tag,
                       .handle = ((uint64_t)cal->slots[slot].gen << 32) | ((uint64_t)slot + 1)};
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

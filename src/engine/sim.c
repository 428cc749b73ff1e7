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
    return es_pq_remove(&sim->calendar, handle, NULL);
}

void es_sim_stop(es_sim *sim)
{
    sim->stopped = true;
}

uint64_t es_sim_run(es_sim *sim, double until)
{
    uint64_t ran = 0;
    sim->stopped = false;
    es_pq *cal = &sim->calendar;
    while (!sim->stopped && cal->size > 0 && cal->heap[0].key <= until) {
        es_pq_item it;
        uint32_t slot = cal->heap[0].slot;
        es_handle handle = ((uint64_t)cal->slots[slot].gen << 32) | ((uint64_t)slot + 1);
        es_pq_pop(cal, &it);
        sim->now = it.key;
        es_event ev = {.time = it.key, .data = it.data, .type = it.tag, .handle = handle};
        sim->handlers[it.tag](sim, &ev, sim->ctxs[it.tag]);
        ran++;
    }
    if (!sim->stopped && until > sim->now && until < 1e300)
        sim->now = until;
    sim->events_done += ran;
    return ran;
}

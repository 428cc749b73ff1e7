/* Dated values in the model: a scenario whose keys change on dates (es_params.dated) runs on a
 * copy of its parameters owned by the replication, and each later value is written into the
 * copy by an event on its date.  Every handler reads m->p when its event happens, so it uses
 * the value in force then, without asking for it; the shared es_params is never written (the
 * replications of an experiment run side by side).  A scenario without dated values runs on
 * the shared parameters and schedules nothing. */
#include <stdlib.h>

#include "model/model_internal.h"

int es_dated_params_init(es_model *m)
{
    if (m->p->dated.n == 0)
        return ES_OK;
    es_params *own = malloc(sizeof *own);
    if (!own)
        return ES_ENOMEM;
    *own = *m->p;
    m->own_params = own;
    m->p = own;
    return ES_OK;
}

void es_dated_params_free(es_model *m)
{
    free(m->own_params);
    m->own_params = NULL;
}

/* The event's data: the schedule's index times ES_DATED_MAX_POINTS plus the point's. */
int es_dated_params_schedule(es_model *m)
{
    const es_dated_table *t = &m->p->dated;
    for (int i = 0; i < t->n; i++)
        for (int j = 0; j < t->schedules[i].npoints; j++) {
            double day = t->schedules[i].points[j].day;
            if (day <= 0.0 || day > m->p->horizon_days) /* the field holds the start's value */
                continue;
            uint64_t data = (uint64_t)i * ES_DATED_MAX_POINTS + (uint64_t)j;
            int rc = es_sim_schedule_at(&m->sim, day, (uint32_t)m->ev_dated, data, NULL);
            if (rc)
                return rc;
        }
    return ES_OK;
}

void es_dated_params_on_change(es_sim *sim, const es_event *ev, void *ctx)
{
    (void)sim;
    es_model *m = ctx;
    const es_dated_schedule *s = &m->own_params->dated.schedules[ev->data / ES_DATED_MAX_POINTS];
    es_income_support_accrue(m); /* benefits not paid so far, at the rate before the change */
    es_dated_store(s, &s->points[ev->data % ES_DATED_MAX_POINTS], m->own_params);
    es_intake_refresh_rates(m); /* arrival rates are kept per census division */
}

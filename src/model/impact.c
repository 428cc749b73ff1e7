/* Net impact: each client's employment over the 12 months after its first intake, with the
 * service (its actual path) and without it (its counterfactual), on the client's own random
 * numbers.  The two paths differ only in when the first job starts: without service, when the
 * client's own search is done (own_search.c); with it, when the client actually left services
 * with a job (made by the service, or found alone, later for the time spent in service at
 * lower search intensity), or, for a client who left without one, when its own search,
 * resumed at full intensity, is done.  From the first job on, both follow one spell process
 * (job tenure, then an unemployment spell, then another job...) drawn from the same numbers,
 * so a service that changes nothing leaves a net impact of exactly zero, client by client.
 * A client who left for training or education is taken as out of the labour market for the
 * 12 months (an assumption, docs/calibration.md).  Counted when the first episode ends, for
 * clients whose first intake is at or after the warm-up; a client still waiting or in service
 * at the end has no job before it. */
#include "model/system.h"

#include <math.h>

#include "engine/rng.h"
#include "model/model_internal.h"

static const double impact_months[ES_IMPACT_POINTS] = {3.0, 6.0, 12.0};

/* One path whose first job starts `first` months after the first intake (INFINITY: none in
 * the window): employed or not at 3, 6 and 12 months, months employed in the 12, and employed
 * or not at month `at`. */
static void path(es_model *m, es_client *c, double first, bool status[ES_IMPACT_POINTS],
                 double *months, double at, bool *employed_at)
{
    const es_params *p = m->p;
    const es_stream_params *sp = &p->streams[c->true_stream];
    uint32_t drawn = 0; /* the spell substream from its start, for either path */
    es_rng_entity_bind(m->rng_entity, c->draw_key, ES_DRAW_SPELLS, &drawn);
    for (int k = 0; k < ES_IMPACT_POINTS; k++)
        status[k] = false;
    *months = 0.0;
    *employed_at = false;
    /* the window, and month `at` when it is later (a job start after the 12 months) */
    double until = isfinite(at) ? fmax(12.0, at + 1e-9) : 12.0;
    for (double t = first; t < until;) {
        double end = t + es_followup_months_until(m->rng_entity, sp->retention_3m_prob,
                                                  p->outcomes.separation_shape);
        for (int k = 0; k < ES_IMPACT_POINTS; k++)
            status[k] |= t <= impact_months[k] && impact_months[k] < end;
        /* a job that starts when the client's own search is done is the same job in both
         * paths, whatever the rounding of the clock that found it (1e-9 months: 3 ms) */
        *employed_at |= t <= at + 1e-9 && at < end;
        *months += fmax(0.0, fmin(end, 12.0) - t);
        if (end >= until)
            break;
        t = end + es_followup_months_until(m->rng_entity, 1.0 - sp->reemployment_3m_prob,
                                           p->outcomes.reemployment_shape);
    }
    es_client_rng(m, c, ES_DRAW_SPELLS); /* leave the generator bound to the client */
}

static void count(es_impact_counts *n, const bool with[], const bool without[], double months_with,
                  double months_without, const bool reachable[])
{
    for (int k = 0; k < ES_IMPACT_POINTS; k++)
        if (reachable[k]) {
            n->clients[k]++;
            n->employed[k] += with[k];
            n->employed_without[k] += without[k];
        }
    if (reachable[ES_IMPACT_POINTS - 1]) {
        n->months += months_with;
        n->months_without += months_without;
    }
}

void es_impact_record(es_model *m, es_client *c, double job_days)
{
    if (c->impact_done)
        return;
    c->impact_done = 1;
    c->deadweight = 0;
    const es_params *p = m->p;
    if (c->first_intake_days < p->warmup_days)
        return;
    double first = isfinite(job_days) ? (job_days - c->first_intake_days) / DAYS_PER_MONTH
                                      : INFINITY;
    bool with[ES_IMPACT_POINTS], without[ES_IMPACT_POINTS], reachable[ES_IMPACT_POINTS];
    bool with_at, without_at;
    double months_with, months_without;
    path(m, c, first, with, &months_with, first, &with_at);
    path(m, c, c->own_job_months, without, &months_without, first, &without_at);
    for (int k = 0; k < ES_IMPACT_POINTS; k++)
        reachable[k] = c->first_intake_days + impact_months[k] * DAYS_PER_MONTH <= p->horizon_days;
    count(&m->impact_all, with, without, months_with, months_without, reachable);
    count(&m->impact_stream[c->stream], with, without, months_with, months_without, reachable);
    count(&m->impact_source[c->source], with, without, months_with, months_without, reachable);
    count(&m->impact_cell[c->true_stream][c->stream], with, without, months_with, months_without,
          reachable);
    count(&m->impact_catchment[c->catchment], with, without, months_with, months_without,
          reachable);
    for (int g = 0; g < ES_NGROUPS; g++)
        if (c->groups >> g & 1u)
            count(&m->impact_group[g], with, without, months_with, months_without, reachable);
    /* a job start at exit that the client would have had by then anyway */
    c->deadweight = c->job_at_exit && without_at;
    if (c->job_at_exit) {
        m->impact_stream[c->stream].job_starts++;
        m->impact_stream[c->stream].deadweight += without_at;
        m->impact_all.job_starts++;
        m->impact_all.deadweight += without_at;
    }
}

void es_impact_finish(es_model *m)
{
    for (size_t i = 0; i < m->nclients; i++) {
        es_client *c = &m->clients[i];
        if (c->state != ES_CLIENT_FREE && !c->impact_done)
            es_impact_record(m, c, INFINITY);
    }
}

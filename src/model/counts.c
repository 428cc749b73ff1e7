/* The results observer: the model's counts, kept from the events the model reports, so the
 * event handlers schedule and change state and this file counts.  es_model_notify hands it
 * every event before any other observer sees it (measures.c turns the counts into results).
 *
 * Counts that are the state itself stay with their handlers: the number of clients in
 * follow-up (a live population that decides when the run may stop) and time-weighted integrals
 * such as caseload days, which are updated whenever the state changes, not at events. */
#include "model/system.h"

#include <math.h>

#include "model/calendar.h"
#include "model/model_internal.h"

static void count_service_start(es_model *m, const es_model_event *ev)
{
    double wait = ev->since_arrival_days;
    es_stream_counts *sc = &m->by_stream[ev->stream];
    es_site_state *site = &m->sites[ev->site];
    if (ev->parked)
        sc->parked++;
    sc->served++;
    site->served++;
    if (ev->source == ES_SRC_OW || ev->source == ES_SRC_ODSP || ev->disability)
        site->priority_served++;
    es_tally_add(&sc->wait_days, wait);
    es_tally_add(&site->wait_days, wait);
    es_tally_add(&m->wait_days, wait);
    es_tally_add(&m->waited, wait > 0.0 ? 1.0 : 0.0);
    m->wait_hist[ev->stream][wait < ES_WAIT_HIST_DAYS ? (int)wait : ES_WAIT_HIST_DAYS]++;
}

static void count_job_start(es_model *m, const es_model_event *ev)
{
    const es_params *p = m->p;
    es_stream_counts *sc = &m->by_stream[ev->stream];
    sc->job_starts++;
    for (int k = 0; k < 4; k++)
        if (ev->time + checkpoint_months[k] * DAYS_PER_MONTH <= p->horizon_days) {
            sc->reachable[k]++;
            m->sites[ev->site].reachable[k]++;
        }
    es_tally_add(&sc->days_to_job, ev->since_arrival_days);
    es_tally_add(&m->sites[ev->site].days_to_job, ev->since_arrival_days);
    if (ev->hours >= p->funded_hours_per_week)
        sc->completers_employed_20h++;
    m->months[(int)fmin(m->nmonths - 1, ev->time / DAYS_PER_MONTH)].job_starts++;
}

static void count_checkpoint(es_model *m, const es_model_event *ev)
{
    int k = (int)ev->kind - (int)ES_MS_EMPLOYED_1M;
    es_stream_counts *sc = &m->by_stream[ev->stream];
    sc->employed[k]++;
    if (ev->funded)
        sc->funded[k]++;
    m->sites[ev->site].employed[k]++;
    if (ev->kind == ES_MS_EMPLOYED_3M)
        m->by_source[ev->source].employed_3m++;
}

static void count_intake(es_model *m, const es_model_event *ev)
{
    if (!ev->returning) {
        es_source_counts *src = &m->by_source[ev->source];
        src->arrivals++;
        /* on income support from arrival to the horizon, unless an exit takes days back */
        if (ev->source == ES_SRC_OW || ev->source == ES_SRC_ODSP)
            src->income_support_days += m->p->horizon_days - ev->time;
    } else {
        m->returned++;
    }
    m->arrived++;
    m->confusion[ev->true_stream][ev->stream]++;
    m->by_stream[ev->stream].assessed++;
    m->by_stream[ev->true_stream].true_need++;
    m->channel_count[ev->channel]++;
    int month = (int)(ev->time / DAYS_PER_MONTH);
    if (month < m->nmonths)
        m->months[month].arrivals[ev->stream]++;
}

void es_counts_observe(es_model *m, const es_model_event *ev)
{
    switch (ev->kind) {
    case ES_MS_INTAKE:
        count_intake(m, ev);
        break;
    case ES_MS_REASSESSED:
        m->by_stream[ev->previous_stream].reassessed_out++;
        m->by_stream[ev->stream].reassessed_in++;
        break;
    case ES_MS_PLAN_AGREED:
        count_service_start(m, ev);
        break;
    case ES_MS_RENEGE:
        m->by_stream[ev->stream].reneged++;
        break;
    case ES_MS_TRANSFER:
        m->by_stream[ev->stream].transfers++;
        m->transfers_done++;
        break;
    case ES_MS_JOB_START:
        count_job_start(m, ev);
        break;
    case ES_MS_EMPLOYED_1M:
    case ES_MS_EMPLOYED_3M:
    case ES_MS_EMPLOYED_6M:
    case ES_MS_EMPLOYED_12M:
        count_checkpoint(m, ev);
        break;
    case ES_MS_INCOME_SUPPORT_EXIT:
        m->by_source[ev->source].income_support_exits++;
        /* days on income support are counted from intake to the horizon, so an exit takes
         * back the days it will not be on it */
        m->by_source[ev->source].income_support_days -= m->p->horizon_days - ev->time;
        break;
    case ES_MS_JOB_LOSS:
        m->by_stream[ev->stream].job_losses++;
        break;
    default:
        break;
    }
}

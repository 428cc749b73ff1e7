/* The results observer: the model's counts, kept from the events the model reports, so the
 * event handlers schedule and change state and this file counts.  es_model_notify hands it
 * every event before any other observer sees it (measures.c turns the counts into results).
 *
 * Counts that are the state itself stay with their handlers: the number of clients in
 * follow-up (a live population that decides when the run may stop) and time-weighted integrals
 * such as caseload days, which are updated whenever the state changes, not at events.
 *
 * Warm-up deletion (scenario.warmup_days; docs/experiments.md, "Warm-up") is decided here, by
 * the kind of each count: what happens in the system (intakes, service starts and their waits,
 * reneging, transfers, exits) is counted for events at or after the warm-up; what happens to
 * clients as a cohort (completions, exits and their outcomes, job starts and the days to them,
 * retention checkpoints and employment status, job losses, re-employment, income-support exits) is counted only for clients whose
 * intake (of the current episode) was at or after the warm-up, so numerators and denominators
 * of a rate come from the same clients.  The monthly series keep every month: they are what
 * shows the warm-up.  Without a warm-up (0) every event counts. */
#include "model/system.h"

#include <math.h>

#include "model/calendar.h"
#include "model/model_internal.h"

/* Adds to the counts of each priority group the event's client is in, or of everyone else. */
#define FOR_GROUPS(m, ev, field)                                                                  \
    for (int g_ = 0; g_ < ES_NGROUPS; g_++)                                                       \
    (m)->by_group[g_][((ev)->groups >> g_) & 1u].field++

static void count_service_start(es_model *m, const es_model_event *ev)
{
    double wait = ev->since_arrival_days;
    es_stream_counts *sc = &m->by_stream[ev->stream];
    es_site_state *site = &m->sites[ev->site];
    if (ev->parked)
        sc->parked++;
    sc->served++;
    sc->goal_plans[ev->goal]++;
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
            if (k == 3)
                FOR_GROUPS(m, ev, reachable_12m);
        }
    es_tally_add(&sc->days_to_job, ev->since_arrival_days);
    es_tally_add(&m->sites[ev->site].days_to_job, ev->since_arrival_days);
    if (ev->hours >= p->funded_hours_per_week && !ev->own_job)
        sc->completers_employed_20h++; /* a client who found a job alone did not complete */
    sc->own_job_starts += ev->own_job;
    sc->permanent_job_starts += ev->permanent;
    es_tally_add(&sc->wage_at_start, ev->wage);
}

/* A plan closes: the exit of one of the cohort's clients, and how it left. */
static void count_service_end(es_model *m, const es_model_event *ev)
{
    es_stream_counts *sc = &m->by_stream[ev->stream];
    es_source_counts *src = &m->by_source[ev->source];
    es_site_state *site = &m->sites[ev->site];
    src->closed++;
    site->closed++;
    FOR_GROUPS(m, ev, closed);
    if (ev->closure == ES_CLOSE_EMPLOYED) {
        src->employed_at_exit++;
        site->employed_at_exit++;
        FOR_GROUPS(m, ev, employed_at_exit);
    } else if (ev->closure == ES_CLOSE_TRAINING) {
        sc->training_exits++;
    } else if (ev->closure == ES_CLOSE_OTHER || ev->closure == ES_CLOSE_UNKNOWN) {
        sc->dropped++; /* only a dropout leaves service with these reasons */
    }
}

static bool kept_cohort(const es_model *m, double intake_days)
{
    return intake_days >= m->p->warmup_days;
}

void es_counts_completed(es_model *m, const es_client *c)
{
    if (!kept_cohort(m, c->intake_days))
        return;
    m->by_stream[c->stream].completed++;
    if (c->goal == ES_GOAL_EMPLOYMENT)
        m->by_stream[c->stream].employment_goal_completed++;
}

void es_counts_stay(es_model *m, const es_client *c, double staff_hours)
{
    if (kept_cohort(m, c->intake_days))
        m->by_stream[c->stream].staff_hours += staff_hours;
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
    if (ev->kind == ES_MS_EMPLOYED_12M) {
        FOR_GROUPS(m, ev, employed_12m);
        es_tally_add(&sc->wage_12m, ev->wage);
    }
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
    FOR_GROUPS(m, ev, intakes);
    if (ev->stream == m->p->nstreams - 1)
        FOR_GROUPS(m, ev, highest_need);
    m->confusion[ev->true_stream][ev->stream]++;
    m->by_stream[ev->stream].assessed++;
    m->by_stream[ev->true_stream].true_need++;
    m->channel_count[ev->channel]++;
}

/* The monthly series: every month, warm-up or not. */
static void count_month(es_model *m, const es_model_event *ev)
{
    if (ev->kind == ES_MS_INTAKE) {
        int month = (int)(ev->time / DAYS_PER_MONTH);
        if (month < m->nmonths)
            m->months[month].arrivals[ev->stream]++;
    } else if (ev->kind == ES_MS_JOB_START) {
        m->months[(int)fmin(m->nmonths - 1, ev->time / DAYS_PER_MONTH)].job_starts++;
    }
}

/* Outcomes of the retained cohorts: clients whose intake was at or after the warm-up. */
static void count_cohort(es_model *m, const es_model_event *ev)
{
    switch (ev->kind) {
    case ES_MS_SERVICE_END:
        count_service_end(m, ev);
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
    case ES_MS_INCOME_SUPPORT_RETURN: /* back on it from now to the horizon */
        m->by_source[ev->source].income_support_returns++;
        m->by_source[ev->source].income_support_days += m->p->horizon_days - ev->time;
        break;
    case ES_MS_JOB_LOSS:
        m->by_stream[ev->stream].job_losses++;
        break;
    case ES_MS_FOLLOW_UP:
        if (ev->employed)
            m->by_stream[ev->stream].status_employed[ev->checkpoint]++;
        if (ev->employed && ev->checkpoint == 3)
            FOR_GROUPS(m, ev, status_12m);
        break;
    case ES_MS_REEMPLOYED:
        m->by_stream[ev->stream].reemployed++;
        break;
    default:
        break;
    }
}

/* The daily series, when asked for: every day, warm-up or not. */
static void count_day(es_model *m, const es_model_event *ev)
{
    es_daily_series *d = m->daily;
    int day = (int)ev->time;
    if (day < 0 || day >= d->ndays)
        return;
    if (ev->kind == ES_MS_PLAN_AGREED) {
        d->wait_sum[day] += ev->since_arrival_days;
        d->starts[day]++;
    }
    d->in_system[day] = (double)(m->waiting + m->in_service);
}

void es_counts_observe(es_model *m, const es_model_event *ev)
{
    count_month(m, ev);
    es_cohorts_observe(m, ev); /* whole-run: a cohort is followed whatever the warm-up */
    if (m->daily)
        count_day(m, ev);
    if (ev->kind != ES_MS_PERIOD && kept_cohort(m, ev->intake_days))
        count_cohort(m, ev);
    if (ev->time < m->p->warmup_days)
        return;
    switch (ev->kind) { /* what happens in the system, from the warm-up on */
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
        m->exits_counted++;
        break;
    case ES_MS_SERVICE_END:
        m->exits_counted++;
        break;
    case ES_MS_TRANSFER:
        m->by_stream[ev->stream].transfers++;
        m->transfers_done++;
        break;
    default:
        break;
    }
}

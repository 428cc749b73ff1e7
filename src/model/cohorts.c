/* Intake cohorts: the clients whose episode began in the same fiscal year (April to March),
 * followed to the end of the run, so a cost per outcome can be read from the cohorts whose
 * follow-up is complete instead of from whatever the horizon cut off (issue 14; docs/user-guide
 * "Cohorts").  Counted here from the events: a cohort's intakes and its 12-month checkpoints
 * (employed_12m, whenever they fall), its caseload days in each fiscal year (the weights the
 * funding layer shares the spend that is for no client in particular with), and at the end the
 * clients still waiting, in service or in follow-up. */
#include "model/system.h"

#include <stdio.h>
#include <stdlib.h>

#include "model/calendar.h"
#include "model/model_internal.h"

/* A cohort is complete when no more than this share of its intakes is still open at the end. */
#define ES_COHORT_OPEN_SHARE 0.01

int es_cohorts_init(es_model *m)
{
    size_t n = (size_t)m->nfiscal_years;
    m->cohorts = calloc(n, sizeof *m->cohorts);
    m->cohort_days = calloc(n * n, sizeof *m->cohort_days);
    return m->cohorts && m->cohort_days ? ES_OK : ES_ENOMEM;
}

void es_cohorts_observe(es_model *m, const es_model_event *ev)
{
    if (ev->kind == ES_MS_INTAKE)
        m->cohorts[es_model_fiscal_index(m, ev->time)].intakes++;
    else if (ev->kind == ES_MS_EMPLOYED_12M)
        m->cohorts[es_model_fiscal_index(m, ev->intake_days)].employed_12m++;
}

/* Adds the days in service from `from` to `to` of a client of the cohort of `intake_days` to
 * the fiscal years they fall in. */
static void add_stay(const es_model *m, double *days, double intake_days, double from, double to)
{
    size_t n = (size_t)m->nfiscal_years;
    size_t cohort = (size_t)es_model_fiscal_index(m, intake_days);
    for (int y = es_model_fiscal_index(m, from); from < to; y++) {
        double end = y < m->nfiscal_years - 1 ? m->fiscal.boundary[y] : to;
        if (end > to)
            end = to;
        days[cohort * n + (size_t)y] += end - from;
        from = end;
    }
}

void es_cohorts_stay(es_model *m, const es_client *c, double from, double to)
{
    add_stay(m, m->cohort_days, c->intake_days, from, to);
}

#define ADD(measure, group, value) rc |= es_results_add(r, measure, group, ES_RESULTS_WHOLE_RUN, (double)(value))

int es_cohorts_collect(const es_model *m, es_results *r)
{
    size_t n = (size_t)m->nfiscal_years;
    uint64_t *open = calloc(n ? n : 1, sizeof *open);
    double *days = malloc((n ? n * n : 1) * sizeof *days);
    if (!open || !days) {
        free(open);
        free(days);
        return ES_ENOMEM;
    }
    for (size_t i = 0; i < n * n; i++)
        days[i] = m->cohort_days[i];
    for (size_t i = 0; i < m->nclients; i++) { /* those the run leaves open */
        const es_client *c = &m->clients[i];
        if (c->state == ES_CLIENT_FREE)
            continue;
        open[es_model_fiscal_index(m, c->intake_days)]++;
        if (c->state == ES_CLIENT_IN_SERVICE) /* its stay so far */
            add_stay(m, days, c->intake_days, c->service_start_days, m->sim.now);
    }
    int rc = 0;
    char group[64];
    for (size_t k = 0; k < n; k++) {
        int fy = m->first_fiscal_year + (int)k;
        const es_cohort_counts *cc = &m->cohorts[k];
        snprintf(group, sizeof group, "cohort=%d-%02d", fy, (fy + 1) % 100);
        ADD("cohort_intakes", group, cc->intakes);
        ADD("cohort_employed_12m", group, cc->employed_12m);
        ADD("cohort_open_end", group, open[k]);
        /* complete: at most 1 % of its intakes still open at the end */
        ADD("cohort_complete", group,
            cc->intakes > 0 && (double)open[k] <= ES_COHORT_OPEN_SHARE * (double)cc->intakes);
        for (size_t y = k; y < n; y++) {
            snprintf(group, sizeof group, "cohort=%d-%02d;year=%d-%02d", fy, (fy + 1) % 100,
                     m->first_fiscal_year + (int)y, (m->first_fiscal_year + (int)y + 1) % 100);
            ADD("cohort_caseload_days", group, days[k * n + y]);
        }
    }
    free(open);
    free(days);
    return rc ? ES_ENOMEM : ES_OK;
}

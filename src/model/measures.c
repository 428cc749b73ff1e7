/* The whole-run measures of one replication, collected from the model's counters at the end. */
#include "model/system.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "engine/rng.h"
#include "model/assessment.h"
#include "model/calendar.h"
#include "model/client.h"
#include "model/model_internal.h"

/* ---- results ------------------------------------------------------------------------------ */

static double ratio(double num, double den) { return den > 0.0 ? num / den : 0.0; }

#define ADD(measure, group, value) rc |= es_results_add(r, measure, group, ES_RESULTS_WHOLE_RUN, (double)(value))

static int collect_stream(const es_model *m, es_results *r, const char *group,
                          const es_stream_counts *sc, uint64_t served_total)
{
    int rc = 0;
    uint64_t closed = sc->completed + sc->dropped;
    ADD("clients_assessed", group, sc->assessed);
    ADD("stream_share", group, ratio((double)sc->assessed, (double)m->arrived));
    ADD("true_need_share", group, ratio((double)sc->true_need, (double)m->arrived));
    ADD("clients_served", group, sc->served);
    ADD("services_completed", group, sc->completed);
    ADD("clients_dropped_out", group, sc->dropped);
    ADD("clients_reneged", group, sc->reneged);
    ADD("transfers", group, sc->transfers);
    ADD("training_exits", group, sc->training_exits);
    ADD("job_starts", group, sc->job_starts);
    ADD("employment_rate_at_exit", group, ratio((double)sc->job_starts, (double)closed));
    ADD("employed_20h_at_exit_rate_completers", group,
        ratio((double)sc->completers_employed_20h, (double)sc->employment_goal_completed));
    uint64_t plans = 0;
    for (int g = 0; g < ES_NGOALS; g++)
        plans += sc->goal_plans[g];
    ADD("goal_employment_share", group, ratio((double)sc->goal_plans[ES_GOAL_EMPLOYMENT], (double)plans));
    ADD("goal_training_share", group, ratio((double)sc->goal_plans[ES_GOAL_TRAINING], (double)plans));
    ADD("goal_education_share", group, ratio((double)sc->goal_plans[ES_GOAL_EDUCATION], (double)plans));
    ADD("own_job_share_at_exit", group, ratio((double)sc->own_job_starts, (double)sc->job_starts));
    ADD("permanent_share_at_exit", group,
        ratio((double)sc->permanent_job_starts, (double)sc->job_starts));
    ADD("mean_wage_at_job_start", group, es_tally_mean(&sc->wage_at_start));
    ADD("mean_wage_12m", group, es_tally_mean(&sc->wage_12m));
    static const char *const emp[4] = {"employed_1m", "employed_3m", "employed_6m", "employed_12m"};
    static const char *const rate[4] = {"employed_1m_rate", "employed_3m_rate", "employed_6m_rate",
                                        "employed_12m_rate"};
    static const char *const funded[4] = {"funded_outcomes_1m", "funded_outcomes_3m",
                                          "funded_outcomes_6m", "funded_outcomes_12m"};
    static const char *const status[4] = {"employment_status_1m_rate", "employment_status_3m_rate",
                                          "employment_status_6m_rate",
                                          "employment_status_12m_rate"};
    for (int k = 0; k < 4; k++) {
        ADD(emp[k], group, sc->employed[k]);
        /* of the job starts whose checkpoint falls within the horizon */
        ADD(rate[k], group, ratio((double)sc->employed[k], (double)sc->reachable[k]));
        ADD(funded[k], group, sc->funded[k]);
        ADD(status[k], group, ratio((double)sc->status_employed[k], (double)sc->reachable[k]));
    }
    ADD("job_losses", group, sc->job_losses);
    ADD("reemployments", group, sc->reemployed);
    ADD("reassessed_into", group, sc->reassessed_in);
    ADD("reassessed_out_of", group, sc->reassessed_out);
    ADD("clients_parked", group, sc->parked);
    ADD("parked_share", group, ratio((double)sc->parked, (double)sc->served));
    ADD("stream_staff_hours", group, sc->staff_hours);
    ADD("service_share", group, ratio((double)sc->served, (double)served_total));
    ADD("mean_wait_days", group, es_tally_mean(&sc->wait_days));
    ADD("mean_days_to_job", group, es_tally_mean(&sc->days_to_job));
    return rc;
}

/* Staff hours worked from the warm-up (or the start) to now. */
static double staff_hours_after_warmup(const es_model *m)
{
    double staff = 0.0;
    for (int i = 0; i < m->nproviders; i++)
        staff += es_periods_staff_hours_until(m, i, m->sim.now);
    return staff - m->staff_hours_before_warmup;
}

static void merge_tally(es_tally *into, const es_tally *t)
{
    if (t->n == 0)
        return;
    uint64_t n = into->n + t->n;
    double d = t->mean - into->mean;
    into->m2 += t->m2 + d * d * (double)into->n * (double)t->n / (double)n;
    into->mean += d * (double)t->n / (double)n;
    into->n = n;
}

/* The model's counts of clients by where they are. */
static const es_field_measure client_counts[] = {
    {"clients_arrived", offsetof(es_model, arrived), false},
    {"clients_returned", offsetof(es_model, returned), false},
    {"clients_waiting_end", offsetof(es_model, waiting), false},
    {"clients_in_service_end", offsetof(es_model, in_service), false},
    {"clients_exited", offsetof(es_model, exits_counted), false},
    {"clients_in_follow_up_end", offsetof(es_model, follow_up), false},
};

static int collect_flows(const es_model *m, es_results *r)
{
    int rc = es_results_add_fields(r, client_counts, sizeof client_counts / sizeof client_counts[0], m);
    ADD("peak_active_clients", "all", m->peak_active);
    ADD("plans_opened", "all", m->plans_opened);
    for (int k = 0; k < ES_NCLOSURES; k++)
        ADD("plans_closed", es_closure_names[k], m->plans_closed_by[k]);
    ADD("plans_active_end", "all", m->active_plans);
    ADD("plan_rule_violations", "all", m->plan_violations);
    ADD("transfers_refused_without_consent", "all", m->transfers_refused);
    double staff = staff_hours_after_warmup(m);
    ADD("staff_hours", "all", staff);
    for (int ch = 0; ch < ES_NCHANNELS; ch++)
        ADD("channel_share", es_channel_names[ch], ratio((double)m->channel_count[ch], (double)m->arrived));
    return rc;
}

/* Net impact of one group (impact.c): with the service minus without it. */
static int collect_impact(es_results *r, const char *group, const es_impact_counts *n, bool deadweight)
{
    int rc = 0;
    static const char *const net[ES_IMPACT_POINTS] = {"net_employment_3m", "net_employment_6m",
                                                       "net_employment_12m"};
    for (int k = 0; k < ES_IMPACT_POINTS; k++)
        ADD(net[k], group,
            ratio((double)n->employed[k] - (double)n->employed_without[k], (double)n->clients[k]));
    ADD("employment_after_intake_12m_rate", group,
        ratio((double)n->employed[2], (double)n->clients[2]));
    ADD("counterfactual_employment_12m_rate", group,
        ratio((double)n->employed_without[2], (double)n->clients[2]));
    ADD("additional_employed_12m", group, (double)n->employed[2] - (double)n->employed_without[2]);
    ADD("net_months_employed_12m", group, ratio(n->months - n->months_without, (double)n->clients[2]));
    if (deadweight)
        ADD("deadweight_share", group, ratio((double)n->deadweight, (double)n->job_starts));
    return rc;
}

static int collect_sources(const es_model *m, es_results *r)
{
    int rc = 0;
    uint64_t sa_closed = 0, sa_emp = 0, other_closed = 0, other_emp = 0;
    for (int s = 0; s < ES_NSOURCES; s++) {
        const es_source_counts *sc = &m->by_source[s];
        const char *g = es_source_names[s];
        ADD("clients_arrived", g, sc->arrivals);
        ADD("employment_rate_at_exit", g, ratio((double)sc->employed_at_exit, (double)sc->closed));
        ADD("employed_3m", g, sc->employed_3m);
        bool sa = s == ES_SRC_OW || s == ES_SRC_ODSP;
        if (sa) {
            ADD("income_support_exits", g, sc->income_support_exits);
            ADD("income_support_returns", g, sc->income_support_returns);
            ADD("income_support_returned_share", g,
                ratio((double)sc->income_support_returns, (double)sc->income_support_exits));
            ADD("income_support_saved_cents", g, llround(es_income_support_saved_cents(m, s)));
            ADD("mean_months_on_income_support", g,
                ratio(sc->income_support_days / ES_DAYS_PER_MONTH_AVG, (double)sc->arrivals));
            sa_closed += sc->closed;
            sa_emp += sc->employed_at_exit;
        } else {
            other_closed += sc->closed;
            other_emp += sc->employed_at_exit;
        }
    }
    double sa_rate = ratio((double)sa_emp, (double)sa_closed);
    double other_rate = ratio((double)other_emp, (double)other_closed);
    ADD("employment_rate_at_exit", "social assistance", sa_rate);
    ADD("employment_rate_at_exit", "other clients", other_rate);
    ADD("employment_gap_sa_vs_other", "all", other_rate - sa_rate);
    return rc;
}

static int collect_units(const es_model *m, es_results *r)
{
    const es_params *p = m->p;
    int rc = 0;
    for (int level = 1; level <= 2; level++) {
        int nunits = level == 1 ? m->nproviders : p->ncatchments;
        for (int u = 0; u < nunits; u++) {
            uint64_t served = 0, closed = 0, emp = 0, emp_k[4] = {0}, reach_k[4] = {0}, prio = 0;
            es_tally wait, to_job;
            es_tally_reset(&wait);
            es_tally_reset(&to_job);
            char group[ES_NAME_MAX * 2 + 16] = "";
            for (int i = 0; i < m->nsites; i++) {
                const es_site_state *s = &m->sites[i];
                if ((level == 1 ? s->provider : s->catchment) != u)
                    continue;
                served += s->served;
                closed += s->closed;
                emp += s->employed_at_exit;
                prio += s->priority_served;
                for (int k = 0; k < 4; k++) {
                    emp_k[k] += s->employed[k];
                    reach_k[k] += s->reachable[k];
                }
                merge_tally(&wait, &s->wait_days);
                merge_tally(&to_job, &s->days_to_job);
                const es_catchment_params *cp = &p->catchments[s->catchment];
                if (level == 1)
                    snprintf(group, sizeof group, "provider=%s",
                             cp->providers[s->provider - m->first_provider[s->catchment]].name);
                else
                    snprintf(group, sizeof group, "catchment=%s", cp->name);
            }
            ADD("kpi_clients_served", group, served);
            ADD("kpi_employment_rate_at_exit", group, ratio((double)emp, (double)closed));
            /* of the job starts whose checkpoint falls within the horizon */
            ADD("kpi_employed_3m_rate", group, ratio((double)emp_k[1], (double)reach_k[1]));
            ADD("kpi_employed_6m_rate", group, ratio((double)emp_k[2], (double)reach_k[2]));
            ADD("kpi_employed_12m_rate", group, ratio((double)emp_k[3], (double)reach_k[3]));
            ADD("kpi_mean_days_to_job", group, es_tally_mean(&to_job));
            ADD("kpi_priority_group_share", group, ratio((double)prio, (double)served));
            ADD("kpi_mean_wait_days", group, es_tally_mean(&wait));
            if (level == 1)
                ADD("kpi_replacements", group, m->provider_replacements[u]);
            else
                ADD("kpi_replacements", group, m->ssm_replacements[u]);
        }
    }
    return rc;
}

static int add_labour_measures(es_results *r, const char *group, const es_lm_catchment *lc)
{
    int rc = 0;
    uint64_t filled = lc->filled_by_clients + lc->filled_by_others;
    ADD("registered_employers", group, llround(lc->registered_employers));
    ADD("vacancies_posted", group, lc->posted);
    ADD("vacancies_filled", group, filled);
    ADD("vacancies_filled_by_clients", group, lc->filled_by_clients);
    ADD("vacancies_filled_by_others", group, lc->filled_by_others);
    ADD("vacancies_expired", group, lc->withdrawn);
    ADD("vacancies_open_end", group, lc->open);
    ADD("mean_days_to_fill", group, es_tally_mean(&lc->fill_days));
    ADD("share_filled_by_clients", group, ratio((double)lc->filled_by_clients, (double)filled));
    ADD("job_searches", group, lc->search_started);
    ADD("job_searches_matched", group, lc->search_matched);
    ADD("job_searches_unmatched", group, lc->search_unmatched);
    ADD("clients_searching_end", group, lc->searchers);
    ADD("mean_search_days", group, es_tally_mean(&lc->search_days));
    ADD("subsidised_placements", group, lc->subsidised);
    ADD("stacked_placements", group, lc->stacked_jobs);
    uint64_t counted = 0, refused = 0, unfunded = 0;
    double worst = 0.0;
    for (int k = 0; k < 4; k++) {
        counted += lc->stacked_counted[k];
        refused += lc->stacked_refused[k];
        unfunded += lc->subsidy_unfunded[k];
        worst = fmax(worst, ratio((double)lc->stacked_counted[k], (double)lc->employed_at[k]));
    }
    ADD("stacked_funded_outcomes", group, counted);
    ADD("stacked_outcomes_over_allowance", group, refused);
    ADD("stacked_outcome_share_max", group, worst);
    ADD("subsidised_outcomes_not_funded", group, unfunded);
    return rc;
}

/* Employer-side measures, per catchment and for all: vacancies posted = filled by clients +
 * filled from outside + withdrawn unfilled + open at the end. */
static int collect_labour(const es_model *m, es_results *r)
{
    const es_params *p = m->p;
    const es_labour *l = &m->lm;
    int rc = 0;
    es_lm_catchment all = {0};
    es_tally_reset(&all.fill_days);
    es_tally_reset(&all.search_days);
    for (int c = 0; c < p->ncatchments; c++) {
        char group[ES_NAME_MAX + 16];
        es_lm_catchment lc = l->by_catchment[c];
        uint64_t open, others, withdrawn;
        es_labour_count_open(l, c, m->sim.now, &open, &others, &withdrawn, &lc.fill_days);
        lc.open = open;
        lc.filled_by_others += others;
        lc.withdrawn += withdrawn;
        uint64_t *dst = &all.posted;
        const uint64_t *src = &lc.posted;
        size_t ncounts = (size_t)((const uint64_t *)&lc.fill_days - &lc.posted);
        for (size_t i = 0; i < ncounts; i++)
            dst[i] += src[i];
        merge_tally(&all.fill_days, &lc.fill_days);
        merge_tally(&all.search_days, &lc.search_days);
        all.registered_employers += lc.registered_employers;
        snprintf(group, sizeof group, "catchment=%s", p->catchments[c].name);
        rc |= add_labour_measures(r, group, &lc);
    }
    rc |= add_labour_measures(r, "all", &all);
    for (int i = 0; i < p->labour.nindustries; i++) {
        char group[ES_NAME_MAX + 16];
        snprintf(group, sizeof group, "industry=%s", p->labour.industries[i].name);
        ADD("vacancies_posted", group, l->posted_by_industry[i]);
    }
    ADD("peak_open_vacancies", "all", l->peak_open);
    return rc;
}

/* The waiting-time distribution: the share of service starts after warm-up that came within N
 * days of arrival (waits shorter than N days), for all clients and by stream. */
static int collect_wait_distribution(const es_model *m, es_results *r)
{
    static const int days[] = {1,   7,   14,  21,  28,  35,  42,  49,  56,  63,  70,
                               77,  84,  91,  98,  105, 112, 119, 126, 133, 140, 147,
                               154, 161, 168, 175, 182, 273, 365};
    const es_params *p = m->p;
    int rc = 0;
    for (int s = -1; s < p->nstreams; s++) {
        uint64_t total = 0;
        for (int k = 0; k <= ES_WAIT_HIST_DAYS; k++)
            for (int t = 0; t < p->nstreams; t++)
                if (s < 0 || t == s)
                    total += m->wait_hist[t][k];
        uint64_t within = 0;
        int bin = 0;
        for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
            for (; bin < days[i]; bin++)
                for (int t = 0; t < p->nstreams; t++)
                    if (s < 0 || t == s)
                        within += m->wait_hist[t][bin];
            char group[ES_NAME_MAX + 16];
            snprintf(group, sizeof group, "%s;days=%d", s < 0 ? "all" : p->streams[s].name, days[i]);
            ADD("share_started_within", group, ratio((double)within, (double)total));
        }
    }
    return rc;
}

/* Whether the scenario's clients can be in priority group g (whatever this run drew). */
static bool group_possible(const es_params *p, int g)
{
    const es_client_mix *c = &p->clients;
    switch (g) {
    case ES_GROUP_DISABILITY:
        return c->disability_prob > 0.0 || c->source_share[ES_SRC_ODSP] > 0.0;
    case ES_GROUP_FRANCOPHONE:
        return c->francophone_prob > 0.0;
    case ES_GROUP_INDIGENOUS:
        return c->indigenous_prob > 0.0;
    case ES_GROUP_YOUTH:
        return c->age_share[ES_AGE_15_24] > 0.0;
    case ES_GROUP_NEWCOMER:
        return c->newcomer_prob > 0.0;
    default:
        return c->source_share[ES_SRC_OW] > 0.0 || c->source_share[ES_SRC_ODSP] > 0.0;
    }
}

/* Outcomes by priority group (es_group), each beside everyone else's, for every group the
 * scenario's clients can be in: the gaps are everyone else's rate minus the group's (positive
 * when the group does worse).  As the other rates, 0 when there is no denominator. */
static int collect_groups(const es_model *m, es_results *r)
{
    int rc = 0;
    for (int g = 0; g < ES_NGROUPS; g++) {
        if (!group_possible(m->p, g))
            continue;
        const es_group_counts *in = &m->by_group[g][1], *out = &m->by_group[g][0];
        const char *group = es_group_names[g];
        double exit_in = ratio((double)in->employed_at_exit, (double)in->closed);
        double exit_out = ratio((double)out->employed_at_exit, (double)out->closed);
        double r12_in = ratio((double)in->employed_12m, (double)in->reachable_12m);
        double r12_out = ratio((double)out->employed_12m, (double)out->reachable_12m);
        ADD("group_intakes", group, in->intakes);
        ADD("group_share_of_intakes", group,
            ratio((double)in->intakes, (double)(in->intakes + out->intakes)));
        ADD("group_highest_need_stream_share", group,
            ratio((double)in->highest_need, (double)in->intakes));
        ADD("group_employment_rate_at_exit", group, exit_in);
        ADD("group_employed_12m_rate", group, r12_in);
        ADD("group_employment_status_12m_rate", group,
            ratio((double)in->status_12m, (double)in->reachable_12m));
        ADD("group_gap_at_exit", group, in->closed && out->closed ? exit_out - exit_in : 0.0);
        ADD("group_gap_12m", group,
            in->reachable_12m && out->reachable_12m ? r12_out - r12_in : 0.0);
    }
    return rc;
}

int es_model_collect(const es_model *m, es_results *r)
{
    const es_params *p = m->p;
    double now = m->sim.now;
    int rc = collect_flows(m, r);

    es_stream_counts all = {0};
    es_tally_reset(&all.wait_days);
    es_tally_reset(&all.days_to_job);
    es_tally_reset(&all.wage_at_start);
    es_tally_reset(&all.wage_12m);
    for (int s = 0; s < p->nstreams; s++) {
        const es_stream_counts *sc = &m->by_stream[s];
        uint64_t *dst = &all.assessed;
        const uint64_t *src = &sc->assessed;
        size_t ncounts = (size_t)((const uint64_t *)&sc->wait_days - &sc->assessed);
        for (size_t i = 0; i < ncounts; i++)
            dst[i] += src[i];
        merge_tally(&all.days_to_job, &sc->days_to_job);
        merge_tally(&all.wage_at_start, &sc->wage_at_start);
        merge_tally(&all.wage_12m, &sc->wage_12m);
        all.staff_hours += sc->staff_hours;
    }
    all.wait_days = m->wait_days;
    rc |= collect_stream(m, r, "all", &all, all.served);
    ADD("prob_wait", "all", es_tally_mean(&m->waited));
    for (int s = 0; s < p->nstreams; s++)
        rc |= collect_stream(m, r, p->streams[s].name, &m->by_stream[s], all.served);
    rc |= collect_sources(m, r);
    rc |= collect_impact(r, "all", &m->impact_all, true);
    for (int s = 0; s < p->nstreams; s++)
        rc |= collect_impact(r, p->streams[s].name, &m->impact_stream[s], true);
    for (int s = 0; s < ES_NSOURCES; s++)
        rc |= collect_impact(r, es_source_names[s], &m->impact_source[s], false);
    for (int g = 0; g < ES_NGROUPS; g++)
        if (m->impact_group[g].clients[0] || m->impact_group[g].clients[2])
            rc |= collect_impact(r, es_group_names[g], &m->impact_group[g], false);
    for (int c = 0; c < p->ncatchments; c++) {
        char group[ES_NAME_MAX + 16];
        snprintf(group, sizeof group, "catchment=%s", p->catchments[c].name);
        rc |= collect_impact(r, group, &m->impact_catchment[c], false);
    }
    ADD("own_jobs_while_waiting", "all", m->own_jobs_waiting);
    rc |= es_cohorts_collect(m, r);
    rc |= collect_groups(m, r);
    rc |= collect_wait_distribution(m, r);

    /* utilisation: place-days used over place-days available while each catchment is live */
    double queue = 0.0, busy_days = 0.0, place_days = 0.0;
    for (int i = 0; i < m->nsites; i++) {
        const es_pool *pool = &m->sites[i].pool;
        queue += es_timeavg_mean(&pool->queue_avg, now);
        double from = pool->busy_avg.start;
        busy_days += es_timeavg_mean(&pool->busy_avg, now) * (now - from);
        double live_from = fmax(from, p->catchments[m->sites[i].catchment].start_days);
        place_days += m->sites[i].base_capacity * fmax(0.0, now - live_from);
    }
    ADD("mean_queue_length", "all", queue);
    ADD("utilisation", "all", ratio(busy_days, place_days));
    double staff = staff_hours_after_warmup(m);
    ADD("staff_hours_per_client_served", "all", ratio(staff, (double)all.served));

    uint64_t wrong = 0, replaced = 0, ssm_replaced = 0;
    for (int t = 0; t < p->nstreams; t++)
        for (int a = 0; a < p->nstreams; a++) {
            char group[128]; /* two stream names of at most 31 bytes (the key table) */
            snprintf(group, sizeof group, "true %s, assessed %s", p->streams[t].name,
                     p->streams[a].name);
            ADD("assessment_share", group, ratio((double)m->confusion[t][a], (double)m->arrived));
            const es_impact_counts *n = &m->impact_cell[t][a];
            ADD("net_employment_12m", group,
                ratio((double)n->employed[2] - (double)n->employed_without[2],
                      (double)n->clients[2]));
            if (t != a)
                wrong += m->confusion[t][a];
        }
    ADD("misclassified_share", "all", ratio((double)wrong, (double)m->arrived));
    for (int i = 0; i < m->nproviders; i++)
        replaced += (uint64_t)m->provider_replacements[i];
    for (int c = 0; c < p->ncatchments; c++)
        ssm_replaced += (uint64_t)m->ssm_replacements[c];
    ADD("provider_replacements", "all", replaced);
    ADD("ssm_replacements", "all", ssm_replaced);
    rc |= collect_units(m, r);
    if (m->lm_on)
        rc |= collect_labour(m, r);

    for (int k = 0; k < m->nmonths; k++) {
        es_month_snapshot snap = m->months[k];
        if (k == m->nmonths - 1) {
            snap.waiting = m->waiting;
            snap.in_service = m->in_service;
        }
        uint64_t arrivals = 0;
        for (int s = 0; s < p->nstreams; s++) {
            rc |= es_results_add(r, "arrivals", p->streams[s].name, k, (double)snap.arrivals[s]);
            arrivals += snap.arrivals[s];
        }
        rc |= es_results_add(r, "arrivals", "all", k, (double)arrivals);
        rc |= es_results_add(r, "waiting", "all", k, (double)snap.waiting);
        rc |= es_results_add(r, "in_service", "all", k, (double)snap.in_service);
        rc |= es_results_add(r, "job_starts", "all", k, (double)snap.job_starts);
        rc |= es_results_add(r, "plans_closed", "all", k, (double)snap.plans_closed);
        if (m->lm_on) {
            rc |= es_results_add(r, "vacancies_posted", "all", k, (double)snap.vacancies_posted);
            rc |= es_results_add(r, "vacancies_filled_by_clients", "all", k,
                                 (double)snap.vacancies_filled);
        }
    }
    return rc ? ES_ENOMEM : ES_OK;
}

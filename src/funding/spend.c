/* What a funding model cost in a replication, as output measures: total spend, spend by payer,
 * component, type, stream, source, catchment and month, what limits withheld, cost per client
 * served, per job start and per 12-month outcome; and providers' revenue, costs, margins and
 * cash positions.  Read from the ledger, the funder and the model's own counts.
 *
 * With a warm-up (scenario.warmup_days) the totals are of the part of each payment the funder
 * kept (the ledger's `kept` cells: the cohorts and periods after the warm-up); the monthly
 * series, the payment count, the funder's unpaid totals and the cash positions stay whole-run
 * (docs/experiments.md, "Warm-up"). */
#include "funding/spend.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct spend_filter {
    const es_ledger *l;
    const int64_t *cells; /* the ledger's cents (whole run) or its kept part */
    const es_funding_model *f;
    es_party payer; /* components paid by this party only */
} spend_filter;

/* Sums the ledger over cells the callback selects, for components of the filter's payer. */
static int64_t ledger_sum(const spend_filter *sf, int want_comp, int want_stream, int want_source,
                          int want_catchment, int want_month)
{
    const es_ledger *l = sf->l;
    int64_t total = 0;
    for (int m = 0; m < l->nmonths; m++) {
        if (want_month >= 0 && m != want_month)
            continue;
        for (int c = 0; c < l->ncomponents; c++) {
            es_party payer = c < sf->f->ncomponents ? sf->f->components[c].payer : ES_PARTY_SSM;
            if ((want_comp >= 0 && c != want_comp) || (want_comp < 0 && payer != sf->payer))
                continue;
            for (int s = 0; s <= l->nstreams; s++) {
                if (want_stream >= 0 && s != want_stream)
                    continue;
                for (int src = 0; src <= ES_NSOURCES; src++) {
                    if (want_source >= 0 && src != want_source)
                        continue;
                    for (int k = 0; k < l->ncatchments; k++)
                        if (want_catchment < 0 || k == want_catchment)
                            total += sf->cells[es_ledger_cell(l, m, c, s, src, k)];
                }
            }
        }
    }
    return total;
}

static double per(double total, double count) { return count > 0 ? total / count : 0.0; }

#define ADD(measure, group, value) rc |= es_results_add(r, measure, group, ES_RESULTS_WHOLE_RUN, (double)(value))

int es_spend_provider_cash_measures(es_results *r, const es_finance *fin, const es_params *p)
{
    int rc = 0;
    int64_t revenue = 0, cost = 0, peak_need = 0;
    int provider = 0;
    for (int c = 0; c < p->ncatchments; c++)
        for (int j = 0; j < p->catchments[c].nproviders; j++, provider++) {
            int64_t cash = 0, lowest = 0;
            int64_t rev = fin->kept_revenue[provider], cst = fin->kept_cost[provider];
            for (int m = 0; m < fin->nmonths; m++) { /* the cash position: whole run */
                size_t cell = (size_t)provider * (size_t)fin->nmonths + (size_t)m;
                cash += fin->revenue[cell] - fin->cost[cell];
                if (cash < lowest)
                    lowest = cash;
            }
            revenue += rev;
            cost += cst;
            peak_need += -lowest;
            char group[ES_NAME_MAX + 16];
            snprintf(group, sizeof group, "provider=%s", p->catchments[c].providers[j].name);
            ADD("kpi_revenue_cents", group, rev);
            ADD("kpi_cost_cents", group, cst);
            ADD("kpi_margin", group, rev > 0 ? (double)(rev - cst) / (double)rev : 0.0);
            ADD("kpi_peak_working_capital_cents", group, -lowest);
        }
    ADD("provider_revenue_cents", "all", revenue);
    ADD("provider_cost_cents", "all", cost);
    ADD("provider_margin", "all", revenue > 0 ? (double)(revenue - cost) / (double)revenue : 0.0);
    ADD("provider_peak_working_capital_cents", "all", peak_need);
    for (int m = 0; m < fin->nmonths; m++) {
        int64_t cash_month = 0;
        for (int k = 0; k < fin->nproviders; k++)
            cash_month += fin->revenue[(size_t)k * (size_t)fin->nmonths + (size_t)m] -
                          fin->cost[(size_t)k * (size_t)fin->nmonths + (size_t)m];
        rc |= es_results_add(r, "provider_net_cash_flow_cents", "all", m, (double)cash_month);
    }
    return rc ? ES_ENOMEM : ES_OK;
}

/* Whether a party pays anything under the model: the payer of a component, or the SSM that
 * releases holdbacks. */
static bool may_pay(const es_funding_model *f, es_party k)
{
    if (k == ES_PARTY_SSM && f->holdback_share > 0.0)
        return true;
    for (int c = 0; c < f->ncomponents; c++)
        if (f->components[c].payer == k)
            return true;
    return false;
}

/* The funder's totals of money priced but not paid as priced: unearned, capped, refused,
 * reversed, withheld, or falling due after the run. */
static const es_field_measure unpaid_totals[] = {
    {"performance_unearned_cents", offsetof(es_funder, performance_unearned_cents), true},
    {"capped_cents", offsetof(es_funder, capped_cents), true},
    {"over_budget_cents", offsetof(es_funder, over_budget_cents), true},
    {"clawed_back_cents", offsetof(es_funder, clawed_back_cents), true},
    {"holdback_unreleased_cents", offsetof(es_funder, holdback_unreleased_cents), true},
    {"due_after_horizon_cents", offsetof(es_funder, due_after_horizon_cents), true},
};

/* The top payer's spend on each intake cohort (model/cohorts.c): what it paid for the cohort's
 * clients, plus a share of what it paid for no client in particular (block grants, periods,
 * pots, holdback releases) in each fiscal year, by the cohort's share of that year's caseload
 * days; and its cost per 12-month outcome.  That of the latest cohort whose follow-up is
 * complete does not depend on where the run stops, unlike spend over the run / 12-month
 * outcomes reached in it (docs/user-guide.md, "Cohorts"). */
static int cohort_measures(es_results *r, const es_funder *fd, es_party payer)
{
    int rc = 0;
    int n = fd->nfiscal_years;
    const int64_t *client = &fd->cohort_cents[(size_t)payer * (size_t)n];
    const int64_t *shared = &fd->shared_cents[(size_t)payer * (size_t)n];
    char group[64];
    /* days[j * n + y]: cohort j's caseload days in fiscal year y (0 when not recorded), and
     * year[y]: every cohort's, summed over j in order */
    double *days = calloc((size_t)n * (size_t)n + (size_t)n, sizeof *days);
    if (!days)
        return ES_ENOMEM;
    double *year = days + (size_t)n * (size_t)n;
    for (int y = 0; y < n; y++)
        for (int j = 0; j <= y; j++) {
            snprintf(group, sizeof group, "cohort=%d-%02d;year=%d-%02d",
                     fd->first_fiscal_year + j, (fd->first_fiscal_year + j + 1) % 100,
                     fd->first_fiscal_year + y, (fd->first_fiscal_year + y + 1) % 100);
            double *d = &days[(size_t)j * (size_t)n + (size_t)y];
            es_results_get(r, "cohort_caseload_days", group, d);
            year[y] += *d;
        }
    double complete_spend = 0.0, complete_employed = 0.0, latest = 0.0;
    int ncomplete = 0, latest_year = 0;
    for (int k = 0; k < n; k++) {
        int fy = fd->first_fiscal_year + k;
        double intakes, employed12, complete;
        snprintf(group, sizeof group, "cohort=%d-%02d", fy, (fy + 1) % 100);
        if (es_results_get(r, "cohort_intakes", group, &intakes) != 0)
            break; /* the model's cohorts end with the run */
        es_results_get(r, "cohort_employed_12m", group, &employed12);
        es_results_get(r, "cohort_complete", group, &complete);
        double spend = (double)client[k];
        for (int y = k; y < n; y++)
            if (year[y] > 0.0)
                spend += (double)shared[y] * days[(size_t)k * (size_t)n + (size_t)y] / year[y];
        spend = (double)llround(spend);
        ADD("cohort_spend_cents", group, spend);
        ADD("cohort_cost_per_employed_12m_cents", group, per(spend, employed12));
        if (complete > 0.0) {
            ncomplete++;
            complete_spend += spend;
            complete_employed += employed12;
            latest = per(spend, employed12);
            latest_year = fy;
        }
    }
    free(days);
    ADD("complete_cohorts", "all", ncomplete);
    ADD("latest_complete_cohort", "all", latest_year);
    ADD("cost_per_employed_12m_latest_cohort_cents", "all", latest);
    ADD("cost_per_employed_12m_complete_cohorts_cents", "all",
        per(complete_spend, complete_employed));
    return rc;
}

int es_spend_measures(es_results *r, const es_ledger *l, const es_funding_model *f,
                      const es_funder *fd, const es_params *p)
{
    int rc = 0;
    es_party top = es_funding_top_payer(f);
    spend_filter sf = {.l = l, .cells = l->kept, .f = f, .payer = top};
    double total = (double)l->kept_by_payer_cents[top];
    ADD("total_spend_cents", "all", total);
    ADD("payments", "all", l->npayments);
    for (int k = 0; k < ES_NPARTIES; k++) /* by the model's payers, not by who paid this time */
        if (may_pay(f, (es_party)k))
            ADD("spend_by_payer_cents", es_party_names[k], l->kept_by_payer_cents[k]);
    for (int c = 0; c < f->ncomponents; c++)
        ADD("spend_cents", f->components[c].name, ledger_sum(&sf, c, -1, -1, -1, -1));
    ADD("spend_cents", "holdback_release", ledger_sum(&sf, f->ncomponents, -1, -1, -1, -1));
    for (int t = 0; t < ES_NCOMPONENT_TYPES; t++) {
        int64_t by_type = 0;
        for (int c = 0; c < f->ncomponents; c++)
            if (f->components[c].type == (es_component_type)t && f->components[c].payer == top)
                by_type += ledger_sum(&sf, c, -1, -1, -1, -1);
        ADD("spend_by_type_cents", es_component_type_names[t], by_type);
    }
    for (int s = 0; s < p->nstreams; s++)
        ADD("spend_by_stream_cents", p->streams[s].name, ledger_sum(&sf, -1, s, -1, -1, -1));
    ADD("spend_by_stream_cents", "not client-specific", ledger_sum(&sf, -1, p->nstreams, -1, -1, -1));
    static const char *const sources[] = {"EO", "OW", "ODSP", "none"};
    for (int s = 0; s < ES_NSOURCES; s++)
        ADD("spend_by_source_cents", sources[s], ledger_sum(&sf, -1, -1, s, -1, -1));
    for (int k = 0; k < p->ncatchments; k++)
        ADD("spend_by_catchment_cents", p->catchments[k].name, ledger_sum(&sf, -1, -1, -1, k, -1));
    int64_t performance = 0;
    for (int c = 0; c < f->ncomponents; c++)
        if (f->components[c].payer == ES_PARTY_PROVINCE && f->components[c].type == ES_COMP_OUTCOME)
            performance += ledger_sum(&sf, c, -1, -1, -1, -1);
    ADD("ssm_performance_payments_cents", "all", performance);
    for (int c = 0; c < f->ncomponents; c++)
        if (f->components[c].payer == ES_PARTY_PROVINCE && f->components[c].type == ES_COMP_PERFORMANCE)
            performance += ledger_sum(&sf, c, -1, -1, -1, -1);
    ADD("ssm_performance_funding_cents", "all", performance);
    rc |= es_results_add_fields(r, unpaid_totals, sizeof unpaid_totals / sizeof unpaid_totals[0], fd);
    double served = 0, starts = 0, employed12 = 0;
    es_results_get(r, "clients_served", "all", &served);
    es_results_get(r, "job_starts", "all", &starts);
    es_results_get(r, "employed_12m", "all", &employed12);
    ADD("cost_per_client_served_cents", "all", per(total, served));
    ADD("cost_per_job_start_cents", "all", per(total, starts));
    ADD("cost_per_employed_12m_cents", "all", per(total, employed12));
    /* outcome payments for jobs the client would have had anyway (model/impact.c) */
    ADD("deadweight_outcome_payments_cents", "all", fd->deadweight_cents[top]);
    /* per job at 12 months the service added (net of what clients would have had alone) */
    double additional = 0;
    if (es_results_get(r, "additional_employed_12m", "all", &additional) == 0)
        ADD("cost_per_additional_employed_12m_cents", "all", per(total, additional));
    rc |= cohort_measures(r, fd, top);
    /* what the top payer spent (the whole run) per dollar of income support not paid while
     * clients were off it (model/income_support.c; gross, not net of what would have happened
     * without the service) */
    double saved_ow = 0.0, saved_odsp = 0.0;
    if (es_results_get(r, "income_support_saved_cents", "OW", &saved_ow) == 0 &&
        es_results_get(r, "income_support_saved_cents", "ODSP", &saved_odsp) == 0 &&
        saved_ow + saved_odsp > 0.0)
        ADD("spend_per_dollar_income_support_saved", "all",
            (double)l->by_payer_cents[top] / (saved_ow + saved_odsp));
    /* by stream: the stream's own payments plus its share (by clients served) of what is paid
     * for no client in particular (block grants, operational funding) */
    double shared = (double)ledger_sum(&sf, -1, p->nstreams, -1, -1, -1);
    for (int s = 0; s < p->nstreams; s++) {
        double e12 = 0, stream_served = 0;
        es_results_get(r, "employed_12m", p->streams[s].name, &e12);
        es_results_get(r, "clients_served", p->streams[s].name, &stream_served);
        double own = (double)ledger_sum(&sf, -1, s, -1, -1, -1);
        ADD("cost_per_employed_12m_cents", p->streams[s].name,
            per(own + shared * per(stream_served, served), e12));
    }
    sf.cells = l->cents; /* the monthly series show the warm-up: whole run */
    for (int m = 0; m < l->nmonths; m++) {
        for (int c = 0; c <= f->ncomponents; c++)
            rc |= es_results_add(r, "spend_cents",
                                 c < f->ncomponents ? f->components[c].name : "holdback_release", m,
                                 (double)ledger_sum(&sf, c, -1, -1, -1, m));
    }
    return rc ? ES_ENOMEM : ES_OK;
}

#undef ADD

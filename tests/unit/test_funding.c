/* The funding layer, case by case with amounts worked out by hand: multipliers rounded once
 * half to even, partial outcomes, contract-year multipliers, lags, yearly caps, holdbacks,
 * clawbacks, block grants; and on a real run: caps never exceeded, payments never before their
 * events, and identical client flows whatever the funding model. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "api/internal.h"
#include "engine/stats.h"
#include "model/calendar.h"

static es_params params;

static void setup_params(void)
{
    memset(&params, 0, sizeof params);
    params.start_year = 2021;
    params.start_month = 1;
    params.start_day = 1;
    params.horizon_days = 1000.0;
    params.nstreams = 2;
    params.ncatchments = 1;
    params.catchments[0].nproviders = 2;
    params.funded_hours_per_week = 20.0; /* the funding models' default rule reads it */
}

static void plain(es_funding_model *fm)
{
    memset(fm, 0, sizeof *fm);
    fm->cad_per_unit = 1.0;
    fm->adjust_disability = fm->adjust_rural = 1.0;
    for (int s = 0; s < ES_NSOURCES; s++)
        fm->adjust_source[s] = 1.0;
}

static es_component component(es_component_type type, es_milestone event, int64_t a, int64_t b)
{
    return (es_component){.name = "c", .type = type, .event = event, .payer = ES_PARTY_SSM,
                          .payee = ES_PARTY_PROVIDER, .amount_cents = {a, b}, .partial_share = 0.5};
}

typedef struct fixture {
    es_funding_model fm;
    es_ledger ledger;
    es_finance finance;
    es_funder funder;
    es_payment rows[64];
    int nrows;
} fixture;

static void keep_row(const es_payment *p, void *ctx)
{
    fixture *f = ctx;
    if (f->nrows < 64)
        f->rows[f->nrows++] = *p;
}

static void start(fixture *f)
{
    setup_params();
    assert_int_equal(es_ledger_init(&f->ledger, 40, f->fm.ncomponents + 1, 2, 1), ES_OK);
    assert_int_equal(es_finance_init(&f->finance, 2, 40), ES_OK);
    assert_int_equal(es_funder_init(&f->funder, &f->fm, &params, &f->ledger, &f->finance), ES_OK);
    f->ledger.sink = keep_row;
    f->ledger.sink_ctx = f;
    f->nrows = 0;
}

static void stop(fixture *f)
{
    es_funder_destroy(&f->funder);
    es_finance_destroy(&f->finance);
    es_ledger_destroy(&f->ledger);
}

static void event(fixture *f, es_model_event ev)
{
    if (ev.client_id == 0)
        ev.client_id = 1;
    es_funder_observe(&ev, &f->funder);
}

static void multipliers_round_once_half_to_even(void **state)
{
    (void)state;
    static fixture f;
    plain(&f.fm);
    f.fm.cad_per_unit = 0.5;      /* a foreign model */
    f.fm.adjust_disability = 1.5; /* complex needs */
    f.fm.ncomponents = 1;
    f.fm.components[0] = component(ES_COMP_MILESTONE, ES_MS_JOB_START, 10001, 10003);
    f.fm.components[0].adjusted = true;
    start(&f);
    /* 10001 x 0.5 x 1.5 = 7500.75 -> 7501; one rounding, not two (5000.5 -> 5000, x1.5 = 7500) */
    event(&f, (es_model_event){.kind = ES_MS_JOB_START, .time = 10, .stream = 0, .disability = true});
    /* 10003 x 0.5 = 5001.5 -> 5002 (half to even) */
    event(&f, (es_model_event){.kind = ES_MS_JOB_START, .time = 11, .stream = 1});
    assert_int_equal(f.nrows, 2);
    assert_int_equal(f.rows[0].amount_cents, 7501);
    assert_int_equal(f.rows[1].amount_cents, 5002);
    stop(&f);
}

static void partial_outcomes_and_unfunded_jobs(void **state)
{
    (void)state;
    static fixture f;
    plain(&f.fm);
    f.fm.ncomponents = 1;
    f.fm.components[0] = component(ES_COMP_OUTCOME, ES_MS_EMPLOYED_3M, 100000, 200000);
    f.fm.components[0].partial_hours = 15.0;
    f.fm.components[0].partial_share = 0.25;
    start(&f);
    es_model_event ev = {.kind = ES_MS_EMPLOYED_3M, .time = 100, .stream = 1, .wage_ok = true};
    ev.funded = true, ev.hours = 30;
    event(&f, ev); /* full: 2000.00 */
    ev.funded = false, ev.hours = 16;
    event(&f, ev); /* partial: 500.00 */
    ev.hours = 10;
    event(&f, ev); /* under partial_hours: nothing */
    ev.hours = 16, ev.wage_ok = false;
    event(&f, ev); /* under the minimum wage: nothing */
    assert_int_equal(f.nrows, 2);
    assert_int_equal(f.rows[0].amount_cents, 200000);
    assert_int_equal(f.rows[1].amount_cents, 50000);
    stop(&f);
}

static void lags_date_payments_after_events(void **state)
{
    (void)state;
    static fixture f;
    plain(&f.fm);
    f.fm.ncomponents = 1;
    f.fm.components[0] = component(ES_COMP_FIXED, ES_MS_INTAKE, 1000, 1000);
    f.fm.components[0].lag_days = 45.0;
    start(&f);
    event(&f, (es_model_event){.kind = ES_MS_INTAKE, .time = 100});
    event(&f, (es_model_event){.kind = ES_MS_INTAKE, .time = 990}); /* due after the horizon */
    assert_int_equal(f.nrows, 1);
    assert_true(f.rows[0].date_days == 145.0 && f.rows[0].event_days == 100.0);
    assert_int_equal(f.funder.due_after_horizon_cents, 1000);
    stop(&f);
}

static void yearly_cap_is_never_exceeded(void **state)
{
    (void)state;
    static fixture f;
    plain(&f.fm);
    f.fm.ncomponents = 1;
    f.fm.components[0] = component(ES_COMP_FIXED, ES_MS_INTAKE, 40000, 40000);
    f.fm.provider_cap_per_year_cents = 100000; /* $1,000 a fiscal year */
    start(&f);
    for (int i = 0; i < 4; i++) /* fiscal year 2020-21 (Jan-Mar 2021) */
        event(&f, (es_model_event){.kind = ES_MS_INTAKE, .time = 10 + i, .provider = 0});
    event(&f, (es_model_event){.kind = ES_MS_INTAKE, .time = 20, .provider = 1}); /* other provider */
    event(&f, (es_model_event){.kind = ES_MS_INTAKE, .time = 100, .provider = 0}); /* 2021-22 */
    int64_t provider0_year1 = 0;
    for (int i = 0; i < f.nrows; i++)
        if (f.rows[i].provider == 0 && f.rows[i].date_days < 90)
            provider0_year1 += f.rows[i].amount_cents;
    assert_int_equal(provider0_year1, 100000);          /* 400 + 400 + 200, then nothing */
    assert_int_equal(f.funder.capped_cents, 60000);     /* 200 + 400 cut */
    assert_int_equal(f.ledger.total_cents, 100000 + 40000 + 40000);
    stop(&f);
}

static void yearly_budget_refuses_claims_beyond_it(void **state)
{
    (void)state;
    static fixture f;
    plain(&f.fm);
    f.fm.ncomponents = 1;
    f.fm.components[0] = component(ES_COMP_FLOW_THROUGH, ES_MS_SERVICE_END, 30000, 30000);
    f.fm.components[0].per_month_of_service = true;
    f.fm.components[0].cap_per_client_cents = 100000;  /* $1,000 a client */
    f.fm.components[0].budget_per_year_cents = 150000; /* $1,500 a catchment-year */
    f.fm.components[0].payee = ES_PARTY_CLIENT;
    start(&f);
    event(&f, (es_model_event){.kind = ES_MS_SERVICE_END, .time = 10, .months = 2.0});  /* 600 */
    event(&f, (es_model_event){.kind = ES_MS_SERVICE_END, .time = 20, .months = 5.0});  /* 1500 -> cap 1000 */
    event(&f, (es_model_event){.kind = ES_MS_SERVICE_END, .time = 30, .months = 1.0});  /* 300: budget leaves 0 */
    event(&f, (es_model_event){.kind = ES_MS_SERVICE_END, .time = 100, .months = 1.0}); /* next year: 300 */
    assert_int_equal(f.nrows, 3);
    assert_int_equal(f.rows[0].amount_cents, 60000);
    assert_int_equal(f.rows[1].amount_cents, 90000); /* 1000 capped, 900 left in the budget */
    assert_int_equal(f.rows[2].amount_cents, 30000);
    assert_int_equal(f.funder.over_budget_cents, 10000 + 30000);
    assert_true(f.rows[0].payee == ES_PARTY_CLIENT && f.rows[0].provider == -1);
    stop(&f);
}

static void holdback_is_released_next_fiscal_year(void **state)
{
    (void)state;
    static fixture f;
    plain(&f.fm);
    f.fm.ncomponents = 1;
    f.fm.components[0] = component(ES_COMP_FIXED, ES_MS_INTAKE, 10000, 10000);
    f.fm.holdback_share = 0.1;
    start(&f);
    event(&f, (es_model_event){.kind = ES_MS_INTAKE, .time = 10, .provider = 1});
    event(&f, (es_model_event){.kind = ES_MS_INTAKE, .time = 20, .provider = 1});
    assert_int_equal(f.ledger.total_cents, 18000);
    /* 1 April 2021 is day 90: the first period of fiscal year 2021-22 releases $20 */
    event(&f, (es_model_event){.kind = ES_MS_PERIOD, .time = 90, .provider = 1, .capacity = 0});
    assert_int_equal(f.ledger.total_cents, 20000);
    assert_int_equal(f.rows[f.nrows - 1].component, f.fm.ncomponents); /* holdback release */
    assert_int_equal(f.rows[f.nrows - 1].amount_cents, 2000);
    event(&f, (es_model_event){.kind = ES_MS_INTAKE, .time = 100, .provider = 1});
    es_funder_finish(&f.funder);
    assert_int_equal(f.funder.holdback_unreleased_cents, 1000);
    stop(&f);
}

/* With a warm-up the measures keep a client's payments by its cohort and a month's block grant
 * by the share of the month after the warm-up; a holdback release keeps what was kept of what
 * it holds.  The ledger's amounts do not change. */
static void warmup_keeps_cohorts_and_pro_rated_periods(void **state)
{
    (void)state;
    static fixture f;
    plain(&f.fm);
    f.fm.ncomponents = 2;
    f.fm.components[0] = component(ES_COMP_FIXED, ES_MS_INTAKE, 10000, 10000);
    f.fm.components[1] = component(ES_COMP_BLOCK, ES_MS_PERIOD, 120000, 120000); /* $100 a month */
    f.fm.holdback_share = 0.1;
    start(&f);
    params.warmup_days = 15.0;
    /* the month [0, 30.4375) keeps 15.4375 / 30.4375: 9000 paid -> 4564.68 -> 4565, 1000 held -> 507 */
    event(&f, (es_model_event){.kind = ES_MS_PERIOD, .time = 0, .provider = 1, .capacity = 1});
    /* a client who came before the warm-up, then one after it: 9000 paid and 1000 held each */
    event(&f, (es_model_event){.kind = ES_MS_INTAKE, .time = 20, .intake_days = 10, .provider = 1});
    event(&f, (es_model_event){.kind = ES_MS_INTAKE, .time = 20, .intake_days = 20, .client_id = 2,
                               .provider = 1});
    assert_int_equal(f.ledger.total_cents, 27000);
    assert_int_equal(f.ledger.kept_by_payer_cents[ES_PARTY_SSM], 4565 + 0 + 9000);
    /* day 90 releases the 3000 held, of which 507 + 0 + 1000 are kept */
    event(&f, (es_model_event){.kind = ES_MS_PERIOD, .time = 90, .provider = 1, .capacity = 0});
    assert_int_equal(f.rows[f.nrows - 1].amount_cents, 3000);
    assert_int_equal(f.rows[f.nrows - 1].kept_cents, 1507);
    assert_int_equal(f.ledger.total_cents, 30000);
    assert_int_equal(f.ledger.kept_by_payer_cents[ES_PARTY_SSM], 15072);
    assert_int_equal(f.finance.kept_revenue[1], 15072);
    stop(&f);
}

static void clawback_nets_to_zero(void **state)
{
    (void)state;
    static fixture f;
    plain(&f.fm);
    f.fm.ncomponents = 2;
    f.fm.components[0] = component(ES_COMP_MILESTONE, ES_MS_JOB_START, 50000, 50000);
    f.fm.components[0].clawback_days = 60.0;
    f.fm.components[1] = component(ES_COMP_FIXED, ES_MS_INTAKE, 7000, 7000);
    start(&f);
    /* client 1 loses the job after 30 days: the job-start payment is reversed */
    event(&f, (es_model_event){.kind = ES_MS_INTAKE, .time = 1, .client_id = 1});
    event(&f, (es_model_event){.kind = ES_MS_JOB_START, .time = 50, .client_id = 1});
    event(&f, (es_model_event){.kind = ES_MS_JOB_LOSS, .time = 80, .client_id = 1});
    /* client 2 loses it after 70 days: kept */
    event(&f, (es_model_event){.kind = ES_MS_JOB_START, .time = 50, .client_id = 2});
    event(&f, (es_model_event){.kind = ES_MS_JOB_LOSS, .time = 120, .client_id = 2});
    assert_int_equal(es_ledger_component_total(&f.ledger, 0), 50000);
    assert_int_equal(f.ledger.total_cents, 57000);
    assert_int_equal(f.funder.clawed_back_cents, 50000);
    const es_payment *rev = &f.rows[2];
    assert_int_equal(rev->amount_cents, -50000);
    assert_true(rev->event == ES_MS_JOB_LOSS && rev->date_days == 80.0);
    stop(&f);
}

static void reversal_never_precedes_its_payment(void **state)
{
    (void)state;
    static fixture f;
    plain(&f.fm);
    f.fm.ncomponents = 1;
    f.fm.components[0] = component(ES_COMP_MILESTONE, ES_MS_JOB_START, 50000, 50000);
    f.fm.components[0].clawback_days = 60.0;
    f.fm.components[0].lag_days = 20.0;
    start(&f);
    event(&f, (es_model_event){.kind = ES_MS_JOB_START, .time = 50, .client_id = 3});
    event(&f, (es_model_event){.kind = ES_MS_JOB_LOSS, .time = 55, .client_id = 3});
    assert_int_equal(f.nrows, 2);
    assert_true(f.rows[0].date_days == 70.0);
    assert_true(f.rows[1].date_days == 70.0 && f.rows[1].amount_cents == -50000);
    assert_true(f.rows[1].date_days >= f.rows[1].event_days);
    assert_int_equal(f.ledger.total_cents, 0);
    stop(&f);
}

static void block_grants_and_costs_per_period(void **state)
{
    (void)state;
    static fixture f;
    plain(&f.fm);
    f.fm.ncomponents = 2;
    f.fm.components[0] = component(ES_COMP_BLOCK, ES_MS_PERIOD, 120000, 120000); /* $1,200/place/yr */
    f.fm.components[1] = component(ES_COMP_BLOCK, ES_MS_PERIOD, 60000, 60000);
    f.fm.components[1].payer = ES_PARTY_PROVINCE;
    f.fm.components[1].payee = ES_PARTY_SSM;
    start(&f);
    params.staff_cost_per_hour = 50.0;
    params.overhead_per_place_per_month = 10.0;
    /* a catchment-level period (SSM operational funding) and a provider-level one */
    event(&f, (es_model_event){.kind = ES_MS_PERIOD, .time = 0, .provider = -1, .capacity = 30});
    event(&f, (es_model_event){.kind = ES_MS_PERIOD, .time = 0, .provider = 0, .capacity = 10});
    event(&f, (es_model_event){.kind = ES_MS_PERIOD, .time = 30.4375, .provider = 0,
                               .capacity = 10, .staff_hours = 4.0});
    assert_int_equal(f.nrows, 3);
    assert_int_equal(f.rows[0].amount_cents, 150000); /* 600 x 30 / 12 */
    assert_true(f.rows[0].payee == ES_PARTY_SSM && f.rows[0].provider == -1);
    assert_int_equal(f.rows[1].amount_cents, 100000); /* 1200 x 10 / 12 */
    assert_int_equal(f.finance.revenue[0], 100000);
    assert_int_equal(f.finance.revenue[1], 100000);
    assert_int_equal(f.finance.cost[0], 10000 + 20000); /* overhead 10 x 10, staff 4 h x 50 */
    assert_int_equal(f.finance.cost[1], 10000);
    stop(&f);
}

static void performance_pot_paid_by_kpi_score(void **state)
{
    (void)state;
    static fixture f;
    plain(&f.fm);
    f.fm.ncomponents = 1;
    f.fm.components[0] = component(ES_COMP_PERFORMANCE, ES_MS_PERIOD, 120000, 120000);
    f.fm.components[0].payer = ES_PARTY_PROVINCE;
    f.fm.components[0].payee = ES_PARTY_SSM;
    f.fm.components[0].nkpis = 2;
    f.fm.components[0].kpis[0] = (es_kpi_term){ES_KPI_EMPLOYMENT_AT_EXIT, 0.5, 0.8};
    f.fm.components[0].kpis[1] = (es_kpi_term){ES_KPI_PRIORITY_SHARE, 0.5, 0.4};
    start(&f);
    /* fiscal year 2020-21 runs January to March 2021 here: 3 months of 12 places = 3 place-years */
    for (int month = 0; month < 3; month++)
        event(&f, (es_model_event){.kind = ES_MS_PERIOD, .time = month * 30.0, .provider = -1,
                                   .capacity = 12});
    for (int i = 0; i < 10; i++) {
        event(&f, (es_model_event){.kind = ES_MS_PLAN_AGREED, .time = 5, .client_id = (uint64_t)i + 1,
                                   .source = i < 5 ? ES_SRC_OW : ES_SRC_EO});
        event(&f, (es_model_event){.kind = ES_MS_SERVICE_END, .time = 60, .client_id = (uint64_t)i + 1});
        if (i < 6)
            event(&f, (es_model_event){.kind = ES_MS_JOB_START, .time = 60, .client_id = (uint64_t)i + 1});
    }
    assert_int_equal(f.nrows, 0); /* nothing until the year is over */
    /* employment 6/10 against 0.8: 0.75 x 0.5; priority 5/10 against 0.4: capped at 1 x 0.5 */
    event(&f, (es_model_event){.kind = ES_MS_PERIOD, .time = 90, .provider = -1, .capacity = 12});
    assert_int_equal(f.nrows, 1);
    assert_int_equal(f.rows[0].amount_cents, 315000); /* 1200 x 3 x 0.875 */
    assert_true(f.rows[0].payer == ES_PARTY_PROVINCE && f.rows[0].payee == ES_PARTY_SSM);
    assert_int_equal(f.funder.performance_unearned_cents, 45000);
    event(&f, (es_model_event){.kind = ES_MS_PERIOD, .time = 120, .provider = -1, .capacity = 12});
    assert_int_equal(f.nrows, 1); /* paid once a year */
    stop(&f);
}

/* ---- on a real run --------------------------------------------------------------------------- */

static es_scenario scn;

static void load_scenario(void)
{
    es_error err;
    es_error_clear(&err);
    int rc = es_scenario_load(&scn, SOURCE_DIR "/scenarios/muskoka-kawarthas.cfg", &err);
    if (rc)
        fprintf(stderr, "%s:%d: %s\n", err.file, err.line, err.msg);
    assert_int_equal(rc, ES_OK);
}

static void caps_and_dates_hold_on_a_run(void **state)
{
    (void)state;
    load_scenario();
    es_funding_model *fm = &scn.funding;
    fm->provider_cap_per_year_cents = 50000000; /* $500,000: binds for the larger providers */
    fm->holdback_share = 0.05;
    for (int c = 0; c < fm->ncomponents; c++)
        fm->components[c].lag_days = 30.0;
    es_replication rep;
    es_error err;
    es_error_clear(&err);
    assert_int_equal(es_replication_run(&rep, &scn.params, fm, 1, true, &err), ES_OK);
    assert_true(rep.ledger.npayments > 1000);
    double capped = 0;
    es_results_get(&rep.results, "capped_cents", "all", &capped);
    assert_true(capped > 0);
    /* replay the full ledger: dates, caps per provider and fiscal year */
    rewind(rep.ledger_rows);
    int64_t paid[64][8] = {{0}};
    unsigned r;
    double day, event_day;
    unsigned long long client;
    int comp, ev, stream, source, catchment, provider, payer, payee;
    long long cents;
    int64_t total = 0;
    while (fscanf(rep.ledger_rows, "%u,%lf,%lf,%llu,%d,%d,%d,%d,%d,%d,%d,%d,%lld\n", &r, &day,
                  &event_day, &client, &comp, &ev, &stream, &source, &catchment, &provider,
                  &payer, &payee, &cents) == 13) {
        assert_true(day >= event_day);
        total += cents;
        if (provider >= 0 && comp < fm->ncomponents) {
            int fy = es_fiscal_year_at(2021, 1, 1, day) - 2020;
            paid[provider][fy] += cents;
        }
    }
    assert_int_equal(total, rep.ledger.total_cents);
    for (int p = 0; p < 64; p++)
        for (int y = 0; y < 8; y++)
            assert_true(paid[p][y] <= fm->provider_cap_per_year_cents);
    es_replication_destroy(&rep);
}

/* The fiscal-year table used on the hot path agrees with the civil-calendar computation on
 * every quarter-day of a long run, from starts on and off April 1, clamping outside it. */
static void fiscal_table_matches_calendar(void **state)
{
    (void)state;
    static const int starts[][3] = {{2021, 1, 1}, {2024, 4, 1}, {2023, 3, 31}, {2000, 2, 29}};
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        const int *s = starts[i];
        es_fiscal_years fy;
        es_fiscal_years_init(&fy, s[0], s[1], s[2], 3652.5);
        assert_int_equal(fy.first, es_fiscal_year_at(s[0], s[1], s[2], 0.0));
        assert_int_equal(fy.n, es_fiscal_year_at(s[0], s[1], s[2], 3652.5) - fy.first + 1);
        for (double day = 0.0; day <= 3652.5; day += 0.25)
            assert_int_equal(es_fiscal_index(&fy, day),
                             es_fiscal_year_at(s[0], s[1], s[2], day) - fy.first);
        assert_int_equal(es_fiscal_index(&fy, -5.0), 0);
        assert_int_equal(es_fiscal_index(&fy, 1e6), fy.n - 1);
    }
}

static void compare_keeps_flows_identical(void **state)
{
    (void)state;
    load_scenario();
    const char *files[] = {SOURCE_DIR "/model/funding/ies-thin-slice.cfg",
                           SOURCE_DIR "/tests/data/funding-doubled.cfg",
                           SOURCE_DIR "/model/funding/ies-thin-slice.cfg"};
    static es_comparison cmp;
    es_run_options opt = {.replications = 3, .seed = -1, .jobs = 2};
    es_error err;
    es_error_clear(&err);
    /* the same model twice is refused: names must differ */
    assert_int_equal(es_compare_run(&cmp, &scn, files, 3, &opt, &err), ES_EINVAL);
    es_compare_destroy(&cmp);
    es_error_clear(&err);
    assert_int_equal(es_compare_run(&cmp, &scn, files, 2, &opt, &err), ES_OK);
    for (int r = 0; r < 3; r++) {
        assert_true(cmp.runs[0].reps[r].event_fingerprint == cmp.runs[1].reps[r].event_fingerprint);
        assert_true(cmp.runs[0].reps[r].events == cmp.runs[1].reps[r].events);
        assert_true(cmp.runs[1].reps[r].ledger.total_cents > cmp.runs[0].reps[r].ledger.total_cents);
    }
    assert_true(cmp.runs[0].reps[0].event_fingerprint != cmp.runs[0].reps[1].event_fingerprint);
    es_compare_destroy(&cmp);
}

static double mean_measure(const es_experiment *x, const char *measure, const char *group,
                           double *se)
{
    es_tally t;
    es_tally_reset(&t);
    for (int r = 0; r < x->nreps; r++) {
        double v;
        assert_int_equal(es_results_get(&x->reps[r].results, measure, group, &v), 0);
        es_tally_add(&t, v);
    }
    *se = es_tally_stderr(&t);
    return es_tally_mean(&t);
}

static void behavioural_providers_park_low_paying_clients(void **state)
{
    (void)state;
    load_scenario();
    const char *files[] = {SOURCE_DIR "/tests/data/funding-pays-a.cfg"};
    static es_comparison cmp;
    es_run_options opt = {.replications = 4, .seed = -1, .jobs = 2, .behavioural = true};
    es_error err;
    es_error_clear(&err);
    assert_int_equal(es_compare_run(&cmp, &scn, files, 1, &opt, &err), ES_OK);
    assert_true(cmp.value_by_stream[0][0] > cmp.value_by_stream[0][2]); /* A pays more than C */
    double se_a, se_c, se_acc, se_beh;
    double parked_a = mean_measure(&cmp.runs[0], "parked_share", "A", &se_a);
    double parked_c = mean_measure(&cmp.runs[0], "parked_share", "C", &se_c);
    assert_true(parked_a == 0.0); /* the best-paying stream is never parked */
    assert_true(parked_c > 0.2);
    /* parked clients find fewer jobs: C's employment rate falls by more than 3 standard errors */
    double acc = mean_measure(&cmp.accounting[0], "employment_rate_at_exit", "C", &se_acc);
    double beh = mean_measure(&cmp.runs[0], "employment_rate_at_exit", "C", &se_beh);
    printf("  parked A %.3f C %.3f; C employment %.4f -> %.4f\n", parked_a, parked_c, acc, beh);
    assert_true(acc - beh > 3.0 * hypot(se_acc, se_beh));
    es_compare_destroy(&cmp);

    /* with no elasticity and no intake selection, behavioural flows are the accounting flows */
    scn.params.behaviour.elasticity = 0.0;
    scn.params.behaviour.cream = false;
    es_error_clear(&err);
    assert_int_equal(es_compare_run(&cmp, &scn, files, 1, &opt, &err), ES_OK);
    for (int r = 0; r < 4; r++)
        assert_true(cmp.runs[0].reps[r].event_fingerprint ==
                    cmp.accounting[0].reps[r].event_fingerprint);
    es_compare_destroy(&cmp);
}

/* Amounts the key table allows (1e9 dollars, x100 contract year, x100 currency, x10 x10 x10
 * complex needs) overflowed the 64-bit totals after a few payments: a negative total spend,
 * exit 0.  The funder stops at the payment that would go beyond ES_MONEY_MAX_CENTS. */
static void money_beyond_64_bits_stops_the_funder(void **state)
{
    (void)state;
    int64_t out = 7;
    assert_false(es_money_scale_checked(INT64_C(100000000000), 1e8, &out));
    assert_false(es_money_scale_checked(1, NAN, &out));
    assert_int_equal(out, 7);
    assert_true(es_money_scale_checked(INT64_C(100000000000), 100.0, &out));
    assert_int_equal(out, INT64_C(10000000000000));
    static fixture f;
    plain(&f.fm);
    f.fm.cad_per_unit = 100.0;
    f.fm.adjust_disability = f.fm.adjust_rural = 10.0;
    f.fm.adjust_source[ES_SRC_OW] = 10.0;
    f.fm.ncomponents = 1;
    f.fm.components[0] = component(ES_COMP_FIXED, ES_MS_INTAKE, INT64_C(100000000000),
                                   INT64_C(100000000000));
    f.fm.components[0].adjusted = true;
    f.fm.components[0].nyears = 1;
    f.fm.components[0].year_multiplier[0] = 100.0;
    start(&f);
    for (uint64_t id = 1; id <= 40; id++) /* 1e18 cents each */
        event(&f, (es_model_event){.kind = ES_MS_INTAKE, .time = (double)id, .client_id = id,
                                   .stream = 0, .source = ES_SRC_OW, .disability = true,
                                   .rural = true});
    assert_ptr_equal(es_funder_overflow(&f.funder), &f.fm.components[0]);
    assert_int_equal(f.nrows, 2); /* 2e18 priced; the third would pass 2^61 */
    assert_true(f.ledger.total_cents > 0);
    assert_true(f.funder.priced_cents <= ES_MONEY_MAX_CENTS);
    stop(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(multipliers_round_once_half_to_even),
        cmocka_unit_test(fiscal_table_matches_calendar),
        cmocka_unit_test(partial_outcomes_and_unfunded_jobs),
        cmocka_unit_test(lags_date_payments_after_events),
        cmocka_unit_test(yearly_cap_is_never_exceeded),
        cmocka_unit_test(yearly_budget_refuses_claims_beyond_it),
        cmocka_unit_test(holdback_is_released_next_fiscal_year),
        cmocka_unit_test(clawback_nets_to_zero),
        cmocka_unit_test(reversal_never_precedes_its_payment),
        cmocka_unit_test(block_grants_and_costs_per_period),
        cmocka_unit_test(performance_pot_paid_by_kpi_score),
        cmocka_unit_test(caps_and_dates_hold_on_a_run),
        cmocka_unit_test(compare_keeps_flows_identical),
        cmocka_unit_test(behavioural_providers_park_low_paying_clients),
        cmocka_unit_test(money_beyond_64_bits_stops_the_funder),
        cmocka_unit_test(warmup_keeps_cohorts_and_pro_rated_periods),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

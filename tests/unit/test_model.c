/* The thin-slice model and its funding: conservation at every event, payments worked out by
 * hand, exact price scaling, and identical client flows whatever the prices. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/internal.h"
#include "engine/stats.h"
#include "model/system.h"

static es_scenario scn;

static void load(const char *path)
{
    es_error err;
    es_error_clear(&err);
    int rc = es_scenario_load(&scn, path, &err);
    if (rc)
        fprintf(stderr, "%s:%d: %s\n", err.file, err.line, err.msg);
    assert_int_equal(rc, ES_OK);
}

typedef struct conservation_check {
    const es_model *m;
    uint64_t events, violations;
} conservation_check;

static void check_conservation(const es_model_event *ev, void *ctx)
{
    conservation_check *c = ctx;
    const es_model *m = c->m;
    c->events++;
    if (m->arrived != m->waiting + m->in_service + m->exited) {
        if (c->violations == 0)
            fprintf(stderr, "event %s: arrived %llu != %llu + %llu + %llu\n", es_milestone_names[ev->kind],
                    (unsigned long long)m->arrived, (unsigned long long)m->waiting,
                    (unsigned long long)m->in_service, (unsigned long long)m->exited);
        c->violations++;
    }
    uint64_t queued = 0, busy = 0;
    for (int i = 0; i < m->nsites; i++) {
        queued += es_pool_queue_length(&m->sites[i].pool);
        busy += (uint64_t)m->sites[i].pool.busy;
    }
    if (m->active_plans + (uint64_t)m->npending != m->in_service || m->plan_violations) {
        if (c->violations == 0)
            fprintf(stderr, "event %s: plans %llu in service %llu violations %llu\n",
                    es_milestone_names[ev->kind], (unsigned long long)m->active_plans,
                    (unsigned long long)m->in_service, (unsigned long long)m->plan_violations);
        c->violations++; /* one plan for each client in service (once begun), never two */
    }
    /* every waiting client holds a place in a queue; every client in service a place */
    if (queued != m->waiting || busy != m->in_service) {
        if (c->violations == 0)
            fprintf(stderr, "event %s: queued %llu waiting %llu busy %llu in service %llu\n",
                    es_milestone_names[ev->kind], (unsigned long long)queued,
                    (unsigned long long)m->waiting, (unsigned long long)busy,
                    (unsigned long long)m->in_service);
        c->violations++;
    }
}

static void clients_are_conserved_at_every_event(void **state)
{
    (void)state;
    load(SOURCE_DIR "/scenarios/default.cfg");
    es_model m;
    es_error err;
    es_error_clear(&err);
    assert_int_equal(es_model_init(&m, &scn.params, 1, &err), ES_OK);
    conservation_check c = {.m = &m};
    es_model_add_observer(&m, check_conservation, &c);
    assert_int_equal(es_model_run(&m, &err), ES_OK);
    assert_true(c.events > 100000);
    assert_int_equal(c.violations, 0);
    assert_true(m.by_stream[0].reneged + m.by_stream[1].reneged > 0); /* reneging exercised */
    es_model_destroy(&m);
}

static void payment(es_funder *f, es_milestone kind, double t, int stream)
{
    es_model_event ev = {.kind = kind, .time = t, .client_id = 7, .stream = stream,
                         .funded = true, .wage_ok = true, .hours = 30.0};
    es_funder_observe(&ev, f);
}

/* A one-catchment, no-frills parameter set for pricing tests. */
static void pricing_params(es_params *p)
{
    memset(p, 0, sizeof *p);
    p->start_year = 2021;
    p->start_month = 1;
    p->start_day = 1;
    p->horizon_days = 1000.0;
    p->nstreams = 2;
    p->ncatchments = 1;
    p->catchments[0].nproviders = 1;
    p->funded_hours_per_week = 20.0; /* the funding models' default rule reads it */
}

static void plain_model(es_funding_model *fm)
{
    memset(fm, 0, sizeof *fm);
    fm->cad_per_unit = 1.0;
    fm->adjust_disability = fm->adjust_rural = 1.0;
    for (int s = 0; s < ES_NSOURCES; s++)
        fm->adjust_source[s] = 1.0;
}

static void funder_pays_worked_example(void **state)
{
    (void)state;
    static es_params p;
    pricing_params(&p);
    es_funding_model fm;
    plain_model(&fm);
    fm.ncomponents = 3;
    fm.components[0] = (es_component){.name = "fee", .type = ES_COMP_FIXED, .event = ES_MS_INTAKE,
                                      .payer = ES_PARTY_SSM, .payee = ES_PARTY_PROVIDER,
                                      .amount_cents = {50000, 70000}};
    fm.components[1] = (es_component){.name = "start", .type = ES_COMP_MILESTONE,
                                      .event = ES_MS_JOB_START, .payer = ES_PARTY_SSM,
                                      .payee = ES_PARTY_PROVIDER, .amount_cents = {25000, 40000}};
    fm.components[2] = (es_component){.name = "3m", .type = ES_COMP_OUTCOME,
                                      .event = ES_MS_EMPLOYED_3M, .payer = ES_PARTY_SSM,
                                      .payee = ES_PARTY_PROVIDER, .amount_cents = {34400, 110000}};
    es_ledger l;
    assert_int_equal(es_ledger_init(&l, 12, 4, 2, 1), ES_OK);
    es_funder f;
    assert_int_equal(es_funder_init(&f, &fm, &p, &l, NULL), ES_OK);
    /* client of stream B: intake day 3, job start day 40, 3-month outcome day 131.3 */
    payment(&f, ES_MS_INTAKE, 3.0, 1);
    payment(&f, ES_MS_ASSESSED, 3.0, 1);      /* earns nothing */
    payment(&f, ES_MS_SERVICE_START, 3.0, 1); /* earns nothing */
    payment(&f, ES_MS_JOB_START, 40.0, 1);
    payment(&f, ES_MS_EMPLOYED_3M, 131.3, 1);
    /* client of stream A: intake, then a 3-month job under 20 h/week: no outcome payment */
    payment(&f, ES_MS_INTAKE, 35.0, 0);
    es_model_event unfunded = {.kind = ES_MS_EMPLOYED_3M, .time = 150.0, .client_id = 8,
                               .stream = 0, .funded = false, .wage_ok = true, .hours = 15.0};
    es_funder_observe(&unfunded, &f);
    /* 700.00 + 400.00 + 1100.00 + 500.00 = 2700.00 */
    assert_int_equal(l.total_cents, 270000);
    assert_int_equal(l.npayments, 4);
    assert_int_equal(es_ledger_component_total(&l, 0), 120000);
    assert_int_equal(es_ledger_component_total(&l, 1), 40000);
    assert_int_equal(es_ledger_component_total(&l, 2), 110000);
    /* months of 30.4375 days: day 3 -> month 0, day 35 and 40 -> month 1, day 131.3 -> 4 */
    assert_int_equal(l.cents[es_ledger_cell(&l, 0, 0, 1, 0, 0)], 70000);
    assert_int_equal(l.cents[es_ledger_cell(&l, 1, 0, 0, 0, 0)], 50000);
    assert_int_equal(l.cents[es_ledger_cell(&l, 1, 1, 1, 0, 0)], 40000);
    assert_int_equal(l.cents[es_ledger_cell(&l, 4, 2, 1, 0, 0)], 110000);
    es_funder_destroy(&f);
    es_ledger_destroy(&l);
}

static void currency_conversion_rounds_half_to_even(void **state)
{
    (void)state;
    assert_int_equal(es_money_scale(10005, 0.5), 5002); /* 5002.5 -> 5002 */
    assert_int_equal(es_money_scale(10007, 0.5), 5004); /* 5003.5 -> 5004 */
    assert_int_equal(es_money_scale(-10005, 0.5), -5002);
    assert_int_equal(es_money_scale(12345, 1.0), 12345);
    assert_int_equal(es_money_scale(100000, 1.7), 170000);
    char buf[32];
    assert_string_equal(es_money_format(-5, buf, sizeof buf), "-0.05");
    assert_string_equal(es_money_format(123456, buf, sizeof buf), "1234.56");
    assert_string_equal(es_money_format(INT64_MIN, buf, sizeof buf), "-92233720368547758.08");
}

static void run_default(es_experiment *x)
{
    es_error err;
    es_error_clear(&err);
    es_run_options opt = {.replications = 2, .seed = -1, .jobs = 2};
    assert_int_equal(es_experiment_run(x, &scn, &opt, &err), ES_OK);
}

/* Measures that are sums of payments: they scale with prices, exactly. */
static int is_payment_sum(const char *measure)
{
    return (strncmp(measure, "spend", 5) == 0 && strncmp(measure, "spend_per", 9) != 0) ||
           strcmp(measure, "total_spend_cents") == 0 ||
           strcmp(measure, "provider_revenue_cents") == 0 ||
           strcmp(measure, "kpi_revenue_cents") == 0 ||
           strcmp(measure, "deadweight_outcome_payments_cents") == 0;
}

/* Measures that depend on prices in other ways (ratios, cash positions). */
static int depends_on_prices(const char *measure)
{
    return strstr(measure, "cost_per") || strstr(measure, "margin") ||
           strstr(measure, "cohort_spend") /* shares of block spending, rounded */ ||
           strstr(measure, "spend_per") ||
           strstr(measure, "working_capital") || strstr(measure, "net_cash");
}

/* Runs the default scenario under `model` and under the same model with every amount times k. */
static void run_scaled(const char *model, int k, es_experiment *base, es_experiment *scaled)
{
    load(SOURCE_DIR "/scenarios/default.cfg");
    es_error err;
    es_error_clear(&err);
    assert_int_equal(es_funding_load(&scn.funding, model, &scn.params, &err), ES_OK);
    run_default(base);
    /* every money figure scales: amounts, and the caps and budgets written in money */
    for (int c = 0; c < scn.funding.ncomponents; c++) {
        es_component *comp = &scn.funding.components[c];
        for (int s = 0; s < scn.params.nstreams; s++)
            comp->amount_cents[s] *= k;
        comp->cap_per_client_cents *= k;
        comp->budget_per_year_cents *= k;
    }
    scn.funding.provider_cap_per_year_cents *= k;
    run_default(scaled);
}

static void scaling_prices_scales_payments_exactly(void **state)
{
    (void)state;
    /* no fractional multiplier in this model: every payment scales exactly */
    es_experiment base, scaled;
    const int k = 3;
    run_scaled(SOURCE_DIR "/model/funding/ies-thin-slice.cfg", k, &base, &scaled);
    for (int r = 0; r < base.nreps; r++) {
        const es_results *a = &base.reps[r].results, *b = &scaled.reps[r].results;
        assert_int_equal(a->n, b->n);
        for (size_t i = 0; i < a->n; i++) {
            assert_string_equal(a->obs[i].measure, b->obs[i].measure);
            if (is_payment_sum(a->obs[i].measure))
                assert_true(b->obs[i].value == k * a->obs[i].value); /* exact, in cents */
            else if (!depends_on_prices(a->obs[i].measure))
                assert_true(b->obs[i].value == a->obs[i].value); /* identical flows, costs */
        }
        assert_true(scaled.reps[r].ledger.total_cents == k * base.reps[r].ledger.total_cents);
        assert_true(base.reps[r].ledger.total_cents > 0);
        assert_true(scaled.reps[r].event_fingerprint == base.reps[r].event_fingerprint);
    }
    es_experiment_destroy(&base);
    es_experiment_destroy(&scaled);
}

static void scaling_with_multipliers_stays_within_k_cents(void **state)
{
    (void)state;
    /* the IES model has fractional multipliers (contract years, disability, block per month):
     * each payment is rounded once, so it may differ from k times the original by < k cents */
    es_experiment base, scaled;
    const int k = 7;
    run_scaled(SOURCE_DIR "/model/funding/ies-performance.cfg", k, &base, &scaled);
    for (int r = 0; r < base.nreps; r++) {
        const es_ledger *a = &base.reps[r].ledger, *b = &scaled.reps[r].ledger;
        /* a payment that rounds to 0 cents is not made, so the counts may differ a little */
        int64_t most = a->npayments > b->npayments ? a->npayments : b->npayments;
        assert_true(llabs(b->npayments - a->npayments) * 1000 <= a->npayments);
        int64_t diff = b->total_cents - k * a->total_cents;
        assert_true(llabs(diff) <= (int64_t)k * most);
        assert_true(scaled.reps[r].event_fingerprint == base.reps[r].event_fingerprint);
    }
    es_experiment_destroy(&base);
    es_experiment_destroy(&scaled);
}

static void flows_do_not_depend_on_funding(void **state)
{
    (void)state;
    load(SOURCE_DIR "/scenarios/default.cfg");
    es_experiment with, without;
    run_default(&with);
    scn.has_funding = 0;
    run_default(&without);
    for (int r = 0; r < with.nreps; r++) {
        assert_int_equal(with.reps[r].events, without.reps[r].events);
        const es_results *b = &without.reps[r].results;
        for (size_t i = 0; i < b->n; i++) {
            double v;
            if (b->obs[i].month != ES_RESULTS_WHOLE_RUN)
                continue;
            assert_int_equal(es_results_get(&with.reps[r].results, b->obs[i].measure,
                                            b->obs[i].group, &v), 0);
            assert_true(v == b->obs[i].value);
        }
    }
    es_experiment_destroy(&with);
    es_experiment_destroy(&without);
}

static void replications_differ_and_repeat(void **state)
{
    (void)state;
    load(SOURCE_DIR "/scenarios/default.cfg");
    es_experiment a, b;
    run_default(&a);
    es_run_options serial = {.replications = 2, .seed = -1, .jobs = 1};
    es_error err;
    es_error_clear(&err);
    assert_int_equal(es_experiment_run(&b, &scn, &serial, &err), ES_OK);
    double a1, a2, b1;
    es_results_get(&a.reps[0].results, "clients_arrived", "all", &a1);
    es_results_get(&a.reps[1].results, "clients_arrived", "all", &a2);
    es_results_get(&b.reps[0].results, "clients_arrived", "all", &b1);
    assert_true(a1 != a2); /* replications use different random numbers */
    assert_true(a1 == b1); /* ... and the same ones whatever the number of threads */
    assert_int_equal(a.reps[1].ledger.total_cents, b.reps[1].ledger.total_cents);
    es_experiment_destroy(&a);
    es_experiment_destroy(&b);
}

static double halfwidth(const es_experiment *x, const char *measure)
{
    es_tally t;
    es_tally_reset(&t);
    for (int r = 0; r < x->nreps; r++) {
        double v;
        es_results_get(&x->reps[r].results, measure, "all", &v);
        es_tally_add(&t, v);
    }
    return es_tally_ci_halfwidth(&t, 0.95);
}

static void confidence_intervals_shrink_and_precision_stops(void **state)
{
    (void)state;
    load(SOURCE_DIR "/scenarios/muskoka-kawarthas.cfg");
    es_experiment few, many, precise;
    es_error err;
    es_error_clear(&err);
    es_run_options opt = {.replications = 3, .seed = -1, .jobs = 2};
    assert_int_equal(es_experiment_run(&few, &scn, &opt, &err), ES_OK);
    opt.replications = 12;
    assert_int_equal(es_experiment_run(&many, &scn, &opt, &err), ES_OK);
    const char *measures[] = {"employment_rate_at_exit", "mean_wait_days", "total_spend_cents"};
    for (int i = 0; i < 3; i++)
        assert_true(halfwidth(&many, measures[i]) < halfwidth(&few, measures[i]));
    /* the first replications are the same whatever the count: replication r is seeded by r */
    assert_true(many.reps[2].event_fingerprint == few.reps[2].event_fingerprint);
    /* 10 %: Muskoka-Kawarthas's mean wait is short and uneven (about half a day, a standard
     * deviation of a third of it across replications), so 5 % would take over 100 */
    opt = (es_run_options){.replications = 2, .seed = -1, .jobs = 2, .precision = 0.1,
                           .max_replications = 80};
    assert_int_equal(es_experiment_run(&precise, &scn, &opt, &err), ES_OK);
    assert_true(precise.precision_reached);
    assert_true(precise.nreps >= 2 && precise.nreps < 80);
    for (int i = 0; i < 3; i++) {
        double mean = 0;
        for (int r = 0; r < precise.nreps; r++) {
            double v;
            es_results_get(&precise.reps[r].results, measures[i], "all", &v);
            mean += v / precise.nreps;
        }
        assert_true(halfwidth(&precise, measures[i]) <= 0.1 * fabs(mean));
    }
    /* where --precision stops does not depend on the batch size (here 2 and 5 threads) */
    es_experiment wide;
    opt.jobs = 5;
    assert_int_equal(es_experiment_run(&wide, &scn, &opt, &err), ES_OK);
    assert_int_equal(wide.nreps, precise.nreps);
    assert_true(wide.reps[wide.nreps - 1].event_fingerprint ==
                precise.reps[precise.nreps - 1].event_fingerprint);
    es_experiment_destroy(&wide);
    es_experiment_destroy(&few);
    es_experiment_destroy(&many);
    es_experiment_destroy(&precise);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clients_are_conserved_at_every_event),
        cmocka_unit_test(funder_pays_worked_example),
        cmocka_unit_test(currency_conversion_rounds_half_to_even),
        cmocka_unit_test(scaling_prices_scales_payments_exactly),
        cmocka_unit_test(scaling_with_multipliers_stays_within_k_cents),
        cmocka_unit_test(flows_do_not_depend_on_funding),
        cmocka_unit_test(replications_differ_and_repeat),
        cmocka_unit_test(confidence_intervals_shrink_and_precision_stops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

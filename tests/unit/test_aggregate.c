/* Aggregation by key (src/api/aggregate.c): replications that record different measures, in a
 * different order, still give every summary row the values of its own (measure, group) —
 * never a neighbour's, as a positional summary would — with the measures table's missing
 * rule: a payer that did not pay counts as zero, a rate with no denominator is left out. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "api/aggregate.h"

#define NREPS 3

static void add(es_results *r, const char *measure, const char *group, double v)
{
    assert_int_equal(es_results_add(r, measure, group, ES_RESULTS_WHOLE_RUN, v), ES_OK);
}

/* Replication 1 has no province payment and no rate for stream B; replication 2 records its
 * measures in another order and a monthly value that is not summarised. */
static void build(es_results *reps)
{
    for (int r = 0; r < NREPS; r++)
        es_results_init(&reps[r]);
    add(&reps[0], "clients_arrived", "all", 10);
    add(&reps[0], "spend_by_payer_cents", "ssm", 100);
    add(&reps[0], "employment_rate_at_exit", "A", 0.5);
    add(&reps[0], "employment_rate_at_exit", "B", 0.25);

    add(&reps[1], "clients_arrived", "all", 12);
    add(&reps[1], "spend_by_payer_cents", "ssm", 120);
    add(&reps[1], "employment_rate_at_exit", "A", 0.75);

    assert_int_equal(es_results_add(&reps[2], "arrivals", "all", 0, 4), ES_OK);
    add(&reps[2], "spend_by_payer_cents", "province", 50);
    add(&reps[2], "employment_rate_at_exit", "B", 0.5);
    add(&reps[2], "spend_by_payer_cents", "ssm", 140);
    add(&reps[2], "clients_arrived", "all", 14);
    add(&reps[2], "employment_rate_at_exit", "A", 1.0);
}

static void check_row(const es_aggregate *a, const char *measure, const char *group, uint64_t n,
                      double mean)
{
    long row = es_aggregate_find(a, measure, group);
    assert_true(row >= 0);
    es_tally t;
    es_aggregate_tally(a, (size_t)row, &t);
    assert_int_equal(t.n, n);
    assert_true(fabs(es_tally_mean(&t) - mean) < 1e-12);
}

static void rows_are_keyed_not_positional(void **state)
{
    (void)state;
    es_results reps[NREPS];
    build(reps);
    es_aggregate a;
    es_error err;
    es_error_clear(&err);
    assert_int_equal(es_aggregate_build(&a, reps, sizeof reps[0], NREPS, &err), ES_OK);
    /* order of first appearance: replication 1's, then the province */
    static const char *const order[][2] = {{"clients_arrived", "all"},
                                           {"spend_by_payer_cents", "ssm"},
                                           {"employment_rate_at_exit", "A"},
                                           {"employment_rate_at_exit", "B"},
                                           {"spend_by_payer_cents", "province"}};
    assert_int_equal(a.n, 5); /* the monthly value is not a whole-run row */
    for (size_t i = 0; i < a.n; i++) {
        assert_string_equal(a.rows[i].measure, order[i][0]);
        assert_string_equal(a.rows[i].group, order[i][1]);
    }
    check_row(&a, "clients_arrived", "all", 3, 12.0);
    check_row(&a, "spend_by_payer_cents", "ssm", 3, 120.0);
    check_row(&a, "employment_rate_at_exit", "A", 3, 0.75);
    check_row(&a, "employment_rate_at_exit", "B", 2, 0.375); /* absent in replication 2 */
    check_row(&a, "spend_by_payer_cents", "province", 3, 50.0 / 3); /* paid nothing: zero */
    assert_true(es_aggregate_find(&a, "arrivals", "all") < 0);
    es_aggregate_free(&a);
    for (int r = 0; r < NREPS; r++)
        es_results_destroy(&reps[r]);
}

static void differences_pair_replications_by_key(void **state)
{
    (void)state;
    es_results base[NREPS], model[NREPS];
    build(base);
    build(model);
    for (int r = 0; r < NREPS; r++) /* the model pays the SSM 10 cents more, every replication */
        for (size_t i = 0; i < model[r].n; i++)
            if (strcmp(model[r].obs[i].group, "ssm") == 0)
                model[r].obs[i].value += 10;
    add(&model[0], "provider_margin", "all", 0.1); /* a measure the baseline never records */
    es_aggregate a, b;
    es_error err;
    es_error_clear(&err);
    assert_int_equal(es_aggregate_build(&a, model, sizeof model[0], NREPS, &err), ES_OK);
    assert_int_equal(es_aggregate_build(&b, base, sizeof base[0], NREPS, &err), ES_OK);
    es_tally t;
    long row = es_aggregate_find(&a, "spend_by_payer_cents", "ssm");
    assert_int_equal(es_aggregate_difference(&a, (size_t)row, &b, &t), 0);
    assert_int_equal(t.n, 3);
    assert_true(fabs(es_tally_mean(&t) - 10.0) < 1e-12);
    assert_true(es_tally_var(&t) < 1e-12);
    row = es_aggregate_find(&a, "employment_rate_at_exit", "B");
    assert_int_equal(es_aggregate_difference(&a, (size_t)row, &b, &t), 0);
    assert_int_equal(t.n, 2); /* replication 2 has no rate on either side */
    row = es_aggregate_find(&a, "provider_margin", "all");
    assert_int_equal(es_aggregate_difference(&a, (size_t)row, &b, &t), -1);
    es_aggregate_free(&a);
    /* a side that stopped earlier (--precision in a sweep) pairs over the replications both
     * ran: the first two, whose SSM payments differ by 10 */
    assert_int_equal(es_aggregate_build(&a, model, sizeof model[0], NREPS - 1, &err), ES_OK);
    row = es_aggregate_find(&a, "spend_by_payer_cents", "ssm");
    assert_int_equal(es_aggregate_difference(&a, (size_t)row, &b, &t), 0);
    assert_int_equal(t.n, NREPS - 1);
    assert_true(fabs(es_tally_mean(&t) - 10.0) < 1e-12);
    assert_int_equal(es_aggregate_difference(&b, (size_t)es_aggregate_find(&b, "clients_arrived", "all"), &a, &t), 0);
    assert_int_equal(t.n, NREPS - 1);
    es_aggregate_free(&a);
    es_aggregate_free(&b);
    for (int r = 0; r < NREPS; r++) {
        es_results_destroy(&base[r]);
        es_results_destroy(&model[r]);
    }
}

/* A name recorded twice in one replication stays two rows, as a positional summary had it. */
static void repeats_within_a_replication_stay_apart(void **state)
{
    (void)state;
    es_results reps[2];
    es_error err;
    es_error_clear(&err);
    for (int r = 0; r < 2; r++) {
        es_results_init(&reps[r]);
        add(&reps[r], "job_starts", "all", 1 + r);
        add(&reps[r], "job_starts", "all", 10 + r);
    }
    es_aggregate a;
    assert_int_equal(es_aggregate_build(&a, reps, sizeof reps[0], 2, &err), ES_OK);
    assert_int_equal(a.n, 2);
    es_tally t;
    es_aggregate_tally(&a, 0, &t);
    assert_true(fabs(es_tally_mean(&t) - 1.5) < 1e-12);
    es_aggregate_tally(&a, 1, &t);
    assert_true(fabs(es_tally_mean(&t) - 10.5) < 1e-12);
    es_aggregate_free(&a);
    for (int r = 0; r < 2; r++)
        es_results_destroy(&reps[r]);
}

/* Enough rows to grow the index several times; every row still finds its own values. */
static void many_rows(void **state)
{
    (void)state;
    es_results reps[2];
    es_error err;
    es_error_clear(&err);
    char group[32];
    for (int r = 0; r < 2; r++) {
        es_results_init(&reps[r]);
        for (int k = 0; k < 3000; k++) {
            int j = r == 0 ? k : 2999 - k; /* the second replication in reverse */
            snprintf(group, sizeof group, "provider=P%d", j);
            add(&reps[r], "kpi_clients_served", group, j + r);
        }
    }
    es_aggregate a;
    assert_int_equal(es_aggregate_build(&a, reps, sizeof reps[0], 2, &err), ES_OK);
    assert_int_equal(a.n, 3000);
    for (int k = 0; k < 3000; k += 7) {
        snprintf(group, sizeof group, "provider=P%d", k);
        check_row(&a, "kpi_clients_served", group, 2, k + 0.5);
    }
    es_aggregate_free(&a);
    for (int r = 0; r < 2; r++)
        es_results_destroy(&reps[r]);
}

/* Without `paired`, only each row's tally is kept (memory flat in replications, issue 13): it
 * must be the tally of the kept values bit for bit, missing rule included, in replication order
 * — a row first recorded by a late replication, a row a middle one lacks, a NaN recorded. */
static void unpaired_tallies_equal_the_kept_values(void **state)
{
    (void)state;
    es_results reps[NREPS + 1];
    es_error err;
    es_error_clear(&err);
    build(reps);
    es_results_init(&reps[NREPS]);
    add(&reps[NREPS], "clients_arrived", "all", 0.1);
    add(&reps[NREPS], "employment_rate_at_exit", "A", NAN);
    add(&reps[NREPS], "spend_by_payer_cents", "ssm", 0.3);
    es_aggregate paired, flat;
    assert_int_equal(es_aggregate_build(&paired, reps, sizeof reps[0], NREPS + 1, &err), ES_OK);
    es_aggregate_begin(&flat, NREPS + 1, false);
    for (int r = 0; r <= NREPS; r++)
        assert_int_equal(es_aggregate_add(&flat, r, &reps[r], &err), ES_OK);
    es_aggregate_end(&flat);
    assert_null(flat.values);
    assert_int_equal(flat.n, paired.n);
    for (size_t i = 0; i < paired.n; i++) {
        es_tally want, got;
        es_tally_reset(&want);
        for (int k = 0; k <= NREPS; k++) {
            double v = paired.values[i * (size_t)paired.nreps + (size_t)k];
            if (!isnan(v))
                es_tally_add(&want, v);
        }
        es_aggregate_tally(&flat, i, &got);
        assert_string_equal(flat.rows[i].measure, paired.rows[i].measure);
        assert_int_equal(got.n, want.n);
        assert_memory_equal(&got, &want, sizeof got);
    }
    check_row(&flat, "spend_by_payer_cents", "province", NREPS + 1, 50.0 / (NREPS + 1));
    check_row(&flat, "employment_rate_at_exit", "B", 2, 0.375);
    es_aggregate_free(&paired);
    es_aggregate_free(&flat);
    for (int r = 0; r <= NREPS; r++)
        es_results_destroy(&reps[r]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rows_are_keyed_not_positional),
        cmocka_unit_test(differences_pair_replications_by_key),
        cmocka_unit_test(repeats_within_a_replication_stay_apart),
        cmocka_unit_test(many_rows),
        cmocka_unit_test(unpaired_tallies_equal_the_kept_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

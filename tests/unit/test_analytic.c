/* Analytic validation: essim scenarios that are textbook queues reproduce the closed-form
 * results within 3 standard errors.  The standard error is that of the mean over independent
 * replications (each replication's long-run average is one observation), so the tolerance
 * is 3 * sd / sqrt(R) with R >= 10; a fixed seed makes the test repeatable. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "api/internal.h"
#include "engine/stats.h"

static es_scenario scn;

static void run_scenario(const char *file, es_experiment *x)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", TEST_DATA_DIR, file);
    es_error err;
    es_error_clear(&err);
    int rc = es_scenario_load(&scn, path, &err);
    if (rc)
        fprintf(stderr, "%s:%d: %s\n", err.file, err.line, err.msg);
    assert_int_equal(rc, ES_OK);
    es_run_options opt = {.seed = -1, .jobs = 2};
    assert_int_equal(es_experiment_run(x, &scn, &opt, &err), ES_OK);
    assert_true(x->nreps >= 10);
}

/* The mean over replications of a measure (group all) and its standard error. */
static double rep_mean(const es_experiment *x, const char *measure, double *se)
{
    es_tally t;
    es_tally_reset(&t);
    for (int r = 0; r < x->nreps; r++) {
        double v;
        assert_int_equal(es_results_get(&x->reps[r].results, measure, "all", &v), 0);
        es_tally_add(&t, v);
    }
    *se = es_tally_stderr(&t);
    return es_tally_mean(&t);
}

static void assert_near_theory(const es_experiment *x, const char *measure, double theory)
{
    double se, mean = rep_mean(x, measure, &se);
    printf("  %-18s mean %.5f  theory %.5f  se %.5f  (%.2f se)\n", measure, mean, theory, se,
           fabs(mean - theory) / se);
    assert_true(se > 0.0);
    assert_true(fabs(mean - theory) <= 3.0 * se);
}

static void mm1_matches_theory(void **state)
{
    (void)state;
    es_experiment x;
    run_scenario("mm1.cfg", &x);
    double lambda = 3.0, mu = 5.0, rho = lambda / mu;
    assert_near_theory(&x, "mean_wait_days", rho / (mu - lambda));
    assert_near_theory(&x, "prob_wait", rho);
    assert_near_theory(&x, "mean_queue_length", rho * rho / (1.0 - rho));
    assert_near_theory(&x, "utilisation", rho);
    es_experiment_destroy(&x);
}

/* Erlang C probability of waiting for c servers and offered load a = lambda/mu. */
static double erlang_c(int c, double a)
{
    double term = 1.0, sum = 1.0;
    for (int k = 1; k < c; k++) {
        term *= a / k;
        sum += term;
    }
    double top = term * a / c / (1.0 - a / c);
    return top / (sum + top);
}

static void mmc_matches_erlang_c(void **state)
{
    (void)state;
    double pw = erlang_c(10, 9.0);
    assert_true(fabs(pw - 0.66873) < 5e-5); /* the published value */
    es_experiment x;
    run_scenario("mmc.cfg", &x);
    double wq = pw / (10 * 1.0 - 9.0);
    assert_true(fabs(wq - 0.66873) < 5e-5);
    assert_near_theory(&x, "prob_wait", pw);
    assert_near_theory(&x, "mean_wait_days", wq);
    assert_near_theory(&x, "mean_queue_length", 9.0 * wq); /* Little: Lq = lambda Wq = 6.0186 */
    assert_near_theory(&x, "utilisation", 0.9);
    es_experiment_destroy(&x);
}

static void md1_matches_pollaczek_khinchine(void **state)
{
    (void)state;
    es_experiment x;
    run_scenario("md1.cfg", &x);
    double rho = 0.5, mu = 10.0;
    assert_near_theory(&x, "mean_wait_days", rho / (2.0 * mu * (1.0 - rho)));
    assert_near_theory(&x, "prob_wait", rho);
    es_experiment_destroy(&x);
}

/* Warm-up deletion on every measure: an M/M/1 (lambda 3, mu 5) that starts with 3,000 clients
 * waiting, every client starting a job when service ends.  With the 1,600-day warm-up, time
 * to job (the cohorts that came after it) reads W = 1/(mu - lambda) = 0.5 days within 10 %
 * (the bar) and within 3 standard errors, Wq within 3 standard errors of 0.3.  Without
 * it, the backlog's months of waiting dominate (the bug this guards against: 186 days). */
static void backlog_warmup_reads_steady_state(void **state)
{
    (void)state;
    es_experiment x;
    run_scenario("mm1-backlog.cfg", &x);
    double se, w = rep_mean(&x, "mean_days_to_job", &se);
    printf("  mean_days_to_job   mean %.5f  theory 0.5  se %.5f\n", w, se);
    assert_true(fabs(w - 0.5) <= 0.05);
    assert_near_theory(&x, "mean_days_to_job", 0.5);
    assert_near_theory(&x, "mean_wait_days", 0.3);
    es_experiment_destroy(&x);

    char path[1024];
    snprintf(path, sizeof path, "%s/mm1-backlog.cfg", TEST_DATA_DIR);
    es_error err;
    assert_int_equal(es_scenario_load(&scn, path, &err), ES_OK);
    scn.params.warmup_days = 0.0;
    es_run_options opt = {.seed = -1, .jobs = 2};
    assert_int_equal(es_experiment_run(&x, &scn, &opt, &err), ES_OK);
    w = rep_mean(&x, "mean_days_to_job", &se);
    printf("  without warm-up: mean_days_to_job %.2f\n", w);
    assert_true(w > 10.0);
    es_experiment_destroy(&x);
}

/* --warmup auto on the same queue: MSER-5 on the daily waits and caseload must delete the
 * backlog (it drains at mu - lambda = 2 a day: about 1,500 days) and so read time to job within
 * 10 % and 3 standard errors of 0.5, with a warm-up well inside the first half of the run. */
static void backlog_warmup_auto_finds_the_transient(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/mm1-backlog.cfg", TEST_DATA_DIR);
    es_error err;
    assert_int_equal(es_scenario_load(&scn, path, &err), ES_OK);
    scn.params.warmup_days = 0.0;
    es_run_options opt = {.seed = -1, .jobs = 2, .warmup_auto = true};
    es_experiment x;
    assert_int_equal(es_experiment_run(&x, &scn, &opt, &err), ES_OK);
    double warmup = x.scenario.params.warmup_days, se, w = rep_mean(&x, "mean_days_to_job", &se);
    printf("  --warmup auto: %g days; mean_days_to_job %.5f se %.5f\n", warmup, w, se);
    assert_true(x.warmup_auto);
    assert_true(warmup >= 1400.0 && warmup <= scn.params.horizon_days / 2);
    assert_true(fabs(w - 0.5) <= 0.05);
    assert_near_theory(&x, "mean_days_to_job", 0.5);
    es_experiment_destroy(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mm1_matches_theory),
        cmocka_unit_test(mmc_matches_erlang_c),
        cmocka_unit_test(md1_matches_pollaczek_khinchine),
        cmocka_unit_test(backlog_warmup_reads_steady_state),
        cmocka_unit_test(backlog_warmup_auto_finds_the_transient),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

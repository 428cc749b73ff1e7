/* Statistics: Welford tallies against a two-pass computation, Student-t half-widths against
 * table values, and time-weighted averages on a hand-worked step function. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "engine/mser.h"
#include "engine/stats.h"

static uint64_t test_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double test_uniform(uint64_t *state) { return (double)(test_rand(state) >> 11) * 0x1.0p-53; }

static void assert_close(double got, double want, double rel_tol)
{
    double tol = rel_tol * fabs(want);
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.17g, want %.17g (relative tolerance %g)", got, want, rel_tol);
}

/* Mean and sample variance by two passes in long double: the textbook-accurate reference. */
static void two_pass(const double *x, size_t n, double *mean, double *var)
{
    long double s = 0.0L;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    long double m = s / (long double)n, ss = 0.0L;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - m) * (x[i] - m);
    *mean = (double)m;
    *var = (double)(ss / (long double)(n - 1));
}

static void check_against_two_pass(const double *x, size_t n, double rel_tol)
{
    es_tally t;
    es_tally_reset(&t);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        es_tally_add(&t, x[i]);
        lo = fmin(lo, x[i]);
        hi = fmax(hi, x[i]);
    }
    double mean, var;
    two_pass(x, n, &mean, &var);
    assert_int_equal(t.n, n);
    assert_close(es_tally_mean(&t), mean, 1e-13);
    assert_close(es_tally_var(&t), var, rel_tol);
    assert_close(es_tally_stderr(&t), sqrt(var / (double)n), rel_tol);
    assert_true(t.min == lo);
    assert_true(t.max == hi);
}

static void tally_matches_two_pass_on_random_data(void **state)
{
    (void)state;
    enum { N = 100000 };
    double *x = malloc(N * sizeof *x);
    assert_non_null(x);
    uint64_t rs = 31337;
    /* skewed data of mixed scale */
    for (size_t i = 0; i < N; i++)
        x[i] = -log1p(-test_uniform(&rs)) * 3.0 - 1.0;
    check_against_two_pass(x, N, 1e-11);
    /* a large offset with a small spread: the naive sum-of-squares formula loses every digit
     * here (1e12 against 1), Welford's update keeps them */
    for (size_t i = 0; i < N; i++)
        x[i] = 1e6 + test_uniform(&rs);
    check_against_two_pass(x, N, 1e-7);
    /* a short run */
    check_against_two_pass(x, 3, 1e-9);
    free(x);
}

static void tally_small_counts(void **state)
{
    (void)state;
    es_tally t;
    es_tally_reset(&t);
    assert_int_equal(t.n, 0);
    assert_true(es_tally_mean(&t) == 0.0);
    assert_true(es_tally_var(&t) == 0.0);
    assert_true(es_tally_stderr(&t) == 0.0);
    assert_true(es_tally_ci_halfwidth(&t, 0.95) == 0.0);
    es_tally_add(&t, -4.5);
    assert_true(es_tally_mean(&t) == -4.5);
    assert_true(es_tally_var(&t) == 0.0);
    assert_true(es_tally_ci_halfwidth(&t, 0.95) == 0.0);
    assert_true(t.min == -4.5 && t.max == -4.5);
    es_tally_add(&t, 1.5);
    /* mean -1.5, deviations +-3, variance 18 / 1 */
    assert_true(es_tally_mean(&t) == -1.5);
    assert_true(es_tally_var(&t) == 18.0);
    assert_true(es_tally_stderr(&t) == 3.0);
    assert_true(t.min == -4.5 && t.max == 1.5);
    /* reset forgets everything */
    es_tally_reset(&t);
    es_tally_add(&t, 7.0);
    assert_int_equal(t.n, 1);
    assert_true(es_tally_mean(&t) == 7.0);
    assert_true(t.min == 7.0 && t.max == 7.0);
}

/* Student-t quantiles from tables (six decimals, so 1e-6 slack):
 * t_{0.975,9} = 2.262157, t_{0.95,9} = 1.833113, t_{0.975,1} = 12.706205,
 * t_{0.975,29} = 2.045230. */
static void ci_halfwidth_uses_student_t(void **state)
{
    (void)state;
    es_tally t;
    es_tally_reset(&t);
    for (int i = 1; i <= 10; i++)
        es_tally_add(&t, (double)i);
    /* 1..10: mean 5.5, sum of squared deviations 82.5, variance 82.5 / 9 */
    assert_close(es_tally_var(&t), 82.5 / 9.0, 1e-15);
    double se = sqrt(82.5 / 9.0 / 10.0);
    assert_close(es_tally_stderr(&t), se, 1e-15);
    assert_true(fabs(es_tally_ci_halfwidth(&t, 0.95) / se - 2.262157) < 1e-6);
    assert_true(fabs(es_tally_ci_halfwidth(&t, 0.90) / se - 1.833113) < 1e-6);
    /* hand-multiplied: 2.262157 * 0.957427 = 2.165849 */
    assert_true(fabs(es_tally_ci_halfwidth(&t, 0.95) - 2.165849) < 2e-6);

    es_tally_reset(&t);
    es_tally_add(&t, 0.0);
    es_tally_add(&t, 1.0); /* se = sqrt(0.5 / 2) = 0.5 */
    assert_true(fabs(es_tally_ci_halfwidth(&t, 0.95) / 0.5 - 12.706205) < 1e-6);

    es_tally_reset(&t);
    for (int i = 0; i < 30; i++)
        es_tally_add(&t, (double)(i % 7));
    assert_true(fabs(es_tally_ci_halfwidth(&t, 0.95) / es_tally_stderr(&t) - 2.045230) < 1e-6);
}

/* Step function: 0 on [0,2), 3 on [2,5), 1 on [5,9), 4 from 9.
 * Areas: to 7: 0 + 9 + 2 = 11; to 10: 0 + 9 + 4 + 4 = 17. */
static void timeavg_on_a_step_function(void **state)
{
    (void)state;
    es_timeavg a = {0}; /* reset keeps the current value, so start from a zeroed one */
    es_timeavg_reset(&a, 0.0);
    assert_true(es_timeavg_mean(&a, 0.0) == 0.0); /* empty span: the current value */
    es_timeavg_set(&a, 2.0, 3.0);
    assert_true(es_timeavg_mean(&a, 2.0) == 0.0);
    assert_true(es_timeavg_mean(&a, 4.0) == 6.0 / 4.0);
    es_timeavg_set(&a, 5.0, 100.0);
    es_timeavg_set(&a, 5.0, 1.0); /* a zero-length step adds nothing */
    assert_true(es_timeavg_mean(&a, 7.0) == 11.0 / 7.0);
    es_timeavg_set(&a, 9.0, 4.0);
    assert_true(es_timeavg_mean(&a, 10.0) == 17.0 / 10.0);
    assert_true(es_timeavg_mean(&a, 10.0) == 17.0 / 10.0); /* reading does not change it */
}

/* Warm-up deletion: reset at 5 keeps the value 1 in force; from then, 1 on [5,9), 4 on
 * [9,10): (4 + 4) / 5. */
static void timeavg_reset_deletes_the_warm_up(void **state)
{
    (void)state;
    es_timeavg a = {0};
    es_timeavg_reset(&a, 0.0);
    es_timeavg_set(&a, 2.0, 3.0);
    es_timeavg_set(&a, 5.0, 1.0);
    es_timeavg_reset(&a, 5.0);
    assert_true(es_timeavg_mean(&a, 5.0) == 1.0);
    assert_true(es_timeavg_mean(&a, 7.0) == 1.0);
    es_timeavg_set(&a, 9.0, 4.0);
    assert_true(es_timeavg_mean(&a, 10.0) == 8.0 / 5.0);
    /* a reset between steps, at 9.5: 4 on [9.5,12) */
    es_timeavg_reset(&a, 9.5);
    es_timeavg_set(&a, 12.0, 0.0);
    assert_true(es_timeavg_mean(&a, 14.5) == 10.0 / 5.0);
}

/* MSER-5 cuts a series where its transient ends: 200 observations falling linearly to a
 * steady level, then 800 of small alternating noise around it, truncated within one batch of
 * the 200; a flat series is not truncated; a series still falling in its second half is
 * flagged as not settled. */
static void mser5_truncates_the_transient(void **state)
{
    (void)state;
    double x[1000];
    for (int i = 0; i < 1000; i++)
        x[i] = (i < 200 ? 100.0 * (200 - i) / 200.0 : 0.0) + (i % 2 ? 0.5 : -0.5);
    int at_limit;
    size_t d = es_mser_truncation(x, 1000, ES_MSER_BATCH, &at_limit);
    assert_true(d >= 195 && d <= 205);
    assert_false(at_limit);
    for (int i = 0; i < 1000; i++)
        x[i] = i % 2 ? 1.0 : -1.0;
    assert_int_equal(es_mser_truncation(x, 1000, ES_MSER_BATCH, &at_limit), 0);
    for (int i = 0; i < 1000; i++)
        x[i] = 1000.0 - i;
    d = es_mser_truncation(x, 1000, ES_MSER_BATCH, &at_limit);
    assert_int_equal(d, 500);
    assert_true(at_limit);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tally_matches_two_pass_on_random_data),
        cmocka_unit_test(mser5_truncates_the_transient),
        cmocka_unit_test(tally_small_counts),
        cmocka_unit_test(ci_halfwidth_uses_student_t),
        cmocka_unit_test(timeavg_on_a_step_function),
        cmocka_unit_test(timeavg_reset_deletes_the_warm_up),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Income support after services (src/model/income_support.c; issue 14): Ontario Works and ODSP
 * clients leave it at their own rates while in work and come back to it while out of work; the
 * benefits not paid meanwhile are summed at the rate of the day.
 *
 * scenarios/muskoka-kawarthas.cfg, 4 replications, one seed, parameters set in the loaded
 * scenario; arms share the seed (paired).  Tolerances: 3 standard errors of the replication
 * means or of the paired differences. */
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

#define NREPS 4

typedef struct arm {
    double exit_ow, exit_odsp, return_ow, return_odsp, benefit_scale;
} arm;

static void run(es_experiment *x, const arm *a)
{
    es_scenario scn;
    es_error err;
    es_error_clear(&err);
    assert_int_equal(es_scenario_load(&scn, SOURCE_DIR "/scenarios/muskoka-kawarthas.cfg", &err),
                     ES_OK);
    es_income_support_params *is = &scn.params.income_support;
    is->exit_3m_prob[ES_SRC_OW] = a->exit_ow;
    is->exit_3m_prob[ES_SRC_ODSP] = a->exit_odsp;
    is->return_12m_prob[ES_SRC_OW] = a->return_ow;
    is->return_12m_prob[ES_SRC_ODSP] = a->return_odsp;
    is->benefit_monthly[ES_SRC_OW] = 733.0 * a->benefit_scale;
    is->benefit_monthly[ES_SRC_ODSP] = 1308.0 * a->benefit_scale;
    scn.params.dated.n = 0; /* the shipped ODSP schedule is dated: one rate here */
    es_run_options opt = {.replications = NREPS, .seed = 20261207, .jobs = 2};
    assert_int_equal(es_experiment_run(x, &scn, &opt, &err), ES_OK);
}

static double value(const es_experiment *x, int r, const char *measure, const char *group)
{
    double v = NAN;
    if (es_results_get(&x->reps[r].results, measure, group, &v) != 0)
        fail_msg("no %s for %s", measure, group);
    return v;
}

/* Per client employed at 3 months, exits of each source. */
static es_tally exits_per_employed(const es_experiment *x, const char *source)
{
    es_tally t;
    es_tally_reset(&t);
    for (int r = 0; r < x->nreps; r++)
        es_tally_add(&t, value(x, r, "income_support_exits", source) /
                             value(x, r, "employed_3m", source));
    return t;
}

static const arm shipped = {0.5, 0.25, 0.8, 0.6, 1.0};

/* ODSP clients leave less often than OW clients (the shipped rates differ), and setting ODSP's
 * rate to OW's closes the difference. */
static void ow_and_odsp_leave_at_their_own_rates(void **state)
{
    (void)state;
    es_experiment x, same;
    run(&x, &shipped);
    arm equal = shipped;
    equal.exit_odsp = equal.exit_ow;
    run(&same, &equal);
    es_tally ow = exits_per_employed(&x, "OW"), odsp = exits_per_employed(&x, "ODSP");
    es_tally odsp_same = exits_per_employed(&same, "ODSP");
    printf("  exits per client employed at 3 months: OW %.3f (se %.4f), ODSP %.3f (se %.4f); "
           "ODSP at OW's rate %.3f (se %.4f)\n",
           ow.mean, es_tally_stderr(&ow), odsp.mean, es_tally_stderr(&odsp), odsp_same.mean,
           es_tally_stderr(&odsp_same));
    assert_true(ow.mean - odsp.mean > 3.0 * hypot(es_tally_stderr(&ow), es_tally_stderr(&odsp)));
    assert_true(fabs(ow.mean - odsp_same.mean) <=
                3.0 * hypot(es_tally_stderr(&ow), es_tally_stderr(&odsp_same)));
    es_experiment_destroy(&x);
    es_experiment_destroy(&same);
}

/* With no return, nobody comes back; with the shipped chance, some do, and fewer months of
 * benefits are saved. */
static void returns_follow_their_rate(void **state)
{
    (void)state;
    es_experiment none, some;
    arm no_return = shipped;
    no_return.return_ow = no_return.return_odsp = 0.0;
    run(&none, &no_return);
    run(&some, &shipped);
    es_tally returned, less_saved;
    es_tally_reset(&returned);
    es_tally_reset(&less_saved);
    for (int r = 0; r < NREPS; r++) {
        assert_true(value(&none, r, "income_support_returns", "OW") == 0.0);
        assert_true(value(&none, r, "income_support_returns", "ODSP") == 0.0);
        es_tally_add(&returned, value(&some, r, "income_support_returned_share", "OW"));
        es_tally_add(&less_saved, value(&none, r, "income_support_saved_cents", "OW") -
                                      value(&some, r, "income_support_saved_cents", "OW"));
    }
    printf("  OW leavers back on it: %.3f (se %.4f); benefits saved fall by $%.0f (se %.0f)\n",
           returned.mean, es_tally_stderr(&returned), less_saved.mean / 100,
           es_tally_stderr(&less_saved) / 100);
    assert_true(returned.mean > 3.0 * es_tally_stderr(&returned));
    assert_true(less_saved.mean > 3.0 * es_tally_stderr(&less_saved));
    es_experiment_destroy(&none);
    es_experiment_destroy(&some);
}

/* The benefits saved are months off income support times the rate: doubling the rate doubles
 * them exactly and changes no flow; spend per dollar saved halves. */
static void benefits_saved_scale_with_the_rate(void **state)
{
    (void)state;
    es_experiment one, two;
    arm doubled = shipped;
    doubled.benefit_scale = 2.0;
    run(&one, &shipped);
    run(&two, &doubled);
    for (int r = 0; r < NREPS; r++) {
        assert_true(two.reps[r].event_fingerprint == one.reps[r].event_fingerprint);
        for (int s = 0; s < 2; s++) {
            const char *g = s ? "ODSP" : "OW";
            double a = value(&one, r, "income_support_saved_cents", g);
            double b = value(&two, r, "income_support_saved_cents", g);
            assert_true(a > 0.0);
            assert_true(fabs(b - 2.0 * a) <= 1.0); /* each rounded to the cent */
        }
        double ratio = value(&one, r, "spend_per_dollar_income_support_saved", "all") /
                       value(&two, r, "spend_per_dollar_income_support_saved", "all");
        assert_true(fabs(ratio - 2.0) < 1e-6);
    }
    es_experiment_destroy(&one);
    es_experiment_destroy(&two);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ow_and_odsp_leave_at_their_own_rates),
        cmocka_unit_test(returns_follow_their_rate),
        cmocka_unit_test(benefits_saved_scale_with_the_rate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

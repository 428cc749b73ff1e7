/* Intake cohorts (src/model/cohorts.c, src/funding/spend.c; issue 14): the cost per 12-month
 * outcome of the latest cohort whose follow-up is complete is the same whether the run stops
 * after five years or seven, where spend over the run / 12-month outcomes reached in it is not;
 * a cohort complete in both runs costs the same in both; intakes and money are conserved.
 *
 * scenarios/prototypes.cfg (its funding model), 3 replications, one seed, at 1,826.25 and
 * 2,556.75 days.  The two horizons share the seed, so clients draw the same numbers and the
 * comparison is paired replication by replication.  Equivalence margin: 2 % of the five-year
 * figure, on the mean relative difference plus 3 standard errors of it. */
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

#define NREPS 3
#define MARGIN 0.02

static es_experiment five, seven;

static int run(es_experiment *x, double horizon_days)
{
    es_scenario scn;
    es_error err;
    es_error_clear(&err);
    if (es_scenario_load(&scn, SOURCE_DIR "/scenarios/prototypes.cfg", &err) != ES_OK)
        return -1;
    scn.params.horizon_days = horizon_days;
    es_run_options opt = {.replications = NREPS, .seed = 20261207, .jobs = 2};
    return es_experiment_run(x, &scn, &opt, &err) == ES_OK ? 0 : -1;
}

static int setup(void **state)
{
    (void)state;
    return run(&five, 1826.25) || run(&seven, 2556.75);
}

static int teardown(void **state)
{
    (void)state;
    es_experiment_destroy(&five);
    es_experiment_destroy(&seven);
    return 0;
}

static double value(const es_experiment *x, int r, const char *measure, const char *group)
{
    double v = NAN;
    if (es_results_get(&x->reps[r].results, measure, group, &v) != 0)
        fail_msg("replication %d has no %s for %s", r + 1, measure, group);
    return v;
}

/* Replication by replication, (seven - five) / five. */
static es_tally relative_change(const char *measure, const char *group)
{
    es_tally t;
    es_tally_reset(&t);
    for (int r = 0; r < NREPS; r++) {
        double a = value(&five, r, measure, group), b = value(&seven, r, measure, group);
        es_tally_add(&t, (b - a) / a);
    }
    return t;
}

static void latest_complete_cohort_cost_does_not_depend_on_the_horizon(void **state)
{
    (void)state;
    es_tally cohort = relative_change("cost_per_employed_12m_latest_cohort_cents", "all");
    es_tally horizon = relative_change("cost_per_employed_12m_cents", "all");
    printf("  seven years against five: latest complete cohort %+.4f (se %.4f); "
           "spend over the run / 12-month outcomes %+.4f (se %.4f)\n",
           cohort.mean, es_tally_stderr(&cohort), horizon.mean, es_tally_stderr(&horizon));
    for (int r = 0; r < NREPS; r++) /* a later cohort is read at seven years */
        assert_true(value(&seven, r, "latest_complete_cohort", "all") >
                    value(&five, r, "latest_complete_cohort", "all"));
    assert_true(fabs(cohort.mean) + 3.0 * es_tally_stderr(&cohort) <= MARGIN);
    /* the measure it replaces moves with the horizon, by more than the margin */
    assert_true(fabs(horizon.mean) - 3.0 * es_tally_stderr(&horizon) > MARGIN);
}

/* A cohort complete at five years has reached all its outcomes and taken all its spend: seven
 * years change it by rounding, not by the horizon. */
static void a_complete_cohort_is_the_same_at_both_horizons(void **state)
{
    (void)state;
    const char *group = "cohort=2021-22";
    for (int r = 0; r < NREPS; r++)
        assert_true(value(&five, r, "cohort_complete", group) == 1.0);
    es_tally d = relative_change("cohort_cost_per_employed_12m_cents", group);
    printf("  cohort 2021-22: %+.5f (se %.5f)\n", d.mean, es_tally_stderr(&d));
    assert_true(fabs(d.mean) + 3.0 * es_tally_stderr(&d) <= 0.002);
}

/* Every intake belongs to one cohort, and every cent of the top payer to one cohort (what it
 * paid for no client is shared out in full while some cohort is in service that year). */
static void intakes_and_money_are_conserved(void **state)
{
    (void)state;
    const es_experiment *xs[] = {&five, &seven};
    for (int i = 0; i < 2; i++)
        for (int r = 0; r < NREPS; r++) {
            const es_results *res = &xs[i]->reps[r].results;
            double intakes = 0.0, spend = 0.0, ncohorts = 0.0;
            for (size_t k = 0; k < res->n; k++) {
                const es_obs *o = &res->obs[k];
                if (o->month != ES_RESULTS_WHOLE_RUN)
                    continue;
                if (strcmp(o->measure, "cohort_intakes") == 0) {
                    intakes += o->value;
                    ncohorts++;
                } else if (strcmp(o->measure, "cohort_spend_cents") == 0) {
                    spend += o->value;
                }
            }
            double arrived = value(xs[i], r, "clients_arrived", "all");
            double total = value(xs[i], r, "total_spend_cents", "all");
            assert_true(ncohorts >= 5);
            assert_true(intakes == arrived);
            assert_true(fabs(spend - total) <= ncohorts); /* half a cent a cohort, rounded */
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(latest_complete_cohort_cost_does_not_depend_on_the_horizon),
        cmocka_unit_test(a_complete_cohort_is_the_same_at_both_horizons),
        cmocka_unit_test(intakes_and_money_are_conserved),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/* Arms of a paired experiment, for the model's unit tests: a shipped scenario with one setting
 * changed, run with a fixed seed (arms with the same seed are paired replication by
 * replication: per-client random numbers), a measure of one replication, and the paired
 * differences of a measure between two arms.  Include after <cmocka.h>, "api/internal.h" and
 * "engine/stats.h" (tests/unit/test_plans.c, test_impact.c). */
#ifndef ES_TEST_ARMS_H
#define ES_TEST_ARMS_H

typedef void (*arm_tweak)(es_params *p, double v);

/* Runs `scenario` (a path under the source tree) with tweak(params, v) applied, if any. */
static void arm_run(es_experiment *x, const char *scenario, int nreps, long long seed,
                    arm_tweak tweak, double v)
{
    es_scenario scn;
    es_error err;
    es_error_clear(&err);
    if (es_scenario_load(&scn, scenario, &err) != ES_OK)
        fail_msg("%s:%d: %s", err.file, err.line, err.msg);
    if (tweak)
        tweak(&scn.params, v);
    es_run_options opt = {.replications = nreps, .seed = seed, .jobs = 2};
    if (es_experiment_run(x, &scn, &opt, &err) != ES_OK)
        fail_msg("%s", err.msg);
}

static double arm_value(const es_experiment *x, int r, const char *measure, const char *group)
{
    double v = NAN;
    if (es_results_get(&x->reps[r].results, measure, group, &v) != 0)
        fail_msg("no %s for %s", measure, group);
    return v;
}

/* Replication by replication, b's measure minus a's. */
static es_tally arm_paired(const es_experiment *a, const es_experiment *b, const char *measure,
                           const char *group)
{
    es_tally t;
    es_tally_reset(&t);
    for (int r = 0; r < a->nreps && r < b->nreps; r++)
        es_tally_add(&t, arm_value(b, r, measure, group) - arm_value(a, r, measure, group));
    return t;
}

#endif

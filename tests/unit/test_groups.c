/* Priority groups (src/model/client.c, counts.c, measures.c; issue 14): a group's need weight
 * moves its clients into the highest-need stream and opens a gap in its outcomes; a group with
 * no weight is reported apart and changes nothing else.
 *
 * scenarios/muskoka-kawarthas.cfg, 4 replications, one seed.  Tolerances: 3 standard errors of
 * the replication means, plus 0.02 where a calibrated share is compared with its published
 * target (77 % of Indigenous clients in stream C; ies-facts.md section 2). */
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

static void run(es_experiment *x, double indigenous_prob, double indigenous_weight)
{
    es_scenario scn;
    es_error err;
    es_error_clear(&err);
    assert_int_equal(es_scenario_load(&scn, SOURCE_DIR "/scenarios/muskoka-kawarthas.cfg", &err),
                     ES_OK);
    scn.params.clients.indigenous_prob = indigenous_prob;
    scn.params.need.indigenous = indigenous_weight;
    es_run_options opt = {.replications = NREPS, .seed = 20261207, .jobs = 2};
    assert_int_equal(es_experiment_run(x, &scn, &opt, &err), ES_OK);
}

static es_tally tally(const es_experiment *x, const char *measure, const char *group)
{
    es_tally t;
    es_tally_reset(&t);
    for (int r = 0; r < x->nreps; r++) {
        double v;
        assert_int_equal(es_results_get(&x->reps[r].results, measure, group, &v), 0);
        es_tally_add(&t, v);
    }
    return t;
}

/* With the shipped weight, about 77 % of Indigenous clients are assessed into stream C and they
 * do worse at exit; with weight 0 they are assessed like everyone (the stream's overall share)
 * and the gap closes, within noise. */
static void need_weight_moves_stream_and_gap(void **state)
{
    (void)state;
    es_experiment none, weighted;
    run(&none, 0.05, 0.0);
    run(&weighted, 0.05, 1.0);
    es_tally share0 = tally(&none, "group_highest_need_stream_share", "Indigenous");
    es_tally share1 = tally(&weighted, "group_highest_need_stream_share", "Indigenous");
    es_tally overall = tally(&none, "stream_share", "C");
    es_tally gap0 = tally(&none, "group_gap_at_exit", "Indigenous");
    es_tally gap1 = tally(&weighted, "group_gap_at_exit", "Indigenous");
    printf("  Indigenous in C: weight 0 %.3f (all clients %.3f), weight 1 %.3f; gap at exit "
           "%.4f (se %.4f) -> %.4f (se %.4f)\n",
           share0.mean, overall.mean, share1.mean, gap0.mean, es_tally_stderr(&gap0), gap1.mean,
           es_tally_stderr(&gap1));
    assert_true(fabs(share0.mean - overall.mean) <=
                3.0 * hypot(es_tally_stderr(&share0), es_tally_stderr(&overall)));
    assert_true(fabs(share1.mean - 0.77) <= 3.0 * es_tally_stderr(&share1) + 0.02);
    assert_true(fabs(gap0.mean) <= 3.0 * es_tally_stderr(&gap0));
    assert_true(gap1.mean > 3.0 * es_tally_stderr(&gap1));
    es_experiment_destroy(&none);
    es_experiment_destroy(&weighted);
}

/* A group drawn from its own numbers with no need weight changes no other result, bit for bit:
 * every measure that is not a group_* one is the same with 0 % and 5 % Indigenous clients. */
static void a_group_without_weight_changes_nothing_else(void **state)
{
    (void)state;
    es_experiment without, with;
    run(&without, 0.0, 1.0);
    run(&with, 0.05, 0.0);
    size_t compared = 0;
    for (int r = 0; r < NREPS; r++) {
        const es_results *a = &without.reps[r].results;
        for (size_t i = 0; i < a->n; i++) {
            const es_obs *o = &a->obs[i];
            if (o->month != ES_RESULTS_WHOLE_RUN || strncmp(o->measure, "group_", 6) == 0)
                continue;
            double v;
            assert_int_equal(es_results_get(&with.reps[r].results, o->measure, o->group, &v), 0);
            if (v != o->value && !(isnan(v) && isnan(o->value)))
                fail_msg("%s (%s): %.17g without the group, %.17g with it", o->measure, o->group,
                         o->value, v);
            compared++;
        }
        double absent;
        assert_int_equal(es_results_get(a, "group_intakes", "Indigenous", &absent), -1);
    }
    assert_true(compared > 1000);
    es_experiment_destroy(&without);
    es_experiment_destroy(&with);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(need_weight_moves_stream_and_gap),
        cmocka_unit_test(a_group_without_weight_changes_nothing_else),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

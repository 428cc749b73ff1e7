/* Net impact (src/model/impact.c, own_search.c; issue 15): each client's employment with the
 * service against its own path without it, on its own random numbers.
 *
 * scenarios/muskoka-kawarthas.cfg, 6 replications, one seed; arms share the seed (paired by
 * replication).  The zero-effect check is exact; the others ask a paired difference to clear 3
 * standard errors of itself. */
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

#include "arms.h"

#define NREPS 6

static void run(es_experiment *x, arm_tweak tweak, double v)
{
    arm_run(x, SOURCE_DIR "/scenarios/muskoka-kawarthas.cfg", NREPS, 20261209, tweak, v);
}

/* A service that changes nothing: it makes no job (no completer is job-ready), a client in it
 * searches as hard as one waiting, and no plan aims at training or education.  Every client's
 * first job then comes when its own search is done, as without the service, and the spells
 * after it are drawn from the same numbers: net impact is zero exactly, client by client, and
 * every job start at exit is one the client would have had anyway, so every outcome payment
 * pays for deadweight. */
static void no_effect(es_params *p, double v)
{
    (void)v;
    for (int s = 0; s < p->nstreams; s++) {
        p->streams[s].job_start_prob = 0.0;
        p->streams[s].goal_training_prob = 0.0;
    }
    p->outcomes.education_goal_prob_youth = p->outcomes.education_goal_prob_adult = 0.0;
    p->outcomes.search_while_in_service = 1.0;
}

static void a_service_that_changes_nothing_has_no_net_impact(void **state)
{
    (void)state;
    es_experiment none, shipped;
    run(&none, no_effect, 0.0);
    run(&shipped, NULL, 0.0);
    static const char *const groups[] = {"all", "A", "B", "C", "OW", "ODSP", "EO"};
    es_tally net;
    es_tally_reset(&net);
    for (int r = 0; r < NREPS; r++) {
        for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
            assert_true(arm_value(&none, r, "net_employment_3m", groups[g]) == 0.0);
            assert_true(arm_value(&none, r, "net_employment_6m", groups[g]) == 0.0);
            assert_true(arm_value(&none, r, "net_employment_12m", groups[g]) == 0.0);
            assert_true(arm_value(&none, r, "additional_employed_12m", groups[g]) == 0.0);
            assert_true(fabs(arm_value(&none, r, "net_months_employed_12m", groups[g])) < 1e-9);
        }
        assert_true(arm_value(&none, r, "job_starts", "all") > 0.0); /* jobs found alone */
        /* every outcome the province pays (IES: the checkpoints of first jobs) is deadweight;
         * with the service, some but not all */
        double outcome = arm_value(&none, r, "spend_by_type_cents", "outcome");
        assert_true(outcome > 0.0);
        assert_true(arm_value(&none, r, "deadweight_outcome_payments_cents", "all") == outcome);
        double paid = arm_value(&shipped, r, "deadweight_outcome_payments_cents", "all");
        assert_true(paid > 0.0 && paid < arm_value(&shipped, r, "spend_by_type_cents", "outcome"));
        if (arm_value(&none, r, "deadweight_share", "all") != 1.0)
            fail_msg("deadweight %.17g", arm_value(&none, r, "deadweight_share", "all"));
        assert_true(arm_value(&none, r, "counterfactual_employment_12m_rate", "all") > 0.2);
        es_tally_add(&net, arm_value(&shipped, r, "net_employment_12m", "all"));
    }
    printf("  shipped service: net employment at 12 months %+.4f (se %.4f); deadweight %.3f\n",
           net.mean, es_tally_stderr(&net), arm_value(&shipped, 0, "deadweight_share", "all"));
    assert_true(net.mean > 3.0 * es_tally_stderr(&net));
    es_experiment_destroy(&none);
    es_experiment_destroy(&shipped);
}

static void scale_own_search(es_params *p, double v)
{
    for (int s = 0; s < p->nstreams; s++)
        p->streams[s].own_job_3m_prob *= v;
}

/* Clients who find work alone more easily are more often in work without the service, and
 * more of the job starts at exit are ones they would have had anyway. */
static void an_easier_own_search_raises_deadweight(void **state)
{
    (void)state;
    es_experiment shipped, easier;
    run(&shipped, scale_own_search, 1.0);
    run(&easier, scale_own_search, 1.5);
    es_tally cf = arm_paired(&shipped, &easier, "counterfactual_employment_12m_rate", "all");
    es_tally dw = arm_paired(&shipped, &easier, "deadweight_share", "all");
    printf("  own_job_3m_prob x1.5: employed at 12 months without the service %+.4f (se %.4f), "
           "deadweight %+.4f (se %.4f)\n",
           cf.mean, es_tally_stderr(&cf), dw.mean, es_tally_stderr(&dw));
    assert_true(cf.mean > 3.0 * es_tally_stderr(&cf));
    assert_true(dw.mean > 3.0 * es_tally_stderr(&dw));
    es_experiment_destroy(&shipped);
    es_experiment_destroy(&easier);
}

static void set_lock_in(es_params *p, double v) { p->outcomes.search_while_in_service = v; }

/* Lock-in: a client who searches less while in service finds fewer jobs alone early on, so the
 * net impact at 3 months falls, and fewer of the jobs at exit are ones the client found alone
 * (which it would have had anyway): less deadweight. */
static void lock_in_lowers_short_run_impact(void **state)
{
    (void)state;
    es_experiment full, locked;
    run(&full, set_lock_in, 1.0);
    run(&locked, set_lock_in, 0.25);
    es_tally d3 = arm_paired(&full, &locked, "net_employment_3m", "all");
    es_tally dw = arm_paired(&full, &locked, "deadweight_share", "all");
    printf("  search in service 0.25 against 1: net impact at 3 months %+.4f (se %.4f), "
           "deadweight %+.4f (se %.4f)\n",
           d3.mean, es_tally_stderr(&d3), dw.mean, es_tally_stderr(&dw));
    assert_true(-d3.mean > 3.0 * es_tally_stderr(&d3));
    assert_true(-dw.mean > 3.0 * es_tally_stderr(&dw));
    es_experiment_destroy(&full);
    es_experiment_destroy(&locked);
}

static void set_c_readiness(es_params *p, double v) { p->streams[2].job_start_prob = v; }

/* A service that makes more of stream C's clients job-ready raises C's net impact. */
static void a_more_effective_service_adds_more_jobs(void **state)
{
    (void)state;
    es_experiment weak, strong;
    run(&weak, set_c_readiness, 0.6);
    run(&strong, set_c_readiness, 0.92);
    es_tally d = arm_paired(&weak, &strong, "net_employment_12m", "C");
    printf("  C job readiness 0.92 against 0.6: C's net impact at 12 months %+.4f (se %.4f)\n",
           d.mean, es_tally_stderr(&d));
    assert_true(d.mean > 3.0 * es_tally_stderr(&d));
    es_experiment_destroy(&weak);
    es_experiment_destroy(&strong);
}

static void set_noise(es_params *p, double v) { p->assessment_noise_sd = v; }
static void set_noise_no_underservice(es_params *p, double v)
{
    p->assessment_noise_sd = v;
    p->outcomes.underservice_effect = 0.0;
}

/* A noisier common assessment puts more clients in the wrong stream: those put below their
 * need get services too light to make them job-ready (underservice_effect), those put above
 * it spend longer in service for nothing; net impact falls and each additional job costs
 * more.  With underservice_effect 0 the under-served lose nothing, and the fall is smaller. */
static void assessment_mistakes_cost(void **state)
{
    (void)state;
    es_experiment exact, noisy, exact0, noisy0;
    run(&exact, set_noise, 0.0);
    run(&noisy, set_noise, 1.0);
    run(&exact0, set_noise_no_underservice, 0.0);
    run(&noisy0, set_noise_no_underservice, 1.0);
    es_tally net = arm_paired(&exact, &noisy, "net_employment_12m", "all");
    es_tally cost = arm_paired(&exact, &noisy, "cost_per_additional_employed_12m_cents", "all");
    es_tally net0 = arm_paired(&exact0, &noisy0, "net_employment_12m", "all");
    es_tally gap;
    es_tally_reset(&gap);
    for (int r = 0; r < NREPS; r++)
        es_tally_add(&gap, (arm_value(&noisy, r, "net_employment_12m", "all") -
                            arm_value(&exact, r, "net_employment_12m", "all")) -
                               (arm_value(&noisy0, r, "net_employment_12m", "all") -
                                arm_value(&exact0, r, "net_employment_12m", "all")));
    printf("  noise 1 against 0: net impact %+.4f (se %.4f), cost per additional job %+.0f "
           "cents (se %.0f); without underservice_effect net impact %+.4f (se %.4f)\n",
           net.mean, es_tally_stderr(&net), cost.mean, es_tally_stderr(&cost), net0.mean,
           es_tally_stderr(&net0));
    assert_true(-net.mean > 3.0 * es_tally_stderr(&net));
    assert_true(cost.mean > 3.0 * es_tally_stderr(&cost));
    assert_true(-gap.mean > 3.0 * es_tally_stderr(&gap));
    es_experiment_destroy(&exact);
    es_experiment_destroy(&noisy);
    es_experiment_destroy(&exact0);
    es_experiment_destroy(&noisy0);
}

static void set_correction(es_params *p, double v)
{
    p->assessment_noise_sd = 1.0;
    p->assessment_review_correction_prob = v;
}

/* A plan review that sets misclassified clients right gives the under-served the services
 * they need for the rest of their plan: net impact rises. */
static void a_review_that_corrects_raises_net_impact(void **state)
{
    (void)state;
    es_experiment none, all;
    run(&none, set_correction, 0.0);
    run(&all, set_correction, 1.0);
    es_tally d = arm_paired(&none, &all, "net_employment_12m", "all");
    printf("  review correcting every stream against none (noise 1): net impact at 12 months "
           "%+.4f (se %.4f)\n",
           d.mean, es_tally_stderr(&d));
    assert_true(d.mean > 3.0 * es_tally_stderr(&d));
    es_experiment_destroy(&none);
    es_experiment_destroy(&all);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_service_that_changes_nothing_has_no_net_impact),
        cmocka_unit_test(an_easier_own_search_raises_deadweight),
        cmocka_unit_test(lock_in_lowers_short_run_impact),
        cmocka_unit_test(a_more_effective_service_adds_more_jobs),
        cmocka_unit_test(assessment_mistakes_cost),
        cmocka_unit_test(a_review_that_corrects_raises_net_impact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

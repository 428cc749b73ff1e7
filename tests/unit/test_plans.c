/* Service plans and what providers record (src/model/plan.c, service.c, followup.c; issue 14):
 * a plan's goal decides how it closes, a plan opened in error is voided and replaced, the open
 * data's unknown and null outcomes follow whom the provider reaches and follows up, jobs are
 * permanent or temporary, and wages grow with tenure.
 *
 * scenarios/muskoka-kawarthas.cfg, 4 replications, one seed; arms share the seed (paired by
 * replication).  Tolerances: 3 standard errors of the replication means or of the paired
 * differences; the record-keeping checks are exact. */
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

#define NREPS 4

static void run(es_experiment *x, arm_tweak tweak, double v)
{
    arm_run(x, SOURCE_DIR "/scenarios/muskoka-kawarthas.cfg", NREPS, 20261208, tweak, v);
}

/* The open-data column `col` (0-5 at exit, 6-11 at 3 months), summed over sites and years. */
static double open_column(const es_experiment *x, int r, int col)
{
    const es_open_tables *t = &x->reps[r].open;
    double sum = 0.0;
    for (int fy = 0; fy < t->nfiscal_years; fy++)
        for (int s = 0; s < t->nsites; s++)
            sum += (double)t->site[es_open_cell(t->nsites, fy, s, col)];
    return sum;
}

enum { EXIT_EMP, EXIT_TE, EXIT_UNEMP, EXIT_OTH, EXIT_UNKN, EXIT_NULL,
       M3_EMP, M3_TE, M3_UNEMP, M3_OTH, M3_UNKN, M3_NULL };

static void set_goals(es_params *p, double youth_education)
{
    for (int s = 0; s < p->nstreams; s++)
        p->streams[s].goal_training_prob = 0.0;
    p->outcomes.education_goal_prob_adult = 0.0;
    p->outcomes.education_goal_prob_youth = youth_education;
}

/* Without training or education goals every plan aims at employment and no completer leaves
 * for training; an education goal for half the youth moves completers from jobs to education,
 * and the goal share matches the youth share of service starts times one half. */
static void goals_decide_how_plans_close(void **state)
{
    (void)state;
    es_experiment none, youth;
    run(&none, set_goals, 0.0);
    run(&youth, set_goals, 0.5);
    es_tally share;
    es_tally_reset(&share);
    for (int r = 0; r < NREPS; r++) {
        assert_true(arm_value(&none, r, "goal_employment_share", "all") == 1.0);
        assert_true(arm_value(&none, r, "training_exits", "all") == 0.0);
        assert_true(open_column(&none, r, EXIT_TE) == 0.0);
        es_tally_add(&share, arm_value(&youth, r, "goal_education_share", "all"));
    }
    es_tally te = arm_paired(&none, &youth, "training_exits", "all");
    es_tally jobs = arm_paired(&none, &youth, "job_starts", "all");
    double expected = 0.5 * none.scenario.params.clients.age_share[ES_AGE_15_24];
    printf("  education goals for half the youth: %.4f of plans (se %.4f; about %.3f expected "
           "before the youth's online shift and stream mix), training exits +%.0f (se %.0f), "
           "job starts %+.0f (se %.0f)\n",
           share.mean, es_tally_stderr(&share), expected, te.mean, es_tally_stderr(&te),
           jobs.mean, es_tally_stderr(&jobs));
    assert_true(fabs(share.mean - expected) < 0.2 * expected); /* youth serve as often as adults */
    assert_true(te.mean > 3.0 * es_tally_stderr(&te));
    assert_true(-jobs.mean > 3.0 * es_tally_stderr(&jobs));
    es_experiment_destroy(&none);
    es_experiment_destroy(&youth);
}

static void set_c_training_goal(es_params *p, double v)
{
    p->streams[2].goal_training_prob = v; /* stream C */
}

/* A larger share of training goals in stream C: C's plans aim at training as often as asked,
 * and more of C's completers leave for training. */
static void training_goals_follow_their_share(void **state)
{
    (void)state;
    es_experiment none, some;
    run(&none, set_c_training_goal, 0.0);
    run(&some, set_c_training_goal, 0.3);
    es_tally share, te = arm_paired(&none, &some, "training_exits", "C");
    es_tally_reset(&share);
    for (int r = 0; r < NREPS; r++) {
        /* not 0 exactly: a client reassessed into C keeps its goal when it changes provider */
        assert_true(arm_value(&none, r, "goal_training_share", "C") < 0.01);
        es_tally_add(&share, arm_value(&some, r, "goal_training_share", "C"));
    }
    printf("  C's training goals at 0.3: %.4f of C's plans (se %.4f); C's training exits %+.0f "
           "(se %.0f)\n",
           share.mean, es_tally_stderr(&share), te.mean, es_tally_stderr(&te));
    assert_true(fabs(share.mean - 0.3) < 3.0 * es_tally_stderr(&share) + 0.01);
    assert_true(te.mean > 3.0 * es_tally_stderr(&te));
    es_experiment_destroy(&none);
    es_experiment_destroy(&some);
}

static void set_plan_error(es_params *p, double prob) { p->outcomes.plan_error_prob = prob; }

/* A plan opened in error is voided and replaced: about plan_error_prob of the plans opened at a
 * service start close `opened_in_error`, no client ever holds two plans, and every plan opened
 * is closed or still open at the end. */
static void plans_opened_in_error_are_voided(void **state)
{
    (void)state;
    es_experiment x;
    run(&x, set_plan_error, 0.2);
    for (int r = 0; r < NREPS; r++) {
        double opened = arm_value(&x, r, "plans_opened", "all");
        double in_error = arm_value(&x, r, "plans_closed", "opened_in_error");
        double closed = 0.0;
        for (int k = 0; k < ES_NCLOSURES; k++)
            closed += arm_value(&x, r, "plans_closed", es_closure_names[k]);
        assert_true(arm_value(&x, r, "plan_rule_violations", "all") == 0.0);
        assert_true(closed + arm_value(&x, r, "plans_active_end", "all") == opened);
        /* each error adds one plan: errors / (opened - errors) estimates plan_error_prob over
         * the service starts that draw it (transfers resume their plan and draw none) */
        double starts = opened - in_error;
        double rate = in_error / starts;
        double se = sqrt(0.2 * 0.8 / starts);
        if (r == 0)
            printf("  plans opened in error: %.4f of plans (se %.4f)\n", rate, se);
        assert_true(rate <= 0.2 + 3.0 * se);
        assert_true(rate > 0.2 - 3.0 * se - 0.01); /* transfers: about 1.6 % of starts */
    }
    es_experiment_destroy(&x);
}

static void set_dropout_reached(es_params *p, double prob)
{
    p->outcomes.dropout_reached_prob = prob;
}
static void set_attempt_other(es_params *p, double prob)
{
    p->outcomes.followup_attempt_prob_other = prob;
}

/* What the open data show follows whom the provider reaches: every dropout reached leaves no
 * unknown at exit, none reached leaves no "other" at exit; with no follow-up of clients not
 * employed at exit, none of them has a 3-month status other than null, and the nulls grow. */
static void records_follow_whom_the_provider_reaches(void **state)
{
    (void)state;
    es_experiment all, none, no_follow, shipped;
    run(&all, set_dropout_reached, 1.0);
    run(&none, set_dropout_reached, 0.0);
    run(&no_follow, set_attempt_other, 0.0);
    run(&shipped, NULL, 0.0);
    es_tally more_null;
    es_tally_reset(&more_null);
    for (int r = 0; r < NREPS; r++) {
        assert_true(open_column(&all, r, EXIT_UNKN) == 0.0);
        assert_true(open_column(&all, r, EXIT_OTH) > 0.0);
        assert_true(open_column(&none, r, EXIT_OTH) == 0.0);
        assert_true(open_column(&none, r, EXIT_UNKN) > 0.0);
        assert_true(open_column(&no_follow, r, M3_TE) == 0.0);
        assert_true(open_column(&no_follow, r, M3_OTH) == 0.0);
        assert_true(open_column(&shipped, r, M3_TE) > 0.0);
        assert_true(open_column(&shipped, r, EXIT_NULL) > 0.0); /* transfers */
        es_tally_add(&more_null, open_column(&no_follow, r, M3_NULL) -
                                     open_column(&shipped, r, M3_NULL));
    }
    printf("  no follow-up of clients not employed at exit: +%.0f nulls at 3 months (se %.0f)\n",
           more_null.mean, es_tally_stderr(&more_null));
    assert_true(more_null.mean > 3.0 * es_tally_stderr(&more_null));
    es_experiment_destroy(&all);
    es_experiment_destroy(&none);
    es_experiment_destroy(&no_follow);
    es_experiment_destroy(&shipped);
}

static void set_temporary_factor(es_params *p, double f)
{
    p->outcomes.temporary_separation_factor = f;
}

/* 78 % of jobs are permanent; a temporary job that ends five times as fast leaves 3-month
 * retention where the stream puts it (the mix is solved to keep it), ends more jobs in the
 * first month and, the temporary jobs gone, keeps more of the rest to 12 months. */
static void temporary_jobs_end_sooner(void **state)
{
    (void)state;
    es_experiment same, fast;
    run(&same, set_temporary_factor, 1.0);
    run(&fast, set_temporary_factor, 5.0);
    es_tally permanent;
    es_tally_reset(&permanent);
    for (int r = 0; r < NREPS; r++)
        es_tally_add(&permanent, arm_value(&fast, r, "permanent_share_at_exit", "all"));
    es_tally d1 = arm_paired(&same, &fast, "employed_1m_rate", "all");
    es_tally d3 = arm_paired(&same, &fast, "employed_3m_rate", "all");
    es_tally d12 = arm_paired(&same, &fast, "employed_12m_rate", "all");
    printf("  permanent %.4f (se %.4f); temporary x5 moves retention at 1 / 3 / 12 months by "
           "%+.4f (se %.4f) / %+.4f (se %.4f) / %+.4f (se %.4f)\n",
           permanent.mean, es_tally_stderr(&permanent), d1.mean, es_tally_stderr(&d1), d3.mean,
           es_tally_stderr(&d3), d12.mean, es_tally_stderr(&d12));
    assert_true(fabs(permanent.mean - 0.78) < 3.0 * es_tally_stderr(&permanent) + 0.005);
    assert_true(-d1.mean > 3.0 * es_tally_stderr(&d1));
    assert_true(fabs(d3.mean) < 3.0 * es_tally_stderr(&d3) + 0.003);
    assert_true(d12.mean > 3.0 * es_tally_stderr(&d12));
    es_experiment_destroy(&same);
    es_experiment_destroy(&fast);
}

static void set_wage_growth(es_params *p, double g) { p->outcomes.wage_growth_annual = g; }

/* Wages that grow 5 % a year are 5 % higher after a year in the job (the same clients, so the
 * ratio is near exact), and fewer fall under a rising minimum wage: more funded 12-month
 * outcomes. */
static void wages_grow_with_tenure(void **state)
{
    (void)state;
    es_experiment flat, growing;
    run(&flat, set_wage_growth, 0.0);
    run(&growing, set_wage_growth, 0.05);
    es_tally funded = arm_paired(&flat, &growing, "funded_outcomes_12m", "all");
    for (int r = 0; r < NREPS; r++) {
        assert_true(growing.reps[r].event_fingerprint != 0);
        double ratio = arm_value(&growing, r, "mean_wage_12m", "all") /
                       arm_value(&flat, r, "mean_wage_12m", "all");
        if (r == 0)
            printf("  wage at 12 months, 5 %% growth against none: x%.4f; funded 12-month "
                   "outcomes %+.1f (se %.1f)\n",
                   ratio, funded.mean, es_tally_stderr(&funded));
        assert_true(fabs(ratio - 1.05) < 0.002); /* 12 months, give or take a checkpoint day */
    }
    assert_true(funded.mean > 3.0 * es_tally_stderr(&funded));
    es_experiment_destroy(&flat);
    es_experiment_destroy(&growing);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(goals_decide_how_plans_close),
        cmocka_unit_test(training_goals_follow_their_share),
        cmocka_unit_test(plans_opened_in_error_are_voided),
        cmocka_unit_test(records_follow_whom_the_provider_reaches),
        cmocka_unit_test(temporary_jobs_end_sooner),
        cmocka_unit_test(wages_grow_with_tenure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

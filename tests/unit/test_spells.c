/* Job spells after services (src/model/followup.c; issue 14): the tenure curve's shape, the
 * re-employment of clients who lose a job, and employment status (any job) beside continuous
 * retention in the first job.
 *
 * Each check runs scenarios/muskoka-kawarthas.cfg over three years, 4 replications, one seed,
 * with the spell parameters set in the loaded scenario (and one kind of job: temporary jobs
 * ending as fast as permanent ones, so each stream's tenure is one Weibull curve; the mix is
 * tests/unit/test_plans.c's); arms share the seed, so clients draw the same
 * numbers (per-client substreams) and differences are paired.  Tolerances are 3 standard errors
 * of the replication means (or of the paired differences), as stated at each check. */
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

#define NREPS 4
#define HORIZON_DAYS 1095.75

static const char *const stream_names[] = {"A", "B", "C"};
static const char *const months[] = {"1m", "3m", "6m", "12m"};

/* The spell parameters of one arm. */
typedef struct arm {
    double separation_shape, reemployment_shape;
    double reemployment_3m[3]; /* by stream A, B, C */
} arm;

static void load(es_scenario *scn)
{
    es_error err;
    es_error_clear(&err);
    int rc = es_scenario_load(scn, SOURCE_DIR "/scenarios/muskoka-kawarthas.cfg", &err);
    if (rc)
        fprintf(stderr, "%s:%d: %s\n", err.file, err.line, err.msg);
    assert_int_equal(rc, ES_OK);
    scn->params.horizon_days = HORIZON_DAYS;
}

static void set_arm(es_scenario *scn, const arm *a)
{
    scn->params.outcomes.separation_shape = a->separation_shape;
    scn->params.outcomes.reemployment_shape = a->reemployment_shape;
    scn->params.outcomes.temporary_separation_factor = 1.0;
    assert_int_equal(scn->params.nstreams, 3);
    for (int s = 0; s < 3; s++)
        scn->params.streams[s].reemployment_3m_prob = a->reemployment_3m[s];
}

static void run(es_experiment *x, const arm *a, const es_run_options *opt)
{
    es_scenario scn;
    load(&scn);
    set_arm(&scn, a);
    es_error err;
    es_error_clear(&err);
    int rc = es_experiment_run(x, &scn, opt, &err);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, ES_OK);
}

static void run_arm(es_experiment *x, const arm *a)
{
    es_run_options opt = {.replications = NREPS, .seed = 20261207, .jobs = 2};
    run(x, a, &opt);
}

static double value(const es_experiment *x, int r, const char *measure, const char *group)
{
    double v = NAN;
    assert_int_equal(es_results_get(&x->reps[r].results, measure, group, &v), 0);
    return v;
}

static es_tally tally(const es_experiment *x, const char *measure, const char *group)
{
    es_tally t;
    es_tally_reset(&t);
    for (int r = 0; r < x->nreps; r++)
        es_tally_add(&t, value(x, r, measure, group));
    return t;
}

/* Replication by replication, x's measure minus y's (or minus another measure of x). */
static es_tally paired(const es_experiment *x, const char *mx, const es_experiment *y,
                       const char *my, const char *group)
{
    es_tally t;
    es_tally_reset(&t);
    for (int r = 0; r < x->nreps; r++)
        es_tally_add(&t, value(x, r, mx, group) - value(y, r, my, group));
    return t;
}

static const arm constant_no_return = {1.0, 1.0, {0, 0, 0}};
static const arm falling_no_return = {0.4, 1.0, {0, 0, 0}};
static const arm falling_with_return = {0.4, 0.7, {0.60, 0.50, 0.35}};

/* Without re-employment, status (any job) is continuous retention, client for client: the
 * numerators are the same events, so the rates are equal exactly, at every checkpoint. */
static void no_reemployment_status_is_continuous_retention(void **state)
{
    (void)state;
    es_experiment x;
    run_arm(&x, &falling_no_return);
    for (int r = 0; r < NREPS; r++) {
        assert_true(value(&x, r, "reemployments", "all") == 0.0);
        for (int s = 0; s < 3; s++)
            for (int k = 0; k < 4; k++) {
                char status[64], cont[64];
                snprintf(status, sizeof status, "employment_status_%s_rate", months[k]);
                snprintf(cont, sizeof cont, "employed_%s_rate", months[k]);
                assert_true(value(&x, r, status, stream_names[s]) ==
                            value(&x, r, cont, stream_names[s]));
            }
    }
    es_experiment_destroy(&x);
}

/* With re-employment, status runs above continuous retention, more at 12 months than at 1
 * (more time to lose a job and find another), in every stream: each gap exceeds 3 standard
 * errors of its paired replication differences.  Continuous retention itself does not move
 * beyond noise against the arm without re-employment (re-employment happens after the first
 * job ends). */
static void reemployment_lifts_status_above_continuous_retention(void **state)
{
    (void)state;
    es_experiment base, with;
    run_arm(&base, &falling_no_return);
    run_arm(&with, &falling_with_return);
    for (int s = 0; s < 3; s++) {
        const char *g = stream_names[s];
        es_tally gap12 = paired(&with, "employment_status_12m_rate", &with, "employed_12m_rate", g);
        es_tally gap1 = paired(&with, "employment_status_1m_rate", &with, "employed_1m_rate", g);
        es_tally cont = paired(&with, "employed_12m_rate", &base, "employed_12m_rate", g);
        printf("  stream %s: status - continuous at 12 m %.4f (se %.5f), at 1 m %.4f; "
               "continuous with - without re-employment %.5f (se %.5f)\n",
               g, gap12.mean, es_tally_stderr(&gap12), gap1.mean, cont.mean,
               es_tally_stderr(&cont));
        assert_true(gap12.mean > 3.0 * es_tally_stderr(&gap12));
        assert_true(gap12.mean > gap1.mean);
        /* 0.005: flows after a return to service differ once some clients do not return */
        assert_true(fabs(cont.mean) <= 3.0 * es_tally_stderr(&cont) + 0.005);
        assert_true(value(&with, 0, "reemployments", g) > 0.0);
    }
    /* re-employment is lower for C: per job loss, fewer C clients find another job */
    double reemp[3];
    for (int s = 0; s < 3; s++)
        reemp[s] = tally(&with, "reemployments", stream_names[s]).mean /
                   tally(&with, "job_losses", stream_names[s]).mean;
    printf("  re-employments per job loss: A %.3f B %.3f C %.3f\n", reemp[0], reemp[1], reemp[2]);
    assert_true(reemp[0] > reemp[1] && reemp[1] > reemp[2]);
    es_experiment_destroy(&base);
    es_experiment_destroy(&with);
}

/* The tenure curve's shape: retention at 3 months is the stream's retention_3m_prob whatever
 * the shape (the same clients lose their job by 3 months: their draws are the same), while a
 * hazard falling with tenure keeps more of the 3-month survivors to 12 months —
 * S(12) = S(3)^(4^k), 0.85^(4^0.4) = 0.754 for stream A against 0.85^4 = 0.522. */
static void falling_hazard_keeps_3m_and_raises_12m(void **state)
{
    (void)state;
    es_experiment flat, falling;
    run_arm(&flat, &constant_no_return);
    run_arm(&falling, &falling_no_return);
    static const double retention_3m[3] = {0.85, 0.78, 0.70};
    for (int s = 0; s < 3; s++) {
        const char *g = stream_names[s];
        es_tally d3 = paired(&falling, "employed_3m_rate", &flat, "employed_3m_rate", g);
        es_tally d12 = paired(&falling, "employed_12m_rate", &flat, "employed_12m_rate", g);
        es_tally r12 = tally(&falling, "employed_12m_rate", g);
        double want = pow(retention_3m[s], pow(4.0, 0.4));
        printf("  stream %s: 3 m %+.5f (se %.5f), 12 m %+.4f; 12 m %.4f, analytic %.4f (se %.5f)\n",
               g, d3.mean, es_tally_stderr(&d3), d12.mean, r12.mean, want, es_tally_stderr(&r12));
        assert_true(fabs(d3.mean) <= 3.0 * es_tally_stderr(&d3) + 0.002);
        assert_true(d12.mean > 3.0 * es_tally_stderr(&d12));
        /* 0.01: checkpoints near the horizon and stacked jobs of the labour market */
        assert_true(fabs(r12.mean - want) <= 3.0 * es_tally_stderr(&r12) + 0.01);
    }
    es_experiment_destroy(&flat);
    es_experiment_destroy(&falling);
}

/* ---- the spell state machine, client by client ------------------------------------------- */

enum { OUTSIDE, IN_FIRST, UNEMPLOYED, IN_LATER };

typedef struct watch {
    uint8_t *state; /* by client id */
    size_t n;
    uint64_t bad, losses, reemployed, status_checks, employed_events;
} watch;

static void watch_spells(const es_model_event *ev, void *ctx)
{
    watch *w = ctx;
    if (ev->client_id >= w->n)
        return;
    uint8_t *st = &w->state[ev->client_id];
    switch (ev->kind) {
    case ES_MS_JOB_START:
        *st = IN_FIRST;
        break;
    case ES_MS_JOB_LOSS:
        w->losses++;
        w->bad += *st != IN_FIRST && *st != IN_LATER;
        *st = UNEMPLOYED;
        break;
    case ES_MS_REEMPLOYED:
        w->reemployed++;
        w->bad += *st != UNEMPLOYED;
        *st = IN_LATER;
        break;
    case ES_MS_EMPLOYED_1M:
    case ES_MS_EMPLOYED_3M:
    case ES_MS_EMPLOYED_6M:
    case ES_MS_EMPLOYED_12M:
        w->employed_events++;
        w->bad += *st != IN_FIRST; /* a funded checkpoint only in the first job */
        break;
    case ES_MS_FOLLOW_UP:
        w->status_checks++;
        w->bad += ev->employed != (*st == IN_FIRST || *st == IN_LATER);
        w->bad += ev->continuous != (*st == IN_FIRST);
        w->bad += *st == OUTSIDE;
        break;
    case ES_MS_INTAKE:
        *st = OUTSIDE; /* back for service: the follow-up of the first job ends */
        break;
    default:
        break;
    }
}

/* Every job loss comes from a job, every re-employment from an unemployment spell, every
 * funded checkpoint from the first job, and every status observation says what the client's
 * spell is: replayed from the events alone, on one replication with re-employment on. */
static void spells_follow_their_state_machine(void **state)
{
    (void)state;
    es_scenario scn;
    load(&scn);
    set_arm(&scn, &falling_with_return);
    watch w = {.n = 4000000};
    w.state = calloc(w.n, 1);
    assert_non_null(w.state);
    es_model m;
    es_error err;
    es_error_clear(&err);
    assert_int_equal(es_model_init(&m, &scn.params, 1, &err), ES_OK);
    assert_int_equal(es_model_add_observer(&m, watch_spells, &w), ES_OK);
    assert_int_equal(es_model_run(&m, &err), ES_OK);
    assert_true(m.next_client_id < w.n);
    printf("  %llu job losses, %llu re-employments, %llu status checks, %llu funded checkpoints\n",
           (unsigned long long)w.losses, (unsigned long long)w.reemployed,
           (unsigned long long)w.status_checks, (unsigned long long)w.employed_events);
    assert_true(w.reemployed > 0 && w.losses > w.reemployed);
    assert_true(w.status_checks > w.employed_events);
    assert_int_equal(w.bad, 0);
    es_model_destroy(&m);
    free(w.state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_reemployment_status_is_continuous_retention),
        cmocka_unit_test(reemployment_lifts_status_above_continuous_retention),
        cmocka_unit_test(falling_hazard_keeps_3m_and_raises_12m),
        cmocka_unit_test(spells_follow_their_state_machine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

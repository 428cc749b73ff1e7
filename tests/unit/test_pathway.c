/* The transformed system on its shipped scenarios: service-plan rules, streams that change
 * only at reassessment, and the province's calibration targets (docs/calibration.md).
 *
 * Statistical checks use a fixed seed and 4 replications; each compares a replication mean
 * with its target allowing 3 standard errors of that mean plus, where stated, the width of
 * the calibration band (the target itself is a rounded published figure). */
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

static es_scenario scn;

static void load(const char *path)
{
    es_error err;
    es_error_clear(&err);
    int rc = es_scenario_load(&scn, path, &err);
    if (rc)
        fprintf(stderr, "%s:%d: %s\n", err.file, err.line, err.msg);
    assert_int_equal(rc, ES_OK);
}

/* ---- streams change only at a reassessment (or a new episode's assessment) --------------- */

typedef struct stream_watch {
    int8_t *last; /* by client id */
    size_t n;
    uint64_t changes_at_review, illegal_changes, reassessments;
} stream_watch;

static void watch_streams(const es_model_event *ev, void *ctx)
{
    stream_watch *w = ctx;
    if (ev->client_id >= w->n)
        return;
    int8_t *last = &w->last[ev->client_id];
    bool new_assessment = ev->kind == ES_MS_INTAKE || ev->kind == ES_MS_ASSESSED;
    if (ev->kind == ES_MS_REASSESSED)
        w->reassessments++;
    if (*last >= 0 && *last != ev->stream) {
        if (ev->kind == ES_MS_REASSESSED)
            w->changes_at_review++;
        else if (!new_assessment)
            w->illegal_changes++;
    }
    *last = (int8_t)ev->stream;
}

static void stream_changes_only_at_reassessment(void **state)
{
    (void)state;
    load(SOURCE_DIR "/scenarios/peel.cfg");
    es_model m;
    es_error err;
    es_error_clear(&err);
    assert_int_equal(es_model_init(&m, &scn.params, 1, &err), ES_OK);
    stream_watch w = {.n = 2000000};
    w.last = malloc(w.n);
    assert_non_null(w.last);
    memset(w.last, -1, w.n);
    es_model_add_observer(&m, watch_streams, &w);
    assert_int_equal(es_model_run(&m, &err), ES_OK);
    assert_true(m.next_client_id < w.n);
    assert_true(w.changes_at_review > 100); /* reassessment does move clients */
    assert_int_equal(w.illegal_changes, 0);
    assert_int_equal(m.plan_violations, 0);
    free(w.last);
    es_model_destroy(&m);
}

/* ---- transfers need written consent -------------------------------------------------------- */

static void transfer_needs_written_consent(void **state)
{
    (void)state;
    load(SOURCE_DIR "/scenarios/peel.cfg");
    es_model m;
    es_error err;
    es_error_clear(&err);
    assert_int_equal(es_model_init(&m, &scn.params, 1, &err), ES_OK);
    assert_int_equal(es_model_start(&m, &err), ES_OK);
    es_sim_run(&m.sim, 200.0); /* Peel is live from day 0: by day 200 many are in service */
    uint32_t index = UINT32_MAX;
    for (uint32_t i = 0; i < m.nclients && index == UINT32_MAX; i++)
        if (m.clients[i].state == ES_CLIENT_IN_SERVICE && m.clients[i].plan_active)
            index = i;
    assert_true(index != UINT32_MAX);
    es_client before = m.clients[index];
    uint64_t opened = m.plans_opened, refused = m.transfers_refused;

    assert_int_equal(es_model_transfer(&m, index, false), ES_EINVAL);
    assert_int_equal(m.clients[index].site, before.site);
    assert_int_equal(m.clients[index].plan_id, before.plan_id);
    assert_int_equal(m.plans_opened, opened);
    assert_int_equal(m.transfers_refused, refused + 1);

    uint64_t other_before = m.plans_closed_by[ES_CLOSE_OTHER];
    assert_int_equal(es_model_transfer(&m, index, true), ES_OK);
    assert_int_not_equal(m.sites[m.clients[index].site].provider, m.sites[before.site].provider);
    assert_int_equal(m.plans_closed_by[ES_CLOSE_OTHER], other_before + 1);
    if (m.clients[index].state == ES_CLIENT_IN_SERVICE) /* served at once: a new plan */
        assert_true(m.clients[index].plan_id != before.plan_id && m.clients[index].plan_active);
    else
        assert_false(m.clients[index].plan_active); /* waits at the new provider, no plan */
    assert_int_equal(m.plan_violations, 0);
    es_model_destroy(&m);
}

/* ---- the province against its calibration targets ------------------------------------------ */

static es_experiment province;

static int run_province(void **state)
{
    (void)state;
    load(SOURCE_DIR "/scenarios/province.cfg");
    es_error err;
    es_error_clear(&err);
    es_run_options opt = {.replications = 4, .seed = -1, .jobs = 2};
    return es_experiment_run(&province, &scn, &opt, &err) == ES_OK ? 0 : -1;
}

static int free_province(void **state)
{
    (void)state;
    es_experiment_destroy(&province);
    return 0;
}

static es_tally measure(const char *name, const char *group)
{
    es_tally t;
    es_tally_reset(&t);
    for (int r = 0; r < province.nreps; r++) {
        double v;
        assert_int_equal(es_results_get(&province.reps[r].results, name, group, &v), 0);
        es_tally_add(&t, v);
    }
    return t;
}

static void assert_near(const char *name, const char *group, double target, double band)
{
    es_tally t = measure(name, group);
    double se = es_tally_stderr(&t);
    printf("  %-38s %-18s mean %.4f target %.4f se %.5f\n", name, group, es_tally_mean(&t),
           target, se);
    assert_true(fabs(es_tally_mean(&t) - target) <= 3.0 * se + band);
}

static void province_stream_split_matches_prototypes(void **state)
{
    (void)state;
    /* band 0.01: thresholds are calibrated on first assessments; returning clients and the
     * phased mix of catchments move the realised split slightly */
    assert_near("stream_share", "A", 0.22, 0.01);
    assert_near("stream_share", "B", 0.31, 0.01);
    assert_near("stream_share", "C", 0.47, 0.01);
}

static void province_outcomes_fall_from_a_to_c(void **state)
{
    (void)state;
    const char *measures[] = {"employment_rate_at_exit", "employed_3m_rate", "employed_12m_rate"};
    for (int i = 0; i < 3; i++) {
        es_tally a = measure(measures[i], "A"), b = measure(measures[i], "B"),
                 c = measure(measures[i], "C");
        printf("  %-28s A %.4f  B %.4f  C %.4f\n", measures[i], a.mean, b.mean, c.mean);
        /* each step down exceeds 3 standard errors of the difference */
        assert_true(a.mean - b.mean > 3.0 * hypot(es_tally_stderr(&a), es_tally_stderr(&b)));
        assert_true(b.mean - c.mean > 3.0 * hypot(es_tally_stderr(&b), es_tally_stderr(&c)));
    }
}

static void province_social_assistance_gap_at_least_10_points(void **state)
{
    (void)state;
    es_tally gap = measure("employment_gap_sa_vs_other", "all");
    printf("  gap %.4f se %.5f\n", gap.mean, es_tally_stderr(&gap));
    assert_true(gap.mean - 3.0 * es_tally_stderr(&gap) >= 0.10);
}

static void province_completers_employed_20h(void **state)
{
    (void)state;
    /* band 0.02: the evaluation reports "about 86 %" (87 % at some point in the year) */
    assert_near("employed_20h_at_exit_rate_completers", "all", 0.86, 0.02);
}

static void province_rules_hold(void **state)
{
    (void)state;
    for (int r = 0; r < province.nreps; r++) {
        const es_results *res = &province.reps[r].results;
        double violations, arrived, waiting, in_service, exited, plans_end;
        es_results_get(res, "plan_rule_violations", "all", &violations);
        es_results_get(res, "clients_arrived", "all", &arrived);
        es_results_get(res, "clients_waiting_end", "all", &waiting);
        es_results_get(res, "clients_in_service_end", "all", &in_service);
        es_results_get(res, "clients_exited", "all", &exited);
        es_results_get(res, "plans_active_end", "all", &plans_end);
        assert_true(violations == 0.0);
        assert_true(arrived == waiting + in_service + exited);
        assert_true(plans_end == in_service);
        assert_true(arrived > 500000); /* about 250,000 a year once all are live */
    }
}

int main(void)
{
    const struct CMUnitTest rules[] = {
        cmocka_unit_test(stream_changes_only_at_reassessment),
        cmocka_unit_test(transfer_needs_written_consent),
    };
    const struct CMUnitTest calibration[] = {
        cmocka_unit_test(province_stream_split_matches_prototypes),
        cmocka_unit_test(province_outcomes_fall_from_a_to_c),
        cmocka_unit_test(province_social_assistance_gap_at_least_10_points),
        cmocka_unit_test(province_completers_employed_20h),
        cmocka_unit_test(province_rules_hold),
    };
    int failed = cmocka_run_group_tests_name("service-plan rules", rules, NULL, NULL);
    failed += cmocka_run_group_tests_name("province calibration", calibration, run_province,
                                          free_province);
    return failed;
}

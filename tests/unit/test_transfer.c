/* A consented transfer between providers (src/model/service.c; issue 14): the client keeps its
 * history and the services already received.  Replayed from the events of one replication of
 * Peel in which every client in service asks to change provider and consents: a transferred
 * client never repeats a finished training, the time to a job counts from the intake (a
 * transfer does not restart the clock), and the time in service is the plan's, not a new one. */
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
#include "model/system.h"

typedef struct client_log {
    double intake, transfer;
    uint8_t trainings, transferred;
} client_log;

typedef struct watch {
    client_log *c; /* by client id */
    size_t n;
    uint64_t transfers, transferred_jobs, repeated_training, clock_reset;
} watch;

static void watch_transfers(const es_model_event *ev, void *ctx)
{
    watch *w = ctx;
    if (ev->client_id >= w->n)
        return;
    client_log *c = &w->c[ev->client_id];
    switch (ev->kind) {
    case ES_MS_INTAKE: /* a new episode */
        *c = (client_log){.intake = ev->time};
        break;
    case ES_MS_TRANSFER:
        w->transfers++;
        c->transferred = 1;
        c->transfer = ev->time;
        break;
    case ES_MS_TRAINING_COMPLETED:
        if (++c->trainings > 1)
            w->repeated_training++;
        break;
    case ES_MS_JOB_START:
        if (c->transferred) {
            w->transferred_jobs++;
            if (fabs(ev->since_arrival_days - (ev->time - c->intake)) > 1e-9)
                w->clock_reset++;
        }
        break;
    default:
        break;
    }
}

static void transfer_keeps_history_and_services(void **state)
{
    (void)state;
    es_scenario scn;
    es_error err;
    es_error_clear(&err);
    assert_int_equal(es_scenario_load(&scn, SOURCE_DIR "/scenarios/peel.cfg", &err), ES_OK);
    scn.params.horizon_days = 730.5;
    scn.params.outcomes.transfer_request_prob = 1.0;
    scn.params.outcomes.transfer_consent_prob = 1.0;
    watch w = {.n = 2000000};
    w.c = calloc(w.n, sizeof *w.c);
    assert_non_null(w.c);
    es_model m;
    assert_int_equal(es_model_init(&m, &scn.params, 1, &err), ES_OK);
    assert_int_equal(es_model_add_observer(&m, watch_transfers, &w), ES_OK);
    assert_int_equal(es_model_run(&m, &err), ES_OK);
    assert_true(m.next_client_id < w.n);
    printf("  %llu transfers, %llu job starts after one, %llu trainings repeated, %llu clocks "
           "reset\n",
           (unsigned long long)w.transfers, (unsigned long long)w.transferred_jobs,
           (unsigned long long)w.repeated_training, (unsigned long long)w.clock_reset);
    assert_true(w.transfers > 1000);
    assert_true(w.transferred_jobs > 1000);
    assert_int_equal(w.repeated_training, 0);
    assert_int_equal(w.clock_reset, 0);
    assert_int_equal(m.plan_violations, 0);
    es_model_destroy(&m);
    free(w.c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(transfer_keeps_history_and_services),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

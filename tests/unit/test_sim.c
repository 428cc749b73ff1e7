/* es_sim: event order, the clock, ties, cancellation, run(until), stop, clamping, reset. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "engine/error.h"
#include "engine/sim.h"

/* What the handlers saw, in the order they ran. */
typedef struct seen {
    double now, time;
    size_t pending, pending_after; /* es_sim_pending() on entry to the handler and on exit */
    uint64_t data;
    uint32_t type;
    es_handle handle;
} seen;

typedef struct run_log {
    seen rec[4096];
    size_t n;
    /* optional behaviour, keyed on the event's data */
    uint64_t stop_on;
    uint64_t cancel_on;
    es_handle cancel_what;
    int cancel_rc;
    uint64_t spawn_on;
    double spawn_delay;
    uint32_t spawn_type;
} run_log;

static void record(es_sim *sim, const es_event *ev, void *ctx)
{
    run_log *lg = ctx;
    assert_true(lg->n < sizeof lg->rec / sizeof lg->rec[0]);
    lg->rec[lg->n++] = (seen){.now = es_sim_now(sim), .time = ev->time, .data = ev->data,
                              .type = ev->type, .handle = ev->handle,
                              .pending = es_sim_pending(sim)};
    if (lg->stop_on && ev->data == lg->stop_on)
        es_sim_stop(sim);
    if (lg->cancel_on && ev->data == lg->cancel_on)
        lg->cancel_rc = es_sim_cancel(sim, lg->cancel_what);
    if (lg->spawn_on && ev->data == lg->spawn_on)
        assert_int_equal(es_sim_schedule(sim, lg->spawn_delay, lg->spawn_type, ev->data + 1000,
                                         NULL),
                         ES_OK);
    lg->rec[lg->n - 1].pending_after = es_sim_pending(sim);
}

static es_sim sim;
static run_log lg;

static int setup(void **state)
{
    (void)state;
    lg = (run_log){0};
    if (es_sim_init(&sim, 0) != ES_OK)
        return -1;
    return es_sim_register(&sim, record, &lg) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    es_sim_destroy(&sim);
    return 0;
}

static uint64_t test_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void handlers_run_in_time_order_with_the_clock_set(void **state)
{
    (void)state;
    const double at[] = {5.0, 1.0, 3.5, 2.0, 10.0, 0.0, 7.25};
    es_handle h[7];
    for (int i = 0; i < 7; i++)
        assert_int_equal(es_sim_schedule_at(&sim, at[i], 0, (uint64_t)i, &h[i]), ES_OK);
    assert_int_equal(es_sim_pending(&sim), 7);
    assert_int_equal(es_sim_run(&sim, INFINITY), 7);
    const uint64_t order[] = {5, 1, 3, 2, 0, 6, 4};
    assert_int_equal(lg.n, 7);
    for (int i = 0; i < 7; i++) {
        assert_int_equal(lg.rec[i].data, order[i]);
        assert_true(lg.rec[i].time == at[order[i]]);
        assert_true(lg.rec[i].now == lg.rec[i].time);
        assert_int_equal(lg.rec[i].type, 0);
        assert_int_equal(lg.rec[i].handle, h[order[i]]); /* the handle it was scheduled with */
    }
    assert_int_equal(es_sim_pending(&sim), 0);
    assert_int_equal(sim.events_done, 7);
    /* with no finite horizon the clock stays at the last event */
    assert_true(es_sim_now(&sim) == 10.0);
}

static void relative_delays_count_from_now(void **state)
{
    (void)state;
    lg.spawn_on = 1;
    lg.spawn_delay = 2.5;
    assert_int_equal(es_sim_schedule(&sim, 4.0, 0, 1, NULL), ES_OK);
    assert_int_equal(es_sim_run(&sim, INFINITY), 2);
    assert_int_equal(lg.rec[1].data, 1001);
    assert_true(lg.rec[1].time == 6.5);
    assert_true(lg.rec[1].now == 6.5);
}

static void equal_times_run_in_scheduling_order(void **state)
{
    (void)state;
    for (uint64_t i = 1; i <= 100; i++)
        assert_int_equal(es_sim_schedule_at(&sim, i % 2 ? 3.0 : 1.0, 0, i, NULL), ES_OK);
    /* an event scheduled at the current time from a handler runs after those already due */
    lg.spawn_on = 2;
    lg.spawn_delay = 0.0;
    assert_int_equal(es_sim_run(&sim, INFINITY), 101);
    size_t k = 0;
    for (uint64_t i = 2; i <= 100; i += 2)
        assert_int_equal(lg.rec[k++].data, i);
    assert_int_equal(lg.rec[k].data, 1002);
    assert_true(lg.rec[k++].time == 1.0);
    for (uint64_t i = 1; i <= 100; i += 2)
        assert_int_equal(lg.rec[k++].data, i);
    assert_int_equal(k, 101);
}

static void random_schedule_runs_in_time_then_schedule_order(void **state)
{
    (void)state;
    enum { N = 3000 };
    static double when[N];
    uint64_t rs = 99;
    for (uint64_t i = 0; i < N; i++) {
        when[i] = (double)(test_rand(&rs) % 200) / 8.0; /* many ties */
        assert_int_equal(es_sim_schedule_at(&sim, when[i], 0, i, NULL), ES_OK);
    }
    size_t prev_n = 0;
    double prev_until = -INFINITY;
    for (int slice = 1;; slice++) { /* run in slices of 1.0 time unit */
        double until = (double)slice;
        es_sim_run(&sim, until);
        assert_true(es_sim_now(&sim) == until);
        for (size_t i = prev_n; i < lg.n; i++)
            assert_true(lg.rec[i].time <= until && lg.rec[i].time > prev_until);
        prev_n = lg.n;
        prev_until = until;
        if (es_sim_pending(&sim) == 0)
            break;
    }
    assert_int_equal(lg.n, N);
    for (size_t i = 0; i < N; i++) {
        assert_true(lg.rec[i].time == when[lg.rec[i].data]);
        if (i > 0) {
            assert_true(lg.rec[i].time >= lg.rec[i - 1].time);
            if (lg.rec[i].time == lg.rec[i - 1].time)
                assert_true(lg.rec[i].data > lg.rec[i - 1].data);
        }
    }
}

static void pending_inside_a_handler_excludes_the_running_event(void **state)
{
    (void)state;
    for (uint64_t i = 1; i <= 3; i++)
        assert_int_equal(es_sim_schedule_at(&sim, (double)i, 0, i, NULL), ES_OK);
    lg.spawn_on = 2;
    lg.spawn_delay = 10.0;
    assert_int_equal(es_sim_run(&sim, INFINITY), 4);
    /* counted on entry to each handler; event 2 then schedules one more */
    assert_int_equal(lg.rec[0].pending, 2);
    assert_int_equal(lg.rec[1].pending, 1);
    assert_int_equal(lg.rec[2].pending, 1);
    assert_int_equal(lg.rec[3].pending, 0);
    assert_int_equal(lg.rec[0].pending_after, 2);
    assert_int_equal(lg.rec[1].pending_after, 2);
    assert_int_equal(lg.rec[2].pending_after, 1);
    assert_int_equal(es_sim_pending(&sim), 0);
}

/* A handler that cancels one event and schedules several, in an order unlike their times. */
typedef struct busy_handler {
    es_handle victim, got[3];
    int rc[4];
} busy_handler;

static void cancel_then_schedule_three(es_sim *s, const es_event *ev, void *ctx)
{
    (void)ev;
    busy_handler *b = ctx;
    b->rc[0] = es_sim_cancel(s, b->victim);
    b->rc[1] = es_sim_schedule(s, 2.0, 0, 30, &b->got[0]); /* t = 3 */
    b->rc[2] = es_sim_schedule(s, 1.0, 0, 20, &b->got[1]); /* t = 2 */
    b->rc[3] = es_sim_schedule(s, 0.0, 0, 10, &b->got[2]); /* t = 1, after 11 already due */
}

static void handler_cancels_and_schedules_several(void **state)
{
    (void)state;
    static busy_handler b;
    b = (busy_handler){0};
    int type = es_sim_register(&sim, cancel_then_schedule_three, &b);
    assert_int_equal(type, 1);
    es_handle first, later;
    assert_int_equal(es_sim_schedule_at(&sim, 1.0, (uint32_t)type, 0, &first), ES_OK);
    assert_int_equal(es_sim_schedule_at(&sim, 1.0, 0, 11, NULL), ES_OK);
    assert_int_equal(es_sim_schedule_at(&sim, 5.0, 0, 50, &b.victim), ES_OK);
    assert_int_equal(es_sim_schedule_at(&sim, 7.0, 0, 70, &later), ES_OK);
    assert_int_equal(es_sim_run(&sim, INFINITY), 6);
    for (int i = 0; i < 4; i++)
        assert_int_equal(b.rc[i], ES_OK);
    /* all handles in play are distinct: the new events did not take a live or stale one */
    es_handle all[] = {first, b.victim, later, b.got[0], b.got[1], b.got[2]};
    for (int i = 0; i < 6; i++)
        for (int j = i + 1; j < 6; j++)
            assert_int_not_equal(all[i], all[j]);
    const uint64_t order[] = {11, 10, 20, 30, 70};
    const double at[] = {1.0, 1.0, 2.0, 3.0, 7.0};
    assert_int_equal(lg.n, 5);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(lg.rec[i].data, order[i]);
        assert_true(lg.rec[i].time == at[i]);
    }
    /* each event arrived with the handle its scheduler was given */
    assert_int_equal(lg.rec[1].handle, b.got[2]);
    assert_int_equal(lg.rec[2].handle, b.got[1]);
    assert_int_equal(lg.rec[3].handle, b.got[0]);
    assert_int_equal(lg.rec[4].handle, later);
    assert_int_equal(es_sim_cancel(&sim, b.victim), ES_ENOENT);
    assert_int_equal(es_sim_cancel(&sim, first), ES_ENOENT);
}

static void cancel_removes_an_event_once(void **state)
{
    (void)state;
    es_handle h[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(es_sim_schedule_at(&sim, 1.0 + i, 0, (uint64_t)i + 1, &h[i]), ES_OK);
    assert_int_equal(es_sim_cancel(&sim, h[1]), ES_OK);
    assert_int_equal(es_sim_cancel(&sim, h[1]), ES_ENOENT);
    assert_int_equal(es_sim_pending(&sim), 3);
    /* a handler cancels a later event */
    lg.cancel_on = 1;
    lg.cancel_what = h[3];
    lg.cancel_rc = -1;
    assert_int_equal(es_sim_run(&sim, INFINITY), 2);
    assert_int_equal(lg.cancel_rc, ES_OK);
    assert_int_equal(lg.n, 2);
    assert_int_equal(lg.rec[0].data, 1);
    assert_int_equal(lg.rec[1].data, 3);
    /* events that already ran or were cancelled are refused */
    for (int i = 0; i < 4; i++)
        assert_int_equal(es_sim_cancel(&sim, h[i]), ES_ENOENT);
    assert_int_equal(es_sim_cancel(&sim, 0), ES_ENOENT);
}

static void cancelling_the_running_event_is_refused(void **state)
{
    (void)state;
    es_handle h, other;
    assert_int_equal(es_sim_schedule_at(&sim, 1.0, 0, 7, &h), ES_OK);
    lg.cancel_on = 7;
    lg.cancel_what = h;
    lg.cancel_rc = -1;
    assert_int_equal(es_sim_run(&sim, INFINITY), 1);
    assert_int_equal(lg.cancel_rc, ES_ENOENT);
    /* its slot is reused by the next event; the old handle must not cancel that one */
    assert_int_equal(es_sim_schedule_at(&sim, 2.0, 0, 8, &other), ES_OK);
    assert_int_equal(es_sim_cancel(&sim, h), ES_ENOENT);
    assert_int_equal(es_sim_pending(&sim), 1);
    assert_int_equal(es_sim_cancel(&sim, other), ES_OK);
}

static void run_until_stops_before_later_events(void **state)
{
    (void)state;
    const double at[] = {1.0, 2.0, 3.0, 3.0, 5.0, 8.0};
    for (int i = 0; i < 6; i++)
        assert_int_equal(es_sim_schedule_at(&sim, at[i], 0, (uint64_t)i, NULL), ES_OK);
    assert_int_equal(es_sim_run(&sim, 3.0), 4); /* events at `until` run */
    assert_true(es_sim_now(&sim) == 3.0);
    assert_int_equal(es_sim_pending(&sim), 2);
    assert_int_equal(es_sim_run(&sim, 4.5), 0);
    assert_true(es_sim_now(&sim) == 4.5); /* nothing ran, the clock still moves to `until` */
    assert_int_equal(lg.n, 4);
    /* a horizon in the past runs nothing and never moves the clock back */
    assert_int_equal(es_sim_run(&sim, 2.0), 0);
    assert_true(es_sim_now(&sim) == 4.5);
    assert_int_equal(es_sim_run(&sim, 6.0), 1);
    assert_true(lg.rec[4].now == 5.0);
    assert_true(es_sim_now(&sim) == 6.0);
    /* the calendar empties before the horizon: the clock still ends at `until` */
    assert_int_equal(es_sim_run(&sim, 100.0), 1);
    assert_true(es_sim_now(&sim) == 100.0);
    assert_int_equal(sim.events_done, 6);
}

static void stop_ends_the_run_at_the_stop_time(void **state)
{
    (void)state;
    for (uint64_t i = 1; i <= 5; i++)
        assert_int_equal(es_sim_schedule_at(&sim, (double)i, 0, i, NULL), ES_OK);
    lg.stop_on = 2;
    assert_int_equal(es_sim_run(&sim, 10.0), 2);
    assert_true(es_sim_now(&sim) == 2.0);
    assert_int_equal(es_sim_pending(&sim), 3);
    /* the next run carries on where the stop left off */
    lg.stop_on = 0;
    assert_int_equal(es_sim_run(&sim, 10.0), 3);
    assert_true(es_sim_now(&sim) == 10.0);
    assert_int_equal(lg.rec[2].data, 3);
    assert_int_equal(sim.events_done, 5);
}

static void scheduling_in_the_past_clamps_to_now(void **state)
{
    (void)state;
    assert_int_equal(es_sim_run(&sim, 5.0), 0);
    assert_true(es_sim_now(&sim) == 5.0);
    assert_int_equal(es_sim_schedule_at(&sim, 3.0, 0, 1, NULL), ES_OK);
    assert_int_equal(es_sim_schedule(&sim, -2.0, 0, 2, NULL), ES_OK);
    assert_int_equal(es_sim_schedule_at(&sim, 5.0, 0, 3, NULL), ES_OK);
    assert_true(es_calq_peek(&sim.calendar)->key == 5.0);
    assert_int_equal(es_sim_run(&sim, 5.0), 3); /* all three are due now */
    for (int i = 0; i < 3; i++) {
        assert_true(lg.rec[i].time == 5.0);
        assert_true(lg.rec[i].now == 5.0);
        assert_int_equal(lg.rec[i].data, (uint64_t)i + 1); /* clamped ones keep their order */
    }
}

static void handler_ctx(es_sim *s, const es_event *ev, void *ctx)
{
    (void)s;
    int *hits = ctx;
    hits[ev->type]++;
}

static void register_assigns_types_and_contexts(void **state)
{
    (void)state;
    static int hits[ES_SIM_MAX_TYPES];
    /* type 0 is the recorder from setup; fill the rest of the table */
    for (int i = 1; i < ES_SIM_MAX_TYPES; i++)
        assert_int_equal(es_sim_register(&sim, handler_ctx, hits), i);
    assert_int_equal(es_sim_register(&sim, handler_ctx, hits), -1);
    for (uint32_t t = 1; t < ES_SIM_MAX_TYPES; t++)
        for (uint32_t k = 0; k < t; k++)
            assert_int_equal(es_sim_schedule(&sim, 1.0, t, 0, NULL), ES_OK);
    assert_int_equal(es_sim_schedule(&sim, 1.0, 0, 42, NULL), ES_OK);
    es_sim_run(&sim, INFINITY);
    for (int t = 1; t < ES_SIM_MAX_TYPES; t++)
        assert_int_equal(hits[t], t);
    assert_int_equal(hits[0], 0);
    assert_int_equal(lg.n, 1);
    assert_int_equal(lg.rec[0].data, 42);
}

static void reset_clears_calendar_and_clock_keeps_handlers(void **state)
{
    (void)state;
    es_handle h;
    assert_int_equal(es_sim_schedule_at(&sim, 1.0, 0, 1, NULL), ES_OK);
    assert_int_equal(es_sim_schedule_at(&sim, 9.0, 0, 2, &h), ES_OK);
    assert_int_equal(es_sim_run(&sim, 4.0), 1);
    es_sim_reset(&sim);
    assert_true(es_sim_now(&sim) == 0.0);
    assert_int_equal(es_sim_pending(&sim), 0);
    assert_int_equal(sim.events_done, 0);
    assert_int_equal(es_sim_cancel(&sim, h), ES_ENOENT);
    assert_int_equal(es_sim_schedule_at(&sim, 2.0, 0, 3, NULL), ES_OK);
    assert_int_equal(es_sim_run(&sim, INFINITY), 1);
    assert_int_equal(lg.n, 2);
    assert_int_equal(lg.rec[1].data, 3);
    assert_true(lg.rec[1].now == 2.0);
}

static void independent_runs_do_not_interfere(void **state)
{
    (void)state;
    es_sim other;
    static run_log other_log;
    other_log = (run_log){0};
    assert_int_equal(es_sim_init(&other, 4), ES_OK);
    assert_int_equal(es_sim_register(&other, record, &other_log), 0);
    assert_int_equal(es_sim_schedule_at(&sim, 1.0, 0, 1, NULL), ES_OK);
    assert_int_equal(es_sim_schedule_at(&other, 2.0, 0, 2, NULL), ES_OK);
    assert_int_equal(es_sim_run(&other, 3.0), 1);
    assert_true(es_sim_now(&sim) == 0.0);
    assert_int_equal(es_sim_pending(&sim), 1);
    assert_int_equal(lg.n, 0);
    assert_int_equal(other_log.n, 1);
    assert_int_equal(other_log.rec[0].data, 2);
    es_sim_destroy(&other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(handlers_run_in_time_order_with_the_clock_set, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(relative_delays_count_from_now, setup, teardown),
        cmocka_unit_test_setup_teardown(equal_times_run_in_scheduling_order, setup, teardown),
        cmocka_unit_test_setup_teardown(random_schedule_runs_in_time_then_schedule_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(pending_inside_a_handler_excludes_the_running_event,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(handler_cancels_and_schedules_several, setup, teardown),
        cmocka_unit_test_setup_teardown(cancel_removes_an_event_once, setup, teardown),
        cmocka_unit_test_setup_teardown(cancelling_the_running_event_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(run_until_stops_before_later_events, setup, teardown),
        cmocka_unit_test_setup_teardown(stop_ends_the_run_at_the_stop_time, setup, teardown),
        cmocka_unit_test_setup_teardown(scheduling_in_the_past_clamps_to_now, setup, teardown),
        cmocka_unit_test_setup_teardown(register_assigns_types_and_contexts, setup, teardown),
        cmocka_unit_test_setup_teardown(reset_clears_calendar_and_clock_keeps_handlers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(independent_runs_do_not_interfere, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

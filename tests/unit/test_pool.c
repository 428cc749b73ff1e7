/* es_pool: immediate service, queue discipline, reneging, hand-over on release, capacity
 * changes, and the time-weighted averages on hand-worked timelines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "engine/error.h"
#include "engine/pool.h"

static es_pool pool;

static int setup_two_servers(void **state)
{
    (void)state;
    return es_pool_init(&pool, 2, 0.0) == ES_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    es_pool_destroy(&pool);
    return 0;
}

/* Releases one server and returns the entity that took it over (0 when none did). */
static uint64_t release_to(double now)
{
    uint64_t next = 0;
    return es_pool_release(&pool, now, &next) ? next : 0;
}

static void serves_at_once_up_to_capacity(void **state)
{
    (void)state;
    es_handle t = 0;
    assert_int_equal(es_pool_acquire(&pool, 0.0, 1, 0, &t), 1);
    assert_int_equal(pool.busy, 1);
    assert_int_equal(es_pool_acquire(&pool, 0.0, 2, 0, &t), 1);
    assert_int_equal(pool.busy, 2);
    assert_int_equal(es_pool_queue_length(&pool), 0);
    assert_int_equal(es_pool_acquire(&pool, 0.0, 3, 0, &t), 0);
    assert_int_not_equal(t, 0); /* a waiting entity gets a ticket */
    assert_int_equal(pool.busy, 2);
    assert_int_equal(es_pool_queue_length(&pool), 1);
    /* NULL ticket is allowed */
    assert_int_equal(es_pool_acquire(&pool, 0.0, 4, 0, NULL), 0);
    assert_int_equal(es_pool_queue_length(&pool), 2);
}

static void release_with_nobody_waiting_frees_the_server(void **state)
{
    (void)state;
    assert_int_equal(es_pool_acquire(&pool, 0.0, 1, 0, NULL), 1);
    assert_int_equal(es_pool_acquire(&pool, 0.0, 2, 0, NULL), 1);
    uint64_t next = 77;
    assert_false(es_pool_release(&pool, 1.0, &next));
    assert_int_equal(pool.busy, 1);
    assert_false(es_pool_release(&pool, 1.0, &next));
    assert_int_equal(pool.busy, 0);
    /* a freed server serves the next arrival at once */
    assert_int_equal(es_pool_acquire(&pool, 2.0, 3, 0, NULL), 1);
}

static void release_hands_the_server_to_the_next_in_line(void **state)
{
    (void)state;
    assert_int_equal(es_pool_acquire(&pool, 0.0, 1, 0, NULL), 1);
    assert_int_equal(es_pool_acquire(&pool, 0.0, 2, 0, NULL), 1);
    for (uint64_t e = 10; e < 15; e++)
        assert_int_equal(es_pool_acquire(&pool, 0.0, e, 0, NULL), 0);
    /* FIFO among equal priority; the server changes hands, busy stays at capacity */
    for (uint64_t e = 10; e < 15; e++) {
        assert_int_equal(release_to(1.0), e);
        assert_int_equal(pool.busy, 2);
        assert_int_equal(es_pool_queue_length(&pool), 14 - e);
    }
    assert_int_equal(release_to(2.0), 0);
    assert_int_equal(pool.busy, 1);
}

static void higher_priority_is_served_first(void **state)
{
    (void)state;
    assert_int_equal(es_pool_acquire(&pool, 0.0, 1, 0, NULL), 1);
    assert_int_equal(es_pool_acquire(&pool, 0.0, 2, 0, NULL), 1);
    /* entity id = arrival order; priorities mixed, with ties and a negative one */
    const int prio[] = {0, 5, 2, 5, -3, 2, 0};
    for (int i = 0; i < 7; i++)
        assert_int_equal(es_pool_acquire(&pool, 0.0, 100 + (uint64_t)i, prio[i], NULL), 0);
    const uint64_t order[] = {101, 103, 102, 105, 100, 106, 104};
    for (int i = 0; i < 7; i++)
        assert_int_equal(release_to(1.0), order[i]);
    /* with a server free, any priority is served at once */
    assert_int_equal(release_to(2.0), 0);
    assert_int_equal(es_pool_acquire(&pool, 2.0, 200, -100, NULL), 1);
}

static void renege_removes_a_waiting_entity(void **state)
{
    (void)state;
    es_handle ta, tb, tc;
    assert_int_equal(es_pool_acquire(&pool, 0.0, 1, 0, NULL), 1);
    assert_int_equal(es_pool_acquire(&pool, 0.0, 2, 0, NULL), 1);
    assert_int_equal(es_pool_acquire(&pool, 0.0, 10, 0, &ta), 0);
    assert_int_equal(es_pool_acquire(&pool, 0.0, 11, 0, &tb), 0);
    assert_int_equal(es_pool_acquire(&pool, 0.0, 12, 0, &tc), 0);
    assert_int_equal(es_pool_renege(&pool, 1.0, tb), ES_OK);
    assert_int_equal(es_pool_queue_length(&pool), 2);
    assert_int_equal(es_pool_renege(&pool, 1.0, tb), ES_ENOENT); /* ticket is spent */
    assert_int_equal(es_pool_queue_length(&pool), 2);
    assert_int_equal(release_to(2.0), 10);
    /* a ticket whose holder was served is no longer valid either */
    assert_int_equal(es_pool_renege(&pool, 2.0, ta), ES_ENOENT);
    /* a new waiter may reuse the reneged ticket's slot; the old ticket still fails */
    es_handle td;
    assert_int_equal(es_pool_acquire(&pool, 3.0, 13, 0, &td), 0);
    assert_int_equal(es_pool_renege(&pool, 3.0, tb), ES_ENOENT);
    assert_int_equal(es_pool_renege(&pool, 3.0, ta), ES_ENOENT);
    assert_int_equal(es_pool_queue_length(&pool), 2);
    assert_int_equal(release_to(4.0), 12);
    assert_int_equal(release_to(4.0), 13);
    assert_int_equal(release_to(4.0), 0);
    assert_int_equal(es_pool_renege(&pool, 5.0, tc), ES_ENOENT);
    assert_int_equal(es_pool_renege(&pool, 5.0, td), ES_ENOENT);
    assert_int_equal(es_pool_renege(&pool, 5.0, 0), ES_ENOENT);
    assert_int_equal(pool.busy, 1);
}

static void raising_capacity_starts_waiting_entities(void **state)
{
    (void)state;
    assert_int_equal(es_pool_acquire(&pool, 0.0, 1, 0, NULL), 1);
    assert_int_equal(es_pool_acquire(&pool, 0.0, 2, 0, NULL), 1);
    for (uint64_t e = 10; e < 14; e++)
        assert_int_equal(es_pool_acquire(&pool, 0.0, e, e == 12 ? 1 : 0, NULL), 0);
    uint64_t started[8] = {0};
    assert_int_equal(es_pool_set_capacity(&pool, 1.0, 4, started, 8), 2);
    assert_int_equal(started[0], 12); /* in queue order: priority first */
    assert_int_equal(started[1], 10);
    assert_int_equal(pool.capacity, 4);
    assert_int_equal(pool.busy, 4);
    assert_int_equal(es_pool_queue_length(&pool), 2);
    /* no more room than `max_started` is written */
    started[1] = 999;
    assert_int_equal(es_pool_set_capacity(&pool, 2.0, 10, started, 1), 1);
    assert_int_equal(started[0], 11);
    assert_int_equal(started[1], 999);
    assert_int_equal(pool.busy, 5);
    assert_int_equal(es_pool_queue_length(&pool), 1);
    /* the same capacity again starts the rest */
    assert_int_equal(es_pool_set_capacity(&pool, 3.0, 10, started, 8), 1);
    assert_int_equal(started[0], 13);
    assert_int_equal(pool.busy, 6);
    assert_int_equal(es_pool_queue_length(&pool), 0);
}

/* When `max_started` left entities waiting beside a free server, a newcomer still queues
 * behind them rather than taking the server out of turn. */
static void arrivals_do_not_overtake_the_queue(void **state)
{
    (void)state;
    assert_int_equal(es_pool_acquire(&pool, 0.0, 1, 0, NULL), 1);
    assert_int_equal(es_pool_acquire(&pool, 0.0, 2, 0, NULL), 1);
    assert_int_equal(es_pool_acquire(&pool, 0.0, 10, 0, NULL), 0);
    assert_int_equal(es_pool_acquire(&pool, 0.0, 11, 0, NULL), 0);
    uint64_t started[4];
    assert_int_equal(es_pool_set_capacity(&pool, 1.0, 4, started, 1), 1);
    assert_int_equal(started[0], 10);
    assert_int_equal(pool.busy, 3); /* one server free, 11 still waiting */
    assert_int_equal(es_pool_acquire(&pool, 2.0, 12, 0, NULL), 0);
    assert_int_equal(es_pool_queue_length(&pool), 2);
    assert_int_equal(es_pool_set_capacity(&pool, 3.0, 4, started, 4), 1);
    assert_int_equal(started[0], 11);
    assert_int_equal(release_to(4.0), 12);
}

static void lowering_capacity_retires_servers_as_they_free(void **state)
{
    (void)state;
    uint64_t started[4];
    assert_int_equal(es_pool_set_capacity(&pool, 0.0, 3, started, 4), 0);
    for (uint64_t e = 1; e <= 3; e++)
        assert_int_equal(es_pool_acquire(&pool, 0.0, e, 0, NULL), 1);
    assert_int_equal(es_pool_acquire(&pool, 0.0, 4, 0, NULL), 0);
    assert_int_equal(es_pool_set_capacity(&pool, 1.0, 1, started, 4), 0);
    assert_int_equal(pool.capacity, 1);
    assert_int_equal(pool.busy, 3); /* nobody is interrupted */
    /* the first two releases retire servers instead of serving the waiting entity */
    assert_int_equal(release_to(2.0), 0);
    assert_int_equal(pool.busy, 2);
    assert_int_equal(es_pool_queue_length(&pool), 1);
    assert_int_equal(release_to(3.0), 0);
    assert_int_equal(pool.busy, 1);
    assert_int_equal(release_to(4.0), 4); /* now at capacity: the server changes hands */
    assert_int_equal(pool.busy, 1);
    assert_int_equal(es_pool_acquire(&pool, 5.0, 5, 0, NULL), 0); /* full at capacity 1 */
    assert_int_equal(es_pool_queue_length(&pool), 1);
}

/* Timeline, two servers:
 *   t=0 A arrives, served        busy 1  queue 0
 *   t=1 B arrives, served        busy 2  queue 0
 *   t=2 C arrives, waits         busy 2  queue 1
 *   t=3 D arrives, waits         busy 2  queue 2
 *   t=4 A leaves, C takes over   busy 2  queue 1
 *   t=6 D reneges                busy 2  queue 0
 *   t=7 B leaves                 busy 1  queue 0
 * At t=10: busy area 1*1 + 2*6 + 1*3 = 16, queue area 1*1 + 2*1 + 1*2 = 5; averages over 10
 * time units are 1.6 and 0.5.  All areas are whole numbers, so the doubles are exact. */
static void time_weighted_averages_on_a_worked_timeline(void **state)
{
    (void)state;
    es_handle td;
    assert_true(es_timeavg_mean(&pool.busy_avg, 0.0) == 0.0);
    assert_int_equal(es_pool_acquire(&pool, 0.0, 'A', 0, NULL), 1);
    assert_int_equal(es_pool_acquire(&pool, 1.0, 'B', 0, NULL), 1);
    assert_int_equal(es_pool_acquire(&pool, 2.0, 'C', 0, NULL), 0);
    assert_int_equal(es_pool_acquire(&pool, 3.0, 'D', 0, &td), 0);
    assert_int_equal(release_to(4.0), 'C');
    /* mid-way, at t=5: busy area 1 + 2*4 = 9, queue area 1 + 2 + 1 = 4 */
    assert_true(es_timeavg_mean(&pool.busy_avg, 5.0) == 9.0 / 5.0);
    assert_true(es_timeavg_mean(&pool.queue_avg, 5.0) == 4.0 / 5.0);
    assert_int_equal(es_pool_renege(&pool, 6.0, td), ES_OK);
    assert_int_equal(release_to(7.0), 0);
    assert_true(es_timeavg_mean(&pool.busy_avg, 10.0) == 16.0 / 10.0);
    assert_true(es_timeavg_mean(&pool.queue_avg, 10.0) == 5.0 / 10.0);

    /* Warm-up deletion at t=10, then (capacity changes count too):
     *   t=10 reset                   busy 1  queue 0
     *   t=11 E arrives, served       busy 2  queue 0
     *   t=12 F arrives, waits        busy 2  queue 1
     *   t=13 G arrives, waits        busy 2  queue 2
     *   t=14 capacity 4: F, G start  busy 4  queue 0
     *   t=16 capacity 1              busy 4  queue 0
     *   t=18 a release retires one   busy 3  queue 0
     * At t=20: busy area 1 + 2*3 + 4*4 + 3*2 = 29, queue area 1 + 2 = 3, over 10 units. */
    es_pool_reset_stats(&pool, 10.0);
    assert_true(es_timeavg_mean(&pool.busy_avg, 10.0) == 1.0);
    assert_int_equal(es_pool_acquire(&pool, 11.0, 'E', 0, NULL), 1);
    assert_int_equal(es_pool_acquire(&pool, 12.0, 'F', 0, NULL), 0);
    assert_int_equal(es_pool_acquire(&pool, 13.0, 'G', 0, NULL), 0);
    uint64_t started[4];
    assert_int_equal(es_pool_set_capacity(&pool, 14.0, 4, started, 4), 2);
    assert_int_equal(es_pool_set_capacity(&pool, 16.0, 1, started, 4), 0);
    assert_int_equal(release_to(18.0), 0);
    assert_true(es_timeavg_mean(&pool.busy_avg, 20.0) == 29.0 / 10.0);
    assert_true(es_timeavg_mean(&pool.queue_avg, 20.0) == 3.0 / 10.0);
}

static void init_at_a_later_time_averages_from_then(void **state)
{
    (void)state;
    es_pool p;
    assert_int_equal(es_pool_init(&p, 1, 100.0), ES_OK);
    assert_int_equal(es_pool_acquire(&p, 101.0, 1, 0, NULL), 1);
    assert_int_equal(es_pool_acquire(&p, 102.0, 2, 0, NULL), 0);
    /* busy 0 on [100,101), 1 on [101,104): 3/4; queue 1 on [102,104): 2/4 */
    assert_true(es_timeavg_mean(&p.busy_avg, 104.0) == 3.0 / 4.0);
    assert_true(es_timeavg_mean(&p.queue_avg, 104.0) == 2.0 / 4.0);
    es_pool_destroy(&p);
}

static void many_waiters_grow_the_queue(void **state)
{
    (void)state;
    assert_int_equal(es_pool_acquire(&pool, 0.0, 0, 0, NULL), 1);
    assert_int_equal(es_pool_acquire(&pool, 0.0, 1, 0, NULL), 1);
    es_handle t[1000];
    for (uint64_t e = 0; e < 1000; e++)
        assert_int_equal(es_pool_acquire(&pool, 0.0, 1000 + e, (int)(e % 3), &t[e]), 0);
    for (uint64_t e = 0; e < 1000; e += 5)
        assert_int_equal(es_pool_renege(&pool, 1.0, t[e]), ES_OK);
    assert_int_equal(es_pool_queue_length(&pool), 800);
    /* priority 2 first, then 1, then 0, each in arrival order, skipping the reneged */
    for (int prio = 2; prio >= 0; prio--)
        for (uint64_t e = 0; e < 1000; e++) {
            if (e % 3 != (uint64_t)prio || e % 5 == 0)
                continue;
            assert_int_equal(release_to(2.0), 1000 + e);
        }
    assert_int_equal(es_pool_queue_length(&pool), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(serves_at_once_up_to_capacity, setup_two_servers,
                                        teardown),
        cmocka_unit_test_setup_teardown(release_with_nobody_waiting_frees_the_server,
                                        setup_two_servers, teardown),
        cmocka_unit_test_setup_teardown(release_hands_the_server_to_the_next_in_line,
                                        setup_two_servers, teardown),
        cmocka_unit_test_setup_teardown(higher_priority_is_served_first, setup_two_servers,
                                        teardown),
        cmocka_unit_test_setup_teardown(renege_removes_a_waiting_entity, setup_two_servers,
                                        teardown),
        cmocka_unit_test_setup_teardown(raising_capacity_starts_waiting_entities,
                                        setup_two_servers, teardown),
        cmocka_unit_test_setup_teardown(arrivals_do_not_overtake_the_queue, setup_two_servers,
                                        teardown),
        cmocka_unit_test_setup_teardown(lowering_capacity_retires_servers_as_they_free,
                                        setup_two_servers, teardown),
        cmocka_unit_test_setup_teardown(time_weighted_averages_on_a_worked_timeline,
                                        setup_two_servers, teardown),
        cmocka_unit_test(init_at_a_later_time_averages_from_then),
        cmocka_unit_test_setup_teardown(many_waiters_grow_the_queue, setup_two_servers,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

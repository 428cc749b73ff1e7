/* Dated values: the accessor gives the value in force before, on and after each date, the
 * plain field where a key has no schedule, and money in cents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "engine/dated.h"

typedef struct owner {
    double rate, other;
    int64_t price_cents;
    es_dated_table dated;
} owner;

static void add(owner *o, size_t offset, bool money, const double *days, const double *values,
                int n)
{
    es_dated_schedule *s = &o->dated.schedules[o->dated.n++];
    *s = (es_dated_schedule){.offset = offset, .money = money, .npoints = n};
    for (int i = 0; i < n; i++) {
        s->points[i].day = days[i];
        if (money)
            s->points[i].v.cents = (int64_t)values[i];
        else
            s->points[i].v.value = values[i];
    }
}

static void test_no_schedule_is_the_field(void **state)
{
    (void)state;
    static owner o = {.rate = 0.25, .other = 7.0, .price_cents = 1234};
    assert_true(es_dated_double(&o.dated, &o, &o.rate, 1e9) == 0.25);
    assert_int_equal(es_dated_cents(&o.dated, &o, &o.price_cents, -5.0), 1234);
    static const double days[] = {0.0}, values[] = {3.0};
    add(&o, offsetof(owner, rate), false, days, values, 1);
    assert_true(es_dated_double(&o.dated, &o, &o.other, 100.0) == 7.0); /* not dated */
    assert_int_equal(es_dated_cents(&o.dated, &o, &o.price_cents, 100.0), 1234);
}

static void test_before_on_and_after_each_date(void **state)
{
    (void)state;
    static owner o = {.rate = 0.9};
    static const double days[] = {-31.0, 365.0, 730.5}, values[] = {0.9, 0.5, 0.1};
    add(&o, offsetof(owner, rate), false, days, values, 3);
    static const struct {
        double day, want;
    } cases[] = {{-100.0, 0.9}, {-31.0, 0.9}, {0.0, 0.9},     {364.999, 0.9}, {365.0, 0.5},
                 {500.0, 0.5},  {730.4, 0.5}, {730.5, 0.1}, {1e6, 0.1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_true(es_dated_double(&o.dated, &o, &o.rate, cases[i].day) == cases[i].want);
}

static void test_money_in_cents(void **state)
{
    (void)state;
    static owner o = {.price_cents = 100000};
    static const double days[] = {0.0, 90.0}, values[] = {100000, 200000};
    add(&o, offsetof(owner, price_cents), true, days, values, 2);
    assert_int_equal(es_dated_cents(&o.dated, &o, &o.price_cents, 89.99), 100000);
    assert_int_equal(es_dated_cents(&o.dated, &o, &o.price_cents, 90.0), 200000);
    /* a money schedule is no number's: the double accessor reads the plain field */
    assert_true(es_dated_double(&o.dated, &o, &o.rate, 90.0) == 0.0);
}

static void test_store_writes_the_field(void **state)
{
    (void)state;
    static owner o = {.rate = 1.0};
    static const double days[] = {0.0, 10.0}, values[] = {1.0, 2.5};
    add(&o, offsetof(owner, rate), false, days, values, 2);
    const es_dated_schedule *s = es_dated_find(&o.dated, offsetof(owner, rate));
    assert_non_null(s);
    es_dated_store(s, es_dated_point_at(s, 12.0), &o);
    assert_true(o.rate == 2.5);
    assert_null(es_dated_find(&o.dated, offsetof(owner, other)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_schedule_is_the_field),
        cmocka_unit_test(test_before_on_and_after_each_date),
        cmocka_unit_test(test_money_in_cents),
        cmocka_unit_test(test_store_writes_the_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

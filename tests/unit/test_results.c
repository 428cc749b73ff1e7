/* Observations keep their names whole: a group as long as "provider=" and the longest provider
 * name the key table allows is recorded as written, and two such names that differ only at the
 * end stay two rows; a name that would not fit is refused, never cut. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "engine/error.h"
#include "engine/results.h"
#include "model/params.h"

static void long_groups_stay_apart(void **state)
{
    (void)state;
    char a[ES_NAME_MAX + 16], b[ES_NAME_MAX + 16];
    char name[ES_NAME_MAX];
    memset(name, 'N', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    snprintf(a, sizeof a, "catchment=%s", name); /* the longest group the model writes */
    snprintf(b, sizeof b, "catchment=%s", name);
    b[strlen(b) - 1] = 'M';
    es_results r;
    es_results_init(&r);
    assert_int_equal(es_results_add(&r, "kpi_job_starts", a, ES_RESULTS_WHOLE_RUN, 1.0), ES_OK);
    assert_int_equal(es_results_add(&r, "kpi_job_starts", b, ES_RESULTS_WHOLE_RUN, 2.0), ES_OK);
    assert_string_equal(r.obs[0].group, a);
    assert_string_equal(r.obs[1].group, b);
    double v = 0.0;
    assert_int_equal(es_results_get(&r, "kpi_job_starts", b, &v), 0);
    assert_true(v == 2.0);
    es_results_destroy(&r);
}

static void names_too_long_are_refused(void **state)
{
    (void)state;
    char group[sizeof ((es_obs *)0)->group + 1];
    memset(group, 'g', sizeof group - 1);
    group[sizeof group - 1] = '\0';
    char measure[sizeof ((es_obs *)0)->measure + 1];
    memset(measure, 'm', sizeof measure - 1);
    measure[sizeof measure - 1] = '\0';
    es_results r;
    es_results_init(&r);
    assert_int_equal(es_results_add(&r, "m", group, ES_RESULTS_WHOLE_RUN, 1.0), ES_EINVAL);
    assert_int_equal(es_results_add(&r, measure, "g", ES_RESULTS_WHOLE_RUN, 1.0), ES_EINVAL);
    group[sizeof group - 2] = '\0'; /* now it fits exactly */
    assert_int_equal(es_results_add(&r, "m", group, ES_RESULTS_WHOLE_RUN, 1.0), ES_OK);
    assert_int_equal((int)r.n, 1);
    es_results_destroy(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(long_groups_stay_apart),
        cmocka_unit_test(names_too_long_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Replications kept on disk (src/api/spill.c) give the same bytes as replications kept in
 * memory: a run with the full ledger, a behavioural comparison (its providers' prices read the
 * accounting run's ledgers back) and slices merged, each written once with every replication
 * in memory and once with spill_always, on two worker threads. */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <ftw.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include "api/internal.h"
#include "same_tree.h"

static const char *const scenario = "tests/fault/small.cfg"; /* every output, in moments */

static void check(int rc, const es_error *err)
{
    if (rc)
        fail_msg("status %d: %s:%d: %s", rc, err->file, err->line, err->msg);
}

static es_scenario *load(void)
{
    es_scenario *s = malloc(sizeof *s); /* ~1 MB */
    assert_non_null(s);
    es_error err;
    es_error_clear(&err);
    check(es_scenario_load(s, scenario, &err), &err);
    return s;
}

/* Every CSV file of folder a is the same in b (a merge's manifest says it was merged). */
static int same_tables(const char *a, const char *b)
{
    DIR *d = opendir(a);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 4 || strcmp(e->d_name + len - 4, ".csv") != 0)
            continue;
        char pa[1200], pb[1200];
        snprintf(pa, sizeof pa, "%s/%s", a, e->d_name);
        snprintf(pb, sizeof pb, "%s/%s", b, e->d_name);
        assert_same_file(pa, pb);
        n++;
    }
    closedir(d);
    return n;
}

static es_run_options options(bool spill)
{
    return (es_run_options){.replications = 3, .seed = 7, .jobs = 2, .full_ledger = true,
                            .command = "test_experiment_spill", .spill_always = spill};
}

static void write_run(const es_scenario *s, bool spill, const char *out)
{
    es_error err;
    es_error_clear(&err);
    es_run_options opt = options(spill);
    es_experiment x;
    check(es_experiment_run(&x, s, &opt, &err), &err);
    assert_true(spill == (x.spill != NULL));
    es_output_folder o;
    check(es_output_open(&o, out, NULL, 0, &err), &err);
    check(es_output_write(&x, &o, &err), &err);
    es_output_close(&o);
    es_experiment_destroy(&x);
}

static void write_comparison(const es_scenario *s, bool spill, const char *out)
{
    static const char *const models[] = {"model/funding/ies-performance.cfg",
                                         "model/funding/eo-legacy-block.cfg"};
    es_error err;
    es_error_clear(&err);
    es_run_options opt = options(spill);
    opt.behavioural = true;
    es_comparison *c = calloc(1, sizeof *c);
    assert_non_null(c);
    check(es_compare_run(c, s, models, 2, &opt, &err), &err);
    es_output_folder o;
    check(es_output_open(&o, out, NULL, 0, &err), &err);
    check(es_compare_write(c, &o, &err), &err);
    es_output_close(&o);
    es_compare_destroy(c);
    free(c);
}

/* Replications 1-2 and 3 as two slices (kept on disk), merged and written into out. */
static void write_merged(const es_scenario *s, const char *root, const char *out)
{
    es_error err;
    es_error_clear(&err);
    char dirs[2][700];
    const char *const named[2] = {dirs[0], dirs[1]};
    for (int k = 0; k < 2; k++) {
        snprintf(dirs[k], sizeof dirs[k], "%s/slice-%d", root, k);
        es_run_options opt = options(true);
        opt.range_first = k == 0 ? 1 : 3;
        opt.range_last = k == 0 ? 2 : 3;
        es_experiment x;
        check(es_experiment_run(&x, s, &opt, &err), &err);
        es_output_folder o;
        check(es_output_open(&o, dirs[k], NULL, 0, &err), &err);
        check(es_output_write(&x, &o, &err), &err);
        es_output_close(&o);
        es_experiment_destroy(&x);
    }
    es_experiment x;
    check(es_merge_load(&x, named, 2, "test_experiment_spill", &err), &err);
    es_output_folder o;
    check(es_output_open(&o, out, NULL, 0, &err), &err);
    check(es_output_write(&x, &o, &err), &err);
    es_output_close(&o);
    es_experiment_destroy(&x);
}

static void test_kept_on_disk_writes_the_same_bytes(void **state)
{
    (void)state;
    char root[] = "/tmp/essim-spill-XXXXXX";
    assert_non_null(mkdtemp(root));
    es_scenario *s = load();
    char a[700], b[700];

    snprintf(a, sizeof a, "%s/run-memory", root);
    snprintf(b, sizeof b, "%s/run-disk", root);
    write_run(s, false, a);
    write_run(s, true, b);
    assert_true(compare_trees(a, b) >= 12); /* the ledger, monthly, open data, plots... */
    assert_int_equal(count_files(a), count_files(b));

    snprintf(b, sizeof b, "%s/merged", root);
    write_merged(s, root, b);
    assert_true(same_tables(a, b) >= 9);

    snprintf(a, sizeof a, "%s/compare-memory", root);
    snprintf(b, sizeof b, "%s/compare-disk", root);
    write_comparison(s, false, a);
    write_comparison(s, true, b);
    assert_true(compare_trees(a, b) >= 10);

    free(s);
    nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int main(int argc, char **argv)
{
    essim_init(&argc, &argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kept_on_disk_writes_the_same_bytes),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    essim_finalize();
    return failed;
}

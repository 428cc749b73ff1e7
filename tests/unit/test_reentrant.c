/* The library is reentrant (src/api/essim.h): two different jobs — a comparison of two funding
 * models on a geography-built scenario, and a single-site queueing scenario — loaded, run and
 * written on two threads at once give the same bytes as the same jobs run one after the other.
 * Each job also runs its replications on two worker threads, so four simulation threads share
 * the process.  The TSan build (CMakePresets.json, preset tsan) runs this test for data races. */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <ftw.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include "api/essim.h"
#include "same_tree.h"

static const char *const compared[] = {"model/funding/ies-performance.cfg",
                                       "model/funding/eo-legacy-block.cfg"};

typedef struct job_case {
    essim_request rq;
    essim_kind kind;  /* what the library must decide it is */
    char out[600];    /* the output folder to write */
    int rc;
    es_error err;
    atomic_int progress_calls;
    atomic_int progress_writing; /* calls in the writing phase */
    atomic_int progress_wrong;   /* calls with done outside [0, total] */
} job_case;

static void count_progress(void *user, const essim_progress *p)
{
    job_case *c = user;
    atomic_fetch_add(&c->progress_calls, 1);
    if (p->phase == ESSIM_PHASE_WRITING)
        atomic_fetch_add(&c->progress_writing, 1);
    if (!(p->done >= 0.0 && p->done <= p->total) || !p->what)
        atomic_fetch_add(&c->progress_wrong, 1);
}

static void setup_cases(job_case cases[2])
{
    memset(cases, 0, 2 * sizeof cases[0]);
    cases[0].rq = (essim_request){.command = ESSIM_COMPARE,
                                  .scenario = "scenarios/muskoka-kawarthas.cfg",
                                  .funding_files = compared,
                                  .nfunding_files = 2,
                                  .replications = 2,
                                  .seed = -1,
                                  .jobs = 2,
                                  .command_line = "test_reentrant compare"};
    cases[0].kind = ESSIM_KIND_COMPARISON;
    cases[1].rq = (essim_request){.command = ESSIM_RUN,
                                  .scenario = TEST_DATA_DIR "/mmc.cfg",
                                  .replications = 3,
                                  .seed = 20261202,
                                  .jobs = 2,
                                  .full_ledger = true,
                                  .command_line = "test_reentrant run"};
    cases[1].kind = ESSIM_KIND_RUN;
    for (int i = 0; i < 2; i++) {
        cases[i].rq.progress = count_progress;
        cases[i].rq.progress_user = &cases[i];
    }
}

static void *run_case(void *arg)
{
    job_case *c = arg;
    essim_job *job = NULL;
    c->rc = essim_job_new(&job, &c->rq, &c->err);
    if (!c->rc && essim_job_kind(job) != c->kind)
        c->rc = -1;
    if (!c->rc)
        c->rc = essim_job_open_output(job, c->out, &c->err);
    if (!c->rc)
        c->rc = essim_job_run(job, &c->err);
    if (!c->rc)
        c->rc = essim_job_write(job, &c->err);
    essim_job_free(job);
    return NULL;
}

static void check_ran(const job_case *c)
{
    if (c->rc)
        fail_msg("%s into %s: status %d: %s:%d: %s", c->rq.scenario, c->out, c->rc, c->err.file,
                 c->err.line, c->err.msg);
    assert_true(atomic_load(&c->progress_calls) > 0);
    assert_int_equal(atomic_load(&c->progress_writing), 1);
    assert_int_equal(atomic_load(&c->progress_wrong), 0);
}

static void test_two_jobs_on_two_threads_match_one_after_the_other(void **state)
{
    (void)state;
    char root[] = "/tmp/essim-reentrant-XXXXXX";
    assert_non_null(mkdtemp(root));

    job_case seq[2], par[2];
    setup_cases(seq);
    setup_cases(par);
    for (int i = 0; i < 2; i++) {
        snprintf(seq[i].out, sizeof seq[i].out, "%s/seq-%d", root, i);
        snprintf(par[i].out, sizeof par[i].out, "%s/par-%d", root, i);
    }

    for (int i = 0; i < 2; i++) {
        run_case(&seq[i]);
        check_ran(&seq[i]);
    }

    pthread_t threads[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, run_case, &par[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(threads[i], NULL);
    for (int i = 0; i < 2; i++)
        check_ran(&par[i]);

    for (int i = 0; i < 2; i++) {
        int files = compare_trees(seq[i].out, par[i].out);
        assert_true(files >= 8); /* summary, replications, manifest, report, plots... */
        assert_int_equal(count_files(par[i].out), count_files(seq[i].out));
    }
    /* the two jobs wrote different things: a test comparing a folder with itself proves nothing */
    size_t n0 = 0, n1 = 0;
    char a[700], b[700];
    snprintf(a, sizeof a, "%s/comparison.csv", seq[0].out);
    snprintf(b, sizeof b, "%s/summary.csv", seq[1].out);
    char *x = slurp(a, &n0), *y = slurp(b, &n1);
    assert_non_null(x);
    assert_non_null(y);
    assert_true(n0 != n1 || memcmp(x, y, n0) != 0);
    free(x);
    free(y);

    nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int main(int argc, char **argv)
{
    essim_init(&argc, &argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_jobs_on_two_threads_match_one_after_the_other),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    essim_finalize();
    return failed;
}

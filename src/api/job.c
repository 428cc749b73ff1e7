/* essim_job: the public API of essim.h over the library's internal calls.  The rules of what a
 * request is live here, not in the command line: a run whose scenario lists several funding
 * models is a comparison; a merge reads its slices when it runs; the output folder protects
 * every input of the job.  Every large object is on the heap, so jobs are independent. */
#include "api/essim.h"

#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/internal.h"
#include "api/parallel.h"
#include "io/schema.h"

struct essim_job {
    essim_request rq; /* the caller's strings, which must outlive the job */
    essim_kind kind;
    es_run_options opt;
    es_scenario *scenario; /* run, compare, check; sweep: the first load, when it loads */
    const char *files[ES_MAX_COMPARED]; /* comparison: the funding models, or the arms' files */
    int nfiles;
    es_scenario *arms[ES_MAX_COMPARED]; /* comparison of arms: each arm's scenario (not the base) */
    char arm_names[ES_MAX_COMPARED][ES_NAME_MAX * 2];
    es_experiment *run;   /* run and merge */
    es_comparison *cmp;   /* comparison */
    es_sweep *sweep;
    bool ran;
    es_output_folder out;
    bool out_open;
    es_override *sets;          /* rq.sets, parsed */
    es_scenario_changes changes; /* rq.overlays and the sets, for the loader */
};

static int job_oom(es_error *err)
{
    return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory for a job");
}

static es_run_options options_of(const essim_request *rq)
{
    return (es_run_options){
        .replications = rq->replications,
        .seed = rq->seed,
        .jobs = rq->jobs,
        .full_ledger = rq->full_ledger,
        .behavioural = rq->behavioural,
        .command = rq->command_line ? rq->command_line : "essim",
        .precision = rq->precision,
        .max_replications = rq->max_replications,
        .range_first = rq->range_first,
        .range_last = rq->range_last,
        .progress = rq->progress,
        .progress_user = rq->progress_user,
        .warmup_auto = rq->warmup_auto,
    };
}

/* The request's --overlay files and --set values as the loader takes them; *sets is the
 * caller's to free. */
static int changes_of(const essim_request *rq, es_override **sets, es_scenario_changes *ch,
                      es_error *err)
{
    *sets = NULL;
    *ch = (es_scenario_changes){.overlays = rq->overlays, .noverlays = rq->noverlays};
    if (rq->nsets <= 0)
        return ES_OK;
    if (!(*sets = calloc((size_t)rq->nsets, sizeof **sets)))
        return job_oom(err);
    for (int i = 0; i < rq->nsets; i++) {
        const char *eq = strchr(rq->sets[i], '=');
        es_override *o = &(*sets)[i];
        if (!eq || eq == rq->sets[i])
            return es_error_set(err, ES_EINVAL, NULL, 0, "--set %s: takes PATH=VALUE",
                                rq->sets[i]);
        if ((size_t)(eq - rq->sets[i]) >= sizeof o->path || strlen(eq + 1) >= sizeof o->value)
            return es_error_set(err, ES_EINVAL, NULL, 0, "--set %s: too long a path or value",
                                rq->sets[i]);
        snprintf(o->path, sizeof o->path, "%.*s", (int)(eq - rq->sets[i]), rq->sets[i]);
        snprintf(o->value, sizeof o->value, "%s", eq + 1);
    }
    ch->sets = *sets;
    ch->nsets = rq->nsets;
    return ES_OK;
}

static int load_scenario(essim_job *j, es_error *err)
{
    if (!j->rq.scenario)
        return es_error_set(err, ES_EINVAL, NULL, 0, "the job names no scenario file");
    int rc = changes_of(&j->rq, &j->sets, &j->changes, err);
    if (rc)
        return rc;
    if (!(j->scenario = malloc(sizeof *j->scenario)))
        return job_oom(err);
    return es_scenario_load_layered(j->scenario, j->rq.scenario, &j->changes, NULL, 0, err);
}

/* A run of a scenario that lists several funding models is a comparison of them. */
static int decide_run(essim_job *j, es_error *err)
{
    int rc = load_scenario(j, err);
    if (rc)
        return rc;
    if (j->scenario->nfunding_files <= 1) {
        j->kind = ESSIM_KIND_RUN;
        return ES_OK;
    }
    if (j->rq.range_first > 0)
        return es_error_set(err, ES_EINVAL, NULL, 0,
                            "%s: --replication-range is for one funding model; this scenario "
                            "compares several (funding_models): use mpirun",
                            j->rq.scenario);
    j->kind = ESSIM_KIND_COMPARISON;
    for (int i = 0; i < j->scenario->nfunding_files && i < ES_MAX_COMPARED; i++)
        j->files[j->nfiles++] = j->scenario->funding_files[i];
    return ES_OK;
}

/* Loads arm i (from 0) of a comparison of arms: a scenario with the request's overlays and
 * sets, or the base scenario with them and then the arm's overlay. */
static int load_arm(essim_job *j, int i, es_error *err)
{
    const essim_arm *arm = &j->rq.arms[i];
    if (!(j->arms[i] = malloc(sizeof *j->arms[i])))
        return job_oom(err);
    es_scenario_changes ch = j->changes;
    const char **overlays = NULL;
    if (arm->overlay) {
        if (!(overlays = calloc((size_t)ch.noverlays + 1, sizeof *overlays)))
            return job_oom(err);
        for (int k = 0; k < ch.noverlays; k++)
            overlays[k] = ch.overlays[k];
        overlays[ch.noverlays++] = arm->file;
        ch.overlays = overlays;
    }
    int rc = es_scenario_load_layered(j->arms[i], arm->overlay ? j->rq.scenario : arm->file, &ch,
                                      NULL, 0, err);
    free(overlays);
    const char *slash = strrchr(arm->file, '/');
    snprintf(j->arm_names[i], sizeof j->arm_names[i], "%s",
             !arm->overlay ? j->arms[i]->params.name : slash ? slash + 1 : arm->file);
    return rc;
}

/* compare SCENARIO --against/--overlay-arm: the base, then each arm. */
static int decide_arms(essim_job *j, es_error *err)
{
    if (j->rq.nfunding_files > 0 || j->rq.behavioural)
        return es_error_set(err, ES_EINVAL, NULL, 0,
                            "compare takes funding models (--funding, --behavioural) or arms "
                            "(--against, --overlay-arm), not both");
    if (j->rq.narms > ES_MAX_COMPARED - 1)
        return es_error_set(err, ES_EINVAL, NULL, 0, "compare takes 1 to %d arms, not %d",
                            ES_MAX_COMPARED - 1, j->rq.narms);
    j->kind = ESSIM_KIND_COMPARISON;
    int rc = load_scenario(j, err);
    for (int i = 0; i < j->rq.narms && !rc; i++) {
        j->files[j->nfiles++] = j->rq.arms[i].file; /* protected like the scenario */
        rc = load_arm(j, i, err);
    }
    return rc;
}

static int decide_compare(essim_job *j, es_error *err)
{
    if (j->rq.narms > 0)
        return decide_arms(j, err);
    if (j->rq.nfunding_files < 1 || j->rq.nfunding_files > ES_MAX_COMPARED)
        return es_error_set(err, ES_EINVAL, NULL, 0, "compare takes 1 to %d funding models, not %d",
                            ES_MAX_COMPARED, j->rq.nfunding_files);
    j->kind = ESSIM_KIND_COMPARISON;
    for (int i = 0; i < j->rq.nfunding_files; i++)
        j->files[j->nfiles++] = j->rq.funding_files[i];
    return load_scenario(j, err);
}

/* A sweep loads the scenario anew at each point; the first load here only names the files to
 * protect, and a scenario that needs the sweep's values to load is not refused for it. */
static int decide_sweep(essim_job *j, es_error *err)
{
    j->kind = ESSIM_KIND_SWEEP;
    if (j->rq.noverlays > 0 || j->rq.nsets > 0) /* es_sweep_run loads each point from the file */
        return es_error_set(err, ES_EINVAL, NULL, 0,
                            "sweep does not take --set or --overlay yet (each point is loaded "
                            "from the scenario file with its --param values only)");
    if (j->rq.nparams < 1 || j->rq.nparams > ES_MAX_SWEEP_PARAMS)
        return es_error_set(err, ES_EINVAL, NULL, 0, "sweep takes one or two settings, not %d",
                            j->rq.nparams);
    if (!(j->sweep = calloc(1, sizeof *j->sweep)))
        return job_oom(err);
    j->sweep->nparams = j->rq.nparams;
    for (int k = 0; k < j->rq.nparams; k++) {
        int rc = es_sweep_param_parse(&j->sweep->params[k], j->rq.params[k], err);
        if (rc)
            return rc;
    }
    int rc = load_scenario(j, err);
    if (rc == ES_ENOMEM)
        return rc;
    if (rc) {
        free(j->scenario);
        j->scenario = NULL;
        es_error_clear(err); /* es_sweep_run says, point by point */
    }
    return ES_OK;
}

int essim_job_new(essim_job **out, const essim_request *rq, es_error *err)
{
    *out = NULL;
    essim_job *j = calloc(1, sizeof *j);
    if (!j)
        return job_oom(err);
    j->rq = *rq;
    j->opt = options_of(rq);
    j->out.lock_fd = -1;
    int rc;
    switch (rq->command) {
    case ESSIM_RUN: rc = decide_run(j, err); break;
    case ESSIM_COMPARE: rc = decide_compare(j, err); break;
    case ESSIM_SWEEP: rc = decide_sweep(j, err); break;
    case ESSIM_MERGE:
        j->kind = ESSIM_KIND_RUN;
        rc = rq->ndirs > 0 ? ES_OK
                           : es_error_set(err, ES_EINVAL, NULL, 0,
                                          "merge takes the folders of one run's slices");
        break;
    case ESSIM_CHECK:
        j->kind = ESSIM_KIND_CHECK;
        rc = load_scenario(j, err);
        break;
    default: rc = es_error_set(err, ES_EINVAL, NULL, 0, "unknown command %d", (int)rq->command);
    }
    if (rc) {
        essim_job_free(j);
        return rc;
    }
    *out = j;
    return ES_OK;
}

void essim_job_free(essim_job *j)
{
    if (!j)
        return;
    if (j->out_open)
        es_output_close(&j->out);
    if (j->run) {
        if (j->ran)
            es_experiment_destroy(j->run);
        free(j->run);
    }
    if (j->cmp) {
        if (j->ran)
            es_compare_destroy(j->cmp);
        free(j->cmp);
    }
    if (j->sweep) {
        if (j->ran)
            es_sweep_destroy(j->sweep);
        free(j->sweep);
    }
    free(j->scenario);
    for (int i = 0; i < ES_MAX_COMPARED; i++)
        free(j->arms[i]);
    free(j->sets);
    free(j);
}

essim_kind essim_job_kind(const essim_job *j) { return j->kind; }

int essim_job_open_output(essim_job *j, const char *dir, es_error *err)
{
    if (j->kind == ESSIM_KIND_CHECK)
        return es_error_set(err, ES_EINVAL, NULL, 0, "check writes no output folder");
    if (j->out_open)
        return es_error_set(err, ES_EINVAL, NULL, 0, "the job's output folder is already open");
    const char *protect[ES_MAX_INPUT_FILES + ES_MAX_COMPARED];
    int n = 0;
    if (j->rq.command == ESSIM_MERGE) { /* never a folder holding a slice to merge */
        for (int i = 0; i < j->rq.ndirs && n < ES_MAX_INPUT_FILES; i++)
            protect[n++] = j->rq.dirs[i];
    } else if (j->scenario) {
        for (int i = 0; i < j->scenario->ninputs && i < ES_MAX_INPUT_FILES; i++)
            protect[n++] = j->scenario->inputs[i];
    } else {
        protect[n++] = j->rq.scenario;
    }
    for (int i = 0; i < j->nfiles; i++)
        protect[n++] = j->files[i];
    j->out = (es_output_folder){.lock_fd = -1};
    int rc = essim_is_root() ? es_output_open(&j->out, dir, protect, n, err) : ES_OK;
    rc = es_parallel_share(rc, err);
    j->out_open = rc == ES_OK;
    return rc;
}

static int run_arms(essim_job *j, es_error *err)
{
    es_compare_arm arms[ES_MAX_COMPARED] = {
        {.scenario = j->scenario, .name = j->scenario->params.name, .file = j->rq.scenario}};
    for (int i = 0; i < j->rq.narms; i++)
        arms[i + 1] = (es_compare_arm){.scenario = j->arms[i], .name = j->arm_names[i],
                                       .file = j->rq.arms[i].file};
    return es_compare_run_arms(j->cmp, arms, j->rq.narms + 1, &j->opt, err);
}

int essim_job_run(essim_job *j, es_error *err)
{
    if (j->ran)
        return es_error_set(err, ES_EINVAL, NULL, 0, "the job has run already");
    int rc = ES_OK;
    switch (j->kind) {
    case ESSIM_KIND_CHECK: return ES_OK;
    case ESSIM_KIND_RUN:
        if (!(j->run = calloc(1, sizeof *j->run)))
            return job_oom(err);
        rc = j->rq.command == ESSIM_MERGE
                 ? es_merge_load(j->run, j->rq.dirs, j->rq.ndirs, j->opt.command, err)
                 : es_experiment_run(j->run, j->scenario, &j->opt, err);
        break;
    case ESSIM_KIND_COMPARISON:
        if (!(j->cmp = calloc(1, sizeof *j->cmp)))
            return job_oom(err);
        rc = j->rq.narms > 0 ? run_arms(j, err)
                             : es_compare_run(j->cmp, j->scenario, j->files, j->nfiles, &j->opt,
                                              err);
        break;
    case ESSIM_KIND_SWEEP: rc = es_sweep_run(j->sweep, j->rq.scenario, &j->opt, err); break;
    }
    j->ran = true; /* the run and merge calls leave a destroyable object even when they fail */
    return rc;
}

int essim_job_write(essim_job *j, es_error *err)
{
    if (!j->ran || !j->out_open)
        return es_error_set(err, ES_EINVAL, NULL, 0, "the job has not run, or has no output folder");
    int rc = ES_OK;
    if (essim_is_root() && j->kind != ESSIM_KIND_CHECK && j->opt.progress)
        j->opt.progress(j->opt.progress_user,
                        &(essim_progress){.phase = ESSIM_PHASE_WRITING, .what = "", .total = 1});
    if (essim_is_root()) {
        switch (j->kind) {
        case ESSIM_KIND_RUN: rc = es_output_write(j->run, &j->out, err); break;
        case ESSIM_KIND_COMPARISON: rc = es_compare_write(j->cmp, &j->out, err); break;
        case ESSIM_KIND_SWEEP: rc = es_sweep_write(j->sweep, &j->out, err); break;
        case ESSIM_KIND_CHECK: break;
        }
    }
    es_output_close(&j->out);
    j->out_open = false;
    return rc;
}

void essim_job_summary(const essim_job *j, essim_summary *s)
{
    *s = (essim_summary){.kind = j->kind, .precision_asked = j->opt.precision > 0.0,
                         .behavioural = j->opt.behavioural};
    if (j->scenario)
        snprintf(s->name, sizeof s->name, "%s", j->scenario->params.name);
    if (j->rq.command == ESSIM_MERGE)
        s->slices = j->rq.ndirs;
    switch (j->kind) {
    case ESSIM_KIND_CHECK:
        s->streams = j->scenario->params.nstreams;
        s->catchments = j->scenario->params.ncatchments;
        s->funding_models = j->scenario->has_funding ? j->scenario->nfunding_files : 0;
        for (int i = 0; i < s->funding_models; i++) {
            size_t used = strlen(s->funding);
            snprintf(s->funding + used, sizeof s->funding - used, "%s%s",
                     i == 0 ? "" : i + 1 == s->funding_models ? " and " : ", ",
                     j->scenario->funding_names[i]);
        }
        break;
    case ESSIM_KIND_RUN:
        if (!j->ran)
            break;
        snprintf(s->name, sizeof s->name, "%s", j->run->scenario.params.name);
        s->replications = j->run->nreps;
        s->wall_seconds = j->run->wall_seconds;
        s->precision_reached = j->run->precision_reached;
        s->warmup_days = j->run->scenario.params.warmup_days;
        s->warmup_auto = j->run->warmup_auto;
        for (int i = 0; i < j->run->nreps; i++)
            s->events += j->run->reps[i].events;
        break;
    case ESSIM_KIND_COMPARISON:
        s->arms = j->rq.narms > 0;
        s->models = s->arms ? j->rq.narms + 1 : j->nfiles;
        if (j->ran) {
            s->replications = j->cmp->runs[0].nreps;
            s->flows_differ = es_compare_flows_differ(j->cmp);
            s->warmup_days = j->cmp->runs[0].scenario.params.warmup_days;
            s->warmup_auto = j->cmp->runs[0].warmup_auto;
        }
        break;
    case ESSIM_KIND_SWEEP:
        snprintf(s->name, sizeof s->name, "%s", j->sweep->scenario_name);
        s->points = j->sweep->npoints;
        if (j->ran && j->sweep->npoints > 0)
            s->replications = s->replications_fewest = s->replications_most =
                j->sweep->points[0].nreps;
        for (int i = 0; j->ran && i < j->sweep->npoints; i++) {
            int n = j->sweep->points[i].nreps;
            s->replications_fewest = n < s->replications_fewest ? n : s->replications_fewest;
            s->replications_most = n > s->replications_most ? n : s->replications_most;
        }
        break;
    }
}

void essim_init(int *argc, char ***argv)
{
    es_parallel_init(argc, argv);
    gsl_set_error_handler_off();
}

void essim_finalize(void) { es_parallel_finalize(); }
bool essim_is_root(void) { return es_parallel_rank() == 0; }
bool essim_built_with_mpi(void) { return es_parallel_built_with_mpi(); }
bool essim_stop(int sig) { return es_output_stop(sig); }
int essim_stopped(void) { return es_output_stopped(); }

int essim_reference_write(const char *kind, FILE *out, es_error *err)
{
    if (strcmp(kind, "scenario") == 0)
        es_schema_write_markdown(&es_scenario_schema, out);
    else if (strcmp(kind, "funding") == 0)
        es_schema_write_markdown(&es_funding_schema, out);
    else
        return es_error_set(err, ES_EINVAL, NULL, 0,
                            "reference takes 'scenario' or 'funding', not '%s'", kind);
    return ferror(out) ? es_error_set(err, ES_EIO, NULL, 0, "cannot write the reference")
                       : ES_OK;
}

/* ---- essim diff ------------------------------------------------------------------------------ */

/* One side of a diff: its scenario as loaded and its merged settings, for the provenance of
 * each value (es_scenario keeps values, not where they came from). */
typedef struct diff_side {
    const char *path;
    es_override *sets;
    es_scenario_changes changes;
    es_scenario *scenario;
    config_t cfg, funding_cfg;
    bool has_cfg, has_funding_cfg;
} diff_side;

static int diff_side_load(diff_side *d, const essim_request *rq, es_error *err)
{
    d->path = rq->scenario;
    if (!d->path)
        return es_error_set(err, ES_EINVAL, NULL, 0, "diff: a side names no scenario file");
    int rc = changes_of(rq, &d->sets, &d->changes, err);
    if (!rc && !(d->scenario = malloc(sizeof *d->scenario)))
        rc = job_oom(err);
    if (!rc)
        rc = es_scenario_load_layered(d->scenario, d->path, &d->changes, NULL, 0, err);
    if (!rc)
        rc = es_scenario_read_layered(&d->cfg, &es_scenario_schema, d->path, &d->changes, NULL,
                                      0, err);
    d->has_cfg = rc == ES_OK;
    if (!rc && d->scenario->has_funding) {
        rc = es_scenario_read(&d->funding_cfg, &es_funding_schema, d->scenario->funding_files[0],
                              NULL, 0, err);
        d->has_funding_cfg = rc == ES_OK;
    }
    return rc;
}

static void diff_side_free(diff_side *d)
{
    if (d->has_cfg)
        config_destroy(&d->cfg);
    if (d->has_funding_cfg)
        config_destroy(&d->funding_cfg);
    free(d->scenario);
    free(d->sets);
}

/* Where a side's value of `path` was set: "FILE:LINE", "--set", or "default". */
static void value_origin(const config_t *cfg, const char *main_file, const char *path, char *out,
                         size_t len)
{
    const config_setting_t *st = es_override_lookup(cfg, path);
    if (!st) { /* an element the loader made, as a provider's one site: the key of its parent */
        char parent[512];
        snprintf(parent, sizeof parent, "%s", path);
        char *open = strrchr(parent, '['), *key = strrchr(parent, '.');
        char *name = open ? open : NULL;
        while (name && name > parent && name[-1] != '.')
            name--;
        if (name && name > parent && key > open) {
            memmove(name, key + 1, strlen(key + 1) + 1);
            st = es_override_lookup(cfg, parent);
        }
    }
    const char *f = st ? config_setting_source_file(st) : NULL;
    if (!f) {
        snprintf(out, len, "default");
        return;
    }
    if (strcmp(f, "--set") == 0) {
        snprintf(out, len, "--set");
        return;
    }
    /* as schema.c's messages rebuild it: an included file's name is relative to the main
     * file's folder */
    const char *slash = strrchr(main_file, '/');
    int line = (int)config_setting_source_line(st);
    if (f[0] == '/' || !slash || strcmp(f, main_file) == 0)
        snprintf(out, len, "%s:%d", f, line);
    else
        snprintf(out, len, "%.*s/%s:%d", (int)(slash - main_file), main_file, f, line);
}

typedef struct diff_printer {
    FILE *out;
    const diff_side *a, *b;
    bool funding;
    int rows;
} diff_printer;

static void print_difference(const char *path, const char *va, const char *vb, void *user)
{
    diff_printer *p = user;
    char wa[1200], wb[1200];
    const diff_side *a = p->a, *b = p->b;
    if (p->funding) {
        value_origin(&a->funding_cfg, a->scenario->funding_files[0], path, wa, sizeof wa);
        value_origin(&b->funding_cfg, b->scenario->funding_files[0], path, wb, sizeof wb);
    } else {
        value_origin(&a->cfg, a->path, path, wa, sizeof wa);
        value_origin(&b->cfg, b->path, path, wb, sizeof wb);
    }
    /* an element one side lacks has no origin there */
    fprintf(p->out, "%s: %s%s%s%s -> %s%s%s%s\n", path, va, strcmp(va, "(absent)") ? " (" : "",
            strcmp(va, "(absent)") ? wa : "", strcmp(va, "(absent)") ? ")" : "", vb,
            strcmp(vb, "(absent)") ? " (" : "", strcmp(vb, "(absent)") ? wb : "",
            strcmp(vb, "(absent)") ? ")" : "");
    p->rows++;
}

int essim_diff(const essim_request *a, const essim_request *b, FILE *out, int *ndiffering,
               es_error *err)
{
    diff_side da = {0}, db = {0};
    int rc = diff_side_load(&da, a, err);
    if (!rc)
        rc = diff_side_load(&db, b, err);
    diff_printer p = {.out = out, .a = &da, .b = &db};
    if (!rc) {
        es_scenario_diff_params(&da.scenario->params, &db.scenario->params, print_difference, &p);
        if (da.scenario->has_funding && db.scenario->has_funding) {
            p.funding = true;
            es_scenario_diff_funding(&da.scenario->funding, &db.scenario->funding,
                                     print_difference, &p);
        } else if (da.scenario->has_funding != db.scenario->has_funding) {
            fprintf(out, "funding: %s -> %s\n",
                    da.scenario->has_funding ? da.scenario->funding_files[0] : "(none)",
                    db.scenario->has_funding ? db.scenario->funding_files[0] : "(none)");
            p.rows++;
        }
        if (p.rows == 0)
            fputs("no differences\n", out);
        if (ferror(out))
            rc = es_error_set(err, ES_EIO, NULL, 0, "cannot write the differences");
    }
    if (ndiffering)
        *ndiffering = p.rows;
    diff_side_free(&da);
    diff_side_free(&db);
    return rc;
}

/* essim sweep: a scenario over a grid of one or two settings, with the same seed at every
 * point (common random numbers), so differences between points are the settings' own. */
#include "api/internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api/aggregate.h"
#include "engine/stats.h"
#include "io/csv.h"
#include "io/plot.h"
#include "io/text.h"

int es_sweep_param_parse(es_sweep_param *p, const char *text, es_error *err)
{
    memset(p, 0, sizeof *p);
    const char *eq = strchr(text, '=');
    if (!eq || eq == text || (size_t)(eq - text) >= sizeof p->path)
        return es_error_set(err, ES_EINVAL, NULL, 0, "--param takes PATH=V1,V2,..., not '%s'", text);
    snprintf(p->path, sizeof p->path, "%.*s", (int)(eq - text), text);
    const char *v = eq + 1;
    while (*v) {
        const char *comma = strchr(v, ',');
        size_t len = comma ? (size_t)(comma - v) : strlen(v);
        if (len == 0 || len >= sizeof p->values[0])
            return es_error_set(err, ES_EINVAL, NULL, 0, "--param %s: empty or too long value",
                                p->path);
        if (p->nvalues == ES_MAX_SWEEP_VALUES)
            return es_error_set(err, ES_EINVAL, NULL, 0, "--param %s: at most %d values",
                                p->path, ES_MAX_SWEEP_VALUES);
        snprintf(p->values[p->nvalues++], sizeof p->values[0], "%.*s", (int)len, v);
        v += len + (comma ? 1 : 0);
    }
    if (p->nvalues == 0)
        return es_error_set(err, ES_EINVAL, NULL, 0, "--param %s: no values", p->path);
    return ES_OK;
}

/* Loads and runs one point (value i of the first parameter, j of the second) into scn. */
static int run_point(es_sweep *sw, es_scenario *scn, const char *scenario_path, int i, int j,
                     const es_run_options *opt, es_error *err)
{
    es_override ov[ES_MAX_SWEEP_PARAMS];
    for (int k = 0; k < sw->nparams; k++) {
        snprintf(ov[k].path, sizeof ov[k].path, "%s", sw->params[k].path);
        snprintf(ov[k].value, sizeof ov[k].value, "%s",
                 sw->params[k].values[k == 0 ? i : j]);
    }
    int rc = es_scenario_load_with(scn, scenario_path, ov, sw->nparams, err);
    es_experiment x;
    if (!rc)
        rc = es_experiment_run(&x, scn, opt, err);
    if (rc)
        return rc;
    es_sweep_point *pt = &sw->points[sw->npoints++];
    pt->value_index[0] = i;
    pt->value_index[1] = j;
    pt->results = calloc((size_t)x.nreps, sizeof *pt->results);
    pt->nreps = pt->results ? x.nreps : 0; /* es_sweep_destroy frees what is there */
    if (!pt->results) {
        es_experiment_destroy(&x);
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory for the sweep");
    }
    int kept = ES_OK;
    for (int r = 0; r < x.nreps && !kept; r++) /* keep the whole-run measures, free the rest */
        kept = es_experiment_whole_run(&x, r, &pt->results[r]);
    sw->has_funding = x.funding != NULL;
    sw->wall_seconds += x.wall_seconds;
    if (sw->npoints == 1)
        sw->scenario = *scn; /* the first point's inputs, for the manifest */
    /* --warmup auto: each point chooses its own; the manifest gives the largest */
    if (x.scenario.params.warmup_days > sw->scenario.params.warmup_days)
        sw->scenario.params.warmup_days = x.scenario.params.warmup_days;
    sw->warmup_auto = x.warmup_auto;
    sw->command = opt->command;
    snprintf(sw->scenario_name, sizeof sw->scenario_name, "%s", scn->params.name);
    es_experiment_destroy(&x);
    if (kept == ES_EIO)
        return es_error_set(err, ES_EIO, NULL, 0, "cannot read a replication back from a temporary file");
    return kept ? es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory for the sweep") : ES_OK;
}

int es_sweep_run(es_sweep *sw, const char *scenario_path, const es_run_options *opt, es_error *err)
{
    int n1 = sw->params[0].nvalues, n2 = sw->nparams > 1 ? sw->params[1].nvalues : 1;
    sw->points = calloc((size_t)(n1 * n2), sizeof *sw->points);
    if (!sw->points)
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory for the sweep");
    es_scenario *scn = malloc(sizeof *scn); /* ~1 MB: on the heap, so sweeps are reentrant */
    if (!scn)
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory for the sweep's scenario");
    int rc = ES_OK;
    es_run_options told = *opt; /* the progress line names the point */
    char what[64];
    told.progress_what = what;
    for (int j = 0; j < n2 && !rc; j++)
        for (int i = 0; i < n1 && !rc; i++) {
            snprintf(what, sizeof what, "point %d of %d", j * n1 + i + 1, n1 * n2);
            rc = run_point(sw, scn, scenario_path, i, j, &told, err);
        }
    free(scn);
    return rc;
}

void es_sweep_destroy(es_sweep *sw)
{
    for (int i = 0; i < sw->npoints; i++) {
        for (int r = 0; r < sw->points[i].nreps; r++)
            es_results_destroy(&sw->points[i].results[r]);
        free(sw->points[i].results);
    }
    free(sw->points);
    sw->points = NULL;
    sw->npoints = 0;
}

/* The point's whole-run measures, keyed by name (api/aggregate.h). */
static int point_aggregate(const es_sweep_point *pt, es_aggregate *a, es_error *err)
{
    return es_aggregate_build(a, pt->results, sizeof pt->results[0], pt->nreps, err);
}

/* The settings that make the point: parameter_1, value_1, parameter_2, value_2. */
static void point_settings(const es_sweep *sw, const es_sweep_point *pt, const char *cells[4])
{
    cells[0] = sw->params[0].path;
    cells[1] = sw->params[0].values[pt->value_index[0]];
    cells[2] = sw->nparams > 1 ? sw->params[1].path : "";
    cells[3] = sw->nparams > 1 ? sw->params[1].values[pt->value_index[1]] : "";
}

/* Every point's summary rows, after the settings that make the point. */
static int sweep_rows(es_csv_writer *w, const void *ctx, es_error *err)
{
    const es_sweep *sw = ctx;
    for (int k = 0; k < sw->npoints; k++) {
        const es_sweep_point *pt = &sw->points[k];
        es_aggregate a;
        int rc = point_aggregate(pt, &a, err);
        const char *prefix[4];
        point_settings(sw, pt, prefix);
        if (!rc)
            es_aggregate_write_rows(w, &a, NULL, prefix, 4, false);
        es_aggregate_free(&a);
        if (rc)
            return rc;
    }
    return ES_OK;
}

/* Every point against the base (the first point), replication by replication: the paired
 * differences of api/aggregate.h.  Replication r is seeded alike at every point, so a point
 * pairs with the base over the replications both ran: all of them, or with --precision (points
 * stop at their own counts) the first of them, as many as the point that ran fewer. */
static int differences_rows(es_csv_writer *w, const void *ctx, es_error *err)
{
    const es_sweep *sw = ctx;
    es_aggregate base;
    int rc = point_aggregate(&sw->points[0], &base, err);
    const char *base_settings[4], *settings[4];
    point_settings(sw, &sw->points[0], base_settings);
    for (int k = 0; !rc && k < sw->npoints; k++) {
        es_aggregate a;
        rc = point_aggregate(&sw->points[k], &a, err);
        point_settings(sw, &sw->points[k], settings);
        const char *prefix[] = {settings[0], settings[1], settings[2], settings[3],
                                base_settings[1], base_settings[3]};
        if (!rc)
            es_aggregate_write_rows(w, &a, &base, prefix, 6, false);
        es_aggregate_free(&a);
    }
    es_aggregate_free(&base);
    return rc;
}

/* One curve per value of the second parameter: the measure against the first parameter,
 * with 95 % intervals.  $data: a row number, x and (mean, low, high) per curve; the values'
 * labels and the curves' titles go to gnuplot as strings, never inside the datablock. */
static int draw_sweep(const es_sweep *sw, const char *plots, const char *measure, double scale,
                      const char *ylabel, const char *basename, es_error *err)
{
    int n2 = sw->nparams > 1 ? sw->params[1].nvalues : 1;
    /* a setting that is not a number (a routing rule, a file) is drawn as categories */
    bool categorical = false;
    for (int i = 0; i < sw->params[0].nvalues; i++) {
        char *end;
        strtod(sw->params[0].values[i], &end);
        if (end == sw->params[0].values[i] || *end)
            categorical = true;
    }
    es_strings keys = {0}, tics = {0};
    for (int j = 0; j < n2; j++) {
        if (sw->nparams > 1) {
            const char *path = sw->params[1].path, *dot = strrchr(path, '.');
            es_strings_printf(&keys, "%s=%s", dot ? dot + 1 : path, sw->params[1].values[j]);
        } else {
            es_strings_printf(&keys, "%s", measure);
        }
    }
    es_text block = {0};
    es_text_printf(&block, "%s", "");
    for (int i = 0; i < sw->params[0].nvalues; i++) {
        es_strings_printf(&tics, "%s", sw->params[0].values[i]);
        if (categorical)
            es_text_printf(&block, "%d %d", i, i);
        else
            es_text_printf(&block, "%d %.17g", i, strtod(sw->params[0].values[i], NULL));
        for (int j = 0; j < n2; j++) {
            const es_sweep_point *pt = &sw->points[j * sw->params[0].nvalues + i];
            double mean = NAN, half = 0.0;
            es_aggregate a;
            if (point_aggregate(pt, &a, err) != ES_OK) {
                es_aggregate_free(&a);
                es_text_free(&block);
                es_strings_free(&keys);
                es_strings_free(&tics);
                return ES_ENOMEM;
            }
            long row = es_aggregate_find(&a, measure, "all");
            if (row >= 0) {
                es_tally t;
                es_aggregate_tally(&a, (size_t)row, &t);
                mean = es_tally_mean(&t);
                half = es_tally_ci_halfwidth(&t, 0.95);
            }
            es_aggregate_free(&a);
            es_text_printf(&block, " %.6g %.6g %.6g", mean * scale, (mean - half) * scale,
                           (mean + half) * scale);
        }
        es_text_printf(&block, "\n");
    }
    char title[ES_NAME_MAX * 2 + 160];
    snprintf(title, sizeof title, "%s\n%s (95 %% CI, common random numbers)", sw->scenario_name,
             ylabel);
    int rc;
    if (block.failed || keys.failed || tics.failed)
        rc = es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory drawing plots");
    else
        rc = es_plot_draw(&(es_plot){.script = "sweep", .basename = basename, .data = block.s,
                                     .title = title, .xlabel = sw->params[0].path,
                                     .ylabel = ylabel, .categorical = categorical,
                                     .keys = es_strings_array(&keys), .nkeys = keys.n,
                                     .tics = es_strings_array(&tics), .ntics = tics.n},
                          plots, err);
    es_text_free(&block);
    es_strings_free(&keys);
    es_strings_free(&tics);
    return rc;
}

static int fill_sweep(const char *tmp, const void *ctx, es_manifest_info *info, es_error *err)
{
    const es_sweep *sw = ctx;
    int rc = es_csv_write_table(tmp, "sweep.csv",
                            "parameter_1,value_1,parameter_2,value_2,measure,group,replications,"
                            "mean,ci95_low,ci95_high",
                            sweep_rows, sw, err);
    if (!rc)
        rc = es_csv_write_table(tmp, "sweep_differences.csv",
                                "parameter_1,value_1,parameter_2,value_2,base_value_1,"
                                "base_value_2,measure,group,replications,mean_difference,"
                                "ci95_low,ci95_high",
                                differences_rows, sw, err);
    char *plots = NULL;
    if (!rc)
        rc = es_output_subfolder(tmp, "plots", &plots, err);
    if (!rc)
        rc = draw_sweep(sw, plots, "employment_rate_at_exit", 100.0,
                        "Employment rate at exit (%)", "sweep_employment_rate", err);
    if (!rc && sw->has_funding)
        rc = draw_sweep(sw, plots, "cost_per_employed_12m_cents", 1e-5,
                        "Cost per 12-month employment (thousands of CAD)", "sweep_cost_per_outcome", err);
    *info = (es_manifest_info){.scenario = &sw->scenario, .command = sw->command,
                               .replications = sw->npoints ? sw->points[0].nreps : 0,
                               .wall_seconds = sw->wall_seconds,
                               .warmup_auto = sw->warmup_auto};
    free(plots);
    return rc;
}

int es_sweep_write(const es_sweep *sw, es_output_folder *out, es_error *err)
{
    return es_output_transaction(out, fill_sweep, sw, err);
}

/* essim compare: one scenario, several funding models, the same client flows; or a base
 * scenario against arms (other scenarios, or overlays read over it).
 *
 * Accounting comparisons: each model runs the scenario with the same seed, so every
 * replication sees the same random numbers; the funding layer draws none and schedules
 * nothing, so the event logs are identical (event_fingerprints.csv shows it) and differences
 * between models are differences of prices only.  Arms run with the same seed too, each as an
 * experiment of its own: their flows may differ, and their differences are then those of the
 * reform, paired by common random numbers.  Differences are paired by replication. */
#include "api/internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api/aggregate.h"
#include "engine/stats.h"
#include "io/csv.h"
#include "io/plot.h"
#include "io/text.h"

/* What a provider expects to net from a client of each stream under a model: its revenue from
 * the stream's clients less the stream's staff cost, per client served, from an accounting run. */
static int expected_net_revenue(const es_experiment *x, const es_funding_model *f, double *value,
                                es_error *err)
{
    const es_params *p = &x->scenario.params;
    double revenue[ES_MAX_STREAMS] = {0}, hours[ES_MAX_STREAMS] = {0},
           served[ES_MAX_STREAMS] = {0};
    es_rep_cache cache;
    es_rep_cache_init(&cache);
    int rc = ES_OK;
    for (int r = 0; r < x->nreps && !rc; r++) { /* each replication read once */
        const es_replication *rep;
        rc = es_experiment_load(x, r, &cache, &rep, err);
        const es_ledger *l = &rep->ledger;
        for (int s = 0; s < p->nstreams && !rc; s++) {
            for (int m = 0; m < l->nmonths; m++)
                for (int comp = 0; comp < f->ncomponents; comp++) {
                    if (f->components[comp].payee != ES_PARTY_PROVIDER)
                        continue;
                    for (int src = 0; src <= ES_NSOURCES; src++)
                        for (int k = 0; k < l->ncatchments; k++)
                            revenue[s] += (double)l->cents[es_ledger_cell(l, m, comp, s, src, k)];
                }
            double v;
            if (es_results_get(&rep->results, "stream_staff_hours", p->streams[s].name, &v) == 0)
                hours[s] += v;
            if (es_results_get(&rep->results, "clients_served", p->streams[s].name, &v) == 0)
                served[s] += v;
        }
    }
    es_rep_cache_free(&cache);
    for (int s = 0; s < p->nstreams; s++)
        value[s] = served[s] > 0 ? (revenue[s] / 100.0 - hours[s] * p->staff_cost_per_hour) /
                                       served[s]
                                 : 0.0;
    return rc;
}

/* A heap copy (~1 MB: not on the stack, so compare is reentrant) of the scenario priced by
 * model i, providers not responding to prices; NULL with err set when out of memory. */
static es_scenario *with_model_of(const es_comparison *c, const es_scenario *s, int i,
                                  es_error *err)
{
    es_scenario *w = malloc(sizeof *w);
    if (!w) {
        es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory for a funding model's scenario");
        return NULL;
    }
    *w = *s;
    w->has_funding = 1;
    w->funding = c->models[i];
    w->params.behaviour.enabled = false;
    return w;
}

/* Runs arm i as it is, or the scenario under model i (after its accounting run, in a
 * behavioural comparison, unless `priced`: the accounting runs were priced together already). */
static int run_model(es_comparison *c, int i, bool priced, const es_run_options *opt,
                     es_error *err)
{
    if (c->nmodels < i + 1)
        c->nmodels = i + 1;
    es_run_options told = *opt; /* the progress line names the arm or model */
    char what[sizeof c->names[i] + 40];
    told.progress_what = what;
    snprintf(what, sizeof what, "%s", c->names[i]);
    if (c->arms)
        return es_experiment_run(&c->runs[i], c->scenarios[i], &told, err);
    es_scenario *with_model = with_model_of(c, c->scenarios[i], i, err);
    if (!with_model)
        return err->status;
    if (c->behavioural) {
        int rc = priced ? ES_OK : es_experiment_run(&c->accounting[i], with_model, opt, err);
        if (!rc)
            rc = expected_net_revenue(&c->accounting[i], &c->models[i], c->value_by_stream[i], err);
        if (rc) {
            free(with_model);
            return rc;
        }
        with_model->params.behaviour.enabled = true;
        memcpy(with_model->params.behaviour.value_by_stream, c->value_by_stream[i],
               sizeof c->value_by_stream[i]);
    }
    if (c->behavioural)
        snprintf(what, sizeof what, "%s (providers responding)", c->names[i]);
    int rc = es_experiment_run(&c->runs[i], with_model, &told, err);
    free(with_model);
    return rc;
}

/* An accounting comparison, priced once: one simulation per replication, every model's funder
 * observing it (the funding layer schedules nothing and draws no random numbers, so this is
 * what running each model on its own would give, byte for byte, in a fraction of the time). */
static int run_priced(es_comparison *c, es_experiment *xs, const es_scenario *s, int n,
                      const es_run_options *opt, es_error *err)
{
    es_scenario *with_model[ES_MAX_COMPARED] = {0};
    int rc = ES_OK;
    for (int i = 0; i < n && !rc; i++)
        if (!(with_model[i] = with_model_of(c, s, i, err)))
            rc = err->status;
    if (!rc) {
        c->nmodels = n;
        char what[96];
        snprintf(what, sizeof what, "%d funding model%s%s", n, n == 1 ? "" : "s, priced together",
                 c->behavioural ? " (accounting runs)" : "");
        es_run_options told = *opt; /* the progress line says what is simulated */
        told.progress_what = what;
        rc = es_experiment_run_priced(xs, n, (const es_scenario *const *)with_model, &told, err);
    }
    for (int i = 0; i < n; i++)
        free(with_model[i]);
    return rc;
}

/* Paired differences need the same replications in every run.  With --precision, the
 * accounting runs of a funding comparison stop together, but each behavioural run, and each
 * arm, stops when its own measures are precise enough: run again, to the largest count, those
 * that stopped earlier (their replications repeat exactly: replication r is seeded by r). */
static int equal_replications(es_comparison *c, const es_run_options *opt, es_error *err)
{
    if (opt->precision <= 0.0)
        return ES_OK;
    int most = 0;
    for (int i = 0; i < c->nmodels; i++) {
        if (c->runs[i].nreps > most)
            most = c->runs[i].nreps;
        if (c->behavioural && c->accounting[i].nreps > most)
            most = c->accounting[i].nreps;
    }
    es_run_options fixed = *opt;
    fixed.precision = 0.0;
    fixed.max_replications = 0;
    fixed.replications = most;
    for (int i = 0; i < c->nmodels; i++) {
        if (c->runs[i].nreps == most && (!c->behavioural || c->accounting[i].nreps == most))
            continue;
        bool reached = c->runs[i].precision_reached;
        int cap = c->runs[i].precision_cap;
        es_experiment_destroy(&c->runs[i]);
        es_experiment_destroy(&c->accounting[i]);
        int rc = run_model(c, i, false, &fixed, err);
        if (rc)
            return rc;
        c->runs[i].precision_reached = reached;
        c->runs[i].precision = opt->precision;
        c->runs[i].precision_cap = cap;
    }
    return ES_OK;
}

int es_compare_run(es_comparison *c, const es_scenario *s, const char *const *funding_files,
                   int nfiles, const es_run_options *opt, es_error *err)
{
    memset(c, 0, sizeof *c);
    if (nfiles < 1 || nfiles > ES_MAX_COMPARED)
        return es_error_set(err, ES_EINVAL, NULL, 0, "compare takes 1 to %d funding models, not %d",
                            ES_MAX_COMPARED, nfiles);
    for (int i = 0; i < nfiles; i++) {
        int rc = es_funding_load(&c->models[i], funding_files[i], &s->params, err);
        if (rc)
            return rc;
        for (int j = 0; j < i; j++)
            if (strcmp(c->models[j].name, c->models[i].name) == 0)
                return es_error_set(err, ES_EINVAL, funding_files[i], 0,
                                    "two funding models are named \"%s\": names must differ",
                                    c->models[i].name);
        snprintf(c->names[i], sizeof c->names[i], "%s", c->models[i].name);
        c->scenarios[i] = s;
    }
    c->behavioural = opt->behavioural;
    /* the accounting runs, priced once; in a behavioural comparison each model's providers
     * then respond to what its accounting run says they earn, in runs of their own */
    int rc = run_priced(c, c->behavioural ? c->accounting : c->runs, s, nfiles, opt, err);
    for (int i = 0; c->behavioural && i < nfiles && !rc; i++)
        rc = run_model(c, i, true, opt, err);
    if (!rc)
        rc = equal_replications(c, opt, err);
    memset(c->scenarios, 0, sizeof c->scenarios); /* the caller's, valid while it ran */
    return rc;
}

int es_compare_run_arms(es_comparison *c, const es_compare_arm *arms, int narms,
                        const es_run_options *opt, es_error *err)
{
    memset(c, 0, sizeof *c);
    if (narms < 2 || narms > ES_MAX_COMPARED)
        return es_error_set(err, ES_EINVAL, NULL, 0,
                            "compare takes a base and 1 to %d arms, not %d", ES_MAX_COMPARED - 1,
                            narms - 1);
    if (opt->behavioural)
        return es_error_set(err, ES_EINVAL, NULL, 0,
                            "--behavioural compares funding models (--funding), not arms");
    c->arms = true;
    for (int i = 0; i < narms; i++) {
        for (int j = 0; j < i; j++)
            if (strcmp(arms[j].name, arms[i].name) == 0)
                return es_error_set(err, ES_EINVAL, arms[i].file, 0,
                                    "an arm named \"%s\" is there already: arms' names must "
                                    "differ (a scenario arm is named by its scenario.name, an "
                                    "overlay arm by its file)",
                                    arms[i].name);
        snprintf(c->names[i], sizeof c->names[i], "%s", arms[i].name);
        c->arm_files[i] = arms[i].file;
        c->scenarios[i] = arms[i].scenario;
    }
    int rc = ES_OK;
    for (int i = 0; i < narms && !rc; i++) /* one experiment each: they differ in more than price */
        rc = run_model(c, i, false, opt, err);
    if (!rc)
        rc = equal_replications(c, opt, err);
    memset(c->scenarios, 0, sizeof c->scenarios);
    return rc;
}

int es_compare_flows_differ(const es_comparison *c)
{
    int differ = 0;
    const es_experiment *base = &c->runs[0];
    for (int r = 0; r < base->nreps; r++) {
        bool same = true;
        for (int m = 1; m < c->nmodels && r < c->runs[m].nreps; m++)
            same &= c->runs[m].reps[r].event_fingerprint == base->reps[r].event_fingerprint;
        differ += !same;
    }
    return differ;
}

void es_compare_destroy(es_comparison *c)
{
    for (int i = 0; i < c->nmodels; i++) {
        es_experiment_destroy(&c->runs[i]);
        es_experiment_destroy(&c->accounting[i]);
    }
    c->nmodels = 0;
}

static double mean_of(const es_experiment *x, const char *measure, const char *group, double *half);

/* Behavioural comparisons: how each stream fares when providers respond to the model's prices,
 * against the same model in accounting mode (the creaming index). */
static int creaming_rows(es_csv_writer *w, const void *ctx, es_error *err)
{
    (void)err;
    const es_comparison *c = ctx;
    for (int m = 0; m < c->nmodels; m++) {
        const es_params *p = &c->runs[m].scenario.params;
        for (int s = 0; s < p->nstreams; s++) {
            const char *g = p->streams[s].name;
            double share_a = mean_of(&c->accounting[m], "service_share", g, NULL);
            double share_b = mean_of(&c->runs[m], "service_share", g, NULL);
            double rate_a = mean_of(&c->accounting[m], "employment_rate_at_exit", g, NULL);
            double rate_b = mean_of(&c->runs[m], "employment_rate_at_exit", g, NULL);
            es_csv_text(w, c->names[m]);
            es_csv_text(w, g);
            es_csv_num(w, nearbyint(c->value_by_stream[m][s] * 100.0) / 100.0);
            es_csv_num(w, mean_of(&c->runs[m], "parked_share", g, NULL));
            es_csv_num(w, share_a);
            es_csv_num(w, share_b);
            es_csv_num(w, rate_a);
            es_csv_num(w, rate_b);
            /* > 1: the stream does relatively better when providers respond to prices */
            es_csv_num(w, rate_a > 0 ? rate_b / rate_a : 0.0);
            es_csv_end_row(w);
        }
    }
    return ES_OK;
}

/* Every model's measures keyed by name (api/aggregate.h), for the summary tables. */
typedef struct model_summaries {
    const es_comparison *c;
    es_aggregate *agg; /* one per model */
} model_summaries;

static int comparison_rows(es_csv_writer *w, const void *ctx, es_error *err)
{
    (void)err;
    const model_summaries *ms = ctx;
    for (int m = 0; m < ms->c->nmodels; m++) {
        const char *model = ms->c->names[m];
        es_aggregate_write_rows(w, &ms->agg[m], NULL, &model, 1, false);
    }
    return ES_OK;
}

/* Paired differences (model minus the first model) for every measure both report. */
static int differences_rows(es_csv_writer *w, const void *ctx, es_error *err)
{
    (void)err;
    const model_summaries *ms = ctx;
    for (int m = 0; m < ms->c->nmodels; m++) {
        const char *prefix[] = {ms->c->names[m], ms->c->names[0]};
        es_aggregate_write_rows(w, &ms->agg[m], &ms->agg[0], prefix, 2, false);
    }
    return ES_OK;
}

/* comparison.csv and comparison_differences.csv. */
static int write_summaries(const es_comparison *c, const char *dir, es_error *err)
{
    model_summaries ms = {.c = c, .agg = calloc((size_t)c->nmodels, sizeof *ms.agg)};
    if (!ms.agg)
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory summarising the models");
    int rc = ES_OK;
    for (int m = 0; !rc && m < c->nmodels; m++)
        rc = es_experiment_aggregate(&c->runs[m], &ms.agg[m], true, err);
    /* the first column names what was compared: funding models, or arms */
    if (!rc)
        rc = es_csv_write_table(dir, "comparison.csv",
                                c->arms ? "arm,measure,group,replications,mean,ci95_low,ci95_high"
                                        : "model,measure,group,replications,mean,ci95_low,ci95_high",
                                comparison_rows, &ms, err);
    if (!rc)
        rc = es_csv_write_table(dir, "comparison_differences.csv",
                                c->arms ? "arm,baseline,measure,group,replications,mean_difference,"
                                          "ci95_low,ci95_high"
                                        : "model,baseline,measure,group,replications,mean_difference,"
                                          "ci95_low,ci95_high",
                                differences_rows, &ms, err);
    for (int m = 0; m < c->nmodels; m++)
        es_aggregate_free(&ms.agg[m]);
    free(ms.agg);
    return rc;
}

static int fingerprint_rows(es_csv_writer *w, const void *ctx, es_error *err)
{
    (void)err;
    const es_comparison *c = ctx;
    for (int m = 0; m < c->nmodels; m++)
        for (int r = 0; r < c->runs[m].nreps; r++) {
            const es_replication *rep = &c->runs[m].reps[r];
            char hex[24];
            snprintf(hex, sizeof hex, "%016llx", (unsigned long long)rep->event_fingerprint);
            es_csv_text(w, c->names[m]);
            es_csv_int(w, rep->number);
            es_csv_int(w, (int64_t)rep->events);
            es_csv_text(w, hex);
            es_csv_end_row(w);
        }
    return ES_OK;
}

/* A folder name from a model name: letters, digits and dashes. */
static void slug(const char *name, char *out, size_t len)
{
    size_t j = 0;
    int dash = 0;
    for (const char *p = name; *p && j + 1 < len; p++) {
        char ch = *p;
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
            out[j++] = ch;
            dash = 0;
        } else if (ch >= 'A' && ch <= 'Z') {
            out[j++] = (char)(ch - 'A' + 'a');
            dash = 0;
        } else if (!dash && j > 0) {
            out[j++] = '-';
            dash = 1;
        }
    }
    while (j > 0 && out[j - 1] == '-')
        j--;
    out[j] = '\0';
    if (j == 0)
        snprintf(out, len, "model");
}

static double mean_of(const es_experiment *x, const char *measure, const char *group, double *half)
{
    double mean = 0.0, h = 0.0;
    es_experiment_measure(x, measure, group, &mean, &h);
    if (half)
        *half = h;
    return mean;
}

/* Draws plots/SCRIPT.gp from `data`, the models' names as keys (or `keys` when given) and
 * `tics` into DIR/BASENAME.png and .svg. */
static int draw(const es_comparison *c, const char *plots, const char *script,
                const char *basename, const es_text *data, const es_strings *keys,
                const es_strings *tics, const char *title, es_error *err)
{
    es_strings names = {0};
    for (int m = 0; !keys && m < c->nmodels; m++)
        es_strings_printf(&names, "%s", c->names[m]);
    const es_strings *k = keys ? keys : &names;
    int rc;
    if (data->failed || k->failed || (tics && tics->failed))
        rc = es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory drawing plots");
    else
        rc = es_plot_draw(&(es_plot){.script = script, .basename = basename, .data = data->s,
                                     .title = title, .keys = es_strings_array(k), .nkeys = k->n,
                                     .tics = tics ? es_strings_array(tics) : NULL,
                                     .ntics = tics ? tics->n : 0},
                          plots, err);
    es_strings_free(&names);
    return rc;
}

/* Spend by component type, millions of dollars: a stacked bar per model. */
static int draw_spend(const es_comparison *c, const char *plots, es_error *err)
{
    es_text b = {0};
    es_strings types = {0}, models = {0};
    es_text_printf(&b, "%s", "");
    for (int t = 0; t < ES_NCOMPONENT_TYPES; t++)
        es_strings_printf(&types, "%s", es_component_type_names[t]);
    for (int m = 0; m < c->nmodels; m++) {
        es_strings_printf(&models, "%s", c->names[m]);
        es_text_printf(&b, "%d", m);
        for (int t = 0; t < ES_NCOMPONENT_TYPES; t++)
            es_text_printf(&b, " %.4f",
                      mean_of(&c->runs[m], "spend_by_type_cents", es_component_type_names[t], NULL) / 1e8);
        es_text_printf(&b, "\n");
    }
    char title[ES_NAME_MAX * 2 + 80];
    snprintf(title, sizeof title, "Spend by funding component (mean of %d replications)\n%s",
             c->runs[0].nreps, c->runs[0].scenario.params.name);
    int rc = draw(c, plots, "compare_spend_by_type", "spend_by_component", &b, &types, &models,
                  title, err);
    es_text_free(&b);
    es_strings_free(&types);
    es_strings_free(&models);
    return rc;
}

/* Cost per 12-month employment by stream, thousands of dollars, with 95 % intervals. */
static int draw_cost(const es_comparison *c, const char *plots, es_error *err)
{
    const es_params *p = &c->runs[0].scenario.params;
    es_text b = {0};
    es_strings streams = {0};
    es_text_printf(&b, "%s", "");
    for (int s = 0; s < p->nstreams; s++) {
        es_strings_printf(&streams, "%s", p->streams[s].name);
        es_text_printf(&b, "%d", s);
        for (int m = 0; m < c->nmodels; m++) {
            double half;
            double v = mean_of(&c->runs[m], "cost_per_employed_12m_cents", p->streams[s].name, &half);
            es_text_printf(&b, " %.4f %.4f %.4f", v / 1e5, (v - half) / 1e5, (v + half) / 1e5);
        }
        es_text_printf(&b, "\n");
    }
    char title[ES_NAME_MAX * 2 + 80];
    snprintf(title, sizeof title, "Cost per 12-month employment by stream (95 %% CI)\n%s", p->name);
    int rc = draw(c, plots, "compare_cost_per_outcome", "cost_per_outcome_by_stream", &b, NULL,
                  &streams, title, err);
    es_text_free(&b);
    es_strings_free(&streams);
    return rc;
}

/* Providers' cumulative net cash, millions of dollars, by month: a line per model. */
static int draw_cash(const es_comparison *c, const char *plots, es_error *err)
{
    const es_params *p = &c->runs[0].scenario.params;
    int nmonths = es_params_months(p);
    double *cum = calloc((size_t)c->nmodels, sizeof *cum);
    double *flow = calloc((size_t)c->nmodels * (size_t)nmonths, sizeof *flow);
    if (!cum || !flow) {
        free(cum);
        free(flow);
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory drawing plots");
    }
    int rc = ES_OK; /* each model's net flow by month, each replication read once */
    es_rep_cache cache;
    es_rep_cache_init(&cache);
    for (int m = 0; m < c->nmodels && !rc; m++)
        for (int r = 0; r < c->runs[m].nreps && !rc; r++) {
            const es_replication *rep;
            rc = es_experiment_load(&c->runs[m], r, &cache, &rep, err);
            const es_finance *fin = &rep->finance;
            for (int k = 0; k < nmonths && !rc; k++)
                for (int q = 0; q < fin->nproviders; q++)
                    flow[(size_t)m * (size_t)nmonths + (size_t)k] +=
                        (double)(fin->revenue[(size_t)q * (size_t)fin->nmonths + (size_t)k] -
                                 fin->cost[(size_t)q * (size_t)fin->nmonths + (size_t)k]);
        }
    es_rep_cache_free(&cache);
    es_text b = {0};
    es_text_printf(&b, "%s", "");
    for (int k = 0; k < nmonths && !rc; k++) {
        int total = p->start_year * 12 + (p->start_month - 1) + k;
        es_text_printf(&b, "%04d-%02d", total / 12, total % 12 + 1);
        for (int m = 0; m < c->nmodels; m++) {
            cum[m] += flow[(size_t)m * (size_t)nmonths + (size_t)k] / c->runs[m].nreps;
            es_text_printf(&b, " %.4f", cum[m] / 1e8);
        }
        es_text_printf(&b, "\n");
    }
    free(cum);
    free(flow);
    if (rc) {
        es_text_free(&b);
        return rc;
    }
    char title[ES_NAME_MAX * 2 + 80];
    snprintf(title, sizeof title, "Providers' cumulative cash position (revenue less costs)\n%s",
             p->name);
    rc = draw(c, plots, "compare_cash_position", "provider_cash_position", &b, NULL, NULL,
                  title, err);
    es_text_free(&b);
    return rc;
}

static int draw_compare_plots(const es_comparison *c, const char *dir, es_error *err)
{
    char *plots; /* made already by the baseline's own tables: kept */
    int rc = es_output_subfolder(dir, "plots", &plots, err);
    if (!rc)
        rc = draw_spend(c, plots, err);
    if (!rc)
        rc = draw_cost(c, plots, err);
    if (!rc)
        rc = draw_cash(c, plots, err);
    free(plots);
    return rc;
}

/* An arm's input files that the manifest does not list yet (the base's are listed). */
static void add_arm_inputs(es_manifest_info *info, const es_scenario *arm)
{
    for (int i = 0; i < arm->ninputs; i++) {
        bool listed = false;
        for (int k = 0; k < info->scenario->ninputs && !listed; k++)
            listed = strcmp(info->scenario->inputs[k], arm->inputs[i]) == 0;
        for (int k = 0; k < info->nextra_inputs && !listed; k++)
            listed = strcmp(info->extra_inputs[k], arm->inputs[i]) == 0;
        if (!listed && info->nextra_inputs < ES_MANIFEST_EXTRA_INPUTS)
            info->extra_inputs[info->nextra_inputs++] = arm->inputs[i];
    }
}

static int fill_comparison(const char *tmp, const void *ctx, es_manifest_info *info,
                           es_error *err)
{
    const es_comparison *c = ctx;
    /* the top level holds the baseline model's own tables too, as a run would write them */
    int rc = es_output_files(&c->runs[0], tmp, ES_OUTPUT_ALL, err);
    if (!rc)
        rc = write_summaries(c, tmp, err);
    if (!rc)
        rc = es_csv_write_table(tmp, "event_fingerprints.csv",
                                c->arms ? "arm,replication,events,event_fingerprint"
                                        : "model,replication,events,event_fingerprint",
                                fingerprint_rows, c, err);
    if (!rc && c->behavioural)
        rc = es_csv_write_table(tmp, "creaming.csv",
                                "model,stream,expected_net_revenue_per_client,parked_share,"
                                "service_share_accounting,service_share_behavioural,"
                                "employment_rate_accounting,employment_rate_behavioural,"
                                "creaming_index",
                                creaming_rows, c, err);
    if (!rc)
        rc = draw_compare_plots(c, tmp, err);
    char *models = NULL;
    if (!rc)
        rc = es_output_subfolder(tmp, c->arms ? "arms" : "models", &models, err);
    for (int m = 0; !rc && m < c->nmodels; m++) {
        char name[ES_NAME_MAX * 2], numbered[ES_NAME_MAX * 2 + 16], *folder;
        slug(c->names[m], name, sizeof name);
        snprintf(numbered, sizeof numbered, "%d-%s", m + 1, name);
        rc = es_output_subfolder(models, numbered, &folder, err);
        /* the baseline's ledger summary is the top level's: not written a second time */
        if (!rc)
            rc = es_output_files(&c->runs[m], folder,
                                 m == 0 ? ES_OUTPUT_NO_LEDGER_SUMMARY : ES_OUTPUT_ALL, err);
        free(folder);
    }
    free(models);
    if (!rc)
        rc = es_compare_report(c, tmp, err);
    *info = (es_manifest_info){.scenario = &c->runs[0].scenario, .command = c->runs[0].command,
                               .replications = c->runs[0].nreps,
                               .warmup_auto = c->runs[0].warmup_auto};
    for (int m = 0; m < c->nmodels; m++) {
        info->wall_seconds += c->runs[m].wall_seconds + c->accounting[m].wall_seconds;
        if (!c->arms)
            info->extra_inputs[info->nextra_inputs++] = c->models[m].file;
    }
    for (int m = 1; c->arms && m < c->nmodels; m++)
        add_arm_inputs(info, &c->runs[m].scenario);
    return rc;
}

int es_compare_write(const es_comparison *c, es_output_folder *out, es_error *err)
{
    return es_output_transaction(out, fill_comparison, c, err);
}

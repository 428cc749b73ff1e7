/* The plots of a run: client flow by month, intake by stream, the waiting-time distribution,
 * retention by stream, outcomes by catchment and by census division; means over replications
 * (intervals where the plot shows them). */
#include "api/internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/plot.h"
#include "io/text.h"
#include "model/calendar.h"

/* What a plot is drawn from: its datablock, curve titles and tic labels. */
typedef struct plot_input {
    es_text data;
    es_strings keys, tics;
} plot_input;

/* Starts plots/SCRIPT.gp on in's data, titled HEADING (printf-style) over the scenario's
 * name. */
static int start(es_plot_batch *batch, const char *plots, plot_input *in, const char *script,
                 const es_experiment *x, es_error *err, const char *heading, ...)
    __attribute__((format(printf, 7, 8)));
static int start(es_plot_batch *batch, const char *plots, plot_input *in, const char *script,
                 const es_experiment *x, es_error *err, const char *heading, ...)
{
    char title[400];
    va_list ap;
    va_start(ap, heading);
    int n = vsnprintf(title, sizeof title, heading, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof title)
        snprintf(title + n, sizeof title - (size_t)n, "\n%s", x->scenario.params.name);
    if (in->data.failed || in->keys.failed || in->tics.failed)
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory drawing plots");
    es_plot pl = {.script = script, .basename = script, .data = in->data.s, .title = title,
                  .keys = es_strings_array(&in->keys), .nkeys = in->keys.n,
                  .tics = es_strings_array(&in->tics), .ntics = in->tics.n};
    return es_plot_start(batch, &pl, plots, err);
}

/* Means over replications of n monthly series (measures[k], groups[k]), for every month:
 * column k of out (nmonths each).  Each replication is read once. */
static int monthly_means(const es_experiment *x, int n, const char *const *measures,
                         const char *const *groups, double *out, int nmonths, es_error *err)
{
    memset(out, 0, (size_t)nmonths * (size_t)n * sizeof *out);
    es_rep_cache cache;
    es_rep_cache_init(&cache);
    int rc = ES_OK;
    for (int r = 0; r < x->nreps && !rc; r++) {
        const es_replication *rep;
        rc = es_experiment_load(x, r, &cache, &rep, err);
        for (int k = 0; k < n && !rc; k++)
            for (size_t i = 0; i < rep->results.n; i++) {
                const es_obs *o = &rep->results.obs[i];
                if (o->month >= 0 && o->month < nmonths && strcmp(o->measure, measures[k]) == 0 &&
                    strcmp(o->group, groups[k]) == 0)
                    out[(size_t)k * (size_t)nmonths + (size_t)o->month] += o->value / x->nreps;
            }
    }
    es_rep_cache_free(&cache);
    return rc;
}

/* Three monthly series (group all), one line each, drawn with plots/NAME.gp. */
static int monthly_lines(const es_experiment *x, const char *plots, plot_input *in,
                         es_plot_batch *batch, es_error *err, const char *const measures[3],
                         const char *name, const char *what)
{
    es_text *t = &in->data;
    const es_params *p = &x->scenario.params;
    int n = es_params_months(p);
    double *col = malloc((size_t)n * 3 * sizeof *col);
    if (!col)
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory drawing plots");
    static const char *const all[3] = {"all", "all", "all"};
    int rc = monthly_means(x, 3, measures, all, col, n, err);
    if (rc) {
        free(col);
        return rc;
    }
    for (int m = 0; m < n; m++) {
        char month[16];
        es_month_label(p->start_year, p->start_month, m, month, sizeof month);
        es_text_printf(t, "%s %.3f %.3f %.3f\n", month, col[m], col[n + m], col[2 * n + m]);
    }
    free(col);
    return start(batch, plots, in, name, x, err,
                 "%s by month (mean of %d replications)", what, x->nreps);
}

static int flow_by_month(const es_experiment *x, const char *plots, plot_input *in,
                         es_plot_batch *batch, es_error *err)
{
    static const char *const measures[3] = {"arrivals", "waiting", "in_service"};
    return monthly_lines(x, plots, in, batch, err, measures, "flow_by_month", "Client flow");
}

/* Vacancies posted and filled by clients, by month; nothing without a labour market. */
static int vacancies_by_month(const es_experiment *x, const char *plots, plot_input *in,
                         es_plot_batch *batch, es_error *err)
{
    static const char *const measures[3] = {"vacancies_posted", "vacancies_filled_by_clients",
                                            "job_starts"};
    if (!x->scenario.params.labour.enabled || !x->scenario.params.has_geography)
        return ES_OK;
    return monthly_lines(x, plots, in, batch, err, measures, "vacancies_by_month", "Vacancies");
}

static int intake_by_stream(const es_experiment *x, const char *plots, plot_input *in,
                         es_plot_batch *batch, es_error *err)
{
    const es_params *p = &x->scenario.params;
    int n = es_params_months(p);
    double *col = malloc((size_t)n * (size_t)p->nstreams * sizeof *col);
    if (!col)
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory drawing plots");
    const char *arrivals[ES_MAX_STREAMS], *streams[ES_MAX_STREAMS];
    for (int s = 0; s < p->nstreams; s++) {
        arrivals[s] = "arrivals";
        streams[s] = p->streams[s].name;
    }
    int rc = monthly_means(x, p->nstreams, arrivals, streams, col, n, err);
    if (rc) {
        free(col);
        return rc;
    }
    es_text *t = &in->data;
    for (int s = 0; s < p->nstreams; s++)
        es_strings_printf(&in->keys, "Stream %s", p->streams[s].name);
    for (int m = 0; m < n; m++) {
        char month[16];
        es_month_label(p->start_year, p->start_month, m, month, sizeof month);
        es_text_printf(t, "%s", month);
        for (int s = 0; s < p->nstreams; s++)
            es_text_printf(t, " %.3f", col[(size_t)s * (size_t)n + (size_t)m]);
        es_text_printf(t, "\n");
    }
    free(col);
    return start(batch, plots, in, "intake_by_stream", x, err,
                 "New clients a month by assessed stream (mean of %d replications)", x->nreps);
}

static int retention_by_stream(const es_experiment *x, const char *plots, plot_input *in,
                         es_plot_batch *batch, es_error *err)
{
    const es_params *p = &x->scenario.params;
    static const char *const rates[] = {"employed_1m_rate", "employed_3m_rate", "employed_6m_rate",
                                        "employed_12m_rate"};
    static const int months[] = {1, 3, 6, 12};
    es_text *t = &in->data;
    for (int s = 0; s < p->nstreams; s++)
        es_strings_printf(&in->keys, "Stream %s", p->streams[s].name);
    es_text_printf(t, "0");
    for (int s = 0; s < p->nstreams; s++)
        es_text_printf(t, " 100 100 100");
    es_text_printf(t, "\n");
    for (int k = 0; k < 4; k++) {
        es_text_printf(t, "%d", months[k]);
        for (int s = 0; s < p->nstreams; s++) {
            double mean, half;
            es_experiment_measure(x, rates[k], p->streams[s].name, &mean, &half);
            es_text_printf(t, " %.3f %.3f %.3f", 100 * mean, 100 * (mean - half), 100 * (mean + half));
        }
        es_text_printf(t, "\n");
    }
    return start(batch, plots, in, "retention_by_stream", x, err,
                 "Still employed after a job start, by stream (95 %% CI)");
}

static int outcomes_by_catchment(const es_experiment *x, const char *plots, plot_input *in,
                         es_plot_batch *batch, es_error *err)
{
    const es_params *p = &x->scenario.params;
    for (int c = 0; c < p->ncatchments; c++) {
        char group[ES_NAME_MAX + 16];
        snprintf(group, sizeof group, "catchment=%s", p->catchments[c].name);
        double e, eh, r, rh;
        es_experiment_measure(x, "kpi_employment_rate_at_exit", group, &e, &eh);
        es_experiment_measure(x, "kpi_employed_12m_rate", group, &r, &rh);
        es_strings_printf(&in->tics, "%s", p->catchments[c].name);
        es_text_printf(&in->data, "%d %.3f %.3f %.3f %.3f %.3f %.3f\n", c, 100 * e, 100 * (e - eh),
                       100 * (e + eh), 100 * r, 100 * (r - rh), 100 * (r + rh));
    }
    return start(batch, plots, in, "outcomes_by_catchment", x, err,
                 "Employment outcomes by catchment (95 %% CI)");
}

static int wait_distribution(const es_experiment *x, const char *plots, plot_input *in,
                         es_plot_batch *batch, es_error *err)
{
    const es_params *p = &x->scenario.params;
    static const int days[] = {0,   1,   7,   14,  21,  28,  35,  42,  49,  56,  63,  70,
                               77,  84,  91,  98,  105, 112, 119, 126, 133, 140, 147,
                               154, 161, 168, 175, 182, 273, 365};
    es_text *t = &in->data;
    es_strings_printf(&in->keys, "All clients");
    for (int s = 0; s < p->nstreams; s++)
        es_strings_printf(&in->keys, "Stream %s", p->streams[s].name);
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        es_text_printf(t, "%d", days[i]);
        for (int s = -1; s < p->nstreams; s++) {
            double mean = 0.0, half;
            if (days[i] > 0) {
                char group[ES_NAME_MAX + 16];
                snprintf(group, sizeof group, "%s;days=%d", s < 0 ? "all" : p->streams[s].name,
                         days[i]);
                es_experiment_measure(x, "share_started_within", group, &mean, &half);
            }
            es_text_printf(t, " %.3f", 100 * mean);
        }
        es_text_printf(t, "\n");
    }
    return start(batch, plots, in, "wait_distribution", x, err,
                 "Time from arrival to the start of services (mean of %d replications)", x->nreps);
}

/* A census division's employment rate at exit, over every fiscal year, for one replication:
 * plans closed employed over plans closed (the open-data exit columns). */
static double cd_exit_rate(const es_open_tables *t, int cd, double *closed)
{
    double employed = 0.0, all = 0.0;
    for (int fy = 0; fy < t->nfiscal_years; fy++) {
        const uint64_t *cells = &t->cd[es_open_cell(t->ncds, fy, cd, 0)];
        employed += (double)cells[0];
        for (int k = 0; k < ES_OPEN_DATA_COLUMNS / 2; k++)
            all += (double)cells[k];
    }
    *closed = all;
    return all > 0.0 ? employed / all : 0.0;
}

typedef struct cd_row {
    int cd;
    double mean, half;
} cd_row;

static int by_rate(const void *a, const void *b)
{
    const cd_row *x = a, *y = b;
    if (x->mean != y->mean)
        return x->mean < y->mean ? -1 : 1;
    return x->cd - y->cd;
}

static int outcomes_by_cd(const es_experiment *x, const char *plots, plot_input *in,
                         es_plot_batch *batch, es_error *err)
{
    const es_params *p = &x->scenario.params;
    es_rep_cache cache;
    es_rep_cache_init(&cache);
    const es_replication *rep;
    int rc = es_experiment_load(x, 0, &cache, &rep, err);
    int ncds = rc ? 0 : rep->open.ncds;
    size_t room = (size_t)(ncds > 0 ? ncds : 1);
    cd_row *rows = malloc(room * sizeof *rows);
    es_tally *rate = malloc(room * sizeof *rate);
    double *closed_all = calloc(room, sizeof *closed_all);
    if (!rc && (!rows || !rate || !closed_all))
        rc = es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory drawing plots");
    for (int cd = 0; !rc && cd < ncds; cd++)
        es_tally_reset(&rate[cd]);
    for (int r = 0; r < x->nreps && !rc; r++) { /* each replication read once */
        rc = es_experiment_load(x, r, &cache, &rep, err);
        for (int cd = 0; cd < ncds && !rc; cd++) {
            double closed;
            double v = cd_exit_rate(&rep->open, cd, &closed);
            closed_all[cd] += closed;
            es_tally_add(&rate[cd], v);
        }
    }
    es_rep_cache_free(&cache);
    int n = 0;
    for (int cd = 0; cd < ncds && !rc; cd++)
        if (closed_all[cd] != 0.0) /* else a division outside the scenario's catchments */
            rows[n++] = (cd_row){cd, es_tally_mean(&rate[cd]), es_tally_ci_halfwidth(&rate[cd], 0.95)};
    free(rate);
    free(closed_all);
    if (rc) {
        free(rows);
        return rc;
    }
    qsort(rows, (size_t)n, sizeof *rows, by_rate);
    for (int i = 0; i < n; i++) {
        /* the English half of a bilingual name ("Greater Sudbury / Grand Sudbury") */
        const char *name = p->geography.cds[rows[i].cd].name, *slash = strstr(name, " / ");
        es_strings_printf(&in->tics, "%.*s", slash ? (int)(slash - name) : (int)strlen(name), name);
        double m = 100 * rows[i].mean, h = 100 * rows[i].half;
        es_text_printf(&in->data, "%d %.3f %.3f %.3f\n", i, m, m - h, m + h);
    }
    free(rows);
    if (n == 0)
        return ES_OK; /* no census division closed a plan: nothing to draw (nor in the report) */
    return start(batch, plots, in, "outcomes_by_cd", x, err,
                 "Employed at exit by census division (95 %% CI)");
}

int es_run_plots(const es_experiment *x, const char *folder, es_error *err)
{
    char *plots;
    int rc = es_output_subfolder(folder, "plots", &plots, err);
    if (rc) {
        free(plots);
        return rc;
    }
    int (*const draw[])(const es_experiment *, const char *, plot_input *, es_plot_batch *,
                        es_error *) = {
        flow_by_month, intake_by_stream, wait_distribution, retention_by_stream,
        outcomes_by_catchment, outcomes_by_cd, vacancies_by_month};
    /* every plot on its own gnuplot process, side by side */
    es_plot_batch batch = {0};
    for (size_t i = 0; !rc && !es_output_stopped() && i < sizeof draw / sizeof draw[0]; i++) {
        plot_input in = {0};
        es_text_printf(&in.data, "%s", "");
        rc = draw[i](x, plots, &in, &batch, err);
        es_text_free(&in.data);
        es_strings_free(&in.keys);
        es_strings_free(&in.tics);
    }
    int waited = es_plot_wait(&batch, err);
    free(plots);
    return rc ? rc : waited;
}

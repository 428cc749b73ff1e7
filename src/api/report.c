/* report.html: one self-contained page for provider days -- a plain-language summary, the
 * headline measures with 95 % confidence intervals, outcomes by stream and by catchment, the
 * plots (inline SVG as data URIs: no network), the assumptions and the inputs' fingerprints.
 * The page's script marks <body data-ready="yes"> once every image has decoded (tests use it). */
#include "api/internal.h"
#include "api/measure_table.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "io/sha256.h"
#include "io/text.h"
#include "model/calendar.h"

static void base64(es_text *t, const unsigned char *data, size_t n)
{
    static const char digits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)data[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)data[i + 1] << 8;
        if (i + 2 < n)
            v |= data[i + 2];
        char out[4] = {digits[v >> 18 & 63], digits[v >> 12 & 63],
                       i + 1 < n ? digits[v >> 6 & 63] : '=', i + 2 < n ? digits[v & 63] : '='};
        es_text_append(t, out, 4);
    }
}

static int embed_svg(es_text *t, const char *folder, const char *name, const char *alt,
                     es_error *err)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/plots/%s.svg", folder, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return es_error_set(err, errno == ENOMEM ? ES_ENOMEM : ES_EIO, path, 0,
                            "cannot read it for the report: %s", strerror(errno));
    es_text svg = {0};
    int read = es_read_all(f, &svg);
    es_text_printf(t, "<figure><img alt=\"");
    es_text_html(t, alt);
    es_text_printf(t, "\" src=\"data:image/svg+xml;base64,");
    base64(t, (const unsigned char *)svg.s, svg.n);
    es_text_printf(t, "\"><figcaption>");
    es_text_html(t, alt);
    es_text_printf(t, "</figcaption></figure>\n");
    int failed = svg.failed;
    es_text_free(&svg);
    if (read == ES_EIO)
        return es_error_set(err, ES_EIO, path, 0, "cannot read it for the report");
    if (read || failed)
        return es_error_set(err, ES_ENOMEM, path, 0, "out of memory embedding it in the report");
    return ES_OK;
}

/* "12,345" */
static void thousands(char *buf, size_t len, double v)
{
    long long n = llround(v);
    char digits[32];
    snprintf(digits, sizeof digits, "%lld", n < 0 ? -n : n);
    size_t d = strlen(digits), j = 0;
    if (n < 0 && j + 1 < len)
        buf[j++] = '-';
    for (size_t i = 0; i < d && j + 2 < len; i++) {
        if (i > 0 && (d - i) % 3 == 0)
            buf[j++] = ',';
        buf[j++] = digits[i];
    }
    buf[j] = '\0';
}

typedef enum unit { U_COUNT, U_SHARE, U_POINTS, U_DAYS, U_MONTHS, U_DOLLARS_FROM_CENTS } unit;

static void format_value(char *buf, size_t len, double v, unit u)
{
    switch (u) {
    case U_COUNT: thousands(buf, len, v); break;
    case U_SHARE: snprintf(buf, len, "%.1f %%", 100 * v); break;
    case U_POINTS: snprintf(buf, len, "%.1f points", 100 * v); break; /* a gap between shares */
    case U_DAYS: snprintf(buf, len, "%.1f days", v); break;
    case U_MONTHS: snprintf(buf, len, "%.2f months", v); break;
    case U_DOLLARS_FROM_CENTS: {
        char t[40];
        thousands(t, sizeof t, fabs(v) / 100.0);
        if (snprintf(buf, len, "%s$%s", v < 0 ? "-" : "", t) >= (int)len)
            buf[len - 1] = '\0';
        break;
    }
    }
}

/* How the report shows a measure, from its unit in the measures table. */
static unit measure_unit(const char *measure)
{
    const es_measure *m = es_measure_find(measure, ES_MEASURE_RUN);
    if (!m)
        return U_COUNT;
    if (strncmp(m->unit, "fraction (", 10) == 0 || strncmp(measure, "net_employment_", 15) == 0)
        return U_POINTS; /* a difference of two shares */
    if (strncmp(m->unit, "months", 6) == 0)
        return U_MONTHS;
    if (strcmp(m->unit, "fraction") == 0)
        return U_SHARE;
    if (strcmp(m->unit, "days") == 0)
        return U_DAYS;
    if (strncmp(m->unit, "cents", 5) == 0)
        return U_DOLLARS_FROM_CENTS;
    return U_COUNT;
}

/* A headline row: the measure's label from the measures table, its mean and 95 % interval. */
static void measure_row(es_text *t, const es_experiment *x, const char *measure, const char *group)
{
    const char *label = es_measure_label(measure);
    unit u = measure_unit(measure);
    double mean, half;
    if (es_experiment_measure(x, measure, group, &mean, &half) == 0)
        return;
    char m[48], lo[48], hi[48];
    format_value(m, sizeof m, mean, u);
    format_value(lo, sizeof lo, mean - half, u);
    format_value(hi, sizeof hi, mean + half, u);
    es_text_printf(t, "<tr><td>");
    es_text_html(t, label);
    es_text_printf(t, "</td><td class=n>%s</td><td class=n>%s to %s</td></tr>\n", m, lo, hi);
}

static double get(const es_experiment *x, const char *measure, const char *group)
{
    double mean = 0, half = 0;
    es_experiment_measure(x, measure, group, &mean, &half);
    return mean;
}

static void summary(es_text *t, const es_experiment *x)
{
    const es_params *p = &x->scenario.params;
    char arrived[32], date_to[16];
    thousands(arrived, sizeof arrived, get(x, "clients_arrived", "all"));
    int y, m, d;
    es_civil_from_days(es_days_from_civil(p->start_year, p->start_month, p->start_day) +
                           (long)p->horizon_days, &y, &m, &d);
    snprintf(date_to, sizeof date_to, "%04d-%02d-%02d", y, m, d);
    es_text_printf(t, "<p>From %04d-%02d-%02d to %s, about <b>%s clients</b> came through the "
                      "doors of %d catchment%s (in person, online or by phone) and took the common "
                      "assessment: ",
                   p->start_year, p->start_month, p->start_day, date_to, arrived, p->ncatchments,
                   p->ncatchments > 1 ? "s" : "");
    for (int s = 0; s < p->nstreams; s++) {
        es_text_printf(t, "%s%.0f %% were placed in stream ", s ? (s + 1 == p->nstreams ? " and " : ", ") : "",
                       100 * get(x, "stream_share", p->streams[s].name));
        es_text_html(t, p->streams[s].name);
    }
    es_text_printf(t, ". %.0f %% of the clients whose service plan closed left employed, and "
                      "%.0f %% of those who started a job were still in it 12 months later (the "
                      "outcome funding models pay for); counting later jobs after a job loss, "
                      "%.0f %% were in work then.",
                   100 * get(x, "employment_rate_at_exit", "all"), 100 * get(x, "employed_12m_rate", "all"),
                   100 * get(x, "employment_status_12m_rate", "all"));
    if (p->nstreams > 1) {
        const char *first = p->streams[0].name, *last = p->streams[p->nstreams - 1].name;
        es_text_printf(t, " Outcomes fall with need: %.0f %% employed at exit in stream ",
                       100 * get(x, "employment_rate_at_exit", first));
        es_text_html(t, first);
        es_text_printf(t, " against %.0f %% in stream ", 100 * get(x, "employment_rate_at_exit", last));
        es_text_html(t, last);
        es_text_printf(t, ".");
    }
    es_text_printf(t, " Clients on social assistance (Ontario Works, ODSP) left employed %.0f "
                      "percentage points less often than other clients.",
                   100 * get(x, "employment_gap_sa_vs_other", "all"));
    if (x->funding) {
        char spend[40], per[40];
        format_value(spend, sizeof spend, get(x, "total_spend_cents", "all"), U_DOLLARS_FROM_CENTS);
        format_value(per, sizeof per, get(x, "cost_per_employed_12m_cents", "all"),
                     U_DOLLARS_FROM_CENTS);
        es_text_printf(t, " Under the funding model <i>");
        es_text_html(t, x->funding->name);
        es_text_printf(t, "</i> the payer at the top spent <b>%s</b>: %s for each job still held "
                          "12 months after it started.", spend, per);
        /* the same from the latest intake cohort whose follow-up is complete, when every
         * replication has the same one: it does not depend on where the run stops */
        double year = get(x, "latest_complete_cohort", "all");
        if (year > 0.0 && year == floor(year)) {
            format_value(per, sizeof per, get(x, "cost_per_employed_12m_latest_cohort_cents", "all"),
                         U_DOLLARS_FROM_CENTS);
            es_text_printf(t, " For the clients who came in during fiscal year %d-%02d, the "
                              "latest whose follow-up is complete, it was %s: that figure does "
                              "not depend on where the run stops.",
                           (int)year, ((int)year + 1) % 100, per);
        }
    }
    es_text_printf(t, "</p>\n<p>Every figure is a mean over %d replications with its 95 %% "
                      "confidence interval; the model's assumptions are listed below, and the "
                      "files behind them are fingerprinted so the results can be reproduced "
                      "exactly.</p>\n",
                   x->nreps);
    if (x->precision > 0.0)
        es_text_printf(t,
                       "<p>The number of replications was chosen by the run (--precision %g): "
                       "%s after %d of at most %d. See docs/experiments.md for the stopping "
                       "rule and its coverage.</p>\n",
                       x->precision,
                       x->precision_reached
                           ? "every headline measure's 95 % half-width was within the asked "
                             "share of its mean"
                           : "<b>the asked precision was not reached</b>: the headline "
                             "measures' half-widths were still wider than asked",
                       x->nreps, x->precision_cap);
}

static void stream_table(es_text *t, const es_experiment *x)
{
    const es_params *p = &x->scenario.params;
    es_text_printf(t, "<table><tr><th>Stream</th><th>Share of clients</th><th>Mean wait</th>"
                      "<th>Employed at exit</th><th>Employed 3 months after job start</th>"
                      "<th>Employed 12 months after job start</th></tr>\n");
    for (int s = 0; s < p->nstreams; s++) {
        const char *g = p->streams[s].name;
        char a[32], b[32], c[32], d[32], e[32];
        format_value(a, sizeof a, get(x, "stream_share", g), U_SHARE);
        format_value(b, sizeof b, get(x, "mean_wait_days", g), U_DAYS);
        format_value(c, sizeof c, get(x, "employment_rate_at_exit", g), U_SHARE);
        format_value(d, sizeof d, get(x, "employed_3m_rate", g), U_SHARE);
        format_value(e, sizeof e, get(x, "employed_12m_rate", g), U_SHARE);
        es_text_printf(t, "<tr><td>");
        es_text_html(t, g);
        es_text_printf(t, "</td><td class=n>%s</td><td class=n>%s</td><td class=n>%s</td>"
                          "<td class=n>%s</td><td class=n>%s</td></tr>\n", a, b, c, d, e);
    }
    es_text_printf(t, "</table>\n");
}

/* Employer-side measures by catchment, when the scenario has a labour market. */
static void employer_table(es_text *t, const es_experiment *x)
{
    const es_params *p = &x->scenario.params;
    double mean, half;
    if (es_experiment_measure(x, "vacancies_posted", "all", &mean, &half) == 0)
        return;
    char posted[32], unmatched[32], searching[32];
    format_value(posted, sizeof posted, get(x, "vacancies_posted", "all"), U_COUNT);
    format_value(unmatched, sizeof unmatched, get(x, "job_searches_unmatched", "all"), U_COUNT);
    format_value(searching, sizeof searching, get(x, "clients_searching_end", "all"), U_COUNT);
    es_text_printf(t, "<h2>Employers and vacancies</h2>\n<p>Employers registered with the "
                      "employment services listed %s vacancies; clients were hired into "
                      "%.0f %% of those filled, after a mean %.1f days of job search. ",
                   posted, 100 * get(x, "share_filled_by_clients", "all"),
                   get(x, "mean_search_days", "all"));
    es_text_printf(t, "%s job-ready clients left unemployed after searching %.0f days without "
                      "a match, and %s were still searching at the end.</p>\n",
                   unmatched, p->labour.max_search_days, searching);
    es_text_printf(t, "<table><tr><th>Catchment</th><th>Registered employers</th>"
                      "<th>Vacancies posted</th><th>Filled by clients</th><th>Filled by others</th>"
                      "<th>Withdrawn unfilled</th><th>Open at the end</th><th>Mean days to fill</th>"
                      "<th>Share filled by clients</th></tr>\n");
    static const char *const measures[] = {"registered_employers", "vacancies_posted",
                                           "vacancies_filled_by_clients", "vacancies_filled_by_others",
                                           "vacancies_expired", "vacancies_open_end",
                                           "mean_days_to_fill", "share_filled_by_clients"};
    for (int c = -1; c < p->ncatchments; c++) {
        char group[ES_NAME_MAX + 16];
        if (c < 0)
            snprintf(group, sizeof group, "all");
        else
            snprintf(group, sizeof group, "catchment=%s", p->catchments[c].name);
        es_text_printf(t, "<tr><td>");
        es_text_html(t, c < 0 ? "All catchments" : p->catchments[c].name);
        es_text_printf(t, "</td>");
        for (size_t i = 0; i < sizeof measures / sizeof measures[0]; i++) {
            char v[48];
            unit u = i == 6 ? U_DAYS : i == 7 ? U_SHARE : U_COUNT;
            format_value(v, sizeof v, get(x, measures[i], group), u);
            es_text_printf(t, "<td class=n>%s</td>", v);
        }
        es_text_printf(t, "</tr>\n");
    }
    es_text_printf(t, "</table>\n");
}

/* The run's assumptions; `with_funding`: name its funding model (a comparison lists them all
 * instead). */
static void assumptions(es_text *t, const es_experiment *x, bool with_funding)
{
    const es_params *p = &x->scenario.params;
    es_text_printf(t, "<ul>\n<li>Replications: %d; seed %llu; generator %s.</li>\n", x->nreps,
                   (unsigned long long)p->seed, p->rng);
    if (p->has_geography)
        es_text_printf(t, "<li>Intake: %.1f new clients per 1,000 population a year in each "
                          "census division (2021 Census, Statistics Canada), from each catchment's "
                          "IES start date.</li>\n", p->intake_per_1000);
    es_text_printf(t, "<li>Common assessment: need score plus measurement noise of standard "
                      "deviation %.2f (an assumption); %.0f %% of clients end up in a stream other "
                      "than the one their true need calls for.</li>\n",
                   p->assessment_noise_sd, 100 * get(x, "misclassified_share", "all"));
    es_text_printf(t, "<li>A funded outcome is at least %.0f hours a week at or above the minimum "
                      "wage of the day, checked 1, 3, 6 and 12 months after the job starts.</li>\n",
                   p->funded_hours_per_week);
    if (p->labour.enabled && p->has_geography) {
        es_text_printf(t, "<li>Labour market: %.0f employers per 1,000 population, %.0f %% of them "
                          "registered with the employment services; job-ready clients are hired "
                          "only into vacancies they list (hours and wages come from the vacancy). "
                          "Regional conditions: %d dated step%s", p->labour.employers_per_1000,
                       100 * p->labour.registered_share, p->labour.nsteps,
                       p->labour.nsteps == 1 ? "" : "s");
        if (p->labour.nshocks)
            es_text_printf(t, "; %d shock%s (first: vacancies x %.2f, unemployment x %.2f)",
                           p->labour.nshocks, p->labour.nshocks == 1 ? "" : "s",
                           p->labour.shocks[0].vacancy_multiplier,
                           p->labour.shocks[0].unemployment_multiplier);
        es_text_printf(t, ". Employer figures are ILLUSTRATIVE.</li>\n");
    }
    if (x->funding && with_funding) {
        es_text_printf(t, "<li>Funding model: ");
        es_text_html(t, x->funding->name);
        es_text_printf(t, " (%s, %d prices). ", x->funding->currency, x->funding->price_year);
        es_text_printf(t, "</li>\n");
    }
    es_text_printf(t, "<li>Values marked ILLUSTRATIVE or ASSUMED in the scenario files are not "
                      "official figures: see docs/calibration.md for every source.</li>\n</ul>\n");
}

static void inputs(es_text *t, const es_experiment *x)
{
    const es_scenario *s = &x->scenario;
    es_text_printf(t, "<table class=files><tr><th>Input file</th><th>SHA-256</th></tr>\n");
    for (int i = 0; i < s->ninputs; i++) {
        char hex[65];
        if (es_sha256_file(s->inputs[i], hex) != 0)
            snprintf(hex, sizeof hex, "unreadable");
        es_text_printf(t, "<tr><td>");
        es_text_html(t, s->inputs[i]);
        es_text_printf(t, "</td><td><code>%s</code></td></tr>\n", hex);
    }
    es_text_printf(t, "</table>\n<p>essim %s; command: <code>", ESSIM_VERSION);
    es_text_html(t, x->command ? x->command : "");
    time_t now = time(NULL);
    struct tm utc;
    gmtime_r(&now, &utc);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M UTC", &utc);
    es_text_printf(t, "</code>; written %s. The output folder's manifest.json lists the SHA-256 "
                      "of every output file.</p>\n", stamp);
}

static const char style[] =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;"
    "color:#1d2733;line-height:1.45}h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid "
    "#ccd;padding-bottom:.2em}table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid "
    "#ccd;padding:.3em .6em;text-align:left}td.n{text-align:right;white-space:nowrap}th{background:"
    "#eef1f6}figure{margin:1.2em 0}figure img{width:100%;height:auto;border:1px solid #dde}"
    "figcaption{font-size:.9em;color:#456}table.files td{font-size:.85em;word-break:break-all}";

static const char script[] =
    "<script>\n"
    "Promise.all(Array.from(document.images).map(function (i) { return i.decode(); }))\n"
    "  .then(function () { document.body.setAttribute('data-ready', 'yes'); },\n"
    "        function (e) { document.body.setAttribute('data-ready', 'error: ' + e); });\n"
    "</script>\n";

static void page_start(es_text *t, const char *title)
{
    es_text_printf(t, "<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n"
                      "<meta name=viewport content=\"width=device-width, initial-scale=1\">\n<title>");
    es_text_html(t, title);
    es_text_printf(t, " - essim report</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", style);
    es_text_html(t, title);
    es_text_printf(t, "</h1>\n");
}

static int page_finish(es_text *t, const char *folder, int rc, es_error *err)
{
    es_text_printf(t, "%s</body>\n</html>\n", script);
    if (!rc && t->failed)
        rc = es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory writing the report");
    char path[1200];
    snprintf(path, sizeof path, "%s/report.html", folder);
    FILE *f = rc ? NULL : fopen(path, "w");
    if (!rc && !f)
        rc = es_error_set(err, errno == ENOMEM ? ES_ENOMEM : ES_EIO, path, 0, "cannot write: %s",
                          strerror(errno));
    if (f) {
        fwrite(t->s, 1, t->n, f);
        errno = 0;
        if (ferror(f) | (fclose(f) != 0))
            rc = es_error_set(err, ES_EIO, path, 0, "write failed: %s", strerror(errno ? errno : EIO));
    }
    es_text_free(t);
    return rc;
}

static void cell(es_text *t, const es_experiment *x, const char *measure, const char *group,
                 unit u);

/* After the job start, side by side at each checkpoint: employment status (in any job, what
 * evaluations measure), continuous retention in the first job, and the funded outcomes the
 * funding models pay for. */
static void after_job_table(es_text *t, const es_experiment *x)
{
    static const char *const months[4] = {"1", "3", "6", "12"};
    es_text_printf(t, "<h2>After the job start: in work, and paid for</h2>\n<p>Evaluations "
                      "measure employment status: in any job at the checkpoint, after job "
                      "losses and new jobs. Funding models pay for the first job only, still "
                      "held at the checkpoint and meeting the funded-outcome rule (hours, and "
                      "the minimum wage of the day). Rates are of the job starters whose "
                      "checkpoint falls within the run.</p>\n<table><tr><th>Months after the "
                      "job start</th><th>In any job (status)</th><th>Still in the first "
                      "job</th><th>Funded outcomes</th></tr>\n");
    for (int k = 0; k < 4; k++) {
        char status[40], cont[40], funded[40];
        snprintf(status, sizeof status, "employment_status_%sm_rate", months[k]);
        snprintf(cont, sizeof cont, "employed_%sm_rate", months[k]);
        snprintf(funded, sizeof funded, "funded_outcomes_%sm", months[k]);
        es_text_printf(t, "<tr><td>%s</td>", months[k]);
        cell(t, x, status, "all", U_SHARE);
        cell(t, x, cont, "all", U_SHARE);
        cell(t, x, funded, "all", U_COUNT);
        es_text_printf(t, "</tr>\n");
    }
    es_text_printf(t, "</table>\n");
}

/* Gross and net side by side: employment after intake with the service and on each client's
 * own path without it, the difference at 3, 6 and 12 months, deadweight, and the cost per job
 * against the cost per additional job. */
static void net_impact_table(es_text *t, const es_experiment *x)
{
    double mean, half;
    if (!es_experiment_measure(x, "net_employment_12m", "all", &mean, &half))
        return;
    es_text_printf(t, "<h2>Net impact: what the service changed</h2>\n<p>Many clients would "
                      "have found work without the service. <i>Net</i> is what the service "
                      "added: each client's employment with the service minus its employment "
                      "on its own path without it (its own job search from the day it came "
                      "in, on the same random numbers). The path without the service rests "
                      "on assumptions (<code>streams.[].own_job_3m_prob</code>): read the net "
                      "figures as the model's, not as measured.</p>\n<table><tr><th>Measure"
                      "</th><th>Mean</th><th>95 %% confidence interval</th></tr>\n");
    static const char *const rows[] = {
        "employment_after_intake_12m_rate", "counterfactual_employment_12m_rate",
        "net_employment_3m", "net_employment_6m", "net_employment_12m",
        "net_months_employed_12m", "additional_employed_12m", "deadweight_share",
        "deadweight_outcome_payments_cents", "cost_per_employed_12m_cents",
        "cost_per_additional_employed_12m_cents",
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        measure_row(t, x, rows[i], "all");
    es_text_printf(t, "</table>\n");
}

/* Income support avoided: OW and ODSP clients who left it while in work, those who came back,
 * the benefits not paid meanwhile and, with a funding model, spend per dollar of them. */
static void income_support_table(es_text *t, const es_experiment *x)
{
    static const char *const sources[2] = {"OW", "ODSP"};
    if (get(x, "income_support_saved_cents", "OW") + get(x, "income_support_saved_cents", "ODSP") <=
        0.0)
        return;
    es_text_printf(t, "<h2>Income support avoided</h2>\n<p>Benefits not paid while Ontario "
                      "Works and ODSP clients were off income support after services, at the "
                      "rates of the day, counted while clients are followed (to 12 months after "
                      "the first job start): a lower bound. Gross: some would have left "
                      "without the service.</p>\n<table><tr><th>Source</th><th>Left income "
                      "support</th><th>Share of leavers who came back</th><th>Benefits "
                      "saved</th></tr>\n");
    for (int i = 0; i < 2; i++) {
        es_text_printf(t, "<tr><td>%s</td>", sources[i]);
        cell(t, x, "income_support_exits", sources[i], U_COUNT);
        cell(t, x, "income_support_returned_share", sources[i], U_SHARE);
        cell(t, x, "income_support_saved_cents", sources[i], U_DOLLARS_FROM_CENTS);
        es_text_printf(t, "</tr>\n");
    }
    es_text_printf(t, "</table>\n");
    double mean, half;
    if (x->funding && es_experiment_measure(x, "spend_per_dollar_income_support_saved", "all",
                                            &mean, &half)) {
        es_text_printf(t, "<p>The payer at the top spent <b>$%.2f</b> (%.2f to %.2f) for each "
                          "dollar of income support saved.</p>\n",
                       mean, mean - half, mean + half);
    }
}

/* Outcomes of each priority group the run has, with 95 % intervals, and its gaps to everyone
 * else (group_* measures). */
static void group_table(es_text *t, const es_experiment *x)
{
    const es_params *p = &x->scenario.params;
    bool any = false;
    for (int g = 0; g < ES_NGROUPS && !any; g++)
        any = get(x, "group_intakes", es_group_names[g]) > 0.0;
    if (!any)
        return;
    es_text_printf(t, "<h2>Outcomes by priority group</h2>\n<p>Each group beside everyone else: "
                      "a gap is everyone else's rate minus the group's, in percentage points "
                      "(positive when the group does worse). A client may be in several "
                      "groups.</p>\n<table><tr><th>Group</th><th>Share of intakes</th>"
                      "<th>Assessed into stream ");
    es_text_html(t, p->streams[p->nstreams - 1].name);
    es_text_printf(t, "</th><th>Employed at exit</th><th>Gap at exit</th>"
                      "<th>Still in the first job 12 months after job start</th>"
                      "<th>Gap at 12 months</th><th>In any job 12 months after job start</th>"
                      "</tr>\n");
    for (int g = 0; g < ES_NGROUPS; g++) {
        const char *name = es_group_names[g];
        if (get(x, "group_intakes", name) <= 0.0)
            continue;
        es_text_printf(t, "<tr><td>");
        es_text_html(t, name);
        es_text_printf(t, "</td>");
        cell(t, x, "group_share_of_intakes", name, U_SHARE);
        cell(t, x, "group_highest_need_stream_share", name, U_SHARE);
        cell(t, x, "group_employment_rate_at_exit", name, U_SHARE);
        cell(t, x, "group_gap_at_exit", name, U_POINTS);
        cell(t, x, "group_employed_12m_rate", name, U_SHARE);
        cell(t, x, "group_gap_12m", name, U_POINTS);
        cell(t, x, "group_employment_status_12m_rate", name, U_SHARE);
        es_text_printf(t, "</tr>\n");
    }
    es_text_printf(t, "</table>\n");
}

static void headline_rows(es_text *t, const es_experiment *x)
{
    static const char *const measures[] = {
        "clients_served",   "employment_rate_at_exit",     "employed_12m_rate",
        "employment_status_12m_rate", "mean_wait_days", "total_spend_cents",
        "cost_per_employed_12m_cents", "cost_per_employed_12m_latest_cohort_cents",
        "provider_margin",  "provider_peak_working_capital_cents",
    };
    for (size_t i = 0; i < sizeof measures / sizeof measures[0]; i++)
        measure_row(t, x, measures[i], "all");
}

int es_report_write(const es_experiment *x, const char *folder, es_error *err)
{
    const es_params *p = &x->scenario.params;
    es_text t = {0};
    page_start(&t, p->name);
    es_text_printf(&t, "<h2>What the simulation finds</h2>\n");
    summary(&t, x);
    es_text_printf(&t, "<h2>Headline measures</h2>\n<table><tr><th>Measure</th><th>Mean</th>"
                       "<th>95 %% confidence interval</th></tr>\n");
    headline_rows(&t, x);
    es_text_printf(&t, "</table>\n<h2>Outcomes by stream</h2>\n");
    stream_table(&t, x);
    after_job_table(&t, x);
    net_impact_table(&t, x);
    income_support_table(&t, x);
    group_table(&t, x);
    employer_table(&t, x);
    es_text_printf(&t, "<h2>Plots</h2>\n");
    static const char *const plots[][2] = {
        {"flow_by_month", "New clients, waiting list and caseload by month"},
        {"intake_by_stream", "New clients a month by assessed stream"},
        {"wait_distribution", "Time from arrival to the start of services"},
        {"retention_by_stream", "Share of job starters still employed, by stream"},
        {"outcomes_by_catchment", "Employment outcomes by catchment"},
        {"outcomes_by_cd", "Employed at exit by census division"},
        {"vacancies_by_month", "Vacancies posted and filled by clients, by month"},
    };
    int rc = ES_OK;
    for (size_t i = 0; i < sizeof plots / sizeof plots[0]; i++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/plots/%s.svg", folder, plots[i][0]);
        if ((strcmp(plots[i][0], "outcomes_by_cd") == 0 ||
             strcmp(plots[i][0], "vacancies_by_month") == 0) && access(path, F_OK) != 0)
            continue; /* drawn only when some census division closed a plan, or with a labour market */
        if (!rc)
            rc = embed_svg(&t, folder, plots[i][0], plots[i][1], err);
    }
    es_text_printf(&t, "<h2>Assumptions and sources</h2>\n");
    assumptions(&t, x, true);
    es_text_printf(&t, "<h2>Reproducing these results</h2>\n");
    inputs(&t, x);
    return page_finish(&t, folder, rc, err);
}

/* A value and its interval in one table cell. */
static void cell(es_text *t, const es_experiment *x, const char *measure, const char *group, unit u)
{
    double mean, half;
    if (es_experiment_measure(x, measure, group, &mean, &half) == 0) {
        es_text_printf(t, "<td class=n>-</td>");
        return;
    }
    char m[48], lo[48], hi[48];
    format_value(m, sizeof m, mean, u);
    format_value(lo, sizeof lo, mean - half, u);
    format_value(hi, sizeof hi, mean + half, u);
    es_text_printf(t, "<td class=n>%s<br><small>%s to %s</small></td>", m, lo, hi);
}

/* The end of a row of a table of input files: the path and its SHA-256. */
static void file_cells(es_text *t, const char *file)
{
    char hex[65];
    if (es_sha256_file(file, hex) != 0)
        snprintf(hex, sizeof hex, "unreadable");
    es_text_html(t, file);
    es_text_printf(t, "</td><td><code>%s</code></td></tr>\n", hex);
}

static void models_table(es_text *t, const es_comparison *c)
{
    es_text_printf(t, "<p>Funding models compared (the first is the baseline of the paired "
                      "differences):</p>\n<table class=files><tr><th>Model</th><th>Currency, "
                      "prices of</th><th>File</th><th>SHA-256</th></tr>\n");
    for (int m = 0; m < c->nmodels; m++) {
        const es_funding_model *f = &c->models[m];
        es_text_printf(t, "<tr><td>");
        es_text_html(t, f->name);
        es_text_printf(t, "</td><td>%s, %d</td><td>", f->currency, f->price_year);
        file_cells(t, f->file);
    }
    es_text_printf(t, "</table>\n<p>Each model's own folder (models/) has its ledger, provider "
                      "finances and the full tables; docs/funding-models.md explains each model "
                      "and the source of every figure.</p>\n");
}

static void arms_table(es_text *t, const es_comparison *c)
{
    es_text_printf(t, "<p>Arms compared (the first is the base of the paired differences; an "
                      "arm is a scenario, or an overlay read over the base):</p>\n<table "
                      "class=files><tr><th>Arm</th><th>Funding model</th><th>File</th>"
                      "<th>SHA-256</th></tr>\n");
    for (int m = 0; m < c->nmodels; m++) {
        const es_funding_model *f = c->runs[m].funding;
        es_text_printf(t, "<tr><td>");
        es_text_html(t, c->names[m]);
        es_text_printf(t, "</td><td>");
        es_text_html(t, f ? f->name : "none");
        es_text_printf(t, "</td><td>");
        file_cells(t, c->arm_files[m]);
    }
    es_text_printf(t, "</table>\n<p>Each arm's own folder (arms/) has its ledger, provider "
                      "finances, full tables and report; essim diff BASE ARM lists every "
                      "setting in which an arm differs from the base.</p>\n");
}

int es_compare_report(const es_comparison *c, const char *folder, es_error *err)
{
    const es_experiment *base = &c->runs[0];
    const es_params *p = &base->scenario.params;
    es_text t = {0};
    char title[ES_NAME_MAX * 2 + 40];
    snprintf(title, sizeof title, "%s: %s compared", p->name,
             c->arms ? "base and reform arms" : "funding models");
    page_start(&t, title);
    es_text_printf(&t, "<h2>What the comparison finds</h2>\n");
    char arrived[32];
    thousands(arrived, sizeof arrived, get(base, "clients_arrived", "all"));
    if (c->arms) {
        int differ = es_compare_flows_differ(c);
        es_text_printf(&t, "<p>%d arms (the first is the base) ran with the same seed and %d "
                           "replications: each client draws the same random numbers in every "
                           "arm. ",
                       c->nmodels, base->nreps);
        if (differ)
            es_text_printf(&t, "<b>Client flows differ between the arms</b> (the event "
                               "fingerprints differ in %d of %d replications: see "
                               "event_fingerprints.csv). That is expected of a reform: the "
                               "differences are those of the reform, in who is served, when and "
                               "with what outcome as well as in what is paid, paired by common "
                               "random numbers &mdash; not differences of price alone. ",
                           differ, base->nreps);
        else
            es_text_printf(&t, "Client flows are the same in every arm (every replication's "
                               "event log has the same fingerprint): the arms differ in what "
                               "is paid only. ");
    } else if (c->behavioural) {
        es_text_printf(&t, "<p>The same %s arriving clients met %d funding models, and providers "
                           "responded to each model's prices (which clients they serve first, "
                           "which they park), so services and outcomes differ by model. ",
                       arrived, c->nmodels);
    } else {
        bool same = true; /* checked, not assumed: the event logs of every replication */
        for (int m = 1; m < c->nmodels; m++)
            for (int r = 0; r < base->nreps && r < c->runs[m].nreps; r++)
                same &= c->runs[m].reps[r].event_fingerprint == base->reps[r].event_fingerprint;
        es_text_printf(&t, "<p>The same %s clients, with the same assessments, waits, services "
                           "and jobs, were priced under %d funding models %s. ",
                       arrived, c->nmodels,
                       same ? "(every replication's event log has the same fingerprint under "
                              "each model: only the prices differ)"
                            : "<b>but the event logs differ between models</b> (see "
                              "event_fingerprints.csv): please report this as a bug");
    }
    for (int m = 0; m < c->nmodels; m++) {
        char spend[40], per[40];
        format_value(spend, sizeof spend, get(&c->runs[m], "total_spend_cents", "all"),
                     U_DOLLARS_FROM_CENTS);
        format_value(per, sizeof per, get(&c->runs[m], "cost_per_employed_12m_cents", "all"),
                     U_DOLLARS_FROM_CENTS);
        es_text_printf(&t, "Under <i>");
        es_text_html(&t, c->names[m]);
        es_text_printf(&t, "</i> the payer at the top spends %s, %s per job held 12 months; "
                           "providers' margin is %.0f %%. ", spend, per,
                       100 * get(&c->runs[m], "provider_margin", "all"));
    }
    es_text_printf(&t, "Figures are means over %d replications with 95 %% confidence intervals; "
                       "differences are paired by replication.</p>\n", base->nreps);
    es_text_printf(&t, "<h2>Side by side</h2>\n<table><tr><th>Measure</th>");
    for (int m = 0; m < c->nmodels; m++) {
        es_text_printf(&t, "<th>");
        es_text_html(&t, c->names[m]);
        es_text_printf(&t, "</th>");
    }
    es_text_printf(&t, "</tr>\n");
    static const char *const rows[] = {
        "total_spend_cents",           "cost_per_client_served_cents",
        "cost_per_job_start_cents",    "cost_per_employed_12m_cents",
        "cost_per_employed_12m_latest_cohort_cents",
        "cost_per_additional_employed_12m_cents",
        "ssm_performance_funding_cents", "provider_margin",
        "provider_peak_working_capital_cents", "employment_rate_at_exit",
        "employment_gap_sa_vs_other", "net_employment_12m", "deadweight_share",
        "deadweight_outcome_payments_cents",
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) { /* labels: the measures table */
        es_text_printf(&t, "<tr><td>%s</td>", es_measure_label(rows[r]));
        for (int m = 0; m < c->nmodels; m++)
            cell(&t, &c->runs[m], rows[r], "all", measure_unit(rows[r]));
        es_text_printf(&t, "</tr>\n");
    }
    es_text_printf(&t, "</table>\n<h2>Plots</h2>\n");
    static const char *const plots[][2] = {
        {"spend_by_component", "Spend by funding component type, by model"},
        {"cost_per_outcome_by_stream", "Cost per job held 12 months, by stream and model"},
        {"provider_cash_position", "Providers' cumulative cash position, by model"},
    };
    int rc = ES_OK;
    for (size_t i = 0; i < sizeof plots / sizeof plots[0]; i++)
        if (!rc)
            rc = embed_svg(&t, folder, plots[i][0], plots[i][1], err);
    es_text_printf(&t, "<h2>Outcomes by stream (%s)</h2>\n",
                   c->arms ? "the base" : c->behavioural ? "first model" : "every model");
    stream_table(&t, base);
    employer_table(&t, base);
    es_text_printf(&t, "<h2>Assumptions and sources</h2>\n");
    assumptions(&t, base, false);
    if (c->arms)
        arms_table(&t, c);
    else
        models_table(&t, c);
    es_text_printf(&t, "<h2>Reproducing these results</h2>\n");
    inputs(&t, base);
    return page_finish(&t, folder, rc, err);
}

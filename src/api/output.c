/* The CSV files of a run, and es_output_files, which writes every output of one experiment
 * into a folder (the folder transaction is in outdir.c). */
#include "api/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/aggregate.h"
#include "api/disclosure.h"
#include "engine/stats.h"
#include "io/csv.h"
#include "io/plot.h"
#include "model/calendar.h"
#include "model/system.h"

static void date_label(const es_params *p, double day, char *buf, size_t len)
{
    int y, m, d;
    es_civil_from_days(es_days_from_civil(p->start_year, p->start_month, p->start_day) + (long)floor(day),
                    &y, &m, &d);
    snprintf(buf, len, "%04d-%02d-%02d", y, m, d);
}

static void month_label(const es_params *p, int month, char *buf, size_t len)
{
    es_month_label(p->start_year, p->start_month, month, buf, (unsigned)len);
}

/* What the tables of one run are written from. */
typedef struct run_data {
    const es_experiment *x;
    const es_params *p;
    const es_aggregate *agg;    /* whole-run measures by key (api/aggregate.h) */
    const es_disclosure *masks; /* one suppression pattern per replication */
} run_data;

static void summary_rows(es_csv_writer *w, const run_data *d)
{
    es_aggregate_write_rows(w, d->agg, NULL, NULL, 0, true);
}

/* A replication's observations, whole-run (monthly false) or monthly. */
static void observation_rows(es_csv_writer *w, const run_data *d, const es_replication *rep,
                             bool monthly)
{
    const es_results *res = &rep->results;
    for (size_t i = 0; i < res->n; i++) {
        const es_obs *o = &res->obs[i];
        if ((o->month != ES_RESULTS_WHOLE_RUN) != monthly)
            continue;
        es_csv_int(w, rep->number);
        if (monthly) {
            char month[16];
            month_label(d->p, o->month, month, sizeof month);
            es_csv_text(w, month);
        }
        es_csv_text(w, o->measure);
        es_csv_text(w, o->group);
        es_csv_num(w, o->value);
        es_csv_end_row(w);
    }
}

static void replication_rows(es_csv_writer *w, const run_data *d, const es_replication *rep, int r)
{
    (void)r;
    observation_rows(w, d, rep, false);
}

static void monthly_rows(es_csv_writer *w, const run_data *d, const es_replication *rep, int r)
{
    (void)r;
    observation_rows(w, d, rep, true);
}

static const char *component_name(const es_funding_model *f, int comp)
{
    return comp < f->ncomponents ? f->components[comp].name : "holdback_release";
}

static const char *provider_name(const es_params *p, int provider)
{
    for (int c = 0; c < p->ncatchments; c++) {
        if (provider < p->catchments[c].nproviders)
            return p->catchments[c].providers[provider].name;
        provider -= p->catchments[c].nproviders;
    }
    return "";
}

/* Who a party is, by name where the scenario names it: the SSM of the catchment, a provider;
 * "providers" where the summary adds several up. */
static const char *party_label(const es_params *p, es_party party, int catchment, int provider,
                               char *buf, size_t len)
{
    switch (party) {
    case ES_PARTY_SSM:
        snprintf(buf, len, "%s", p->catchments[catchment].ssm);
        break;
    case ES_PARTY_PROVIDER:
        snprintf(buf, len, "%s", provider >= 0 ? provider_name(p, provider) : "providers");
        break;
    default:
        snprintf(buf, len, "%s", es_party_names[party]);
    }
    return buf;
}

static void ledger_summary_rows(es_csv_writer *w, const run_data *d, const es_replication *rep,
                                int r)
{
    (void)r;
    const es_experiment *x = d->x;
    const es_params *p = d->p;
    const es_funding_model *f = x->funding;
    static const char *const sources[] = {"EO", "OW", "ODSP", "none", ""};
    if (!f)
        return; /* no payments: the header alone */
    const es_ledger *l = &rep->ledger;
    for (int m = 0; m < l->nmonths; m++)
        for (int c = 0; c < l->ncomponents; c++)
            for (int s = 0; s <= l->nstreams; s++)
                for (int src = 0; src <= ES_NSOURCES; src++)
                    for (int k = 0; k < l->ncatchments; k++) {
                        size_t cell = es_ledger_cell(l, m, c, s, src, k);
                        if (l->payments[cell] == 0)
                            continue;
                        bool release = c == f->ncomponents;
                        const es_component *comp = release ? NULL : &f->components[c];
                        char month[16], payer[ES_NAME_MAX + 16], payee[ES_NAME_MAX + 16];
                        month_label(p, m, month, sizeof month);
                        es_party from = release ? ES_PARTY_SSM : comp->payer;
                        es_party to = release ? ES_PARTY_PROVIDER : comp->payee;
                        es_csv_int(w, rep->number);
                        es_csv_text(w, month);
                        es_csv_text(w, component_name(f, c));
                        es_csv_text(w, release ? "holdback" : es_component_type_names[comp->type]);
                        es_csv_text(w, release ? "period" : es_milestone_names[comp->event]);
                        es_csv_text(w, s < l->nstreams ? p->streams[s].name : "");
                        es_csv_text(w, sources[src]);
                        es_csv_text(w, p->catchments[k].name);
                        es_csv_text(w, party_label(p, from, k, -1, payer, sizeof payer));
                        es_csv_text(w, party_label(p, to, k, -1, payee, sizeof payee));
                        es_csv_int(w, l->payments[cell]);
                        es_csv_int(w, l->cents[cell]);
                        es_csv_end_row(w);
                    }
}

static void provider_finance_rows(es_csv_writer *w, const run_data *d, const es_replication *rep,
                                  int r)
{
    (void)r;
    const es_params *p = d->p;
    const es_finance *fin = &rep->finance;
    int provider = 0;
    for (int c = 0; c < p->ncatchments; c++)
        for (int j = 0; j < p->catchments[c].nproviders; j++, provider++) {
            int64_t cash = 0;
            for (int m = 0; m < fin->nmonths; m++) {
                size_t cell = (size_t)provider * (size_t)fin->nmonths + (size_t)m;
                cash += fin->revenue[cell] - fin->cost[cell];
                char month[16];
                month_label(p, m, month, sizeof month);
                es_csv_int(w, rep->number);
                es_csv_text(w, month);
                es_csv_text(w, p->catchments[c].name);
                es_csv_text(w, p->catchments[c].providers[j].name);
                es_csv_int(w, fin->revenue[cell]);
                es_csv_int(w, fin->cost[cell]);
                es_csv_int(w, cash);
                es_csv_end_row(w);
            }
        }
}

static void full_ledger_rows(es_csv_writer *w, const run_data *d, const es_replication *record,
                             int r)
{
    (void)r;
    const es_params *p = d->p;
    static const char *const sources[] = {"EO", "OW", "ODSP", "none"};
    FILE *in = d->x->funding ? record->ledger_rows : NULL;
    if (!in)
        return;
    rewind(in);
    unsigned rep;
    double day, event_day;
    unsigned long long client;
    int comp, event, stream, source, catchment, provider, payer, payee;
    long long cents;
    while (fscanf(in, "%u,%lf,%lf,%llu,%d,%d,%d,%d,%d,%d,%d,%d,%lld\n", &rep, &day,
                  &event_day, &client, &comp, &event, &stream, &source, &catchment, &provider,
                  &payer, &payee, &cents) == 13) {
        char date[16], from[ES_NAME_MAX + 16], to[ES_NAME_MAX + 16];
        date_label(p, day, date, sizeof date);
        es_csv_int(w, rep);
        es_csv_text(w, date);
        es_csv_num(w, day);
        es_csv_num(w, event_day);
        es_csv_int(w, (int64_t)client);
        es_csv_text(w, component_name(d->x->funding, comp));
        es_csv_text(w, es_milestone_names[event]);
        es_csv_text(w, stream >= 0 ? p->streams[stream].name : "");
        es_csv_text(w, source >= 0 ? sources[source] : "");
        es_csv_text(w, p->catchments[catchment].name);
        es_csv_text(w, party_label(p, (es_party)payer, catchment, -1, from, sizeof from));
        es_csv_text(w, party_label(p, (es_party)payee, catchment, provider, to, sizeof to));
        es_csv_int(w, cents);
        es_csv_end_row(w);
    }
}

#define OPEN_COLUMNS                                                                               \
    "out_exit_sum_emp,out_exit_sum_te,out_exit_unemp,out_exit_sum_oth,out_exit_unkn,"             \
    "out_exit_null,out_3_sum_emp,out_3_sum_te,out_3_unemp,out_3_sum_oth,out_3_unkn,out_3_null"

/* A count as the open data shows it: "x" where disclosure control hides it (api/disclosure.h). */
static void open_count(es_csv_writer *w, uint64_t v, bool hidden)
{
    if (hidden)
        es_csv_text(w, "x");
    else
        es_csv_int(w, (int64_t)v);
}

static void fiscal_label(int first_year, int fy, char *buf, size_t len)
{
    int year = first_year + fy;
    if (year < 0 || year > 9998)
        year = 0; /* never: scenario dates lie between 1900 and 2200 */
    snprintf(buf, len, "%04d-%04d", year, year + 1);
}

static void open_row(es_csv_writer *w, const uint64_t *cells, uint64_t assisted,
                     const uint8_t *hidden)
{
    open_count(w, assisted, hidden[0]);
    for (int k = 0; k < ES_OPEN_DATA_COLUMNS; k++)
        open_count(w, cells[k], hidden[1 + k]);
    es_csv_end_row(w);
}

static void open_by_site_rows(es_csv_writer *w, const run_data *d, const es_replication *rep,
                              int r)
{
    const es_params *p = d->p;
    const es_open_tables *t = &rep->open;
    for (int fy = 0; fy < t->nfiscal_years; fy++) {
        int site = 0;
        for (int c = 0; c < p->ncatchments; c++)
            for (int j = 0; j < p->catchments[c].nproviders; j++) {
                const es_provider_params *pp = &p->catchments[c].providers[j];
                for (int k = 0; k < pp->nsites; k++, site++) {
                    uint64_t assisted = t->assisted_site[(size_t)fy * (size_t)t->nsites + (size_t)site];
                    if (assisted == 0)
                        continue;
                    char label[24], name[2 * ES_NAME_MAX + 4];
                    fiscal_label(t->first_fiscal_year, fy, label, sizeof label);
                    snprintf(name, sizeof name, "%s / %s", pp->name, pp->sites[k].name);
                    es_csv_int(w, rep->number);
                    es_csv_text(w, p->catchments[c].name);
                    es_csv_text(w, label);
                    es_csv_text(w, "ES");
                    es_csv_int(w, site + 1);
                    es_csv_text(w, name);
                    es_csv_text(w, pp->specialisations == 0 ? "general"
                                    : pp->specialisations == ES_SPEC_DISABILITY ? "disability"
                                    : pp->specialisations == ES_SPEC_YOUTH ? "youth"
                                                                           : "disability;youth");
                    open_row(w, &t->site[es_open_cell(t->nsites, fy, site, 0)], assisted,
                             &d->masks[r].site_hidden[es_disclosure_cell(t->nsites, fy, site, 0)]);
                }
            }
    }
}

static const char *region_of_cd(const es_params *p, int cd)
{
    int c = es_open_data_region(p, cd);
    return c >= 0 ? p->catchments[c].name : "";
}

static void open_by_cd_rows(es_csv_writer *w, const run_data *d, const es_replication *rep, int r)
{
    const es_params *p = d->p;
    const es_open_tables *t = &rep->open;
    for (int fy = 0; fy < t->nfiscal_years; fy++)
        for (int cd = 0; cd < t->ncds; cd++) {
            uint64_t assisted = t->assisted_cd[(size_t)fy * (size_t)t->ncds + (size_t)cd];
            if (assisted == 0)
                continue;
            char label[24];
            fiscal_label(t->first_fiscal_year, fy, label, sizeof label);
            es_csv_int(w, rep->number);
            es_csv_text(w, region_of_cd(p, cd));
            es_csv_text(w, label);
            es_csv_text(w, "ES");
            es_csv_int(w, p->geography.cds[cd].uid);
            es_csv_text(w, p->geography.cds[cd].name);
            open_row(w, &t->cd[es_open_cell(t->ncds, fy, cd, 0)], assisted,
                     &d->masks[r].cd_hidden[es_disclosure_cell(t->ncds, fy, cd, 0)]);
        }
}

/* KPIs by provider and catchment, from the whole-run measures named kpi_* whose group reads
 * LEVEL=NAME, with confidence intervals over replications. */
static void kpis_rows(es_csv_writer *w, const run_data *d)
{
    const es_aggregate *a = d->agg;
    for (size_t i = 0; i < a->n; i++) {
        const es_aggregate_row *o = &a->rows[i];
        const char *eq = strchr(o->group, '=');
        if (strncmp(o->measure, "kpi_", 4) != 0 || !eq)
            continue;
        es_tally t;
        es_aggregate_tally(a, i, &t);
        char level[32];
        snprintf(level, sizeof level, "%.*s", (int)(eq - o->group), o->group);
        es_csv_text(w, level);
        es_csv_text(w, eq + 1);
        es_csv_text(w, o->measure + 4);
        es_aggregate_write_stats(w, &t, false);
        es_csv_end_row(w);
    }
}

/* The tables of a run, in the order they are written. */
enum { NEEDS_FUNDING = 1, NEEDS_LEDGER_ROWS = 2 };
typedef struct run_table {
    const char *name, *columns;
    void (*whole)(es_csv_writer *w, const run_data *d); /* a table of the run, or */
    void (*per_rep)(es_csv_writer *w, const run_data *d, const es_replication *rep,
                    int r); /* rows by replication, of rep = replication r */
    unsigned needs;
    unsigned omitted_by; /* the ES_OUTPUT_NO_* bit that leaves it out, or 0 */
} run_table;

static const run_table run_tables[] = {
    {"summary.csv", "measure,group,replications,mean,sd,ci95_low,ci95_high", summary_rows, NULL, 0, 0},
    {"replications.csv", "replication,measure,group,value", NULL, replication_rows, 0, 0},
    {"monthly.csv", "replication,month,measure,group,value", NULL, monthly_rows, 0, 0},
    {"ledger_summary.csv",
     "replication,month,component,component_type,event,stream,source,catchment,payer,payee,"
     "payments,amount_cents",
     NULL, ledger_summary_rows, 0, ES_OUTPUT_NO_LEDGER_SUMMARY},
    {"ledger.csv",
     "replication,date,day,event_day,client,component,event,stream,source,catchment,payer,payee,"
     "amount_cents",
     NULL, full_ledger_rows, NEEDS_LEDGER_ROWS, 0},
    {"outcomes_by_site.csv",
     "replication,est_region,fiscal_year,eo_program,sds_id,sds_name,sds_sec,num_assist," OPEN_COLUMNS,
     NULL, open_by_site_rows, 0, 0},
    {"outcomes_by_cd.csv",
     "replication,est_region,fiscal_year,eo_program,cd_uid,cd_name,num_assist," OPEN_COLUMNS,
     NULL, open_by_cd_rows, 0, 0},
    {"kpis.csv", "level,unit,measure,replications,mean,ci95_low,ci95_high", kpis_rows, NULL, 0, 0},
    {"provider_finance.csv",
     "replication,month,catchment,provider,revenue_cents,cost_cents,cash_position_cents",
     NULL, provider_finance_rows, NEEDS_FUNDING, 0},
};

/* es_csv_rows for one run_table: its rows, replication by replication where it has them. */
typedef struct table_job {
    const run_table *table;
    const run_data *data;
    es_rep_cache *cache;
} table_job;

static int table_rows(es_csv_writer *w, const void *ctx, es_error *err)
{
    const table_job *job = ctx;
    const es_experiment *x = job->data->x;
    if (job->table->whole)
        job->table->whole(w, job->data);
    for (int r = 0; job->table->per_rep && r < x->nreps; r++) {
        const es_replication *rep;
        int rc = es_experiment_load(x, r, job->cache, &rep, err);
        if (rc)
            return rc;
        job->table->per_rep(w, job->data, rep, r);
    }
    return ES_OK;
}

/* Every table of run_tables that x has, into folder.  The open-data tables share one
 * suppression pattern per replication (the relations that complementary suppression guards
 * link them). */
static int write_tables(const es_experiment *x, const char *folder, unsigned omit,
                        es_error *err)
{
    es_aggregate a; /* by key: replications need not record the same measures */
    es_disclosure *masks = calloc((size_t)x->nreps, sizeof *masks);
    int rc = es_experiment_aggregate(x, &a, false, err);
    if (!rc && !masks)
        rc = es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory");
    es_rep_cache cache;
    es_rep_cache_init(&cache);
    int protected = 0;
    const es_replication *rep = NULL;
    for (; !rc && protected < x->nreps; protected++) {
        rc = es_experiment_load(x, protected, &cache, &rep, err);
        if (!rc)
            rc = es_disclosure_protect(&masks[protected], &rep->open, &x->scenario.params, err);
    }
    if (!rc)
        rc = es_experiment_load(x, 0, &cache, &rep, err);
    run_data d = {.x = x, .p = &x->scenario.params, .agg = &a, .masks = masks};
    unsigned has = (x->funding ? NEEDS_FUNDING : 0) | (!rc && rep->ledger_rows ? NEEDS_LEDGER_ROWS : 0);
    for (size_t i = 0; !rc && i < sizeof run_tables / sizeof run_tables[0]; i++) {
        const run_table *t = &run_tables[i];
        if ((t->needs & has) == t->needs && !(t->omitted_by & omit))
            rc = es_csv_write_table(folder, t->name, t->columns, table_rows,
                                    &(table_job){.table = t, .data = &d, .cache = &cache}, err);
    }
    es_rep_cache_free(&cache);
    for (int r = 0; r < protected; r++)
        es_disclosure_destroy(&masks[r]);
    free(masks);
    es_aggregate_free(&a);
    return rc;
}

int es_output_files(const es_experiment *x, const char *folder, unsigned omit, es_error *err)
{
    if (es_output_stopped())
        return es_error_set(err, ES_ESTOPPED, folder, 0, "stopped by a signal");
    int rc = write_tables(x, folder, omit, err);
    if (!rc && es_output_stopped())
        rc = es_error_set(err, ES_ESTOPPED, folder, 0, "stopped by a signal");
    if (!rc)
        rc = es_run_plots(x, folder, err);
    if (!rc)
        rc = es_report_write(x, folder, err);
    return rc;
}

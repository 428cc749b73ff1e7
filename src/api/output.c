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

static int path_join(char *out, size_t len, const char *dir, const char *name)
{
    return snprintf(out, len, "%s/%s", dir, name) >= (int)len ? ES_EIO : ES_OK;
}

static int write_summary(const es_aggregate *a, const char *dir, es_error *err)
{
    char path[1200];
    path_join(path, sizeof path, dir, "summary.csv");
    es_csv_writer w;
    int rc = es_csv_open(&w, path, err);
    if (rc)
        return rc;
    es_csv_header(&w, "measure,group,replications,mean,sd,ci95_low,ci95_high");
    for (size_t i = 0; i < a->n; i++) {
        es_tally t;
        es_aggregate_tally(a, i, &t);
        double half = es_tally_ci_halfwidth(&t, 0.95);
        es_csv_text(&w, a->rows[i].measure);
        es_csv_text(&w, a->rows[i].group);
        es_csv_int(&w, (int64_t)t.n);
        es_csv_num(&w, es_tally_mean(&t));
        es_csv_num(&w, sqrt(es_tally_var(&t)));
        es_csv_num(&w, es_tally_mean(&t) - half);
        es_csv_num(&w, es_tally_mean(&t) + half);
        es_csv_end_row(&w);
    }
    return es_csv_close(&w, err);
}

static int write_replications(const es_experiment *x, const char *dir, es_error *err)
{
    char path[1200];
    path_join(path, sizeof path, dir, "replications.csv");
    es_csv_writer w;
    int rc = es_csv_open(&w, path, err);
    if (rc)
        return rc;
    es_csv_header(&w, "replication,measure,group,value");
    for (int r = 0; r < x->nreps; r++) {
        const es_results *res = &x->reps[r].results;
        for (size_t i = 0; i < res->n; i++) {
            if (res->obs[i].month != ES_RESULTS_WHOLE_RUN)
                continue;
            es_csv_int(&w, x->reps[r].number);
            es_csv_text(&w, res->obs[i].measure);
            es_csv_text(&w, res->obs[i].group);
            es_csv_num(&w, res->obs[i].value);
            es_csv_end_row(&w);
        }
    }
    return es_csv_close(&w, err);
}

static int write_monthly(const es_experiment *x, const char *dir, es_error *err)
{
    char path[1200];
    path_join(path, sizeof path, dir, "monthly.csv");
    es_csv_writer w;
    int rc = es_csv_open(&w, path, err);
    if (rc)
        return rc;
    es_csv_header(&w, "replication,month,measure,group,value");
    for (int r = 0; r < x->nreps; r++) {
        const es_results *res = &x->reps[r].results;
        for (size_t i = 0; i < res->n; i++) {
            const es_obs *o = &res->obs[i];
            if (o->month == ES_RESULTS_WHOLE_RUN)
                continue;
            char month[16];
            month_label(&x->scenario.params, o->month, month, sizeof month);
            es_csv_int(&w, x->reps[r].number);
            es_csv_text(&w, month);
            es_csv_text(&w, o->measure);
            es_csv_text(&w, o->group);
            es_csv_num(&w, o->value);
            es_csv_end_row(&w);
        }
    }
    return es_csv_close(&w, err);
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

static int write_ledger_summary(const es_experiment *x, const char *dir, es_error *err)
{
    char path[1200];
    path_join(path, sizeof path, dir, "ledger_summary.csv");
    es_csv_writer w;
    int rc = es_csv_open(&w, path, err);
    if (rc)
        return rc;
    es_csv_header(&w, "replication,month,component,component_type,event,stream,source,catchment,"
                      "payer,payee,payments,amount_cents");
    const es_params *p = &x->scenario.params;
    const es_funding_model *f = x->funding;
    static const char *const sources[] = {"EO", "OW", "ODSP", "none", ""};
    for (int r = 0; f && r < x->nreps; r++) {
        const es_ledger *l = &x->reps[r].ledger;
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
                            es_csv_int(&w, x->reps[r].number);
                            es_csv_text(&w, month);
                            es_csv_text(&w, component_name(f, c));
                            es_csv_text(&w, release ? "holdback" : es_component_type_names[comp->type]);
                            es_csv_text(&w, release ? "period" : es_milestone_names[comp->event]);
                            es_csv_text(&w, s < l->nstreams ? p->streams[s].name : "");
                            es_csv_text(&w, sources[src]);
                            es_csv_text(&w, p->catchments[k].name);
                            es_csv_text(&w, party_label(p, from, k, -1, payer, sizeof payer));
                            es_csv_text(&w, party_label(p, to, k, -1, payee, sizeof payee));
                            es_csv_int(&w, l->payments[cell]);
                            es_csv_int(&w, l->cents[cell]);
                            es_csv_end_row(&w);
                        }
    }
    return es_csv_close(&w, err);
}

static int write_provider_finance(const es_experiment *x, const char *dir, es_error *err)
{
    char path[1200];
    path_join(path, sizeof path, dir, "provider_finance.csv");
    es_csv_writer w;
    int rc = es_csv_open(&w, path, err);
    if (rc)
        return rc;
    es_csv_header(&w, "replication,month,catchment,provider,revenue_cents,cost_cents,"
                      "cash_position_cents");
    const es_params *p = &x->scenario.params;
    for (int r = 0; x->funding && r < x->nreps; r++) {
        const es_finance *fin = &x->reps[r].finance;
        int provider = 0;
        for (int c = 0; c < p->ncatchments; c++)
            for (int j = 0; j < p->catchments[c].nproviders; j++, provider++) {
                int64_t cash = 0;
                for (int m = 0; m < fin->nmonths; m++) {
                    size_t cell = (size_t)provider * (size_t)fin->nmonths + (size_t)m;
                    cash += fin->revenue[cell] - fin->cost[cell];
                    char month[16];
                    month_label(p, m, month, sizeof month);
                    es_csv_int(&w, x->reps[r].number);
                    es_csv_text(&w, month);
                    es_csv_text(&w, p->catchments[c].name);
                    es_csv_text(&w, p->catchments[c].providers[j].name);
                    es_csv_int(&w, fin->revenue[cell]);
                    es_csv_int(&w, fin->cost[cell]);
                    es_csv_int(&w, cash);
                    es_csv_end_row(&w);
                }
            }
    }
    return es_csv_close(&w, err);
}

static int write_full_ledger(const es_experiment *x, const char *dir, es_error *err)
{
    char path[1200];
    path_join(path, sizeof path, dir, "ledger.csv");
    es_csv_writer w;
    int rc = es_csv_open(&w, path, err);
    if (rc)
        return rc;
    es_csv_header(&w, "replication,date,day,event_day,client,component,event,stream,source,"
                      "catchment,payer,payee,amount_cents");
    const es_params *p = &x->scenario.params;
    static const char *const sources[] = {"EO", "OW", "ODSP", "none"};
    for (int r = 0; x->funding && r < x->nreps; r++) {
        FILE *in = x->reps[r].ledger_rows;
        if (!in)
            continue;
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
            es_csv_int(&w, rep);
            es_csv_text(&w, date);
            es_csv_num(&w, day);
            es_csv_num(&w, event_day);
            es_csv_int(&w, (int64_t)client);
            es_csv_text(&w, component_name(x->funding, comp));
            es_csv_text(&w, es_milestone_names[event]);
            es_csv_text(&w, stream >= 0 ? p->streams[stream].name : "");
            es_csv_text(&w, source >= 0 ? sources[source] : "");
            es_csv_text(&w, p->catchments[catchment].name);
            es_csv_text(&w, party_label(p, (es_party)payer, catchment, -1, from, sizeof from));
            es_csv_text(&w, party_label(p, (es_party)payee, catchment, provider, to, sizeof to));
            es_csv_int(&w, cents);
            es_csv_end_row(&w);
        }
    }
    return es_csv_close(&w, err);
}

static const char *const open_columns =
    "out_exit_sum_emp,out_exit_sum_te,out_exit_unemp,out_exit_sum_oth,out_exit_unkn,"
    "out_exit_null,out_3_sum_emp,out_3_sum_te,out_3_unemp,out_3_sum_oth,out_3_unkn,out_3_null";

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

static int write_open_by_site(const es_experiment *x, const es_disclosure *masks, const char *dir,
                              es_error *err)
{
    char path[1200];
    path_join(path, sizeof path, dir, "outcomes_by_site.csv");
    es_csv_writer w;
    int rc = es_csv_open(&w, path, err);
    if (rc)
        return rc;
    fprintf(w.f, "replication,est_region,fiscal_year,eo_program,sds_id,sds_name,sds_sec,num_assist,%s\n",
            open_columns);
    const es_params *p = &x->scenario.params;
    for (int r = 0; r < x->nreps; r++) {
        const es_open_tables *t = &x->reps[r].open;
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
                        es_csv_int(&w, x->reps[r].number);
                        es_csv_text(&w, p->catchments[c].name);
                        es_csv_text(&w, label);
                        es_csv_text(&w, "ES");
                        es_csv_int(&w, site + 1);
                        es_csv_text(&w, name);
                        es_csv_text(&w, pp->specialisations == 0 ? "general"
                                        : pp->specialisations == ES_SPEC_DISABILITY ? "disability"
                                        : pp->specialisations == ES_SPEC_YOUTH ? "youth"
                                                                               : "disability;youth");
                        open_row(&w, &t->site[es_open_cell(t->nsites, fy, site, 0)], assisted,
                                 &masks[r].site_hidden[es_disclosure_cell(t->nsites, fy, site, 0)]);
                    }
                }
        }
    }
    return es_csv_close(&w, err);
}

static const char *catchment_of_cd(const es_params *p, int cd_index)
{
    for (int c = 0; c < p->ncatchments; c++) {
        int g = p->catchments[c].geo_index;
        if (g < 0)
            continue;
        const es_geo_catchment *gc = &p->geography.catchments[g];
        for (int k = 0; k < gc->ncds; k++)
            if (gc->cd_index[k] == cd_index)
                return p->catchments[c].name;
    }
    return "";
}

static int write_open_by_cd(const es_experiment *x, const es_disclosure *masks, const char *dir,
                            es_error *err)
{
    char path[1200];
    path_join(path, sizeof path, dir, "outcomes_by_cd.csv");
    es_csv_writer w;
    int rc = es_csv_open(&w, path, err);
    if (rc)
        return rc;
    fprintf(w.f, "replication,est_region,fiscal_year,eo_program,cd_uid,cd_name,num_assist,%s\n",
            open_columns);
    const es_params *p = &x->scenario.params;
    for (int r = 0; r < x->nreps; r++) {
        const es_open_tables *t = &x->reps[r].open;
        for (int fy = 0; fy < t->nfiscal_years; fy++)
            for (int cd = 0; cd < t->ncds; cd++) {
                uint64_t assisted = t->assisted_cd[(size_t)fy * (size_t)t->ncds + (size_t)cd];
                if (assisted == 0)
                    continue;
                char label[24];
                fiscal_label(t->first_fiscal_year, fy, label, sizeof label);
                es_csv_int(&w, x->reps[r].number);
                es_csv_text(&w, catchment_of_cd(p, cd));
                es_csv_text(&w, label);
                es_csv_text(&w, "ES");
                es_csv_int(&w, p->geography.cds[cd].uid);
                es_csv_text(&w, p->geography.cds[cd].name);
                open_row(&w, &t->cd[es_open_cell(t->ncds, fy, cd, 0)], assisted,
                         &masks[r].cd_hidden[es_disclosure_cell(t->ncds, fy, cd, 0)]);
            }
    }
    return es_csv_close(&w, err);
}

/* The two open-data tables, with one suppression pattern per replication for both (the
 * relations that complementary suppression guards link them). */
static int write_open_data(const es_experiment *x, const char *dir, es_error *err)
{
    es_disclosure *masks = calloc((size_t)x->nreps, sizeof *masks);
    if (!masks)
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory");
    int rc = ES_OK, done = 0;
    for (; !rc && done < x->nreps; done++)
        rc = es_disclosure_protect(&masks[done], &x->reps[done].open, &x->scenario.params, err);
    if (!rc)
        rc = write_open_by_site(x, masks, dir, err);
    if (!rc)
        rc = write_open_by_cd(x, masks, dir, err);
    for (int r = 0; r < done; r++)
        es_disclosure_destroy(&masks[r]);
    free(masks);
    return rc;
}

/* KPIs by provider and catchment, from the whole-run measures named kpi_* whose group reads
 * LEVEL=NAME, with confidence intervals over replications. */
static int write_kpis(const es_aggregate *a, const char *dir, es_error *err)
{
    char path[1200];
    path_join(path, sizeof path, dir, "kpis.csv");
    es_csv_writer w;
    int rc = es_csv_open(&w, path, err);
    if (rc)
        return rc;
    es_csv_header(&w, "level,unit,measure,replications,mean,ci95_low,ci95_high");
    for (size_t i = 0; i < a->n; i++) {
        const es_aggregate_row *o = &a->rows[i];
        const char *eq = strchr(o->group, '=');
        if (strncmp(o->measure, "kpi_", 4) != 0 || !eq)
            continue;
        es_tally t;
        es_aggregate_tally(a, i, &t);
        double half = es_tally_ci_halfwidth(&t, 0.95);
        char level[32];
        snprintf(level, sizeof level, "%.*s", (int)(eq - o->group), o->group);
        es_csv_text(&w, level);
        es_csv_text(&w, eq + 1);
        es_csv_text(&w, o->measure + 4);
        es_csv_int(&w, (int64_t)t.n);
        es_csv_num(&w, es_tally_mean(&t));
        es_csv_num(&w, es_tally_mean(&t) - half);
        es_csv_num(&w, es_tally_mean(&t) + half);
        es_csv_end_row(&w);
    }
    return es_csv_close(&w, err);
}

int es_output_files(const es_experiment *x, const char *folder, es_error *err)
{
    if (es_output_stopped())
        return es_error_set(err, ES_ESTOPPED, folder, 0, "stopped by a signal");
    es_aggregate a; /* by key: replications need not record the same measures */
    int rc = es_aggregate_build(&a, &x->reps[0].results, sizeof x->reps[0], x->nreps, err);
    if (!rc)
        rc = write_summary(&a, folder, err);
    if (!rc)
        rc = write_replications(x, folder, err);
    if (!rc)
        rc = write_monthly(x, folder, err);
    if (!rc)
        rc = write_ledger_summary(x, folder, err);
    if (!rc && x->reps[0].ledger_rows)
        rc = write_full_ledger(x, folder, err);
    if (!rc)
        rc = write_open_data(x, folder, err);
    if (!rc)
        rc = write_kpis(&a, folder, err);
    es_aggregate_free(&a);
    if (!rc && x->funding)
        rc = write_provider_finance(x, folder, err);
    if (!rc && es_output_stopped())
        rc = es_error_set(err, ES_ESTOPPED, folder, 0, "stopped by a signal");
    if (!rc)
        rc = es_run_plots(x, folder, err);
    if (!rc)
        rc = es_report_write(x, folder, err);
    return rc;
}

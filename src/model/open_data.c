/* The Employment Ontario open-data counts: plans closed in each fiscal year, by site and by
 * census division, with the outcome at exit and three months after. */
#include "model/system.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "engine/rng.h"
#include "model/assessment.h"
#include "model/calendar.h"
#include "model/client.h"
#include "model/model_internal.h"

void es_open_data_record(es_model *m, const es_client *c, int exit_col, int after3_col)
{
    int fy = es_model_fiscal_index(m, m->sim.now);
    es_site_state *site = &m->sites[c->site];
    m->open_site[es_open_cell(m->nsites, fy, c->site, exit_col)]++;
    m->open_site[es_open_cell(m->nsites, fy, c->site, 6 + after3_col)]++;
    m->assisted_site[(size_t)fy * (size_t)m->nsites + (size_t)c->site]++;
    if (c->cd >= 0) {
        int ncd = m->p->geography.ncds;
        m->open_cd[es_open_cell(ncd, fy, c->cd, exit_col)]++;
        m->open_cd[es_open_cell(ncd, fy, c->cd, 6 + after3_col)]++;
        m->assisted_cd[(size_t)fy * (size_t)ncd + (size_t)c->cd]++;
    }
    site->period_closed++;
}

int es_open_data_init(es_model *m)
{
    const es_params *p = m->p;
    es_fiscal_years_init(&m->fiscal, p->start_year, p->start_month, p->start_day, p->horizon_days);
    m->first_fiscal_year = m->fiscal.first;
    m->nfiscal_years = m->fiscal.n;
    int ncd = p->has_geography ? p->geography.ncds : 0;
    size_t fy = (size_t)m->nfiscal_years;
    m->open_site = calloc(fy * (size_t)m->nsites * ES_OPEN_DATA_COLUMNS, sizeof *m->open_site);
    m->assisted_site = calloc(fy * (size_t)m->nsites, sizeof *m->assisted_site);
    m->open_cd = calloc(fy * (size_t)(ncd ? ncd : 1) * ES_OPEN_DATA_COLUMNS, sizeof *m->open_cd);
    m->assisted_cd = calloc(fy * (size_t)(ncd ? ncd : 1), sizeof *m->assisted_cd);
    return m->open_site && m->assisted_site && m->open_cd && m->assisted_cd ? ES_OK : ES_ENOMEM;
}

static uint64_t *es_dup_u64(const uint64_t *v, size_t n)
{
    uint64_t *d = malloc((n ? n : 1) * sizeof *d);
    if (d && n)
        memcpy(d, v, n * sizeof *d);
    return d;
}

void es_model_take_open_tables(es_model *m, es_open_tables *t)
{
    *t = (es_open_tables){.first_fiscal_year = m->first_fiscal_year,
                          .nfiscal_years = m->nfiscal_years, .nsites = m->nsites,
                          .ncds = m->p->has_geography ? m->p->geography.ncds : 0,
                          .site = m->open_site, .cd = m->open_cd,
                          .assisted_site = m->assisted_site, .assisted_cd = m->assisted_cd};
    m->open_site = m->open_cd = m->assisted_site = m->assisted_cd = NULL;
}

/* A copy of t's counts for another replication record priced from the same model run. */
int es_open_tables_copy(es_open_tables *to, const es_open_tables *t)
{
    size_t fy = (size_t)t->nfiscal_years, ncd = (size_t)(t->ncds ? t->ncds : 1);
    size_t n_site = fy * (size_t)t->nsites, n_cd = fy * ncd;
    *to = *t;
    to->site = to->cd = to->assisted_site = to->assisted_cd = NULL;
    if (t->site && !(to->site = es_dup_u64(t->site, n_site * ES_OPEN_DATA_COLUMNS)))
        goto fail;
    if (t->cd && !(to->cd = es_dup_u64(t->cd, n_cd * ES_OPEN_DATA_COLUMNS)))
        goto fail;
    if (t->assisted_site && !(to->assisted_site = es_dup_u64(t->assisted_site, n_site)))
        goto fail;
    if (t->assisted_cd && !(to->assisted_cd = es_dup_u64(t->assisted_cd, n_cd)))
        goto fail;
    return ES_OK;
fail:
    es_open_tables_destroy(to);
    return ES_ENOMEM;
}

void es_open_tables_destroy(es_open_tables *t)
{
    free(t->site);
    free(t->cd);
    free(t->assisted_site);
    free(t->assisted_cd);
    *t = (es_open_tables){0};
}

int es_open_data_region(const es_params *p, int cd)
{
    for (int c = 0; c < p->ncatchments; c++) {
        int g = p->catchments[c].geo_index;
        if (g < 0)
            continue;
        const es_geo_catchment *gc = &p->geography.catchments[g];
        for (int k = 0; k < gc->ncds; k++)
            if (gc->cd_index[k] == cd)
                return c;
    }
    return -1;
}

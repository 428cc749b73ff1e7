#include "model/labour.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/alloc.h"
#include "engine/error.h"
#include "engine/index_list.h"
#include "engine/rng.h"

/* ---- regional conditions ----------------------------------------------------------------- */

/* The step in force for a region on a day: the region's own series if it has one, else the
 * province-wide (er 0) series; before a series' first step, its first step.  NULL: none. */
static const es_lm_step *step_at(const es_params *p, int er_uid, double day)
{
    const es_labour_params *lm = &p->labour;
    bool own = false;
    for (int i = 0; i < lm->nsteps && !own; i++)
        own = lm->steps[i].er_uid == er_uid && er_uid != 0;
    int want = own ? er_uid : 0;
    const es_lm_step *first = NULL, *at = NULL;
    for (int i = 0; i < lm->nsteps; i++) {
        const es_lm_step *s = &lm->steps[i];
        if (s->er_uid != want)
            continue;
        if (!first)
            first = s;
        if (s->from_days <= day)
            at = s;
    }
    return at ? at : first;
}

static bool shock_applies(const es_lm_shock *s, int er_uid, double day)
{
    if (day < s->from_days || day >= s->to_days)
        return false;
    if (s->nregions == 0)
        return true;
    for (int r = 0; r < s->nregions; r++)
        if (s->regions[r] == er_uid)
            return true;
    return false;
}

double es_labour_vacancy_multiplier(const es_params *p, int er_uid, double day)
{
    const es_labour_params *lm = &p->labour;
    const es_lm_step *s = step_at(p, er_uid, day);
    double k = s ? s->vacancy_rate / lm->reference_vacancy_rate : 1.0;
    for (int i = 0; i < lm->nshocks; i++)
        if (shock_applies(&lm->shocks[i], er_uid, day))
            k *= lm->shocks[i].vacancy_multiplier;
    return k;
}

double es_labour_unemployment(const es_params *p, int er_uid, double day)
{
    const es_labour_params *lm = &p->labour;
    const es_lm_step *s = step_at(p, er_uid, day);
    double u = s ? s->unemployment_rate : lm->reference_unemployment_rate;
    for (int i = 0; i < lm->nshocks; i++)
        if (shock_applies(&lm->shocks[i], er_uid, day))
            u *= lm->shocks[i].unemployment_multiplier;
    return fmin(u, 0.95);
}

double es_labour_next_change(const es_labour *l, double day)
{
    for (int i = 0; i < l->nboundaries; i++)
        if (l->boundaries[i] > day)
            return l->boundaries[i];
    return INFINITY;
}

void es_labour_stream_conditions(const es_labour *l, es_posting_stream *s, double day)
{
    if (day >= s->cond_from && day < s->cond_to)
        return;
    s->vacancy_multiplier = es_labour_vacancy_multiplier(l->p, s->er_uid, day);
    s->unemployment = es_labour_unemployment(l->p, s->er_uid, day);
    s->cond_from = day;
    s->cond_to = es_labour_next_change(l, day);
}

double es_labour_posting_rate(const es_labour *l, es_posting_stream *s, int month, double day)
{
    es_labour_stream_conditions(l, s, day);
    return s->total[month - 1] * s->vacancy_multiplier;
}

int es_labour_draw_industry(const es_labour *l, const es_posting_stream *s, int month, gsl_rng *r)
{
    int n = l->p->labour.nindustries;
    const double *w = s->weight[month - 1];
    double u = gsl_rng_uniform(r) * s->total[month - 1];
    for (int i = 0; i < n; i++) {
        u -= w[i];
        if (u < 0.0)
            return i;
    }
    return n - 1;
}

/* ---- set-up ------------------------------------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int init_boundaries(es_labour *l)
{
    const es_labour_params *lm = &l->p->labour;
    l->boundaries = malloc(((size_t)lm->nsteps + 2 * (size_t)lm->nshocks + 1) * sizeof *l->boundaries);
    if (!l->boundaries)
        return ES_ENOMEM;
    int n = 0;
    for (int i = 0; i < lm->nsteps; i++)
        l->boundaries[n++] = lm->steps[i].from_days;
    for (int i = 0; i < lm->nshocks; i++) {
        l->boundaries[n++] = lm->shocks[i].from_days;
        l->boundaries[n++] = lm->shocks[i].to_days;
    }
    qsort(l->boundaries, (size_t)n, sizeof *l->boundaries, cmp_double);
    l->nboundaries = n;
    return ES_OK;
}

/* Registered employers of a census division post at base rates per industry. */
static int init_streams(es_labour *l)
{
    const es_params *p = l->p;
    const es_labour_params *lm = &p->labour;
    double postings_per_employer = 0.0;
    for (int s = 0; s < lm->nsizes; s++)
        postings_per_employer += lm->sizes[s].employer_share * lm->sizes[s].postings_per_year;
    int n = 0;
    for (int c = 0; c < p->ncatchments; c++)
        n += p->geography.catchments[p->catchments[c].geo_index].ncds;
    l->streams = calloc((size_t)(n ? n : 1), sizeof *l->streams);
    if (!l->streams)
        return ES_ENOMEM;
    for (int c = 0; c < p->ncatchments; c++) {
        const es_geo_catchment *gc = &p->geography.catchments[p->catchments[c].geo_index];
        for (int k = 0; k < gc->ncds; k++) {
            const es_census_division *cd = &p->geography.cds[gc->cd_index[k]];
            double registered = (double)cd->population / 1000.0 * lm->employers_per_1000 *
                                lm->registered_share;
            l->by_catchment[c].registered_employers += registered;
            es_posting_stream *st = &l->streams[l->nstreams++];
            *st = (es_posting_stream){.catchment = c, .cd_index = gc->cd_index[k], .er_uid = cd->er_uid};
            for (int i = 0; i < lm->nindustries; i++)
                st->base_per_day[i] = registered * lm->industries[i].employer_share *
                                      postings_per_employer / 365.25;
            for (int month = 0; month < 12; month++)
                for (int i = 0; i < lm->nindustries; i++) {
                    st->weight[month][i] = st->base_per_day[i] * lm->industries[i].seasonality[month];
                    st->total[month] += st->weight[month][i];
                }
        }
    }
    return ES_OK;
}

static int init_rngs(es_labour *l, uint32_t rep)
{
    const es_params *p = l->p;
    const gsl_rng_type *t = es_rng_type_by_name(p->rng);
    l->rng_post = calloc((size_t)(l->nstreams ? l->nstreams : 1), sizeof *l->rng_post);
    if (!l->rng_post)
        return ES_ENOMEM;
    for (int i = 0; i < l->nstreams; i++) {
        char name[ES_NAME_MAX * 2 + 32];
        snprintf(name, sizeof name, "vacancies/%s/cd%d", p->catchments[l->streams[i].catchment].name,
                 p->geography.cds[l->streams[i].cd_index].uid);
        if (!(l->rng_post[i] = es_rng_alloc(t, p->seed, rep, name)))
            return ES_ENOMEM;
    }
    return ES_OK;
}

int es_labour_init(es_labour *l, const es_params *p, uint32_t replication)
{
    *l = (es_labour){.p = p};
    l->by_catchment = calloc((size_t)p->ncatchments, sizeof *l->by_catchment);
    l->cap = 1024;
    l->vacancies = malloc(l->cap * sizeof *l->vacancies);
    l->free_list = malloc(l->cap * sizeof *l->free_list);
    if (!l->by_catchment || !l->vacancies || !l->free_list)
        return ES_ENOMEM;
    for (int c = 0; c < p->ncatchments; c++) {
        es_lm_catchment *lc = &l->by_catchment[c];
        lc->open_head = lc->open_tail = lc->sweep = ES_NONE;
        lc->search_head = lc->search_tail = ES_NONE;
        es_tally_reset(&lc->fill_days);
        es_tally_reset(&lc->search_days);
    }
    int rc = init_boundaries(l);
    if (rc == ES_OK)
        rc = init_streams(l);
    if (rc == ES_OK)
        rc = init_rngs(l, replication);
    return rc;
}

void es_labour_destroy(es_labour *l)
{
    if (l->rng_post)
        for (int i = 0; i < l->nstreams; i++)
            gsl_rng_free(l->rng_post[i]);
    ES_FREE_ALL(l->rng_post, l->streams, l->boundaries, l->by_catchment, l->vacancies,
                l->free_list);
    *l = (es_labour){0};
}

/* ---- the pool and the open lists ----------------------------------------------------------- */

uint32_t es_vacancy_alloc(es_labour *l)
{
    if (l->nfree)
        return l->free_list[--l->nfree];
    if (l->nvacancies == l->cap &&
        es_grow_pool(&l->vacancies, sizeof *l->vacancies, &l->free_list, &l->cap) != ES_OK)
        return ES_NONE;
    return (uint32_t)l->nvacancies++;
}

void es_vacancy_release(es_labour *l, uint32_t v)
{
    l->free_list[l->nfree++] = v;
}

/* A catchment's open vacancies, linked through es_vacancy.prev and .next. */
static es_index_list open_list(es_labour *l, int catchment)
{
    es_lm_catchment *lc = &l->by_catchment[catchment];
    return (es_index_list){.records = l->vacancies, .stride = sizeof *l->vacancies,
                           .prev = offsetof(es_vacancy, prev), .next = offsetof(es_vacancy, next),
                           .head = &lc->open_head, .tail = &lc->open_tail};
}

void es_vacancy_list_append(es_labour *l, uint32_t v)
{
    es_index_list_append(open_list(l, l->vacancies[v].catchment), v);
    if (++l->open_now > l->peak_open)
        l->peak_open = l->open_now;
}

void es_vacancy_list_remove(es_labour *l, uint32_t v)
{
    es_vacancy *x = &l->vacancies[v];
    es_lm_catchment *lc = &l->by_catchment[x->catchment];
    if (lc->sweep == v)
        lc->sweep = x->next;
    es_index_list_remove(open_list(l, x->catchment), v);
    l->open_now--;
}

void es_vacancy_close(es_labour *l, uint32_t v)
{
    es_vacancy *x = &l->vacancies[v];
    es_lm_catchment *lc = &l->by_catchment[x->catchment];
    es_vacancy_list_remove(l, v);
    if (x->by_others) {
        lc->filled_by_others++;
        es_tally_add(&lc->fill_days, x->close_days - x->posted_days);
    } else {
        lc->withdrawn++;
    }
    es_vacancy_release(l, v);
}

void es_vacancy_sweep(es_labour *l, int catchment, double now, int n)
{
    es_lm_catchment *lc = &l->by_catchment[catchment];
    for (int i = 0; i < n; i++) {
        if (lc->sweep == ES_NONE)
            lc->sweep = lc->open_head;
        uint32_t v = lc->sweep;
        if (v == ES_NONE)
            return;
        lc->sweep = l->vacancies[v].next;
        if (l->vacancies[v].close_days <= now)
            es_vacancy_close(l, v);
    }
}

void es_labour_count_open(const es_labour *l, int catchment, double now, uint64_t *open,
                          uint64_t *by_others, uint64_t *withdrawn, es_tally *fill_days)
{
    *open = *by_others = *withdrawn = 0;
    for (uint32_t v = l->by_catchment[catchment].open_head; v != ES_NONE; v = l->vacancies[v].next) {
        const es_vacancy *x = &l->vacancies[v];
        if (x->close_days > now) {
            (*open)++;
        } else if (x->by_others) {
            (*by_others)++;
            es_tally_add(fill_days, x->close_days - x->posted_days);
        } else {
            (*withdrawn)++;
        }
    }
}

/* es_labour: the local labour market of one replication — registered employers' vacancies,
 * pooled and kept per catchment in posting order, and regional conditions over time.
 *
 * Vacancies are posted by a Poisson process per census division whose rate follows the
 * employers registered there, each industry's seasonality, the economic region's vacancy rate
 * and any shock.  A vacancy closes at a time drawn when it is posted: filled by a job seeker
 * from outside the employment services (sooner when unemployment is high) or withdrawn
 * unfilled, whichever comes first, unless a client is hired into it before.  Closed vacancies
 * are taken off their list lazily (no event of their own), so a vacancy costs one event.
 */
#ifndef ES_MODEL_LABOUR_H
#define ES_MODEL_LABOUR_H

#include <stdbool.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "engine/stats.h"
#include "model/calendar.h"
#include "model/params.h"

#define ES_NONE UINT32_MAX

typedef struct es_vacancy {
    double posted_days, close_days;
    float hours, wage;
    uint32_t prev, next; /* in its catchment's open list */
    int16_t catchment;
    uint8_t industry;
    uint8_t by_others;   /* at close_days: filled from outside (1) or withdrawn unfilled (0) */
} es_vacancy;

/* Per catchment: the open list, the clients searching, and the employer-side counts. */
typedef struct es_lm_catchment {
    uint32_t open_head, open_tail, sweep; /* sweep: next vacancy looked at for closing */
    uint32_t search_head, search_tail;
    uint64_t posted, filled_by_clients, filled_by_others, withdrawn, open;
    uint64_t searchers, search_started, search_matched, search_unmatched;
    uint64_t subsidised, stacked_jobs;
    uint64_t employed_at[4], stacked_counted[4], stacked_refused[4], subsidy_unfunded[4];
    es_tally fill_days, search_days;
    double registered_employers;
} es_lm_catchment;

/* One posting stream per census division of a catchment. */
typedef struct es_posting_stream {
    int catchment, cd_index, er_uid;
    double base_per_day[ES_MAX_INDUSTRIES]; /* at the reference vacancy rate, before seasonality */
    /* by calendar month: each industry's postings a day (base x seasonality) and their sum */
    double weight[12][ES_MAX_INDUSTRIES], total[12];
    es_month_cache month;
    /* the region's conditions, remembered from cond_from until the next date they may change */
    double cond_from, cond_to, vacancy_multiplier, unemployment;
} es_posting_stream;

typedef struct es_labour {
    const es_params *p;
    es_vacancy *vacancies;
    uint32_t *free_list;
    size_t nvacancies, cap, nfree, peak_open, open_now;
    es_lm_catchment *by_catchment;
    int nstreams;
    es_posting_stream *streams;
    gsl_rng **rng_post; /* per posting stream: times and attributes of its vacancies */
    int nboundaries;
    double *boundaries; /* days where conditions change, increasing */
    uint64_t posted_by_industry[ES_MAX_INDUSTRIES];
} es_labour;

int es_labour_init(es_labour *l, const es_params *p, uint32_t replication);
void es_labour_destroy(es_labour *l);

/* Vacancy-rate multiplier and unemployment rate of an economic region on a day (conditions
 * times active shocks); *next_change (may be NULL) is the next day either may change. */
double es_labour_vacancy_multiplier(const es_params *p, int er_uid, double day);
double es_labour_unemployment(const es_params *p, int er_uid, double day);
double es_labour_next_change(const es_labour *l, double day);

/* Brings a stream's remembered conditions (vacancy multiplier, unemployment) up to `day`. */
void es_labour_stream_conditions(const es_labour *l, es_posting_stream *s, double day);
/* Postings a day of a stream at `day` in calendar month `month` (1-12). */
double es_labour_posting_rate(const es_labour *l, es_posting_stream *s, int month, double day);
/* Draws the industry of a vacancy posted in `month`, in proportion to the industries' rates. */
int es_labour_draw_industry(const es_labour *l, const es_posting_stream *s, int month, gsl_rng *r);

/* A vacancy from the pool (ES_NONE when memory runs out) and back. */
uint32_t es_vacancy_alloc(es_labour *l);
void es_vacancy_release(es_labour *l, uint32_t v);

/* The catchment's open list, oldest first. */
void es_vacancy_list_append(es_labour *l, uint32_t v);
void es_vacancy_list_remove(es_labour *l, uint32_t v);
/* Takes a vacancy whose close time has come off its list and counts how it closed. */
void es_vacancy_close(es_labour *l, uint32_t v);
/* Looks at up to `n` open vacancies of a catchment from the sweep position and closes those
 * whose time has come, so that the list holds little more than the vacancies still open. */
void es_vacancy_sweep(es_labour *l, int catchment, double now, int n);

/* Open vacancies at `now` and what the still-listed closed ones became (for results). */
void es_labour_count_open(const es_labour *l, int catchment, double now, uint64_t *open,
                          uint64_t *by_others, uint64_t *withdrawn, es_tally *fill_days);

#endif

/* Calendar arithmetic: the model's clock counts days since the scenario's start date. */
#ifndef ES_MODEL_CALENDAR_H
#define ES_MODEL_CALENDAR_H

#define ES_DAYS_PER_MONTH_AVG (365.25 / 12.0)

/* Days from 1970-01-01 to a civil date, and back (proleptic Gregorian). */
long es_days_from_civil(int year, int month, int day);
void es_civil_from_days(long days, int *year, int *month, int *day);

/* The simulated day (since start) of a civil date. */
double es_sim_day(int start_year, int start_month, int start_day, int year, int month, int day);

/* Calendar month (1-12) and the simulated day at which the next calendar month begins. */
int es_calendar_month_at(int start_year, int start_month, int start_day, double sim_day,
                         double *next_month_day);

/* es_calendar_month_at for a stream whose days move forward: the month is remembered from
 * the day it was looked up until the next month begins, so a civil date is converted about
 * once a month instead of on every event.  A zeroed cache is empty. */
typedef struct es_month_cache {
    double from, to;
    int month;
} es_month_cache;

static inline int es_calendar_month_cached(es_month_cache *c, int start_year, int start_month,
                                           int start_day, double sim_day, double *next_month_day)
{
    if (!(sim_day >= c->from && sim_day < c->to)) {
        c->month = es_calendar_month_at(start_year, start_month, start_day, sim_day, &c->to);
        c->from = sim_day;
    }
    *next_month_day = c->to;
    return c->month;
}

/* Fiscal year (April to March) that a simulated day falls in, as its starting year. */
int es_fiscal_year_at(int start_year, int start_month, int start_day, double sim_day);

/* The fiscal years a run spans, for lookups on the hot path: boundary[k] is the run day on
 * which fiscal year first + k + 1 begins.  Horizons are at most 100 years (plus payment lags). */
#define ES_MAX_FISCAL_YEARS 128
typedef struct es_fiscal_years {
    int first, n;
    double boundary[ES_MAX_FISCAL_YEARS];
} es_fiscal_years;

/* From the run's start date to run day last_day (both included). */
void es_fiscal_years_init(es_fiscal_years *fy, int start_year, int start_month, int start_day,
                          double last_day);
/* Index (0 = the first fiscal year) of the fiscal year of run day `day`, clamped to the span;
 * equal to es_fiscal_year_at(...) - first within it. */
static inline int es_fiscal_index(const es_fiscal_years *fy, double day)
{
    int k = 0;
    while (k < fy->n - 1 && day >= fy->boundary[k])
        k++;
    return k;
}

/* "YYYY-MM" of the calendar month `month` months after the start month. */
void es_month_label(int start_year, int start_month, int month, char *buf, unsigned len);

#endif

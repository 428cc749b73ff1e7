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

/* Fiscal year (April to March) that a simulated day falls in, as its starting year. */
int es_fiscal_year_at(int start_year, int start_month, int start_day, double sim_day);

/* "YYYY-MM" of the calendar month `month` months after the start month. */
void es_month_label(int start_year, int start_month, int month, char *buf, unsigned len);

#endif

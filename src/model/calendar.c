#include "model/calendar.h"

#include <math.h>
#include <stdio.h>

/* Howard Hinnant's days_from_civil / civil_from_days. */
long es_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void es_civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

double es_sim_day(int sy, int sm, int sd, int year, int month, int day)
{
    return (double)(es_days_from_civil(year, month, day) - es_days_from_civil(sy, sm, sd));
}

int es_calendar_month_at(int sy, int sm, int sd, double sim_day, double *next_month_day)
{
    long base = es_days_from_civil(sy, sm, sd);
    int y, m, d;
    es_civil_from_days(base + (long)floor(sim_day), &y, &m, &d);
    if (next_month_day) {
        int ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1;
        *next_month_day = (double)(es_days_from_civil(ny, nm, 1) - base);
    }
    return m;
}

int es_fiscal_year_at(int sy, int sm, int sd, double sim_day)
{
    int y, m, d;
    es_civil_from_days(es_days_from_civil(sy, sm, sd) + (long)floor(sim_day), &y, &m, &d);
    return m >= 4 ? y : y - 1;
}

void es_fiscal_years_init(es_fiscal_years *fy, int sy, int sm, int sd, double last_day)
{
    fy->first = es_fiscal_year_at(sy, sm, sd, 0.0);
    fy->n = es_fiscal_year_at(sy, sm, sd, last_day) - fy->first + 1;
    if (fy->n > ES_MAX_FISCAL_YEARS)
        fy->n = ES_MAX_FISCAL_YEARS;
    long start = es_days_from_civil(sy, sm, sd);
    for (int k = 0; k + 1 < fy->n; k++)
        fy->boundary[k] = (double)(es_days_from_civil(fy->first + k + 1, 4, 1) - start);
}

void es_month_label(int start_year, int start_month, int month, char *buf, unsigned len)
{
    int total = start_year * 12 + (start_month - 1) + month;
    snprintf(buf, len, "%04d-%02d", total / 12 % 10000, total % 12 + 1);
}

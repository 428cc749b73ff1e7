/* Dated schedules of the key table's numbers and amounts: reading them into a table beside the
 * loaded struct (es_dated_table, engine/dated.h) and writing them for `essim diff`.  The syntax
 * is checked by es_schema_check_dated (schema.c) before anything here reads it. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/schema.h"
#include "model/calendar.h"

static double entry_number(const config_setting_t *v)
{
    return config_setting_type(v) == CONFIG_TYPE_FLOAT ? config_setting_get_float(v)
                                                       : (double)config_setting_get_int64(v);
}

int es_schema_dated_read(const es_key *k, const config_setting_t *st, const es_dated_sink *sink,
                         void *field, const char *path, const char *file, es_error *err)
{
    if (!sink || !k->dated)
        return es_schema_error(err, st, file, "'%s' cannot take dated values here", path);
    es_dated_table *t = sink->table;
    size_t offset = (size_t)((const char *)field - (const char *)sink->root);
    if (es_dated_find(t, offset))
        return es_schema_error(err, st, file, "'%s' is dated twice", path);
    if (t->n == ES_DATED_MAX_SCHEDULES)
        return es_schema_error(err, st, file,
                               "'%s': at most %d keys may be dated in one file and its includes",
                               path, ES_DATED_MAX_SCHEDULES);
    es_dated_schedule *s = &t->schedules[t->n];
    *s = (es_dated_schedule){.offset = offset, .money = k->type == ES_KEY_MONEY};
    int n = config_setting_length(st);
    for (int i = 0; i < n && i < ES_DATED_MAX_POINTS; i++) {
        const config_setting_t *e = config_setting_get_elem(st, (unsigned)i);
        int y = 0, m = 0, d = 0;
        es_parse_date(config_setting_get_string(config_setting_get_member(e, "from")), &y, &m, &d);
        double v = entry_number(config_setting_get_member(e, "value"));
        es_dated_point *pt = &s->points[s->npoints++];
        pt->day = es_sim_day(sink->start_year, sink->start_month, sink->start_day, y, m, d);
        pt->date = y * 10000 + m * 100 + d;
        if (s->money)
            pt->v.cents = (int64_t)llround(v * 100.0);
        else
            pt->v.value = v;
    }
    if (s->npoints == 0 || s->points[0].day > 0.0)
        return es_schema_error(err, st, file,
                               "dated '%s' must give its value from the scenario's start "
                               "(%04d-%02d-%02d) on: its first 'from' is later",
                               path, sink->start_year, sink->start_month, sink->start_day);
    t->n++;
    es_dated_store(s, es_dated_point_at(s, 0.0), sink->root);
    return ES_OK;
}

void es_schema_format_dated(const es_key *k, const void *base, const es_dated_view *view,
                            char *buf, size_t len)
{
    const es_dated_schedule *s =
        k->dated && view && view->table
            ? es_dated_find(view->table,
                            (size_t)((const char *)base + k->offset - (const char *)view->root))
            : NULL;
    if (!s) {
        es_schema_format(k, base, buf, len);
        return;
    }
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < s->npoints && used < len; i++) {
        const es_dated_point *pt = &s->points[i];
        char value[64];
        es_schema_format_number(k, s->money ? 0.0 : pt->v.value, s->money ? pt->v.cents : 0,
                                value, sizeof value);
        int w = snprintf(buf + used, len - used, "%sfrom %04d-%02d-%02d: %s", i ? ", " : "",
                         (int)(pt->date / 10000), (int)(pt->date / 100 % 100),
                         (int)(pt->date % 100), value);
        used += w > 0 ? (size_t)w : 0;
    }
}

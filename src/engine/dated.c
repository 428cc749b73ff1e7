/* Numbers that change on dates (see dated.h). */
#include "engine/dated.h"

#include <string.h>

const es_dated_schedule *es_dated_find(const es_dated_table *t, size_t offset)
{
    for (int i = 0; i < t->n; i++)
        if (t->schedules[i].offset == offset)
            return &t->schedules[i];
    return NULL;
}

const es_dated_point *es_dated_point_at(const es_dated_schedule *s, double day)
{
    int lo = 0, hi = s->npoints - 1; /* the last point at or before `day`, else the first */
    while (lo < hi) {
        int mid = lo + (hi - lo + 1) / 2;
        if (s->points[mid].day <= day)
            lo = mid;
        else
            hi = mid - 1;
    }
    return &s->points[lo];
}

void es_dated_store(const es_dated_schedule *s, const es_dated_point *pt, void *root)
{
    char *field = (char *)root + s->offset;
    if (s->money)
        memcpy(field, &pt->v.cents, sizeof pt->v.cents);
    else
        memcpy(field, &pt->v.value, sizeof pt->v.value);
}

static const es_dated_schedule *schedule_of(const es_dated_table *t, const void *root,
                                            const void *field)
{
    return es_dated_find(t, (size_t)((const char *)field - (const char *)root));
}

double es_dated_double_at(const es_dated_table *t, const void *root, const double *field,
                          double day)
{
    const es_dated_schedule *s = schedule_of(t, root, field);
    return s && !s->money && s->npoints > 0 ? es_dated_point_at(s, day)->v.value : *field;
}

int64_t es_dated_cents_at(const es_dated_table *t, const void *root, const int64_t *field,
                          double day)
{
    const es_dated_schedule *s = schedule_of(t, root, field);
    return s && s->money && s->npoints > 0 ? es_dated_point_at(s, day)->v.cents : *field;
}

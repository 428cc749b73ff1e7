#include "engine/index_list.h"

#include <string.h>

static uint32_t get(const es_index_list *l, uint32_t i, size_t link)
{
    uint32_t v;
    memcpy(&v, (const char *)l->records + (size_t)i * l->stride + link, sizeof v);
    return v;
}

static void set(const es_index_list *l, uint32_t i, size_t link, uint32_t v)
{
    memcpy((char *)l->records + (size_t)i * l->stride + link, &v, sizeof v);
}

void es_index_list_append(es_index_list list, uint32_t i)
{
    const es_index_list *l = &list;
    set(l, i, l->next, ES_INDEX_NONE);
    set(l, i, l->prev, *l->tail);
    if (*l->tail != ES_INDEX_NONE)
        set(l, *l->tail, l->next, i);
    else
        *l->head = i;
    *l->tail = i;
}

void es_index_list_remove(es_index_list list, uint32_t i)
{
    const es_index_list *l = &list;
    uint32_t prev = get(l, i, l->prev), next = get(l, i, l->next);
    if (prev != ES_INDEX_NONE)
        set(l, prev, l->next, next);
    else
        *l->head = next;
    if (next != ES_INDEX_NONE)
        set(l, next, l->prev, prev);
    else
        *l->tail = prev;
}

#include "engine/pq.h"

#include <stdlib.h>

#include "engine/alloc.h"
#include "engine/error.h"
#include "engine/heap.h"

/* Sizes the heap and the slots' arrays for cap items. */
static int resize(es_pq *pq, size_t cap)
{
    int rc = es_heap_resize(&pq->heap, &pq->slots, &pq->free_slots, cap);
    if (!rc)
        pq->cap = cap;
    return rc;
}

int es_pq_init(es_pq *pq, size_t capacity_hint)
{
    *pq = (es_pq){0};
    if (resize(pq, capacity_hint < 16 ? 16 : capacity_hint)) {
        es_pq_destroy(pq);
        return ES_ENOMEM;
    }
    return ES_OK;
}

void es_pq_destroy(es_pq *pq)
{
    free(pq->heap);
    free(pq->slots);
    free(pq->free_slots);
    *pq = (es_pq){0};
}

void es_pq_reset(es_pq *pq)
{
    for (size_t i = 0; i < pq->size; i++) {
        es_slot_free(pq->slots, pq->free_slots, &pq->nfree, pq->heap[i].slot);
    }
    pq->size = 0;
    pq->next_seq = 0;
}

int es_pq_push(es_pq *pq, double key, uint32_t tag, uint64_t data, es_handle *handle)
{
    if (pq->size == pq->cap && resize(pq, pq->cap * 2) != ES_OK)
        return ES_ENOMEM;
    es_pq_item it = es_heap_new_item(pq->slots, pq->free_slots, &pq->nfree, &pq->nslots,
                                     &pq->next_seq, key, tag, data, handle);
    pq->size++;
    es_heap_sift_up(pq->heap, pq->slots, pq->size - 1, it);
    return ES_OK;
}

int es_pq_replace_top(es_pq *pq, double key, uint32_t tag, uint64_t data, es_handle *handle,
                      es_pq_item *out)
{
    if (pq->size == 0)
        return ES_ENOENT;
    if (out)
        *out = pq->heap[0];
    es_pq_item it = es_heap_replacement(pq->heap, pq->slots, &pq->next_seq, key, tag, data, handle);
    es_heap_sift_down(pq->heap, pq->size, pq->slots, 0, it);
    return ES_OK;
}

static void remove_at(es_pq *pq, size_t i, es_pq_item *out)
{
    es_pq_item removed = es_heap_take(pq->heap, &pq->size, pq->slots, i);
    es_slot_free(pq->slots, pq->free_slots, &pq->nfree, removed.slot);
    if (out)
        *out = removed;
}

int es_pq_pop(es_pq *pq, es_pq_item *out)
{
    if (pq->size == 0)
        return ES_ENOENT;
    remove_at(pq, 0, out);
    return ES_OK;
}

int es_pq_is_pending(const es_pq *pq, es_handle handle)
{
    int64_t s = es_slot_of(pq->slots, pq->nslots, handle);
    return s >= 0 && pq->slots[s].pos < pq->size && pq->heap[pq->slots[s].pos].slot == s;
}

int es_pq_remove(es_pq *pq, es_handle handle, es_pq_item *out)
{
    if (!es_pq_is_pending(pq, handle))
        return ES_ENOENT;
    uint32_t slot = (uint32_t)((handle & 0xffffffffu) - 1);
    remove_at(pq, pq->slots[slot].pos, out);
    return ES_OK;
}

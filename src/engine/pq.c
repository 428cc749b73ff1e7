#include "engine/pq.h"

#include <stdlib.h>

#include "engine/error.h"

static inline int item_less(const es_pq_item *a, const es_pq_item *b)
{
    return a->key < b->key || (a->key == b->key && a->seq < b->seq);
}

static inline es_handle make_handle(uint32_t slot, uint32_t gen)
{
    return ((uint64_t)gen << 32) | ((uint64_t)slot + 1);
}

int es_pq_init(es_pq *pq, size_t capacity_hint)
{
    *pq = (es_pq){0};
    if (capacity_hint < 16)
        capacity_hint = 16;
    pq->heap = malloc(capacity_hint * sizeof *pq->heap);
    pq->slots = malloc(capacity_hint * sizeof *pq->slots);
    pq->free_slots = malloc(capacity_hint * sizeof *pq->free_slots);
    if (!pq->heap || !pq->slots || !pq->free_slots) {
        es_pq_destroy(pq);
        return ES_ENOMEM;
    }
    pq->cap = capacity_hint;
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
        uint32_t s = pq->heap[i].slot;
        pq->slots[s].gen++;
        pq->free_slots[pq->nfree++] = s;
    }
    pq->size = 0;
    pq->next_seq = 0;
}

static int grow(es_pq *pq)
{
    size_t cap = pq->cap * 2;
    es_pq_item *heap = realloc(pq->heap, cap * sizeof *heap);
    if (!heap)
        return ES_ENOMEM;
    pq->heap = heap;
    es_pq_slot *slots = realloc(pq->slots, cap * sizeof *slots);
    if (!slots)
        return ES_ENOMEM;
    pq->slots = slots;
    uint32_t *free_slots = realloc(pq->free_slots, cap * sizeof *free_slots);
    if (!free_slots)
        return ES_ENOMEM;
    pq->free_slots = free_slots;
    pq->cap = cap;
    return ES_OK;
}

static inline void place(es_pq *pq, size_t i, const es_pq_item *it)
{
    pq->heap[i] = *it;
    pq->slots[it->slot].pos = (uint32_t)i;
}

static void sift_up(es_pq *pq, size_t i, es_pq_item it)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!item_less(&it, &pq->heap[parent]))
            break;
        place(pq, i, &pq->heap[parent]);
        i = parent;
    }
    place(pq, i, &it);
}

static void sift_down(es_pq *pq, size_t i, es_pq_item it)
{
    size_t n = pq->size;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= n)
            break;
        if (child + 1 < n && item_less(&pq->heap[child + 1], &pq->heap[child]))
            child++;
        if (!item_less(&pq->heap[child], &it))
            break;
        place(pq, i, &pq->heap[child]);
        i = child;
    }
    place(pq, i, &it);
}

int es_pq_push(es_pq *pq, double key, uint32_t tag, uint64_t data, es_handle *handle)
{
    if (pq->size == pq->cap && grow(pq) != ES_OK)
        return ES_ENOMEM;
    uint32_t slot;
    if (pq->nfree) {
        slot = pq->free_slots[--pq->nfree];
    } else {
        slot = (uint32_t)pq->nslots++;
        pq->slots[slot].gen = 0; /* fresh memory: handles must not depend on its contents */
    }
    es_pq_item it = {.key = key, .seq = pq->next_seq++, .data = data, .tag = tag, .slot = slot};
    pq->size++;
    sift_up(pq, pq->size - 1, it);
    if (handle)
        *handle = make_handle(slot, pq->slots[slot].gen);
    return ES_OK;
}

int es_pq_replace_top(es_pq *pq, double key, uint32_t tag, uint64_t data, es_handle *handle,
                      es_pq_item *out)
{
    if (pq->size == 0)
        return ES_ENOENT;
    if (out)
        *out = pq->heap[0];
    /* The new item takes over the old one's slot, as a pop then a push would (the free list
     * hands back the slot just freed), with a new generation so old handles go stale. */
    uint32_t slot = pq->heap[0].slot;
    uint32_t gen = ++pq->slots[slot].gen;
    es_pq_item it = {.key = key, .seq = pq->next_seq++, .data = data, .tag = tag, .slot = slot};
    sift_down(pq, 0, it);
    if (handle)
        *handle = make_handle(slot, gen);
    return ES_OK;
}

static void remove_at(es_pq *pq, size_t i, es_pq_item *out)
{
    es_pq_item removed = pq->heap[i];
    pq->slots[removed.slot].gen++;
    pq->free_slots[pq->nfree++] = removed.slot;
    pq->size--;
    if (i < pq->size) {
        es_pq_item last = pq->heap[pq->size];
        if (i > 0 && item_less(&last, &pq->heap[(i - 1) / 2]))
            sift_up(pq, i, last);
        else
            sift_down(pq, i, last);
    }
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
    uint64_t low = handle & 0xffffffffu;
    if (low == 0 || low > pq->nslots)
        return 0;
    uint32_t slot = (uint32_t)(low - 1);
    uint32_t gen = (uint32_t)(handle >> 32);
    return pq->slots[slot].gen == gen && pq->slots[slot].pos < pq->size &&
           pq->heap[pq->slots[slot].pos].slot == slot;
}

int es_pq_remove(es_pq *pq, es_handle handle, es_pq_item *out)
{
    if (!es_pq_is_pending(pq, handle))
        return ES_ENOENT;
    uint32_t slot = (uint32_t)((handle & 0xffffffffu) - 1);
    remove_at(pq, pq->slots[slot].pos, out);
    return ES_OK;
}

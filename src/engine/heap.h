/* The binary heap under both event queues (es_pq, and the current bucket of es_calq), and the
 * slots their handles name: items in (key, sequence) order, each move writing the item's heap
 * index into its slot, so a handle finds its item.  Internal to the engine; static inline because it is on the path of every
 * event. */
#ifndef ES_ENGINE_HEAP_H
#define ES_ENGINE_HEAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "engine/alloc.h"
#include "engine/error.h"
#include "engine/pq.h"

static inline int es_heap_less(const es_pq_item *a, const es_pq_item *b)
{
    return a->key < b->key || (a->key == b->key && a->seq < b->seq);
}

/* A handle: the slot's generation above, slot + 1 below (so 0 is never a handle). */
static inline es_handle es_heap_handle(uint32_t slot, uint32_t gen)
{
    return ((uint64_t)gen << 32) | ((uint64_t)slot + 1);
}

static inline void es_heap_place(es_pq_item *heap, es_pq_slot *slots, size_t i,
                                 const es_pq_item *it)
{
    heap[i] = *it;
    slots[it->slot].pos = (uint32_t)i;
}

/* Puts `it` at index i or above, moving larger parents down. */
static inline void es_heap_sift_up(es_pq_item *heap, es_pq_slot *slots, size_t i, es_pq_item it)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!es_heap_less(&it, &heap[parent]))
            break;
        es_heap_place(heap, slots, i, &heap[parent]);
        i = parent;
    }
    es_heap_place(heap, slots, i, &it);
}

/* Puts `it` at index i or below, in a heap of n items, moving smaller children up. */
static inline void es_heap_sift_down(es_pq_item *heap, size_t n, es_pq_slot *slots, size_t i,
                                     es_pq_item it)
{
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= n)
            break;
        if (child + 1 < n && es_heap_less(&heap[child + 1], &heap[child]))
            child++;
        if (!es_heap_less(&heap[child], &it))
            break;
        es_heap_place(heap, slots, i, &heap[child]);
        i = child;
    }
    es_heap_place(heap, slots, i, &it);
}

/* Restores heap order over n items appended in any order. */
static inline void es_heap_make(es_pq_item *heap, size_t n, es_pq_slot *slots)
{
    for (size_t i = n / 2; i-- > 0;)
        es_heap_sift_down(heap, n, slots, i, heap[i]);
}

/* Takes the item at index i out of a heap of *n items (its slot is the caller's to free). */
static inline es_pq_item es_heap_take(es_pq_item *heap, size_t *n, es_pq_slot *slots, size_t i)
{
    es_pq_item removed = heap[i];
    --*n;
    if (i < *n) {
        es_pq_item last = heap[*n];
        if (i > 0 && es_heap_less(&last, &heap[(i - 1) / 2]))
            es_heap_sift_up(heap, slots, i, last);
        else
            es_heap_sift_down(heap, *n, slots, i, last);
    }
    return removed;
}

/* ---- the arrays: the heap and the slots, sized together ---- */

/* Sizes the heap, the slots and the free list for cap items; ES_ENOMEM, the arrays still
 * valid, when memory is short. */
static inline int es_heap_resize(es_pq_item **heap, es_pq_slot **slots, uint32_t **free_slots,
                                 size_t cap)
{
    if (es_resize(heap, cap, sizeof **heap) || es_resize(slots, cap, sizeof **slots) ||
        es_resize(free_slots, cap, sizeof **free_slots))
        return ES_ENOMEM;
    return ES_OK;
}

/* ---- the slots behind the handles ---- */

/* A slot for a new item: one freed before, else the next never used (whose generation starts
 * at 0: handles must not depend on what fresh memory holds). */
static inline uint32_t es_slot_take(es_pq_slot *slots, const uint32_t *free_slots, size_t *nfree,
                                    size_t *nslots)
{
    if (*nfree)
        return free_slots[--*nfree];
    uint32_t s = (uint32_t)(*nslots)++;
    slots[s].gen = 0;
    return s;
}

/* Frees slot s: a new generation, so the handles given for it go stale. */
static inline void es_slot_free(es_pq_slot *slots, uint32_t *free_slots, size_t *nfree, uint32_t s)
{
    slots[s].gen++;
    free_slots[(*nfree)++] = s;
}

/* The slot a handle names when its generation is current, else -1 (a stale or foreign
 * handle). */
static inline int64_t es_slot_of(const es_pq_slot *slots, size_t nslots, es_handle handle)
{
    uint64_t low = handle & 0xffffffffu;
    if (low == 0 || low > nslots)
        return -1;
    uint32_t s = (uint32_t)(low - 1);
    return slots[s].gen == (uint32_t)(handle >> 32) ? (int64_t)s : -1;
}

/* ---- the items pushed ---- */

/* A new item in a new slot (es_slot_take), its handle through handle (may be NULL). */
static inline es_pq_item es_heap_new_item(es_pq_slot *slots, const uint32_t *free_slots,
                                          size_t *nfree, size_t *nslots, uint64_t *next_seq,
                                          double key, uint32_t tag, uint64_t data,
                                          es_handle *handle)
{
    uint32_t s = es_slot_take(slots, free_slots, nfree, nslots);
    if (handle)
        *handle = es_heap_handle(s, slots[s].gen);
    return (es_pq_item){.key = key, .seq = (*next_seq)++, .data = data, .tag = tag, .slot = s};
}

/* The item that replaces the root: it takes over the root's slot, as a pop then a push would
 * (the free list hands back the slot just freed), with a new generation so old handles go
 * stale; its handle through handle (may be NULL). */
static inline es_pq_item es_heap_replacement(const es_pq_item *heap, es_pq_slot *slots,
                                             uint64_t *next_seq, double key, uint32_t tag,
                                             uint64_t data, es_handle *handle)
{
    uint32_t s = heap[0].slot;
    uint32_t gen = ++slots[s].gen;
    if (handle)
        *handle = es_heap_handle(s, gen);
    return (es_pq_item){.key = key, .seq = (*next_seq)++, .data = data, .tag = tag, .slot = s};
}

#endif

/* es_calq: the event calendar — a two-level calendar queue of (key, sequence) items with
 * stable handles, the same contract as es_pq (equal keys leave in insertion order, handles
 * carry a generation, removal by handle) but built so that near-term pops do not pay for
 * far-future items.
 *
 * Layout.  Keys map to virtual buckets of equal width w: v(key) = floor((key - origin) / w).
 *   - a small binary heap holds every item whose bucket is the current one (v <= cur);
 *   - a ring of B unsorted buckets (doubly linked lists through the slot array, a bitmap of
 *     non-empty ones) holds the items of the next B buckets;
 *   - an unsorted overflow list holds the rest.
 * When the heap empties, the next non-empty bucket is moved into it (one heapify); when the
 * ring is empty too, the overflow is scanned and spread over a new window.  v is monotone in
 * the key, so every item in the heap is before every item outside it and the heap's
 * (key, seq) order is the queue's order: items leave exactly as from es_pq.
 *
 * Width and ring size are adaptive, so one calendar serves essim's model (days, ~4.5k events
 * a day, far-future events months ahead) and unit-scale benchmarks alike: the width is set
 * so that about ES_CALQ_BUCKET_LOAD items pass through the heap per bucket (retuned when the
 * measured load drifts beyond 4x either way, or the heap grows past 64x it), the ring holds
 * about 4 * size / load buckets, and below ES_CALQ_HEAP_ONLY items everything stays in the
 * heap.  Every retune is an O(size) rebuild allowed only after size further operations, so
 * its cost is amortised O(1).  It never changes the order of events, only where they wait.
 * Memory only grows (to the largest size reached); a failed growth of the ring keeps the
 * old ring, which is slower but correct.
 */
#ifndef ES_CALQ_H
#define ES_CALQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/pq.h"

#define ES_CALQ_BUCKET_LOAD 16
#define ES_CALQ_HEAP_ONLY 256

typedef struct es_calq {
    es_pq_item *heap;   /* the current bucket's items, a binary heap */
    size_t heap_size;
    es_pq_item *parked; /* by slot: items waiting in the ring or the overflow */
    uint32_t *next, *prev; /* by slot: list links of parked items */
    es_pq_slot *slots; /* pos: the heap index, or where the item is parked, or free */
    uint32_t *free_slots;
    size_t nfree, nslots, cap, size;
    uint64_t next_seq;

    uint32_t *bucket_head; /* ring of nbuckets lists */
    uint64_t *bucket_bits; /* non-empty buckets */
    size_t nbuckets, bucket_cap, ring_count;
    uint32_t overflow_head;
    size_t overflow_count;

    double origin, inv_width, width;
    int64_t cur; /* the heap's bucket (INT64_MAX: heap only) */
    int64_t win; /* ring bucket i holds virtual bucket win + i */

    /* tuning: operations, pops and bucket advances since the last rebuild */
    uint64_t ops_since, pops_since, advances_since, tune_after;
    unsigned backoff; /* retunes that did not bring the load in range double tune_after */
    double last_pop_key, key_at_tune;
} es_calq;

int es_calq_init(es_calq *q, size_t capacity_hint);
void es_calq_destroy(es_calq *q);
void es_calq_reset(es_calq *q); /* empties the queue, keeps the memory */

int es_calq_push(es_calq *q, double key, uint32_t tag, uint64_t data, es_handle *handle);
int es_calq_pop(es_calq *q, es_pq_item *out);
/* es_calq_pop then es_calq_push in one step, with the same result and handles; never
 * allocates.  ES_ENOENT when empty. */
int es_calq_replace_top(es_calq *q, double key, uint32_t tag, uint64_t data, es_handle *handle,
                        es_pq_item *out);
int es_calq_remove(es_calq *q, es_handle handle, es_pq_item *out);
int es_calq_is_pending(const es_calq *q, es_handle handle);

static inline size_t es_calq_size(const es_calq *q) { return q->size; }
/* The heap is never empty while the queue is not, so the earliest item is its root. */
static inline const es_pq_item *es_calq_peek(const es_calq *q)
{
    return q->size ? &q->heap[0] : NULL;
}
static inline es_handle es_calq_top_handle(const es_calq *q)
{
    uint32_t slot = q->heap[0].slot;
    return ((uint64_t)q->slots[slot].gen << 32) | ((uint64_t)slot + 1);
}

#endif

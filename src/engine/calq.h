/* es_calq: the event calendar — a two-level calendar queue of (key, sequence) items with
 * stable handles, the same contract as es_pq (equal keys leave in insertion order, handles
 * carry a generation, removal by handle) but built so that near-term pops do not pay for
 * far-future items.
 *
 * Layout.  Keys map to virtual buckets of equal width w: v(key) = floor((key - origin) / w).
 *   - a small binary heap holds every item whose bucket is the current one (v <= cur);
 *   - a ring of B unsorted buckets (a bitmap of non-empty ones) holds the items of the next B
 *     buckets;
 *   - an unsorted overflow array holds the rest.
 * When the heap empties, the next non-empty bucket is moved into it (one heapify); when the
 * ring is empty too, one pass over the overflow spreads what falls in a new window over the
 * ring.  v is monotone in the key, so every item in the heap is before every item outside it
 * and the heap's (key, seq) order is the queue's order: items leave exactly as from es_pq.
 *
 * Memory traffic is what a pop costs once hundreds of thousands of events are pending, so:
 *   - the ring is short (about size / (ES_CALQ_RING_SHARE * load) buckets), so that its
 *     buckets are well filled and small enough to stay in cache;
 *   - far-future items are appended to the overflow (a store to a hot line) and read back by
 *     sequential passes, one per window, which the prefetcher makes cheap; an item months
 *     ahead is read a few times, never searched for;
 *   - a ring bucket stores its items by value in chunks of ES_CALQ_CHUNK_ITEMS (256 bytes),
 *     chained, only the first partly filled; a bucket's head word says both its first chunk
 *     and how full it is, so parking an item reads one dense array and only writes elsewhere,
 *     and moving a bucket into the heap reads its chunks in order;
 *   - a removal fills its hole with the last item (of the overflow, or of the bucket's first
 *     chunk), so every move of an item is O(1).
 *
 * Width and ring size are adaptive, so one calendar serves essim's model (days, ~4.5k events
 * a day, far-future events months ahead) and unit-scale benchmarks alike: the width is set
 * so that about ES_CALQ_BUCKET_LOAD items pass through the heap per bucket (retuned when the
 * measured load drifts beyond 4x either way, or the heap grows past 64x it), and below
 * ES_CALQ_HEAP_ONLY items everything stays in the heap.  Every retune is an O(size) rebuild
 * allowed only after size further operations, so its cost is amortised O(1).  It never
 * changes the order of events, only where they wait.  Memory only grows (to the largest size
 * reached), and the chunks are reserved with the items, so only a push can fail for memory; a
 * failed growth of the ring keeps the old ring, which is slower but correct.
 */
#ifndef ES_CALQ_H
#define ES_CALQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/pq.h"

#define ES_CALQ_BUCKET_LOAD 16
#define ES_CALQ_RING_SHARE 4
#define ES_CALQ_HEAP_ONLY 256
#define ES_CALQ_CHUNK_ITEMS 7

/* A piece of a ring bucket's chain: a 32-byte header and 7 items, 256 bytes, kept on 64-byte
 * boundaries so that no item straddles two cache lines. */
typedef struct es_calq_chunk {
    uint32_t next;   /* the next chunk of the chain (full), or of the free list */
    uint32_t bucket; /* the ring bucket whose chain it is in */
    uint32_t unused[6];
    es_pq_item item[ES_CALQ_CHUNK_ITEMS];
} es_calq_chunk;

typedef struct es_calq {
    es_pq_item *heap; /* the current bucket's items, a binary heap */
    size_t heap_size;
    es_pq_slot *slots; /* pos: the heap index, or where in the overflow or the ring the item is */
    /* Not beside `size`: a push bumps both, and the compiler would bump them as one 16-byte
     * load and store, which waits on the pop's 8-byte store to `size` (a store-forwarding
     * stall that cost small calendars ~10 % against es_pq). */
    uint64_t next_seq;
    uint32_t *free_slots;
    size_t nfree, nslots, cap, size;

    es_calq_chunk *chunks; /* 64-byte aligned, inside chunk_block */
    void *chunk_block;
    size_t chunk_cap, chunks_used; /* reserved; ever handed out (the rest never touched) */
    uint32_t free_chunk;

    /* A bucket's head word: its first chunk << 3 | the items in that chunk (1 .. 7), or
     * UINT32_MAX when empty. */
    uint32_t *bucket_head; /* ring of nbuckets chains of chunks */
    uint64_t *bucket_bits; /* non-empty buckets */
    size_t nbuckets, bucket_cap, ring_count;

    es_pq_item *overflow; /* the items beyond the ring, unsorted */
    size_t overflow_count;
    double overflow_min; /* at most the earliest key in the overflow */

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

#include "engine/calq.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/error.h"
#include "engine/heap.h"

/* Where an item is (its slot's pos): a heap index below LOC_OVERFLOW, LOC_OVERFLOW | its index
 * in the overflow, LOC_RING | chunk << 3 | its place in the chunk, or LOC_FREE. */
#define LOC_OVERFLOW 0x40000000u
#define LOC_RING 0x80000000u
#define LOC_FREE UINT32_MAX
#define NIL UINT32_MAX
#define MAX_CHUNKS (((size_t)1 << 28) - 1) /* so that a ring location is never LOC_FREE */
#define CHUNK_ITEMS ES_CALQ_CHUNK_ITEMS
#define MIN_BUCKETS 256 /* below this many the ring is cheap whatever its fill */
#define LOAD ES_CALQ_BUCKET_LOAD
#define HEAP_LIMIT (64 * LOAD) /* a heap this big means the buckets are too wide */
#define MAX_BACKOFF 8

_Static_assert(sizeof(es_calq_chunk) == 256, "a chunk is four cache lines");
_Static_assert(CHUNK_ITEMS < 8, "a chunk's places fit in the 3 low bits of a location");

/* The virtual bucket of a key: monotone in the key (a subtraction and a multiplication by a
 * positive constant, each rounded to nearest, then a floor), which is all the order needs.
 * Keys before the origin (and NaN) land in the heap. */
static inline int64_t bucket_of(const es_calq *q, double key)
{
    double d = (key - q->origin) * q->inv_width;
    if (!(d >= 0.0))
        return -1;
    if (d >= 4.0e18)
        return INT64_C(4000000000000000000);
    return (int64_t)d;
}

static inline bool heap_only(const es_calq *q) { return q->cur == INT64_MAX; }

/* ---- the heap of the current bucket ---- */

static inline void heap_append(es_calq *q, const es_pq_item *it)
{
    es_heap_place(q->heap, q->slots, q->heap_size++, it);
}

static inline void heapify(es_calq *q)
{
    es_heap_make(q->heap, q->heap_size, q->slots);
}

/* Takes the item at heap index i out of the heap (its slot stays taken). */
static inline es_pq_item heap_take(es_calq *q, size_t i)
{
    return es_heap_take(q->heap, &q->heap_size, q->slots, i);
}

/* ---- the overflow: an unsorted array ---- */

static inline void overflow_put(es_calq *q, size_t i, const es_pq_item *it)
{
    q->overflow[i] = *it;
    q->slots[it->slot].pos = LOC_OVERFLOW | (uint32_t)i;
}

static inline void overflow_append(es_calq *q, const es_pq_item *it)
{
    overflow_put(q, q->overflow_count++, it);
    if (it->key < q->overflow_min)
        q->overflow_min = it->key;
}

/* Takes the item at overflow index i out (the last one fills the hole; overflow_min stays a
 * lower bound). */
static inline void overflow_take(es_calq *q, size_t i)
{
    if (i < --q->overflow_count)
        overflow_put(q, i, &q->overflow[q->overflow_count]);
}

/* ---- the ring's chunks ---- */

/* Chunks for `buckets` ring buckets holding at most `cap` items: in every chain only the first
 * chunk may be partly filled and none is empty, so cap / CHUNK_ITEMS plus one per chain (and
 * one for the rounding) always do. */
static size_t chunks_needed(size_t cap, size_t buckets)
{
    return cap / CHUNK_ITEMS + buckets + 1;
}

/* Grows the reserve of chunks to `want`, keeping them on 64-byte boundaries inside a block
 * from es_resize; chunks never handed out are never written, so they cost address space,
 * not memory. */
static int reserve_chunks(es_calq *q, size_t want)
{
    if (want <= q->chunk_cap)
        return ES_OK;
    if (want > MAX_CHUNKS)
        return ES_ENOMEM;
    size_t old_offset = q->chunk_block ? (size_t)((char *)q->chunks - (char *)q->chunk_block) : 0;
    void *block = q->chunk_block;
    if (es_resize(&block, want * sizeof(es_calq_chunk) + 64, 1))
        return ES_ENOMEM;
    size_t offset = (64 - (uintptr_t)block % 64) % 64;
    if (offset != old_offset)
        memmove((char *)block + offset, (char *)block + old_offset,
                q->chunks_used * sizeof(es_calq_chunk));
    q->chunk_block = block;
    q->chunks = (es_calq_chunk *)(void *)((char *)block + offset);
    q->chunk_cap = want;
    return ES_OK;
}

/* A chunk: the last one freed (likely still in cache), else one never used.  The reserve
 * always suffices (chunks_needed). */
static inline uint32_t take_chunk(es_calq *q)
{
    uint32_t c = q->free_chunk;
    if (c != NIL) {
        q->free_chunk = q->chunks[c].next;
        return c;
    }
    return (uint32_t)q->chunks_used++;
}

static inline void give_chunk(es_calq *q, uint32_t c)
{
    q->chunks[c].next = q->free_chunk;
    q->free_chunk = c;
}

static inline void clear_bucket_bit(es_calq *q, size_t b)
{
    q->bucket_bits[b >> 6] &= ~(UINT64_C(1) << (b & 63));
}

/* Adds a copy of *it to ring bucket b.  Reads only the dense array of head words: the item
 * and, for a new chunk, its header are stores. */
static inline void ring_push(es_calq *q, size_t b, const es_pq_item *it)
{
    uint32_t h = q->bucket_head[b], loc;
    if (h == NIL || (h & 7) == CHUNK_ITEMS) {
        uint32_t fresh = take_chunk(q);
        q->chunks[fresh].next = h == NIL ? NIL : h >> 3;
        q->chunks[fresh].bucket = (uint32_t)b;
        loc = fresh << 3;
    } else {
        loc = h;
    }
    q->bucket_head[b] = loc + 1;
    q->bucket_bits[b >> 6] |= UINT64_C(1) << (b & 63);
    q->ring_count++;
    q->chunks[loc >> 3].item[loc & 7] = *it;
    q->slots[it->slot].pos = LOC_RING | loc;
}

/* Takes the item at ring location `loc` (chunk << 3 | place) out of its bucket: the last item
 * of the chain's first chunk fills the hole. */
static void ring_take(es_calq *q, uint32_t loc)
{
    uint32_t b = q->chunks[loc >> 3].bucket;
    uint32_t last = q->bucket_head[b] - 1; /* the place of the first chunk's last item */
    if (last != loc) {
        es_pq_item *hole = &q->chunks[loc >> 3].item[loc & 7];
        *hole = q->chunks[last >> 3].item[last & 7];
        q->slots[hole->slot].pos = LOC_RING | loc;
    }
    if ((last & 7) == 0) {
        uint32_t next = q->chunks[last >> 3].next;
        give_chunk(q, last >> 3);
        q->bucket_head[b] = next == NIL ? NIL : next << 3 | CHUNK_ITEMS;
        if (next == NIL)
            clear_bucket_bit(q, b);
    } else {
        q->bucket_head[b] = last;
    }
    q->ring_count--;
}

/* Moves every item of ring bucket b to the heap array (not heapified) or, when to_heap is
 * false, to the overflow, and empties the bucket. */
static inline void ring_drain(es_calq *q, size_t b, bool to_heap)
{
    uint32_t h = q->bucket_head[b], n = h & 7;
    for (uint32_t c = h == NIL ? NIL : h >> 3, next; c != NIL; c = next, n = CHUNK_ITEMS) {
        es_calq_chunk *ch = &q->chunks[c];
        next = ch->next;
        if (next != NIL)
            __builtin_prefetch(&q->chunks[next]);
        for (uint32_t k = 0; k < n; k++) {
            if (to_heap)
                heap_append(q, &ch->item[k]);
            else
                overflow_append(q, &ch->item[k]);
        }
        q->ring_count -= n;
        give_chunk(q, c);
    }
    q->bucket_head[b] = NIL;
    clear_bucket_bit(q, b);
}

/* Parks a copy of *it in its bucket of the ring, or in the overflow beyond it. */
static inline void park(es_calq *q, const es_pq_item *it, int64_t v)
{
    if (v < q->win + (int64_t)q->nbuckets)
        ring_push(q, (size_t)(v - q->win), it);
    else
        overflow_append(q, it);
}

/* The first non-empty bucket at or after `from` (one exists). */
static size_t next_bucket(const es_calq *q, size_t from)
{
    size_t i = from >> 6;
    uint64_t word = q->bucket_bits[i] & (~UINT64_C(0) << (from & 63));
    while (!word)
        word = q->bucket_bits[++i];
    return (i << 6) + (size_t)__builtin_ctzll(word);
}

/* ---- window turns and rebuilds ---- */

static void reset_tuning(es_calq *q, double key_now)
{
    q->ops_since = q->pops_since = q->advances_since = 0;
    q->key_at_tune = key_now;
}

static uint64_t tune_interval(const es_calq *q, unsigned backoff)
{
    uint64_t base = q->size > ES_CALQ_HEAP_ONLY ? (uint64_t)q->size : ES_CALQ_HEAP_ONLY;
    return base << backoff;
}

/* Grows the ring towards `want` buckets (a power of two), with the chunks its chains may
 * need; keeps the old ring when memory is short, which costs speed, never correctness. */
static void reserve_buckets(es_calq *q, size_t want)
{
    if (want <= q->bucket_cap || want >= MAX_CHUNKS ||
        reserve_chunks(q, chunks_needed(q->cap, want)) != ES_OK)
        return;
    if (es_resize(&q->bucket_head, want, sizeof *q->bucket_head) ||
        es_resize(&q->bucket_bits, want / 64, sizeof *q->bucket_bits))
        return;
    for (size_t b = q->bucket_cap; b < want; b++)
        q->bucket_head[b] = NIL;
    for (size_t w = q->bucket_cap / 64; w < want / 64; w++)
        q->bucket_bits[w] = 0;
    q->bucket_cap = want;
}

/* Opens a window whose first bucket, the heap's, starts at `origin`, with a ring of about
 * size / (LOAD * ES_CALQ_RING_SHARE) buckets. */
static void open_window(es_calq *q, double origin)
{
    q->origin = origin;
    q->cur = 0;
    q->win = 1;
    size_t want = MIN_BUCKETS;
    while (want * ES_CALQ_RING_SHARE * LOAD < q->size)
        want *= 2;
    reserve_buckets(q, want);
    q->nbuckets = want < q->bucket_cap ? want : q->bucket_cap;
}

/* The heap and the ring are empty: spreads the overflow over a new window that starts at its
 * earliest key (overflow_min, a lower bound; when a removal made it stale enough that
 * nothing falls in the window, the pass has found the true one and is made again).  Items
 * that leave the overflow are replaced by its last, so the pass reads it in order and moves
 * only what leaves. */
static void turn(es_calq *q)
{
    do {
        open_window(q, q->overflow_min);
        int64_t end = q->win + (int64_t)q->nbuckets;
        double min = INFINITY;
        for (size_t i = 0; i < q->overflow_count;) {
            es_pq_item it = q->overflow[i];
            int64_t v = bucket_of(q, it.key);
            if (v >= end) {
                min = it.key < min ? it.key : min;
                i++;
                continue;
            }
            overflow_take(q, i);
            if (v <= q->cur)
                heap_append(q, &it);
            else
                ring_push(q, (size_t)(v - q->win), &it);
        }
        q->overflow_min = min;
    } while (q->heap_size == 0 && q->ring_count == 0);
    heapify(q);
}

/* Moves every item of the heap and the ring to the overflow, and makes overflow_min exact. */
static void gather(es_calq *q)
{
    for (size_t i = 0; i < q->heap_size; i++)
        overflow_append(q, &q->heap[i]);
    q->heap_size = 0;
    for (size_t w = 0; w < q->nbuckets / 64 && q->ring_count; w++)
        while (q->bucket_bits[w])
            ring_drain(q, (w << 6) + (size_t)__builtin_ctzll(q->bucket_bits[w]), false);
    q->overflow_min = INFINITY;
    for (size_t i = 0; i < q->overflow_count; i++)
        if (q->overflow[i].key < q->overflow_min)
            q->overflow_min = q->overflow[i].key;
}

/* A width that puts about LOAD pops in each bucket: from the pop rate since the last rebuild
 * when there is one, else from the spread of the pending keys (all in the overflow). */
static double estimated_width(const es_calq *q)
{
    if (q->pops_since >= 64 && q->last_pop_key > q->key_at_tune) {
        double w = LOAD * (q->last_pop_key - q->key_at_tune) / (double)q->pops_since;
        if (w > 1e-300 && w < 1e300)
            return w;
    }
    double max = -INFINITY;
    for (size_t i = 0; i < q->overflow_count; i++)
        if (q->overflow[i].key > max)
            max = q->overflow[i].key;
    double w = LOAD * (max - q->overflow_min) / (double)q->size;
    return w > 1e-300 && w < 1e300 ? w : 1.0;
}

/* Lays the calendar out again with bucket width `width` (0: heap only; negative: estimate
 * it): every item goes to the overflow, then to the heap (heap only) or over a new window.
 * The overflow is the scratch space because it is touched anyway; the heap array stays as
 * small in memory as the heap.  O(size); callers make it rare. */
static void rebuild(es_calq *q, double width)
{
    gather(q);
    if (width < 0)
        width = estimated_width(q);
    if (width == 0) {
        q->cur = INT64_MAX;
        q->inv_width = 0.0;
        for (size_t i = 0; i < q->overflow_count; i++)
            heap_append(q, &q->overflow[i]);
        q->overflow_count = 0;
        q->overflow_min = INFINITY;
        heapify(q);
    } else {
        q->width = width;
        q->inv_width = 1.0 / width;
        turn(q);
    }
    reset_tuning(q, q->heap[0].key);
    q->tune_after = tune_interval(q, q->backoff);
}

/* The heap has just emptied: bring in the next bucket, first retuning the width when the
 * measured load per bucket has drifted. */
static void refill(es_calq *q)
{
    q->advances_since++;
    if (q->size < ES_CALQ_HEAP_ONLY / 4) { /* cheap: a few items and a ring sized for them */
        rebuild(q, 0.0);
        return;
    }
    if (q->ops_since >= q->tune_after) {
        double load = (double)q->pops_since / (double)q->advances_since;
        if (load > 4 * LOAD || load < LOAD / 4.0) {
            if (q->backoff < MAX_BACKOFF)
                q->backoff++;
            rebuild(q, q->width * LOAD / (load > 0 ? load : 1.0));
            return;
        }
        reset_tuning(q, q->last_pop_key);
        q->backoff = 0;
        q->tune_after = tune_interval(q, 0);
    }
    if (q->ring_count == 0)
        turn(q);
    if (q->heap_size == 0) {
        size_t b = next_bucket(q, (size_t)(q->cur + 1 - q->win));
        q->cur = q->win + (int64_t)b;
        ring_drain(q, b, true);
        heapify(q);
    }
}

/* ---- lifecycle ---- */

/* Sizes the arrays kept by item (the heap, the overflow and the slots' arrays) for cap items,
 * and the reserve of chunks with them. */
static int resize(es_calq *q, size_t cap)
{
    if (cap >= LOC_OVERFLOW)
        return ES_ENOMEM;
    if (es_heap_resize(&q->heap, &q->slots, &q->free_slots, cap) ||
        es_resize(&q->overflow, cap, sizeof *q->overflow) ||
        reserve_chunks(q, chunks_needed(cap, q->bucket_cap)))
        return ES_ENOMEM;
    q->cap = cap;
    return ES_OK;
}

int es_calq_init(es_calq *q, size_t capacity_hint)
{
    *q = (es_calq){0};
    if (es_resize(&q->bucket_head, MIN_BUCKETS, sizeof *q->bucket_head) ||
        es_resize(&q->bucket_bits, MIN_BUCKETS / 64, sizeof *q->bucket_bits)) {
        es_calq_destroy(q);
        return ES_ENOMEM;
    }
    q->bucket_cap = MIN_BUCKETS;
    if (resize(q, capacity_hint < 16 ? 16 : capacity_hint)) {
        es_calq_destroy(q);
        return ES_ENOMEM;
    }
    es_calq_reset(q); /* empties the buckets too */
    return ES_OK;
}

void es_calq_destroy(es_calq *q)
{
    ES_FREE_ALL(q->heap, q->overflow, q->slots, q->free_slots, q->chunk_block, q->bucket_head,
                q->bucket_bits);
    *q = (es_calq){0};
}

void es_calq_reset(es_calq *q)
{
    for (size_t s = q->nslots; s-- > 0;)
        if (q->slots[s].pos != LOC_FREE) {
            es_slot_free(q->slots, q->free_slots, &q->nfree, (uint32_t)s);
            q->slots[s].pos = LOC_FREE;
        }
    for (size_t b = 0; b < q->bucket_cap; b++)
        q->bucket_head[b] = NIL;
    for (size_t w = 0; w < q->bucket_cap / 64; w++)
        q->bucket_bits[w] = 0;
    q->chunks_used = 0;
    q->free_chunk = NIL;
    q->heap_size = q->size = q->ring_count = q->overflow_count = 0;
    q->overflow_min = INFINITY;
    q->next_seq = 0;
    q->nbuckets = 0;
    q->origin = q->inv_width = q->width = 0.0;
    q->cur = INT64_MAX;
    q->win = 0;
    q->backoff = 0;
    q->last_pop_key = NAN;
    reset_tuning(q, NAN);
    q->tune_after = ES_CALQ_HEAP_ONLY;
}

/* ---- operations ---- */

static inline void free_slot(es_calq *q, uint32_t s)
{
    es_slot_free(q->slots, q->free_slots, &q->nfree, s);
    q->slots[s].pos = LOC_FREE;
    q->size--;
}

static inline void note_pop(es_calq *q, double key)
{
    q->pops_since++;
    q->ops_since++;
    q->last_pop_key = key;
}

int es_calq_push(es_calq *q, double key, uint32_t tag, uint64_t data, es_handle *handle)
{
    if (q->size == q->cap && resize(q, q->cap * 2) != ES_OK)
        return ES_ENOMEM;
    es_pq_item it = es_heap_new_item(q->slots, q->free_slots, &q->nfree, &q->nslots, &q->next_seq,
                                     key, tag, data, handle);
    q->size++;
    if (heap_only(q)) {
        /* Small queues are a plain heap, with no tuning to pay for. */
        q->heap_size++;
        es_heap_sift_up(q->heap, q->slots, q->heap_size - 1, it);
        if (q->heap_size > ES_CALQ_HEAP_ONLY)
            rebuild(q, -1.0);
        return ES_OK;
    }
    q->ops_since++;
    int64_t v = bucket_of(q, key);
    if (v <= q->cur) {
        q->heap_size++;
        es_heap_sift_up(q->heap, q->slots, q->heap_size - 1, it);
        if (q->heap_size > HEAP_LIMIT && q->ops_since >= q->tune_after)
            rebuild(q, -1.0);
    } else {
        park(q, &it, v);
    }
    return ES_OK;
}

int es_calq_pop(es_calq *q, es_pq_item *out)
{
    if (q->size == 0)
        return ES_ENOENT;
    es_pq_item top = heap_take(q, 0);
    free_slot(q, top.slot);
    if (!heap_only(q)) {
        note_pop(q, top.key);
        if (q->heap_size == 0 && q->size)
            refill(q);
    }
    if (out)
        *out = top;
    return ES_OK;
}

int es_calq_replace_top(es_calq *q, double key, uint32_t tag, uint64_t data, es_handle *handle,
                        es_pq_item *out)
{
    if (q->size == 0)
        return ES_ENOENT;
    es_pq_item top = q->heap[0];
    es_pq_item it = es_heap_replacement(q->heap, q->slots, &q->next_seq, key, tag, data, handle);
    if (heap_only(q)) {
        es_heap_sift_down(q->heap, q->heap_size, q->slots, 0, it);
    } else {
        note_pop(q, top.key);
        q->ops_since++;
        int64_t v = bucket_of(q, key);
        if (v <= q->cur) {
            es_heap_sift_down(q->heap, q->heap_size, q->slots, 0, it);
        } else {
            heap_take(q, 0);
            park(q, &it, v);
            if (q->heap_size == 0)
                refill(q);
        }
    }
    if (out)
        *out = top;
    return ES_OK;
}

int es_calq_is_pending(const es_calq *q, es_handle handle)
{
    int64_t s = es_slot_of(q->slots, q->nslots, handle);
    return s >= 0 && q->slots[s].pos != LOC_FREE;
}

int es_calq_remove(es_calq *q, es_handle handle, es_pq_item *out)
{
    if (!es_calq_is_pending(q, handle))
        return ES_ENOENT;
    uint32_t s = (uint32_t)((handle & 0xffffffffu) - 1);
    uint32_t loc = q->slots[s].pos;
    /* A parked item is read only when asked for: its hole is then only written. */
    if (loc < LOC_OVERFLOW) {
        es_pq_item it = heap_take(q, loc);
        if (out)
            *out = it;
    } else if (loc < LOC_RING) {
        if (out)
            *out = q->overflow[loc & ~LOC_OVERFLOW];
        overflow_take(q, loc & ~LOC_OVERFLOW);
    } else {
        if (out)
            *out = q->chunks[(loc & ~LOC_RING) >> 3].item[loc & 7];
        ring_take(q, loc & ~LOC_RING);
    }
    free_slot(q, s);
    if (!heap_only(q)) {
        q->ops_since++;
        if (q->heap_size == 0 && q->size)
            refill(q);
    }
    return ES_OK;
}

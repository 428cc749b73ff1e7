#include "engine/calq.h"

#include <math.h>
#include <stdlib.h>

#include "engine/alloc.h"
#include "engine/error.h"
#include "engine/heap.h"

#define NIL UINT32_MAX
#define LOC_FREE UINT32_MAX
#define LOC_OVERFLOW (UINT32_MAX - 1)
#define LOC_BUCKET 0x80000000u /* | bucket index; heap indices stay below it */
#define MIN_BUCKETS 64
#define LOAD ES_CALQ_BUCKET_LOAD
#define HEAP_LIMIT (64 * LOAD) /* a heap this big means the buckets are too wide */
#define MAX_BACKOFF 8

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

/* ---- the ring and the overflow: lists through the slot arrays ---- */

static inline void list_link(es_calq *q, uint32_t *head, uint32_t s)
{
    q->prev[s] = NIL;
    q->next[s] = *head;
    if (*head != NIL)
        q->prev[*head] = s;
    *head = s;
}

static inline void list_unlink(es_calq *q, uint32_t *head, uint32_t s)
{
    uint32_t n = q->next[s], p = q->prev[s];
    if (p != NIL)
        q->next[p] = n;
    else
        *head = n;
    if (n != NIL)
        q->prev[n] = p;
}

static inline void to_overflow(es_calq *q, uint32_t s)
{
    list_link(q, &q->overflow_head, s);
    q->slots[s].pos = LOC_OVERFLOW;
    q->overflow_count++;
}

/* Parks the item in parked[s] in its bucket of the ring, or in the overflow beyond it. */
static inline void park(es_calq *q, uint32_t s, int64_t v)
{
    if (v < q->win + (int64_t)q->nbuckets) {
        size_t b = (size_t)(v - q->win);
        list_link(q, &q->bucket_head[b], s);
        q->bucket_bits[b >> 6] |= UINT64_C(1) << (b & 63);
        q->slots[s].pos = LOC_BUCKET | (uint32_t)b;
        q->ring_count++;
    } else {
        to_overflow(q, s);
    }
}

static void unpark(es_calq *q, uint32_t s)
{
    uint32_t loc = q->slots[s].pos;
    if (loc == LOC_OVERFLOW) {
        list_unlink(q, &q->overflow_head, s);
        q->overflow_count--;
        return;
    }
    size_t b = loc & ~LOC_BUCKET;
    list_unlink(q, &q->bucket_head[b], s);
    if (q->bucket_head[b] == NIL)
        q->bucket_bits[b >> 6] &= ~(UINT64_C(1) << (b & 63));
    q->ring_count--;
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

/* Moves bucket b into the (empty) heap. */
static void dump(es_calq *q, size_t b)
{
    for (uint32_t s = q->bucket_head[b]; s != NIL; s = q->next[s]) {
        heap_append(q, &q->parked[s]);
        q->ring_count--;
    }
    q->bucket_head[b] = NIL;
    q->bucket_bits[b >> 6] &= ~(UINT64_C(1) << (b & 63));
    heapify(q);
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

/* Grows the ring towards `want` buckets (a power of two); keeps the old ring when memory is
 * short, which costs speed, never correctness. */
static void reserve_buckets(es_calq *q, size_t want)
{
    if (want <= q->bucket_cap || want >= LOC_BUCKET / 2)
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

/* Spreads the overflow, which holds every item (heap and ring are empty), over a new window
 * that starts at the earliest key. */
static void turn(es_calq *q)
{
    if (heap_only(q)) {
        for (uint32_t s = q->overflow_head; s != NIL; s = q->next[s])
            heap_append(q, &q->parked[s]);
        q->overflow_head = NIL;
        q->overflow_count = 0;
        heapify(q);
        return;
    }
    double min = INFINITY;
    for (uint32_t s = q->overflow_head; s != NIL; s = q->next[s])
        if (q->parked[s].key < min)
            min = q->parked[s].key;
    q->origin = min;
    q->cur = 0;
    q->win = 1;
    size_t want = MIN_BUCKETS;
    while (want < 4 * q->size / LOAD)
        want *= 2;
    reserve_buckets(q, want);
    q->nbuckets = want < q->bucket_cap ? want : q->bucket_cap;
    for (uint32_t s = q->overflow_head, next; s != NIL; s = next) {
        next = q->next[s];
        int64_t v = bucket_of(q, q->parked[s].key);
        if (v <= q->cur) {
            list_unlink(q, &q->overflow_head, s);
            q->overflow_count--;
            heap_append(q, &q->parked[s]);
        } else if (v < q->win + (int64_t)q->nbuckets) {
            list_unlink(q, &q->overflow_head, s);
            q->overflow_count--;
            park(q, s, v);
        }
    }
    heapify(q);
}

/* A width that puts about LOAD pops in each bucket: from the pop rate since the last rebuild
 * when there is one, else from the spread of the pending keys. */
static double estimated_width(const es_calq *q)
{
    if (q->pops_since >= 64 && q->last_pop_key > q->key_at_tune) {
        double w = LOAD * (q->last_pop_key - q->key_at_tune) / (double)q->pops_since;
        if (w > 1e-300 && w < 1e300)
            return w;
    }
    double min = INFINITY, max = -INFINITY;
    for (uint32_t s = q->overflow_head; s != NIL; s = q->next[s]) {
        double k = q->parked[s].key;
        if (k < min)
            min = k;
        if (k > max)
            max = k;
    }
    double w = LOAD * (max - min) / (double)q->size;
    return w > 1e-300 && w < 1e300 ? w : 1.0;
}

/* Moves every item into the overflow and lays the calendar out again with bucket width
 * `width` (0: heap only; negative: estimate it).  O(size); callers make it rare. */
static void rebuild(es_calq *q, double width)
{
    for (size_t i = 0; i < q->heap_size; i++) {
        uint32_t s = q->heap[i].slot;
        q->parked[s] = q->heap[i];
        to_overflow(q, s);
    }
    q->heap_size = 0;
    for (size_t w = 0; w < q->nbuckets / 64 && q->ring_count; w++) {
        while (q->bucket_bits[w]) {
            size_t b = (w << 6) + (size_t)__builtin_ctzll(q->bucket_bits[w]);
            for (uint32_t s = q->bucket_head[b], next; s != NIL; s = next) {
                next = q->next[s];
                to_overflow(q, s);
                q->ring_count--;
            }
            q->bucket_head[b] = NIL;
            q->bucket_bits[w] &= q->bucket_bits[w] - 1;
        }
    }
    if (width < 0)
        width = estimated_width(q);
    if (width == 0) {
        q->cur = INT64_MAX;
        q->inv_width = 0.0;
    } else {
        q->width = width;
        q->inv_width = 1.0 / width;
        q->cur = INT64_MAX - 1; /* not heap-only; turn() sets the real window */
    }
    turn(q);
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
    if (q->ring_count == 0) {
        turn(q);
        return;
    }
    size_t b = next_bucket(q, (size_t)(q->cur + 1 - q->win));
    q->cur = q->win + (int64_t)b;
    dump(q, b);
}

/* ---- lifecycle ---- */

/* Sizes the arrays kept by item (the heap and the slots' arrays) for cap items. */
static int resize(es_calq *q, size_t cap)
{
    if (cap >= LOC_BUCKET)
        return ES_ENOMEM;
    if (es_heap_resize(&q->heap, &q->slots, &q->free_slots, cap) ||
        es_resize(&q->parked, cap, sizeof *q->parked) ||
        es_resize(&q->next, cap, sizeof *q->next) || es_resize(&q->prev, cap, sizeof *q->prev))
        return ES_ENOMEM;
    q->cap = cap;
    return ES_OK;
}


int es_calq_init(es_calq *q, size_t capacity_hint)
{
    *q = (es_calq){0};
    if (resize(q, capacity_hint < 16 ? 16 : capacity_hint) ||
        es_resize(&q->bucket_head, MIN_BUCKETS, sizeof *q->bucket_head) ||
        es_resize(&q->bucket_bits, MIN_BUCKETS / 64, sizeof *q->bucket_bits)) {
        es_calq_destroy(q);
        return ES_ENOMEM;
    }
    q->bucket_cap = MIN_BUCKETS;
    es_calq_reset(q); /* empties the buckets too */
    return ES_OK;
}

void es_calq_destroy(es_calq *q)
{
    ES_FREE_ALL(q->heap, q->parked, q->next, q->prev, q->slots, q->free_slots, q->bucket_head,
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
    q->heap_size = q->size = q->ring_count = q->overflow_count = 0;
    q->overflow_head = NIL;
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
    uint32_t s = it.slot;
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
        q->parked[s] = it;
        park(q, s, v);
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
    uint32_t s = it.slot;
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
            q->parked[s] = it;
            park(q, s, v);
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
    es_pq_item it;
    if (loc < LOC_BUCKET) {
        it = heap_take(q, loc);
    } else {
        it = q->parked[s];
        unpark(q, s);
    }
    free_slot(q, s);
    if (!heap_only(q)) {
        q->ops_since++;
        if (q->heap_size == 0 && q->size)
            refill(q);
    }
    if (out)
        *out = it;
    return ES_OK;
}

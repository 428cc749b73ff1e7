/* es_pq: an array-backed binary heap of (key, sequence) items with stable handles.
 *
 * Equal keys leave in insertion order (the sequence number breaks ties), and any pending
 * item can be removed through the handle it was given.  Handles carry a generation, so a
 * handle to an item that has already left is recognised and refused.  The heap never
 * allocates once it has grown to the largest size it reaches.
 */
#ifndef ES_PQ_H
#define ES_PQ_H

#include <stddef.h>
#include <stdint.h>

typedef uint64_t es_handle; /* 0 is never a valid handle */

typedef struct es_pq_item {
    double key;
    uint64_t seq;
    uint64_t data;
    uint32_t tag;
    uint32_t slot;
} es_pq_item;

typedef struct es_pq_slot {
    uint32_t pos;  /* index in the heap while pending (es_calq: or where the item is parked) */
    uint32_t gen;  /* bumped each time the slot is freed */
} es_pq_slot;

typedef struct es_pq {
    es_pq_item *heap;
    size_t size, cap;
    es_pq_slot *slots;
    uint32_t *free_slots;
    size_t nfree, nslots;
    uint64_t next_seq;
} es_pq;

int es_pq_init(es_pq *pq, size_t capacity_hint);
void es_pq_destroy(es_pq *pq);
void es_pq_reset(es_pq *pq); /* empties the queue, keeps the memory */

/* Inserts an item; writes its handle through `handle` (may be NULL).  ES_ENOMEM on failure. */
int es_pq_push(es_pq *pq, double key, uint32_t tag, uint64_t data, es_handle *handle);
/* Removes the smallest item into `out`; returns 0, or ES_ENOENT when empty. */
int es_pq_pop(es_pq *pq, es_pq_item *out);
/* Removes the smallest item into `out` (may be NULL) and inserts a new one: the same result
 * and handles as es_pq_pop then es_pq_push, in one sift-down instead of two sifts, and it
 * never allocates.  ES_ENOENT when empty. */
int es_pq_replace_top(es_pq *pq, double key, uint32_t tag, uint64_t data, es_handle *handle,
                      es_pq_item *out);
/* Removes a pending item; ES_ENOENT when the handle is stale. */
int es_pq_remove(es_pq *pq, es_handle handle, es_pq_item *out);
int es_pq_is_pending(const es_pq *pq, es_handle handle);

static inline size_t es_pq_size(const es_pq *pq) { return pq->size; }
static inline const es_pq_item *es_pq_peek(const es_pq *pq) { return pq->size ? &pq->heap[0] : NULL; }

#endif

/* es_pq: key order, FIFO ties, removal by handle, stale handles, growth and reset.  The
 * randomised test drives the heap and a brute-force reference side by side and checks the
 * heap invariants after every operation.  The calendar (es_calq) is driven side by side with
 * the heap, which is its reference: the same items in the same order with the same handles. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/error.h"
#include "engine/calq.h"
#include "engine/pq.h"

/* The test's own generator (SplitMix64), so the random test does not lean on the code under
 * test for its inputs. */
static uint64_t test_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint32_t handle_slot_bits(es_handle h) { return (uint32_t)(h & 0xffffffffu); }

static int item_before(const es_pq_item *a, const es_pq_item *b)
{
    return a->key < b->key || (a->key == b->key && a->seq < b->seq);
}

/* Heap order, slot back-pointers and the slot accounting hold. */
static void assert_heap_valid(const es_pq *pq)
{
    assert_true(pq->size <= pq->cap);
    assert_true(pq->nslots <= pq->cap);
    assert_int_equal(pq->size + pq->nfree, pq->nslots);
    for (size_t i = 0; i < pq->size; i++) {
        const es_pq_item *it = &pq->heap[i];
        assert_true(it->slot < pq->nslots);
        assert_int_equal(pq->slots[it->slot].pos, i);
        if (i > 0)
            assert_false(item_before(it, &pq->heap[(i - 1) / 2]));
    }
}

static void pops_in_key_order(void **state)
{
    (void)state;
    es_pq pq;
    assert_int_equal(es_pq_init(&pq, 0), ES_OK);
    const double keys[] = {5.0, -1.5, 3.25, 9.0, 0.0, 2.0, -7.0, 4.0, 1e9, -1e-9};
    const size_t n = sizeof keys / sizeof keys[0];
    for (size_t i = 0; i < n; i++)
        assert_int_equal(es_pq_push(&pq, keys[i], (uint32_t)i, 100 + i, NULL), ES_OK);
    assert_int_equal(es_pq_size(&pq), n);
    assert_heap_valid(&pq);

    double sorted[sizeof keys / sizeof keys[0]];
    memcpy(sorted, keys, sizeof keys);
    for (size_t i = 1; i < n; i++) /* insertion sort: the expected order, worked out apart */
        for (size_t j = i; j > 0 && sorted[j] < sorted[j - 1]; j--) {
            double t = sorted[j];
            sorted[j] = sorted[j - 1];
            sorted[j - 1] = t;
        }
    for (size_t i = 0; i < n; i++) {
        const es_pq_item *top = es_pq_peek(&pq);
        assert_non_null(top);
        assert_true(top->key == sorted[i]);
        es_pq_item it;
        assert_int_equal(es_pq_pop(&pq, &it), ES_OK);
        assert_true(it.key == sorted[i]);
        /* tag and data travel with the key */
        assert_true(keys[it.tag] == it.key);
        assert_int_equal(it.data, 100 + it.tag);
        assert_heap_valid(&pq);
    }
    assert_int_equal(es_pq_size(&pq), 0);
    assert_null(es_pq_peek(&pq));
    es_pq_item it;
    assert_int_equal(es_pq_pop(&pq, &it), ES_ENOENT);
    es_pq_destroy(&pq);
}

static void equal_keys_leave_in_insertion_order(void **state)
{
    (void)state;
    es_pq pq;
    assert_int_equal(es_pq_init(&pq, 4), ES_OK);
    /* three keys, interleaved, 200 items each: every run of equal keys must come out FIFO */
    for (uint64_t i = 0; i < 600; i++)
        assert_int_equal(es_pq_push(&pq, (double)(i % 3 == 1 ? 1 : i % 3 == 2 ? 0 : 2), 0, i, NULL),
                         ES_OK);
    uint64_t last_data[3] = {0};
    int seen[3] = {0};
    double last_key = -1.0;
    es_pq_item it;
    while (es_pq_pop(&pq, &it) == ES_OK) {
        assert_true(it.key >= last_key);
        int k = (int)it.key;
        if (seen[k])
            assert_true(it.data > last_data[k]);
        seen[k] = 1;
        last_data[k] = it.data;
        last_key = it.key;
    }
    assert_true(seen[0] && seen[1] && seen[2]);

    /* ties pushed after some pops still queue behind older equal keys */
    assert_int_equal(es_pq_push(&pq, 1.0, 0, 1, NULL), ES_OK);
    assert_int_equal(es_pq_push(&pq, 1.0, 0, 2, NULL), ES_OK);
    assert_int_equal(es_pq_pop(&pq, &it), ES_OK);
    assert_int_equal(it.data, 1);
    assert_int_equal(es_pq_push(&pq, 1.0, 0, 3, NULL), ES_OK);
    assert_int_equal(es_pq_push(&pq, 0.5, 0, 4, NULL), ES_OK);
    uint64_t expect[] = {4, 2, 3};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(es_pq_pop(&pq, &it), ES_OK);
        assert_int_equal(it.data, expect[i]);
    }
    es_pq_destroy(&pq);
}

static void remove_from_the_middle(void **state)
{
    (void)state;
    es_pq pq;
    assert_int_equal(es_pq_init(&pq, 0), ES_OK);
    es_handle h[10];
    for (int i = 0; i < 10; i++)
        assert_int_equal(es_pq_push(&pq, (double)i, 0, (uint64_t)i, &h[i]), ES_OK);
    for (int i = 0; i < 10; i++) {
        assert_int_not_equal(h[i], 0);
        assert_true(es_pq_is_pending(&pq, h[i]));
    }
    es_pq_item out;
    assert_int_equal(es_pq_remove(&pq, h[4], &out), ES_OK);
    assert_true(out.key == 4.0);
    assert_int_equal(out.data, 4);
    assert_int_equal(es_pq_remove(&pq, h[7], NULL), ES_OK);
    assert_int_equal(es_pq_remove(&pq, h[0], NULL), ES_OK); /* the root */
    assert_int_equal(es_pq_remove(&pq, h[9], NULL), ES_OK); /* the last item */
    assert_false(es_pq_is_pending(&pq, h[4]));
    assert_true(es_pq_is_pending(&pq, h[5]));
    assert_int_equal(es_pq_size(&pq), 6);
    assert_heap_valid(&pq);
    uint64_t expect[] = {1, 2, 3, 5, 6, 8};
    for (int i = 0; i < 6; i++) {
        assert_int_equal(es_pq_pop(&pq, &out), ES_OK);
        assert_int_equal(out.data, expect[i]);
    }
    es_pq_destroy(&pq);
}

/* A removal that moves the last item up (it is smaller than the removed item's parent) is
 * the branch a plain sift-down would get wrong. */
static void remove_that_sifts_up(void **state)
{
    (void)state;
    es_pq pq;
    assert_int_equal(es_pq_init(&pq, 0), ES_OK);
    /* heap by construction: [0, 10, 1, 11, 12, 2, 3]; item 11 sits under 10, and removing 12
     * (index 4) brings the last item, 3, under 10 where it must rise above 10 */
    const double keys[] = {0, 10, 1, 11, 12, 2, 3};
    es_handle h[7];
    for (int i = 0; i < 7; i++)
        assert_int_equal(es_pq_push(&pq, keys[i], 0, (uint64_t)keys[i], &h[i]), ES_OK);
    assert_true(pq.heap[4].key == 12.0); /* the layout this test relies on */
    assert_int_equal(es_pq_remove(&pq, h[4], NULL), ES_OK);
    assert_heap_valid(&pq);
    uint64_t expect[] = {0, 1, 2, 3, 10, 11};
    es_pq_item out;
    for (int i = 0; i < 6; i++) {
        assert_int_equal(es_pq_pop(&pq, &out), ES_OK);
        assert_int_equal(out.data, expect[i]);
    }
    es_pq_destroy(&pq);
}

static void stale_handles_are_refused(void **state)
{
    (void)state;
    es_pq pq;
    assert_int_equal(es_pq_init(&pq, 0), ES_OK);
    es_handle a, b, c;
    assert_int_equal(es_pq_push(&pq, 1.0, 0, 1, &a), ES_OK);
    assert_int_equal(es_pq_push(&pq, 2.0, 0, 2, &b), ES_OK);
    es_pq_item out;
    assert_int_equal(es_pq_pop(&pq, &out), ES_OK);
    assert_int_equal(out.data, 1);
    assert_false(es_pq_is_pending(&pq, a));
    assert_int_equal(es_pq_remove(&pq, a, &out), ES_ENOENT); /* popped */
    assert_int_equal(es_pq_remove(&pq, b, &out), ES_OK);
    assert_int_equal(es_pq_remove(&pq, b, &out), ES_ENOENT); /* removed */
    assert_int_equal(es_pq_size(&pq), 0);

    /* the next push reuses a freed slot: the old handles must still be refused */
    assert_int_equal(es_pq_push(&pq, 3.0, 0, 3, &c), ES_OK);
    assert_true(handle_slot_bits(c) == handle_slot_bits(a) ||
                handle_slot_bits(c) == handle_slot_bits(b));
    es_handle old = handle_slot_bits(c) == handle_slot_bits(a) ? a : b;
    assert_int_not_equal(c, old);
    assert_false(es_pq_is_pending(&pq, old));
    assert_int_equal(es_pq_remove(&pq, old, &out), ES_ENOENT);
    assert_int_equal(es_pq_size(&pq), 1);
    assert_true(es_pq_is_pending(&pq, c));
    assert_int_equal(es_pq_remove(&pq, c, &out), ES_OK);
    assert_int_equal(out.data, 3);

    /* handles that were never given out */
    assert_int_equal(es_pq_remove(&pq, 0, &out), ES_ENOENT);
    assert_false(es_pq_is_pending(&pq, 0));
    assert_int_equal(es_pq_remove(&pq, (es_handle)1000, &out), ES_ENOENT);
    assert_int_equal(es_pq_remove(&pq, ~(es_handle)0, &out), ES_ENOENT);
    es_pq_destroy(&pq);
}

/* Slot reuse many times over: every old handle of a slot stays refused. */
static void reused_slot_refuses_every_old_handle(void **state)
{
    (void)state;
    es_pq pq;
    assert_int_equal(es_pq_init(&pq, 0), ES_OK);
    es_handle old[50];
    for (int i = 0; i < 50; i++) {
        assert_int_equal(es_pq_push(&pq, (double)i, 0, (uint64_t)i, &old[i]), ES_OK);
        assert_int_equal(handle_slot_bits(old[i]), handle_slot_bits(old[0])); /* one slot */
        for (int j = 0; j < i; j++) {
            assert_int_not_equal(old[j], old[i]);
            assert_false(es_pq_is_pending(&pq, old[j]));
        }
        assert_true(es_pq_is_pending(&pq, old[i]));
        assert_int_equal(es_pq_remove(&pq, old[i], NULL), ES_OK);
    }
    es_pq_destroy(&pq);
}

/* The same operations give the same handles, whatever the allocator hands back: handles are
 * part of a run's history and a fixed seed must replay it exactly. */
static void handles_do_not_depend_on_memory_contents(void **state)
{
    (void)state;
    es_handle first[40], second[40];
    for (int round = 0; round < 2; round++) {
        /* leave garbage where the queue's arrays are likely to be allocated */
        for (size_t size = 8; size <= 4096; size *= 2) {
            unsigned char *junk = malloc(size);
            assert_non_null(junk);
            memset(junk, round ? 0x5a : 0xa5, size);
            free(junk);
        }
        es_pq pq;
        assert_int_equal(es_pq_init(&pq, 16), ES_OK);
        es_handle *h = round ? second : first;
        for (int i = 0; i < 40; i++) {
            assert_int_equal(es_pq_push(&pq, (double)(i % 7), 0, (uint64_t)i, &h[i]), ES_OK);
            if (i % 3 == 0)
                assert_int_equal(es_pq_pop(&pq, NULL), ES_OK);
        }
        es_pq_destroy(&pq);
    }
    for (int i = 0; i < 40; i++)
        assert_int_equal(first[i], second[i]);
}

static void grows_beyond_initial_capacity(void **state)
{
    (void)state;
    es_pq pq;
    assert_int_equal(es_pq_init(&pq, 1), ES_OK);
    size_t cap0 = pq.cap;
    const size_t n = 5000;
    es_handle *h = malloc(n * sizeof *h);
    assert_non_null(h);
    uint64_t rs = 7;
    for (size_t i = 0; i < n; i++) {
        /* keys from a small range, so growth happens amid many ties */
        double key = (double)(test_rand(&rs) % 100);
        assert_int_equal(es_pq_push(&pq, key, (uint32_t)i, i, &h[i]), ES_OK);
    }
    assert_true(pq.cap > cap0);
    assert_int_equal(es_pq_size(&pq), n);
    assert_heap_valid(&pq);
    /* handles given before the arrays moved still work */
    for (size_t i = 0; i < n; i += 2)
        assert_int_equal(es_pq_remove(&pq, h[i], NULL), ES_OK);
    assert_int_equal(es_pq_size(&pq), n / 2);
    assert_heap_valid(&pq);
    es_pq_item prev = {0}, it;
    size_t popped = 0;
    while (es_pq_pop(&pq, &it) == ES_OK) {
        assert_int_equal(it.data % 2, 1);
        if (popped)
            assert_true(item_before(&prev, &it));
        prev = it;
        popped++;
    }
    assert_int_equal(popped, n / 2);

    /* once grown, refilling to the same size does not reallocate */
    size_t cap = pq.cap;
    es_pq_item *heap = pq.heap;
    for (size_t i = 0; i < n; i++)
        assert_int_equal(es_pq_push(&pq, (double)i, 0, i, NULL), ES_OK);
    assert_int_equal(pq.cap, cap);
    assert_ptr_equal(pq.heap, heap);
    free(h);
    es_pq_destroy(&pq);
}

static void reset_empties_and_invalidates(void **state)
{
    (void)state;
    es_pq pq;
    assert_int_equal(es_pq_init(&pq, 0), ES_OK);
    es_handle h[30];
    for (int i = 0; i < 30; i++)
        assert_int_equal(es_pq_push(&pq, (double)(30 - i), 0, (uint64_t)i, &h[i]), ES_OK);
    assert_int_equal(es_pq_pop(&pq, NULL), ES_OK);
    size_t cap = pq.cap;
    es_pq_reset(&pq);
    assert_int_equal(es_pq_size(&pq), 0);
    assert_null(es_pq_peek(&pq));
    assert_int_equal(pq.cap, cap); /* the memory is kept */
    assert_int_equal(es_pq_pop(&pq, NULL), ES_ENOENT);
    for (int i = 0; i < 30; i++) {
        assert_false(es_pq_is_pending(&pq, h[i]));
        assert_int_equal(es_pq_remove(&pq, h[i], NULL), ES_ENOENT);
    }
    assert_heap_valid(&pq);

    /* usable afterwards: new items, FIFO ties, old handles still refused after slot reuse */
    es_handle fresh[30];
    for (int i = 0; i < 30; i++)
        assert_int_equal(es_pq_push(&pq, 1.0, 0, (uint64_t)i, &fresh[i]), ES_OK);
    for (int i = 0; i < 30; i++) {
        assert_false(es_pq_is_pending(&pq, h[i]));
        assert_true(es_pq_is_pending(&pq, fresh[i]));
    }
    es_pq_item it;
    for (uint64_t i = 0; i < 30; i++) {
        assert_int_equal(es_pq_pop(&pq, &it), ES_OK);
        assert_int_equal(it.data, i);
    }
    es_pq_destroy(&pq);
}

/* Brute-force reference: every item ever pushed, with its handle and whether it is pending. */
typedef struct ref_item {
    double key;
    uint64_t seq, data;
    es_handle handle;
    int pending;
} ref_item;

static ref_item *ref_min(ref_item *items, size_t n)
{
    ref_item *best = NULL;
    for (size_t i = 0; i < n; i++)
        if (items[i].pending && (!best || items[i].key < best->key ||
                                 (items[i].key == best->key && items[i].seq < best->seq)))
            best = &items[i];
    return best;
}

static void matches_brute_force_reference(void **state)
{
    (void)state;
    enum { NOPS = 20000 };
    es_pq pq;
    assert_int_equal(es_pq_init(&pq, 0), ES_OK);
    ref_item *items = calloc(NOPS, sizeof *items);
    assert_non_null(items);
    size_t nitems = 0, npending = 0;
    uint64_t seq = 0, rs = 20240601;
    unsigned counts[5] = {0};
    for (int op = 0; op < NOPS; op++) {
        unsigned r = (unsigned)(test_rand(&rs) % 100);
        /* push-heavy for the first half, pop/remove-heavy later, so the size swings */
        unsigned push_share = op < NOPS / 2 ? 55 : 35;
        if (r < push_share || npending == 0) {
            ref_item *it = &items[nitems++];
            it->key = (double)((int)(test_rand(&rs) % 64) - 16) / 4.0; /* many ties */
            it->seq = seq++;
            it->data = (uint64_t)op;
            it->pending = 1;
            assert_int_equal(es_pq_push(&pq, it->key, (uint32_t)op, it->data, &it->handle),
                             ES_OK);
            npending++;
            counts[0]++;
        } else if (r < push_share + 20) {
            ref_item *want = ref_min(items, nitems);
            es_pq_item got;
            assert_int_equal(es_pq_pop(&pq, &got), ES_OK);
            assert_true(got.key == want->key);
            assert_int_equal(got.data, want->data);
            assert_int_equal(got.tag, (uint32_t)want->data);
            want->pending = 0;
            npending--;
            counts[1]++;
        } else if (r < push_share + 40) {
            /* remove a random pending item by its handle */
            size_t k = (size_t)(test_rand(&rs) % npending);
            ref_item *victim = NULL;
            for (size_t i = 0; i < nitems; i++)
                if (items[i].pending && k-- == 0) {
                    victim = &items[i];
                    break;
                }
            es_pq_item got;
            assert_int_equal(es_pq_remove(&pq, victim->handle, &got), ES_OK);
            assert_true(got.key == victim->key);
            assert_int_equal(got.data, victim->data);
            victim->pending = 0;
            npending--;
            counts[2]++;
        } else if (nitems > npending) {
            /* a stale handle is refused and changes nothing */
            size_t i;
            do
                i = (size_t)(test_rand(&rs) % nitems);
            while (items[i].pending);
            size_t before = es_pq_size(&pq);
            assert_int_equal(es_pq_remove(&pq, items[i].handle, NULL), ES_ENOENT);
            assert_int_equal(es_pq_size(&pq), before);
            counts[3]++;
        }
        assert_int_equal(es_pq_size(&pq), npending);
        const es_pq_item *top = es_pq_peek(&pq);
        ref_item *want = ref_min(items, nitems);
        if (want) {
            assert_non_null(top);
            assert_int_equal(top->data, want->data);
        } else {
            assert_null(top);
        }
        if (op % 64 == 0) {
            assert_heap_valid(&pq);
            for (size_t i = 0; i < nitems; i++)
                assert_int_equal(!!es_pq_is_pending(&pq, items[i].handle), items[i].pending);
            counts[4]++;
        }
    }
    /* every kind of operation ran often enough to matter */
    for (int i = 0; i < 4; i++)
        assert_true(counts[i] > 1000);
    /* drain: the rest leaves in reference order */
    ref_item *want;
    while ((want = ref_min(items, nitems))) {
        es_pq_item got;
        assert_int_equal(es_pq_pop(&pq, &got), ES_OK);
        assert_int_equal(got.data, want->data);
        want->pending = 0;
    }
    assert_int_equal(es_pq_size(&pq), 0);
    free(items);
    es_pq_destroy(&pq);
}

/* ---- es_calq: the calendar against the plain heap ---- */

#define CALQ_LOC_OVERFLOW 0x40000000u
#define CALQ_LOC_RING 0x80000000u
#define CALQ_NIL UINT32_MAX

static int64_t calq_bucket_of(const es_calq *q, double key)
{
    double d = (key - q->origin) * q->inv_width;
    if (!(d >= 0.0))
        return -1;
    if (d >= 4.0e18)
        return INT64_C(4000000000000000000);
    return (int64_t)d;
}

/* Walks ring bucket b's chain of chunks from its head word (first chunk << 3 | its items):
 * only the first chunk may be partly filled, none is empty, each names its bucket, and each
 * item's slot points at its place and its key falls in the bucket.  Returns the number of
 * items; counts the chunks, and notes the longest chain. */
static size_t assert_calq_bucket_valid(const es_calq *q, size_t b, size_t *chunks,
                                       size_t *longest)
{
    uint32_t head = q->bucket_head[b];
    if (head == CALQ_NIL)
        return 0;
    size_t items = 0, length = 0;
    uint32_t n = head & 7;
    assert_true(n >= 1 && n <= ES_CALQ_CHUNK_ITEMS);
    for (uint32_t c = head >> 3; c != CALQ_NIL; c = q->chunks[c].next, n = ES_CALQ_CHUNK_ITEMS) {
        const es_calq_chunk *ch = &q->chunks[c];
        assert_true(c < q->chunks_used);
        assert_int_equal(ch->bucket, b);
        for (uint32_t k = 0; k < n; k++) {
            const es_pq_item *it = &ch->item[k];
            assert_int_equal(q->slots[it->slot].pos, CALQ_LOC_RING | c << 3 | k);
            int64_t v = calq_bucket_of(q, it->key);
            assert_true(v == q->win + (int64_t)b);
            assert_true(v > q->cur);
            assert_false(item_before(it, &q->heap[0]));
            items++;
        }
        ++*chunks;
        length++;
    }
    if (length > *longest)
        *longest = length;
    return items;
}

/* Every item sits where its bucket says, the chains and counts agree, every chunk is in a
 * chain or free, and the heap is one.  Returns the longest chain's length in chunks. */
static size_t assert_calq_valid(const es_calq *q)
{
    int heap_only = q->cur == INT64_MAX;
    assert_int_equal(q->heap_size + q->ring_count + q->overflow_count, q->size);
    assert_int_equal(q->size + q->nfree, q->nslots);
    assert_true(q->size == 0 || q->heap_size > 0); /* the root is the earliest item */
    assert_int_equal((uintptr_t)q->chunks % 64, 0);
    assert_true(q->chunks_used <= q->chunk_cap);
    for (size_t i = 0; i < q->heap_size; i++) {
        const es_pq_item *it = &q->heap[i];
        assert_int_equal(q->slots[it->slot].pos, i);
        if (i > 0)
            assert_false(item_before(it, &q->heap[(i - 1) / 2]));
        if (!heap_only)
            assert_true(calq_bucket_of(q, it->key) <= q->cur);
    }
    size_t ring = 0, chunks = 0, longest = 0;
    for (size_t b = 0; b < q->nbuckets; b++) {
        int bit = (int)((q->bucket_bits[b >> 6] >> (b & 63)) & 1);
        assert_int_equal(bit, q->bucket_head[b] != CALQ_NIL);
        ring += assert_calq_bucket_valid(q, b, &chunks, &longest);
    }
    assert_int_equal(ring, q->ring_count);
    for (uint32_t c = q->free_chunk; c != CALQ_NIL; c = q->chunks[c].next)
        chunks++;
    assert_int_equal(chunks, q->chunks_used);
    for (size_t i = 0; i < q->overflow_count; i++) {
        const es_pq_item *it = &q->overflow[i];
        assert_int_equal(q->slots[it->slot].pos, CALQ_LOC_OVERFLOW | i);
        assert_true(calq_bucket_of(q, it->key) >= q->win + (int64_t)q->nbuckets);
        assert_true(q->overflow_min <= it->key);
    }
    return longest;
}

static void assert_same_item(const es_pq_item *a, const es_pq_item *b)
{
    assert_true(a->key == b->key);
    assert_int_equal(a->seq, b->seq);
    assert_int_equal(a->data, b->data);
    assert_int_equal(a->tag, b->tag);
}

/* An empty heap and an empty calendar, to be driven side by side. */
static void init_both(es_pq *pq, es_calq *cq)
{
    assert_int_equal(es_pq_init(pq, 0), ES_OK);
    assert_int_equal(es_calq_init(cq, 0), ES_OK);
}

/* Pushes the same item into the heap and the calendar (their handles agree); the handle
 * through `handle` (may be NULL). */
static void push_both(es_pq *pq, es_calq *cq, double key, uint32_t tag, uint64_t data,
                      es_handle *handle)
{
    es_handle hp, hc;
    assert_int_equal(es_pq_push(pq, key, tag, data, &hp), ES_OK);
    assert_int_equal(es_calq_push(cq, key, tag, data, &hc), ES_OK);
    assert_int_equal(hp, hc);
    if (handle)
        *handle = hc;
}

/* Pops the heap and the calendar: the same item, which it returns. */
static es_pq_item pop_both(es_pq *pq, es_calq *cq)
{
    es_pq_item a, b;
    assert_int_equal(es_pq_pop(pq, &a), ES_OK);
    assert_int_equal(es_calq_pop(cq, &b), ES_OK);
    assert_same_item(&a, &b);
    return a;
}

/* A key as a model would schedule it, `scale` being the time unit: now itself (ties in the
 * current bucket), a little later, an ordinary delay, far beyond the ring, on a coarse grid
 * (many ties later on), or (for es_pq's other users) before now. */
static double calq_test_key(uint64_t *rs, double now, double scale)
{
    unsigned r = (unsigned)(test_rand(rs) % 100);
    double u = (double)(test_rand(rs) >> 11) * 0x1p-53;
    if (r < 25)
        return now;
    if (r < 40)
        return now + 1e-3 * scale * u;
    if (r < 70)
        return now - scale * log(1.0 - u);
    if (r < 82)
        return now + scale * (1e3 + 1e6 * u);
    if (r < 95)
        return floor(now / scale) * scale + scale * (double)(test_rand(rs) % 40);
    return now - scale * 10.0 * u;
}

/* Random interleavings of push, pop, replace_top, remove and stale removals, the size
 * swinging between a handful and a few thousand so the calendar goes through heap-only
 * mode, window turns and retunes; after every operation the earliest item, and every so
 * often every handle ever given, agree with the heap. */
static void calendar_run_against_heap(uint64_t seed, double scale, int nops)
{
    es_pq pq;
    es_calq cq;
    assert_int_equal(es_pq_init(&pq, 0), ES_OK);
    assert_int_equal(es_calq_init(&cq, 0), ES_OK);
    es_handle *issued = malloc((size_t)nops * sizeof *issued);
    es_handle *pending = malloc((size_t)nops * sizeof *pending);
    assert_non_null(issued);
    assert_non_null(pending);
    size_t nissued = 0, npending = 0;
    uint64_t rs = seed;
    double now = 0.0;
    unsigned counts[5] = {0}, seen_ring = 0, seen_overflow = 0, seen_back_to_heap = 0;
    size_t longest_chain = 0;
    for (int op = 0; op < nops; op++) {
        seen_ring += cq.ring_count > 0;
        seen_overflow += cq.overflow_count > 0;
        seen_back_to_heap += seen_ring > 0 && cq.cur == INT64_MAX;
        /* the target size swings: up to ~4000, down to a few, up again */
        int phase = (op / (nops / 6)) % 2;
        /* cumulative shares of push, pop, replace_top and remove; the rest are stale */
        static const unsigned share[2][4] = {{60, 75, 90, 95}, {5, 30, 45, 85}};
        unsigned r = (unsigned)(test_rand(&rs) % 100);
        if (npending == 0 || r < share[phase][0]) {
            double key = calq_test_key(&rs, now, scale);
            uint32_t tag = (uint32_t)(test_rand(&rs) % 7);
            es_handle hp, hc;
            assert_int_equal(es_pq_push(&pq, key, tag, (uint64_t)op, &hp), ES_OK);
            assert_int_equal(es_calq_push(&cq, key, tag, (uint64_t)op, &hc), ES_OK);
            assert_int_equal(hp, hc);
            issued[nissued++] = pending[npending++] = hc;
            counts[0]++;
        } else if (r < share[phase][1]) {
            es_pq_item a, b;
            assert_int_equal(es_pq_pop(&pq, &a), ES_OK);
            assert_int_equal(es_calq_pop(&cq, &b), ES_OK);
            assert_same_item(&a, &b);
            now = a.key > now ? a.key : now;
            for (size_t i = 0; i < npending; i++)
                if (!es_pq_is_pending(&pq, pending[i])) {
                    pending[i] = pending[--npending];
                    break;
                }
            counts[1]++;
        } else if (r < share[phase][2]) {
            /* replace_top, as es_sim does when a handler schedules its next event */
            double top_key = es_pq_peek(&pq)->key;
            now = top_key > now ? top_key : now;
            double key = calq_test_key(&rs, now, scale);
            es_pq_item a, b;
            es_handle hp, hc;
            assert_int_equal(es_pq_replace_top(&pq, key, 3, (uint64_t)op, &hp, &a), ES_OK);
            assert_int_equal(es_calq_replace_top(&cq, key, 3, (uint64_t)op, &hc, &b), ES_OK);
            assert_same_item(&a, &b);
            assert_int_equal(hp, hc);
            for (size_t i = 0; i < npending; i++)
                if (!es_pq_is_pending(&pq, pending[i])) {
                    pending[i] = hc;
                    break;
                }
            issued[nissued++] = hc;
            counts[2]++;
        } else if (r < share[phase][3]) {
            size_t k = (size_t)(test_rand(&rs) % npending);
            es_pq_item a, b;
            assert_int_equal(es_pq_remove(&pq, pending[k], &a), ES_OK);
            assert_int_equal(es_calq_remove(&cq, pending[k], &b), ES_OK);
            assert_same_item(&a, &b);
            /* the handle is stale now, in both */
            assert_int_equal(es_calq_remove(&cq, pending[k], NULL), ES_ENOENT);
            assert_false(es_calq_is_pending(&cq, pending[k]));
            pending[k] = pending[--npending];
            counts[3]++;
        } else if (nissued > npending) {
            es_handle h = issued[test_rand(&rs) % nissued];
            if (!es_pq_is_pending(&pq, h)) {
                size_t before = es_calq_size(&cq);
                assert_int_equal(es_calq_remove(&cq, h, NULL), ES_ENOENT);
                assert_int_equal(es_calq_size(&cq), before);
                counts[4]++;
            }
        }
        assert_int_equal(es_calq_size(&cq), es_pq_size(&pq));
        const es_pq_item *tp = es_pq_peek(&pq), *tc = es_calq_peek(&cq);
        if (tp)
            assert_same_item(tp, tc);
        else
            assert_null(tc);
        if (op % 97 == 0 || op == nops - 1) {
            size_t chain = assert_calq_valid(&cq);
            longest_chain = chain > longest_chain ? chain : longest_chain;
            for (size_t i = 0; i < nissued; i++)
                assert_int_equal(!!es_calq_is_pending(&cq, issued[i]),
                                 !!es_pq_is_pending(&pq, issued[i]));
        }
    }
    for (int i = 0; i < 5; i++)
        assert_true(counts[i] > 100);
    /* the calendar did use its ring and overflow, and fell back to a heap when small */
    assert_true(seen_ring > 1000);
    assert_true(seen_overflow > 1000);
    assert_true(seen_back_to_heap > 100);
    /* and chains of several chunks, so removals moved items across chunks */
    assert_true(longest_chain >= 3);
    es_pq_item a, b;
    while (es_pq_pop(&pq, &a) == ES_OK) {
        assert_int_equal(es_calq_pop(&cq, &b), ES_OK);
        assert_same_item(&a, &b);
    }
    assert_int_equal(es_calq_pop(&cq, &b), ES_ENOENT);
    assert_null(es_calq_peek(&cq));
    free(issued);
    free(pending);
    es_pq_destroy(&pq);
    es_calq_destroy(&cq);
}

static void calendar_matches_heap_unit_scale(void **state)
{
    (void)state;
    calendar_run_against_heap(1, 1.0, 60000);
    calendar_run_against_heap(2, 1.0, 60000);
}

static void calendar_matches_heap_in_days(void **state)
{
    (void)state;
    calendar_run_against_heap(3, 365.0, 60000);
    calendar_run_against_heap(4, 1e-4, 60000);
}

/* A hold model big enough to leave heap-only mode, then steady: same order as the heap,
 * through window turns and retunes, and once grown no memory moves. */
static void calendar_hold_model_is_exact_and_stops_allocating(void **state)
{
    (void)state;
    enum { SIZE = 20000 };
    es_pq pq;
    es_calq cq;
    init_both(&pq, &cq);
    uint64_t rs = 99;
    for (int i = 0; i < SIZE; i++)
        push_both(&pq, &cq, (double)(test_rand(&rs) % 1000000) * 1e-3, 0, (uint64_t)i, NULL);
    const void *heap = NULL, *chunks = NULL, *buckets = NULL;
    for (int op = 0; op < 40 * SIZE; op++) {
        if (op == 20 * SIZE) { /* grown and tuned by now */
            heap = cq.heap;
            chunks = cq.chunks;
            buckets = cq.bucket_head;
        }
        es_pq_item a = pop_both(&pq, &cq);
        /* increments on a 1e-3 grid: plenty of equal keys */
        push_both(&pq, &cq, a.key + (double)(test_rand(&rs) % 2000) * 1e-3, 0, a.data, NULL);
        if (op % 40000 == 0)
            assert_calq_valid(&cq);
    }
    assert_true(cq.cur != INT64_MAX); /* a calendar, not just a heap */
    assert_ptr_equal(cq.heap, heap);
    assert_ptr_equal(cq.chunks, chunks);
    assert_ptr_equal(cq.bucket_head, buckets);
    assert_calq_valid(&cq);
    es_pq_destroy(&pq);
    es_calq_destroy(&cq);
}

/* The overflow's earliest key is kept as a lower bound: cancelling the event it came from
 * leaves it stale, and the window opened from it then holds nothing.  The calendar must
 * find the true earliest key and go on in order. */
static void calendar_turns_past_a_cancelled_earliest_event(void **state)
{
    (void)state;
    enum { NEAR = 2000, FAR = 600 };
    es_pq pq;
    es_calq cq;
    init_both(&pq, &cq);
    uint64_t rs = 7;
    for (int i = 0; i < NEAR; i++)
        push_both(&pq, &cq, (double)(test_rand(&rs) % 100000) * 1e-5, 0, (uint64_t)i, NULL);
    for (int op = 0; op < 20 * NEAR; op++) { /* a steady hold tunes the width */
        es_pq_item a = pop_both(&pq, &cq);
        push_both(&pq, &cq, a.key + (double)(test_rand(&rs) % 100000) * 1e-5, 0, a.data, NULL);
    }
    /* drained until what is left is all in the heap and the ring */
    while (cq.overflow_count > 0) {
        assert_true(es_calq_size(&cq) > ES_CALQ_HEAP_ONLY / 4); /* still a calendar */
        pop_both(&pq, &cq);
    }
    es_handle early;
    push_both(&pq, &cq, 600.0, 1, 0, &early);
    for (int i = 0; i < FAR; i++)
        push_both(&pq, &cq, 1e6 + (double)(test_rand(&rs) % 1000), 2, (uint64_t)i, NULL);
    assert_true(cq.cur != INT64_MAX);
    assert_int_equal(cq.slots[(early & 0xffffffffu) - 1].pos & CALQ_LOC_OVERFLOW,
                     CALQ_LOC_OVERFLOW);
    assert_true(cq.overflow_min <= 600.0);
    assert_int_equal(es_pq_remove(&pq, early, NULL), ES_OK);
    assert_int_equal(es_calq_remove(&cq, early, NULL), ES_OK);
    assert_true(cq.overflow_min == 600.0); /* stale now */
    while (es_pq_size(&pq) > 0) {
        pop_both(&pq, &cq);
        if (es_pq_size(&pq) % 50 == 0)
            assert_calq_valid(&cq);
    }
    assert_int_equal(es_calq_size(&cq), 0);
    es_pq_destroy(&pq);
    es_calq_destroy(&cq);
}

static void calendar_reset_empties_and_invalidates(void **state)
{
    (void)state;
    es_calq cq;
    assert_int_equal(es_calq_init(&cq, 0), ES_OK);
    enum { N = 3000 };
    es_handle *h = malloc(N * sizeof *h);
    assert_non_null(h);
    for (int i = 0; i < N; i++) /* near, far and equal keys: heap, ring and overflow */
        assert_int_equal(es_calq_push(&cq, (double)(i % 3 == 0 ? 1 : i % 3 == 1 ? i : 1e9),
                                      0, (uint64_t)i, &h[i]), ES_OK);
    assert_int_equal(es_calq_pop(&cq, NULL), ES_OK);
    assert_true(cq.overflow_count > 0 || cq.ring_count > 0);
    es_calq_reset(&cq);
    assert_int_equal(es_calq_size(&cq), 0);
    assert_null(es_calq_peek(&cq));
    assert_int_equal(es_calq_pop(&cq, NULL), ES_ENOENT);
    assert_int_equal(es_calq_replace_top(&cq, 1.0, 0, 0, NULL, NULL), ES_ENOENT);
    for (int i = 0; i < N; i++)
        assert_int_equal(es_calq_remove(&cq, h[i], NULL), ES_ENOENT);
    assert_calq_valid(&cq);
    for (int i = 0; i < 600; i++)
        assert_int_equal(es_calq_push(&cq, 2.0, 0, (uint64_t)i, NULL), ES_OK);
    es_pq_item it;
    for (uint64_t i = 0; i < 600; i++) {
        assert_int_equal(es_calq_pop(&cq, &it), ES_OK);
        assert_int_equal(it.data, i); /* FIFO ties, the sequence restarted */
        assert_int_equal(it.seq, i);
    }
    free(h);
    es_calq_destroy(&cq);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pops_in_key_order),
        cmocka_unit_test(equal_keys_leave_in_insertion_order),
        cmocka_unit_test(remove_from_the_middle),
        cmocka_unit_test(remove_that_sifts_up),
        cmocka_unit_test(stale_handles_are_refused),
        cmocka_unit_test(reused_slot_refuses_every_old_handle),
        cmocka_unit_test(handles_do_not_depend_on_memory_contents),
        cmocka_unit_test(grows_beyond_initial_capacity),
        cmocka_unit_test(reset_empties_and_invalidates),
        cmocka_unit_test(matches_brute_force_reference),
        cmocka_unit_test(calendar_matches_heap_unit_scale),
        cmocka_unit_test(calendar_matches_heap_in_days),
        cmocka_unit_test(calendar_hold_model_is_exact_and_stops_allocating),
        cmocka_unit_test(calendar_turns_past_a_cancelled_earliest_event),
        cmocka_unit_test(calendar_reset_empties_and_invalidates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

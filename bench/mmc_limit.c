/* The hand-written limit for bench_mmc: the same M/M/c queue as a plain loop over an array
 * binary heap of plain structs (design.md §7), with no engine, no handlers and no coroutines.
 *
 * Poisson arrivals at rate 9, c = 10 servers with Exp(1) service, FIFO; the run ends when
 * every customer has left.  The heap holds (time, sequence, kind) events, ordered by time and,
 * at equal times, by the sequence in which they were scheduled (FIFO, as es_sim orders them).
 * Waiting customers sit in a ring buffer of their arrival times.  Two heap events per customer,
 * as in bench_mmc; an event's first reschedule replaces the heap's root in one sift-down,
 * which es_sim does as well (--pop-push pops and pushes instead).
 *
 * The draws are bench_mmc's: essim's xoshiro256+ streams "arrivals" and "service" from
 * es_rng_alloc with the same seed, -mean log(1 - u) (or gsl_ran_exponential with --gsl;
 * GSL's taus2 with --taus2).  Each stream is drawn in the same order as in bench_mmc (arrival
 * gaps in arrival order, service times in order of service start), so the mean wait Wq is the
 * same number as bench_mmc's.
 *
 * Usage: bench_mmc_limit [--gsl] [--taus2] [--once] [--pop-push] [CUSTOMERS]
 *   the best of 5 identical runs, or with --once a single run (bench/run interleaves those)
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "engine/rng.h"

enum { ARRIVAL, DEPARTURE };

typedef struct event {
    double time;
    uint32_t seq; /* bench_mmc_parse keeps 2 events per customer under 2^32 */
    uint32_t kind;
} event;

typedef struct heap {
    event *items;
    size_t n, cap;
    uint32_t next_seq;
} heap;

typedef struct ring {
    double *arrived; /* arrival times of waiting customers; cap is a power of two */
    size_t head, n, cap;
} ring;

static inline bool earlier(const event *a, const event *b)
{
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static void sift_down(heap *h, event it)
{
    size_t i = 0;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= h->n)
            break;
        if (child + 1 < h->n && earlier(&h->items[child + 1], &h->items[child]))
            child++;
        if (!earlier(&h->items[child], &it))
            break;
        h->items[i] = h->items[child];
        i = child;
    }
    h->items[i] = it;
}

static bool push(heap *h, double time, uint32_t kind)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 16;
        event *items = realloc(h->items, cap * sizeof *items);
        if (!items)
            return false;
        h->items = items;
        h->cap = cap;
    }
    event it = {time, h->next_seq++, kind};
    size_t i = h->n++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!earlier(&it, &h->items[parent]))
            break;
        h->items[i] = h->items[parent];
        i = parent;
    }
    h->items[i] = it;
    return true;
}

static void pop(heap *h)
{
    if (--h->n > 0)
        sift_down(h, h->items[h->n]);
}

/* The event being handled sits at the root until its handler's first schedule replaces it. */
static bool reschedule_root(heap *h, bool pop_push, double time, uint32_t kind)
{
    if (pop_push) {
        pop(h);
        return push(h, time, kind);
    }
    sift_down(h, (event){time, h->next_seq++, kind});
    return true;
}

static bool enqueue(ring *q, double arrived)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? 2 * q->cap : 64;
        double *a = malloc(cap * sizeof *a);
        if (!a)
            return false;
        for (size_t i = 0; i < q->n; i++)
            a[i] = q->arrived[(q->head + i) & (q->cap - 1)];
        free(q->arrived);
        q->arrived = a;
        q->head = 0;
        q->cap = cap;
    }
    q->arrived[(q->head + q->n++) & (q->cap - 1)] = arrived;
    return true;
}

static double dequeue(ring *q)
{
    double arrived = q->arrived[q->head];
    q->head = (q->head + 1) & (q->cap - 1);
    q->n--;
    return arrived;
}

/* Simulates opt->customers customers; writes their mean wait in queue and the events run.
 * Returns false when out of memory. */
static bool limit_run(const bench_mmc_options *opt, double *mean_wait, uint64_t *events)
{
    gsl_rng *arrivals = es_rng_alloc(bench_mmc_generator(opt), BENCH_MMC_SEED, 0, "arrivals");
    gsl_rng *service = es_rng_alloc(bench_mmc_generator(opt), BENCH_MMC_SEED, 0, "service");
    heap h = {0};
    ring q = {0};
    uint64_t to_arrive = opt->customers, served = 0, done = 0;
    double total_wait = 0.0;
    int busy = 0;
    bool ok = arrivals && service &&
              push(&h, bench_mmc_draw(opt, arrivals, 1.0 / BENCH_MMC_ARRIVAL_RATE), ARRIVAL);
    while (ok && h.n > 0) {
        double now = h.items[0].time;
        done++;
        if (h.items[0].kind == ARRIVAL) {
            bool root_taken = false;
            if (--to_arrive > 0) {
                double gap = bench_mmc_draw(opt, arrivals, 1.0 / BENCH_MMC_ARRIVAL_RATE);
                ok = reschedule_root(&h, opt->pop_push, now + gap, ARRIVAL);
                root_taken = true;
            }
            if (busy < BENCH_MMC_SERVERS) {
                busy++;
                served++; /* waited 0 */
                double t = now + bench_mmc_draw(opt, service, 1.0 / BENCH_MMC_SERVICE_RATE);
                ok = ok && (root_taken ? push(&h, t, DEPARTURE)
                                       : reschedule_root(&h, opt->pop_push, t, DEPARTURE));
                root_taken = true;
            } else
                ok = ok && enqueue(&q, now);
            if (!root_taken)
                pop(&h);
        } else if (q.n > 0) {
            total_wait += now - dequeue(&q);
            served++;
            double t = now + bench_mmc_draw(opt, service, 1.0 / BENCH_MMC_SERVICE_RATE);
            ok = reschedule_root(&h, opt->pop_push, t, DEPARTURE);
        } else {
            busy--;
            pop(&h);
        }
    }
    *mean_wait = total_wait / (double)served;
    *events = done;
    free(h.items);
    free(q.arrived);
    gsl_rng_free(arrivals);
    gsl_rng_free(service);
    return ok;
}

int main(int argc, char **argv)
{
    bench_mmc_options opt;
    if (!bench_mmc_parse(argc, argv, true, &opt))
        return 2;
    return bench_mmc_main(opt.pop_push ? "C-limit-pp" : "C-limit", &opt, limit_run);
}

/* Hold-model benchmark of the event calendar against a plain binary heap.
 *
 * The classic hold model: fill the calendar with `size` events, then repeat "hold" — take
 * the earliest event and put it back at its time plus an Exp(1) increment.  The size stays
 * constant, so hold operations per second at each size show how the calendar scales.  Five
 * variants are timed side by side: the plain binary heap (es_pq) with pop then push and with
 * replace_top, the calendar (es_calq) the same two ways, and es_sim events whose handler
 * reschedules itself (what a model pays per event, handler dispatch included; es_sim runs on
 * es_calq).  Increments come from essim's xoshiro256+.  The variants are timed in
 * interleaved windows (heap, calendar, heap, ...) so that load from other processes falls on
 * all of them alike; each figure is the median of its windows.
 *
 * Usage: bench_hold [--quick]
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "engine/calq.h"
#include "engine/error.h"
#include "engine/pq.h"
#include "engine/rng.h"
#include "engine/sim.h"

enum { BATCH_OPS = 1 << 14, MAX_WINDOWS = 15 };

typedef enum hold_kind {
    HOLD_HEAP_POP_PUSH,
    HOLD_HEAP_REPLACE,
    HOLD_CAL_POP_PUSH,
    HOLD_CAL_REPLACE,
    HOLD_SIM_EVENT,
    HOLD_KINDS
} hold_kind;

typedef struct hold_run {
    hold_kind kind;
    es_pq pq;
    es_calq cal;
    es_sim sim;
    gsl_rng *rng;
    uint64_t remaining; /* es_sim variant: hold events left in this batch */
} hold_run;

static void on_hold(es_sim *sim, const es_event *ev, void *ctx)
{
    hold_run *run = ctx;
    if (es_sim_schedule(sim, bench_exponential(run->rng, 1.0), ev->type, ev->data, NULL) != ES_OK
        || --run->remaining == 0)
        es_sim_stop(sim);
}

static int hold(hold_run *run, uint64_t ops)
{
    switch (run->kind) {
    case HOLD_HEAP_POP_PUSH:
        for (uint64_t i = 0; i < ops; i++) {
            es_pq_item it;
            es_pq_pop(&run->pq, &it);
            double key = it.key + bench_exponential(run->rng, 1.0);
            if (es_pq_push(&run->pq, key, it.tag, it.data, NULL) != ES_OK)
                return ES_ENOMEM;
        }
        return ES_OK;
    case HOLD_HEAP_REPLACE:
        for (uint64_t i = 0; i < ops; i++) {
            const es_pq_item *top = es_pq_peek(&run->pq);
            double key = top->key + bench_exponential(run->rng, 1.0);
            es_pq_replace_top(&run->pq, key, top->tag, top->data, NULL, NULL);
        }
        return ES_OK;
    case HOLD_CAL_POP_PUSH:
        for (uint64_t i = 0; i < ops; i++) {
            es_pq_item it;
            es_calq_pop(&run->cal, &it);
            double key = it.key + bench_exponential(run->rng, 1.0);
            if (es_calq_push(&run->cal, key, it.tag, it.data, NULL) != ES_OK)
                return ES_ENOMEM;
        }
        return ES_OK;
    case HOLD_CAL_REPLACE:
        for (uint64_t i = 0; i < ops; i++) {
            const es_pq_item *top = es_calq_peek(&run->cal);
            double key = top->key + bench_exponential(run->rng, 1.0);
            es_calq_replace_top(&run->cal, key, top->tag, top->data, NULL, NULL);
        }
        return ES_OK;
    default:
        run->remaining = ops;
        return es_sim_run(&run->sim, INFINITY) == ops ? ES_OK : ES_ENOMEM;
    }
}

/* Fills the calendar with `size` events at Exp(1) times. */
static int fill(hold_run *run, size_t size)
{
    int status = ES_OK;
    switch (run->kind) {
    case HOLD_SIM_EVENT: {
        if (es_sim_init(&run->sim, size) != ES_OK)
            return ES_ENOMEM;
        int type = es_sim_register(&run->sim, on_hold, run);
        for (size_t i = 0; i < size && status == ES_OK; i++)
            status = es_sim_schedule(&run->sim, bench_exponential(run->rng, 1.0), (uint32_t)type,
                                     i, NULL);
        return status;
    }
    case HOLD_CAL_POP_PUSH:
    case HOLD_CAL_REPLACE:
        if (es_calq_init(&run->cal, size) != ES_OK)
            return ES_ENOMEM;
        for (size_t i = 0; i < size && status == ES_OK; i++)
            status = es_calq_push(&run->cal, bench_exponential(run->rng, 1.0), 0, i, NULL);
        return status;
    default:
        if (es_pq_init(&run->pq, size) != ES_OK)
            return ES_ENOMEM;
        for (size_t i = 0; i < size && status == ES_OK; i++)
            status = es_pq_push(&run->pq, bench_exponential(run->rng, 1.0), 0, i, NULL);
        return status;
    }
}

static void empty(hold_run *run)
{
    if (run->kind == HOLD_SIM_EVENT)
        es_sim_destroy(&run->sim);
    else if (run->kind == HOLD_CAL_POP_PUSH || run->kind == HOLD_CAL_REPLACE)
        es_calq_destroy(&run->cal);
    else
        es_pq_destroy(&run->pq);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Hold operations per second of every variant at a calendar of `size` events: the median of
 * `windows` timings of at least `window_seconds` each, the variants taking turns window by
 * window, after a warm-up that lets the event times spread out.  Each variant draws from its
 * own generator, seeded alike, so all see the same increments.  Returns ES_ENOMEM when out of
 * memory. */
static int holds_per_second(size_t size, int windows, double window_seconds,
                            double rate[HOLD_KINDS])
{
    hold_run run[HOLD_KINDS];
    int status = ES_OK, made = 0;
    for (int k = 0; k < HOLD_KINDS && status == ES_OK; k++, made++) {
        run[k] = (hold_run){.kind = (hold_kind)k};
        run[k].rng = es_rng_alloc(es_rng_xoshiro256p, 1, 0, "hold");
        if (!run[k].rng || fill(&run[k], size) != ES_OK ||
            hold(&run[k], size < 100000 ? 100000 : size) != ES_OK)
            status = ES_ENOMEM;
    }
    double samples[HOLD_KINDS][MAX_WINDOWS];
    for (int w = 0; w < windows && status == ES_OK; w++)
        for (int k = 0; k < HOLD_KINDS && status == ES_OK; k++) {
            uint64_t ops = 0;
            double start = bench_cpu_seconds(), elapsed;
            do {
                status = hold(&run[k], BATCH_OPS);
                ops += BATCH_OPS;
                elapsed = bench_cpu_seconds() - start;
            } while (status == ES_OK && elapsed < window_seconds);
            samples[k][w] = (double)ops / elapsed;
        }
    for (int k = 0; k < made; k++) {
        if (status == ES_OK) {
            qsort(samples[k], (size_t)windows, sizeof samples[k][0], compare_doubles);
            rate[k] = samples[k][windows / 2];
        }
        if (run[k].rng) {
            empty(&run[k]);
            gsl_rng_free(run[k].rng);
        }
    }
    return status;
}

int main(int argc, char **argv)
{
    static const size_t full_sizes[] = {10, 100, 1000, 10000, 100000, 1000000};
    static const size_t quick_sizes[] = {10, 1000, 100000, 1000000};
    bool quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    if (argc > 2 || (argc == 2 && !quick)) {
        fprintf(stderr, "usage: %s [--quick]\n", argv[0]);
        return 2;
    }
    const size_t *sizes = quick ? quick_sizes : full_sizes;
    size_t nsizes = quick ? sizeof quick_sizes / sizeof *quick_sizes
                          : sizeof full_sizes / sizeof *full_sizes;
    int windows = quick ? 3 : 7;
    double window_seconds = 0.05;

    printf("hold model: pop the earliest event, push it back at +Exp(1); million holds/s\n");
    printf("(median of %d interleaved %.2f-CPU-s windows; ratio = calendar / plain heap)\n",
           windows, window_seconds);
    printf("%9s %10s %10s %10s %10s %7s %7s %10s\n", "size", "heap p+p", "cal p+p", "heap repl",
           "cal repl", "p+p", "repl", "es_sim");
    double worst_ratio = INFINITY, rate_at_1000 = NAN, pop_push_at_1000 = NAN;
    size_t worst_size = 0;
    for (size_t i = 0; i < nsizes; i++) {
        double rate[HOLD_KINDS];
        if (holds_per_second(sizes[i], windows, window_seconds, rate) != ES_OK) {
            fprintf(stderr, "bench_hold: out of memory\n");
            return 1;
        }
        double ratio_pp = rate[HOLD_CAL_POP_PUSH] / rate[HOLD_HEAP_POP_PUSH];
        double ratio_repl = rate[HOLD_CAL_REPLACE] / rate[HOLD_HEAP_REPLACE];
        double ratio = fmin(ratio_pp, ratio_repl);
        printf("%9zu %10.2f %10.2f %10.2f %10.2f %6.2fx %6.2fx %10.2f  (target >= 0.9x plain heap: "
               "%s)\n",
               sizes[i], rate[HOLD_HEAP_POP_PUSH] / 1e6, rate[HOLD_CAL_POP_PUSH] / 1e6,
               rate[HOLD_HEAP_REPLACE] / 1e6, rate[HOLD_CAL_REPLACE] / 1e6, ratio_pp, ratio_repl,
               rate[HOLD_SIM_EVENT] / 1e6, ratio >= 0.9 ? "met" : "NOT met");
        fflush(stdout);
        if (ratio < worst_ratio) {
            worst_ratio = ratio;
            worst_size = sizes[i];
        }
        if (sizes[i] == 1000) {
            rate_at_1000 = rate[HOLD_CAL_REPLACE];
            pop_push_at_1000 = rate[HOLD_CAL_POP_PUSH];
        }
    }
    printf("hold calendar/heap ratio, worst over sizes %zu..%zu: %.2f (at N = %zu)  "
           "(target >= 0.9x plain heap)\n",
           sizes[0], sizes[nsizes - 1], worst_ratio, worst_size);
    printf("hold calendar ops/s at N = 1000: replace_top %.3g, pop+push %.3g  "
           "(target >= 1.3e7 ops/s, quiet machine)\n",
           rate_at_1000, pop_push_at_1000);
    return 0;
}

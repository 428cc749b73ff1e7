/* Hold-model benchmark of the event calendar.
 *
 * The classic hold model: fill the calendar with `size` events, then repeat "hold" — take
 * the earliest event and put it back at its time plus an Exp(1) increment.  The size stays
 * constant, so hold operations per second at each size show how the calendar scales.  Three
 * variants are timed: es_pq_pop then es_pq_push, es_pq_replace_top (the same in one
 * sift-down), and es_sim events whose handler reschedules itself (what a model pays per
 * event, handler dispatch included).  Increments come from essim's xoshiro256+.
 *
 * Usage: bench_hold [--quick]
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "engine/error.h"
#include "engine/pq.h"
#include "engine/rng.h"
#include "engine/sim.h"

enum { BATCH_OPS = 1 << 16 };

typedef enum hold_kind { HOLD_POP_PUSH, HOLD_REPLACE_TOP, HOLD_SIM_EVENT, HOLD_KINDS } hold_kind;

typedef struct hold_run {
    hold_kind kind;
    es_pq pq;
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
    case HOLD_POP_PUSH:
        for (uint64_t i = 0; i < ops; i++) {
            es_pq_item it;
            es_pq_pop(&run->pq, &it);
            double key = it.key + bench_exponential(run->rng, 1.0);
            if (es_pq_push(&run->pq, key, it.tag, it.data, NULL) != ES_OK)
                return ES_ENOMEM;
        }
        return ES_OK;
    case HOLD_REPLACE_TOP:
        for (uint64_t i = 0; i < ops; i++) {
            const es_pq_item *top = es_pq_peek(&run->pq);
            double key = top->key + bench_exponential(run->rng, 1.0);
            es_pq_replace_top(&run->pq, key, top->tag, top->data, NULL, NULL);
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
    if (run->kind == HOLD_SIM_EVENT) {
        if (es_sim_init(&run->sim, size) != ES_OK)
            return ES_ENOMEM;
        int type = es_sim_register(&run->sim, on_hold, run);
        for (size_t i = 0; i < size && status == ES_OK; i++)
            status = es_sim_schedule(&run->sim, bench_exponential(run->rng, 1.0), (uint32_t)type,
                                     i, NULL);
    } else {
        if (es_pq_init(&run->pq, size) != ES_OK)
            return ES_ENOMEM;
        for (size_t i = 0; i < size && status == ES_OK; i++)
            status = es_pq_push(&run->pq, bench_exponential(run->rng, 1.0), 0, i, NULL);
    }
    return status;
}

static void empty(hold_run *run)
{
    if (run->kind == HOLD_SIM_EVENT)
        es_sim_destroy(&run->sim);
    else
        es_pq_destroy(&run->pq);
}

/* Hold operations per second at a calendar of `size` events: the best of `windows` timings
 * of at least `window_seconds` each (the best, since interference only ever slows a run),
 * after a warm-up that lets the event times spread out.  NAN when out of memory. */
static double holds_per_second(hold_kind kind, size_t size, int windows, double window_seconds,
                               gsl_rng *rng)
{
    hold_run run = {.kind = kind, .rng = rng};
    double best = NAN;
    if (fill(&run, size) != ES_OK || hold(&run, size < 100000 ? 100000 : size) != ES_OK)
        goto done;
    for (int w = 0; w < windows; w++) {
        uint64_t ops = 0;
        double start = bench_cpu_seconds(), elapsed;
        do {
            if (hold(&run, BATCH_OPS) != ES_OK) {
                best = NAN;
                goto done;
            }
            ops += BATCH_OPS;
            elapsed = bench_cpu_seconds() - start;
        } while (elapsed < window_seconds);
        double rate = (double)ops / elapsed;
        if (!(rate <= best))
            best = rate;
    }
done:
    empty(&run);
    return best;
}

int main(int argc, char **argv)
{
    static const size_t full_sizes[] = {10, 100, 1000, 10000, 100000, 1000000};
    static const size_t quick_sizes[] = {10, 1000, 100000};
    bool quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    if (argc > 2 || (argc == 2 && !quick)) {
        fprintf(stderr, "usage: %s [--quick]\n", argv[0]);
        return 2;
    }
    const size_t *sizes = quick ? quick_sizes : full_sizes;
    size_t nsizes = quick ? sizeof quick_sizes / sizeof *quick_sizes
                          : sizeof full_sizes / sizeof *full_sizes;
    int windows = quick ? 2 : 5;
    double window_seconds = 0.1;

    gsl_rng *rng = es_rng_alloc(es_rng_xoshiro256p, 1, 0, "hold");
    if (!rng) {
        fprintf(stderr, "bench_hold: out of memory\n");
        return 1;
    }
    printf("hold model: pop the earliest event, push it back at +Exp(1); million holds/s\n");
    printf("%14s %14s %18s %16s\n", "calendar size", "es_pq pop+push", "es_pq replace_top",
           "es_sim events");
    int status = 0;
    for (size_t i = 0; i < nsizes; i++) {
        double rate[HOLD_KINDS];
        for (int k = 0; k < HOLD_KINDS; k++) {
            rate[k] = holds_per_second((hold_kind)k, sizes[i], windows, window_seconds, rng);
            if (isnan(rate[k]))
                status = 1;
        }
        printf("%14zu %14.2f %18.2f %16.2f\n", sizes[i], rate[HOLD_POP_PUSH] / 1e6,
               rate[HOLD_REPLACE_TOP] / 1e6, rate[HOLD_SIM_EVENT] / 1e6);
        fflush(stdout);
    }
    gsl_rng_free(rng);
    if (status)
        fprintf(stderr, "bench_hold: out of memory\n");
    return status;
}

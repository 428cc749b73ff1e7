/* Hold-model benchmark of the event calendar.
 *
 * The classic hold model: fill the calendar with `size` events, then repeat "hold" — take
 * the earliest event and put it back at its time plus an Exp(1) increment.  The size stays
 * constant, so hold operations per second at each size show how the calendar scales.  Two
 * variants are timed: es_pq_pop + es_pq_push on the bare heap, and es_sim events whose
 * handler reschedules itself (what a model pays per event, handler dispatch included).
 * Increments are drawn with gsl_ran_exponential on essim's xoshiro256+.
 *
 * Usage: bench_hold [--quick]
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "bench_clock.h"
#include "engine/error.h"
#include "engine/pq.h"
#include "engine/rng.h"
#include "engine/sim.h"

enum { BATCH_OPS = 1 << 16 };

typedef struct hold_run {
    gsl_rng *rng;
    uint64_t remaining; /* es_sim variant: hold events left in this batch */
} hold_run;

static uint64_t warmup_ops(size_t size)
{
    return size < 100000 ? 100000 : size;
}

static int pq_hold(es_pq *pq, gsl_rng *rng, uint64_t ops)
{
    for (uint64_t i = 0; i < ops; i++) {
        es_pq_item it;
        es_pq_pop(pq, &it);
        if (es_pq_push(pq, it.key + gsl_ran_exponential(rng, 1.0), it.tag, it.data, NULL) != ES_OK)
            return ES_ENOMEM;
    }
    return ES_OK;
}

/* es_pq pop + push hold operations per second at a calendar of `size` items. */
static double pq_ops_per_second(size_t size, double min_seconds, gsl_rng *rng)
{
    es_pq pq;
    if (es_pq_init(&pq, size) != ES_OK)
        return NAN;
    for (size_t i = 0; i < size; i++)
        if (es_pq_push(&pq, gsl_ran_exponential(rng, 1.0), 0, i, NULL) != ES_OK)
            goto fail;
    if (pq_hold(&pq, rng, warmup_ops(size)) != ES_OK)
        goto fail;
    uint64_t ops = 0;
    double start = bench_seconds(), elapsed;
    do {
        if (pq_hold(&pq, rng, BATCH_OPS) != ES_OK)
            goto fail;
        ops += BATCH_OPS;
        elapsed = bench_seconds() - start;
    } while (elapsed < min_seconds);
    es_pq_destroy(&pq);
    return (double)ops / elapsed;
fail:
    es_pq_destroy(&pq);
    return NAN;
}

static void on_hold(es_sim *sim, const es_event *ev, void *ctx)
{
    hold_run *run = ctx;
    if (es_sim_schedule(sim, gsl_ran_exponential(run->rng, 1.0), ev->type, ev->data, NULL) != ES_OK
        || --run->remaining == 0)
        es_sim_stop(sim);
}

static int sim_hold(es_sim *sim, hold_run *run, uint64_t ops)
{
    run->remaining = ops;
    return es_sim_run(sim, INFINITY) == ops ? ES_OK : ES_ENOMEM;
}

/* es_sim hold events per second (handler reschedules itself) at a calendar of `size`. */
static double sim_events_per_second(size_t size, double min_seconds, gsl_rng *rng)
{
    es_sim sim;
    hold_run run = {.rng = rng};
    if (es_sim_init(&sim, size) != ES_OK)
        return NAN;
    int type = es_sim_register(&sim, on_hold, &run);
    for (size_t i = 0; i < size; i++)
        if (es_sim_schedule(&sim, gsl_ran_exponential(rng, 1.0), (uint32_t)type, i, NULL) != ES_OK)
            goto fail;
    if (sim_hold(&sim, &run, warmup_ops(size)) != ES_OK)
        goto fail;
    uint64_t ops = 0;
    double start = bench_seconds(), elapsed;
    do {
        if (sim_hold(&sim, &run, BATCH_OPS) != ES_OK)
            goto fail;
        ops += BATCH_OPS;
        elapsed = bench_seconds() - start;
    } while (elapsed < min_seconds);
    es_sim_destroy(&sim);
    return (double)ops / elapsed;
fail:
    es_sim_destroy(&sim);
    return NAN;
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
    double min_seconds = quick ? 0.1 : 0.5;

    gsl_rng *rng = es_rng_alloc(es_rng_xoshiro256p, 1, 0, "hold");
    if (!rng) {
        fprintf(stderr, "bench_hold: out of memory\n");
        return 1;
    }
    printf("hold model: pop the earliest event, push it back at +Exp(1) (xoshiro256+)\n");
    printf("%14s %18s %18s\n", "calendar size", "es_pq holds/s", "es_sim events/s");
    int status = 0;
    for (size_t i = 0; i < nsizes; i++) {
        double pq_rate = pq_ops_per_second(sizes[i], min_seconds, rng);
        double sim_rate = sim_events_per_second(sizes[i], min_seconds, rng);
        if (isnan(pq_rate) || isnan(sim_rate))
            status = 1;
        printf("%14zu %16.2f M %16.2f M\n", sizes[i], pq_rate / 1e6, sim_rate / 1e6);
        fflush(stdout);
    }
    gsl_rng_free(rng);
    if (status)
        fprintf(stderr, "bench_hold: out of memory\n");
    return status;
}

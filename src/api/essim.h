/* essim's public API: describe a job (run, compare, sweep, merge or check), let the library
 * load its inputs and decide what it is, check and lock its output folder, run it, write it.
 *
 * Every object is an opaque handle on the heap; nothing here pulls in libconfig, GSL or the
 * model.  The library keeps no mutable static state, so two jobs may run at once on two
 * threads of one process (tests/unit/test_reentrant.c does) — with three documented
 * process-wide exceptions: essim_init (MPI and GSL's error handler, once, before any job),
 * and the stop flag of essim_stop (a signal is for the whole process).
 *
 * The command-line program (src/cli/main.c) is a thin client of this header: it parses
 * arguments into an essim_request, draws the progress it is told of, and prints the result. */
#ifndef ESSIM_H
#define ESSIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/error.h"

typedef enum essim_command {
    ESSIM_RUN,     /* a scenario's replications; a comparison when the scenario lists several
                    * funding models (funding_models = [...]) */
    ESSIM_COMPARE, /* a scenario under each of funding_files, on the same client flows; or
                    * the scenario (the base) against arms, on common random numbers */
    ESSIM_SWEEP,   /* a scenario over a grid of one or two settings (params) */
    ESSIM_MERGE,   /* the slices of one run (dirs) into the folder a single run would write */
    ESSIM_CHECK,   /* load and validate only */
} essim_command;

/* What a job turned out to be, once the library has read its inputs. */
typedef enum essim_kind {
    ESSIM_KIND_RUN,
    ESSIM_KIND_COMPARISON,
    ESSIM_KIND_SWEEP,
    ESSIM_KIND_CHECK,
} essim_kind;

/* What a job is doing, for a progress line. */
typedef enum essim_phase {
    ESSIM_PHASE_SIMULATING, /* replications: done of total */
    ESSIM_PHASE_WRITING,    /* the output folder: tables, plots, report (done 0 of total 1) */
} essim_phase;

typedef struct essim_progress {
    essim_phase phase;
    const char *what; /* what is being simulated, for people: a funding model's name, "2 funding
                       * models, priced together", "point 3 of 8"; "" for a plain run */
    double done;      /* replications finished, plus the simulated share of those under way */
    int total;        /* replications of the current batch (--precision runs batches) */
} essim_progress;

/* Told while replications run, from whichever worker thread advanced, one call at a time, a
 * few times a second at most and whenever a replication finishes; then once as the output
 * folder is written. */
typedef void essim_progress_fn(void *user, const essim_progress *p);

/* compare: an arm to set against the base scenario, on common random numbers. */
typedef struct essim_arm {
    const char *file;
    bool overlay; /* an overlay read over the base (after its own --overlay and --set), not a
                   * scenario of its own (which takes the --overlay and --set too) */
} essim_arm;

typedef struct essim_request {
    essim_command command;
    const char *scenario;      /* run, compare, sweep, check */
    const char *const *funding_files; /* compare: the funding models (the first is the baseline) */
    int nfunding_files;
    const essim_arm *arms;     /* compare: instead of funding_files, arms against the scenario
                                * (the base), each run with the same seed (up to 7) */
    int narms;
    const char *const *params; /* sweep: "PATH=V1,V2,..." (one or two) */
    int nparams;
    const char *const *dirs;   /* merge: the slice folders */
    int ndirs;
    const char *const *overlays; /* run, compare, check, diff: files of keys read over the
                                  * scenario, in order (--overlay) */
    int noverlays;
    const char *const *sets;   /* run, compare, check, diff: "PATH=VALUE", read after the
                                * overlays and checked by the key table (--set) */
    int nsets;

    int replications;     /* 0: from the scenario */
    long long seed;       /* < 0: from the scenario */
    int jobs;             /* worker threads; 0: number of cores */
    bool full_ledger;     /* write ledger.csv with every payment */
    bool behavioural;     /* compare: providers respond to prices */
    double precision;     /* > 0: add replications until the headline half-widths are within it */
    int max_replications; /* with precision; 0: 100 */
    int range_first, range_last; /* run: only these replications (1-based), kept for merge */
    bool warmup_auto;     /* run, compare, sweep: choose the warm-up by MSER-5 from a pilot of
                           * the replications (refused for inputs that change with the date) */
    const char *command_line;    /* recorded in manifest.json */
    essim_progress_fn *progress; /* NULL: told nothing */
    void *progress_user;
} essim_request;

typedef struct essim_job essim_job;

/* Reads the job's inputs (scenario, funding models, sweep settings, slices) and decides its
 * kind; simulates nothing.  *out is NULL after a failure. */
int essim_job_new(essim_job **out, const essim_request *rq, es_error *err);
void essim_job_free(essim_job *job);

essim_kind essim_job_kind(const essim_job *job);

/* Checks and locks the output folder before the work (an --out essim may not replace, or one
 * another essim holds, is refused here, ES_EINVAL); the job's input files are protected.
 * Under mpirun rank 0 alone checks, and every rank gets its answer. */
int essim_job_open_output(essim_job *job, const char *dir, es_error *err);
/* Runs the replications (every rank, under mpirun). */
int essim_job_run(essim_job *job, es_error *err);
/* Writes the output folder as a whole (rank 0; the others return ES_OK) and releases it. */
int essim_job_write(essim_job *job, es_error *err);

/* What a finished (or, for check, loaded) job did, for people. */
typedef struct essim_summary {
    essim_kind kind;
    char name[256];       /* the scenario's name */
    int replications;     /* per model or point (a sweep: the first point's) */
    int replications_fewest, replications_most; /* sweep: over its points (with --precision
                                                 * each stops at its own count) */
    int models;           /* comparison: funding models, or arms with the base */
    bool arms;            /* comparison of arms */
    int flows_differ;     /* comparison: replications whose client flows differ between runs */
    int points;           /* sweep */
    int slices;           /* merge */
    uint64_t events;      /* run */
    double wall_seconds;  /* run */
    bool precision_asked, precision_reached;
    double warmup_days;   /* run, comparison: the warm-up deleted (0: none) */
    bool warmup_auto;     /* chosen by --warmup auto */
    bool behavioural;
    int streams, catchments; /* check */
    int funding_models;      /* check: how many funding models the scenario names */
    char funding[1024];      /* check: their names, "A", "A and B" or "A, B and C"; or "" */
} essim_summary;

void essim_job_summary(const essim_job *job, essim_summary *out);

/* Process-wide, once: MPI (when built with it; argc/argv may be changed) and GSL's error
 * handler (off: essim checks every status itself). */
void essim_init(int *argc, char ***argv);
void essim_finalize(void);
/* Whether this process speaks and writes (rank 0, or the only process). */
bool essim_is_root(void);
bool essim_built_with_mpi(void);

/* For a signal handler (async-signal-safe): while an output folder is being written, records
 * the signal and returns true — that output is then discarded and the folder it would replace
 * left as it was; otherwise returns false and the handler may end the process at once.
 * essim_stopped gives the recorded signal, or 0. */
bool essim_stop(int sig);
int essim_stopped(void);

/* The file a name given on the command line stands for, when it is not a file where essim
 * runs: the first shipped file of that name (NAME, or for a bare name scenarios/NAME and
 * scenarios/NAME.cfg) in the folders of $ESSIM_PATH (colon-separated), then in the data folder
 * of an installed essim (PREFIX/share/essim beside PREFIX/bin/essim), then in that of the
 * configured install prefix.  A new string for the caller to free; NULL when the name is to be
 * used as written (it exists, it is absolute, or no folder has it; or out of memory). */
char *essim_find_input(const char *name);

/* Loads the scenarios of `a` and `b` (each with its overlays and sets) and prints every key
 * whose effective value differs, one a line: "PATH: A_VALUE (FILE:LINE) -> B_VALUE (FILE:LINE)",
 * where FILE:LINE is what set the value ("--set", or "default" for a key no file sets), or
 * "no differences".  *ndiffering, if not NULL, is the number of lines. */
int essim_diff(const essim_request *a, const essim_request *b, FILE *out, int *ndiffering,
               es_error *err);

/* Prints the key reference of "scenario" or "funding" files (Markdown); ES_EINVAL for any
 * other kind. */
int essim_reference_write(const char *kind, FILE *out, es_error *err);

#endif

/* The library's internal API: the experiment, comparison and sweep structures and the calls
 * that run and write them.  api/essim.h is the public, opaque API built on it; the tests and
 * the writers in src/api use this one. */
#ifndef ES_API_INTERNAL_H
#define ES_API_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>

#include "api/essim.h"
#include "engine/error.h"
#include "engine/results.h"
#include "funding/ledger.h"
#include "io/scenario.h"
#include "io/text.h"
#include "model/system.h"

typedef struct es_run_options {
    int replications; /* 0: from the scenario */
    long long seed;   /* < 0: from the scenario */
    int jobs;         /* worker threads; 0: number of cores */
    bool full_ledger; /* write ledger.csv with every payment */
    bool behavioural; /* compare: providers respond to prices (see es_behaviour_params) */
    const char *command; /* the command line, recorded in manifest.json */
    double precision;     /* > 0: add replications until every headline measure's 95 % half-width
                           * is within this share of its mean (or max_replications is reached) */
    int max_replications; /* with precision; 0: ES_PRECISION_DEFAULT_CAP */
    int range_first, range_last; /* > 0: run only replications range_first..range_last (1-based,
                                  * both included) of the scenario's, and keep them for essim
                                  * merge (slice.essim in the output folder) */
    essim_progress_fn *progress; /* may be NULL */
    void *progress_user;
    const char *progress_what; /* essim_progress.what while simulating; NULL: "" */
    bool warmup_auto; /* the warm-up chosen by MSER-5 from a pilot (api/warmup.c) */
    bool spill_always; /* keep replications on disk however few (tests: same bytes either way) */
} es_run_options;

typedef struct es_replication {
    unsigned number; /* 1-based */
    es_results results;
    es_ledger ledger;
    es_finance finance;
    FILE *ledger_rows; /* temporary file of full ledger rows, or NULL */
    es_open_tables open;
    uint64_t events;
    uint64_t event_fingerprint; /* hash of every model event, in order */
    /* kept on disk (api/spill.c): its whole-run observations, in their order, as keys of the
     * experiment's table of (measure, group) (NULL: the sequence most share); their values
     * follow its packed bytes in the file; results is then empty */
    uint32_t *whole_key;
    size_t nwhole;
} es_replication;

typedef struct es_spill es_spill; /* replications kept on disk (api/spill.c) */

typedef struct es_experiment {
    es_scenario scenario;          /* parameters as run (seed and replications applied) */
    const char *command;           /* from the run options, for the manifest */
    const es_funding_model *funding; /* NULL: no payments */
    int nreps;
    es_replication *reps;
    double wall_seconds;    /* of its replications; when priced with others (compare), of the
                               whole group on its first member and 0 on the rest */
    double precision;       /* --precision asked (0: none) */
    int precision_cap;      /* the most replications it could run */
    bool precision_reached; /* with --precision: every headline half-width within it */
    unsigned first_number;  /* number of reps[0]: 1, or a slice's first replication */
    bool slice;             /* a slice of the scenario's replications: write slice.essim */
    int total_replications; /* of the whole run the slice belongs to */
    bool warmup_auto;       /* scenario.params.warmup_days was chosen by --warmup auto */
    es_spill *spill;        /* NULL: every replication whole in reps */
} es_experiment;

/* Keeping replications (api/spill.c).  An experiment that may hold more than ES_SPILL_ABOVE
 * replications (or run with spill_always) keeps each on disk once it is finished: the record in
 * reps[r] keeps its number, events, fingerprint and the keys of its whole-run values (what
 * aggregation, the stopping rule and paired differences read; usually one sequence all share),
 * and loses everything else (the values themselves, which follow the packed replication in the
 * file, monthly observations, ledger, finance, open-data tables, ledger rows).  Whole-run values are read through es_experiment_value, _whole_run and
 * _aggregate.  Whoever reads those goes through
 * es_experiment_load, which gives the record itself when it is whole, or the replication read
 * back into the cache (kept there while the same r is asked for again). */
#define ES_SPILL_ABOVE 32
int es_spill_start(es_experiment *x, int cap, es_error *err);
/* A temporary file could not be made or written (errno says why): ES_ENOMEM, "out of memory",
 * when an allocation failed, else ES_EIO naming `what`. */
int es_temp_file_error(es_error *err, const char *what);
void es_spill_free(es_experiment *x);
/* Replication r's whole-run value of (measure, group), whether kept on disk or not: 0, or -1
 * when it has none (as es_results_get) or a kept replication's value cannot be read back. */
int es_experiment_value(const es_experiment *x, int r, const char *measure, const char *group,
                        double *value);
/* Appends replication r's whole-run observations to out: ES_OK, ES_ENOMEM, or ES_EIO when a
 * kept replication's values cannot be read back. */
int es_experiment_whole_run(const es_experiment *x, int r, es_results *out);
/* Aggregates the whole-run observations of x's replications by key (api/aggregate.h), keeping
 * every value when `paired` (for paired differences), else only each key's tally. */
struct es_aggregate;
int es_experiment_aggregate(const es_experiment *x, struct es_aggregate *a, bool paired,
                            es_error *err);
/* Called once a replication is finished (from any worker thread, each its own r): writes it to
 * disk and shrinks reps[r], when x keeps replications on disk; else does nothing. */
int es_experiment_keep(es_experiment *x, int r, es_error *err);
/* Appends replication r, packed as es_replication_pack does, to t: ES_OK, ES_ENOMEM, ES_EIO. */
int es_experiment_pack(const es_experiment *x, int r, es_text *t);
typedef struct es_rep_cache {
    const es_experiment *x; /* of the replication held, when r >= 0 */
    int r;
    es_replication rep;
} es_rep_cache;
void es_rep_cache_init(es_rep_cache *c);
void es_rep_cache_free(es_rep_cache *c);
int es_experiment_load(const es_experiment *x, int r, es_rep_cache *c, const es_replication **out,
                       es_error *err);

/* --warmup auto (api/warmup.c).  es_warmup_check_stationary refuses (ES_EINVAL, saying why) a
 * scenario whose inputs change with the date: seasonal arrivals, a catchment that opens after
 * the start, a minimum wage, labour-market conditions or shocks dated within the run, seasonal
 * vacancies, or a funding model's contract-year schedule.  es_warmup_choose runs replications
 * first_number .. first_number + p->replications - 1 on `jobs` threads, recording the daily
 * mean wait and clients in the system, and gives the largest MSER-5 truncation over both series
 * and every replication, in days; ES_EINVAL when a series has not settled within the first
 * half of a replication. */
int es_warmup_check_stationary(const es_scenario *s, const es_funding_model *f, es_error *err);
int es_warmup_choose(const es_params *p, unsigned first_number, int jobs, double *days,
                     es_error *err);

/* --precision: replications run before the stopping rule is first tried (more when the
 * scenario asks for more), and the cap when --max-replications is not given.  See
 * docs/experiments.md, "Output analysis". */
#define ES_PRECISION_FIRST_STAGE 20
#define ES_PRECISION_DEFAULT_CAP 100

/* Runs every replication of a loaded scenario under its own funding model. */
int es_experiment_run(es_experiment *x, const es_scenario *s, const es_run_options *opt,
                      es_error *err);

/* Price once: n scenarios that differ in their funding model only (an accounting comparison)
 * run as one simulation per replication, each model's funder observing the same events, so
 * xs[k] holds what es_experiment_run(&xs[k], s[k], ...) would, byte for byte.  With
 * --precision all stop together, at the first count where every model's headline measures
 * are precise enough (or at the cap). */
int es_experiment_run_priced(es_experiment *xs, int n, const es_scenario *const *s,
                             const es_run_options *opt, es_error *err);
void es_experiment_destroy(es_experiment *x);

/* Mean and 95 % Student-t half-width over replications of a whole-run measure; returns the
 * number of replications that report it (0 when none do). */
int es_experiment_measure(const es_experiment *x, const char *measure, const char *group,
                          double *mean, double *halfwidth);

/* Runs one replication into `rep` (numbered from 1). */
int es_replication_run(es_replication *rep, const es_params *p, const es_funding_model *f,
                       unsigned number, bool full_ledger, es_error *err);

/* Runs one replication and prices it under n funding models (models[k] NULL: no payments),
 * one record each: the same model events, results and open-data counts in every record, each
 * model's ledger, cash and spend measures in its own.  on_progress (when not NULL) is told the
 * share of the horizon simulated, as es_model_set_progress does.  The records can be
 * destroyed whatever it returns. */
#define ES_MAX_PRICED 8
int es_replication_run_priced(es_replication *const *reps, int n, const es_params *p,
                              const es_funding_model *const *models, unsigned number,
                              bool full_ledger, void (*on_progress)(void *ctx, double fraction),
                              void *progress_ctx, es_error *err);
void es_replication_destroy(es_replication *rep);

/* Slices: the replications of a run with --replication-range, saved as FOLDER/slice.essim
 * (with what is needed to check that slices belong together), and essim merge, which loads
 * the slices of one scenario into one experiment (its outputs byte-identical to a single run
 * of every replication). */
int es_slice_write(const es_experiment *x, const char *folder, es_error *err);
int es_merge_load(es_experiment *x, const char *const *dirs, int ndirs, const char *command,
                  es_error *err);

/* An output folder: from es_output_open to es_output_close, checked and locked.
 * es_output_open refuses (ES_EINVAL, with what to do) a folder essim may not replace: one
 * holding anything but the files its manifest.json lists, each as written (an empty folder is
 * fine), a symbolic link, the root or home folder, the current folder or one above it, or one
 * holding any of `protect` (the run's input files and folders); and a folder another essim
 * holds (the lock DIR.essim-lock beside it, removed at close).  It removes the temporary
 * siblings killed runs left.  An --out longer than ES_OUT_PATH_MAX bytes is refused. */
#define ES_OUT_PATH_MAX 768 /* room below it for the paths essim writes (models/N-NAME/plots/...)
                             * within the writers' 1,100-byte path buffers */
typedef struct es_output_folder {
    char *dir;       /* as given, trailing slashes removed */
    const char *base; /* its last component */
    char *tmp;       /* from es_output_begin to es_output_commit: the folder being written */
    char *lock_path;
    int lock_fd; /* -1: not held */
} es_output_folder;

int es_output_open(es_output_folder *o, const char *dir, const char *const *protect, int nprotect,
                   es_error *err);
void es_output_close(es_output_folder *o);

/* Writes the output folder as a whole: into a temporary sibling swapped with the folder at
 * the end, so a failed run leaves the previous results untouched. */
int es_output_write(const es_experiment *x, es_output_folder *o, es_error *err);

/* Draws a run's plots into FOLDER/plots (PNG and SVG). */
int es_run_plots(const es_experiment *x, const char *folder, es_error *err);
/* Writes FOLDER/report.html: one self-contained page (plots inline) for provider days. */
int es_report_write(const es_experiment *x, const char *folder, es_error *err);

/* The steps of es_output_write, for writers of several experiments into one folder:
 * begin makes the temporary sibling o->tmp; files writes one experiment's files into a folder;
 * commit swaps o->tmp into place when rc is ES_OK (and the previous folder is still essim's
 * alone), else removes it, and returns rc. */
int es_output_begin(es_output_folder *o, es_error *err);
/* What es_output_files leaves out (ES_OUTPUT_ALL: nothing).  A comparison's baseline folder
 * omits the ledger summary, which the comparison's top level holds already: it is the largest
 * table, half of the default job's folder when written twice. */
enum { ES_OUTPUT_ALL = 0, ES_OUTPUT_NO_LEDGER_SUMMARY = 1 << 0 };
int es_output_files(const es_experiment *x, const char *folder, unsigned omit, es_error *err);
int es_output_commit(es_output_folder *o, int rc, es_error *err);
/* Appends all that f holds to t and closes f: ES_OK, ES_EIO when reading failed, or
 * ES_ENOMEM (api/read_all.c). */
int es_read_all(FILE *f, es_text *t);
/* Makes the folder DIR/NAME inside a folder being written (one already there is kept) and
 * gives its path through *path, on the heap: the caller frees it.  ES_EIO naming the folder,
 * or ES_ENOMEM. */
int es_output_subfolder(const char *dir, const char *name, char **path, es_error *err);

/* Signals while an output folder is being written.  es_output_stop is for a signal handler
 * (async-signal-safe): while a temporary folder exists (es_output_begin to es_output_commit)
 * it records the signal and returns true, and that output is then discarded at its commit
 * (ES_ESTOPPED), the folder it would have replaced left as it was; otherwise it returns false
 * and the handler may end the process at once, there being nothing to clean up.
 * es_output_stopped gives the recorded signal, or 0. */
bool es_output_stop(int sig);
int es_output_stopped(void);

/* Inputs a manifest lists beyond its scenario's: a comparison's funding models (8 at most),
 * or its arms' files (each arm's scenario with what it includes). */
#define ES_MANIFEST_EXTRA_INPUTS (ES_MAX_INPUT_FILES * 2)

/* manifest.json in an output folder: version, command, seed, SHA-256 of inputs and outputs. */
typedef struct es_manifest_info {
    const es_scenario *scenario;
    const char *command;
    int replications;
    double wall_seconds;    /* of its replications; when priced with others (compare), of the
                               whole group on its first member and 0 on the rest */
    double precision;        /* --precision asked (0: none), its cap and whether it was met */
    int precision_cap;
    bool precision_reached;
    bool warmup_auto; /* the scenario's warmup_days was chosen by --warmup auto */
    int nextra_inputs; /* e.g. the funding models of a comparison, the arms' files */
    const char *extra_inputs[ES_MANIFEST_EXTRA_INPUTS];
} es_manifest_info;

int es_manifest_write(const char *folder, const es_manifest_info *info, es_error *err);

/* Writes an output folder as one transaction: es_output_begin, then `fill` writes its files
 * into dir (the temporary folder) and describes them in *info, then the manifest from info,
 * then es_output_commit.  Run, compare and sweep folders are all written this way. */
typedef int (*es_output_fill)(const char *dir, const void *ctx, es_manifest_info *info,
                              es_error *err);
int es_output_transaction(es_output_folder *o, es_output_fill fill, const void *ctx,
                          es_error *err);

/* Comparing funding models on the same client flows, or arms (a reform's scenarios) against a
 * base on common random numbers. */
#define ES_MAX_COMPARED 8

typedef struct es_comparison {
    int nmodels; /* runs compared: funding models, or arms (the base first) */
    bool behavioural;
    bool arms; /* scenarios compared, not funding models: client flows may differ */
    char names[ES_MAX_COMPARED][ES_NAME_MAX * 2]; /* each run's: its model's, or its arm's */
    const char *arm_files[ES_MAX_COMPARED];       /* arms: the scenario or overlay file of each */
    const es_scenario *scenarios[ES_MAX_COMPARED]; /* while it runs: each run's scenario */
    es_funding_model models[ES_MAX_COMPARED]; /* funding models compared (unused for arms) */
    es_experiment runs[ES_MAX_COMPARED]; /* same scenario and seed: common random numbers */
    /* behavioural comparisons: each model's accounting run, and the expected net revenue per
     * client by stream (dollars) that providers respond to, estimated from it */
    es_experiment accounting[ES_MAX_COMPARED];
    double value_by_stream[ES_MAX_COMPARED][ES_MAX_STREAMS];
} es_comparison;

/* Loads each funding file against the scenario and runs the scenario under each. */
int es_compare_run(es_comparison *c, const es_scenario *s, const char *const *funding_files,
                   int nfiles, const es_run_options *opt, es_error *err);
/* An arm of a comparison of scenarios: its scenario as loaded, its name and the file that made
 * it (a scenario, or an overlay read over the base). */
typedef struct es_compare_arm {
    const es_scenario *scenario;
    const char *name, *file;
} es_compare_arm;
/* Runs each arm (arms[0] the base) as an experiment of its own, with the same seed and
 * replications: the arms differ in more than funding, so they are not priced together.  With
 * --precision, every arm is brought to the largest count any needed.  Names must differ. */
int es_compare_run_arms(es_comparison *c, const es_compare_arm *arms, int narms,
                        const es_run_options *opt, es_error *err);
/* The replications in which some run's event fingerprint differs from the first run's: 0 when
 * every run saw the same client flows. */
int es_compare_flows_differ(const es_comparison *c);
void es_compare_destroy(es_comparison *c);
/* Writes the comparison folder: comparison.csv, comparison_differences.csv (paired, against
 * the first model), event_fingerprints.csv, plots, and models/NAME/ with each run's files. */
int es_compare_write(const es_comparison *c, es_output_folder *out, es_error *err);
/* Writes FOLDER/report.html for a comparison (its plots must be drawn first). */
int es_compare_report(const es_comparison *c, const char *folder, es_error *err);

/* Parameter sweeps: a grid of one or two scenario settings, each point run with the same seed. */
#define ES_MAX_SWEEP_PARAMS 2
#define ES_MAX_SWEEP_VALUES 32

typedef struct es_sweep_param {
    char path[256];
    int nvalues;
    char values[ES_MAX_SWEEP_VALUES][128];
} es_sweep_param;

typedef struct es_sweep_point {
    int value_index[ES_MAX_SWEEP_PARAMS];
    int nreps;
    es_results *results; /* one per replication */
} es_sweep_point;

typedef struct es_sweep {
    int nparams;
    es_sweep_param params[ES_MAX_SWEEP_PARAMS];
    int npoints;
    es_sweep_point *points;
    bool has_funding;
    char scenario_name[ES_NAME_MAX * 2];
    es_scenario scenario; /* the first point, for the manifest */
    const char *command;
    double wall_seconds;
    bool warmup_auto; /* each point's warm-up chosen by --warmup auto */
} es_sweep;

/* Parses "PATH=V1,V2,..." into a sweep parameter. */
int es_sweep_param_parse(es_sweep_param *p, const char *text, es_error *err);
/* Runs every point of the grid (the scenario is loaded anew with each point's values). */
int es_sweep_run(es_sweep *sw, const char *scenario_path, const es_run_options *opt, es_error *err);
void es_sweep_destroy(es_sweep *sw);
/* Writes sweep.csv and the sweep plots into an output folder replaced as a whole. */
int es_sweep_write(const es_sweep *sw, es_output_folder *out, es_error *err);

#endif

/* essim command line: a thin client of the public API in src/api/essim.h. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "api/internal.h"
#include "api/parallel.h"

static const char usage[] =
    "usage: essim COMMAND [OPTIONS]\n"
    "\n"
    "Commands:\n"
    "  run SCENARIO      run the scenario's replications and write the output folder\n"
    "  sweep SCENARIO --param PATH=V1,V2,... [--param PATH2=...]\n"
    "                    run the scenario over a grid of one or two settings (same seed)\n"
    "  check SCENARIO    validate a scenario (and its funding model) only\n"
    "  compare SCENARIO --funding A.cfg,B.cfg,...\n"
    "                    run the scenario under each funding model on the same client flows\n"
    "                    (common random numbers) and write paired comparisons\n"
    "  merge DIR... [--out DIR]\n"
    "                    combine the slices of one run (run --replication-range) into the\n"
    "                    output folder a single run of every replication would write\n"
    "  reference KIND    print the key reference of 'scenario' or 'funding' files (Markdown)\n"
    "\n"
    "Options for run, compare and sweep:\n"
    "  --out DIR           output folder (default out/), replaced as a whole on success;\n"
    "                      only a new, empty or essim-written folder (see the user guide)\n"
    "  --replications N    number of replications (default: the scenario's, else 10)\n"
    "  --seed N            scenario seed (default: the scenario's)\n"
    "  --jobs N            worker threads (default: number of cores); results do not depend on it\n"
    "  --precision P       add replications until every headline measure's 95% confidence\n"
    "                      half-width is within P (e.g. 0.05) of its mean\n"
    "  --max-replications N  the most --precision may run (default 100)\n"
    "  --replication-range A:B  run: only replications A to B (1-based, both included) of\n"
    "                      the run's; the folder keeps them for essim merge\n"
    "  --ledger            also write ledger.csv with every payment\n"
    "  --funding LIST      compare: funding-model files, comma-separated (the first is the baseline)\n"
    "  --param PATH=V,...  sweep: a scenario setting and its values (twice for a grid)\n"
    "  --behavioural       compare: providers respond to prices (parking, intake selection);\n"
    "                      writes creaming.csv against each model's accounting run\n"
    "  --quiet             print nothing but errors\n"
    "\n"
    "  --help, --version\n"
    "\n"
    "Exit status: 0 success, 1 runtime failure (I/O, memory), 2 bad input.\n";

static char command_line[4096];

/* Under mpirun every rank runs the same commands on the same inputs; rank 0 alone writes the
 * outputs and speaks. */
static bool is_root(void) { return es_parallel_rank() == 0; }

static int fail(const es_error *err)
{
    char buf[2048];
    if (is_root())
        fprintf(stderr, "essim: %s\n", es_error_format(err, buf, sizeof buf));
    return es_exit_status(err->status);
}

static int usage_error(const char *fmt, const char *arg)
{
    if (!is_root())
        return 2;
    fputs("essim: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'essim --help'.\n", stderr);
    return 2;
}

/* Checks and locks the output folder before the work: refused when essim may not replace it
 * or cannot write beside it, or while another run writes it.  Under mpirun rank 0 alone
 * writes, so it alone checks, and every rank stops with its error. */
static int open_output(es_output_folder *od, const char *out, const char *const *protect,
                       int nprotect, es_error *err)
{
    *od = (es_output_folder){.lock_fd = -1};
    int rc = is_root() ? es_output_open(od, out, protect, nprotect, err) : ES_OK;
    return es_parallel_share(rc, err);
}

/* The files a scenario read, which the output folder must not hold; returns how many. */
static int inputs_of(const es_scenario *scn, const char **protect, int room)
{
    int n = 0;
    for (int i = 0; i < scn->ninputs && n < room; i++)
        protect[n++] = scn->inputs[i];
    return n;
}

static int parse_long(const char *text, long long min, long long max, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || end == text || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

typedef struct run_args {
    es_run_options opt;
    const char *out;
    const char *funding; /* compare: comma-separated files */
    int nparams;         /* sweep */
    const char *params[ES_MAX_SWEEP_PARAMS];
    const char *scenario;
} run_args;

enum { CMD_RUN, CMD_COMPARE, CMD_SWEEP };

/* Parses the options shared by run, compare and sweep; returns 0 or an exit status. */
static int parse_run_args(int argc, char **argv, int cmd, run_args *a)
{
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'},    {"replications", required_argument, NULL, 'r'},
        {"seed", required_argument, NULL, 's'},   {"jobs", required_argument, NULL, 'j'},
        {"ledger", no_argument, NULL, 'l'},       {"quiet", no_argument, NULL, 'q'},
        {"funding", required_argument, NULL, 'f'}, {"behavioural", no_argument, NULL, 'b'},
        {"param", required_argument, NULL, 'p'},   {"precision", required_argument, NULL, 'P'},
        {"max-replications", required_argument, NULL, 'M'},
        {"replication-range", required_argument, NULL, 'R'}, {NULL, 0, NULL, 0},
    };
    *a = (run_args){.opt = {.seed = -1, .command = command_line}, .out = "out/"};
    es_run_options *o = &a->opt;
    long long v;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': a->out = optarg; break;
        case 'p':
            if (cmd != CMD_SWEEP)
                return usage_error("%s", "--param goes with sweep");
            if (a->nparams == ES_MAX_SWEEP_PARAMS)
                return usage_error("%s", "sweep takes one or two --param");
            a->params[a->nparams++] = optarg;
            break;
        case 'f':
            if (cmd != CMD_COMPARE)
                return usage_error("%s", "--funding goes with compare");
            a->funding = optarg;
            break;
        case 'r':
            if (parse_long(optarg, 1, 100000, &v))
                return usage_error("--replications takes a whole number from 1 to 100000, not '%s'", optarg);
            o->replications = (int)v;
            break;
        case 's':
            if (parse_long(optarg, 0, LLONG_MAX, &v))
                return usage_error("--seed takes a whole number >= 0, not '%s'", optarg);
            o->seed = v;
            break;
        case 'j':
            if (parse_long(optarg, 1, 256, &v))
                return usage_error("--jobs takes a whole number from 1 to 256, not '%s'", optarg);
            o->jobs = (int)v;
            break;
        case 'l': o->full_ledger = true; break;
        case 'P': {
            char *end;
            errno = 0;
            o->precision = strtod(optarg, &end);
            if (errno || end == optarg || *end || !(o->precision > 0.0 && o->precision < 1.0))
                return usage_error("--precision takes a share between 0 and 1, such as 0.05, not '%s'",
                                   optarg);
            break;
        }
        case 'M':
            if (parse_long(optarg, 2, 100000, &v))
                return usage_error("--max-replications takes a whole number from 2 to 100000, not '%s'",
                                   optarg);
            o->max_replications = (int)v;
            break;
        case 'R': {
            int first, last, used = 0;
            if (cmd != CMD_RUN)
                return usage_error("%s", "--replication-range goes with run (use mpirun to spread "
                                         "a compare or a sweep)");
            if (sscanf(optarg, "%d:%d%n", &first, &last, &used) != 2 || optarg[used] != '\0' ||
                first < 1 || last < first)
                return usage_error("--replication-range takes A:B with 1 <= A <= B, such as 1:10, "
                                   "not '%s'",
                                   optarg);
            o->range_first = first;
            o->range_last = last;
            break;
        }
        case 'b':
            if (cmd != CMD_COMPARE)
                return usage_error("%s", "--behavioural goes with compare");
            o->behavioural = true;
            break;
        case 'q': o->quiet = true; break;
        default: return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    static const char *const names[] = {"run", "compare", "sweep"};
    if (optind != argc - 1)
        return usage_error("%s takes exactly one SCENARIO file", names[cmd]);
    if (cmd == CMD_COMPARE && !a->funding)
        return usage_error("%s", "compare needs --funding A.cfg,B.cfg,...");
    if (cmd == CMD_SWEEP && a->nparams == 0)
        return usage_error("%s", "sweep needs --param PATH=V1,V2,...");
    a->scenario = argv[optind];
    return 0;
}

static int compare_files(const es_scenario *scn, const run_args *a, const char *const *files, int n);

static int cmd_run(int argc, char **argv)
{
    run_args a;
    int status = parse_run_args(argc, argv, CMD_RUN, &a);
    if (status)
        return status;
    es_run_options opt = a.opt;
    const char *out = a.out;
    es_error err;
    es_error_clear(&err);
    static es_scenario scn;
    if (es_scenario_load(&scn, a.scenario, &err))
        return fail(&err);
    if (scn.nfunding_files > 1) {
        if (opt.range_first > 0)
            return usage_error("%s: --replication-range is for one funding model; this scenario "
                               "compares several (funding_models): use mpirun",
                               a.scenario);
        return compare_files(&scn, &a, NULL, 0); /* scenario.funding_models: a comparison */
    }
    const char *protect[ES_MAX_INPUT_FILES];
    es_output_folder od;
    if (open_output(&od, out, protect, inputs_of(&scn, protect, ES_MAX_INPUT_FILES), &err))
        return fail(&err);
    es_experiment x;
    int rc = es_experiment_run(&x, &scn, &opt, &err);
    if (!rc && is_root())
        rc = es_output_write(&x, &od, &err);
    es_output_close(&od);
    if (!rc && is_root() && opt.precision > 0.0 && !x.precision_reached)
        fprintf(stderr, "essim: note: the headline measures' 95%% half-widths are not all within "
                        "%g of their means after %d replications (--max-replications)\n",
                opt.precision, x.nreps);
    if (!rc && !opt.quiet && is_root()) {
        uint64_t events = 0;
        for (int i = 0; i < x.nreps; i++)
            events += x.reps[i].events;
        printf("essim: %s: %d replications, %llu events in %.2f s; results in %s\n",
               x.scenario.params.name, x.nreps, (unsigned long long)events, x.wall_seconds, out);
    }
    es_experiment_destroy(&x);
    return rc ? fail(&err) : 0;
}

/* Runs and writes a comparison of funding files (or of the scenario's own funding_models when
 * n is 0). */
static int compare_files(const es_scenario *scn, const run_args *a, const char *const *files, int n)
{
    const char *own[8];
    if (n == 0) {
        for (int i = 0; i < scn->nfunding_files; i++)
            own[i] = scn->funding_files[i];
        files = own;
        n = scn->nfunding_files;
    }
    es_error err;
    es_error_clear(&err);
    const char *protect[ES_MAX_INPUT_FILES + ES_MAX_COMPARED];
    int nprotect = inputs_of(scn, protect, ES_MAX_INPUT_FILES);
    for (int i = 0; i < n && i < ES_MAX_COMPARED; i++)
        protect[nprotect++] = files[i];
    es_output_folder od;
    if (open_output(&od, a->out, protect, nprotect, &err))
        return fail(&err);
    static es_comparison cmp;
    int rc = es_compare_run(&cmp, scn, files, n, &a->opt, &err);
    if (!rc && is_root())
        rc = es_compare_write(&cmp, &od, &err);
    es_output_close(&od);
    if (!rc && !a->opt.quiet && is_root())
        printf("essim: %s: %d funding models x %d replications, %s; results in %s\n",
               scn->params.name, n, cmp.runs[0].nreps,
               a->opt.behavioural ? "providers responding to prices" : "on the same client flows",
               a->out);
    es_compare_destroy(&cmp);
    return rc ? fail(&err) : 0;
}

static int cmd_compare(int argc, char **argv)
{
    run_args a;
    int status = parse_run_args(argc, argv, CMD_COMPARE, &a);
    if (status)
        return status;
    static char list[4096];
    snprintf(list, sizeof list, "%s", a.funding);
    const char *files[ES_MAX_COMPARED];
    int n = 0;
    for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
        if (n == ES_MAX_COMPARED)
            return usage_error("compare takes at most %s funding models", "8");
        files[n++] = tok;
    }
    if (n == 0)
        return usage_error("%s", "--funding names no file");
    es_error err;
    es_error_clear(&err);
    static es_scenario scn;
    if (es_scenario_load(&scn, a.scenario, &err))
        return fail(&err);
    return compare_files(&scn, &a, files, n);
}

static int cmd_sweep(int argc, char **argv)
{
    run_args a;
    int status = parse_run_args(argc, argv, CMD_SWEEP, &a);
    if (status)
        return status;
    es_error err;
    es_error_clear(&err);
    static es_sweep sw;
    sw.nparams = a.nparams;
    for (int k = 0; k < a.nparams; k++)
        if (es_sweep_param_parse(&sw.params[k], a.params[k], &err))
            return fail(&err);
    /* the files the scenario reads, for the output check (each point loads it anew) */
    static es_scenario base;
    const char *protect[ES_MAX_INPUT_FILES] = {a.scenario};
    int nprotect = 1;
    if (es_scenario_load(&base, a.scenario, &err) == ES_OK)
        nprotect = inputs_of(&base, protect, ES_MAX_INPUT_FILES);
    else if (err.status == ES_ENOMEM)
        return fail(&err);
    es_error_clear(&err); /* a scenario that needs the sweep's values: es_sweep_run says */
    es_output_folder od;
    if (open_output(&od, a.out, protect, nprotect, &err))
        return fail(&err);
    int rc = es_sweep_run(&sw, a.scenario, &a.opt, &err);
    if (!rc && is_root())
        rc = es_sweep_write(&sw, &od, &err);
    es_output_close(&od);
    if (!rc && !a.opt.quiet && is_root())
        printf("essim: %s: %d sweep points x %d replications; results in %s\n", sw.scenario_name,
               sw.npoints, sw.points[0].nreps, a.out);
    es_sweep_destroy(&sw);
    return rc ? fail(&err) : 0;
}

static int cmd_merge(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'}, {"quiet", no_argument, NULL, 'q'}, {NULL, 0, NULL, 0}};
    const char *out = "out/";
    bool quiet = false;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'q': quiet = true; break;
        default: return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind == argc)
        return usage_error("%s", "merge takes the folders of one run's slices");
    es_error err;
    es_error_clear(&err);
    es_output_folder od; /* never one holding a slice to merge */
    if (open_output(&od, out, (const char *const *)argv + optind, argc - optind, &err))
        return fail(&err);
    static es_experiment x;
    int rc = es_merge_load(&x, (const char *const *)argv + optind, argc - optind, command_line, &err);
    if (!rc && is_root())
        rc = es_output_write(&x, &od, &err);
    es_output_close(&od);
    if (!rc && !quiet && is_root())
        printf("essim: %s: %d slices, %d replications; results in %s\n", x.scenario.params.name,
               argc - optind, x.nreps, out);
    es_experiment_destroy(&x);
    return rc ? fail(&err) : 0;
}

static int cmd_check(int argc, char **argv)
{
    if (argc != 2)
        return usage_error("%s", "check takes exactly one SCENARIO file");
    es_error err;
    es_error_clear(&err);
    static es_scenario scn;
    if (es_scenario_load(&scn, argv[1], &err))
        return fail(&err);
    printf("%s: ok (%d streams, %d catchments%s%s)\n", argv[1], scn.params.nstreams,
           scn.params.ncatchments, scn.has_funding ? ", funding model " : "",
           scn.has_funding ? scn.funding.name : "");
    return 0;
}

static int cmd_reference(int argc, char **argv)
{
    if (argc != 2)
        return usage_error("%s", "reference takes 'scenario' or 'funding'");
    if (strcmp(argv[1], "scenario") == 0)
        es_schema_write_markdown(&es_scenario_schema, stdout);
    else if (strcmp(argv[1], "funding") == 0)
        es_schema_write_markdown(&es_funding_schema, stdout);
    else
        return usage_error("reference takes 'scenario' or 'funding', not '%s'", argv[1]);
    return ferror(stdout) ? 1 : 0;
}

static int dispatch(int argc, char **argv);

/* SIGINT, SIGTERM, SIGHUP: while an output folder is being written, finish quietly without it
 * (es_output_stop; the folder it would replace stays as it was, the temporary one is removed),
 * then die by the signal; at any other time, die at once: nothing is half-written. */
static void on_stop_signal(int sig)
{
    if (es_output_stop(sig))
        return;
    signal(sig, SIG_DFL);
    raise(sig);
}

static void catch_stop_signals(void)
{
    struct sigaction sa = {.sa_handler = on_stop_signal, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    static const int stops[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++) {
        struct sigaction old;
        /* a signal the shell told us to ignore (nohup, a background job) stays ignored */
        if (sigaction(stops[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(stops[i], &sa, NULL);
    }
}

int main(int argc, char **argv)
{
    es_parallel_init(&argc, &argv);
    catch_stop_signals();
    int status = dispatch(argc, argv);
    es_parallel_finalize();
    int sig = es_output_stopped();
    if (sig) { /* the shell sees the run killed by it, as without the handler */
        signal(sig, SIG_DFL);
        raise(sig);
    }
    return status;
}

static int dispatch(int argc, char **argv)
{
    size_t used = 0;
    for (int i = 0; i < argc && used + 2 < sizeof command_line; i++)
        used += (size_t)snprintf(command_line + used, sizeof command_line - used, "%s%s",
                                 i ? " " : "", i == 0 ? "essim" : argv[i]);
    gsl_set_error_handler_off();
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("essim %s\n", ESSIM_VERSION);
        if (es_parallel_built_with_mpi())
            printf("built with MPI: mpirun -n K essim ... spreads replications over K ranks\n");
        return 0;
    }
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "merge") == 0)
        return cmd_merge(argc - 1, argv + 1);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "compare") == 0)
        return cmd_compare(argc - 1, argv + 1);
    if (strcmp(cmd, "sweep") == 0)
        return cmd_sweep(argc - 1, argv + 1);
    if (strcmp(cmd, "reference") == 0)
        return cmd_reference(argc - 1, argv + 1);
    return usage_error("unknown command '%s'", cmd);
}

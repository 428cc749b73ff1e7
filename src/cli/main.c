/* essim command line: a thin client of the public API in src/api/essim.h — it parses the
 * arguments into a request, draws the progress it is told of and prints what was done. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "api/essim.h"
#include "cli/help.h"
#include "cli/progress.h"

static char command_line[4096];

static int fail(const es_error *err)
{
    char buf[2048];
    if (essim_is_root())
        fprintf(stderr, "essim: %s\n", es_error_format(err, buf, sizeof buf));
    return es_exit_status(err->status);
}

static int usage_error(const char *fmt, const char *arg)
{
    if (!essim_is_root())
        return 2;
    fputs("essim: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'essim --help'.\n", stderr);
    return 2;
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

#define ES_CLI_CHANGES_MAX 64 /* --set and --overlay, each */

/* --set and --overlay, shared by every command that loads a scenario; 0 or an exit status. */
static int add_change(int c, const char *arg, essim_request *o, const char **sets,
                      const char **overlays)
{
    int *n = c == 'S' ? &o->nsets : &o->noverlays;
    if (*n == ES_CLI_CHANGES_MAX)
        return usage_error(c == 'S' ? "at most %s --set" : "at most %s --overlay", "64");
    if (c == 'S' && !strchr(arg, '='))
        return usage_error("--set takes PATH=VALUE, not '%s'", arg);
    (c == 'S' ? sets : overlays)[(*n)++] = arg;
    return 0;
}

#define ES_CLI_FOUND_MAX (1 + 8 + 8 + ES_CLI_CHANGES_MAX) /* scenario, models, arms, overlays */

/* Names on the command line that are not files where essim runs but shipped ones
 * (essim_find_input, so that an installed essim finds scenarios/default.cfg from any folder):
 * the paths they stand for, freed after the job. */
typedef struct found_inputs {
    char *path[ES_CLI_FOUND_MAX];
    int n;
} found_inputs;

/* *name, or the shipped file it stands for; left as written when there is none (its error
 * comes when it is read). */
static void find_input(const char **name, found_inputs *found)
{
    if (!*name || found->n == ES_CLI_FOUND_MAX)
        return;
    char *path = essim_find_input(*name);
    if (path)
        *name = found->path[found->n++] = path;
}

static void found_inputs_free(found_inputs *found)
{
    for (int i = 0; i < found->n; i++)
        free(found->path[i]);
    found->n = 0;
}

typedef struct run_args {
    essim_request rq;
    const char *out;
    bool quiet;
    char funding_list[4096]; /* compare: --funding, cut at its commas */
    const char *funding[8];
    const char *params[2]; /* sweep */
    essim_arm arms[8];     /* compare: --against and --overlay-arm, in order */
    const char *sets[ES_CLI_CHANGES_MAX];
    const char *overlays[ES_CLI_CHANGES_MAX];
    found_inputs found;
} run_args;

/* An option that takes a count: its letter for getopt, its range, and where the count goes. */
typedef struct count_option {
    int letter;
    const char *name;
    long long min, max;
    int *count;
} count_option;

/* Sets the count of option `letter` from text; 0, or the usage exit status naming the range. */
static int parse_count(const count_option *options, size_t n, int letter, const char *text)
{
    for (size_t i = 0; i < n; i++) {
        const count_option *opt = &options[i];
        if (opt->letter != letter)
            continue;
        long long v;
        if (parse_long(text, opt->min, opt->max, &v) == 0) {
            *opt->count = (int)v;
            return 0;
        }
        char msg[4200];
        snprintf(msg, sizeof msg, "%s takes a whole number from %lld to %lld, not '%.4000s'",
                 opt->name, opt->min, opt->max, text);
        return usage_error("%s", msg);
    }
    return usage_error("unknown option '%s'", text);
}

/* Parses the options shared by run, compare and sweep; returns 0 or an exit status. */
static int parse_run_args(int argc, char **argv, essim_command cmd, run_args *a)
{
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'},    {"replications", required_argument, NULL, 'r'},
        {"seed", required_argument, NULL, 's'},   {"jobs", required_argument, NULL, 'j'},
        {"ledger", no_argument, NULL, 'l'},       {"quiet", no_argument, NULL, 'q'},
        {"funding", required_argument, NULL, 'f'}, {"behavioural", no_argument, NULL, 'b'},
        {"param", required_argument, NULL, 'p'},   {"precision", required_argument, NULL, 'P'},
        {"warmup", required_argument, NULL, 'W'},
        {"max-replications", required_argument, NULL, 'M'},
        {"replication-range", required_argument, NULL, 'R'},
        {"set", required_argument, NULL, 'S'},     {"overlay", required_argument, NULL, 'O'},
        {"against", required_argument, NULL, 'A'}, {"overlay-arm", required_argument, NULL, 'Y'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    a->rq = (essim_request){.command = cmd, .seed = -1, .command_line = command_line};
    a->out = "out/";
    essim_request *o = &a->rq;
    const count_option counts[] = {
        {'r', "--replications", 1, 100000, &o->replications},
        {'j', "--jobs", 1, 256, &o->jobs},
        {'M', "--max-replications", 2, 100000, &o->max_replications},
    };
    const char *funding = NULL;
    long long v;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:r:s:j:q", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': a->out = optarg; break;
        case 'p':
            if (cmd != ESSIM_SWEEP)
                return usage_error("%s", "--param goes with sweep");
            if (o->nparams == 2)
                return usage_error("%s", "sweep takes one or two --param");
            a->params[o->nparams++] = optarg;
            break;
        case 'f':
            if (cmd != ESSIM_COMPARE)
                return usage_error("%s", "--funding goes with compare");
            funding = optarg;
            break;
        case 'r':
        case 'j':
        case 'M': {
            int rc = parse_count(counts, sizeof counts / sizeof counts[0], c, optarg);
            if (rc)
                return rc;
            break;
        }
        case 's':
            if (parse_long(optarg, 0, LLONG_MAX, &v))
                return usage_error("--seed takes a whole number >= 0, not '%s'", optarg);
            o->seed = v;
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
        case 'R': {
            int first, last, used = 0;
            if (cmd != ESSIM_RUN)
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
        case 'A':
        case 'Y':
            if (cmd != ESSIM_COMPARE)
                return usage_error("%s", "--against and --overlay-arm go with compare");
            if (o->narms == 7)
                return usage_error("compare takes at most %s arms", "7");
            a->arms[o->narms++] = (essim_arm){.file = optarg, .overlay = c == 'Y'};
            break;
        case 'b':
            if (cmd != ESSIM_COMPARE)
                return usage_error("%s", "--behavioural goes with compare");
            o->behavioural = true;
            break;
        case 'q': a->quiet = true; break;
        case 'W':
            if (strcmp(optarg, "auto") != 0)
                return usage_error("--warmup takes 'auto' (a fixed warm-up is the scenario's "
                                   "scenario.warmup_days, or --set scenario.warmup_days=DAYS), "
                                   "not '%s'", optarg);
            o->warmup_auto = true;
            break;
        case 'S':
        case 'O': {
            if (cmd == ESSIM_SWEEP)
                return usage_error("%s", "sweep does not take --set or --overlay yet");
            int rc = add_change(c, optarg, o, a->sets, a->overlays);
            if (rc)
                return rc;
            break;
        }
        default: return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    static const char *const names[] = {[ESSIM_RUN] = "run", [ESSIM_COMPARE] = "compare",
                                        [ESSIM_SWEEP] = "sweep"};
    if (optind != argc - 1)
        return usage_error("%s takes exactly one SCENARIO file", names[cmd]);
    if (cmd == ESSIM_COMPARE && !funding && o->narms == 0)
        return usage_error("%s", "compare needs --funding A.cfg,B.cfg,... or arms (--against "
                                 "SCENARIO, --overlay-arm FILE)");
    if (funding && o->narms > 0)
        return usage_error("%s", "compare takes --funding or arms (--against, --overlay-arm), "
                                 "not both: an arm carries its own funding model");
    if (cmd == ESSIM_SWEEP && o->nparams == 0)
        return usage_error("%s", "sweep needs --param PATH=V1,V2,...");
    if (funding) {
        snprintf(a->funding_list, sizeof a->funding_list, "%s", funding);
        for (char *tok = strtok(a->funding_list, ","); tok; tok = strtok(NULL, ",")) {
            if (o->nfunding_files == 8)
                return usage_error("compare takes at most %s funding models", "8");
            a->funding[o->nfunding_files++] = tok;
        }
        if (o->nfunding_files == 0)
            return usage_error("%s", "--funding names no file");
    }
    o->scenario = argv[optind];
    find_input(&o->scenario, &a->found);
    for (int i = 0; i < o->nfunding_files; i++)
        find_input(&a->funding[i], &a->found);
    for (int i = 0; i < o->narms; i++)
        find_input(&a->arms[i].file, &a->found);
    for (int i = 0; i < o->noverlays; i++)
        find_input(&a->overlays[i], &a->found);
    o->funding_files = a->funding;
    o->params = a->params;
    o->arms = a->arms;
    o->sets = a->sets;
    o->overlays = a->overlays;
    return 0;
}

/* "s" after a count other than one: "1 replication", "2 replications". */
#define PLURAL(n) ((n) == 1 ? "" : "s")

static void print_done(const essim_job *job, const essim_summary *s, const char *out)
{
    if (s->precision_asked && s->kind == ESSIM_KIND_RUN && !s->precision_reached && s->slices == 0)
        fprintf(stderr, "essim: note: the headline measures' 95%% half-widths are not all within "
                        "the asked precision of their means after %d replication%s "
                        "(--max-replications)\n",
                s->replications, PLURAL(s->replications));
    (void)job;
    if (s->warmup_auto)
        printf("essim: %s: warm-up %g days, chosen by MSER-5 (--warmup auto)\n", s->name,
               s->warmup_days);
    if (s->slices > 0)
        printf("essim: %s: %d slice%s, %d replication%s; results in %s\n", s->name, s->slices,
               PLURAL(s->slices), s->replications, PLURAL(s->replications), out);
    else if (s->kind == ESSIM_KIND_RUN)
        printf("essim: %s: %d replication%s, %llu events in %.2f s; results in %s\n", s->name,
               s->replications, PLURAL(s->replications), (unsigned long long)s->events,
               s->wall_seconds, out);
    else if (s->kind == ESSIM_KIND_COMPARISON && s->arms && s->flows_differ)
        printf("essim: %s: the base and %d arm%s x %d replication%s (common random numbers); "
               "client flows differ between the arms in %d of %d replication%s, as a reform's "
               "do: the differences are the reform's, not of price alone; results in %s\n",
               s->name, s->models - 1, PLURAL(s->models - 1), s->replications,
               PLURAL(s->replications), s->flows_differ, s->replications,
               PLURAL(s->replications), out);
    else if (s->kind == ESSIM_KIND_COMPARISON && s->arms)
        printf("essim: %s: the base and %d arm%s x %d replication%s (common random numbers); "
               "client flows are the same in every arm: only what is paid differs; results in "
               "%s\n",
               s->name, s->models - 1, PLURAL(s->models - 1), s->replications,
               PLURAL(s->replications), out);
    else if (s->kind == ESSIM_KIND_COMPARISON)
        printf("essim: %s: %d funding models x %d replication%s, %s; results in %s\n", s->name,
               s->models, s->replications, PLURAL(s->replications),
               s->behavioural ? "providers responding to prices" : "on the same client flows", out);
    else if (s->kind == ESSIM_KIND_SWEEP && s->replications_fewest == s->replications_most)
        printf("essim: %s: %d sweep points x %d replication%s; results in %s\n", s->name,
               s->points, s->replications, PLURAL(s->replications), out);
    else if (s->kind == ESSIM_KIND_SWEEP)
        printf("essim: %s: %d sweep points of %d to %d replications (--precision; %d at the "
               "first): sweep_differences.csv pairs each point with the first over the "
               "replications both ran; results in %s\n",
               s->name, s->points, s->replications_fewest, s->replications_most,
               s->replications, out);
}

/* A job from its request to its output folder: inputs read and the folder checked and locked
 * before any simulation, so a refusal costs nothing. */
static int do_job(const essim_request *rq, const char *out, bool quiet)
{
    es_error err;
    es_error_clear(&err);
    essim_request r = *rq;
    essim_cli_progress line; /* on stderr: redrawn on a terminal, plain lines otherwise */
    essim_cli_progress_init(&line, stderr, isatty(STDERR_FILENO));
    if (!quiet && essim_is_root()) {
        r.progress = essim_cli_progress_draw;
        r.progress_user = &line;
    }
    essim_job *job;
    if (essim_job_new(&job, &r, &err))
        return fail(&err);
    int rc = essim_job_open_output(job, out, &err);
    if (!rc)
        rc = essim_job_run(job, &err);
    if (!rc)
        rc = essim_job_write(job, &err);
    essim_cli_progress_end(&line);
    if (!rc && !quiet && essim_is_root()) {
        essim_summary s;
        essim_job_summary(job, &s);
        print_done(job, &s, out);
    }
    essim_job_free(job);
    return rc ? fail(&err) : 0;
}

static int cmd_run_like(int argc, char **argv, essim_command cmd)
{
    run_args a;
    int status = parse_run_args(argc, argv, cmd, &a);
    if (!status)
        status = do_job(&a.rq, a.out, a.quiet);
    found_inputs_free(&a.found);
    return status;
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
    while ((c = getopt_long(argc, argv, "o:q", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'q': quiet = true; break;
        default: return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind == argc)
        return usage_error("%s", "merge takes the folders of one run's slices");
    essim_request rq = {.command = ESSIM_MERGE, .dirs = (const char *const *)argv + optind,
                        .ndirs = argc - optind, .command_line = command_line, .seed = -1};
    return do_job(&rq, out, quiet);
}

/* What check and diff are given: --set and --overlay, and the files. */
typedef struct changes {
    const char *sets[ES_CLI_CHANGES_MAX], *overlays[ES_CLI_CHANGES_MAX];
    const char *files[2];
    int nfiles;
    found_inputs found;
} changes;

/* The options of check and diff, --set and --overlay; the files left go in files[]. */
static int parse_changes(int argc, char **argv, essim_request *rq, changes *ch, int maxfiles)
{
    static const struct option longopts[] = {{"set", required_argument, NULL, 'S'},
                                              {"overlay", required_argument, NULL, 'O'},
                                              {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (c != 'S' && c != 'O')
            return usage_error("unknown option '%s'", argv[optind - 1]);
        int rc = add_change(c, optarg, rq, ch->sets, ch->overlays);
        if (rc)
            return rc;
    }
    ch->nfiles = 0;
    for (int i = optind; i < argc; i++) {
        if (ch->nfiles == maxfiles)
            return -1;
        ch->files[ch->nfiles] = argv[i];
        find_input(&ch->files[ch->nfiles++], &ch->found);
    }
    for (int i = 0; i < rq->noverlays; i++)
        find_input(&ch->overlays[i], &ch->found);
    rq->sets = ch->sets;
    rq->overlays = ch->overlays;
    return 0;
}

/* diff A B, or diff A --set/--overlay: the changes apply to the second side (B, or A again). */
static int diff_files(int argc, char **argv, changes *ch)
{
    essim_request b = {.command = ESSIM_CHECK, .seed = -1};
    int rc = parse_changes(argc, argv, &b, ch, 2);
    if (rc > 0)
        return rc;
    if (rc < 0 || ch->nfiles == 0 || (ch->nfiles == 1 && b.nsets == 0 && b.noverlays == 0))
        return usage_error("%s", "diff takes scenarios A and B, or A with --set or --overlay");
    essim_request a = {.command = ESSIM_CHECK, .scenario = ch->files[0], .seed = -1};
    b.scenario = ch->files[ch->nfiles - 1];
    es_error err;
    es_error_clear(&err);
    if (essim_diff(&a, &b, stdout, NULL, &err))
        return fail(&err);
    return 0;
}

static int check_file(int argc, char **argv, changes *ch)
{
    essim_request rq = {.command = ESSIM_CHECK, .seed = -1};
    int rc = parse_changes(argc, argv, &rq, ch, 1);
    if (rc > 0)
        return rc;
    if (rc < 0 || ch->nfiles != 1)
        return usage_error("%s", "check takes exactly one SCENARIO file");
    rq.scenario = ch->files[0];
    es_error err;
    es_error_clear(&err);
    essim_job *job;
    if (essim_job_new(&job, &rq, &err))
        return fail(&err);
    essim_summary s;
    essim_job_summary(job, &s);
    essim_job_free(job);
    printf("%s: ok (%d stream%s, %d catchment%s%s%s)\n", rq.scenario, s.streams,
           s.streams == 1 ? "" : "s", s.catchments, s.catchments == 1 ? "" : "s",
           s.funding_models > 1   ? ", funding models "
           : s.funding_models == 1 ? ", funding model "
                                   : "",
           s.funding);
    return 0;
}

/* check and diff, with the shipped files they were given freed after */
static int cmd_changes(int argc, char **argv, int (*command)(int, char **, changes *))
{
    static changes ch;
    int status = command(argc, argv, &ch);
    found_inputs_free(&ch.found);
    return status;
}

static int cmd_reference(int argc, char **argv)
{
    if (argc != 2)
        return usage_error("%s", "reference takes 'scenario' or 'funding'");
    es_error err;
    es_error_clear(&err);
    if (strcmp(argv[1], "scenario") != 0 && strcmp(argv[1], "funding") != 0)
        return usage_error("reference takes 'scenario' or 'funding', not '%s'", argv[1]);
    return essim_reference_write(argv[1], stdout, &err) ? 1 : 0;
}

static int dispatch(int argc, char **argv);

/* SIGINT, SIGTERM, SIGHUP: while an output folder is being written, finish quietly without it
 * (es_output_stop; the folder it would replace stays as it was, the temporary one is removed),
 * then die by the signal; at any other time, die at once: nothing is half-written. */
static void on_stop_signal(int sig)
{
    if (essim_stop(sig))
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
    essim_init(&argc, &argv);
    catch_stop_signals();
    int status = dispatch(argc, argv);
    essim_finalize();
    int sig = essim_stopped();
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
    if (argc < 2) {
        essim_cli_usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        if (strcmp(cmd, "help") == 0 && argc > 2 && essim_cli_command_help(argv[2], stdout) == 0)
            return 0;
        essim_cli_usage(stdout);
        return 0;
    }
    for (int i = 2; i < argc; i++) { /* essim COMMAND ... --help: that command's help */
        if (strcmp(argv[i], "--") == 0)
            break;
        if ((strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) &&
            essim_cli_command_help(cmd, stdout) == 0)
            return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("essim %s\n", ESSIM_VERSION);
        if (essim_built_with_mpi())
            printf("built with MPI: mpirun -n K essim ... spreads replications over K ranks\n");
        return 0;
    }
    if (strcmp(cmd, "run") == 0)
        return cmd_run_like(argc - 1, argv + 1, ESSIM_RUN);
    if (strcmp(cmd, "merge") == 0)
        return cmd_merge(argc - 1, argv + 1);
    if (strcmp(cmd, "check") == 0)
        return cmd_changes(argc - 1, argv + 1, check_file);
    if (strcmp(cmd, "compare") == 0)
        return cmd_run_like(argc - 1, argv + 1, ESSIM_COMPARE);
    if (strcmp(cmd, "sweep") == 0)
        return cmd_run_like(argc - 1, argv + 1, ESSIM_SWEEP);
    if (strcmp(cmd, "diff") == 0)
        return cmd_changes(argc - 1, argv + 1, diff_files);
    if (strcmp(cmd, "reference") == 0)
        return cmd_reference(argc - 1, argv + 1);
    return usage_error("unknown command '%s'", cmd);
}

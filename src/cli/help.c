/* The command line's help: `essim --help` (every command and option) and `essim COMMAND
 * --help` (one command: what it does, the options it takes, an example), both written from
 * one table of commands and one of options, so that they cannot disagree. */
#include "cli/help.h"

#include <string.h>

enum {
    RUN = 1 << 0,
    COMPARE = 1 << 1,
    SWEEP = 1 << 2,
    CHECK = 1 << 3,
    DIFF = 1 << 4,
    MERGE = 1 << 5,
    REFERENCE = 1 << 6,
};

static const essim_cli_command commands[] = {
    {"run", RUN, "run SCENARIO [OPTIONS]",
     "run the scenario's replications and write the output folder (report.html first);\n"
     "a scenario that lists several funding models is compared, as compare does",
     "essim run scenarios/muskoka-kawarthas.cfg -r 4 -o out/mk"},
    {"compare", COMPARE,
     "compare SCENARIO --funding A.cfg,B.cfg,... [OPTIONS]\n"
     "       essim compare BASE --against REFORM.cfg | --overlay-arm REFORM-OVERLAY.cfg ... [OPTIONS]",
     "price the same client flows under each funding model (common random numbers; each\n"
     "replication simulated once) and write paired comparisons; the first model is the baseline.\n"
     "With --against or --overlay-arm: run the base and each arm (a scenario, or an overlay\n"
     "read over the base) with the same seed, and say whether client flows differ",
     "essim compare scenarios/peel.cfg --funding model/funding/ies-performance.cfg,"
     "model/funding/eo-legacy-block.cfg -r 4 -o out/cmp"},
    {"sweep", SWEEP, "sweep SCENARIO --param PATH=V1,V2,... [--param PATH2=...] [OPTIONS]",
     "run the scenario over a grid of one or two settings, with the same seed",
     "essim sweep scenarios/muskoka-kawarthas.cfg --param 'streams[A].job_start_prob=0.8,0.9' "
     "-r 4 -o out/sweep"},
    {"check", CHECK, "check SCENARIO [--set PATH=VALUE] [--overlay FILE]",
     "validate a scenario and its funding models only; errors as FILE:LINE: message, exit 2",
     "essim check scenarios/default.cfg"},
    {"diff", DIFF, "diff A [B] [--set PATH=VALUE] [--overlay FILE]",
     "print every key whose effective value differs between scenarios A and B (or A and A\n"
     "with --set/--overlay), with the FILE:LINE that set each",
     "essim diff scenarios/peel.cfg --set 'scenario.horizon_days=730'"},
    {"merge", MERGE, "merge DIR... [--out DIR] [--quiet]",
     "combine the slices of one run (run --replication-range) into the output folder a\n"
     "single run of every replication would write, byte for byte",
     "essim merge out/slice1 out/slice2 -o out/merged"},
    {"reference", REFERENCE, "reference scenario|funding",
     "print the key reference of scenario or funding-model files (Markdown): every key, its\n"
     "type, default, range and meaning",
     "essim reference scenario > keys.md"},
};

static const essim_cli_option options[] = {
    {"-o, --out DIR", RUN | COMPARE | SWEEP | MERGE,
     "output folder (default out/), replaced as a whole on success;\n"
     "only a new, empty or essim-written folder (see the user guide)"},
    {"-r, --replications N", RUN | COMPARE | SWEEP,
     "number of replications (default: the scenario's, else 10)"},
    {"-s, --seed N", RUN | COMPARE | SWEEP, "scenario seed (default: the scenario's)"},
    {"-j, --jobs N", RUN | COMPARE | SWEEP,
     "worker threads (default: number of cores); results do not depend on it"},
    {"--precision P", RUN | COMPARE | SWEEP,
     "add replications until every headline measure's 95% confidence\n"
     "half-width is within P (e.g. 0.05) of its mean"},
    {"--max-replications N", RUN | COMPARE | SWEEP, "the most --precision may run (default 100)"},
    {"--replication-range A:B", RUN,
     "only replications A to B (1-based, both included) of the run's;\n"
     "the folder keeps them for essim merge"},
    {"--warmup auto", RUN | COMPARE | SWEEP,
     "choose the warm-up by MSER-5 from a pilot of the replications (the\n"
     "daily mean wait and caseload); refused for scenarios whose inputs\n"
     "change with the date (docs/experiments.md, \"Warm-up\")"},
    {"--ledger", RUN | COMPARE | SWEEP, "also write ledger.csv with every payment"},
    {"--funding LIST", COMPARE,
     "funding-model files, comma-separated (the first is the baseline)"},
    {"--against FILE", COMPARE,
     "an arm that is another scenario (repeatable, up to 7 arms with\n"
     "--overlay-arm; the arm is named by its scenario.name)"},
    {"--overlay-arm FILE", COMPARE,
     "an arm that is the base with this overlay read over it\n"
     "(repeatable; named by the file's name)"},
    {"--param PATH=V,...", SWEEP, "a scenario setting and its values (twice for a grid)"},
    {"--behavioural", COMPARE,
     "providers respond to prices (parking, intake selection);\n"
     "writes creaming.csv against each model's accounting run"},
    {"--set PATH=VALUE", RUN | COMPARE | CHECK | DIFF,
     "set one scenario key after the file and its overlays, checked like\n"
     "a value in the file (repeatable), e.g.\n"
     "--set 'streams[A].service.mean_days=45' (a list element by name)"},
    {"--overlay FILE", RUN | COMPARE | CHECK | DIFF,
     "a file of keys read over the scenario, in order (repeatable);\n"
     "an input, listed and hashed in manifest.json"},
    {"-q, --quiet", RUN | COMPARE | SWEEP | MERGE, "print nothing but errors"},
    {"-h, --help", ~0u, "this help"},
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

const essim_cli_command *essim_cli_commands(size_t *n)
{
    *n = N_OF(commands);
    return commands;
}

const essim_cli_option *essim_cli_options(size_t *n)
{
    *n = N_OF(options);
    return options;
}

#define NAME_WIDTH 24

/* Text whose lines after the first are indented to `indent` columns. */
static void put_lines(FILE *f, const char *text, int indent)
{
    for (const char *c = text; *c; c++) {
        fputc(*c, f);
        if (*c == '\n')
            fprintf(f, "%*s", indent, "");
    }
    fputc('\n', f);
}

static void put_options(FILE *f, unsigned bit)
{
    for (size_t i = 0; i < N_OF(options); i++) {
        if (!(options[i].commands & bit))
            continue;
        int w = (int)strlen(options[i].name);
        if (w + 2 >= NAME_WIDTH) /* a long name: its text on the next line */
            fprintf(f, "  %s\n%*s", options[i].name, NAME_WIDTH, "");
        else
            fprintf(f, "  %-*s", NAME_WIDTH - 2, options[i].name);
        put_lines(f, options[i].text, NAME_WIDTH);
    }
}

void essim_cli_usage(FILE *f)
{
    fputs("usage: essim COMMAND [OPTIONS]   (essim COMMAND --help: one command, with an example)\n"
          "\nCommands:\n",
          f);
    for (size_t i = 0; i < N_OF(commands); i++) {
        fprintf(f, "  %s\n      ", commands[i].synopsis);
        put_lines(f, commands[i].what, 6);
    }
    fputs("\nOptions (the commands each goes with: essim COMMAND --help):\n", f);
    put_options(f, ~0u);
    fputs("  --version               essim's version, and whether it was built with MPI\n"
          "\nExit status: 0 success, 1 runtime failure (I/O, memory), 2 bad input.\n",
          f);
}

int essim_cli_command_help(const char *name, FILE *f)
{
    for (size_t i = 0; i < N_OF(commands); i++) {
        if (strcmp(commands[i].name, name) != 0)
            continue;
        fprintf(f, "usage: essim %s\n\n  ", commands[i].synopsis);
        put_lines(f, commands[i].what, 2);
        fputs("\nOptions:\n", f);
        put_options(f, commands[i].bit);
        fprintf(f, "\nExample:\n  %s\n", commands[i].example);
        fputs("\nExit status: 0 success, 1 runtime failure (I/O, memory), 2 bad input.\n", f);
        return 0;
    }
    return -1;
}

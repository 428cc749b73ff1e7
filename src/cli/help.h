/* The command line's help texts (src/cli/help.c). */
#ifndef ES_CLI_HELP_H
#define ES_CLI_HELP_H

#include <stddef.h>
#include <stdio.h>

/* A command and an option of the help's tables, which also write the man pages and the bash
 * completion (src/cli/docgen.c), so that none of them can disagree with --help. */
typedef struct essim_cli_command {
    const char *name;
    unsigned bit;
    const char *synopsis; /* after "essim " */
    const char *what;     /* lines of text */
    const char *example;  /* a command line that works from the source tree */
} essim_cli_command;

typedef struct essim_cli_option {
    const char *name; /* with its short form and argument: "-o, --out DIR" */
    unsigned commands; /* the bits of the commands it goes with */
    const char *text;  /* lines; the first beside the name */
} essim_cli_option;

const essim_cli_command *essim_cli_commands(size_t *n);
const essim_cli_option *essim_cli_options(size_t *n);

/* `essim --help`: every command and option. */
void essim_cli_usage(FILE *f);

/* `essim COMMAND --help`: the command's synopsis, what it does, its options and an example;
 * -1 when there is no such command. */
int essim_cli_command_help(const char *name, FILE *f);

#endif

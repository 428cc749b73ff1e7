/* The command line's help texts (src/cli/help.c). */
#ifndef ES_CLI_HELP_H
#define ES_CLI_HELP_H

#include <stdio.h>

/* `essim --help`: every command and option. */
void essim_cli_usage(FILE *f);

/* `essim COMMAND --help`: the command's synopsis, what it does, its options and an example;
 * -1 when there is no such command. */
int essim_cli_command_help(const char *name, FILE *f);

#endif

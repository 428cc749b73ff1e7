/* The command line's progress line (src/cli/progress.c). */
#ifndef ES_CLI_PROGRESS_H
#define ES_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "api/essim.h"

typedef struct essim_cli_progress {
    FILE *out;
    bool terminal; /* redraw one line in place; else a plain line every few seconds */
    bool drawn;    /* a line is on the terminal */
    int phase;     /* of the last call; -1 before the first */
    char what[128];
    int total;
    double phase_done0; /* done when the phase (model, batch) began: the estimate's origin */
    struct timespec phase_start, last_line;
} essim_cli_progress;

void essim_cli_progress_init(essim_cli_progress *st, FILE *out, bool terminal);
/* An essim_progress_fn: user is the essim_cli_progress. */
void essim_cli_progress_draw(void *user, const essim_progress *p);
/* Clears the line from the terminal (before the result or an error is printed). */
void essim_cli_progress_end(essim_cli_progress *st);

#endif

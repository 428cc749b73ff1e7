/* Plots through gnuplot: data inline as a datablock, one script per plot from plots/
 * (compiled into the program), PNG and SVG.  gnuplot's own message is kept on failure.
 *
 * Names and paths are data, never code: every string from a scenario (a title, a curve's
 * name, a tic label) reaches gnuplot as a single-quoted string constant, which gnuplot does
 * not substitute (no backquotes, no macros), a quote in it joined as "'"; the datablock holds
 * numbers and labels essim makes (months), and a line holding a control character is
 * refused.  The output folder's path is not in the script either: gnuplot runs in that
 * folder and writes fixed file names. */
#ifndef ES_IO_PLOT_H
#define ES_IO_PLOT_H

#include <stdbool.h>
#include <sys/types.h>

#include "engine/error.h"

/* The text of plots/NAME.gp, or NULL. */
const char *es_plot_script(const char *name);

/* One plot.  The script sees the strings `title`, `xlabel` and `ylabel` (empty when NULL),
 * `categorical` (0 or 1), the string arrays `keys` (a title per curve; |keys| is their
 * number) and `tics` (x tic labels, one per data row), and the datablock $data. */
typedef struct es_plot {
    const char *script;   /* plots/SCRIPT.gp */
    const char *basename; /* writes BASENAME.png and BASENAME.svg: [a-z0-9_] only */
    const char *data;     /* the lines of $data: numbers and essim's own labels; NULL: out of memory */
    const char *title;    /* may hold newlines (line breaks in the title) */
    const char *xlabel, *ylabel;
    const char *const *keys;
    int nkeys;
    const char *const *tics;
    int ntics;
    bool categorical;
} es_plot;

/* Draws a plot into DIR/BASENAME.png and .svg and waits for gnuplot. */
int es_plot_draw(const es_plot *plot, const char *dir, es_error *err);

/* Several plots drawn side by side: es_plot_start hands a plot to its own gnuplot process and
 * returns at once; es_plot_wait waits for every one started and reports the first failure
 * (gnuplot not found, its message, or the signal that killed it).  Start at most
 * ES_PLOT_BATCH at a time.  A NULL `data` is ES_ENOMEM; a string holding a control character
 * (a newline outside the title) is ES_EINVAL. */
#define ES_PLOT_BATCH 16
typedef struct es_plot_batch {
    int n;
    struct {
        pid_t pid;
        int errfd; /* gnuplot's stderr: an unlinked temporary file */
        char script[64];
    } job[ES_PLOT_BATCH];
} es_plot_batch;

int es_plot_start(es_plot_batch *b, const es_plot *plot, const char *dir, es_error *err);
int es_plot_wait(es_plot_batch *b, es_error *err);

#endif

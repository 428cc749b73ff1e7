/* Plots through a gnuplot pipe: data inline as a datablock, one script per plot from plots/
 * (compiled into the program), PNG and SVG.  gnuplot's own message is kept on failure. */
#ifndef ES_IO_PLOT_H
#define ES_IO_PLOT_H

#include "engine/error.h"

/* The text of plots/NAME.gp, or NULL. */
const char *es_plot_script(const char *name);

/* Draws plots/NAME.gp with `datablock` (the lines of $data) into DIR/BASENAME.png and .svg.
 * `title` is passed to the script as the gnuplot variable `title`. */
int es_plot_draw(const char *name, const char *datablock, const char *title, const char *dir,
                 const char *basename, es_error *err);

/* Several plots drawn side by side: es_plot_start hands a plot to its own gnuplot process and
 * returns at once; es_plot_wait waits for every one started and reports the first failure
 * (with gnuplot's message).  Start at most ES_PLOT_BATCH at a time. */
#define ES_PLOT_BATCH 16
typedef struct es_plot_batch {
    int n;
    struct {
        void *gp; /* FILE * of the pipe */
        char errpath[32];
        char name[64];
    } job[ES_PLOT_BATCH];
} es_plot_batch;

/* A NULL datablock (building it ran out of memory) is ES_ENOMEM. */
int es_plot_start(es_plot_batch *b, const char *name, const char *datablock, const char *title,
                  const char *dir, const char *basename, es_error *err);
int es_plot_wait(es_plot_batch *b, es_error *err);

#endif

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

#endif

/* The progress line the command line draws from what the library tells it
 * (essim_progress_fn): on a terminal, one line redrawn in place; otherwise (a log, a pipe, a
 * batch job) a plain line now and then.  Both name the phase and what is simulated, count
 * replications with the share of those under way, and estimate the time left. */
#include "cli/progress.h"

#include <math.h>
#include <string.h>
#include <time.h>

#define PLAIN_EVERY_SECONDS 10.0 /* not on a terminal: a line at most this often */

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + 1e-9 * (double)(b->tv_nsec - a->tv_nsec);
}

/* "about 12 s left", "about 3 min left", or "" while too early to tell. */
static void time_left(const essim_cli_progress *st, double done, int total, double elapsed,
                      char *buf, size_t len)
{
    buf[0] = '\0';
    double progressed = done - st->phase_done0;
    if (progressed <= 0.02 * total || elapsed < 1.0 || done >= total)
        return;
    double left = elapsed * (total - done) / progressed;
    if (left < 90)
        snprintf(buf, len, ", about %.0f s left", ceil(left));
    else if (left < 5400)
        snprintf(buf, len, ", about %.0f min left", ceil(left / 60));
    else
        snprintf(buf, len, ", about %.1f h left", left / 3600);
}

void essim_cli_progress_init(essim_cli_progress *st, FILE *out, bool terminal)
{
    memset(st, 0, sizeof *st);
    st->out = out;
    st->terminal = terminal;
    st->phase = -1;
}

void essim_cli_progress_draw(void *user, const essim_progress *p)
{
    essim_cli_progress *st = user;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    bool changed = (int)p->phase != st->phase || strcmp(p->what, st->what) != 0 ||
                   p->total != st->total;
    if (changed) { /* a new phase, model or batch: the estimate starts again */
        st->phase = (int)p->phase;
        snprintf(st->what, sizeof st->what, "%s", p->what);
        st->total = p->total;
        st->phase_start = now;
        st->phase_done0 = p->done;
    }
    if (!st->terminal && !changed && p->done < p->total &&
        seconds_between(&st->last_line, &now) < PLAIN_EVERY_SECONDS)
        return;
    st->last_line = now;
    char line[320];
    if (p->phase == ESSIM_PHASE_WRITING) {
        snprintf(line, sizeof line, "writing the output folder (tables, plots, report)");
    } else {
        char left[48];
        time_left(st, p->done, p->total, seconds_between(&st->phase_start, &now), left,
                  sizeof left);
        snprintf(line, sizeof line, "simulating%s%s: %.1f of %d replication%s (%.0f %%)%s",
                 p->what[0] ? " " : "", p->what, p->done, p->total, p->total == 1 ? "" : "s",
                 p->total ? 100.0 * p->done / p->total : 100.0, left);
    }
    if (st->terminal) {
        int width = 20, filled = p->total ? (int)(p->done * width / p->total) : width;
        if (p->phase == ESSIM_PHASE_WRITING)
            filled = width;
        fprintf(st->out, "\r[%.*s%*s] %s\033[K", filled, "====================", width - filled,
                "", line);
        st->drawn = true;
    } else {
        fprintf(st->out, "essim: %s\n", line);
    }
    fflush(st->out);
}

void essim_cli_progress_end(essim_cli_progress *st)
{
    if (st->terminal && st->drawn)
        fputs("\r\033[K", st->out);
    st->drawn = false;
}

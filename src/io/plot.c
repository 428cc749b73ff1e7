#include "io/plot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void quote_gnuplot(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '\n') {
            fputs("\\n", f);
            continue;
        }
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

int es_plot_start(es_plot_batch *b, const char *name, const char *datablock, const char *title,
                  const char *dir, const char *basename, es_error *err)
{
    const char *script = es_plot_script(name);
    if (!script)
        return es_error_set(err, ES_EIO, NULL, 0, "no plot script plots/%s.gp", name);
    if (!datablock) /* an es_text whose first allocation failed */
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory drawing plots/%s.gp", name);
    if (b->n == ES_PLOT_BATCH)
        return es_error_set(err, ES_EIO, NULL, 0, "more than %d plots started at once",
                            ES_PLOT_BATCH);
    char errpath[] = "/tmp/essim-gnuplot-XXXXXX";
    int fd = mkstemp(errpath);
    if (fd < 0)
        return es_error_set(err, ES_EIO, NULL, 0, "cannot create a temporary file: %s",
                            strerror(errno));
    close(fd);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "gnuplot 2>'%s'", errpath);
    FILE *gp = popen(cmd, "w");
    if (!gp) {
        unlink(errpath);
        return es_error_set(err, ES_EIO, NULL, 0, "cannot start gnuplot: %s", strerror(errno));
    }
    fputs("$data << EOD\n", gp);
    fputs(datablock, gp);
    fputs("EOD\n", gp);
    fputs("title = ", gp);
    quote_gnuplot(gp, title);
    fputs("\n", gp);
    static const char *const terminals[2][2] = {
        {"pngcairo size 1280,720 enhanced font 'DejaVu Sans,16' linewidth 2", "png"},
        {"svg size 1280,720 dynamic enhanced font 'DejaVu Sans,16' linewidth 2", "svg"},
    };
    for (int t = 0; t < 2; t++) {
        char out[1100];
        snprintf(out, sizeof out, "%s/%s.%s", dir, basename, terminals[t][1]);
        fprintf(gp, "reset\nset terminal %s\nset output ", terminals[t][0]);
        quote_gnuplot(gp, out);
        fputs("\n", gp);
        fputs(script, gp);
        fputs("\nunset output\n", gp);
    }
    fflush(gp);
    b->job[b->n].gp = gp;
    snprintf(b->job[b->n].errpath, sizeof b->job[b->n].errpath, "%s", errpath);
    snprintf(b->job[b->n].name, sizeof b->job[b->n].name, "%s", name);
    b->n++;
    return ES_OK;
}

int es_plot_wait(es_plot_batch *b, es_error *err)
{
    int rc = ES_OK;
    for (int i = 0; i < b->n; i++) {
        int status = pclose((FILE *)b->job[i].gp);
        const char *errpath = b->job[i].errpath;
        if (status != 0 && !rc) {
            char msg[800] = "";
            FILE *ef = fopen(errpath, "r");
            if (ef) {
                size_t n = fread(msg, 1, sizeof msg - 1, ef);
                msg[n] = '\0';
                fclose(ef);
            }
            size_t len = strlen(msg);
            while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
                msg[--len] = '\0';
            rc = es_error_set(err, ES_EIO, NULL, 0, "gnuplot failed on plots/%s.gp: %s",
                              b->job[i].name,
                              msg[0] ? msg : "(no message; is gnuplot installed?)");
        }
        unlink(errpath);
    }
    b->n = 0;
    return rc;
}

int es_plot_draw(const char *name, const char *datablock, const char *title, const char *dir,
                 const char *basename, es_error *err)
{
    es_plot_batch b = {0};
    int rc = es_plot_start(&b, name, datablock, title, dir, basename, err);
    int waited = es_plot_wait(&b, err);
    return rc ? rc : waited;
}

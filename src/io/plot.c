/* gnuplot is started with posix_spawnp, not popen: no shell sees a path, gnuplot's working
 * folder is the plots folder (so the script holds no path), its stdout is /dev/null (plot
 * bytes never reach essim's stdout) and a missing gnuplot is reported as such.  The script
 * is written whole to an unlinked temporary file that becomes gnuplot's stdin, so there is
 * no pipe: a gnuplot that dies early cannot raise SIGPIPE in essim, and essim needs no
 * process-wide signal disposition. */
#define _GNU_SOURCE /* posix_spawn_file_actions_addchdir_np (glibc 2.29) */
#include "io/plot.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/names.h"
#include "io/text.h"

/* `s` as a gnuplot single-quoted string: gnuplot substitutes nothing inside one (no
 * backquotes, no @macros, no backslash escapes).  A quote closes the string, joins "'" and
 * reopens it: 'it'."'".'s' -- gnuplot 5.4's doubled quote ('it''s') fails when two follow
 * each other or one starts the string.  Bytes that are not UTF-8 (a path can hold them)
 * become U+FFFD, so the SVG stays XML.  A control character would end or break the line:
 * -1. */
static int quote_single(es_text *t, const char *s)
{
    es_text_append(t, "'", 1);
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        int n;
        long cp = es_utf8_decode((const unsigned char *)s + i, len - i, &n);
        if (cp >= 0 && (cp < 0x20 || cp == 0x7f))
            return -1;
        if (cp < 0)
            es_text_append(t, "\xef\xbf\xbd", 3);
        else if (cp == '\'')
            es_text_append(t, "'.\"'\".'", 7);
        else
            es_text_append(t, s + i, (size_t)n);
        i += (size_t)n;
    }
    es_text_append(t, "'", 1);
    return 0;
}

/* A title with line breaks: 'first'."\n".'second' (the "\n" is essim's, not the name's). */
static int quote_lines(es_text *t, const char *s)
{
    const char *nl;
    while ((nl = strchr(s, '\n')) != NULL) {
        char *line = strndup(s, (size_t)(nl - s));
        if (!line) {
            t->failed = 1;
            return 0;
        }
        int bad = quote_single(t, line);
        free(line);
        if (bad)
            return -1;
        es_text_append(t, ".\"\\n\".", 6);
        s = nl + 1;
    }
    return quote_single(t, s);
}

static int quote_array(es_text *t, const char *name, const char *const *v, int n)
{
    if (n <= 0)
        return 0; /* gnuplot has no empty array; a script that needs one is not given none */
    es_text_printf(t, "array %s[%d] = [", name, n);
    for (int i = 0; i < n; i++) {
        if (i)
            es_text_append(t, ", ", 2);
        if (quote_single(t, v[i] ? v[i] : ""))
            return -1;
    }
    es_text_append(t, "]\n", 2);
    return 0;
}

/* Defence in depth: names cannot hold control characters (io/names.c), but a datablock line
 * holding one, or starting with EOD, would end the block early and let the rest run. */
static int check_data(const char *data)
{
    for (const char *line = data; *line;) {
        if (strncmp(line, "EOD", 3) == 0)
            return -1;
        const char *p = line;
        for (; *p && *p != '\n'; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f)
                return -1;
        line = *p ? p + 1 : p;
    }
    return 0;
}

static bool plain_basename(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

static int build_script(es_text *t, const es_plot *pl, const char *script)
{
    if (check_data(pl->data))
        return -1;
    es_text_printf(t, "$data << EOD\n%s", pl->data);
    if (pl->data[0] && pl->data[strlen(pl->data) - 1] != '\n')
        es_text_append(t, "\n", 1);
    es_text_printf(t, "EOD\ntitle = ");
    int bad = quote_lines(t, pl->title ? pl->title : "");
    es_text_printf(t, "\nxlabel = ");
    bad |= quote_single(t, pl->xlabel ? pl->xlabel : "");
    es_text_printf(t, "\nylabel = ");
    bad |= quote_single(t, pl->ylabel ? pl->ylabel : "");
    es_text_printf(t, "\ncategorical = %d\n", pl->categorical ? 1 : 0);
    bad |= quote_array(t, "keys", pl->keys, pl->nkeys);
    bad |= quote_array(t, "tics", pl->tics, pl->ntics);
    static const char *const terminals[2][2] = {
        {"pngcairo size 1280,720 enhanced font 'DejaVu Sans,16' linewidth 2", "png"},
        {"svg size 1280,720 dynamic enhanced font 'DejaVu Sans,16' linewidth 2", "svg"},
    };
    for (int k = 0; k < 2; k++)
        es_text_printf(t, "reset\nset terminal %s\nset output '%s.%s'\n%s\nunset output\n",
                       terminals[k][0], pl->basename, terminals[k][1], script);
    return bad ? -1 : 0;
}

/* An unlinked temporary file: a descriptor above stderr's (so that giving it to gnuplot as
 * stdin or stderr never clobbers another, even when essim was started with 0-2 closed),
 * closed in the programs essim starts (gnuplot gets its own copy); -1 with errno. */
static int scratch(void)
{
    FILE *f = tmpfile();
    if (!f)
        return -1;
    int fd = fcntl(fileno(f), F_DUPFD_CLOEXEC, 3);
    int e = errno;
    fclose(f);
    errno = e;
    return fd;
}

static int write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, s, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        s += k;
        n -= (size_t)k;
    }
    return 0;
}

static int spawn_gnuplot(int in, int errfd, const char *dir, pid_t *pid)
{
    posix_spawn_file_actions_t fa;
    int e = posix_spawn_file_actions_init(&fa);
    if (e)
        return e;
    e = posix_spawn_file_actions_adddup2(&fa, in, 0);
    if (!e)
        e = posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    if (!e)
        e = posix_spawn_file_actions_adddup2(&fa, errfd, 2);
    if (!e)
        e = posix_spawn_file_actions_addchdir_np(&fa, dir);
    char *argv[] = {"gnuplot", NULL};
    if (!e)
        e = posix_spawnp(pid, "gnuplot", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    return e;
}

static int spawn_error(es_error *err, int e, const char *dir)
{
    if (e == ENOMEM)
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory starting gnuplot");
    if (e == ENOENT)
        return es_error_set(err, ES_EIO, NULL, 0,
                            "gnuplot: not found (essim draws its plots with gnuplot: install it, "
                            "or put it on PATH)");
    return es_error_set(err, ES_EIO, dir, 0, "cannot start gnuplot: %s", strerror(e));
}

int es_plot_start(es_plot_batch *b, const es_plot *pl, const char *dir, es_error *err)
{
    const char *script = es_plot_script(pl->script);
    if (!script)
        return es_error_set(err, ES_EIO, NULL, 0, "no plot script plots/%s.gp", pl->script);
    if (!pl->data) /* an es_text whose first allocation failed */
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory drawing plots/%s.gp",
                            pl->script);
    if (!plain_basename(pl->basename))
        return es_error_set(err, ES_EINVAL, NULL, 0, "plot file name '%s' is not [a-z0-9_]",
                            pl->basename);
    if (b->n == ES_PLOT_BATCH)
        return es_error_set(err, ES_EIO, NULL, 0, "more than %d plots started at once",
                            ES_PLOT_BATCH);
    es_text t = {0};
    int bad = build_script(&t, pl, script);
    if (t.failed) {
        es_text_free(&t);
        return es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory drawing plots/%s.gp",
                            pl->script);
    }
    if (bad) {
        es_text_free(&t);
        return es_error_set(err, ES_EINVAL, NULL, 0,
                            "plots/%s.gp: a name or label holds a control character",
                            pl->script);
    }
    int in = scratch(), errfd = in >= 0 ? scratch() : -1;
    int rc = ES_OK;
    if (in < 0 || errfd < 0)
        rc = errno == ENOMEM ? es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory")
                             : es_error_set(err, ES_EIO, NULL, 0,
                                            "cannot create a temporary file for gnuplot: %s",
                                            strerror(errno));
    if (!rc && (write_all(in, t.s, t.n) != 0 || lseek(in, 0, SEEK_SET) != 0))
        rc = es_error_set(err, ES_EIO, NULL, 0, "cannot write gnuplot's script to a temporary "
                          "file: %s", strerror(errno));
    es_text_free(&t);
    pid_t pid = 0;
    int e = rc ? 0 : spawn_gnuplot(in, errfd, dir, &pid);
    if (e)
        rc = spawn_error(err, e, dir);
    if (in >= 0)
        close(in); /* gnuplot reads its own copy */
    if (rc) {
        if (errfd >= 0)
            close(errfd);
        return rc;
    }
    b->job[b->n].pid = pid;
    b->job[b->n].errfd = errfd;
    snprintf(b->job[b->n].script, sizeof b->job[b->n].script, "%s", pl->script);
    b->n++;
    return ES_OK;
}

/* gnuplot's message, trimmed; "" when it said nothing. */
static void read_message(int fd, char *msg, size_t len)
{
    ssize_t k = pread(fd, msg, len - 1, 0);
    size_t n = k > 0 ? (size_t)k : 0;
    msg[n] = '\0';
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
}

int es_plot_wait(es_plot_batch *b, es_error *err)
{
    int rc = ES_OK;
    for (int i = 0; i < b->n; i++) {
        int status = 0;
        pid_t got;
        while ((got = waitpid(b->job[i].pid, &status, 0)) < 0 && errno == EINTR)
            ;
        int errfd = b->job[i].errfd;
        const char *script = b->job[i].script;
        if (!rc && got < 0) {
            rc = es_error_set(err, ES_EIO, NULL, 0, "gnuplot on plots/%s.gp: %s", script,
                              strerror(errno));
        } else if (!rc && WIFSIGNALED(status)) {
            rc = es_error_set(err, ES_EIO, NULL, 0, "gnuplot was killed by signal %d (%s) on "
                              "plots/%s.gp", WTERMSIG(status), strsignal(WTERMSIG(status)), script);
        } else if (!rc && WIFEXITED(status) && WEXITSTATUS(status) != 0) {
            char msg[800];
            read_message(errfd, msg, sizeof msg);
            rc = es_error_set(err, ES_EIO, NULL, 0, "gnuplot failed on plots/%s.gp (exit "
                              "status %d): %s", script, WEXITSTATUS(status),
                              msg[0] ? msg : "(no message)");
        }
        close(errfd);
    }
    b->n = 0;
    return rc;
}

int es_plot_draw(const es_plot *plot, const char *dir, es_error *err)
{
    es_plot_batch b = {0};
    int rc = es_plot_start(&b, plot, dir, err);
    int waited = es_plot_wait(&b, err);
    return rc ? rc : waited;
}

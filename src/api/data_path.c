/* Where essim finds the files it ships (scenarios/, model/) when a name given on the command
 * line is not a file where essim runs: an installed essim (cmake --install) keeps them in
 * PREFIX/share/essim, and `essim run scenarios/default.cfg` from any folder means that one.
 * The scenarios' own `@include "../model/..."` then resolve against the installed
 * scenarios/ folder, as they do in the source tree. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "api/essim.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef ESSIM_DATA_DIR /* the data folder of the configured install prefix (CMakeLists.txt) */
#define ESSIM_DATA_DIR "/usr/local/share/essim"
#endif
#ifndef ESSIM_DATA_FROM_BIN /* the same, relative to the folder of the installed program */
#define ESSIM_DATA_FROM_BIN "../share/essim"
#endif

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* DIR/NAME, or for a bare name DIR/scenarios/NAME and DIR/scenarios/NAME.cfg, when one is a
 * file: a new string, else NULL. */
static char *in_folder(const char *dir, size_t dir_len, const char *name)
{
    static const char *const forms[] = {"%.*s/%s%s", "%.*s/scenarios/%s%s",
                                        "%.*s/scenarios/%s%s.cfg"};
    bool bare = strchr(name, '/') == NULL;
    size_t len = dir_len + strlen(name) + sizeof "/scenarios/.cfg";
    char *path = malloc(len);
    for (size_t i = 0; path && i < (bare ? 3u : 1u); i++) {
        snprintf(path, len, forms[i], (int)dir_len, dir, name, "");
        if (is_file(path))
            return path;
    }
    free(path);
    return NULL;
}

/* PREFIX/share/essim for PREFIX/bin/essim, wherever PREFIX is, without the "bin/.." (so that
 * the manifest names the files plainly); false when there is none. */
static bool beside_program(char *out)
{
    char exe[PATH_MAX], dir[PATH_MAX + 64];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return false;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return false;
    *slash = '\0';
    snprintf(dir, sizeof dir, "%s/%s", exe, ESSIM_DATA_FROM_BIN);
    return realpath(dir, out) != NULL;
}

char *essim_find_input(const char *name)
{
    struct stat st;
    if (!name[0] || name[0] == '/' || stat(name, &st) == 0)
        return NULL;
    const char *path_var = getenv("ESSIM_PATH");
    for (const char *d = path_var; d && *d;) { /* its folders, colon-separated */
        size_t n = strcspn(d, ":");
        char *found = n ? in_folder(d, n, name) : NULL;
        if (found)
            return found;
        d += n + (d[n] == ':');
    }
    char beside[PATH_MAX];
    const char *dirs[] = {beside_program(beside) ? beside : NULL, ESSIM_DATA_DIR};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        char *found = dirs[i] ? in_folder(dirs[i], strlen(dirs[i]), name) : NULL;
        if (found)
            return found;
    }
    return NULL;
}

/* Whether essim may replace a folder: it replaces only what it wrote itself.  Used by the
 * output-folder transaction (outdir.c). */
#ifndef ES_API_OWNER_H
#define ES_API_OWNER_H

#include <stdbool.h>
#include <sys/types.h>

#include "engine/error.h"

/* ES_OK when the folder open as `fd` (its path `dir`, for messages) is empty, or holds
 * exactly files that its manifest.json lists, each with the SHA-256 listed (a listed file may
 * be missing: nothing of the user's is lost).  Otherwise ES_EINVAL with a message naming the
 * first file that is not essim's and saying what to do; ES_ENOMEM or ES_EIO when it cannot
 * tell. */
int es_owner_check(int fd, const char *dir, es_error *err);

/* Whether the folder open as `fd` holds nothing but folders and files of the kinds essim
 * writes (.csv, .svg, .png, .html, .json, .essim): a temporary folder a killed run left. */
bool es_owner_leftover(int fd);

/* Whether the folder (dev, ino) is `path` or one of its ancestors, when `path` is a folder,
 * or the folder holding `path` or one of its ancestors otherwise, or the same through the
 * symbolic links on the way (so that removing the folder would remove `path`).  -1 when out
 * of memory. */
int es_owner_holds(dev_t dev, ino_t ino, const char *path);

#endif

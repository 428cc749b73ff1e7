/* es_layers: a libconfig file as essim reads it -- every file read by essim itself, every
 * @include expanded by essim, the text cut into layers, each with a map from its lines back to
 * FILE:LINE.  src/io/config_read.c says why, and docs/scenario-reference.md ("How files are
 * read") what a user sees.
 *
 * - src/io/config_scan.c reads the files and builds the layers (es_layers_read).
 * - src/io/layers.c merges the layers' parsed trees into one config_t, key by key, with the
 *   file and line of every effective setting (es_layers_merge).
 *
 * An @include at nesting depth 0 of the main file (or of a file included so) -- not inside a
 * group, list or array, and not in the middle of a setting -- ends the current layer; the
 * included file's text (its own includes expanded the same way) and the text after the
 * @include form the next layers, in reading order.  Any other @include is expanded inline. */
#ifndef ES_IO_LAYERS_H
#define ES_IO_LAYERS_H

#include <stdbool.h>
#include <stddef.h>

#include <libconfig.h>

#include "engine/error.h"
#include "io/schema.h"

/* libconfig 1.5 takes time quadratic in the settings of one group (65,536 took 38 s): no
 * group may hold more, in one layer or merged from several. */
#define ES_GROUP_SETTINGS_MAX 10000

/* A line of a layer's text: file (index in es_layers.shown/.source) and line there. */
typedef struct es_line_origin {
    int file;
    int line;
} es_line_origin;

/* An integer literal that libconfig 1.5 reads as another value (config_read.c). */
typedef struct es_misread {
    size_t ordinal; /* among the integer literals of its layer, in reading order */
    es_line_origin at;
    bool too_big;   /* beyond 64 bits */
    long long value, as_read; /* as written (unless too_big); as libconfig reads it */
    char text[32];  /* as written, cut */
} es_misread;

typedef struct es_layer {
    char *text; /* NUL-terminated, no @include left */
    size_t len, cap;
    es_line_origin *lines; /* lines[k]: where line k + 1 of text comes from */
    size_t nlines, caplines;
    bool at_line_start;
    es_line_origin start; /* where the layer begins (for an empty layer) */
    size_t nints;         /* integer literals in text */
    es_misread *mis;
    size_t nmis, capmis;
} es_layer;

typedef struct es_layers {
    es_layer *layer;
    int nlayers, caplayers;
    /* every file read, once per @include; file 0 is the main file */
    char **shown;  /* as error messages name it: the main file's path, or an include
                    * resolved against the main file's folder */
    char **source; /* as config_setting_source_file() names it, for schema.c: the main
                    * file's path, or the @include's name as written (relative to the folder) */
    int nfiles, capfiles;
} es_layers;

/* Reads `path` and every file it @includes into layers.  `each`, if not NULL, is called for
 * every @include, as es_config_includes documents.  On failure *l holds nothing to free. */
int es_layers_read(es_layers *l, const char *path, es_config_include_fn each, void *user,
                   es_error *err);
void es_layers_free(es_layers *l);

/* Reads an overlay (`--overlay FILE`) and the files it @includes into layers after those
 * already in *l, which it overrides as any later layer does; its @includes resolve against its
 * own folder, and its messages name it as given.  `main_path` is the scenario's path (the
 * names schema.c's messages rebuild are made for it).  On failure *l is still whole, for
 * es_layers_free. */
int es_layers_append(es_layers *l, const char *main_path, const char *overlay, es_error *err);

/* es_config_read of `path` with `noverlays` overlay files read after it, in order
 * (src/io/config_read.c). */
int es_config_read_layered(config_t *cfg, const char *path, const char *const *overlays,
                           int noverlays, es_error *err);

/* Where line `line` (from 1) of a layer's text comes from; a line past the end counts on from
 * the last line (libconfig reports an error at the end of the text one line below it). */
es_line_origin es_layer_origin(const es_layer *layer, int line);

/* Provenance strings that outlive the layers: a copy of l->source held by `cfg` (on its root
 * setting's hook, freed by config_destroy).  Returns the copy's array, NULL when out of
 * memory.  `cfg` must be initialised and carry no other hook or destructor. */
const char **es_layers_attach_sources(config_t *cfg, const es_layers *l);

/* Merges the parsed layers into `out` (initialised, with the attached sources), in order:
 * a later layer's scalar, list or array replaces the earlier setting of the same path whole;
 * groups merge member by member; a setting keeps the position where it was first set.  Every
 * setting keeps the file and line of the layer that set it. */
int es_layers_merge(config_t *out, config_t *const *parsed, int nparsed, const char *path,
                    es_error *err);

/* A copy of src, whole, as the last member of parent, with src's file and line.  ES_ENOMEM
 * when libconfig could not add it. */
int es_config_copy_setting(config_setting_t *parent, const config_setting_t *src);

#endif

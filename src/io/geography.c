/* Reads the census-division and catchment CSVs (model/geography/) into es_geography.
 *
 * The reader feeds libcsv one line at a time (each chunk ends at a '\n'), so when libcsv
 * reports the end of a record, or fails, the line it is on is the number of newlines fed
 * before the chunk plus one; counting records instead would go wrong wherever a quoted field
 * spans lines or a blank line is skipped. */
#include "io/geography.h"

#include <csv.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/input_file.h"
#include "io/names.h"

#define MAX_COLUMNS 8   /* columns a table declares */
#define MAX_FIELDS 16   /* fields kept per record; more are counted, never stored */
#define SHOWN_MAX 48    /* room for a value quoted in an error message */
_Static_assert(MAX_COLUMNS < MAX_FIELDS, "an over-long header must show a bad column");

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* One data record, its values in the table's column order (whatever the file's order). */
typedef struct geo_row {
    const char *path;
    int line;
    const char *const *names;       /* the table's column names */
    const char *text[MAX_COLUMNS];  /* NUL-terminated, never containing a NUL */
    size_t len[MAX_COLUMNS];
} geo_row;

typedef int (*geo_row_fn)(void *user, const geo_row *row, es_error *err);

typedef struct geo_reader {
    const char *path;
    const char *const *columns;
    int ncolumns;
    geo_row_fn take;
    void *user;
    es_error *err;
    int status;
    int line;              /* line of the bytes being fed: newlines fed so far + 1 */
    bool in_quotes;        /* follows libcsv's quoting, to say where an unclosed quote opens */
    unsigned char prev;
    int quote_line;
    bool header_done;
    int nrows;
    int column_of[MAX_FIELDS]; /* column of each field position, from the header */
    int nfields;               /* fields of the record so far, kept or not */
    size_t start[MAX_FIELDS], len[MAX_FIELDS]; /* kept fields, as offsets into buf */
    char *buf;
    size_t used, cap;
} geo_reader;

/* ---- messages ---------------------------------------------------------------------- */

/* A value as an error message shows it: at most 40 bytes, control bytes as '?'. */
static const char *shown(char out[SHOWN_MAX], const char *s, size_t len)
{
    size_t n = len > 40 ? 40 : len;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        out[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    strcpy(out + n, len > n ? "..." : "");
    return out;
}

static int reader_fail(geo_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int reader_fail(geo_reader *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    es_error_vset(r->err, ES_EINVAL, r->path, r->line, fmt, ap);
    va_end(ap);
    return ES_EINVAL;
}

static int row_fail(const geo_row *row, es_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int row_fail(const geo_row *row, es_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    es_error_vset(err, ES_EINVAL, row->path, row->line, fmt, ap);
    va_end(ap);
    return ES_EINVAL;
}

/* ---- the generic reader: header by name, records of exactly the declared columns -------- */

static bool reserve(geo_reader *r, size_t need)
{
    if (need <= r->cap - r->used)
        return true;
    if (need > SIZE_MAX / 2 - r->used)
        return false;
    size_t cap = r->cap ? r->cap : 256;
    while (cap - r->used < need)
        cap *= 2;
    char *buf = realloc(r->buf, cap);
    if (!buf)
        return false;
    r->buf = buf;
    r->cap = cap;
    return true;
}

static void on_field(void *data, size_t len, void *ctx)
{
    geo_reader *r = ctx;
    if (r->status)
        return;
    if (len && memchr(data, '\0', len)) {
        r->status = reader_fail(r, "field %d contains a NUL byte", r->nfields + 1);
        return;
    }
    if (r->nfields < MAX_FIELDS) {
        if (!reserve(r, len + 1)) {
            r->status = es_error_set(r->err, ES_ENOMEM, r->path, r->line, "out of memory");
            return;
        }
        if (len)
            memcpy(r->buf + r->used, data, len);
        r->buf[r->used + len] = '\0';
        r->start[r->nfields] = r->used;
        r->len[r->nfields] = len;
        r->used += len + 1;
    }
    if (r->nfields < INT_MAX)
        r->nfields++;
}

static void expected_columns(const geo_reader *r, char *out, size_t size)
{
    size_t at = 0;
    out[0] = '\0';
    for (int c = 0; c < r->ncolumns && at < size; c++)
        at += (size_t)snprintf(out + at, size - at, "%s%s", c ? "," : "", r->columns[c]);
}

static int take_header(geo_reader *r)
{
    char expected[256], name[SHOWN_MAX];
    expected_columns(r, expected, sizeof expected);
    bool seen[MAX_COLUMNS] = {false};
    int kept = r->nfields < MAX_FIELDS ? r->nfields : MAX_FIELDS;
    for (int i = 0; i < kept; i++) {
        const char *field = r->buf + r->start[i];
        int col = 0;
        while (col < r->ncolumns && strcmp(field, r->columns[col]) != 0)
            col++;
        if (r->len[i] == 0)
            return reader_fail(r, "header: column %d has no name (expected %s)", i + 1, expected);
        if (col == r->ncolumns)
            return reader_fail(r, "header: unknown column '%s' (expected %s)",
                               shown(name, field, r->len[i]), expected);
        if (seen[col])
            return reader_fail(r, "header: column '%s' appears twice", field);
        seen[col] = true;
        r->column_of[i] = col;
    }
    for (int col = 0; col < r->ncolumns; col++)
        if (!seen[col])
            return reader_fail(r, "header: missing column '%s'", r->columns[col]);
    r->header_done = true;
    return ES_OK;
}

static int take_record(geo_reader *r)
{
    if (r->nfields != r->ncolumns)
        return reader_fail(r, "expected %d fields, found %d", r->ncolumns, r->nfields);
    geo_row row = {.path = r->path, .line = r->line, .names = r->columns};
    for (int i = 0; i < r->nfields; i++) {
        int col = r->column_of[i];
        row.text[col] = r->buf + r->start[i];
        row.len[col] = r->len[i];
    }
    r->nrows++;
    return r->take(r->user, &row, r->err);
}

static void on_record(int terminator, void *ctx)
{
    (void)terminator;
    geo_reader *r = ctx;
    if (!r->status)
        r->status = r->header_done ? take_record(r) : take_header(r);
    r->nfields = 0;
    r->used = 0;
}

static int parse_error(geo_reader *r, int csv_status)
{
    switch (csv_status) {
    case CSV_EPARSE:
        return reader_fail(r, "malformed quoting: a quote inside an unquoted field, "
                              "or text after a closing quote");
    case CSV_ENOMEM:
        return es_error_set(r->err, ES_ENOMEM, r->path, r->line, "out of memory");
    default:
        return reader_fail(r, "%s", csv_strerror(csv_status));
    }
}

/* Notes the line where each quoted field opens.  In strict CSV every '"' toggles between
 * quoted and unquoted text ("" inside quotes toggles twice), so a toggle is exact; a '"'
 * right after one that closed is the second half of "", not an opening. */
static void track_quotes(geo_reader *r, const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') {
            if (!r->in_quotes && r->prev != '"')
                r->quote_line = r->line;
            r->in_quotes = !r->in_quotes;
        }
        r->prev = s[i];
    }
}

static int feed(geo_reader *r, struct csv_parser *p, const unsigned char *bytes, size_t n)
{
    while (n > 0) {
        const unsigned char *newline = memchr(bytes, '\n', n);
        size_t chunk = newline ? (size_t)(newline - bytes) + 1 : n;
        track_quotes(r, bytes, chunk);
        size_t parsed = csv_parse(p, bytes, chunk, on_field, on_record, r);
        if (r->status)
            return r->status;
        if (parsed < chunk)
            return parse_error(r, csv_error(p));
        if (newline) {
            if (r->line == INT_MAX)
                return reader_fail(r, "too many lines");
            r->line++;
        }
        bytes += chunk;
        n -= chunk;
    }
    return ES_OK;
}

static int finish(geo_reader *r, struct csv_parser *p)
{
    if (csv_fini(p, on_field, on_record, r) != 0) {
        if (r->in_quotes) {
            r->line = r->quote_line;
            return reader_fail(r, "quoted field opened here is never closed");
        }
        return parse_error(r, csv_error(p));
    }
    if (r->status)
        return r->status;
    if (!r->header_done) {
        char expected[256];
        expected_columns(r, expected, sizeof expected);
        return es_error_set(r->err, ES_EINVAL, r->path, 0, "empty file (expected a header: %s)",
                            expected);
    }
    if (r->nrows == 0)
        return es_error_set(r->err, ES_EINVAL, r->path, 0, "no records after the header");
    return ES_OK;
}

static int read_table(geo_reader *r)
{
    FILE *f;
    int errnum;
    es_input_problem problem = es_input_open(r->path, ES_CSV_MAX_BYTES, &f, NULL, &errnum);
    if (problem == ES_INPUT_ERRNO)
        return es_error_set(r->err, errnum == ENOMEM ? ES_ENOMEM : ES_EIO, r->path, 0,
                            "cannot open: %s", strerror(errnum));
    if (problem != ES_INPUT_OK) {
        char why[128];
        return es_error_set(r->err, ES_EINVAL, r->path, 0, "%s",
                            es_input_why(problem, errnum, ES_CSV_MAX_BYTES, why, sizeof why));
    }
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        fclose(f);
        return es_error_set(r->err, ES_ENOMEM, r->path, 0, "out of memory");
    }
    unsigned char block[8192];
    bool first = true;
    int status = ES_OK;
    size_t n;
    while (status == ES_OK && (n = fread(block, 1, sizeof block, f)) > 0) {
        const unsigned char *bytes = block;
        if (first && n >= 3 && memcmp(block, "\xEF\xBB\xBF", 3) == 0) { /* UTF-8 BOM */
            bytes += 3;
            n -= 3;
        }
        first = false;
        status = feed(r, &p, bytes, n);
    }
    if (status == ES_OK && ferror(f))
        status = es_error_set(r->err, ES_EIO, r->path, 0, "read error: %s", strerror(errno));
    if (status == ES_OK)
        status = finish(r, &p);
    csv_free(&p);
    fclose(f);
    free(r->buf);
    r->buf = NULL;
    return status;
}

static int read_csv(const char *path, const char *const *columns, int ncolumns, geo_row_fn take,
                    void *user, es_error *err)
{
    geo_reader r = {.path = path, .columns = columns, .ncolumns = ncolumns, .take = take,
                    .user = user, .err = err, .line = 1};
    return read_table(&r);
}

/* ---- values ------------------------------------------------------------------------ */

static bool parse_code(const char *s, size_t len, int *out)
{
    if (len == 0 || len > 9)
        return false;
    int value = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        value = value * 10 + (s[i] - '0');
    }
    if (value <= 0)
        return false;
    *out = value;
    return true;
}

static bool all_digits(const char *s, size_t len)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int get_code(const geo_row *row, int col, int *out, es_error *err)
{
    char value[SHOWN_MAX];
    if (row->len[col] == 0)
        return row_fail(row, err, "%s is empty", row->names[col]);
    if (!parse_code(row->text[col], row->len[col], out))
        return row_fail(row, err, "%s '%s' is not an integer code", row->names[col],
                        shown(value, row->text[col], row->len[col]));
    return ES_OK;
}

static int get_text(const geo_row *row, int col, char *out, size_t size, bool required,
                    es_error *err)
{
    size_t len = row->len[col];
    if (required && len == 0)
        return row_fail(row, err, "%s is empty", row->names[col]);
    if (len >= size)
        return row_fail(row, err, "%s is %zu bytes long, more than the %zu that fit",
                        row->names[col], len, size - 1);
    char why[64], shown[80];
    const char *fault = len ? es_name_fault(row->text[col], len, why, sizeof why) : NULL;
    if (fault)
        return row_fail(row, err, "%s \"%s\" %s: a name must be UTF-8 text without control "
                        "characters", row->names[col], es_name_shown(row->text[col], shown,
                        sizeof shown), fault);
    memcpy(out, row->text[col], len + 1);
    return ES_OK;
}

/* A whole number >= 0 of at most 18 digits. */
static int get_count(const geo_row *row, int col, int64_t *out, es_error *err)
{
    const char *s = row->text[col];
    size_t len = row->len[col];
    char value[SHOWN_MAX];
    if (len == 0)
        return row_fail(row, err, "%s is empty", row->names[col]);
    if (s[0] == '-' && all_digits(s + 1, len - 1))
        return row_fail(row, err, "%s '%s' is negative", row->names[col], shown(value, s, len));
    if (!all_digits(s, len) || len > 18)
        return row_fail(row, err, "%s '%s' is not a whole number", row->names[col],
                        shown(value, s, len));
    int64_t n = 0;
    for (size_t i = 0; i < len; i++)
        n = n * 10 + (s[i] - '0');
    *out = n;
    return ES_OK;
}

/* A plain decimal >= 0: digits, optionally '.' and more digits (no sign, exponent, inf). */
static int get_amount(const geo_row *row, int col, double *out, es_error *err)
{
    const char *s = row->text[col];
    size_t len = row->len[col];
    char value[SHOWN_MAX];
    if (len == 0)
        return row_fail(row, err, "%s is empty", row->names[col]);
    size_t i = s[0] == '-' ? 1 : 0, digits = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (digits > 0 && i < len && s[i] == '.') {
        size_t fraction = 0;
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            fraction++;
        if (fraction == 0)
            digits = 0;
    }
    double v = digits > 0 && i == len ? strtod(s, NULL) : NAN;
    if (!isfinite(v))
        return row_fail(row, err, "%s '%s' is not a number", row->names[col],
                        shown(value, s, len));
    if (v < 0)
        return row_fail(row, err, "%s '%s' is negative", row->names[col], shown(value, s, len));
    *out = v == 0 ? 0.0 : v; /* no -0 */
    return ES_OK;
}

/* ---- census divisions -------------------------------------------------------------- */

enum { CD_UID, CD_NAME, CD_TYPE, CD_ER_UID, CD_ER_NAME, CD_POPULATION, CD_AREA, CD_NCOLUMNS };
static const char *const cd_columns[CD_NCOLUMNS] = {
    "cd_uid", "cd_name", "cd_type", "er_uid", "er_name", "population_2021", "land_area_km2"};

typedef struct cd_loader {
    es_geography *g;
    int line[ES_MAX_CDS];
} cd_loader;

static int check_new_cd(const cd_loader *l, const es_census_division *cd, const geo_row *row,
                        es_error *err)
{
    const es_geography *g = l->g;
    for (int i = 0; i < g->ncds; i++) {
        const es_census_division *old = &g->cds[i];
        if (old->uid == cd->uid)
            return row_fail(row, err, "duplicate cd_uid %d (first on line %d)", cd->uid,
                            l->line[i]);
        if (old->er_uid == cd->er_uid && strcmp(old->er_name, cd->er_name) != 0)
            return row_fail(row, err, "er_uid %d is named '%s' here but '%s' on line %d",
                            cd->er_uid, cd->er_name, old->er_name, l->line[i]);
    }
    return ES_OK;
}

static int take_cd(void *user, const geo_row *row, es_error *err)
{
    cd_loader *l = user;
    es_geography *g = l->g;
    if (g->ncds >= ES_MAX_CDS)
        return row_fail(row, err, "too many census divisions (es_geography holds %d)",
                        ES_MAX_CDS);
    es_census_division cd;
    memset(&cd, 0, sizeof cd);
    int rc = get_code(row, CD_UID, &cd.uid, err);
    if (!rc)
        rc = get_text(row, CD_NAME, cd.name, sizeof cd.name, true, err);
    if (!rc)
        rc = get_text(row, CD_TYPE, cd.type, sizeof cd.type, true, err);
    if (!rc)
        rc = get_code(row, CD_ER_UID, &cd.er_uid, err);
    if (!rc)
        rc = get_text(row, CD_ER_NAME, cd.er_name, sizeof cd.er_name, true, err);
    if (!rc)
        rc = get_count(row, CD_POPULATION, &cd.population, err);
    if (!rc)
        rc = get_amount(row, CD_AREA, &cd.land_area_km2, err);
    if (!rc)
        rc = check_new_cd(l, &cd, row, err);
    if (rc)
        return rc;
    l->line[g->ncds] = row->line;
    g->cds[g->ncds++] = cd;
    return ES_OK;
}

/* ---- catchments -------------------------------------------------------------------- */

enum { CA_ID, CA_NAME, CA_CDS, CA_PHASE, CA_START, CA_SSM, CA_NCOLUMNS };
static const char *const catchment_columns[CA_NCOLUMNS] = {
    "catchment_id", "catchment_name", "cd_uids", "phase", "ies_start", "ssm"};
static const char *const phases[] = {"prototype", "phase-1", "phase-2", "phase-3"};

#define MAX_CATCHMENTS ((int)NELEMS(((es_geography *)0)->catchments))

typedef struct catchment_loader {
    es_geography *g;
    const char *cd_path;
    int line[MAX_CATCHMENTS];
    int owner[ES_MAX_CDS]; /* catchment index + 1 of each census division, 0 for none */
} catchment_loader;

static int get_phase(const geo_row *row, char *out, size_t size, es_error *err)
{
    int rc = get_text(row, CA_PHASE, out, size, true, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < NELEMS(phases); i++)
        if (strcmp(out, phases[i]) == 0)
            return ES_OK;
    char value[SHOWN_MAX];
    return row_fail(row, err, "phase '%s' is not one of: prototype, phase-1, phase-2, phase-3",
                    shown(value, row->text[CA_PHASE], row->len[CA_PHASE]));
}

static int get_start(const geo_row *row, es_geo_catchment *c, es_error *err)
{
    const char *s = row->text[CA_START];
    size_t len = row->len[CA_START];
    if (len == 0)
        return ES_OK; /* not announced */
    if (len == 7 && all_digits(s, 4) && s[4] == '-' && all_digits(s + 5, 2)) {
        int year = atoi(s), month = (s[5] - '0') * 10 + (s[6] - '0');
        if (year > 0 && month >= 1 && month <= 12) {
            c->start_year = year;
            c->start_month = month;
            return ES_OK;
        }
    }
    char value[SHOWN_MAX];
    return row_fail(row, err, "ies_start '%s' is not YYYY-MM (month 01-12) or blank",
                    shown(value, s, len));
}

static int add_cd(catchment_loader *l, es_geo_catchment *c, const char *code, size_t len,
                  const geo_row *row, es_error *err)
{
    char value[SHOWN_MAX];
    while (len > 0 && code[0] == ' ')
        code++, len--;
    while (len > 0 && code[len - 1] == ' ')
        len--;
    int uid;
    if (len == 0)
        return row_fail(row, err, "cd_uids '%s' has an empty entry",
                        shown(value, row->text[CA_CDS], row->len[CA_CDS]));
    if (!parse_code(code, len, &uid))
        return row_fail(row, err, "cd_uids entry '%s' is not an integer code",
                        shown(value, code, len));
    int cd = es_geography_cd_index(l->g, uid);
    if (cd < 0)
        return row_fail(row, err, "cd_uids names census division %d, which is not in %s", uid,
                        l->cd_path);
    for (int k = 0; k < c->ncds; k++)
        if (c->cd_index[k] == cd)
            return row_fail(row, err, "cd_uids lists census division %d twice", uid);
    if (l->owner[cd])
        return row_fail(row, err, "census division %d is already in catchment '%s' (line %d)",
                        uid, l->g->catchments[l->owner[cd] - 1].name, l->line[l->owner[cd] - 1]);
    if (c->ncds >= ES_MAX_CDS_PER_CATCHMENT)
        return row_fail(row, err, "cd_uids lists more than %d census divisions",
                        ES_MAX_CDS_PER_CATCHMENT);
    c->cd_index[c->ncds++] = cd;
    return ES_OK;
}

static int get_cds(catchment_loader *l, es_geo_catchment *c, const geo_row *row, es_error *err)
{
    const char *s = row->text[CA_CDS];
    size_t len = row->len[CA_CDS];
    if (len == 0)
        return row_fail(row, err, "cd_uids is empty");
    for (size_t start = 0; start <= len;) {
        const char *semicolon = memchr(s + start, ';', len - start);
        size_t end = semicolon ? (size_t)(semicolon - s) : len;
        int rc = add_cd(l, c, s + start, end - start, row, err);
        if (rc)
            return rc;
        start = end + 1;
    }
    return ES_OK;
}

static int check_new_catchment(const catchment_loader *l, const es_geo_catchment *c,
                               const geo_row *row, es_error *err)
{
    const es_geography *g = l->g;
    for (int i = 0; i < g->ncatchments; i++) {
        if (g->catchments[i].id == c->id)
            return row_fail(row, err, "duplicate catchment_id %d (first on line %d)", c->id,
                            l->line[i]);
        if (strcmp(g->catchments[i].name, c->name) == 0)
            return row_fail(row, err, "duplicate catchment_name '%s' (first on line %d)",
                            c->name, l->line[i]);
    }
    return ES_OK;
}

static int take_catchment(void *user, const geo_row *row, es_error *err)
{
    catchment_loader *l = user;
    es_geography *g = l->g;
    if (g->ncatchments >= MAX_CATCHMENTS)
        return row_fail(row, err, "too many catchments (es_geography holds %d)",
                        MAX_CATCHMENTS);
    es_geo_catchment c;
    memset(&c, 0, sizeof c);
    int rc = get_code(row, CA_ID, &c.id, err);
    if (!rc)
        rc = get_text(row, CA_NAME, c.name, sizeof c.name, true, err);
    if (!rc)
        rc = check_new_catchment(l, &c, row, err);
    if (!rc)
        rc = get_cds(l, &c, row, err);
    if (!rc)
        rc = get_phase(row, c.phase, sizeof c.phase, err);
    if (!rc)
        rc = get_start(row, &c, err);
    if (!rc)
        rc = get_text(row, CA_SSM, c.ssm, sizeof c.ssm, false, err);
    if (rc)
        return rc;
    for (int k = 0; k < c.ncds; k++)
        l->owner[c.cd_index[k]] = g->ncatchments + 1;
    l->line[g->ncatchments] = row->line;
    g->catchments[g->ncatchments++] = c;
    return ES_OK;
}

/* ---- the whole geography ----------------------------------------------------------- */

int es_geography_load(es_geography *g, const char *cd_csv, const char *catchment_csv,
                      es_error *err)
{
    if (!g || !cd_csv || !catchment_csv)
        return es_error_set(err, ES_EINVAL, NULL, 0, "es_geography_load: missing argument");
    memset(g, 0, sizeof *g);
    cd_loader cds = {.g = g};
    int status = read_csv(cd_csv, cd_columns, CD_NCOLUMNS, take_cd, &cds, err);
    if (status == ES_OK) {
        catchment_loader catchments = {.g = g, .cd_path = cd_csv};
        status = read_csv(catchment_csv, catchment_columns, CA_NCOLUMNS, take_catchment,
                          &catchments, err);
    }
    if (status != ES_OK)
        memset(g, 0, sizeof *g);
    return status;
}

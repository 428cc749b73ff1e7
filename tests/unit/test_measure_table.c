/* The measures table (src/api/measure_table.c) and the data dictionary say the same thing:
 * every measure row of docs/data-dictionary.md is in the table with the same unit, groups and
 * definition, and every table entry is in the dictionary.  And the model records nothing the
 * table does not declare: a small run with a funding model and a labour market, and the
 * scenario whose payer pays only sometimes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/internal.h"
#include "api/measure_table.h"

/* ---- the data dictionary ------------------------------------------------------------------ */

static char *trim(char *s)
{
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '|'))
        s[--n] = '\0';
    return s;
}

/* Splits a table row "| a | b | c |" into at most max cells (in place). */
static int split_cells(char *line, char **cells, int max)
{
    int n = 0;
    char *p = strchr(line, '|');
    while (p && n < max) {
        char *next = strchr(p + 1, '|');
        if (!next)
            break;
        *next = '\0';
        cells[n++] = trim(p + 1);
        *next = '|';
        p = next;
    }
    return n;
}

typedef struct doc_state {
    int scope; /* -1 outside the measure sections */
    int has_group_column;
    char section_groups[512]; /* "(group X)" of the last ### heading */
} doc_state;

static void check_doc_row(const doc_state *st, char *line, int *seen, const es_measure *table)
{
    char *cells[4];
    int n = split_cells(line, cells, st->has_group_column ? 4 : 3);
    assert_int_equal(n, st->has_group_column ? 4 : 3);
    const char *groups = st->has_group_column ? cells[1] : st->section_groups;
    const char *unit = cells[n - 2], *definition = cells[n - 1];
    for (char *p = strchr(cells[0], '`'); p; p = strchr(p, '`')) { /* `a`, `b`, ... */
        char *end = strchr(p + 1, '`');
        assert_non_null(end);
        *end = '\0';
        const es_measure *m = es_measure_find(p + 1, (es_measure_scope)st->scope);
        if (!m)
            fail_msg("%s is in docs/data-dictionary.md but not in the measures table", p + 1);
        seen[m - table] = 1;
        if (strcmp(m->unit, unit) != 0)
            fail_msg("%s: unit \"%s\" in the dictionary, \"%s\" in the table", p + 1, unit, m->unit);
        if (!strstr(m->groups, groups))
            fail_msg("%s: groups \"%s\" in the dictionary, \"%s\" in the table", p + 1, groups,
                     m->groups);
        if (!strstr(m->definition, definition))
            fail_msg("%s: the dictionary's definition is not the table's", p + 1);
        *end = '`';
        p = end + 1;
    }
}

static void dictionary_matches_table(void **state)
{
    (void)state;
    size_t count;
    const es_measure *table = es_measure_table(&count);
    int *seen = calloc(count, sizeof *seen);
    assert_non_null(seen);
    FILE *f = fopen(SOURCE_DIR "/docs/data-dictionary.md", "r");
    assert_non_null(f);
    doc_state st = {.scope = -1};
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "## ", 3) == 0)
            st.scope = strncmp(line, "## Measures in summary", 22) == 0   ? ES_MEASURE_RUN
                       : strncmp(line, "## Measures in monthly", 22) == 0 ? ES_MEASURE_MONTHLY
                                                                           : -1;
        else if (strncmp(line, "### Every measure name", 22) == 0)
            st.scope = -1;
        else if (strncmp(line, "### ", 4) == 0) {
            const char *g = strstr(line, "(group ");
            const char *close = strrchr(line, ')');
            if (g && close > g)
                snprintf(st.section_groups, sizeof st.section_groups, "%.*s",
                         (int)(close - g - 7), g + 7);
            else
                snprintf(st.section_groups, sizeof st.section_groups, "`all`");
        } else if (st.scope >= 0 && strncmp(line, "| measure |", 11) == 0)
            st.has_group_column = strstr(line, "| group |") != NULL;
        else if (st.scope >= 0 && strncmp(line, "| `", 3) == 0)
            check_doc_row(&st, line, seen, table);
    }
    fclose(f);
    for (size_t i = 0; i < count; i++)
        if (!seen[i])
            fail_msg("%s is in the measures table but not in docs/data-dictionary.md",
                     table[i].name);
    free(seen);
}

static void table_is_well_formed(void **state)
{
    (void)state;
    size_t count;
    const es_measure *table = es_measure_table(&count);
    assert_true(count > 100);
    for (size_t i = 0; i < count; i++) {
        assert_true(table[i].dims != 0);
        assert_true(*table[i].unit && *table[i].label && *table[i].definition);
        assert_ptr_equal(es_measure_find(table[i].name, table[i].scope), &table[i]); /* once */
    }
    assert_string_equal(es_measure_label("employment_rate_at_exit"), "Employment rate at exit");
    assert_int_equal(es_measure_find("spend_by_payer_cents", ES_MEASURE_RUN)->missing,
                     ES_MEASURE_MISSING_ZERO);
    assert_int_equal(es_measure_find("employed_12m_rate", ES_MEASURE_RUN)->missing,
                     ES_MEASURE_MISSING_ABSENT);
}

/* ---- what the model records ---------------------------------------------------------------- */

static void check_recorded(const char *path, const es_override *ov, int nov)
{
    es_scenario *scn = malloc(sizeof *scn);
    assert_non_null(scn);
    es_error err;
    es_error_clear(&err);
    int rc = es_scenario_load_with(scn, path, ov, nov, &err);
    if (rc)
        fail_msg("%s:%d: %s", err.file, err.line, err.msg);
    es_run_options opt = {.replications = 2, .seed = -1, .jobs = 2};
    es_experiment x;
    rc = es_experiment_run(&x, scn, &opt, &err);
    if (rc)
        fail_msg("%s", err.msg);
    size_t checked = 0;
    for (int r = 0; r < x.nreps; r++) {
        const es_results *res = &x.reps[r].results;
        for (size_t i = 0; i < res->n; i++) {
            const es_obs *o = &res->obs[i];
            es_measure_scope scope =
                o->month == ES_RESULTS_WHOLE_RUN ? ES_MEASURE_RUN : ES_MEASURE_MONTHLY;
            if (!es_measure_find(o->measure, scope))
                fail_msg("%s records %s (%s) but the measures table does not declare it", path,
                         o->measure, scope == ES_MEASURE_RUN ? "whole run" : "monthly");
            checked++;
        }
    }
    assert_true(checked > 100);
    es_experiment_destroy(&x);
    free(scn);
}

static void model_records_only_declared_measures(void **state)
{
    (void)state;
    es_override one_year = {.path = "scenario.horizon_days", .value = "365"};
    check_recorded(SOURCE_DIR "/scenarios/muskoka-kawarthas.cfg", &one_year, 1);
    check_recorded(SOURCE_DIR "/tests/data/rare-payer.cfg", NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_is_well_formed),
        cmocka_unit_test(dictionary_matches_table),
        cmocka_unit_test(model_records_only_declared_measures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

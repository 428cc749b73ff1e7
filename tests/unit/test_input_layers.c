/* essim's input layer (src/io/config_read.c, config_scan.c, layers.c): a later layer overrides
 * an earlier one without "duplicate setting name" and the effective value names the file and
 * line that set it; a key set twice within one file is still an error at its FILE:LINE; an
 * @include inside a list is expanded inline; errors after and inside an @include point at the
 * right line; integers libconfig 1.5 misreads are repaired in every layer; es_config_includes
 * names every file read; --param names list elements by name.  Runs from the source folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "io/scenario.h"
#include "io/schema.h"

#define LAYERS "tests/data/layers"

static char tmpdir[64];

static void read_ok(config_t *cfg, const char *path)
{
    es_error err;
    es_error_clear(&err);
    if (es_config_read(cfg, path, &err) != ES_OK) {
        char msg[2048];
        fail_msg("%s", es_error_format(&err, msg, sizeof msg));
    }
}

/* The message es_config_read gives for `path`, which must fail. */
static const char *read_fails(const char *path, char *msg, size_t len)
{
    config_t cfg;
    es_error err;
    es_error_clear(&err);
    assert_int_equal(es_config_read(&cfg, path, &err), ES_EINVAL);
    return es_error_format(&err, msg, len);
}

/* A setting's FILE:LINE as error messages show it. */
static const char *where(const config_setting_t *st, const char *main_file, char *out, size_t len)
{
    es_error err;
    es_error_clear(&err);
    es_schema_error(&err, st, main_file, "here");
    return es_error_format(&err, out, len);
}

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(text, 1, strlen(text), f);
    assert_int_equal(fclose(f), 0);
}

static const char *tmp_path(const char *name)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/essim-layers-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void later_layer_overrides(void **state)
{
    (void)state;
    const char *path = LAYERS "/override.cfg";
    config_t cfg;
    read_ok(&cfg, path);
    long long seed = 0, replications = 0;
    const char *name = NULL;
    double need = 0, hours = 0;
    assert_true(config_lookup_int64(&cfg, "scenario.seed", &seed));
    assert_int_equal(seed, 42); /* override.cfg's */
    assert_true(config_lookup_int64(&cfg, "scenario.replications", &replications));
    assert_int_equal(replications, 3); /* base.cfg's: groups merge key by key */
    assert_true(config_lookup_string(&cfg, "scenario.name", &name));
    assert_string_equal(name, "base");
    assert_true(config_lookup_float(&cfg, "outcomes.need_effect", &need));
    assert_true(config_lookup_float(&cfg, "outcomes.hours_mean", &hours));
    assert_true(need == 0.25 && hours == 34.0);
    /* a list is replaced whole */
    const config_setting_t *streams = config_lookup(&cfg, "streams");
    assert_int_equal(config_setting_length(streams), 1);
    assert_true(config_lookup_string(&cfg, "streams.[0].name", &name));
    assert_string_equal(name, "C");
    /* the root keeps the order in which keys were first set */
    assert_string_equal(config_setting_name(config_setting_get_elem(config_root_setting(&cfg), 0)),
                        "scenario");
    /* provenance: the file and line that set each effective value */
    char at[1024];
    assert_string_equal(where(config_lookup(&cfg, "scenario.seed"), path, at, sizeof at),
                        LAYERS "/override.cfg:4: here");
    assert_string_equal(where(config_lookup(&cfg, "scenario.replications"), path, at, sizeof at),
                        LAYERS "/base.cfg:5: here");
    assert_string_equal(where(config_lookup(&cfg, "streams.[0].name"), path, at, sizeof at),
                        LAYERS "/override.cfg:7: here");
    assert_string_equal(where(config_lookup(&cfg, "outcomes.hours_mean"), path, at, sizeof at),
                        LAYERS "/base.cfg:7: here");
    /* integers beyond 32 bits are read as written in every layer */
    long long big = 0, big2 = 0;
    assert_true(config_lookup_int64(&cfg, "big", &big));
    assert_true(config_lookup_int64(&cfg, "big2", &big2));
    assert_true(big == 4294967303LL && big2 == 8589934593LL);
    config_destroy(&cfg);
}

/* Layers apply in reading order: a key set before a top-level @include is overridden by it. */
static void layers_in_reading_order(void **state)
{
    (void)state;
    write_file("part.cfg", "x = 2;\ny = { a = 1; };\n");
    write_file("order.cfg", "x = 1;\ny = { b = 2; };\n@include \"part.cfg\"\nz = 3;\n");
    config_t cfg;
    read_ok(&cfg, tmp_path("order.cfg"));
    int x = 0, a = 0, b = 0, z = 0;
    assert_true(config_lookup_int(&cfg, "x", &x) && config_lookup_int(&cfg, "y.a", &a) &&
                config_lookup_int(&cfg, "y.b", &b) && config_lookup_int(&cfg, "z", &z));
    assert_true(x == 2 && a == 1 && b == 2 && z == 3);
    config_destroy(&cfg);
}

static void duplicate_within_a_file(void **state)
{
    (void)state;
    char msg[2048], want[512];
    write_file("dup.cfg", "scenario = { name = \"x\";\n  seed = 1;\n  seed = 2; };\n");
    snprintf(want, sizeof want, "%s:3: duplicate setting name", tmp_path("dup.cfg"));
    assert_string_equal(read_fails(tmp_path("dup.cfg"), msg, sizeof msg), want);
    /* also within an included file, at its own line */
    write_file("dup-part.cfg", "# part\na = 1;\na = 2;\n");
    write_file("dup-main.cfg", "b = 1;\n@include \"dup-part.cfg\"\n");
    snprintf(want, sizeof want, "%s:3: duplicate setting name", tmp_path("dup-part.cfg"));
    assert_string_equal(read_fails(tmp_path("dup-main.cfg"), msg, sizeof msg), want);
}

static void include_inside_a_list(void **state)
{
    (void)state;
    const char *path = LAYERS "/list.cfg";
    config_t cfg;
    read_ok(&cfg, path);
    assert_int_equal(config_setting_length(config_lookup(&cfg, "items")), 2);
    int size = 0;
    assert_true(config_lookup_int(&cfg, "items.[1].size", &size));
    assert_int_equal(size, 2);
    char at[1024];
    assert_string_equal(where(config_lookup(&cfg, "items.[1].size"), path, at, sizeof at),
                        LAYERS "/element.cfg:2: here");
    assert_string_equal(where(config_lookup(&cfg, "after"), path, at, sizeof at),
                        LAYERS "/list.cfg:7: here");
    config_destroy(&cfg);
}

static void errors_after_and_inside_includes(void **state)
{
    (void)state;
    char msg[2048], want[512];
    write_file("three.cfg", "# one\n# two\nq = 3;\n");
    write_file("after.cfg", "a = 1;\n@include \"three.cfg\"\nb = 2;\nc = ;\n");
    snprintf(want, sizeof want, "%s:4: syntax error", tmp_path("after.cfg"));
    assert_string_equal(read_fails(tmp_path("after.cfg"), msg, sizeof msg), want);
    /* after an @include expanded inline (inside a list) */
    write_file("elem.cfg", "# one\n# two\n{ q = 3; }\n");
    write_file("inline.cfg", "x = (\n@include \"elem.cfg\"\n);\nd = ;\n");
    snprintf(want, sizeof want, "%s:4: syntax error", tmp_path("inline.cfg"));
    assert_string_equal(read_fails(tmp_path("inline.cfg"), msg, sizeof msg), want);
    /* inside the included file */
    write_file("bad-elem.cfg", "# one\n{ q = ; }\n");
    write_file("inline-bad.cfg", "x = (\n@include \"bad-elem.cfg\"\n);\n");
    snprintf(want, sizeof want, "%s:2: syntax error", tmp_path("bad-elem.cfg"));
    assert_string_equal(read_fails(tmp_path("inline-bad.cfg"), msg, sizeof msg), want);
    /* a missing file, at the @include's line */
    write_file("missing.cfg", "a = 1;\n\n@include \"no-such.cfg\"\n");
    snprintf(want, sizeof want, "%s:3: cannot open include file", tmp_path("missing.cfg"));
    assert_string_equal(read_fails(tmp_path("missing.cfg"), msg, sizeof msg), want);
    /* an included file may not end inside a comment: it would swallow what follows */
    write_file("open-comment.cfg", "q = 1;\n/* never closed\n");
    write_file("swallowed.cfg", "x = (\n@include \"open-comment.cfg\"\n);\n");
    snprintf(want, sizeof want,
             "%s:2: a comment /* opened here is not closed before the end of the file",
             tmp_path("open-comment.cfg"));
    assert_string_equal(read_fails(tmp_path("swallowed.cfg"), msg, sizeof msg), want);
    /* a value beyond 64 bits in an included layer, at its line there */
    write_file("huge-part.cfg", "# one\nseed = 99999999999999999999;\n");
    write_file("huge.cfg", "a = 1;\n@include \"huge-part.cfg\"\n");
    snprintf(want, sizeof want, "%s:2: 'seed' = 99999999999999999999 does not fit in a 64-bit "
             "integer", tmp_path("huge-part.cfg"));
    assert_string_equal(read_fails(tmp_path("huge.cfg"), msg, sizeof msg), want);
}

/* No group may grow beyond 10,000 settings by merging layers (libconfig's time is quadratic). */
static void group_limit_across_layers(void **state)
{
    (void)state;
    for (int part = 0; part < 2; part++) {
        char name[32];
        snprintf(name, sizeof name, "g%d.cfg", part);
        FILE *f = fopen(tmp_path(name), "w");
        assert_non_null(f);
        fprintf(f, "g = {\n");
        for (int k = 0; k < 6000; k++)
            fprintf(f, "  k%d_%d = 1;\n", part, k);
        fprintf(f, "};\n");
        assert_int_equal(fclose(f), 0);
    }
    write_file("g.cfg", "@include \"g0.cfg\"\n@include \"g1.cfg\"\n");
    char msg[2048], want[512];
    snprintf(want, sizeof want, "%s:4002: more than 10000 settings in one group, with those of "
             "the files before: libconfig would take minutes to read them", tmp_path("g1.cfg"));
    assert_string_equal(read_fails(tmp_path("g.cfg"), msg, sizeof msg), want);
}

/* The text essim hands libconfig: a byte-order mark dropped, a NUL byte refused. */
static void bom_and_nul(void **state)
{
    (void)state;
    write_file("bom.cfg", "\xEF\xBB\xBF" "a = 1;\n");
    config_t cfg;
    read_ok(&cfg, tmp_path("bom.cfg"));
    int a = 0;
    assert_true(config_lookup_int(&cfg, "a", &a) && a == 1);
    config_destroy(&cfg);
    char path[256], msg[2048], want[512];
    snprintf(path, sizeof path, "%s", tmp_path("nul.cfg"));
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite("a = 1;\nb = \"x\0y\";\n", 1, 18, f);
    fclose(f);
    snprintf(want, sizeof want, "%s:2: a NUL byte: essim reads text files only", path);
    assert_string_equal(read_fails(path, msg, sizeof msg), want);
}

typedef struct seen {
    int n;
    char names[8][256];
} seen;

static int note_include(const char *name, const char *opened, void *user)
{
    (void)opened;
    seen *s = user;
    if (s->n < 8)
        snprintf(s->names[s->n++], sizeof s->names[0], "%s", name);
    return ES_OK;
}

static void includes_lists_every_file(void **state)
{
    (void)state;
    es_error err;
    es_error_clear(&err);
    seen s = {0};
    assert_int_equal(es_config_includes(LAYERS "/list.cfg", note_include, &s, &err), ES_OK);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.names[0], "element.cfg");
    assert_string_equal(s.names[1], "element.cfg");
    seen t = {0};
    assert_int_equal(es_config_includes("scenarios/default.cfg", note_include, &t, &err), ES_OK);
    assert_int_equal(t.n, 4);
    assert_string_equal(t.names[0], "../model/ontario.cfg");
    assert_string_equal(t.names[3], "../model/catchments/peel.cfg");
}

static int apply(config_t *cfg, const char *path, const char *value, es_error *err)
{
    es_override ov;
    snprintf(ov.path, sizeof ov.path, "%s", path);
    snprintf(ov.value, sizeof ov.value, "%s", value);
    es_error_clear(err);
    return es_override_apply(cfg, &ov, err);
}

static void param_by_name(void **state)
{
    (void)state;
    config_t cfg;
    read_ok(&cfg, "scenarios/default.cfg");
    es_error err;
    long long v = 0;
    assert_int_equal(apply(&cfg, "catchments[Muskoka-Kawarthas].providers[Muskoka-Kawarthas "
                                 "Provider 2].caseload_capacity", "30", &err), ES_OK);
    const char *name = NULL;
    assert_true(config_lookup_string(&cfg, "catchments.[1].providers.[1].name", &name));
    assert_string_equal(name, "Muskoka-Kawarthas Provider 2");
    assert_true(config_lookup_int64(&cfg, "catchments.[1].providers.[1].caseload_capacity", &v));
    assert_int_equal(v, 30);
    /* the index, as libconfig writes it or in brackets when no element has that name */
    assert_int_equal(apply(&cfg, "catchments.[2].providers.[0].caseload_capacity", "31", &err),
                     ES_OK);
    assert_true(config_lookup_int64(&cfg, "catchments.[2].providers.[0].caseload_capacity", &v));
    assert_int_equal(v, 31);
    assert_int_equal(apply(&cfg, "catchments[2].providers[0].caseload_capacity", "32", &err),
                     ES_OK);
    assert_true(config_lookup_int64(&cfg, "catchments.[2].providers.[0].caseload_capacity", &v));
    assert_int_equal(v, 32);
    assert_int_equal(apply(&cfg, "streams[B].job_start_prob", "0.5", &err), ES_OK);
    double p = 0;
    assert_true(config_lookup_float(&cfg, "streams.[1].job_start_prob", &p));
    assert_true(p == 0.5);
    /* an unknown name: the list and its names */
    char msg[2048];
    assert_int_equal(apply(&cfg, "catchments[Nowhere].routing", "nearest", &err), ES_EINVAL);
    assert_string_equal(es_error_format(&err, msg, sizeof msg),
                        "--param catchments[Nowhere].routing: no element of 'catchments' is "
                        "named 'Nowhere' (its names: 'Hamilton-Niagara Peninsula', "
                        "'Muskoka-Kawarthas', 'Peel')");
    assert_int_equal(apply(&cfg, "catchment[Peel].routing", "nearest", &err), ES_EINVAL);
    assert_string_equal(es_error_format(&err, msg, sizeof msg),
                        "--param catchment[Peel].routing: the scenario has no list 'catchment'");
    config_destroy(&cfg);
}

/* The realistic case: a scenario includes model/ontario.cfg and overrides one of its keys. */
static void scenario_overrides_ontario(void **state)
{
    (void)state;
    static es_scenario s; /* about 1 MB: not on the stack */
    es_error err;
    es_error_clear(&err);
    int rc = es_scenario_load(&s, "scenarios/peel-30-hour-outcome.cfg", &err);
    char msg[2048];
    if (rc)
        fail_msg("%s", es_error_format(&err, msg, sizeof msg));
    assert_true(s.params.funded_hours_per_week == 30.0);
    assert_true(s.params.outcomes.need_effect == 0.5); /* model/ontario.cfg's, kept */
    assert_string_equal(s.inputs[1], "scenarios/../model/ontario.cfg");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(later_layer_overrides),
        cmocka_unit_test(layers_in_reading_order),
        cmocka_unit_test(duplicate_within_a_file),
        cmocka_unit_test(include_inside_a_list),
        cmocka_unit_test(errors_after_and_inside_includes),
        cmocka_unit_test(group_limit_across_layers),
        cmocka_unit_test(bom_and_nul),
        cmocka_unit_test(includes_lists_every_file),
        cmocka_unit_test(param_by_name),
        cmocka_unit_test(scenario_overrides_ontario),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

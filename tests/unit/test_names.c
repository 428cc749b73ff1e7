/* io/names.c: which names load, how a refused one is shown, and the labels a name may not take. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "io/names.h"

static const char *fault(const char *name)
{
    static char why[64];
    return es_name_fault(name, strlen(name), why, sizeof why);
}

static void real_names_pass(void **state)
{
    (void)state;
    const char *names[] = {"Northeast / Nord-Est", "Stormont, Dundas and Glengarry",
                           "Collège Boréal", "Prescott and Russell (Prescott-et-Russell)",
                           "Lennox and Addington's", "`touch x` $(y) <b>&amp;\"'\\@", " A ",
                           "\xf0\x9f\x87\xa8\xf0\x9f\x87\xa6" /* a flag, 4-byte UTF-8 */,
                           "\xef\xbf\xbd" /* U+FFFD */, "\xf4\x8f\xbf\xbf" /* U+10FFFF */};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        assert_null(fault(names[i]));
}

static void control_characters_are_refused(void **state)
{
    (void)state;
    assert_string_equal(fault("a\nb"), "holds a control character (U+000A, byte 2)");
    assert_string_equal(fault("\tA"), "holds a control character (U+0009, byte 1)");
    assert_string_equal(fault("a\x7f"), "holds a control character (U+007F, byte 2)");
    assert_string_equal(fault("a\xc2\x85"), "holds a control character (U+0085, byte 2)"); /* NEL */
    assert_string_equal(fault("\x1b[31m"), "holds a control character (U+001B, byte 1)");
    /* a NUL inside the bytes (a CSV field) */
    char why[64];
    assert_string_equal(es_name_fault("a\0b", 3, why, sizeof why),
                        "holds a control character (U+0000, byte 2)");
}

static void invalid_utf8_is_refused(void **state)
{
    (void)state;
    assert_string_equal(fault("Coll\xe8ge"), "is not valid UTF-8 (byte 5)");      /* Latin-1 */
    assert_string_equal(fault("\xc0\xaf"), "is not valid UTF-8 (byte 1)");        /* overlong / */
    assert_string_equal(fault("\xe0\x80\xaf"), "is not valid UTF-8 (byte 1)");    /* overlong */
    assert_string_equal(fault("\xed\xa0\x80"), "is not valid UTF-8 (byte 1)");    /* surrogate */
    assert_string_equal(fault("\xf4\x90\x80\x80"), "is not valid UTF-8 (byte 1)"); /* > U+10FFFF */
    assert_string_equal(fault("ab\xe2\x82"), "is not valid UTF-8 (byte 3)");      /* cut short */
    assert_string_equal(fault("\x80"), "is not valid UTF-8 (byte 1)");            /* lone tail */
}

static void empty_and_blank_are_refused(void **state)
{
    (void)state;
    assert_string_equal(fault(""), "is empty");
    assert_string_equal(fault("   "), "holds only spaces");
}

static void refused_names_are_shown_escaped_and_cut(void **state)
{
    (void)state;
    char buf[16];
    assert_string_equal(es_name_shown("a\nb\xe8", buf, sizeof buf), "a\\x0Ab\\xE8");
    assert_string_equal(es_name_shown("Collège", buf, sizeof buf), "Collège");
    assert_string_equal(es_name_shown("0123456789abcdefghij", buf, sizeof buf), "0123456789ab...");
    assert_string_equal(es_name_shown("é\n\n\n\n", buf, 12), "é\\x0A...");
    es_error err;
    es_error_clear(&err);
    assert_int_equal(es_name_check("x\ty", "stream name", "s.cfg", 3, &err), ES_EINVAL);
    assert_string_equal(err.msg, "stream name \"x\\x09y\" holds a control character (U+0009, "
                                 "byte 2): a name must be UTF-8 text without control characters");
    assert_int_equal(err.line, 3);
    assert_int_equal(es_name_check("ok", "stream name", "s.cfg", 3, &err), ES_OK);
}

static void output_labels_are_reserved(void **state)
{
    (void)state;
    const char *reserved[] = {"all", "social assistance", "other clients", "not client-specific",
                              "EO", "ODSP", "online", "employed", "province", "holdback_release"};
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        assert_true(es_name_reserved(reserved[i]));
    assert_false(es_name_reserved("A"));
    assert_false(es_name_reserved("All"));
    assert_false(es_name_reserved("fixed")); /* a component type: groups of its own measure */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(real_names_pass),
        cmocka_unit_test(control_characters_are_refused),
        cmocka_unit_test(invalid_utf8_is_refused),
        cmocka_unit_test(empty_and_blank_are_refused),
        cmocka_unit_test(refused_names_are_shown_escaped_and_cut),
        cmocka_unit_test(output_labels_are_reserved),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* es_error: recording, formatting with and without file and line, and exit statuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "engine/error.h"

static void format_with_file_and_line(void **state)
{
    (void)state;
    es_error err;
    es_error_clear(&err);
    char buf[256];
    assert_int_equal(es_error_set(&err, ES_EINVAL, "scenarios/a.cfg", 12, "bad %s: %d", "key", 7),
                     ES_EINVAL);
    assert_int_equal(err.status, ES_EINVAL);
    assert_int_equal(err.line, 12);
    assert_string_equal(err.file, "scenarios/a.cfg");
    assert_string_equal(err.msg, "bad key: 7");
    assert_ptr_equal(es_error_format(&err, buf, sizeof buf), buf);
    assert_string_equal(buf, "scenarios/a.cfg:12: bad key: 7");
}

static void format_with_file_only(void **state)
{
    (void)state;
    es_error err;
    es_error_clear(&err);
    char buf[256];
    es_error_set(&err, ES_EIO, "out/x.csv", 0, "cannot write");
    assert_string_equal(es_error_format(&err, buf, sizeof buf), "out/x.csv: cannot write");
}

static void format_message_only(void **state)
{
    (void)state;
    es_error err;
    es_error_clear(&err);
    char buf[256];
    es_error_set(&err, ES_ENOMEM, NULL, 0, "out of memory");
    assert_string_equal(err.file, "");
    assert_string_equal(es_error_format(&err, buf, sizeof buf), "out of memory");
    /* a line without a file has nothing to point into */
    es_error_set(&err, ES_EINVAL, "", 5, "no file");
    assert_string_equal(es_error_format(&err, buf, sizeof buf), "no file");
}

static void format_truncates_to_the_buffer(void **state)
{
    (void)state;
    es_error err;
    es_error_clear(&err);
    es_error_set(&err, ES_EINVAL, "f.cfg", 3, "%s", "a long message");
    char buf[12];
    memset(buf, 'x', sizeof buf);
    es_error_format(&err, buf, sizeof buf);
    assert_string_equal(buf, "f.cfg:3: a ");
    /* over-long files and messages are cut, not overrun */
    char longname[2000];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    es_error_set(&err, ES_EINVAL, longname, 1, "%s", longname);
    assert_int_equal(strlen(err.file), sizeof err.file - 1);
    assert_int_equal(strlen(err.msg), sizeof err.msg - 1);
}

static void clear_and_null_handle(void **state)
{
    (void)state;
    es_error err;
    es_error_set(&err, ES_EIO, "f", 9, "m");
    es_error_clear(&err);
    assert_int_equal(err.status, ES_OK);
    assert_int_equal(err.line, 0);
    assert_string_equal(err.file, "");
    assert_string_equal(err.msg, "");
    char buf[8];
    assert_string_equal(es_error_format(&err, buf, sizeof buf), "");
    /* no handle: the status still comes back, nothing is written */
    assert_int_equal(es_error_set(NULL, ES_ENOMEM, "f", 1, "m"), ES_ENOMEM);
    es_error_clear(NULL);
}

static void exit_statuses(void **state)
{
    (void)state;
    assert_int_equal(es_exit_status(ES_OK), 0);
    assert_int_equal(es_exit_status(ES_EINVAL), 2);
    assert_int_equal(es_exit_status(ES_ENOMEM), 1);
    assert_int_equal(es_exit_status(ES_EIO), 1);
    assert_int_equal(es_exit_status(ES_ENOENT), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(format_with_file_and_line),
        cmocka_unit_test(format_with_file_only),
        cmocka_unit_test(format_message_only),
        cmocka_unit_test(format_truncates_to_the_buffer),
        cmocka_unit_test(clear_and_null_handle),
        cmocka_unit_test(exit_statuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

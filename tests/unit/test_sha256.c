/* SHA-256 against the FIPS 180-4 / NIST example vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/sha256.h"

static void digest(const char *text, size_t repeat, char hex[65])
{
    es_sha256 s;
    es_sha256_init(&s);
    for (size_t i = 0; i < repeat; i++)
        es_sha256_update(&s, text, strlen(text));
    es_sha256_hex(&s, hex);
}

static void nist_vectors(void **state)
{
    (void)state;
    char hex[65];
    digest("", 1, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    digest("abc", 1, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1, hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    digest("a", 1000000, hex); /* one million 'a', fed one byte at a time */
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void files_hash_like_their_bytes(void **state)
{
    (void)state;
    char path[] = "/tmp/essim-sha-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("abc", f);
    fclose(f);
    char hex[65];
    assert_int_equal(es_sha256_file(path, hex), 0);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    remove(path);
    assert_int_equal(es_sha256_file("/nonexistent/file", hex), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nist_vectors),
        cmocka_unit_test(files_hash_like_their_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

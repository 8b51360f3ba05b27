/* tests/unit/test_io.c — bounded line reading and whole-file reads. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <unistd.h>

#include "test_helpers.h"
#include "vigie/config.h"
#include "vigie/io.h"

static FILE *memfile(const char *data, size_t len)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    rewind(f);
    return f;
}

static void test_lines_are_split_and_stripped(void **state)
{
    (void)state;
    const char data[] = "one\r\ntwo\n\nfour with \0 nul\nlast, no newline";
    FILE *f = memfile(data, sizeof data - 1);
    vg_linereader lr;
    vg_error err;
    assert_int_equal(vg_linereader_init(&lr, f, 64, &err), 0);
    const char *line;
    size_t len;
    assert_int_equal(vg_linereader_next(&lr, &line, &len, &err), 1);
    assert_string_equal(line, "one");
    assert_int_equal(vg_linereader_next(&lr, &line, &len, &err), 1);
    assert_string_equal(line, "two");
    assert_int_equal(vg_linereader_next(&lr, &line, &len, &err), 1);
    assert_int_equal(len, 0);
    assert_int_equal(vg_linereader_next(&lr, &line, &len, &err), 1);
    assert_int_equal(len, 15);
    assert_memory_equal(line, "four with \0 nul", 15);
    assert_int_equal(vg_linereader_next(&lr, &line, &len, &err), 1);
    assert_string_equal(line, "last, no newline");
    assert_true(lr.lineno == 5);
    assert_int_equal(vg_linereader_next(&lr, &line, &len, &err), 0);
    vg_linereader_free(&lr);
    fclose(f);
}

static void test_overlong_lines_are_skipped_and_reported(void **state)
{
    (void)state;
    size_t big = 1 << 20;
    char *data = malloc(big + 64);
    assert_non_null(data);
    strcpy(data, "short\n");
    memset(data + 6, 'x', big);
    strcpy(data + 6 + big, "\nafter\n12345678\n123456789\n");
    FILE *f = memfile(data, strlen(data));
    free(data);
    vg_linereader lr;
    vg_error err;
    assert_int_equal(vg_linereader_init(&lr, f, 8, &err), 0);
    const char *line;
    size_t len;
    assert_int_equal(vg_linereader_next(&lr, &line, &len, &err), 1);
    assert_string_equal(line, "short");
    assert_int_equal(vg_linereader_next(&lr, &line, &len, &err), VG_ETOOBIG);
    assert_contains(err.msg, "longer than 8 bytes, skipped");
    assert_true(lr.lineno == 2);
    assert_int_equal(vg_linereader_next(&lr, &line, &len, &err), 1);
    assert_string_equal(line, "after");
    assert_true(lr.lineno == 3);
    assert_int_equal(vg_linereader_next(&lr, &line, &len, &err), 1);
    assert_string_equal(line, "12345678"); /* exactly the limit */
    assert_int_equal(vg_linereader_next(&lr, &line, &len, &err), VG_ETOOBIG);
    assert_int_equal(vg_linereader_next(&lr, &line, &len, &err), 0);
    vg_linereader_free(&lr);
    fclose(f);
}

static void test_read_file_and_config_file(void **state)
{
    (void)state;
    char path[] = "/tmp/vigie-test-io-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("[site]\nlat = 48.85\nlon = 2.35\n", f);
    fclose(f);
    char *data;
    size_t len;
    vg_error err;
    assert_int_equal(vg_read_file(path, 1000, &data, &len, &err), 0);
    assert_int_equal(len, 30);
    free(data);
    assert_int_equal(vg_read_file(path, 10, &data, &len, &err), VG_ETOOBIG);
    vg_config cfg;
    vg_config_defaults(&cfg);
    assert_int_equal(vg_config_load_file(&cfg, path, &err), 0);
    assert_true(cfg.site.has_origin);
    unlink(path);
    assert_int_equal(vg_read_file(path, 1000, &data, &len, &err), VG_EIO);
    assert_contains(err.msg, "No such file");
    assert_int_equal(vg_config_load_file(&cfg, path, &err), VG_EIO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_are_split_and_stripped),
        cmocka_unit_test(test_overlong_lines_are_skipped_and_reported),
        cmocka_unit_test(test_read_file_and_config_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

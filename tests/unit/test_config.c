/* tests/unit/test_config.c — the INI configuration: values, defaults, and errors
 * that name the file, the line and the key. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_helpers.h"
#include "vigie/config.h"
#include "vigie/log.h"

static int parse(vg_config *cfg, const char *text, vg_error *err)
{
    vg_config_defaults(cfg);
    return vg_config_parse(cfg, text, strlen(text), "site.conf", err);
}

static void test_defaults(void **state)
{
    (void)state;
    vg_config cfg;
    vg_config_defaults(&cfg);
    assert_false(cfg.site.has_origin);
    assert_near(cfg.engine.max_lateness_s, 5.0, 0);
    assert_int_equal(cfg.engine.max_sensors, 1024);
    assert_string_equal(cfg.engine.journal_dir, "");
    assert_int_equal(cfg.log.level, VG_LOG_INFO);
}

static void test_reads_every_section(void **state)
{
    (void)state;
    vg_config cfg;
    vg_error err = {0};
    int rc = parse(&cfg,
                   "; the demo site\n"
                   "[site]\n"
                   "lat = 48.853\n"
                   "lon = 2.3499   ; Notre-Dame\n"
                   "alt = 35\n"
                   "alt_ref = AMSL\n"
                   "geoid_undulation = 44.4\n"
                   "\n"
                   "[engine]\n"
                   "max_lateness_s = 0.5\n"
                   "max_sensors = 16\n"
                   "journal_dir = /var/lib/vigie/journal\n"
                   "[log]\n"
                   "level = warn\n",
                   &err);
    if (rc)
        fail_msg("%s", err.msg);
    assert_true(cfg.site.has_origin);
    assert_near(cfg.site.origin.lat, 48.853, 0);
    assert_near(cfg.site.origin.lon, 2.3499, 0);
    assert_int_equal(cfg.site.alt_ref, VG_ALT_AMSL);
    assert_near(cfg.site.geoid_undulation, 44.4, 0);
    assert_near(cfg.engine.max_lateness_s, 0.5, 0);
    assert_int_equal(cfg.engine.max_sensors, 16);
    assert_string_equal(cfg.engine.journal_dir, "/var/lib/vigie/journal");
    assert_int_equal(cfg.log.level, VG_LOG_WARN);
}

static void test_errors_name_file_line_and_key(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int code;
        const char *message;
    } cases[] = {
        {"[site]\nlat = 91\nlon = 2\n", VG_ERANGE, "site.conf:2: [site] lat: 91 out of range [-90, 90]"},
        {"[site]\nlat = north\n", VG_EINVAL, "site.conf:2: [site] lat: expected a number, got \"north\""},
        {"[site]\nlat = 1e999\n", VG_EINVAL, "site.conf:2: [site] lat: expected a number"},
        {"[site]\nlat = nan\n", VG_EINVAL, "site.conf:2: [site] lat: expected a number"},
        {"[site]\nlat = 48\nlatt = 2\n", VG_EUNKNOWN, "site.conf:3: [site] latt: unknown key"},
        {"\n\n[radar]\nrange = 3\n", VG_EUNKNOWN, "site.conf:4: [radar] range: unknown section"},
        {"lat = 48\n", VG_EUNKNOWN, "site.conf:1: [] lat: unknown section"},
        {"[site]\nlat = 48\nlat = 49\n", VG_EINVAL, "site.conf:3: [site] lat: set twice"},
        {"[engine]\nmax_sensors = 2.5\n", VG_EINVAL, "site.conf:2: [engine] max_sensors: expected an integer"},
        {"[engine]\nmax_sensors = 0\n", VG_ERANGE, "[engine] max_sensors: 0 out of range"},
        {"[log]\nlevel = loud\n", VG_EINVAL, "site.conf:2: [log] level: expected debug, info, warn or error"},
        {"[site]\nalt_ref = MSL\n", VG_EINVAL, "[site] alt_ref: expected WGS84 or AMSL"},
        {"[site]\nlat = 48\n", VG_EMISSING, "[site] lat and lon go together"},
        {"[site]\nthis line has no equals sign\n", VG_EPARSE, "site.conf:2: expected"},
        {"[site\n", VG_EPARSE, "site.conf:1:"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vg_config cfg;
        vg_error err = {0};
        int rc = parse(&cfg, cases[i].text, &err);
        if (rc != cases[i].code || !strstr(err.msg, cases[i].message))
            fail_msg("case %zu: got %d \"%s\", expected %d \"%s\"", i, rc, err.msg,
                     cases[i].code, cases[i].message);
    }
}

static void test_refuses_what_inih_would_mangle(void **state)
{
    (void)state;
    vg_config cfg;
    vg_error err = {0};
    char text[600];
    memset(text, 'x', sizeof text);
    memcpy(text, "[engine]\njournal_dir = ", 23);
    text[sizeof text - 1] = '\0';
    assert_int_equal(parse(&cfg, text, &err), VG_ETOOBIG);
    assert_contains(err.msg, "site.conf:2: line longer than");

    const char with_nul[] = "[site]\nlat = 4\0" "8\nlon = 2\n";
    vg_config_defaults(&cfg);
    assert_int_equal(vg_config_parse(&cfg, with_nul, sizeof with_nul - 1, "n.conf", &err),
                     VG_EINVAL);
    assert_contains(err.msg, "n.conf:2: NUL byte");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_reads_every_section),
        cmocka_unit_test(test_errors_name_file_line_and_key),
        cmocka_unit_test(test_refuses_what_inih_would_mangle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

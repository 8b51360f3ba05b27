/* tests/unit/test_posture.c — Vigipirate levels, postures in force, commanders'
 * changes, and the strictest level at a point. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "test_helpers.h"
#include "vigie/io.h"
#include "vigie/posture.h"

static vg_command command(const char *user, vg_role role, const char *args)
{
    vg_command c;
    memset(&c, 0, sizeof c);
    snprintf(c.kind, sizeof c.kind, "posture_set");
    snprintf(c.user, sizeof c.user, "%s", user);
    c.role = role;
    snprintf(c.args, sizeof c.args, "%s", args);
    return c;
}

static void test_built_in_levels_are_the_bundled_file(void **state)
{
    (void)state;
    static vg_postures a, b;
    vg_postures_init(&a, 0);
    const char *src = getenv("VG_SOURCE_DIR");
    assert_non_null(src);
    char path[1024];
    snprintf(path, sizeof path, "%s/postures/vigipirate.json", src);
    char *text;
    size_t len;
    vg_error err;
    assert_int_equal(vg_read_file(path, 1 << 20, &text, &len, &err), 0);
    vg_postures_init(&b, 0);
    memset(b.levels, 0, sizeof b.levels);
    if (vg_postures_load_levels(&b, text, len, &err) != 0)
        fail_msg("%s", err.msg);
    free(text);
    assert_memory_equal(a.levels, b.levels, sizeof a.levels);
    /* The levels get stricter as they rise. */
    const vg_posture_params *v = vg_postures_params(&a, VG_POSTURE_VIGILANCE);
    const vg_posture_params *u = vg_postures_params(&a, VG_POSTURE_URGENCE_ATTENTAT);
    assert_true(u->alert_distance_m > v->alert_distance_m);
    assert_true(u->anticipation_s > v->anticipation_s);
    assert_true(u->escalation_s < v->escalation_s);
    assert_true(u->patrol_interval_s < v->patrol_interval_s);
    assert_true(a.levels[VG_POSTURE_URGENCE_ATTENTAT].n_measures >
                a.levels[VG_POSTURE_VIGILANCE].n_measures);
    assert_string_equal(a.levels[VG_POSTURE_URGENCE_ATTENTAT].name, "Urgence attentat");
    /* The starting posture: national vigilance. */
    assert_int_equal(a.n_in_force, 1);
    assert_string_equal(a.in_force[0].scope, "national");
    assert_int_equal(vg_postures_level_at(&a, NULL, 0), VG_POSTURE_VIGILANCE);
}

static void test_only_a_commander_changes_the_posture(void **state)
{
    (void)state;
    static vg_postures p;
    vg_postures_init(&p, 0);
    vg_event out[4];
    int n;
    vg_error err = {0};
    vg_command c = command("op.dupont", VG_ROLE_OPERATOR, "{\"level\":\"urgence_attentat\"}");
    assert_int_equal(vg_postures_command(&p, &c, 10, out, 4, &n, &err), VG_EINVAL);
    assert_contains(err.msg, "role operator may not change the posture");
    assert_int_equal(n, 0);
    c = command("admin", VG_ROLE_ADMIN, "{\"level\":\"urgence_attentat\"}");
    assert_int_equal(vg_postures_command(&p, &c, 10, out, 4, &n, &err), VG_EINVAL);
    assert_int_equal(vg_postures_level_at(&p, NULL, 0), VG_POSTURE_VIGILANCE);

    c = command("cdt.martin", VG_ROLE_COMMANDER,
                "{\"level\":\"urgence_attentat\",\"name\":\"Printemps 2024\"}");
    assert_int_equal(vg_postures_command(&p, &c, 1711303200000000, out, 4, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(out[0].type, VG_EV_POSTURE);
    assert_true(out[0].time == 1711303200000000);
    assert_int_equal(out[0].u.posture.level, VG_POSTURE_URGENCE_ATTENTAT);
    assert_string_equal(out[0].u.posture.scope, "national");
    assert_string_equal(out[0].u.posture.name, "Printemps 2024");
    assert_string_equal(out[0].u.posture.user, "cdt.martin");
    assert_int_equal(vg_postures_level_at(&p, NULL, 0), VG_POSTURE_URGENCE_ATTENTAT);
    assert_int_equal(p.n_history, 2);
    assert_int_equal(p.history[1].level, VG_POSTURE_URGENCE_ATTENTAT);
}

static void test_the_strictest_posture_applies_at_a_point(void **state)
{
    (void)state;
    static vg_postures p;
    vg_postures_init(&p, 0);
    vg_event out[4];
    int n;
    vg_error err = {0};
    vg_command c = command("cdt", VG_ROLE_COMMANDER,
                           "{\"level\":\"urgence_attentat\",\"scope\":[\"seine-grey\",\"trocadero\"]}");
    assert_int_equal(vg_postures_command(&p, &c, 5, out, 4, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(out[1].u.posture.scope, "trocadero");
    c = command("cdt", VG_ROLE_COMMANDER, "{\"level\":\"securite_renforcee\",\"scope\":\"national\"}");
    assert_int_equal(vg_postures_command(&p, &c, 6, out, 4, &n, &err), 0);
    const char *in_grey[] = {"paris", "seine-grey"};
    const char *elsewhere[] = {"lyon"};
    assert_int_equal(vg_postures_level_at(&p, in_grey, 2), VG_POSTURE_URGENCE_ATTENTAT);
    assert_int_equal(vg_postures_level_at(&p, elsewhere, 1), VG_POSTURE_SECURITE_RENFORCEE);
    assert_int_equal(vg_postures_level_at(&p, NULL, 0), VG_POSTURE_SECURITE_RENFORCEE);
    /* Lowering the zone's posture never goes below the national one at a point. */
    c = command("cdt", VG_ROLE_COMMANDER, "{\"level\":\"vigilance\",\"scope\":\"seine-grey\"}");
    assert_int_equal(vg_postures_command(&p, &c, 7, out, 4, &n, &err), 0);
    assert_int_equal(vg_postures_level_at(&p, in_grey, 2), VG_POSTURE_SECURITE_RENFORCEE);
    assert_int_equal(p.n_in_force, 3);
}

static void test_bad_commands_change_nothing(void **state)
{
    (void)state;
    static vg_postures p, before;
    vg_postures_init(&p, 0);
    before = p;
    static const struct {
        const char *args;
        const char *message;
    } cases[] = {
        {"{}", "args.level"},
        {"{\"level\":\"maximum\"}", "args.level"},
        {"{\"level\":\"vigilance\",\"scope\":[]}", "args.scope"},
        {"{\"level\":\"vigilance\",\"scope\":[\"a\",5]}", "args.scope[1]"},
        {"{\"level\":\"vigilance\",\"scope\":\"a\\u0001b\"}", "args.scope"},
        {"{\"level\":\"vigilance\",\"name\":7}", "args.name"},
        {"{\"level\":\"vigilance\",\"name\":\"a\\u0000b\"}", "args"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vg_command c = command("cdt", VG_ROLE_COMMANDER, cases[i].args);
        vg_event out[4];
        int n = -1;
        vg_error err = {0};
        int rc = vg_postures_command(&p, &c, 1, out, 4, &n, &err);
        if (rc >= 0 || !strstr(err.msg, cases[i].message))
            fail_msg("case %zu: %d \"%s\"", i, rc, err.msg);
        assert_int_equal(n, 0);
    }
    assert_memory_equal(&p, &before, sizeof p);

    /* Too many scopes at once: refused whole. */
    char args[4096] = "{\"level\":\"urgence_attentat\",\"scope\":[";
    for (int i = 0; i < VG_POSTURES_MAX; i++)
        snprintf(args + strlen(args), sizeof args - strlen(args), "%s\"z%d\"", i ? "," : "", i);
    strcat(args, "]}");
    vg_command c;
    memset(&c, 0, sizeof c);
    snprintf(c.kind, sizeof c.kind, "posture_set");
    snprintf(c.user, sizeof c.user, "cdt");
    c.role = VG_ROLE_COMMANDER;
    assert_true(strlen(args) < sizeof c.args);
    memcpy(c.args, args, strlen(args) + 1);
    static vg_event many[VG_POSTURES_MAX];
    int n;
    vg_error err = {0};
    assert_int_equal(vg_postures_command(&p, &c, 1, many, VG_POSTURES_MAX, &n, &err), VG_EFULL);
    assert_int_equal(p.n_in_force, 1);
}

static void test_levels_file_errors_name_the_level_and_field(void **state)
{
    (void)state;
    static vg_postures p;
    vg_postures_init(&p, 0);
    static const struct {
        const char *json;
        const char *message;
    } cases[] = {
        {"[", "invalid JSON"},
        {"{}", "expected {\"levels\""},
        {"{\"levels\":[{\"level\":\"max\"}]}", "levels[0].level"},
        {"{\"levels\":[{\"level\":\"vigilance\",\"name\":\"V\",\"params\":{\"alert_distance_m\":-1,"
         "\"anticipation_s\":1,\"escalation_s\":1,\"patrol_interval_s\":1,"
         "\"patrol_continuous\":false},\"measures\":[]}]}", "vigilance.params.alert_distance_m"},
        {"{\"levels\":[{\"level\":\"vigilance\",\"name\":\"V\",\"params\":{\"alert_distance_m\":1,"
         "\"anticipation_s\":1,\"escalation_s\":1,\"patrol_interval_s\":1,"
         "\"patrol_continuous\":false},\"measures\":[]}]}", "securite_renforcee is not defined"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vg_error err = {0};
        int rc = vg_postures_load_levels(&p, cases[i].json, strlen(cases[i].json), &err);
        if (rc >= 0 || !strstr(err.msg, cases[i].message))
            fail_msg("case %zu: %d \"%s\"", i, rc, err.msg);
    }
    assert_string_equal(p.levels[VG_POSTURE_VIGILANCE].name, "Vigilance"); /* unchanged */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_built_in_levels_are_the_bundled_file),
        cmocka_unit_test(test_only_a_commander_changes_the_posture),
        cmocka_unit_test(test_the_strictest_posture_applies_at_a_point),
        cmocka_unit_test(test_bad_commands_change_nothing),
        cmocka_unit_test(test_levels_file_errors_name_the_level_and_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tests/unit/test_auth.c — users, logins, sessions, CSRF, the role table, the login
 * rate limiter and token extraction from hostile headers, on a real database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "server/auth.h"
#include "test_helpers.h"

typedef struct fixture {
    char dir[64];
    char path[128];
    vg_store *s;
} fixture;

static const vg_time T0 = 1721990000000000; /* 2024-07-26 */
static const char TOKEN_A[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/vigie-test-auth-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/vigie.db", f->dir);
    vg_error err = {0};
    if (vg_store_open(f->path, &f->s, &err) != 0)
        return -1;
    if (vg_auth_user_add(f->s, "alice", VG_ROLE_OPERATOR, "correct horse", &err) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    vg_store_close(f->s);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static void test_user_names_and_passwords_are_checked(void **state)
{
    fixture *f = *state;
    vg_error err = {0};
    assert_int_equal(vg_auth_user_add(f->s, "alice", VG_ROLE_ADMIN, "another password", &err),
                     VG_ESTATE);
    assert_int_equal(vg_auth_user_add(f->s, "bob", VG_ROLE_ADMIN, "short", &err), VG_EINVAL);
    assert_int_equal(vg_auth_user_add(f->s, "", VG_ROLE_ADMIN, "long enough", &err), VG_EINVAL);
    assert_int_equal(vg_auth_user_add(f->s, "x'; DROP TABLE users;--", VG_ROLE_ADMIN,
                                      "long enough", &err),
                     VG_EINVAL);
    assert_int_equal(vg_auth_user_add(f->s, "b\xc3\xa9", VG_ROLE_ADMIN, "long enough", &err),
                     VG_EINVAL);
    assert_false(vg_auth_user_name_ok("abcdefghijklmnopqrstuvwxyz0123456")); /* 33 */
    assert_true(vg_auth_user_name_ok("abcdefghijklmnopqrstuvwxyz012345"));   /* 32 */
    char big[VG_PASSWORD_MAX + 2];
    memset(big, 'p', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(vg_auth_user_add(f->s, "bob", VG_ROLE_ADMIN, big, &err), VG_ETOOBIG);
    vg_role r;
    assert_int_equal(vg_auth_role_parse("commander", &r), 0);
    assert_int_equal(r, VG_ROLE_COMMANDER);
    assert_int_equal(vg_auth_role_parse("root", &r), VG_EUNKNOWN);
}

static void test_login_session_and_logout(void **state)
{
    fixture *f = *state;
    vg_error err = {0};
    vg_session s;
    assert_int_equal(vg_auth_login(f->s, "alice", "correct horse", T0, 3600, &s, &err), 0);
    assert_int_equal(strlen(s.token), 64);
    assert_int_equal(strlen(s.csrf), 64);
    assert_string_not_equal(s.token, s.csrf);
    assert_int_equal(s.role, VG_ROLE_OPERATOR);
    assert_true(s.expires == T0 + 3600 * (vg_time)1000000);

    vg_session check;
    assert_int_equal(vg_auth_session_check(f->s, s.token, T0 + 1, &check, &err), 0);
    assert_string_equal(check.user, "alice");
    assert_string_equal(check.csrf, s.csrf);
    assert_int_equal(check.role, VG_ROLE_OPERATOR);
    /* The database holds no token in clear. */
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM sessions WHERE hex(token_hash)"
                                            " = upper(?) OR csrf = ?",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, s.token, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, s.token, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    sqlite3_close(db);

    /* Expiry, then logout. */
    assert_int_equal(vg_auth_session_check(f->s, s.token, s.expires, &check, &err), VG_EAUTH);
    assert_int_equal(vg_auth_session_check(f->s, s.token, T0 + 2, &check, &err), 0);
    assert_int_equal(vg_auth_logout(f->s, s.token, &err), 0);
    assert_int_equal(vg_auth_session_check(f->s, s.token, T0 + 3, &check, &err), VG_EAUTH);
    assert_int_equal(vg_auth_logout(f->s, s.token, &err), 0); /* idempotent */
}

static void test_bad_logins_look_the_same(void **state)
{
    fixture *f = *state;
    vg_error e1 = {0}, e2 = {0}, e3 = {0};
    vg_session s;
    assert_int_equal(vg_auth_login(f->s, "alice", "wrong horse", T0, 60, &s, &e1), VG_EAUTH);
    assert_int_equal(vg_auth_login(f->s, "nobody", "correct horse", T0, 60, &s, &e2), VG_EAUTH);
    assert_int_equal(vg_auth_login(f->s, "bad name!", "x", T0, 60, &s, &e3), VG_EAUTH);
    assert_string_equal(e1.msg, e2.msg);
    assert_string_equal(e1.msg, e3.msg);
    assert_int_equal(s.token[0], '\0');
}

static void test_password_change_ends_sessions(void **state)
{
    fixture *f = *state;
    vg_error err = {0};
    vg_session s, check;
    assert_int_equal(vg_auth_login(f->s, "alice", "correct horse", T0, 60, &s, &err), 0);
    assert_int_equal(vg_auth_user_passwd(f->s, "alice", "battery staple", &err), 0);
    assert_int_equal(vg_auth_session_check(f->s, s.token, T0 + 1, &check, &err), VG_EAUTH);
    assert_int_equal(vg_auth_login(f->s, "alice", "correct horse", T0, 60, &s, &err), VG_EAUTH);
    assert_int_equal(vg_auth_login(f->s, "alice", "battery staple", T0, 60, &s, &err), 0);
    assert_int_equal(vg_auth_user_passwd(f->s, "carol", "battery staple", &err), VG_ENOTFOUND);
}

static void test_session_check_rejects_malformed_tokens(void **state)
{
    fixture *f = *state;
    vg_error err = {0};
    vg_session check;
    assert_int_equal(vg_auth_session_check(f->s, NULL, T0, &check, &err), VG_EAUTH);
    assert_int_equal(vg_auth_session_check(f->s, "", T0, &check, &err), VG_EAUTH);
    assert_int_equal(vg_auth_session_check(f->s, "' OR 1=1 --", T0, &check, &err), VG_EAUTH);
    assert_int_equal(vg_auth_session_check(f->s, TOKEN_A, T0, &check, &err), VG_EAUTH);
    char upper[VG_TOKEN_HEX];
    snprintf(upper, sizeof upper, "%s", TOKEN_A);
    upper[10] = 'A';
    assert_int_equal(vg_auth_session_check(f->s, upper, T0, &check, &err), VG_EAUTH);
}

static void test_csrf(void **state)
{
    fixture *f = *state;
    vg_error err = {0};
    vg_session s;
    assert_int_equal(vg_auth_login(f->s, "alice", "correct horse", T0, 60, &s, &err), 0);
    assert_true(vg_auth_csrf_ok(&s, s.csrf));
    assert_false(vg_auth_csrf_ok(&s, NULL));
    assert_false(vg_auth_csrf_ok(&s, ""));
    assert_false(vg_auth_csrf_ok(&s, s.token));
    char near[VG_TOKEN_HEX];
    memcpy(near, s.csrf, sizeof near);
    near[63] = near[63] == '0' ? '1' : '0';
    assert_false(vg_auth_csrf_ok(&s, near));
}

static void test_role_table(void **state)
{
    (void)state;
    assert_true(vg_auth_role_allows(VG_ROLE_VIEWER, VG_ACT_READ));
    assert_false(vg_auth_role_allows(VG_ROLE_VIEWER, VG_ACT_ALERT));
    assert_false(vg_auth_role_allows(VG_ROLE_VIEWER, VG_ACT_AUDIT_READ));
    assert_true(vg_auth_role_allows(VG_ROLE_OPERATOR, VG_ACT_ALERT));
    assert_true(vg_auth_role_allows(VG_ROLE_OPERATOR, VG_ACT_DISPATCH));
    assert_false(vg_auth_role_allows(VG_ROLE_OPERATOR, VG_ACT_POSTURE));
    assert_false(vg_auth_role_allows(VG_ROLE_OPERATOR, VG_ACT_ZONES));
    assert_true(vg_auth_role_allows(VG_ROLE_COMMANDER, VG_ACT_POSTURE));
    assert_true(vg_auth_role_allows(VG_ROLE_COMMANDER, VG_ACT_WHITELIST));
    assert_true(vg_auth_role_allows(VG_ROLE_COMMANDER, VG_ACT_ALERT));
    assert_false(vg_auth_role_allows(VG_ROLE_COMMANDER, VG_ACT_USERS));
    assert_true(vg_auth_role_allows(VG_ROLE_ADMIN, VG_ACT_USERS));
    assert_false(vg_auth_role_allows((vg_role)-1, VG_ACT_READ));
    assert_false(vg_auth_role_allows(VG_ROLE_ADMIN, VG_ACT_COUNT));
    assert_int_equal(vg_auth_role_needed(VG_ACT_POSTURE), VG_ROLE_COMMANDER);
}

static void test_rate_limit(void **state)
{
    (void)state;
    vg_loginlimit *r;
    vg_error err = {0};
    assert_int_equal(vg_loginlimit_create(4, 3, 60, &r, &err), 0);
    const vg_time s = 1000000;
    for (int i = 0; i < 3; i++) {
        assert_true(vg_loginlimit_allowed(r, "alice", T0 + i * s));
        vg_loginlimit_failure(r, "alice", T0 + i * s);
    }
    assert_false(vg_loginlimit_allowed(r, "alice", T0 + 10 * s));
    assert_true(vg_loginlimit_allowed(r, "bob", T0 + 10 * s));
    assert_true(vg_loginlimit_allowed(r, "alice", T0 + 61 * s)); /* window over */
    vg_loginlimit_failure(r, "alice", T0 + 62 * s);
    vg_loginlimit_success(r, "alice");
    assert_true(vg_loginlimit_allowed(r, "alice", T0 + 63 * s));
    /* More keys than slots: the stalest is forgotten, nothing breaks. */
    char key[16];
    for (int i = 0; i < 20; i++) {
        snprintf(key, sizeof key, "k%d", i);
        vg_loginlimit_failure(r, key, T0 + (100 + i) * s);
    }
    vg_loginlimit_destroy(r);
    assert_int_equal(vg_loginlimit_create(0, 3, 60, &r, &err), VG_ERANGE);
}

static void test_tokens_from_headers(void **state)
{
    (void)state;
    char out[VG_TOKEN_HEX];
    char cookie[200];
    snprintf(cookie, sizeof cookie, "theme=dark; vigie_session=%s; other=1", TOKEN_A);
    assert_int_equal(vg_auth_token_from_cookie(cookie, out), 0);
    assert_string_equal(out, TOKEN_A);
    snprintf(cookie, sizeof cookie, "vigie_session=\"%s\"", TOKEN_A);
    assert_int_equal(vg_auth_token_from_cookie(cookie, out), 0);
    assert_int_equal(vg_auth_token_from_cookie("x_vigie_session=abc", out), VG_ENOTFOUND);
    assert_int_equal(vg_auth_token_from_cookie(NULL, out), VG_ENOTFOUND);
    assert_int_equal(vg_auth_token_from_cookie("", out), VG_ENOTFOUND);
    assert_int_equal(vg_auth_token_from_cookie(";;;=;=", out), VG_ENOTFOUND);
    assert_int_equal(vg_auth_token_from_cookie("vigie_session=", out), VG_EINVAL);
    assert_int_equal(vg_auth_token_from_cookie("vigie_session=\"", out), VG_EINVAL);
    snprintf(cookie, sizeof cookie, "vigie_session=%sff", TOKEN_A);
    assert_int_equal(vg_auth_token_from_cookie(cookie, out), VG_EINVAL);

    char bearer[100];
    snprintf(bearer, sizeof bearer, "Bearer %s", TOKEN_A);
    assert_int_equal(vg_auth_token_from_bearer(bearer, out), 0);
    assert_string_equal(out, TOKEN_A);
    snprintf(bearer, sizeof bearer, "bearer   %s  ", TOKEN_A);
    assert_int_equal(vg_auth_token_from_bearer(bearer, out), 0);
    assert_int_equal(vg_auth_token_from_bearer("Basic YWxhZGRpbjpvcGVuc2VzYW1l", out), VG_EINVAL);
    assert_int_equal(vg_auth_token_from_bearer("Bearer", out), VG_EINVAL);
    assert_int_equal(vg_auth_token_from_bearer("Bearer zz", out), VG_EINVAL);
    assert_int_equal(vg_auth_token_from_bearer(NULL, out), VG_ENOTFOUND);
}

typedef struct names {
    int n;
    char name[4][40];
} names;

static int collect_user(void *user, const char *name, vg_role role)
{
    (void)role;
    names *ns = user;
    if (ns->n < 4)
        snprintf(ns->name[ns->n++], sizeof ns->name[0], "%s", name);
    return 0;
}

static void test_user_list(void **state)
{
    fixture *f = *state;
    vg_error err = {0};
    assert_int_equal(vg_auth_user_add(f->s, "zed", VG_ROLE_VIEWER, "long enough", &err), 0);
    assert_int_equal(vg_auth_user_add(f->s, "bob", VG_ROLE_ADMIN, "long enough", &err), 0);
    names ns = {0};
    assert_int_equal(vg_auth_user_each(f->s, collect_user, &ns, &err), 0);
    assert_int_equal(ns.n, 3);
    assert_string_equal(ns.name[0], "alice");
    assert_string_equal(ns.name[1], "bob");
    assert_string_equal(ns.name[2], "zed");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_user_names_and_passwords_are_checked, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_login_session_and_logout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_logins_look_the_same, setup, teardown),
        cmocka_unit_test_setup_teardown(test_password_change_ends_sessions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_check_rejects_malformed_tokens, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_csrf, setup, teardown),
        cmocka_unit_test(test_role_table),
        cmocka_unit_test(test_rate_limit),
        cmocka_unit_test(test_tokens_from_headers),
        cmocka_unit_test_setup_teardown(test_user_list, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

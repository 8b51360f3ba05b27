/* server/auth.c — users and passwords (Argon2id), sessions (random tokens stored
 * hashed), CSRF tokens, the role table, and token extraction from HTTP headers. */
#include "server/auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "server/store_int.h"

/* ---- names and roles ------------------------------------------------------------ */

int vg_auth_role_parse(const char *name, vg_role *out)
{
    for (int r = 0; r < VG_ROLE_COUNT; r++)
        if (strcmp(name, vg_role_name((vg_role)r)) == 0) {
            *out = (vg_role)r;
            return 0;
        }
    return VG_EUNKNOWN;
}

bool vg_auth_user_name_ok(const char *name)
{
    size_t n = 0;
    for (; name[n]; n++) {
        char c = name[n];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
        if (!ok || n >= VG_USER_NAME_MAX)
            return false;
    }
    return n > 0;
}

static const vg_role NEEDED[VG_ACT_COUNT] = {
    [VG_ACT_READ] = VG_ROLE_VIEWER,        [VG_ACT_ALERT] = VG_ROLE_OPERATOR,
    [VG_ACT_DISPATCH] = VG_ROLE_OPERATOR,  [VG_ACT_POSTURE] = VG_ROLE_COMMANDER,
    [VG_ACT_WHITELIST] = VG_ROLE_COMMANDER, [VG_ACT_ZONES] = VG_ROLE_COMMANDER,
    [VG_ACT_AUDIT_READ] = VG_ROLE_COMMANDER, [VG_ACT_USERS] = VG_ROLE_ADMIN,
};

vg_role vg_auth_role_needed(vg_action a)
{
    return (a >= 0 && a < VG_ACT_COUNT) ? NEEDED[a] : VG_ROLE_ADMIN;
}

/* Roles are ordered: each may do what the ones below it may. */
bool vg_auth_role_allows(vg_role role, vg_action a)
{
    if (role < 0 || role >= VG_ROLE_COUNT || a < 0 || a >= VG_ACT_COUNT)
        return false;
    return role >= NEEDED[a];
}

/* ---- users ------------------------------------------------------------------------ */

static int check_password(const char *password, vg_error *err)
{
    size_t n = strlen(password);
    if (n < VG_PASSWORD_MIN)
        return vg_err(err, VG_EINVAL, "password too short (at least %d characters)",
                      VG_PASSWORD_MIN);
    if (n > VG_PASSWORD_MAX)
        return vg_err(err, VG_ETOOBIG, "password too long (at most %d bytes)", VG_PASSWORD_MAX);
    return 0;
}

/* Argon2id with libsodium's "interactive" limits (2 passes, 64 MiB): about 0.1 s
 * here, enough to make offline guessing slow while a login stays quick. */
static int hash_password(const char *password, char out[crypto_pwhash_STRBYTES], vg_error *err)
{
    if (crypto_pwhash_str_alg(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return vg_err(err, VG_ENOMEM, "password hashing ran out of memory");
    return 0;
}

int vg_auth_user_add(vg_store *s, const char *name, vg_role role, const char *password,
                     vg_error *err)
{
    if (!vg_auth_user_name_ok(name))
        return vg_err(err, VG_EINVAL, "user name must be 1..%d of [A-Za-z0-9._-]",
                      VG_USER_NAME_MAX);
    if (role < 0 || role >= VG_ROLE_COUNT)
        return vg_err(err, VG_EINVAL, "unknown role");
    int rc = check_password(password, err);
    char hash[crypto_pwhash_STRBYTES];
    if (rc || (rc = hash_password(password, hash, err)) != 0)
        return rc;
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st;
    rc = vg_store_prepare(s, "INSERT INTO users(name, role, pwhash) VALUES(?, ?, ?)", &st, err);
    if (rc == 0) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 2, (int)role);
        sqlite3_bind_text(st, 3, hash, -1, SQLITE_TRANSIENT);
        int step = sqlite3_step(st);
        if (step == SQLITE_CONSTRAINT)
            rc = vg_err(err, VG_ESTATE, "user %s already exists", name);
        else if (step != SQLITE_DONE)
            rc = vg_store_sql_err(s, err, "adding a user");
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int vg_auth_user_passwd(vg_store *s, const char *name, const char *password, vg_error *err)
{
    int rc = check_password(password, err);
    char hash[crypto_pwhash_STRBYTES];
    if (rc || (rc = hash_password(password, hash, err)) != 0)
        return rc;
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st;
    rc = vg_store_prepare(s, "UPDATE users SET pwhash = ? WHERE name = ?", &st, err);
    if (rc == 0) {
        sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = vg_store_sql_err(s, err, "changing a password");
        else if (sqlite3_changes(s->db) == 0)
            rc = vg_err(err, VG_ENOTFOUND, "no user %s", name);
        sqlite3_finalize(st);
    }
    /* A new password ends the user's sessions. */
    if (rc == 0 && vg_store_prepare(s, "DELETE FROM sessions WHERE user = ?", &st, err) == 0) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = vg_store_sql_err(s, err, "revoking sessions");
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int vg_auth_user_each(vg_store *s, vg_auth_user_fn fn, void *user, vg_error *err)
{
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st;
    int rc = vg_store_prepare(s, "SELECT name, role FROM users ORDER BY name", &st, err);
    if (rc == 0) {
        int step;
        while ((step = sqlite3_step(st)) == SQLITE_ROW)
            if ((rc = fn(user, (const char *)sqlite3_column_text(st, 0),
                         (vg_role)sqlite3_column_int(st, 1))) != 0)
                break;
        if (rc == 0 && step != SQLITE_DONE)
            rc = vg_store_sql_err(s, err, "listing users");
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* ---- sessions ---------------------------------------------------------------------- */

static void random_hex(char out[VG_TOKEN_HEX])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(out, VG_TOKEN_HEX, raw, sizeof raw);
}

static void token_hash(const char *token, unsigned char out[32])
{
    crypto_generichash(out, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

/* A password hash of a random password nobody knows, checked when the user does not
 * exist, so that an unknown name costs the same time as a wrong password. */
static char dummy_store[crypto_pwhash_STRBYTES];
static void dummy_init(void)
{
    char pw[VG_TOKEN_HEX];
    random_hex(pw);
    if (crypto_pwhash_str_alg(dummy_store, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        dummy_store[0] = '\0';
}

int vg_auth_login(vg_store *s, const char *name, const char *password, vg_time now,
                  int64_t ttl_s, vg_session *out, vg_error *err)
{
    memset(out, 0, sizeof *out);
    if (ttl_s <= 0 || ttl_s > 7 * 24 * 3600)
        return vg_err(err, VG_ERANGE, "session lifetime out of range");
    char stored[crypto_pwhash_STRBYTES] = "";
    vg_role role = VG_ROLE_VIEWER;
    bool known = false;
    int rc = 0;
    bool plausible = vg_auth_user_name_ok(name) && strlen(password) <= VG_PASSWORD_MAX;
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st;
    if (plausible && (rc = vg_store_prepare(s, "SELECT role, pwhash FROM users WHERE name = ?",
                                            &st, err)) == 0) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) {
            role = (vg_role)sqlite3_column_int(st, 0);
            const unsigned char *h = sqlite3_column_text(st, 1);
            snprintf(stored, sizeof stored, "%s", h ? (const char *)h : "");
            known = true;
        } else if (step != SQLITE_DONE) {
            rc = vg_store_sql_err(s, err, "looking up a user");
        }
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->lock);
    if (rc)
        return rc;
    /* The password check runs without the lock: it is the slow part. */
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, dummy_init);
    const char *against = known ? stored : dummy_store;
    size_t plen = strnlen(password, VG_PASSWORD_MAX + 1);
    bool match = plen <= VG_PASSWORD_MAX && against[0] &&
                 crypto_pwhash_str_verify(against, password, plen) == 0;
    if (!known || !match)
        return vg_err(err, VG_EAUTH, "bad user or password");

    random_hex(out->token);
    random_hex(out->csrf);
    snprintf(out->user, sizeof out->user, "%s", name);
    out->role = role;
    out->expires = now + ttl_s * 1000000;
    unsigned char th[32];
    token_hash(out->token, th);
    pthread_mutex_lock(&s->lock);
    rc = vg_store_prepare(s,
                          "INSERT INTO sessions(token_hash, user, csrf, expires) VALUES(?, ?, ?, ?)",
                          &st, err);
    if (rc == 0) {
        sqlite3_bind_blob(st, 1, th, sizeof th, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, out->csrf, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 4, out->expires);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = vg_store_sql_err(s, err, "opening a session");
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->lock);
    if (rc)
        memset(out, 0, sizeof *out);
    return rc;
}

static bool token_well_formed(const char *token)
{
    size_t n = 0;
    for (; token[n]; n++) {
        char c = token[n];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) || n >= VG_TOKEN_HEX - 1)
            return false;
    }
    return n == VG_TOKEN_HEX - 1;
}

int vg_auth_session_check(vg_store *s, const char *token, vg_time now, vg_session *out,
                          vg_error *err)
{
    memset(out, 0, sizeof *out);
    if (!token || !token_well_formed(token))
        return vg_err(err, VG_EAUTH, "no valid session");
    unsigned char th[32];
    token_hash(token, th);
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st;
    int rc = vg_store_prepare(s,
                              "SELECT s.user, u.role, s.csrf, s.expires FROM sessions s"
                              " JOIN users u ON u.name = s.user WHERE s.token_hash = ?",
                              &st, err);
    if (rc == 0) {
        sqlite3_bind_blob(st, 1, th, sizeof th, SQLITE_TRANSIENT);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) {
            snprintf(out->user, sizeof out->user, "%s", (const char *)sqlite3_column_text(st, 0));
            out->role = (vg_role)sqlite3_column_int(st, 1);
            snprintf(out->csrf, sizeof out->csrf, "%s", (const char *)sqlite3_column_text(st, 2));
            out->expires = sqlite3_column_int64(st, 3);
            if (out->expires <= now)
                rc = vg_err(err, VG_EAUTH, "session expired");
        } else if (step == SQLITE_DONE) {
            rc = vg_err(err, VG_EAUTH, "no valid session");
        } else {
            rc = vg_store_sql_err(s, err, "checking a session");
        }
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->lock);
    if (rc)
        memset(out, 0, sizeof *out);
    return rc;
}

int vg_auth_logout(vg_store *s, const char *token, vg_error *err)
{
    if (!token || !token_well_formed(token))
        return 0;
    unsigned char th[32];
    token_hash(token, th);
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st;
    int rc = vg_store_prepare(s, "DELETE FROM sessions WHERE token_hash = ?", &st, err);
    if (rc == 0) {
        sqlite3_bind_blob(st, 1, th, sizeof th, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = vg_store_sql_err(s, err, "closing a session");
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int vg_auth_sessions_expire(vg_store *s, vg_time now, vg_error *err)
{
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st;
    int rc = vg_store_prepare(s, "DELETE FROM sessions WHERE expires <= ?", &st, err);
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, now);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = vg_store_sql_err(s, err, "expiring sessions");
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

bool vg_auth_csrf_ok(const vg_session *session, const char *header)
{
    if (!header || strlen(header) != VG_TOKEN_HEX - 1 || strlen(session->csrf) != VG_TOKEN_HEX - 1)
        return false;
    return sodium_memcmp(header, session->csrf, VG_TOKEN_HEX - 1) == 0;
}

/* ---- headers ------------------------------------------------------------------------ */

static int copy_token(const char *p, size_t n, char out[VG_TOKEN_HEX])
{
    if (n != VG_TOKEN_HEX - 1)
        return VG_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
            return VG_EINVAL;
    memcpy(out, p, n);
    out[n] = '\0';
    return 0;
}

int vg_auth_token_from_cookie(const char *h, char out[VG_TOKEN_HEX])
{
    static const char name[] = "vigie_session";
    if (!h)
        return VG_ENOTFOUND;
    /* cookie-string = pair *( ";" SP pair ) (RFC 6265 §4.2.1), read leniently. */
    const char *p = h;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ';')
            p++;
        const char *eq = p;
        while (*eq && *eq != '=' && *eq != ';')
            eq++;
        const char *end = eq;
        while (*end && *end != ';')
            end++;
        if (*eq == '=' && (size_t)(eq - p) == sizeof name - 1 &&
            memcmp(p, name, sizeof name - 1) == 0) {
            const char *v = eq + 1;
            size_t n = (size_t)(end - v);
            if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
                v++;
                n -= 2;
            }
            return copy_token(v, n, out);
        }
        p = end;
    }
    return VG_ENOTFOUND;
}

int vg_auth_token_from_bearer(const char *h, char out[VG_TOKEN_HEX])
{
    if (!h)
        return VG_ENOTFOUND;
    if (strncasecmp(h, "Bearer ", 7) != 0)
        return VG_EINVAL;
    const char *v = h + 7;
    while (*v == ' ')
        v++;
    size_t n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    return copy_token(v, n, out);
}

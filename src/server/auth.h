/* server/auth.h — users, passwords, sessions, CSRF, roles and login rate limiting.
 *
 * Passwords are hashed with Argon2id (libsodium's crypto_pwhash_str, "moderate"
 * limits: about 0.5 s and 256 MiB on this class of machine, done once per login).
 * A session token is 32 random bytes in hex; the database keeps only its BLAKE2b hash,
 * so a copy of the database gives no live session. Each session has a CSRF token that
 * cookie-authenticated mutating requests must echo in X-CSRF-Token. An unknown user
 * and a wrong password give the same error and take the same time. */
#ifndef VIGIE_SERVER_AUTH_H
#define VIGIE_SERVER_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "server/store.h"
#include "vigie/error.h"
#include "vigie/event.h"
#include "vigie/time.h"

#define VG_TOKEN_HEX 65          /* 64 hex characters and a NUL */
#define VG_PASSWORD_MIN 8
#define VG_PASSWORD_MAX 256
#define VG_USER_NAME_MAX 32      /* [A-Za-z0-9._-]{1,32} */

typedef struct vg_session {
    char token[VG_TOKEN_HEX];    /* only filled by vg_auth_login */
    char csrf[VG_TOKEN_HEX];
    char user[VG_USER_NAME_MAX + 1];
    vg_role role;
    vg_time expires;
} vg_session;

/* Parse and name roles: "viewer", "operator", "commander", "admin". */
int vg_auth_role_parse(const char *name, vg_role *out);

/* A name of 1..32 characters from [A-Za-z0-9._-]. */
bool vg_auth_user_name_ok(const char *name);

/* Users. add fails with VG_ESTATE if the name exists; passwd with VG_ENOTFOUND. */
int vg_auth_user_add(vg_store *s, const char *name, vg_role role, const char *password,
                     vg_error *err);
int vg_auth_user_passwd(vg_store *s, const char *name, const char *password, vg_error *err);
typedef int (*vg_auth_user_fn)(void *user, const char *name, vg_role role);
int vg_auth_user_each(vg_store *s, vg_auth_user_fn fn, void *user, vg_error *err);

/* Check a password and open a session of ttl_s seconds. VG_EAUTH when the user is
 * unknown or the password wrong (the same message for both). */
int vg_auth_login(vg_store *s, const char *name, const char *password, vg_time now,
                  int64_t ttl_s, vg_session *out, vg_error *err);

/* The session of a token, if it exists and has not expired: VG_EAUTH otherwise. */
int vg_auth_session_check(vg_store *s, const char *token, vg_time now, vg_session *out,
                          vg_error *err);

/* Revoke a session (idempotent) and delete every expired one. */
int vg_auth_logout(vg_store *s, const char *token, vg_error *err);
int vg_auth_sessions_expire(vg_store *s, vg_time now, vg_error *err);

/* The request's X-CSRF-Token (may be NULL) against the session's, in constant time. */
bool vg_auth_csrf_ok(const vg_session *session, const char *header);

/* What a request wants to do, and the least role allowed to do it:
 * viewer reads (but not the audit log); operator acts on alerts and dispatches;
 * commander sets the posture, the whitelist and zones and reads the audit log;
 * admin manages users. Each role may do what the ones below it may. */
typedef enum vg_action {
    VG_ACT_READ = 0,
    VG_ACT_ALERT,        /* ack, dispatch, resolve, false alarm */
    VG_ACT_DISPATCH,     /* confirm a unit, report an outcome */
    VG_ACT_POSTURE,
    VG_ACT_WHITELIST,
    VG_ACT_ZONES,
    VG_ACT_AUDIT_READ,
    VG_ACT_USERS,
    VG_ACT_COUNT
} vg_action;

vg_role vg_auth_role_needed(vg_action a);
bool vg_auth_role_allows(vg_role role, vg_action a);

/* Login rate limiting: at most max_failures failed logins per key (a user name, a
 * client address) within window_s seconds; a success clears the key. Fixed memory
 * (slots keys, the oldest forgotten first). Not thread-safe: callers lock. */
typedef struct vg_loginlimit vg_loginlimit;
int vg_loginlimit_create(int slots, int max_failures, int64_t window_s, vg_loginlimit **out,
                        vg_error *err);
void vg_loginlimit_destroy(vg_loginlimit *r);
bool vg_loginlimit_allowed(vg_loginlimit *r, const char *key, vg_time now);
void vg_loginlimit_failure(vg_loginlimit *r, const char *key, vg_time now);
void vg_loginlimit_success(vg_loginlimit *r, const char *key);

/* Parse a Cookie header for vigie_session, or an Authorization header "Bearer <hex>":
 * copies the 64-hex token into out. VG_ENOTFOUND when absent, VG_EINVAL when
 * malformed. Both take hostile text. */
int vg_auth_token_from_cookie(const char *cookie_header, char out[VG_TOKEN_HEX]);
int vg_auth_token_from_bearer(const char *authorization_header, char out[VG_TOKEN_HEX]);

#endif

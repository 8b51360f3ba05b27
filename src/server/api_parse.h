/* server/api_parse.h — reading what HTTP clients send: request bodies, path
 * segments, query values, Last-Event-ID. Plain functions over untrusted bytes (the
 * fuzz target calls them directly); each returns 0 or VG_E* with a message that the
 * API sends back as its "detail". */
#ifndef VIGIE_SERVER_API_PARSE_H
#define VIGIE_SERVER_API_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "server/auth.h"
#include "vigie/error.h"
#include "vigie/event.h"

/* {"user": "...", "password": "..."}; nothing else. */
int vg_api_parse_login(const char *body, size_t len, char user[VG_USER_NAME_MAX + 1],
                       char password[VG_PASSWORD_MAX + 1], vg_error *err);

/* PUT /posture: {"level": name, "scope"?: text, "name"?: text} → the args of a
 * posture_set command (compact JSON). */
int vg_api_parse_posture(const char *body, size_t len, char args[VG_JSON_MAX], vg_error *err);

/* POST /whitelist: the whitelist_add args, passed through after a shape check (a JSON
 * object of at most VG_JSON_MAX bytes); the engine validates the fields. */
int vg_api_parse_object(const char *body, size_t len, char args[VG_JSON_MAX], vg_error *err);

/* An optional {"reason": text} body of an alert action; empty bodies are fine. */
int vg_api_parse_reason(const char *body, size_t len, char reason[VG_TEXT_MAX], vg_error *err);

/* POST /dispatch/{alert}/confirm {"unit"} or .../outcome {"unit","outcome"} → the
 * args of dispatch_confirm / dispatch_outcome for that alert. */
int vg_api_parse_dispatch(const char *body, size_t len, uint64_t alert, bool outcome,
                          char args[VG_JSON_MAX], vg_error *err);

/* A decimal identifier in a path segment: 1..2^63-1, digits only. */
int vg_api_parse_id(const char *s, size_t len, uint64_t *out);

/* Last-Event-ID header or last_event_id query value: a decimal sequence number. */
int vg_api_parse_event_id(const char *s, uint64_t *out);

/* alerts?state=&severity=&limit= values; NULL means absent (-1 / 0). */
int vg_api_parse_alert_query(const char *state, const char *severity, const char *limit,
                             int *state_out, int *severity_out, int *limit_out, vg_error *err);

/* Quote s as a JSON string into out (cap bytes); s may be any bytes: invalid UTF-8
 * is replaced. Returns 0 or VG_ETOOBIG. */
int vg_api_json_string(const char *s, char *out, size_t cap);

#endif

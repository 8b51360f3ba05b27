/* server/api_parse.c — request bodies and parameters of the HTTP API, strictly:
 * unknown fields, wrong types, duplicates and oversize values are errors that name
 * the field. jansson parses; nothing here trusts a length or a terminator. */
#include "server/api_parse.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static json_t *load_object(const char *body, size_t len, vg_error *err)
{
    if (len == 0) {
        vg_err(err, VG_EMISSING, "a JSON object body is required");
        return NULL;
    }
    json_error_t jerr;
    json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!j) {
        vg_err(err, VG_EPARSE, "body: %s (at %d)", jerr.text, jerr.position);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        vg_err(err, VG_ETYPE, "body: expected a JSON object");
        return NULL;
    }
    return j;
}

static int only_keys(json_t *obj, const char *const *keys, size_t n, vg_error *err)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        (void)v;
        bool known = false;
        for (size_t i = 0; i < n; i++)
            known = known || strcmp(k, keys[i]) == 0;
        if (!known) {
            char quoted[80];
            vg_api_json_string(k, quoted, sizeof quoted);
            return vg_err(err, VG_EUNKNOWN, "body: unknown field %s", quoted);
        }
    }
    return 0;
}

static int get_string(json_t *obj, const char *key, bool required, char *out, size_t cap,
                      vg_error *err)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        out[0] = '\0';
        return required ? vg_err(err, VG_EMISSING, "body.%s: missing", key) : 0;
    }
    if (!json_is_string(v))
        return vg_err(err, VG_ETYPE, "body.%s: expected a string", key);
    size_t n = json_string_length(v);
    if (n >= cap || memchr(json_string_value(v), '\0', n))
        return vg_err(err, n >= cap ? VG_ETOOBIG : VG_EINVAL,
                      "body.%s: at most %zu bytes, no NUL", key, cap - 1);
    memcpy(out, json_string_value(v), n + 1);
    return 0;
}

int vg_api_parse_login(const char *body, size_t len, char user[VG_USER_NAME_MAX + 1],
                       char password[VG_PASSWORD_MAX + 1], vg_error *err)
{
    static const char *const keys[] = {"user", "password"};
    json_t *j = load_object(body, len, err);
    if (!j)
        return err ? err->code : VG_EPARSE;
    int rc = only_keys(j, keys, 2, err);
    if (rc == 0)
        rc = get_string(j, "user", true, user, VG_USER_NAME_MAX + 1, err);
    if (rc == 0)
        rc = get_string(j, "password", true, password, VG_PASSWORD_MAX + 1, err);
    json_decref(j);
    return rc;
}

static int dump_args(json_t *args, char out[VG_JSON_MAX], vg_error *err)
{
    char *text = json_dumps(args, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
    if (!text)
        return vg_err(err, VG_ENOMEM, "out of memory");
    size_t n = strlen(text);
    int rc = 0;
    if (n >= VG_JSON_MAX)
        rc = vg_err(err, VG_ETOOBIG, "body: more than %d bytes of arguments", VG_JSON_MAX - 1);
    else
        memcpy(out, text, n + 1);
    free(text);
    return rc;
}

int vg_api_parse_posture(const char *body, size_t len, char args[VG_JSON_MAX], vg_error *err)
{
    static const char *const keys[] = {"level", "scope", "name", "reason"};
    json_t *j = load_object(body, len, err);
    if (!j)
        return err ? err->code : VG_EPARSE;
    char level[64], scope[VG_ID_MAX], name[VG_TEXT_MAX], reason[VG_TEXT_MAX];
    int rc = only_keys(j, keys, 4, err);
    if (rc == 0)
        rc = get_string(j, "level", true, level, sizeof level, err);
    if (rc == 0)
        rc = get_string(j, "scope", false, scope, sizeof scope, err);
    if (rc == 0)
        rc = get_string(j, "name", false, name, sizeof name, err);
    if (rc == 0)
        rc = get_string(j, "reason", false, reason, sizeof reason, err);
    json_decref(j);
    if (rc)
        return rc;
    json_t *a = json_object();
    json_object_set_new(a, "level", json_string(level));
    if (scope[0])
        json_object_set_new(a, "scope", json_string(scope));
    if (name[0])
        json_object_set_new(a, "name", json_string(name));
    rc = dump_args(a, args, err);
    json_decref(a);
    return rc;
}

int vg_api_parse_object(const char *body, size_t len, char args[VG_JSON_MAX], vg_error *err)
{
    json_t *j = load_object(body, len, err);
    if (!j)
        return err ? err->code : VG_EPARSE;
    int rc = dump_args(j, args, err);
    json_decref(j);
    return rc;
}

int vg_api_parse_dispatch(const char *body, size_t len, uint64_t alert, bool outcome,
                          char args[VG_JSON_MAX], vg_error *err)
{
    static const char *const confirm_keys[] = {"unit"};
    static const char *const outcome_keys[] = {"unit", "outcome"};
    json_t *j = load_object(body, len, err);
    if (!j)
        return err ? err->code : VG_EPARSE;
    char unit[VG_ID_MAX], result[32] = "";
    int rc = only_keys(j, outcome ? outcome_keys : confirm_keys, outcome ? 2 : 1, err);
    if (rc == 0)
        rc = get_string(j, "unit", true, unit, sizeof unit, err);
    if (rc == 0 && outcome)
        rc = get_string(j, "outcome", true, result, sizeof result, err);
    json_decref(j);
    if (rc)
        return rc;
    json_t *a = json_object();
    json_object_set_new(a, "alert", json_integer((json_int_t)alert));
    json_object_set_new(a, "unit", json_string(unit));
    if (outcome)
        json_object_set_new(a, "outcome", json_string(result));
    rc = dump_args(a, args, err);
    json_decref(a);
    return rc;
}

int vg_api_parse_reason(const char *body, size_t len, char reason[VG_TEXT_MAX], vg_error *err)
{
    static const char *const keys[] = {"reason"};
    reason[0] = '\0';
    if (len == 0)
        return 0;
    json_t *j = load_object(body, len, err);
    if (!j)
        return err ? err->code : VG_EPARSE;
    int rc = only_keys(j, keys, 1, err);
    if (rc == 0)
        rc = get_string(j, "reason", false, reason, VG_TEXT_MAX, err);
    json_decref(j);
    return rc;
}

int vg_api_parse_id(const char *s, size_t len, uint64_t *out)
{
    if (len == 0 || len > 19)
        return VG_EINVAL;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return VG_EINVAL;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v == 0 || v > (uint64_t)INT64_MAX)
        return VG_ERANGE;
    *out = v;
    return 0;
}

int vg_api_parse_event_id(const char *s, uint64_t *out)
{
    if (!s)
        return VG_ENOTFOUND;
    size_t n = strlen(s);
    if (n == 1 && s[0] == '0') {
        *out = 0;
        return 0;
    }
    return vg_api_parse_id(s, n, out);
}

int vg_api_parse_alert_query(const char *state, const char *severity, const char *limit,
                             int *state_out, int *severity_out, int *limit_out, vg_error *err)
{
    *state_out = -1;
    *severity_out = -1;
    *limit_out = 100;
    if (state) {
        int found = -1;
        for (int i = 0; i < VG_ALERT_STATE_COUNT; i++)
            if (strcmp(state, vg_alert_state_name((vg_alert_state)i)) == 0)
                found = i;
        if (found < 0)
            return vg_err(err, VG_EINVAL,
                          "state: expected raised, acknowledged, dispatched, resolved or "
                          "false_alarm");
        *state_out = found;
    }
    if (severity) {
        int found = -1;
        for (int i = 0; i < VG_SEV_COUNT; i++)
            if (strcmp(severity, vg_severity_name((vg_severity)i)) == 0)
                found = i;
        if (found < 0)
            return vg_err(err, VG_EINVAL, "severity: expected info, warning or critical");
        *severity_out = found;
    }
    if (limit) {
        uint64_t v;
        if (vg_api_parse_id(limit, strlen(limit), &v) != 0 || v > 10000)
            return vg_err(err, VG_EINVAL, "limit: expected 1..10000");
        *limit_out = (int)v;
    }
    return 0;
}

int vg_api_json_string(const char *s, char *out, size_t cap)
{
    json_t *j = json_string(s);
    if (!j) {
        /* Not UTF-8: keep the printable ASCII, mark the rest. */
        char clean[256];
        size_t n = 0;
        for (; *s && n + 1 < sizeof clean; s++)
            clean[n++] = ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f) ? *s : '?';
        clean[n] = '\0';
        j = json_string(clean);
        if (!j)
            return VG_ENOMEM;
    }
    char *text = json_dumps(j, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
    json_decref(j);
    if (!text)
        return VG_ENOMEM;
    size_t n = strlen(text);
    int rc = 0;
    if (n >= cap) {
        rc = VG_ETOOBIG;
        snprintf(out, cap, "\"\"");
    } else {
        memcpy(out, text, n + 1);
    }
    free(text);
    return rc;
}

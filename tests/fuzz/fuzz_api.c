/* tests/fuzz/fuzz_api.c — what HTTP clients send to the API: the first byte picks
 * the parser (login, posture, whitelist object, alert reason, path id, event id, alert
 * query), the rest is the hostile input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/api_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 70000)
        return 0;
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    char *text = malloc(len + 1); /* a NUL-terminated copy for the string parsers */
    if (!text)
        return 0;
    memcpy(text, body, len);
    text[len] = '\0';
    vg_error err = {0};
    char user[VG_USER_NAME_MAX + 1], password[VG_PASSWORD_MAX + 1], args[VG_JSON_MAX];
    char reason[VG_TEXT_MAX], quoted[512];
    uint64_t id;
    int a, b, c;
    switch (data[0] % 9) {
    case 0:
        if (vg_api_parse_login(body, len, user, password, &err) == 0 &&
            (strlen(user) > VG_USER_NAME_MAX || strlen(password) > VG_PASSWORD_MAX))
            abort();
        break;
    case 1:
        if (vg_api_parse_posture(body, len, args, &err) == 0 && strlen(args) >= VG_JSON_MAX)
            abort();
        break;
    case 2:
        if (vg_api_parse_object(body, len, args, &err) == 0 && args[0] != '{')
            abort();
        break;
    case 3:
        (void)vg_api_parse_reason(body, len, reason, &err);
        break;
    case 4:
        if (vg_api_parse_id(body, len, &id) == 0 && (id == 0 || id > (uint64_t)INT64_MAX))
            abort();
        break;
    case 5:
        (void)vg_api_parse_event_id(text, &id);
        break;
    case 6: {
        /* three NUL-separated query values */
        const char *q[3] = {text, NULL, NULL};
        size_t at = strlen(text);
        for (int i = 1; i < 3 && at < len; i++) {
            q[i] = text + at + 1;
            at += strlen(q[i]) + 1;
        }
        (void)vg_api_parse_alert_query(q[0], q[1], q[2], &a, &b, &c, &err);
        break;
    }
    case 7:
        (void)vg_api_parse_dispatch(body, len, 42, len % 2 == 0, args, &err);
        break;
    default:
        (void)vg_api_json_string(text, quoted, sizeof quoted);
        break;
    }
    free(text);
    return 0;
}

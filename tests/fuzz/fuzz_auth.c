/* tests/fuzz/fuzz_auth.c — what the store and auth layer take from the network:
 * Cookie and Authorization headers, and the audit entry fields (user, action, JSON
 * detail) checked before they are stored. The input is split at NUL bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/auth.h"
#include "server/store_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 8192)
        return 0;
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    /* Up to three NUL-separated parts: header/user, action, detail. */
    const char *part[3] = {buf, "", "{}"};
    size_t at = strlen(buf);
    for (int i = 1; i < 3 && at < size; i++) {
        part[i] = buf + at + 1;
        at += strlen(part[i]) + 1;
    }
    char token[VG_TOKEN_HEX];
    int rc = vg_auth_token_from_cookie(part[0], token);
    if (rc == 0 && strlen(token) != VG_TOKEN_HEX - 1)
        abort();
    rc = vg_auth_token_from_bearer(part[0], token);
    if (rc == 0 && strlen(token) != VG_TOKEN_HEX - 1)
        abort();
    vg_error err = {0};
    (void)vg_store_audit_fields_check(part[0], part[1], part[2], &err);
    (void)vg_auth_user_name_ok(part[0]);
    vg_role role;
    (void)vg_auth_role_parse(part[1], &role);
    free(buf);
    return 0;
}

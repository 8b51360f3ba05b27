/* tests/fuzz/fuzz_levels.c — libFuzzer target for the posture levels file parser,
 * and for posture_set command arguments built from the same bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vigie/posture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static vg_postures p;
    vg_postures_init(&p, 0);
    vg_error err = {0};
    if (vg_postures_load_levels(&p, (const char *)data, size, &err) < 0 && err.msg[0] == '\0')
        __builtin_trap();
    vg_command c;
    memset(&c, 0, sizeof c);
    strcpy(c.kind, "posture_set");
    strcpy(c.user, "fuzz");
    c.role = VG_ROLE_COMMANDER;
    size_t n = size < sizeof c.args - 1 ? size : sizeof c.args - 1;
    memcpy(c.args, data, n);
    c.args[n] = '\0';
    static vg_event out[8];
    int k;
    int rc = vg_postures_command(&p, &c, 0, out, 8, &k, &err);
    if (rc < 0 ? (k != 0 || err.msg[0] == '\0') : (k < 1 || k > 8))
        __builtin_trap();
    return 0;
}

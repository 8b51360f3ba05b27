/* tests/fuzz/fuzz_event.c — libFuzzer target for the JSON Lines event codec.
 *
 * Any input must either be rejected with a message or parse into an event whose
 * canonical line parses back and rewrites to the same bytes. A violation traps, so
 * libFuzzer saves the input. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vigie/event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char line1[VG_LINE_MAX + 1], line2[VG_LINE_MAX + 1];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_event ev, back;
    vg_error err;
    if (vg_event_parse((const char *)data, size, &ev, &err) < 0) {
        if (err.msg[0] == '\0' || !memchr(err.msg, '\0', sizeof err.msg))
            __builtin_trap(); /* every rejection carries a message */
        return 0;
    }
    size_t n1, n2;
    if (vg_event_format(&ev, line1, sizeof line1, &n1, &err) < 0)
        __builtin_trap();
    if (vg_event_parse(line1, n1, &back, &err) < 0)
        __builtin_trap();
    if (vg_event_format(&back, line2, sizeof line2, &n2, &err) < 0)
        __builtin_trap();
    if (n1 != n2 || memcmp(line1, line2, n1) != 0)
        __builtin_trap();
    return 0;
}

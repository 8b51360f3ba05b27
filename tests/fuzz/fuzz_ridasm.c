/* tests/fuzz/fuzz_ridasm.c — libFuzzer target for the Remote ID assembler: the input
 * is a stream of records (1 byte transmitter, 1 byte counter, 1 byte time step,
 * 25 bytes of message); every record that decodes is fed to one small assembler,
 * and every detection it emits must be writable as a canonical event line. Drives
 * the transmitter table through eviction, expiry and the integrity checks. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vigie/ridasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_ridasm_config cfg;
    vg_ridasm_config_default(&cfg);
    strcpy(cfg.sensor, "rid");
    cfg.capacity = 4; /* small: eviction happens */
    vg_ridasm *a;
    if (vg_ridasm_new(&cfg, &a, NULL) < 0)
        return 0;
    vg_time t = 1722015000000000;
    static char line[VG_LINE_MAX + 1];
    for (size_t i = 0; i + 28 <= size; i += 28) {
        const uint8_t *r = data + i;
        vg_ridasm_rx rx;
        memset(&rx, 0, sizeof rx);
        t += (vg_time)r[2] * 100000; /* 0 to 25.5 s between records */
        rx.time = t;
        rx.transport = (vg_rid_transport)(r[0] % 4); /* the F3411 transports */
        rx.addr[5] = (uint8_t)(r[0] >> 2);
        rx.has_counter = true;
        rx.counter = r[1];
        vg_rid_message m;
        if (vg_rid_decode_message(r + 3, 25, &m, NULL) < 0)
            continue;
        vg_event out;
        vg_error err;
        int rc = vg_ridasm_push(a, &rx, &m, &out, &err);
        size_t n;
        if (rc > 0 && vg_event_format(&out, line, sizeof line, &n, &err) < 0)
            __builtin_trap();
    }
    vg_ridasm_free(a);
    return 0;
}

/* tests/fuzz/fuzz_frbeacon.c — libFuzzer target for the French beacon TLV codec.
 *
 * A rejection must carry its code and a "fr-beacon: " message. An accepted beacon
 * must hold values within their documented ranges and printable identifiers, and
 * must survive decode → encode → decode unchanged, with a second encoding giving
 * the same bytes (unknown types are dropped by the encoder, so the input's bytes
 * may differ). A violation traps, so libFuzzer saves the input. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vigie/frbeacon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s, size_t cap)
{
    const char *end = memchr(s, '\0', cap);
    if (!end)
        __builtin_trap();
    for (; s < end; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_frb f, back;
    vg_error err;
    int rc = vg_frb_decode(data, size, &f, &err);
    if (rc < 0) {
        if (err.code != rc || !memchr(err.msg, '\0', sizeof err.msg) ||
            strncmp(err.msg, "fr-beacon: ", 11) != 0 || err.msg[11] == '\0')
            __builtin_trap();
        return 0;
    }
    check_text(f.fr_id, sizeof f.fr_id);
    check_text(f.manufacturer, sizeof f.manufacturer);
    check_text(f.model, sizeof f.model);
    check_text(f.serial, sizeof f.serial);
    check_text(f.ansi_id, sizeof f.ansi_id);
    if (f.lat < -90 || f.lat > 90 || f.lon < -180 || f.lon > 180 || f.takeoff_lat < -90 ||
        f.takeoff_lat > 90 || f.takeoff_lon < -180 || f.takeoff_lon > 180 || f.course_deg > 359)
        __builtin_trap();
    uint8_t b[VG_FRB_ENCODED_MAX], b2[VG_FRB_ENCODED_MAX];
    size_t n1, n2;
    if (vg_frb_encode(&f, b, sizeof b, &n1, &err) < 0)
        __builtin_trap();
    if (vg_frb_decode(b, n1, &back, &err) < 0 || !vg_frb_equal(&f, &back))
        __builtin_trap();
    if (vg_frb_encode(&back, b2, sizeof b2, &n2, &err) < 0 || n1 != n2 || memcmp(b, b2, n1) != 0)
        __builtin_trap();
    return 0;
}

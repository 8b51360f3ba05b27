/* tests/fuzz/fuzz_rid.c — libFuzzer target for the Remote ID message codec.
 *
 * The input is decoded both as one message and as a message pack. A rejection
 * must carry its code and a message starting with a known layer name. An
 * accepted message must hold values within their documented ranges, and must
 * survive decode → encode → decode unchanged, with encode → decode → encode giving
 * the same bytes (the input's own bytes may differ only in reserved bits and
 * non-canonical forms, e.g. 63.75 m/s written with the multiplier). A violation
 * traps, so libFuzzer saves the input. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vigie/rid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_rejection(int rc, const vg_error *err)
{
    static const char *const layers[] = {"pack: ", "basic_id: ", "location: ", "auth: ",
                                         "self_id: ", "system: ", "operator_id: ", "message: "};
    if (rc >= 0 || err->code != rc || !memchr(err->msg, '\0', sizeof err->msg))
        __builtin_trap();
    for (size_t i = 0; i < sizeof layers / sizeof layers[0]; i++) {
        size_t l = strlen(layers[i]);
        if (strncmp(err->msg, layers[i], l) == 0 && err->msg[l] != '\0')
            return;
    }
    __builtin_trap();
}

static void check_ranges(const vg_rid_message *m)
{
    if (m->type == VG_RID_LOCATION) {
        const vg_rid_location *l = &m->u.location;
        if (l->direction_deg < 0 || l->direction_deg >= 360 || l->speed_mps < 0 ||
            l->speed_mps > 254.25 || l->vspeed_mps < -62 || l->vspeed_mps > 62 ||
            l->lat < -90 || l->lat > 90 || l->lon < -180 || l->lon > 180 ||
            l->time_ds > 36000 || l->height_type > 1 || l->status > 15)
            __builtin_trap();
        if ((!l->has_direction && l->direction_deg != 0) || (!l->has_time && l->time_ds != 0))
            __builtin_trap();
    } else if (m->type == VG_RID_SYSTEM) {
        const vg_rid_system *s = &m->u.system;
        if (s->operator_lat < -90 || s->operator_lat > 90 || s->area_radius_m > 2550 ||
            (s->version < 1 && (s->has_operator_alt || s->classification_type)) ||
            (s->version < 2 && s->has_timestamp))
            __builtin_trap();
    } else if (m->type == VG_RID_AUTH) {
        const vg_rid_auth *a = &m->u.auth;
        if (a->data_len != (a->page ? 23 : 17) || a->last_page > 15 || a->page > 15)
            __builtin_trap();
    }
}

/* decode → encode → decode gives the same message; encoding it again, the same bytes. */
static void check_round_trip(const vg_rid_message *m)
{
    uint8_t b[VG_RID_MSG_LEN], b2[VG_RID_MSG_LEN];
    vg_rid_message back;
    vg_error err;
    check_ranges(m);
    if (vg_rid_encode_message(m, b, &err) < 0)
        __builtin_trap();
    if (vg_rid_decode_message(b, sizeof b, &back, &err) < 0)
        __builtin_trap();
    if (!vg_rid_message_equal(m, &back))
        __builtin_trap();
    if (vg_rid_encode_message(&back, b2, &err) < 0 || memcmp(b, b2, sizeof b) != 0)
        __builtin_trap();
}

static vg_rid_pack pack, pack_back;
static uint8_t pack_bytes[VG_RID_PACK_LEN_MAX], pack_bytes2[VG_RID_PACK_LEN_MAX];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_rid_message m;
    vg_error err;
    int rc = vg_rid_decode_message(data, size, &m, &err);
    if (rc < 0)
        check_rejection(rc, &err);
    else
        check_round_trip(&m);

    size_t used = 0, n1 = 0, n2 = 0;
    rc = vg_rid_decode_pack(data, size, &pack, &used, &err);
    if (rc < 0) {
        check_rejection(rc, &err);
        return 0;
    }
    if (used > size || used != VG_RID_PACK_HEADER + (size_t)pack.count * VG_RID_MSG_LEN)
        __builtin_trap();
    for (unsigned i = 0; i < pack.count; i++)
        check_round_trip(&pack.msgs[i]);
    if (vg_rid_encode_pack(&pack, pack_bytes, sizeof pack_bytes, &n1, &err) < 0 || n1 != used)
        __builtin_trap();
    if (vg_rid_decode_pack(pack_bytes, n1, &pack_back, NULL, &err) < 0 ||
        pack_back.count != pack.count || pack_back.version != pack.version)
        __builtin_trap();
    for (unsigned i = 0; i < pack.count; i++)
        if (!vg_rid_message_equal(&pack.msgs[i], &pack_back.msgs[i]))
            __builtin_trap();
    if (vg_rid_encode_pack(&pack_back, pack_bytes2, sizeof pack_bytes2, &n2, &err) < 0 ||
        n2 != n1 || memcmp(pack_bytes, pack_bytes2, n1) != 0)
        __builtin_trap();
    return 0;
}

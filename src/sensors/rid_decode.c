/* sensors/rid_decode.c — ASTM F3411 Remote ID messages and packs: bytes → structs.
 *
 * One function per message type, each checking the length before reading any byte,
 * then reading fields with explicit little-endian helpers. Per-version differences
 * (fields reserved before they were defined) and the "unknown" encodings are
 * handled here; vigie/rid.h documents the layout and the decisions. The hot path
 * (err == NULL, valid input) does no formatting and no copying beyond the fields. */
#include "vigie/rid.h"

#include <stdio.h>
#include <string.h>

#include "sensors/rid_bytes.h"

/* ---- Shared field decoders --------------------------------------------------- */

/* Altitude-type fields: uint16 (x + 1000) / 0.5, raw 0 meaning unknown. Computed
 * in half-metres with an integer select, so that a mix of known and unknown
 * altitudes costs no mispredicted branch: (raw − 2000) × 0.5 = raw × 0.5 − 1000. */
static inline bool dec_alt(const uint8_t *p, double *out)
{
    int32_t raw = rd_u16le(p);
    int32_t half = raw ? raw - 2000 : 0;
    *out = (double)half * 0.5;
    return raw != 0;
}

static const char *const layer_name[6] = {"basic_id", "location", "auth",
                                          "self_id", "system", "operator_id"};

/* Checks length, type and version for the decoder of `type`. */
static int check_header(const uint8_t *b, size_t len, vg_rid_type type, vg_error *err)
{
    if (len < VG_RID_MSG_LEN)
        return vg_err(err, VG_ETRUNC, "%s: %zu of 25 bytes", layer_name[type], len);
    unsigned t = b[0] >> 4, v = b[0] & 0x0f;
    if (t != (unsigned)type)
        return vg_err(err, VG_EINVAL, "%s: message type %u, expected %u", layer_name[type], t,
                      (unsigned)type);
    if (v == VG_RID_VERSION_PRIVATE)
        return vg_err(err, VG_EUNKNOWN, "message: protocol version 15 (private use) unknown");
    return 0;
}

/* Latitude/longitude pair at p (int32 ×1e-7 each); both zero means unknown.
 * Division by 1e7 (not multiplication by 1e-7) gives the double nearest to the
 * decimal value, so 488582683 prints back as 48.8582683. */
static int dec_latlon(const uint8_t *p, bool *has, double *lat, double *lon,
                      const char *layer, const char *what, vg_error *err)
{
    int32_t rlat = rd_i32le(p), rlon = rd_i32le(p + 4);
    if (rlat == 0 && rlon == 0) {
        *has = false;
        *lat = *lon = 0.0;
        return 0;
    }
    if (rlat < -900000000 || rlat > 900000000)
        return vg_err(err, VG_ERANGE, "%s: %slatitude %.7f out of range", layer, what,
                      (double)rlat / 1e7);
    if (rlon < -1800000000 || rlon > 1800000000)
        return vg_err(err, VG_ERANGE, "%s: %slongitude %.7f out of range", layer, what,
                      (double)rlon / 1e7);
    *has = true;
    *lat = (double)rlat / 1e7;
    *lon = (double)rlon / 1e7;
    return 0;
}

/* Seconds since 2019-01-01 (uint32) → vg_time; 0 means unknown. */
static inline bool dec_ts2019(const uint8_t *p, vg_time *out)
{
    uint32_t s = rd_u32le(p);
    *out = s ? ((vg_time)VG_RID_EPOCH_2019 + (vg_time)s) * VG_TIME_S : 0;
    return s != 0;
}

/* ---- Message bodies -------------------------------------------------------------
 * Each body decodes a message whose length, type and version have been checked. */

static inline int body_basic_id(const uint8_t *b, vg_rid_basic_id *out)
{
    out->version = b[0] & 0x0f;
    out->id_type = b[1] >> 4;
    out->ua_type = b[1] & 0x0f;
    memcpy(out->uas_id, b + 2, VG_RID_ID_LEN);
    return 0;
}

/* The kinematic fields are computed as integers in their wire units with selects
 * (cmov), then scaled once: a receiver sees a random mix of multipliers, E/W bits
 * and unknown values, and branches on them would mispredict. */
static inline int body_location(const uint8_t *b, vg_rid_location *out, vg_error *err)
{
    unsigned flags = b[1];
    out->version = b[0] & 0x0f;
    out->status = (uint8_t)(flags >> 4);
    out->height_type = (flags >> 2) & 1;

    /* Direction: byte + 180 when the E/W bit is set. 361 is the unknown value; 360
     * is north written by encoders that do not wrap; 362..435 cannot be a
     * direction and is reported unknown too. */
    unsigned dir = b[2] + ((flags & 0x02) ? 180u : 0u);
    dir = dir == 360 ? 0 : dir;
    bool has_dir = dir < 360;
    out->has_direction = has_dir;
    out->direction_deg = (double)(has_dir ? dir : 0u);

    /* Speed in quarter m/s: byte, or 63.75 + byte × 0.75 = (255 + 3 × byte) / 4 with
     * the multiplier; 255 with the multiplier (255 m/s) is the unknown value. */
    unsigned sp = b[3], mult = flags & 0x01;
    bool has_sp = !(mult && sp == 255);
    unsigned q = mult ? 255 + 3 * sp : sp;
    out->has_speed = has_sp;
    out->speed_mps = (double)(has_sp ? q : 0u) * 0.25;

    /* Vertical speed in half m/s: int8; 126 (63 m/s) is unknown; the encoding rule
     * clamps at ±62 m/s, so the few raw values beyond are clamped likewise. */
    int vs = rd_i8(b + 4);
    bool has_vs = vs != 126;
    vs = vs > 124 ? 124 : vs < -124 ? -124 : vs;
    out->has_vspeed = has_vs;
    out->vspeed_mps = (double)(has_vs ? vs : 0) * 0.5;

    int rc = dec_latlon(b + 5, &out->has_position, &out->lat, &out->lon, "location", "", err);
    if (rc < 0)
        return rc;
    out->has_pressure_alt = dec_alt(b + 13, &out->pressure_alt_m);
    out->has_geodetic_alt = dec_alt(b + 15, &out->geodetic_alt_m);
    out->has_height = dec_alt(b + 17, &out->height_m);
    out->v_accuracy = b[19] >> 4;
    out->h_accuracy = b[19] & 0x0f;
    out->baro_accuracy = b[20] >> 4;
    out->speed_accuracy = b[20] & 0x0f;
    out->time_accuracy = b[23] & 0x0f;

    unsigned ts = rd_u16le(b + 21);
    bool has_ts = ts != 0xffff;
    if (has_ts && ts > 36000)
        return vg_err(err, VG_ERANGE, "location: time %u tenths of a second past the hour "
                      "(max 36000)", ts);
    out->has_time = has_ts;
    out->time_ds = (uint16_t)(has_ts ? ts : 0u);
    return 0;
}

static inline int body_auth(const uint8_t *b, vg_rid_auth *out, vg_error *err)
{
    out->version = b[0] & 0x0f;
    out->auth_type = b[1] >> 4;
    out->page = b[1] & 0x0f;
    if (out->version == 0 && out->page > 4)
        return vg_err(err, VG_ERANGE, "auth: page %u beyond 4 in protocol version 0",
                      (unsigned)out->page);
    if (out->page != 0) {
        out->last_page = 0;
        out->length = 0;
        out->has_timestamp = false;
        out->timestamp = 0;
        out->data_len = VG_RID_TEXT_LEN;
        memcpy(out->data, b + 2, VG_RID_TEXT_LEN);
        return 0;
    }
    /* Page 0. F3411-19 sends the page count (1..5); later versions the index of
     * the last page (0..15). Both become last_page. */
    unsigned last;
    if (out->version == 0) {
        if (b[2] < 1 || b[2] > 5)
            return vg_err(err, VG_ERANGE, "auth: page count %u out of 1..5 in protocol "
                          "version 0", (unsigned)b[2]);
        last = b[2] - 1u;
    } else {
        if (b[2] > 15)
            return vg_err(err, VG_ERANGE, "auth: last page index %u out of 0..15",
                          (unsigned)b[2]);
        last = b[2];
    }
    /* Length counts authentication bytes over all pages: no more than they hold. */
    unsigned room = VG_RID_AUTH_PAGE0_LEN + last * VG_RID_TEXT_LEN;
    if (b[3] > room)
        return vg_err(err, VG_ERANGE, "auth: length %u exceeds the %u bytes of %u pages",
                      (unsigned)b[3], room, last + 1);
    out->last_page = (uint8_t)last;
    out->length = b[3];
    out->has_timestamp = dec_ts2019(b + 4, &out->timestamp);
    out->data_len = VG_RID_AUTH_PAGE0_LEN;
    memcpy(out->data, b + 8, VG_RID_AUTH_PAGE0_LEN);
    memset(out->data + VG_RID_AUTH_PAGE0_LEN, 0, VG_RID_TEXT_LEN - VG_RID_AUTH_PAGE0_LEN);
    return 0;
}

static inline int body_self_id(const uint8_t *b, vg_rid_self_id *out)
{
    out->version = b[0] & 0x0f;
    out->desc_type = b[1];
    memcpy(out->desc, b + 2, VG_RID_TEXT_LEN);
    return 0;
}

/* Fields a version does not define are read as absent whatever the bytes hold
 * (masks rather than branches, as in body_location). */
static inline int body_system(const uint8_t *b, vg_rid_system *out, vg_error *err)
{
    unsigned v = b[0] & 0x0f;
    out->version = (uint8_t)v;
    out->operator_location_type = b[1] & 0x03;
    int rc = dec_latlon(b + 2, &out->has_operator_position, &out->operator_lat,
                        &out->operator_lon, "system", "operator ", err);
    if (rc < 0)
        return rc;
    out->area_count = rd_u16le(b + 10);
    out->area_radius_m = (uint16_t)(b[12] * 10u);
    out->has_area_ceiling = dec_alt(b + 13, &out->area_ceiling_m);
    out->has_area_floor = dec_alt(b + 15, &out->area_floor_m);
    /* Version 1 (F3411-20) defines byte 1 bits 4-2 and bytes 17-19; before, they
     * are reserved. */
    unsigned v1 = v >= 1 ? 0xffu : 0u;
    out->classification_type = (uint8_t)((b[1] >> 2) & 0x07 & v1);
    out->category_eu = (uint8_t)((b[17] >> 4) & v1);
    out->class_eu = (uint8_t)(b[17] & 0x0f & v1);
    uint8_t alt[2] = {(uint8_t)(b[18] & v1), (uint8_t)(b[19] & v1)};
    out->has_operator_alt = dec_alt(alt, &out->operator_alt_m);
    /* Version 2 (F3411-22a) defines the timestamp in bytes 20-23. */
    uint8_t v2 = v >= 2 ? 0xff : 0;
    uint8_t ts[4] = {(uint8_t)(b[20] & v2), (uint8_t)(b[21] & v2), (uint8_t)(b[22] & v2),
                     (uint8_t)(b[23] & v2)};
    out->has_timestamp = dec_ts2019(ts, &out->timestamp);
    return 0;
}

static inline int body_operator_id(const uint8_t *b, vg_rid_operator_id *out)
{
    out->version = b[0] & 0x0f;
    out->id_type = b[1];
    memcpy(out->id, b + 2, VG_RID_ID_LEN);
    return 0;
}

/* ---- Public decoders -------------------------------------------------------------- */

int vg_rid_decode_basic_id(const uint8_t *b, size_t len, vg_rid_basic_id *out, vg_error *err)
{
    int rc = check_header(b, len, VG_RID_BASIC_ID, err);
    return rc < 0 ? rc : body_basic_id(b, out);
}

int vg_rid_decode_location(const uint8_t *b, size_t len, vg_rid_location *out, vg_error *err)
{
    int rc = check_header(b, len, VG_RID_LOCATION, err);
    return rc < 0 ? rc : body_location(b, out, err);
}

int vg_rid_decode_auth(const uint8_t *b, size_t len, vg_rid_auth *out, vg_error *err)
{
    int rc = check_header(b, len, VG_RID_AUTH, err);
    return rc < 0 ? rc : body_auth(b, out, err);
}

int vg_rid_decode_self_id(const uint8_t *b, size_t len, vg_rid_self_id *out, vg_error *err)
{
    int rc = check_header(b, len, VG_RID_SELF_ID, err);
    return rc < 0 ? rc : body_self_id(b, out);
}

int vg_rid_decode_system(const uint8_t *b, size_t len, vg_rid_system *out, vg_error *err)
{
    int rc = check_header(b, len, VG_RID_SYSTEM, err);
    return rc < 0 ? rc : body_system(b, out, err);
}

int vg_rid_decode_operator_id(const uint8_t *b, size_t len, vg_rid_operator_id *out,
                              vg_error *err)
{
    int rc = check_header(b, len, VG_RID_OPERATOR_ID, err);
    return rc < 0 ? rc : body_operator_id(b, out);
}

/* ---- Dispatch and packs -------------------------------------------------------- */

/* One check of the type, the length and the version, then one jump to the body. */
int vg_rid_decode_message(const uint8_t *b, size_t len, vg_rid_message *out, vg_error *err)
{
    if (len < 1)
        return vg_err(err, VG_ETRUNC, "message: 0 of 25 bytes");
    unsigned t = b[0] >> 4;
    if (t > VG_RID_OPERATOR_ID) {
        if (t == VG_RID_PACK)
            return vg_err(err, VG_EINVAL, "message: type 15 is a message pack, not a message");
        return vg_err(err, VG_EUNKNOWN, "message: unknown message type %u", t);
    }
    if (len < VG_RID_MSG_LEN)
        return vg_err(err, VG_ETRUNC, "%s: %zu of 25 bytes", layer_name[t], len);
    if ((b[0] & 0x0f) == VG_RID_VERSION_PRIVATE)
        return vg_err(err, VG_EUNKNOWN, "message: protocol version 15 (private use) unknown");
    out->type = (vg_rid_type)t;
    switch (t) {
    case VG_RID_BASIC_ID: return body_basic_id(b, &out->u.basic_id);
    case VG_RID_LOCATION: return body_location(b, &out->u.location, err);
    case VG_RID_AUTH: return body_auth(b, &out->u.auth, err);
    case VG_RID_SELF_ID: return body_self_id(b, &out->u.self_id);
    case VG_RID_SYSTEM: return body_system(b, &out->u.system, err);
    default: return body_operator_id(b, &out->u.operator_id);
    }
}

/* Append " (pack message i of n)" to an inner message's error, so that the error
 * keeps the inner layer's name (it is that message which is bad) and still says
 * where it was. */
static int pack_context(vg_error *err, int rc, unsigned i, unsigned n)
{
    if (err) {
        size_t l = strlen(err->msg); /* vg_err always terminates it */
        if (l < sizeof err->msg - 1)
            snprintf(err->msg + l, sizeof err->msg - l, " (pack message %u of %u)", i, n);
    }
    return rc;
}

int vg_rid_decode_pack(const uint8_t *b, size_t len, vg_rid_pack *out, size_t *used,
                       vg_error *err)
{
    if (len < VG_RID_PACK_HEADER)
        return vg_err(err, VG_ETRUNC, "pack: %zu of 3 header bytes", len);
    unsigned t = b[0] >> 4, v = b[0] & 0x0f;
    if (t != VG_RID_PACK)
        return vg_err(err, VG_EINVAL, "pack: message type %u, expected 15", t);
    if (v == VG_RID_VERSION_PRIVATE)
        return vg_err(err, VG_EUNKNOWN, "message: protocol version 15 (private use) unknown");
    if (b[1] != VG_RID_MSG_LEN)
        return vg_err(err, VG_EINVAL, "pack: message size %u, expected 25", (unsigned)b[1]);
    unsigned n = b[2];
    if (n == 0)
        return vg_err(err, VG_EINVAL, "pack: no messages");
    if (n > VG_RID_PACK_MAX)
        return vg_err(err, VG_ERANGE, "pack: %u messages, at most 9", n);
    size_t need = VG_RID_PACK_HEADER + (size_t)n * VG_RID_MSG_LEN;
    if (len < need)
        return vg_err(err, VG_ETRUNC, "pack: %u messages need %zu bytes, %zu present", n,
                      need, len);
    out->version = (uint8_t)v;
    out->count = (uint8_t)n;
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *m = b + VG_RID_PACK_HEADER + (size_t)i * VG_RID_MSG_LEN;
        if (m[0] >> 4 == VG_RID_PACK)
            return vg_err(err, VG_EINVAL, "pack: message %u of %u is itself a pack", i + 1, n);
        int rc = vg_rid_decode_message(m, VG_RID_MSG_LEN, &out->msgs[i], err);
        if (rc < 0)
            return pack_context(err, rc, i + 1, n);
    }
    if (used)
        *used = need;
    return 0;
}

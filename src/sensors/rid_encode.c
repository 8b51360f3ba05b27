/* sensors/rid_encode.c — ASTM F3411 Remote ID messages and packs: structs → bytes.
 *
 * The inverse of rid_decode.c, for tests, the simulator and anything that must
 * emit Remote ID. Inputs are validated first (an encoder never writes a message
 * its own decoder would misread), then quantised by rounding to nearest as
 * vigie/rid.h describes. Reserved bits and bytes are written as zero. */
#include "vigie/rid.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sensors/rid_bytes.h"

/* ---- Shared field encoders ------------------------------------------------------ */

static int enc_header(uint8_t *out, vg_rid_type type, unsigned version, const char *layer,
                      vg_error *err)
{
    if (version >= VG_RID_VERSION_PRIVATE)
        return vg_err(err, VG_EINVAL, "%s: protocol version %u cannot be encoded (0..14)",
                      layer, version);
    out[0] = (uint8_t)((unsigned)type << 4 | version);
    return 0;
}

static int check_max(unsigned v, unsigned max, const char *layer, const char *what,
                     vg_error *err)
{
    if (v > max)
        return vg_err(err, VG_EINVAL, "%s: %s %u does not fit (max %u)", layer, what, v, max);
    return 0;
}

/* Altitude-type field: uint16 (x + 1000) / 0.5; raw 0 is "unknown", so a known
 * altitude must round to at least 1 (x ≥ −999.75 m). */
static int enc_alt(uint8_t *p, bool has, double x, const char *layer, const char *what,
                   vg_error *err)
{
    if (!has) {
        wr_u16le(p, 0);
        return 0;
    }
    double q = isfinite(x) ? rid_round((x + 1000.0) * 2.0) : -1.0;
    if (!(q >= 1.0 && q <= 65535.0))
        return vg_err(err, VG_ERANGE, "%s: %s %g m out of [-999.75, 31767.5]", layer, what, x);
    wr_u16le(p, (uint16_t)q);
    return 0;
}

/* Latitude/longitude pair ×1e7; (0, 0) is "unknown", so a known position may not
 * round to it. */
static int enc_latlon(uint8_t *p, bool has, double lat, double lon, const char *layer,
                      const char *what, vg_error *err)
{
    if (!has) {
        wr_i32le(p, 0);
        wr_i32le(p + 4, 0);
        return 0;
    }
    if (!(isfinite(lat) && lat >= -90.0 && lat <= 90.0))
        return vg_err(err, VG_ERANGE, "%s: %slatitude %g out of range", layer, what, lat);
    if (!(isfinite(lon) && lon >= -180.0 && lon <= 180.0))
        return vg_err(err, VG_ERANGE, "%s: %slongitude %g out of range", layer, what, lon);
    double qlat = rid_round(lat * 1e7), qlon = rid_round(lon * 1e7);
    if (qlat == 0.0 && qlon == 0.0)
        return vg_err(err, VG_ERANGE, "%s: %sposition rounds to 0, 0, the unknown marker",
                      layer, what);
    wr_i32le(p, (int32_t)qlat);
    wr_i32le(p + 4, (int32_t)qlon);
    return 0;
}

/* vg_time → seconds since 2019-01-01, rounded to the nearest second; 0 is
 * "unknown", so a known time must fall after 2019-01-01T00:00:00.5Z. */
static int enc_ts2019(uint8_t *p, bool has, vg_time t, const char *layer, vg_error *err)
{
    if (!has) {
        wr_u32le(p, 0);
        return 0;
    }
    const vg_time lo = (vg_time)VG_RID_EPOCH_2019 * VG_TIME_S;
    const vg_time hi = ((vg_time)VG_RID_EPOCH_2019 + (vg_time)UINT32_MAX) * VG_TIME_S;
    if (t < lo + VG_TIME_S / 2 || t >= hi + VG_TIME_S / 2)
        return vg_err(err, VG_ERANGE, "%s: timestamp %lld us outside 2019-01-01 + 2^32 s",
                      layer, (long long)t);
    vg_time s = (t - lo + VG_TIME_S / 2) / VG_TIME_S;
    wr_u32le(p, (uint32_t)s);
    return 0;
}

/* ---- Messages ------------------------------------------------------------------ */

int vg_rid_encode_basic_id(const vg_rid_basic_id *in, uint8_t out[VG_RID_MSG_LEN], vg_error *err)
{
    int rc;
    if ((rc = enc_header(out, VG_RID_BASIC_ID, in->version, "basic_id", err)) < 0 ||
        (rc = check_max(in->id_type, 15, "basic_id", "ID type", err)) < 0 ||
        (rc = check_max(in->ua_type, 15, "basic_id", "UA type", err)) < 0)
        return rc;
    out[1] = (uint8_t)(in->id_type << 4 | in->ua_type);
    memcpy(out + 2, in->uas_id, VG_RID_ID_LEN);
    memset(out + 22, 0, 3);
    return 0;
}

int vg_rid_encode_location(const vg_rid_location *in, uint8_t out[VG_RID_MSG_LEN], vg_error *err)
{
    static const char L[] = "location";
    int rc;
    if ((rc = enc_header(out, VG_RID_LOCATION, in->version, L, err)) < 0 ||
        (rc = check_max(in->status, 15, L, "status", err)) < 0 ||
        (rc = check_max(in->height_type, 1, L, "height type", err)) < 0 ||
        (rc = check_max(in->h_accuracy, 15, L, "horizontal accuracy", err)) < 0 ||
        (rc = check_max(in->v_accuracy, 15, L, "vertical accuracy", err)) < 0 ||
        (rc = check_max(in->baro_accuracy, 15, L, "baro accuracy", err)) < 0 ||
        (rc = check_max(in->speed_accuracy, 15, L, "speed accuracy", err)) < 0 ||
        (rc = check_max(in->time_accuracy, 15, L, "time accuracy", err)) < 0)
        return rc;

    /* Direction: whole degrees; from 180 the E/W bit is set and 180 subtracted.
     * Unknown is 361 = E/W + 181. */
    unsigned ew, dir;
    if (in->has_direction) {
        double d = in->direction_deg;
        if (!(isfinite(d) && d >= 0.0 && d <= 360.0))
            return vg_err(err, VG_ERANGE, "location: direction %g out of [0, 360]", d);
        unsigned q = (unsigned)rid_round(d) % 360u;
        ew = q >= 180;
        dir = ew ? q - 180 : q;
    } else {
        ew = 1;
        dir = 181;
    }

    /* Speed: ×0.25 up to 63.75 m/s, else 63.75 + ×0.75 with the multiplier bit,
     * clamped at 254.25 m/s. Unknown is 255 with the multiplier. */
    unsigned mult, sp;
    if (in->has_speed) {
        double v = in->speed_mps;
        if (!(v >= 0.0)) /* also rejects NaN */
            return vg_err(err, VG_ERANGE, "location: speed %g m/s is negative", v);
        if (v > 254.25)
            v = 254.25;
        sp = v <= 63.75 ? 0u : (unsigned)rid_round((v - 63.75) / 0.75);
        if (sp == 0) { /* 63.75 m/s has two forms; write the fine one, canonically */
            mult = 0;
            sp = (unsigned)rid_round((v <= 63.75 ? v : 63.75) * 4.0);
        } else {
            mult = 1;
        }
    } else {
        mult = 1;
        sp = 255;
    }

    /* Vertical speed: int8 ×0.5 m/s clamped to ±62 m/s; unknown is 63 m/s (126). */
    int vs;
    if (in->has_vspeed) {
        double v = in->vspeed_mps;
        if (!isfinite(v))
            return vg_err(err, VG_ERANGE, "location: vertical speed is not finite");
        v = v > 62.0 ? 62.0 : v < -62.0 ? -62.0 : v;
        vs = (int)rid_round(v * 2.0);
    } else {
        vs = 126;
    }

    if (in->has_time && in->time_ds > 36000)
        return vg_err(err, VG_ERANGE, "location: time %u tenths of a second past the hour "
                      "(max 36000)", (unsigned)in->time_ds);

    out[1] = (uint8_t)(in->status << 4 | in->height_type << 2 | ew << 1 | mult);
    out[2] = (uint8_t)dir;
    out[3] = (uint8_t)sp;
    out[4] = (uint8_t)(vs & 0xff);
    if ((rc = enc_latlon(out + 5, in->has_position, in->lat, in->lon, L, "", err)) < 0 ||
        (rc = enc_alt(out + 13, in->has_pressure_alt, in->pressure_alt_m, L,
                      "pressure altitude", err)) < 0 ||
        (rc = enc_alt(out + 15, in->has_geodetic_alt, in->geodetic_alt_m, L,
                      "geodetic altitude", err)) < 0 ||
        (rc = enc_alt(out + 17, in->has_height, in->height_m, L, "height", err)) < 0)
        return rc;
    out[19] = (uint8_t)(in->v_accuracy << 4 | in->h_accuracy);
    out[20] = (uint8_t)(in->baro_accuracy << 4 | in->speed_accuracy);
    wr_u16le(out + 21, in->has_time ? in->time_ds : 0xffff);
    out[23] = in->time_accuracy;
    out[24] = 0;
    return 0;
}

int vg_rid_encode_auth(const vg_rid_auth *in, uint8_t out[VG_RID_MSG_LEN], vg_error *err)
{
    int rc;
    if ((rc = enc_header(out, VG_RID_AUTH, in->version, "auth", err)) < 0 ||
        (rc = check_max(in->auth_type, 15, "auth", "auth type", err)) < 0 ||
        (rc = check_max(in->page, in->version == 0 ? 4 : 15, "auth", "page", err)) < 0)
        return rc;
    out[1] = (uint8_t)(in->auth_type << 4 | in->page);
    if (in->page != 0) {
        if (in->data_len != VG_RID_TEXT_LEN)
            return vg_err(err, VG_EINVAL, "auth: page %u carries 23 data bytes, not %u",
                          (unsigned)in->page, (unsigned)in->data_len);
        memcpy(out + 2, in->data, VG_RID_TEXT_LEN);
        return 0;
    }
    if (in->data_len != VG_RID_AUTH_PAGE0_LEN)
        return vg_err(err, VG_EINVAL, "auth: page 0 carries 17 data bytes, not %u",
                      (unsigned)in->data_len);
    if ((rc = check_max(in->last_page, in->version == 0 ? 4 : 15, "auth", "last page index",
                        err)) < 0)
        return rc;
    unsigned room = VG_RID_AUTH_PAGE0_LEN + in->last_page * (unsigned)VG_RID_TEXT_LEN;
    if (in->length > room)
        return vg_err(err, VG_ERANGE, "auth: length %u exceeds the %u bytes of %u pages",
                      (unsigned)in->length, room, in->last_page + 1u);
    /* F3411-19 sends the page count where later versions send the last index. */
    out[2] = (uint8_t)(in->version == 0 ? in->last_page + 1u : in->last_page);
    out[3] = in->length;
    if ((rc = enc_ts2019(out + 4, in->has_timestamp, in->timestamp, "auth", err)) < 0)
        return rc;
    memcpy(out + 8, in->data, VG_RID_AUTH_PAGE0_LEN);
    return 0;
}

int vg_rid_encode_self_id(const vg_rid_self_id *in, uint8_t out[VG_RID_MSG_LEN], vg_error *err)
{
    int rc = enc_header(out, VG_RID_SELF_ID, in->version, "self_id", err);
    if (rc < 0)
        return rc;
    out[1] = in->desc_type;
    memcpy(out + 2, in->desc, VG_RID_TEXT_LEN);
    return 0;
}

int vg_rid_encode_system(const vg_rid_system *in, uint8_t out[VG_RID_MSG_LEN], vg_error *err)
{
    static const char L[] = "system";
    int rc;
    if ((rc = enc_header(out, VG_RID_SYSTEM, in->version, L, err)) < 0 ||
        (rc = check_max(in->operator_location_type, 3, L, "operator location type", err)) < 0 ||
        (rc = check_max(in->classification_type, 7, L, "classification type", err)) < 0 ||
        (rc = check_max(in->category_eu, 15, L, "EU category", err)) < 0 ||
        (rc = check_max(in->class_eu, 15, L, "EU class", err)) < 0)
        return rc;
    /* Fields a version does not have cannot be sent in it: refuse rather than drop
     * them silently. */
    if (in->version < 1 && (in->classification_type || in->category_eu || in->class_eu ||
                            in->has_operator_alt))
        return vg_err(err, VG_EINVAL, "system: classification and operator altitude need "
                      "protocol version 1 or later");
    if (in->version < 2 && in->has_timestamp)
        return vg_err(err, VG_EINVAL, "system: the timestamp needs protocol version 2 or later");
    if (in->area_radius_m > 2554)
        return vg_err(err, VG_ERANGE, "system: area radius %u m out of [0, 2550]",
                      (unsigned)in->area_radius_m);
    out[1] = (uint8_t)(in->classification_type << 2 | in->operator_location_type);
    if ((rc = enc_latlon(out + 2, in->has_operator_position, in->operator_lat,
                         in->operator_lon, L, "operator ", err)) < 0)
        return rc;
    wr_u16le(out + 10, in->area_count);
    out[12] = (uint8_t)((in->area_radius_m + 5u) / 10u);
    if ((rc = enc_alt(out + 13, in->has_area_ceiling, in->area_ceiling_m, L, "area ceiling",
                      err)) < 0 ||
        (rc = enc_alt(out + 15, in->has_area_floor, in->area_floor_m, L, "area floor",
                      err)) < 0 ||
        (rc = enc_alt(out + 18, in->has_operator_alt, in->operator_alt_m, L,
                      "operator altitude", err)) < 0 ||
        (rc = enc_ts2019(out + 20, in->has_timestamp, in->timestamp, L, err)) < 0)
        return rc;
    out[17] = (uint8_t)(in->category_eu << 4 | in->class_eu);
    out[24] = 0;
    return 0;
}

int vg_rid_encode_operator_id(const vg_rid_operator_id *in, uint8_t out[VG_RID_MSG_LEN],
                              vg_error *err)
{
    int rc = enc_header(out, VG_RID_OPERATOR_ID, in->version, "operator_id", err);
    if (rc < 0)
        return rc;
    out[1] = in->id_type;
    memcpy(out + 2, in->id, VG_RID_ID_LEN);
    memset(out + 22, 0, 3);
    return 0;
}

int vg_rid_encode_message(const vg_rid_message *m, uint8_t out[VG_RID_MSG_LEN], vg_error *err)
{
    switch (m->type) {
    case VG_RID_BASIC_ID: return vg_rid_encode_basic_id(&m->u.basic_id, out, err);
    case VG_RID_LOCATION: return vg_rid_encode_location(&m->u.location, out, err);
    case VG_RID_AUTH: return vg_rid_encode_auth(&m->u.auth, out, err);
    case VG_RID_SELF_ID: return vg_rid_encode_self_id(&m->u.self_id, out, err);
    case VG_RID_SYSTEM: return vg_rid_encode_system(&m->u.system, out, err);
    case VG_RID_OPERATOR_ID: return vg_rid_encode_operator_id(&m->u.operator_id, out, err);
    case VG_RID_PACK:
    default:
        return vg_err(err, VG_EINVAL, "message: cannot encode message type %u as one message",
                      (unsigned)m->type);
    }
}

int vg_rid_encode_pack(const vg_rid_pack *p, uint8_t *out, size_t cap, size_t *len,
                       vg_error *err)
{
    if (p->count == 0 || p->count > VG_RID_PACK_MAX)
        return vg_err(err, VG_EINVAL, "pack: %u messages, expected 1..9", (unsigned)p->count);
    if (p->version >= VG_RID_VERSION_PRIVATE)
        return vg_err(err, VG_EINVAL, "pack: protocol version %u cannot be encoded (0..14)",
                      (unsigned)p->version);
    size_t need = VG_RID_PACK_HEADER + (size_t)p->count * VG_RID_MSG_LEN;
    if (cap < need)
        return vg_err(err, VG_ETOOBIG, "pack: %zu bytes needed, buffer holds %zu", need, cap);
    out[0] = (uint8_t)(VG_RID_PACK << 4 | p->version);
    out[1] = VG_RID_MSG_LEN;
    out[2] = p->count;
    for (unsigned i = 0; i < p->count; i++) {
        int rc = vg_rid_encode_message(&p->msgs[i], out + VG_RID_PACK_HEADER + i * VG_RID_MSG_LEN,
                                       err);
        if (rc < 0) {
            if (err) {
                size_t l = strlen(err->msg);
                if (l < sizeof err->msg - 1)
                    snprintf(err->msg + l, sizeof err->msg - l, " (pack message %u of %u)",
                             i + 1, (unsigned)p->count);
            }
            return rc;
        }
    }
    if (len)
        *len = need;
    return 0;
}

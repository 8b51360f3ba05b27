/* sensors/rid_util.c — small Remote ID helpers: transport names, display text of
 * ID fields, the meaning of accuracy codes, and message equality for round-trip
 * checks. Kept apart from the codecs so that those read as pure byte layouts. */
#include "vigie/rid.h"

#include <string.h>

const char *vg_rid_transport_name(vg_rid_transport t)
{
    switch (t) {
    case VG_RID_TR_WIFI_BEACON: return "wifi-beacon";
    case VG_RID_TR_WIFI_NAN: return "wifi-nan";
    case VG_RID_TR_BLE4: return "ble4";
    case VG_RID_TR_BLE5: return "ble5";
    case VG_RID_TR_FR_BEACON: return "fr-beacon";
    case VG_RID_TR_COUNT: break;
    }
    return "invalid";
}

/* IDs arrive as fixed-size, NUL-padded fields; some are binary (UUIDs, session
 * IDs) and any may be garbage from a hostile transmitter. Text goes out only when
 * it is plainly printable, so that what reaches JSON and a screen is always
 * valid, unambiguous ASCII; everything else is shown as hex. */
size_t vg_rid_text(const uint8_t *raw, size_t n, bool binary, char *out, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    if (cap == 0)
        return 0;
    size_t end = n;
    while (end > 0 && raw[end - 1] == 0)
        end--;
    bool text = !binary;
    for (size_t i = 0; text && i < end; i++)
        text = raw[i] >= 0x20 && raw[i] <= 0x7e;
    size_t len = 0;
    if (text) {
        for (size_t i = 0; i < end && len + 1 < cap; i++)
            out[len++] = (char)raw[i];
    } else {
        for (size_t i = 0; i < end && len + 2 < cap; i++) {
            out[len++] = hex[raw[i] >> 4];
            out[len++] = hex[raw[i] & 0x0f];
        }
    }
    out[len] = '\0';
    return len;
}

/* F3411 accuracy tables: the bound below which the true value lies with 95 %
 * probability. Codes 0 (unknown) and the reserved ones give 0. */
double vg_rid_h_accuracy_m(uint8_t code)
{
    static const double m[13] = {0, 18520, 7408, 3704, 1852, 926, 555.6, 185.2, 92.6,
                                 30, 10, 3, 1};
    return code < 13 ? m[code] : 0.0;
}

double vg_rid_v_accuracy_m(uint8_t code)
{
    static const double m[7] = {0, 150, 45, 25, 10, 3, 1};
    return code < 7 ? m[code] : 0.0;
}

double vg_rid_speed_accuracy_mps(uint8_t code)
{
    static const double m[5] = {0, 10, 3, 1, 0.3};
    return code < 5 ? m[code] : 0.0;
}

double vg_rid_time_accuracy_s(uint8_t code)
{
    return code <= 15 ? code * 0.1 : 0.0;
}

/* ---- Equality ------------------------------------------------------------------ */

#define EQ(f) (a->f == b->f)

static bool loc_equal(const vg_rid_location *a, const vg_rid_location *b)
{
    return EQ(version) && EQ(status) && EQ(height_type) && EQ(has_direction) &&
           EQ(direction_deg) && EQ(has_speed) && EQ(speed_mps) && EQ(has_vspeed) &&
           EQ(vspeed_mps) && EQ(has_position) && EQ(lat) && EQ(lon) &&
           EQ(has_pressure_alt) && EQ(pressure_alt_m) && EQ(has_geodetic_alt) &&
           EQ(geodetic_alt_m) && EQ(has_height) && EQ(height_m) && EQ(h_accuracy) &&
           EQ(v_accuracy) && EQ(baro_accuracy) && EQ(speed_accuracy) &&
           EQ(time_accuracy) && EQ(has_time) && EQ(time_ds);
}

static bool sys_equal(const vg_rid_system *a, const vg_rid_system *b)
{
    return EQ(version) && EQ(operator_location_type) && EQ(classification_type) &&
           EQ(has_operator_position) && EQ(operator_lat) && EQ(operator_lon) &&
           EQ(area_count) && EQ(area_radius_m) && EQ(has_area_ceiling) &&
           EQ(area_ceiling_m) && EQ(has_area_floor) && EQ(area_floor_m) &&
           EQ(category_eu) && EQ(class_eu) && EQ(has_operator_alt) &&
           EQ(operator_alt_m) && EQ(has_timestamp) && EQ(timestamp);
}

static bool auth_equal(const vg_rid_auth *a, const vg_rid_auth *b)
{
    return EQ(version) && EQ(auth_type) && EQ(page) && EQ(last_page) && EQ(length) &&
           EQ(has_timestamp) && EQ(timestamp) && EQ(data_len) &&
           a->data_len <= VG_RID_TEXT_LEN && memcmp(a->data, b->data, a->data_len) == 0;
}

bool vg_rid_message_equal(const vg_rid_message *ma, const vg_rid_message *mb)
{
    if (ma->type != mb->type)
        return false;
    switch (ma->type) {
    case VG_RID_BASIC_ID: {
        const vg_rid_basic_id *a = &ma->u.basic_id, *b = &mb->u.basic_id;
        return EQ(version) && EQ(id_type) && EQ(ua_type) &&
               memcmp(a->uas_id, b->uas_id, VG_RID_ID_LEN) == 0;
    }
    case VG_RID_LOCATION: return loc_equal(&ma->u.location, &mb->u.location);
    case VG_RID_AUTH: return auth_equal(&ma->u.auth, &mb->u.auth);
    case VG_RID_SELF_ID: {
        const vg_rid_self_id *a = &ma->u.self_id, *b = &mb->u.self_id;
        return EQ(version) && EQ(desc_type) && memcmp(a->desc, b->desc, VG_RID_TEXT_LEN) == 0;
    }
    case VG_RID_SYSTEM: return sys_equal(&ma->u.system, &mb->u.system);
    case VG_RID_OPERATOR_ID: {
        const vg_rid_operator_id *a = &ma->u.operator_id, *b = &mb->u.operator_id;
        return EQ(version) && EQ(id_type) && memcmp(a->id, b->id, VG_RID_ID_LEN) == 0;
    }
    case VG_RID_PACK: break;
    }
    return false;
}

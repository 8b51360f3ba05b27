/* cli/decode_json.c — `vigie decode`: the JSON object written for each decoded
 * message, one writer per message type.
 *
 * The keys are a documented contract (docs/formats.md, "`vigie decode` output"), so
 * every line of one msg type has the same keys in the same order: a value the
 * message marks unknown (has_* false, or a field its page or version does not
 * carry) is written as null, never omitted. Numbers are the shortest exact form,
 * times RFC 3339, enumerations their raw wire values. */
#include "cli/decode_json.h"

#include <stdio.h>

static const char *const msg_names[VG_DECODE_MSG_COUNT] = {
    "basic_id", "location", "auth", "self_id", "system", "operator_id", "fr",
};

const char *vg_decode_msg_name(int slot)
{
    return slot >= 0 && slot < VG_DECODE_MSG_COUNT ? msg_names[slot] : "invalid";
}

/* ---- Field writers: each appends `,"key":value` ---------------------------------- */

static void key(vg_strbuf *sb, const char *k)
{
    vg_strbuf_putc(sb, ',');
    vg_strbuf_put_json_string(sb, k);
    vg_strbuf_putc(sb, ':');
}

static void put_uint(vg_strbuf *sb, const char *k, uint64_t v)
{
    key(sb, k);
    vg_strbuf_put_u64(sb, v);
}

static void put_num(vg_strbuf *sb, const char *k, bool has, double v)
{
    key(sb, k);
    if (has)
        vg_strbuf_put_double(sb, v);
    else
        vg_strbuf_puts(sb, "null");
}

static void put_time(vg_strbuf *sb, const char *k, bool has, vg_time t)
{
    char text[VG_TIME_TEXT_MAX];
    key(sb, k);
    if (has && vg_time_format_rfc3339(t, text, sizeof text) > 0)
        vg_strbuf_put_json_string(sb, text);
    else
        vg_strbuf_puts(sb, "null");
}

static void put_str(vg_strbuf *sb, const char *k, const char *s)
{
    key(sb, k);
    if (s)
        vg_strbuf_put_json_string(sb, s);
    else
        vg_strbuf_puts(sb, "null");
}

/* An ID or text field as vg_rid_text renders it: printable ASCII as text, anything
 * else (and binary IDs) as lowercase hex, so the JSON string is always valid. */
static void put_rid_text(vg_strbuf *sb, const char *k, const uint8_t *raw, size_t n,
                         bool binary)
{
    char text[2 * VG_RID_TEXT_LEN + 1];
    vg_rid_text(raw, n, binary, text, sizeof text);
    put_str(sb, k, text);
}

static void put_hex(vg_strbuf *sb, const char *k, const uint8_t *b, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    key(sb, k);
    vg_strbuf_putc(sb, '"');
    for (size_t i = 0; i < n; i++) {
        char pair[2] = {hex[b[i] >> 4], hex[b[i] & 15]};
        vg_strbuf_put(sb, pair, 2);
    }
    vg_strbuf_putc(sb, '"');
}

/* time, transport, mac, counter, msg, version: the keys every line starts with. */
static void put_common(vg_strbuf *sb, const vg_ridasm_rx *rx, int slot, unsigned version)
{
    char text[VG_TIME_TEXT_MAX];
    vg_strbuf_puts(sb, "{\"time\":");
    if (vg_time_format_rfc3339(rx->time, text, sizeof text) > 0)
        vg_strbuf_put_json_string(sb, text);
    else
        vg_strbuf_puts(sb, "null"); /* a capture time outside years 1..9999 */
    put_str(sb, "transport", vg_rid_transport_name(rx->transport));
    char mac[18];
    snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", rx->addr[0], rx->addr[1],
             rx->addr[2], rx->addr[3], rx->addr[4], rx->addr[5]);
    put_str(sb, "mac", mac);
    put_num(sb, "counter", rx->has_counter, rx->counter);
    put_str(sb, "msg", vg_decode_msg_name(slot));
    put_uint(sb, "version", version);
}

/* ---- One writer per message type -------------------------------------------------- */

static void put_basic_id(vg_strbuf *sb, const vg_rid_basic_id *b)
{
    put_uint(sb, "id_type", b->id_type);
    put_uint(sb, "ua_type", b->ua_type);
    /* UTM UUIDs and session IDs are binary (as ridasm renders them): always hex. */
    bool binary = b->id_type == VG_RID_IDT_UTM_UUID || b->id_type == VG_RID_IDT_SESSION;
    put_rid_text(sb, "uas_id", b->uas_id, VG_RID_ID_LEN, binary);
}

static void put_location(vg_strbuf *sb, const vg_rid_location *l)
{
    put_uint(sb, "status", l->status);
    put_num(sb, "direction_deg", l->has_direction, l->direction_deg);
    put_num(sb, "speed_h_mps", l->has_speed, l->speed_mps);
    put_num(sb, "speed_v_mps", l->has_vspeed, l->vspeed_mps);
    put_num(sb, "lat", l->has_position, l->lat);
    put_num(sb, "lon", l->has_position, l->lon);
    put_num(sb, "alt_baro_m", l->has_pressure_alt, l->pressure_alt_m);
    put_num(sb, "alt_geo_m", l->has_geodetic_alt, l->geodetic_alt_m);
    put_num(sb, "height_m", l->has_height, l->height_m);
    put_uint(sb, "height_type", l->height_type);
    put_uint(sb, "h_accuracy", l->h_accuracy);
    put_uint(sb, "v_accuracy", l->v_accuracy);
    put_uint(sb, "baro_accuracy", l->baro_accuracy);
    put_uint(sb, "speed_accuracy", l->speed_accuracy);
    /* Tenths of a second past the UTC hour, as seconds: 18000 → 1800. */
    put_num(sb, "timestamp_s", l->has_time, (double)l->time_ds / 10.0);
    put_uint(sb, "ts_accuracy", l->time_accuracy);
}

static void put_auth(vg_strbuf *sb, const vg_rid_auth *a)
{
    /* Page 0 alone carries the last page index, the length and the timestamp. */
    bool page0 = a->page == 0;
    put_uint(sb, "auth_type", a->auth_type);
    put_uint(sb, "page", a->page);
    put_num(sb, "last_page_index", page0, a->last_page);
    put_num(sb, "length", page0, a->length);
    put_time(sb, "timestamp", page0 && a->has_timestamp, a->timestamp);
    put_hex(sb, "data_hex", a->data, a->data_len <= VG_RID_TEXT_LEN ? a->data_len : 0);
}

static void put_self_id(vg_strbuf *sb, const vg_rid_self_id *s)
{
    put_uint(sb, "desc_type", s->desc_type);
    put_rid_text(sb, "desc", s->desc, VG_RID_TEXT_LEN, false);
}

static void put_system(vg_strbuf *sb, const vg_rid_system *s)
{
    put_uint(sb, "operator_location_type", s->operator_location_type);
    put_uint(sb, "classification_type", s->classification_type);
    put_num(sb, "operator_lat", s->has_operator_position, s->operator_lat);
    put_num(sb, "operator_lon", s->has_operator_position, s->operator_lon);
    put_uint(sb, "area_count", s->area_count);
    put_uint(sb, "area_radius_m", s->area_radius_m);
    put_num(sb, "area_ceiling_m", s->has_area_ceiling, s->area_ceiling_m);
    put_num(sb, "area_floor_m", s->has_area_floor, s->area_floor_m);
    put_uint(sb, "category_eu", s->category_eu);
    put_uint(sb, "class_eu", s->class_eu);
    put_num(sb, "operator_alt_geo_m", s->has_operator_alt, s->operator_alt_m);
    put_time(sb, "timestamp", s->has_timestamp, s->timestamp);
}

static void put_operator_id(vg_strbuf *sb, const vg_rid_operator_id *o)
{
    put_uint(sb, "operator_id_type", o->id_type);
    put_rid_text(sb, "operator_id", o->id, VG_RID_ID_LEN, false);
}

void vg_decode_json_message(vg_strbuf *sb, const vg_ridasm_rx *rx, const vg_rid_message *m)
{
    switch (m->type) {
    case VG_RID_BASIC_ID:
        put_common(sb, rx, VG_RID_BASIC_ID, m->u.basic_id.version);
        put_basic_id(sb, &m->u.basic_id);
        break;
    case VG_RID_LOCATION:
        put_common(sb, rx, VG_RID_LOCATION, m->u.location.version);
        put_location(sb, &m->u.location);
        break;
    case VG_RID_AUTH:
        put_common(sb, rx, VG_RID_AUTH, m->u.auth.version);
        put_auth(sb, &m->u.auth);
        break;
    case VG_RID_SELF_ID:
        put_common(sb, rx, VG_RID_SELF_ID, m->u.self_id.version);
        put_self_id(sb, &m->u.self_id);
        break;
    case VG_RID_SYSTEM:
        put_common(sb, rx, VG_RID_SYSTEM, m->u.system.version);
        put_system(sb, &m->u.system);
        break;
    case VG_RID_OPERATOR_ID:
        put_common(sb, rx, VG_RID_OPERATOR_ID, m->u.operator_id.version);
        put_operator_id(sb, &m->u.operator_id);
        break;
    default:
        /* The decoders never produce another type (a pack is split by the caller). */
        vg_strbuf_puts(sb, "{\"msg\":\"invalid\"");
        break;
    }
    vg_strbuf_putc(sb, '}');
}

void vg_decode_json_frb(vg_strbuf *sb, const vg_ridasm_rx *rx, const vg_frb *f)
{
#define HAS(t) ((f->present & VG_FRB_HAS(t)) != 0)
    put_common(sb, rx, VG_DECODE_MSG_FR, f->version);
    put_str(sb, "fr_id", HAS(VG_FRB_T_FR_ID) ? f->fr_id : NULL);
    put_str(sb, "ansi_id", HAS(VG_FRB_T_ANSI_ID) ? f->ansi_id : NULL);
    put_num(sb, "lat", HAS(VG_FRB_T_LAT), f->lat);
    put_num(sb, "lon", HAS(VG_FRB_T_LON), f->lon);
    put_num(sb, "alt_msl_m", HAS(VG_FRB_T_ALT), f->alt_msl_m);
    put_num(sb, "height_m", HAS(VG_FRB_T_HEIGHT), f->height_m);
    put_num(sb, "takeoff_lat", HAS(VG_FRB_T_TAKEOFF_LAT), f->takeoff_lat);
    put_num(sb, "takeoff_lon", HAS(VG_FRB_T_TAKEOFF_LON), f->takeoff_lon);
    put_num(sb, "speed_mps", HAS(VG_FRB_T_SPEED), f->speed_mps);
    put_num(sb, "course_deg", HAS(VG_FRB_T_COURSE), f->course_deg);
#undef HAS
    vg_strbuf_putc(sb, '}');
}

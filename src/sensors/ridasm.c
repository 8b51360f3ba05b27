/* sensors/ridasm.c — per-transmitter assembly of Remote ID parts into detections.
 *
 * Each message updates its transmitter's record (ridasm_table.c finds or makes it:
 * one hash lookup, no allocation); a Location or French beacon is checked for
 * integrity and turned into a detection. vigie/ridasm.h states what a detection
 * holds and what each integrity signal means; the checks below say how. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sensors/ridasm_int.h"
#include "vigie/strbuf.h"

/* 95 % bounds → 1-sigma: sqrt(−2 ln 0.05) for a 2-D radius, the normal quantile
 * 1.96 for a 1-D error. */
#define RADIUS95_PER_SIGMA 2.4477468306808166
#define NORMAL95_PER_SIGMA 1.9599639845400536
/* Unknown QNH: the sea-level pressure over France spreads about 8 hPa around the
 * standard 1013.25 hPa, and 1 hPa ≈ 8.2 m near the ground. */
#define QNH_SIGMA_M 65.0
/* Height above take-off or ground taken for an altitude: off by the unknown ground
 * elevation. Nothing at all: the altitude is only a placeholder. */
#define HEIGHT_AS_ALT_SIGMA_M 300.0
#define NO_ALT_SIGMA_M 1000.0

/* ---- Configuration and lifetime ------------------------------------------------- */

void vg_ridasm_config_default(vg_ridasm_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->capacity = 4096;
    cfg->expiry = 10 * VG_TIME_S;
    cfg->max_speed_mps = 100.0;
    cfg->jump_slack_m = 20.0;
    cfg->duplicate_distance_m = 1000.0;
    cfg->duplicate_window = 5 * VG_TIME_S;
    cfg->timestamp_tolerance = 3 * VG_TIME_S;
    cfg->frb_sigma_h = 10.0;
    cfg->frb_sigma_v = 15.0;
}

int vg_ridasm_new(const vg_ridasm_config *cfg, vg_ridasm **out, vg_error *err)
{
    *out = NULL;
    const char *nul = memchr(cfg->sensor, '\0', sizeof cfg->sensor);
    if (!nul || nul == cfg->sensor)
        return vg_err(err, VG_EINVAL, "ridasm: sensor id must be 1 to %d bytes", VG_ID_MAX - 1);
    if (cfg->capacity == 0 || cfg->capacity > CAPACITY_MAX)
        return vg_err(err, VG_EINVAL, "ridasm: capacity %zu out of 1..%zu", cfg->capacity,
                      CAPACITY_MAX);
    if (!(cfg->expiry > 0 && cfg->max_speed_mps > 0 && cfg->jump_slack_m >= 0 &&
          cfg->duplicate_distance_m > 0 && cfg->duplicate_window >= 0 &&
          cfg->timestamp_tolerance >= 0 && cfg->frb_sigma_h > 0 && cfg->frb_sigma_h <= 1e5 &&
          cfg->frb_sigma_v > 0 && cfg->frb_sigma_v <= 1e5))
        return vg_err(err, VG_EINVAL, "ridasm: thresholds and sigmas must be positive");
    size_t slots = 2;
    while (slots < 2 * cfg->capacity)
        slots *= 2;
    vg_ridasm *a = calloc(1, sizeof *a);
    if (a) {
        a->tx = calloc(cfg->capacity, sizeof *a->tx);
        a->by_addr = malloc(slots * sizeof *a->by_addr);
        a->by_id = malloc(slots * sizeof *a->by_id);
    }
    if (!a || !a->tx || !a->by_addr || !a->by_id) {
        vg_ridasm_free(a);
        return vg_err(err, VG_ENOMEM, "ridasm: out of memory for %zu transmitters",
                      cfg->capacity);
    }
    a->cfg = *cfg;
    a->mask = (uint32_t)(slots - 1);
    for (size_t s = 0; s < slots; s++)
        a->by_addr[s] = a->by_id[s] = NO_SLOT;
    for (size_t i = 0; i < cfg->capacity; i++)
        a->tx[i].next = i + 1 < cfg->capacity ? (int32_t)(i + 1) : NO_SLOT;
    a->free_head = 0;
    a->head = a->tail = NO_SLOT;
    *out = a;
    return 0;
}

void vg_ridasm_free(vg_ridasm *a)
{
    if (!a)
        return;
    free(a->tx);
    free(a->by_addr);
    free(a->by_id);
    free(a);
}

void vg_ridasm_get_stats(const vg_ridasm *a, vg_ridasm_stats *st)
{
    *st = a->stats;
}

/* ---- Parts and checks ------------------------------------------------------------- */

static bool fresh(const vg_ridasm *a, bool has, vg_time part_time, vg_time now)
{
    return has && now - part_time <= a->cfg.expiry;
}

/* COUNTER_BACKWARDS: a counter that went back by 1..127 (mod 256) within the same
 * stream. Repeats (a frame heard twice) and jumps forward are normal; after a
 * silence longer than expiry anything goes. */
static void check_counter(const vg_ridasm *a, tx *t, int slot, const vg_ridasm_rx *rx)
{
    if (!rx->has_counter)
        return;
    if (t->has_counter[slot] && rx->time - t->counter_time[slot] <= a->cfg.expiry) {
        uint8_t ahead = (uint8_t)(rx->counter - t->counter[slot]);
        if (ahead > 128)
            t->pending |= VG_INTEG_COUNTER_BACKWARDS;
    }
    t->has_counter[slot] = true;
    t->counter[slot] = rx->counter;
    t->counter_time[slot] = rx->time;
}

static double distance(vg_vec3 p, vg_vec3 q)
{
    double dx = p.x - q.x, dy = p.y - q.y, dz = p.z - q.z;
    return sqrt(dx * dx + dy * dy + dz * dz);
}

/* IMPOSSIBLE_SPEED and TELEPORT, from this fix and the transmitter's previous one
 * (horizontal positions: both on the ellipsoid, so that a change of altitude
 * source cannot fake a jump). The new fix replaces the old one either way. */
static uint32_t check_kinematics(const vg_ridasm *a, tx *t, vg_time now, vg_vec3 p)
{
    uint32_t f = 0;
    if (t->has_fix) {
        double d = distance(p, t->fix_ecef);
        double dt = (double)(now - t->fix_time) / (double)VG_TIME_S;
        if (dt <= 0) {
            if (d > a->cfg.jump_slack_m)
                f |= VG_INTEG_TELEPORT;
        } else if (d > a->cfg.max_speed_mps * dt + a->cfg.jump_slack_m) {
            f |= VG_INTEG_IMPOSSIBLE_SPEED;
        }
    }
    t->has_fix = true;
    t->fix_time = now;
    t->fix_ecef = p;
    return f;
}

/* TIMESTAMP_MISMATCH: the Location time is tenths of a second past the UTC hour;
 * compare it with the reception time's place in the hour, modulo the hour. */
static uint32_t check_timestamp(const vg_ridasm *a, vg_time now, uint16_t time_ds,
                                uint8_t accuracy)
{
    const int64_t hour = 36000; /* tenths */
    int64_t rx = now / 100000 % hour;
    if (rx < 0)
        rx += hour;
    int64_t diff = ((int64_t)time_ds - rx) % hour;
    if (diff >= hour / 2)
        diff -= hour;
    else if (diff < -hour / 2)
        diff += hour;
    double tol = (double)a->cfg.timestamp_tolerance / (double)VG_TIME_S +
                 vg_rid_time_accuracy_s(accuracy);
    return fabs((double)diff / 10.0) > tol ? VG_INTEG_TIMESTAMP_MISMATCH : 0;
}

/* Files transmitter i under `id` in the identity index, then DUPLICATE_ID: another
 * transmitter with the same identity, heard within the window, too far away. */
static uint32_t check_duplicate(vg_ridasm *a, int32_t i, const vg_identity *id, vg_time now,
                                vg_vec3 p)
{
    tx *t = &a->tx[i];
    uint32_t h = vg_ridasm_hash_identity(id);
    if (!t->indexed || t->id_hash != h || !vg_ridasm_identity_equal(&t->identity, id)) {
        if (t->indexed)
            vg_ridasm_index_remove(a, a->by_id, i);
        t->identity = *id;
        t->id_hash = h;
        t->indexed = true;
        vg_ridasm_index_insert(a, a->by_id, h, i);
    }
    uint32_t f = 0;
    for (uint32_t s = h & a->mask; a->by_id[s] != NO_SLOT; s = (s + 1) & a->mask) {
        const tx *o = &a->tx[a->by_id[s]];
        if (a->by_id[s] == i || o->id_hash != h || !o->has_fix ||
            !vg_ridasm_identity_equal(&o->identity, id))
            continue;
        vg_time dt = now - o->fix_time;
        if ((dt < 0 ? -dt : dt) <= a->cfg.duplicate_window &&
            distance(p, o->fix_ecef) > a->cfg.duplicate_distance_m)
            f |= VG_INTEG_DUPLICATE_ID;
    }
    return f;
}

/* A fix from a transmitter whose identity is not (yet, or any longer) known: no
 * detection, but its integrity flags wait for the next identified fix. */
static int hold_unidentified(vg_ridasm *a, tx *t, uint32_t flags)
{
    t->pending |= flags;
    a->stats.unidentified++;
    return 0;
}

/* The integrity flags of an identified fix: its own, those held since the last
 * detection, and the duplicate-identity check. */
static uint32_t settle_flags(vg_ridasm *a, int32_t i, const vg_identity *id, vg_time now,
                             vg_vec3 p, uint32_t flags)
{
    tx *t = &a->tx[i];
    flags |= t->pending | check_duplicate(a, i, id, now, p);
    t->pending = 0;
    return flags;
}

/* ---- Building the detection ------------------------------------------------------ */

static const char *const id_type_names[5] = {"none", "serial", "caa", "utm_uuid", "session"};
static const char *const ua_type_names[16] = {
    "none", "aeroplane", "multirotor", "gyroplane", "hybrid_lift", "ornithopter", "glider",
    "kite", "free_balloon", "captive_balloon", "airship", "parachute", "rocket", "tethered",
    "ground_obstacle", "other"};
static const char *const status_names[5] = {"undeclared", "ground", "airborne", "emergency",
                                            "system_failure"};
static const char *const category_names[4] = {NULL, "open", "specific", "certified"};

/* sin and cos of an angle in degrees, exact on the axes (so that a drone flying due
 * east has a north velocity of 0, not 6e-16). */
static void sincos_deg(double deg, double *s, double *c)
{
    if (deg == 0) {
        *s = 0, *c = 1;
    } else if (deg == 90) {
        *s = 1, *c = 0;
    } else if (deg == 180) {
        *s = 0, *c = -1;
    } else if (deg == 270) {
        *s = -1, *c = 0;
    } else {
        *s = sin(deg * (VG_PI / 180.0));
        *c = cos(deg * (VG_PI / 180.0));
    }
}

/* attrs: a compact JSON object written key by key, in a fixed order. */
typedef struct attrs {
    vg_strbuf sb;
    bool open;
} attrs;

static void at_key(attrs *w, const char *k)
{
    vg_strbuf_putc(&w->sb, w->open ? ',' : '{');
    w->open = true;
    vg_strbuf_put_json_string(&w->sb, k);
    vg_strbuf_putc(&w->sb, ':');
}

static void at_str(attrs *w, const char *k, const char *v)
{
    at_key(w, k);
    vg_strbuf_put_json_string(&w->sb, v);
}

static void at_int(attrs *w, const char *k, int64_t v)
{
    at_key(w, k);
    vg_strbuf_put_i64(&w->sb, v);
}

/* transport, mac and counter: the keys every detection starts with. */
static void at_begin(attrs *w, char *dst, const vg_ridasm_rx *rx)
{
    vg_strbuf_init(&w->sb, dst, VG_JSON_MAX);
    w->open = false;
    at_str(w, "transport", vg_rid_transport_name(rx->transport));
    char mac[18];
    snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", rx->addr[0], rx->addr[1],
             rx->addr[2], rx->addr[3], rx->addr[4], rx->addr[5]);
    at_str(w, "mac", mac);
    if (rx->has_counter)
        at_int(w, "counter", rx->counter);
}

static void at_end(attrs *w)
{
    vg_strbuf_putc(&w->sb, '}');
    if (w->sb.overflow) /* cannot happen with these keys: ~500 bytes at most */
        w->sb.buf[0] = '\0';
}

static void detection_init(const vg_ridasm *a, const vg_ridasm_rx *rx, vg_event *out)
{
    vg_event_init(out, VG_EV_DETECTION, rx->time);
    vg_detection *d = &out->u.detection;
    memcpy(d->sensor, a->cfg.sensor, sizeof d->sensor);
    d->meas.kind = VG_MEAS_GEODETIC;
}

static void set_velocity(vg_detection *d, double speed, double dir_deg, double up)
{
    double s, c;
    sincos_deg(dir_deg, &s, &c);
    d->has_velocity = true;
    d->velocity.x = speed * s;
    d->velocity.y = speed * c;
    d->velocity.z = up;
}

/* The Remote ID identity of transmitter t now: the serial number if fresh, else
 * the other ID. */
static const id_part *rid_identity(const vg_ridasm *a, const tx *t, vg_time now,
                                   vg_identity *id)
{
    for (int k = 0; k < ID_SLOTS; k++) {
        const id_part *p = &t->basic[k];
        if (fresh(a, p->has, p->time, now)) {
            id->source = VG_IDSRC_REMOTEID;
            memcpy(id->id, p->text, sizeof p->text);
            return p;
        }
    }
    return NULL;
}

static int on_location(vg_ridasm *a, int32_t i, const vg_ridasm_rx *rx,
                       const vg_rid_location *l, vg_event *out)
{
    tx *t = &a->tx[i];
    if (!l->has_position)
        return 0;
    vg_vec3 p = vg_geo_to_ecef((vg_geo){l->lat, l->lon, 0.0});
    uint32_t flags = check_kinematics(a, t, rx->time, p);
    if (l->has_time)
        flags |= check_timestamp(a, rx->time, l->time_ds, l->time_accuracy);
    vg_identity id;
    memset(&id, 0, sizeof id);
    const id_part *who = rid_identity(a, t, rx->time, &id);
    if (!who)
        return hold_unidentified(a, t, flags);
    flags = settle_flags(a, i, &id, rx->time, p, flags);

    detection_init(a, rx, out);
    vg_detection *d = &out->u.detection;
    d->meas.u.geodetic.pos.lat = l->lat;
    d->meas.u.geodetic.pos.lon = l->lon;
    double hb = vg_rid_h_accuracy_m(l->h_accuracy);
    d->meas.u.geodetic.sigma_h = (hb > 0 ? hb : 18520.0) / RADIUS95_PER_SIGMA;
    const char *alt_source;
    if (l->has_geodetic_alt) {
        double vb = vg_rid_v_accuracy_m(l->v_accuracy);
        d->meas.u.geodetic.pos.alt = l->geodetic_alt_m;
        d->meas.u.geodetic.alt_ref = VG_ALT_WGS84;
        d->meas.u.geodetic.sigma_v = (vb > 0 ? vb : 150.0) / NORMAL95_PER_SIGMA;
        alt_source = "geodetic";
    } else if (l->has_pressure_alt) {
        double bb = vg_rid_v_accuracy_m(l->baro_accuracy);
        double sb = (bb > 0 ? bb : 150.0) / NORMAL95_PER_SIGMA;
        d->meas.u.geodetic.pos.alt = l->pressure_alt_m;
        d->meas.u.geodetic.alt_ref = VG_ALT_AMSL;
        d->meas.u.geodetic.sigma_v = sqrt(sb * sb + QNH_SIGMA_M * QNH_SIGMA_M);
        alt_source = "pressure";
    } else if (l->has_height) {
        d->meas.u.geodetic.pos.alt = l->height_m;
        d->meas.u.geodetic.alt_ref = VG_ALT_AMSL;
        d->meas.u.geodetic.sigma_v = HEIGHT_AS_ALT_SIGMA_M;
        alt_source = "height";
    } else {
        d->meas.u.geodetic.pos.alt = 0.0;
        d->meas.u.geodetic.alt_ref = VG_ALT_AMSL;
        d->meas.u.geodetic.sigma_v = NO_ALT_SIGMA_M;
        alt_source = "none";
    }
    if (l->has_speed && (l->has_direction || l->speed_mps == 0))
        set_velocity(d, l->speed_mps, l->direction_deg, l->has_vspeed ? l->vspeed_mps : 0.0);
    d->identity = id;
    const vg_rid_system *sys =
        fresh(a, t->has_system, t->system_time, rx->time) ? &t->system : NULL;
    if (sys && sys->has_operator_position) {
        d->has_operator = true;
        d->operator_pos.lat = sys->operator_lat;
        d->operator_pos.lon = sys->operator_lon;
        if (sys->has_operator_alt) {
            d->operator_has_alt = true;
            d->operator_pos.alt = sys->operator_alt_m;
            d->operator_alt_ref = VG_ALT_WGS84;
        }
    }
    d->integrity = flags;

    attrs w;
    at_begin(&w, d->attrs, rx);
    at_str(&w, "id_type", who->id_type < 5 ? id_type_names[who->id_type] : "reserved");
    at_str(&w, "ua_type", ua_type_names[who->ua_type & 15]);
    at_str(&w, "status", l->status < 5 ? status_names[l->status] : "reserved");
    if (fresh(a, t->has_operator, t->operator_time, rx->time))
        at_str(&w, "operator_id", t->operator_id);
    if (fresh(a, t->has_self, t->self_time, rx->time))
        at_str(&w, "self_id", t->self_id);
    if (sys && sys->classification_type == VG_RID_CLASSIF_EU) {
        if (sys->category_eu >= 1 && sys->category_eu <= 3)
            at_str(&w, "eu_category", category_names[sys->category_eu]);
        if (sys->class_eu >= 1 && sys->class_eu <= 7) {
            char cls[3] = {'C', (char)('0' + sys->class_eu - 1), '\0'};
            at_str(&w, "eu_class", cls);
        }
    }
    at_str(&w, "alt_source", alt_source);
    at_end(&w);
    a->stats.detections++;
    return 1;
}

/* Keep the parts of a non-Location message. Empty IDs and texts (all NUL) carry
 * nothing and are ignored; Authentication is not assembled. */
static void absorb(const vg_ridasm *a, tx *t, vg_time now, const vg_rid_message *m)
{
    (void)a;
    switch (m->type) {
    case VG_RID_BASIC_ID: {
        const vg_rid_basic_id *b = &m->u.basic_id;
        if (b->id_type == VG_RID_IDT_NONE)
            return;
        id_part *p = &t->basic[b->id_type == VG_RID_IDT_SERIAL ? ID_SERIAL : ID_OTHER];
        bool binary = b->id_type == VG_RID_IDT_UTM_UUID || b->id_type == VG_RID_IDT_SESSION;
        if (vg_rid_text(b->uas_id, VG_RID_ID_LEN, binary, p->text, sizeof p->text) == 0)
            return;
        p->has = true;
        p->time = now;
        p->id_type = b->id_type;
        p->ua_type = b->ua_type;
        return;
    }
    case VG_RID_SYSTEM:
        t->has_system = true;
        t->system_time = now;
        t->system = m->u.system;
        return;
    case VG_RID_OPERATOR_ID:
        if (vg_rid_text(m->u.operator_id.id, VG_RID_ID_LEN, false, t->operator_id,
                        sizeof t->operator_id) > 0) {
            t->has_operator = true;
            t->operator_time = now;
        }
        return;
    case VG_RID_SELF_ID:
        if (vg_rid_text(m->u.self_id.desc, VG_RID_TEXT_LEN, false, t->self_id,
                        sizeof t->self_id) > 0) {
            t->has_self = true;
            t->self_time = now;
        }
        return;
    case VG_RID_LOCATION:
    case VG_RID_AUTH:
    case VG_RID_PACK:
        return;
    }
}

/* ---- Entry points --------------------------------------------------------------- */

static int check_rx(const vg_ridasm_rx *rx, bool french, vg_error *err)
{
    if ((unsigned)rx->transport >= VG_RID_TR_COUNT)
        return vg_err(err, VG_EINVAL, "ridasm: transport %d unknown", (int)rx->transport);
    if (french != (rx->transport == VG_RID_TR_FR_BEACON))
        return vg_err(err, VG_EINVAL, "ridasm: transport %s does not carry %s",
                      vg_rid_transport_name(rx->transport),
                      french ? "French beacons" : "Remote ID messages");
    return 0;
}

int vg_ridasm_push(vg_ridasm *a, const vg_ridasm_rx *rx, const vg_rid_message *m,
                   vg_event *out, vg_error *err)
{
    int rc = check_rx(rx, false, err);
    if (rc < 0)
        return rc;
    if ((unsigned)m->type > VG_RID_OPERATOR_ID)
        return vg_err(err, VG_EINVAL, "ridasm: message type %u is not one message",
                      (unsigned)m->type);
    int32_t i = vg_ridasm_tx_get(a, rx);
    check_counter(a, &a->tx[i], (int)m->type, rx);
    if (m->type == VG_RID_LOCATION)
        return on_location(a, i, rx, &m->u.location, out);
    absorb(a, &a->tx[i], rx->time, m);
    return 0;
}

int vg_ridasm_push_pack(vg_ridasm *a, const vg_ridasm_rx *rx, const vg_rid_pack *p,
                        vg_event *out, size_t cap, vg_error *err)
{
    int rc = check_rx(rx, false, err);
    if (rc < 0)
        return rc;
    if (p->count > VG_RID_PACK_MAX)
        return vg_err(err, VG_EINVAL, "ridasm: pack of %u messages", (unsigned)p->count);
    for (unsigned k = 0; k < p->count; k++)
        if ((unsigned)p->msgs[k].type > VG_RID_OPERATOR_ID)
            return vg_err(err, VG_EINVAL, "ridasm: pack message %u has type %u", k + 1,
                          (unsigned)p->msgs[k].type);
    int32_t i = vg_ridasm_tx_get(a, rx);
    check_counter(a, &a->tx[i], CNT_PACK, rx);
    for (unsigned k = 0; k < p->count; k++)
        if (p->msgs[k].type != VG_RID_LOCATION)
            absorb(a, &a->tx[i], rx->time, &p->msgs[k]);
    size_t n = 0;
    for (unsigned k = 0; k < p->count; k++) {
        if (p->msgs[k].type != VG_RID_LOCATION)
            continue;
        if (n < cap) {
            n += (size_t)on_location(a, i, rx, &p->msgs[k].u.location, &out[n]);
        } else { /* no room for the detection, but the state still moves on */
            vg_event scratch;
            on_location(a, i, rx, &p->msgs[k].u.location, &scratch);
        }
    }
    return (int)n;
}

int vg_ridasm_push_frb(vg_ridasm *a, const vg_ridasm_rx *rx, const vg_frb *f, vg_event *out,
                       vg_error *err)
{
    int rc = check_rx(rx, true, err);
    if (rc < 0)
        return rc;
    int32_t i = vg_ridasm_tx_get(a, rx);
    tx *t = &a->tx[i];
    check_counter(a, t, CNT_PACK, rx);
    const uint32_t pos = VG_FRB_HAS(VG_FRB_T_LAT) | VG_FRB_HAS(VG_FRB_T_LON);
    if ((f->present & pos) != pos)
        return 0;
    vg_vec3 p = vg_geo_to_ecef((vg_geo){f->lat, f->lon, 0.0});
    uint32_t flags = check_kinematics(a, t, rx->time, p);
    vg_identity id = {.source = VG_IDSRC_FRBEACON};
    bool fr = f->present & VG_FRB_HAS(VG_FRB_T_FR_ID);
    if (fr)
        memcpy(id.id, f->fr_id, sizeof f->fr_id);
    else if (f->present & VG_FRB_HAS(VG_FRB_T_ANSI_ID))
        memcpy(id.id, f->ansi_id, sizeof f->ansi_id);
    else
        return hold_unidentified(a, t, flags);
    flags = settle_flags(a, i, &id, rx->time, p, flags);

    detection_init(a, rx, out);
    vg_detection *d = &out->u.detection;
    d->meas.u.geodetic.pos.lat = f->lat;
    d->meas.u.geodetic.pos.lon = f->lon;
    d->meas.u.geodetic.sigma_h = a->cfg.frb_sigma_h;
    d->meas.u.geodetic.alt_ref = VG_ALT_AMSL;
    const char *alt_source = "msl";
    if (f->present & VG_FRB_HAS(VG_FRB_T_ALT)) {
        d->meas.u.geodetic.pos.alt = f->alt_msl_m;
        d->meas.u.geodetic.sigma_v = a->cfg.frb_sigma_v;
    } else if (f->present & VG_FRB_HAS(VG_FRB_T_HEIGHT)) {
        d->meas.u.geodetic.pos.alt = f->height_m;
        d->meas.u.geodetic.sigma_v = HEIGHT_AS_ALT_SIGMA_M;
        alt_source = "height";
    } else {
        d->meas.u.geodetic.sigma_v = NO_ALT_SIGMA_M;
        alt_source = "none";
    }
    const uint32_t vel = VG_FRB_HAS(VG_FRB_T_SPEED) | VG_FRB_HAS(VG_FRB_T_COURSE);
    if ((f->present & vel) == vel)
        set_velocity(d, f->speed_mps, f->course_deg, 0.0);
    d->identity = id;
    const uint32_t to = VG_FRB_HAS(VG_FRB_T_TAKEOFF_LAT) | VG_FRB_HAS(VG_FRB_T_TAKEOFF_LON);
    if ((f->present & to) == to) {
        d->has_operator = true;
        d->operator_pos.lat = f->takeoff_lat;
        d->operator_pos.lon = f->takeoff_lon;
    }
    d->integrity = flags;

    attrs w;
    at_begin(&w, d->attrs, rx);
    at_str(&w, "id_type", fr ? "fr" : "ansi");
    if (fr && (f->present & VG_FRB_HAS(VG_FRB_T_ANSI_ID)))
        at_str(&w, "ansi_id", f->ansi_id);
    if (f->present & VG_FRB_HAS(VG_FRB_T_HEIGHT))
        at_int(&w, "height", f->height_m);
    at_str(&w, "alt_source", alt_source);
    at_end(&w);
    a->stats.detections++;
    return 1;
}

int vg_ridasm_push_payload(vg_ridasm *a, vg_time t, const vg_rid_payload *p, vg_event *out,
                           size_t cap, vg_error *err)
{
    if (cap < 1)
        return vg_err(err, VG_EINVAL, "ridasm: no room for a detection");
    vg_ridasm_rx rx = {.time = t, .transport = p->transport, .has_counter = p->has_counter,
                       .counter = p->counter};
    memcpy(rx.addr, p->addr, sizeof rx.addr);
    int rc;
    if (p->kind == VG_RIDP_FR_TLV) {
        vg_frb f;
        if ((rc = vg_frb_decode(p->data, p->len, &f, err)) < 0)
            return rc;
        return vg_ridasm_push_frb(a, &rx, &f, out, err);
    }
    if (p->kind == VG_RIDP_ASTM_PACK) {
        vg_rid_pack pack;
        if ((rc = vg_rid_decode_pack(p->data, p->len, &pack, NULL, err)) < 0)
            return rc;
        return vg_ridasm_push_pack(a, &rx, &pack, out, cap, err);
    }
    vg_rid_message m;
    if ((rc = vg_rid_decode_message(p->data, p->len, &m, err)) < 0)
        return rc;
    return vg_ridasm_push(a, &rx, &m, out, err);
}

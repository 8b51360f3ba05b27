/* sim/sim_rid.c — Remote ID and French beacon broadcasts as a receiver captures
 * them. A drone in range whose broadcast is not lost sends its messages (Basic ID,
 * Location, System with the pilot's position and its EU class) over its transport:
 * one message pack in a Wi-Fi beacon, a Wi-Fi NAN action frame or a Bluetooth 5
 * extended advertisement, one Bluetooth 4 advertisement per message, or a French
 * beacon. The frames go to the capture, and are parsed back, decoded and assembled
 * into the receiver's detections by the same code `vigie decode --detections` and
 * `vigie serve` use — so the simulator exercises the decoders end to end. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_int.h"
#include "vigie/frbeacon.h"
#include "vigie/rid.h"
#include "vigie/ridframe.h"

/* Per drone: a counter per ASTM message type (Bluetooth 4 counts each type apart)
 * and one for packs, the last. */
#define COUNTERS_PER_DRONE 8
#define PACK_COUNTER (COUNTERS_PER_DRONE - 1)

int sim_rid_init(sim_run *r, vg_error *err)
{
    r->assemblers = calloc((size_t)r->sc->nsensors + 1, sizeof *r->assemblers);
    r->counters = calloc(((size_t)r->sc->ntargets + 1) * COUNTERS_PER_DRONE, 1);
    if (!r->assemblers || !r->counters)
        return vg_err(err, VG_ENOMEM, "out of memory");
    for (int i = 0; i < r->sc->nsensors; i++) {
        if (r->sc->sensors[i].kind != VG_SENSOR_REMOTEID)
            continue;
        vg_ridasm_config cfg;
        vg_ridasm_config_default(&cfg);
        snprintf(cfg.sensor, sizeof cfg.sensor, "%s", r->sc->sensors[i].id);
        int rc = vg_ridasm_new(&cfg, &r->assemblers[i], err);
        if (rc)
            return rc;
    }
    return 0;
}

void sim_rid_free(sim_run *r)
{
    for (int i = 0; r->assemblers && i < r->sc->nsensors; i++)
        vg_ridasm_free(r->assemblers[i]);
    free(r->assemblers);
    free(r->counters);
}

/* A transmitter address per drone, stable and locally administered. */
static void drone_addr(int target, uint8_t addr[6])
{
    addr[0] = 0x62;
    addr[1] = 0x1d;
    addr[2] = (uint8_t)(target >> 24);
    addr[3] = (uint8_t)(target >> 16);
    addr[4] = (uint8_t)(target >> 8);
    addr[5] = (uint8_t)target;
}

static uint8_t *counter(sim_run *r, int ti, int slot)
{
    return &r->counters[(size_t)ti * COUNTERS_PER_DRONE + (size_t)slot];
}

static int astm_frames(sim_run *r, int ti, const vg_geo *p, const vg_vec3 *v, sim_broadcast *b,
                       vg_error *err)
{
    const vg_sim_target *tg = &r->sc->targets[ti];
    vg_rid_pack pack = {.version = 2, .count = 0};
    vg_rid_message *m = &pack.msgs[pack.count++];
    m->type = VG_RID_BASIC_ID;
    m->u.basic_id = (vg_rid_basic_id){.version = 2, .id_type = VG_RID_IDT_SERIAL, .ua_type = 2};
    memcpy(m->u.basic_id.uas_id, tg->remote_id, strlen(tg->remote_id));
    m = &pack.msgs[pack.count++];
    m->type = VG_RID_LOCATION;
    double speed = hypot(v->x, v->y);
    /* Tenths of a second since the hour, as the drone's GNSS clock says. */
    long long ds = (long long)((r->now / 100000) % 36000);
    m->u.location = (vg_rid_location){
        .version = 2, .status = VG_RID_STATUS_AIRBORNE, .height_type = VG_RID_HEIGHT_OVER_TAKEOFF,
        .has_direction = true, .direction_deg = fmod(atan2(v->x, v->y) * 180 / VG_PI + 360, 360),
        .has_speed = true, .speed_mps = fmin(speed, 254), .has_vspeed = true,
        .vspeed_mps = fmax(-62, fmin(62, v->z)), .has_position = true, .lat = p->lat, .lon = p->lon,
        .has_geodetic_alt = true, .geodetic_alt_m = p->alt, .h_accuracy = 10, .v_accuracy = 4,
        .speed_accuracy = 3, .time_accuracy = 2, .has_time = true, .time_ds = (uint16_t)ds};
    if (tg->has_pilot) {
        vg_geo pilot = sim_pilot_at(tg, &r->frame, r->t);
        /* EU classes C0–C4 fly in the open category, C5 and C6 in the specific one. */
        uint8_t cls = tg->eu_class ? tg->eu_class : 2;
        m = &pack.msgs[pack.count++];
        m->type = VG_RID_SYSTEM;
        m->u.system = (vg_rid_system){
            .version = 2, .operator_location_type = VG_RID_OPLOC_LIVE_GNSS,
            .classification_type = VG_RID_CLASSIF_EU, .has_operator_position = true,
            .operator_lat = pilot.lat, .operator_lon = pilot.lon, .area_count = 1,
            .category_eu = cls <= 5 ? 1 : 2, .class_eu = cls};
    }
    uint8_t addr[6];
    drone_addr(ti, addr);
    b->n = 0;
    b->linktype = VG_LINKTYPE_IEEE802_11_RADIOTAP;
    if (tg->rid_transport == VG_RID_TR_BLE4) {
        /* Legacy advertising carries one message; each type has its own counter. The
         * Location goes last, so that the detection it makes carries this second's
         * pilot position rather than the last broadcast's. */
        b->linktype = VG_LINKTYPE_BLUETOOTH_LE_LL_PHDR;
        for (int pass = 0; pass < 2; pass++)
            for (int k = 0; k < pack.count; k++) {
                const vg_rid_message *msg = &pack.msgs[k];
                if ((msg->type == VG_RID_LOCATION) != (pass == 1))
                    continue;
                uint8_t bytes[VG_RID_MSG_LEN];
                int rc = vg_rid_encode_message(msg, bytes, err);
                if (rc < 0)
                    return rc;
                if ((rc = vg_ridframe_build_ble4(b->frame[b->n], VG_RIDFRAME_MAX_FRAME, addr,
                                                 (*counter(r, ti, (int)msg->type))++, bytes,
                                                 sizeof bytes, NULL, &b->len[b->n], err)) < 0)
                    return rc;
                b->n++;
            }
        return 0;
    }
    uint8_t packed[VG_RIDFRAME_MAX_WIFI_BEACON];
    size_t plen;
    int rc = vg_rid_encode_pack(&pack, packed, sizeof packed, &plen, err);
    if (rc)
        return rc;
    uint8_t seq = (*counter(r, ti, PACK_COUNTER))++;
    b->n = 1;
    switch (tg->rid_transport) {
    case VG_RID_TR_WIFI_NAN:
        return vg_ridframe_build_wifi_nan(b->frame[0], VG_RIDFRAME_MAX_FRAME, addr, seq, packed,
                                          plen, NULL, &b->len[0], err);
    case VG_RID_TR_BLE5:
        b->linktype = VG_LINKTYPE_BLUETOOTH_LE_LL_PHDR;
        return vg_ridframe_build_ble5(b->frame[0], VG_RIDFRAME_MAX_FRAME, addr, seq, packed, plen,
                                      NULL, &b->len[0], err);
    default:
        return vg_ridframe_build_wifi_beacon(b->frame[0], VG_RIDFRAME_MAX_FRAME, addr, seq,
                                             packed, plen, NULL, &b->len[0], err);
    }
}

static int fr_frame(sim_run *r, int ti, const vg_geo *p, const vg_vec3 *v, sim_broadcast *b,
                    vg_error *err)
{
    const vg_sim_target *tg = &r->sc->targets[ti];
    vg_frb f = {.present = VG_FRB_MANDATORY | VG_FRB_HAS(VG_FRB_T_FR_ID), .version = 1};
    /* French ID: manufacturer (3), model (3), serial (up to 24). */
    snprintf(f.manufacturer, sizeof f.manufacturer, "%.3s", tg->fr_id);
    snprintf(f.model, sizeof f.model, "%.3s", strlen(tg->fr_id) > 3 ? tg->fr_id + 3 : "000");
    snprintf(f.serial, sizeof f.serial, "%.24s", strlen(tg->fr_id) > 6 ? tg->fr_id + 6 : "0");
    f.lat = p->lat;
    f.lon = p->lon;
    double msl = p->alt - r->sc->geoid_undulation;
    f.alt_msl_m = (int16_t)lround(fmax(-1000, fmin(10000, msl)));
    /* The take-off point: where the pilot stood at the start, else the first waypoint. */
    vg_geo takeoff = tg->has_pilot ? tg->pilot[0].pos : tg->wp[0].pos;
    f.height_m = (int16_t)lround(fmax(-1000, fmin(10000, p->alt - tg->wp[0].pos.alt)));
    f.takeoff_lat = takeoff.lat;
    f.takeoff_lon = takeoff.lon;
    f.speed_mps = (uint8_t)fmin(255.0, round(hypot(v->x, v->y)));
    f.course_deg = (uint16_t)(lround(fmod(atan2(v->x, v->y) * 180 / VG_PI + 360, 360)) % 360);
    uint8_t tlv[VG_FRB_ENCODED_MAX];
    size_t tlen;
    int rc = vg_frb_encode(&f, tlv, sizeof tlv, &tlen, err);
    if (rc)
        return rc;
    uint8_t addr[6];
    drone_addr(ti, addr);
    b->n = 1;
    b->linktype = VG_LINKTYPE_IEEE802_11_RADIOTAP;
    return vg_ridframe_build_fr_beacon(b->frame[0], VG_RIDFRAME_MAX_FRAME, addr, tlv, tlen, NULL,
                                       &b->len[0], err);
}

/* Parse the captured frame back into the receiver's detections. */
static int receive(sim_run *r, int si, int linktype, const uint8_t *frame, size_t flen,
                   vg_error *err)
{
    vg_rid_payload pl[VG_RIDFRAME_MAX_PAYLOADS];
    vg_event evs[VG_RID_PACK_MAX];
    int count, rc;
    if ((rc = vg_ridframe_parse(linktype, frame, flen, pl, VG_RIDFRAME_MAX_PAYLOADS, &count,
                                err)) < 0)
        return vg_err_prefix(err, "simulate: own frame: ");
    for (int i = 0; i < count; i++) {
        int n = vg_ridasm_push_payload(r->assemblers[si], r->now, &pl[i], evs, VG_RID_PACK_MAX, err);
        if (n < 0)
            return n;
        for (int k = 0; k < n; k++) {
            r->stats.events++;
            r->stats.detections++;
            if ((rc = r->sinks->event(r->sinks->user, &evs[k])) != 0)
                return rc;
        }
    }
    return 0;
}

int sim_rid_scan(sim_run *r, int si, const vg_sim_sensor *s)
{
    vg_error *err = r->err;
    const vg_enu_frame *sf = &r->sensor_frames[si];
    for (int i = 0; i < r->sc->ntargets; i++) {
        const vg_sim_target *tg = &r->sc->targets[i];
        if (tg->type != VG_SIM_DRONE || (!tg->remote_id[0] && !tg->fr_id[0]))
            continue;
        vg_geo p;
        vg_vec3 v;
        if (!sim_target_at(r->sc, &r->frame, i, 0, r->t, &p, &v))
            continue;
        vg_vec3 d = vg_enu_from_geo(sf, p);
        if (sqrt(d.x * d.x + d.y * d.y + d.z * d.z) > s->range_m)
            continue;
        if (vg_sim_rng_uniform(&r->rng) < s->loss)
            continue;
        /* Remote ID and the French beacon alternate on a drone that sends both. */
        bool fr = tg->fr_id[0] && (!tg->remote_id[0] || ((long)(r->t / s->period_s) & 1));
        int rc = fr ? fr_frame(r, i, &p, &v, &r->broadcast, err)
                    : astm_frames(r, i, &p, &v, &r->broadcast, err);
        if (rc < 0)
            return vg_err_prefix(err, "simulate: target %s: ", tg->id);
        sim_detected(r, i, 0);
        const sim_broadcast *b = &r->broadcast;
        for (int k = 0; k < b->n; k++) {
            r->stats.frames++;
            if (r->sinks->frame && (rc = r->sinks->frame(r->sinks->user, r->now, b->linktype,
                                                         b->frame[k], b->len[k])) != 0)
                return rc;
            if ((rc = receive(r, si, b->linktype, b->frame[k], b->len[k], err)) != 0)
                return rc;
        }
    }
    return 0;
}

/* sim/sim_rid.c — Remote ID and French beacon broadcasts as a receiver captures
 * them. A drone in range whose broadcast is not lost sends one Wi-Fi beacon: an ASTM
 * message pack (Basic ID, Location, System with the pilot's position) or a French
 * beacon. The frame goes to the capture, and is parsed back, decoded and assembled
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

int sim_rid_init(sim_run *r, vg_error *err)
{
    r->assemblers = calloc((size_t)r->sc->nsensors + 1, sizeof *r->assemblers);
    r->counters = calloc((size_t)r->sc->ntargets + 1, 1);
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

static int astm_frame(sim_run *r, int ti, const vg_geo *p, const vg_vec3 *v, uint8_t *frame,
                      size_t *flen, vg_error *err)
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
        m = &pack.msgs[pack.count++];
        m->type = VG_RID_SYSTEM;
        m->u.system = (vg_rid_system){
            .version = 2, .operator_location_type = VG_RID_OPLOC_LIVE_GNSS,
            .classification_type = VG_RID_CLASSIF_EU, .has_operator_position = true,
            .operator_lat = tg->pilot.lat, .operator_lon = tg->pilot.lon, .area_count = 1,
            .category_eu = 1, .class_eu = 2};
    }
    uint8_t packed[VG_RIDFRAME_MAX_WIFI_BEACON];
    size_t plen;
    int rc = vg_rid_encode_pack(&pack, packed, sizeof packed, &plen, err);
    if (rc)
        return rc;
    uint8_t addr[6];
    drone_addr(ti, addr);
    return vg_ridframe_build_wifi_beacon(frame, VG_RIDFRAME_MAX_FRAME, addr, r->counters[ti]++,
                                         packed, plen, NULL, flen, err);
}

static int fr_frame(sim_run *r, int ti, const vg_geo *p, const vg_vec3 *v, uint8_t *frame,
                    size_t *flen, vg_error *err)
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
    vg_geo takeoff = tg->has_pilot ? tg->pilot : tg->wp[0].pos;
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
    return vg_ridframe_build_fr_beacon(frame, VG_RIDFRAME_MAX_FRAME, addr, tlv, tlen, NULL, flen,
                                       err);
}

/* Parse the captured frame back into the receiver's detections. */
static int receive(sim_run *r, int si, const uint8_t *frame, size_t flen, vg_error *err)
{
    vg_rid_payload pl[VG_RIDFRAME_MAX_PAYLOADS];
    vg_event evs[VG_RID_PACK_MAX];
    int count, rc;
    if ((rc = vg_ridframe_parse(VG_LINKTYPE_IEEE802_11_RADIOTAP, frame, flen, pl,
                                VG_RIDFRAME_MAX_PAYLOADS, &count, err)) < 0)
        return vg_err_prefix(err, "simulate: own frame: ");
    for (int i = 0; i < count; i++) {
        vg_ridasm_rx rx = {.time = r->now, .transport = pl[i].transport,
                           .has_counter = pl[i].has_counter, .counter = pl[i].counter};
        memcpy(rx.addr, pl[i].addr, sizeof rx.addr);
        int n;
        if (pl[i].kind == VG_RIDP_FR_TLV) {
            vg_frb f;
            if ((rc = vg_frb_decode(pl[i].data, pl[i].len, &f, err)) < 0)
                return rc;
            n = vg_ridasm_push_frb(r->assemblers[si], &rx, &f, evs, err);
        } else {
            vg_rid_pack pack;
            if ((rc = vg_rid_decode_pack(pl[i].data, pl[i].len, &pack, NULL, err)) < 0)
                return rc;
            n = vg_ridasm_push_pack(r->assemblers[si], &rx, &pack, evs, VG_RID_PACK_MAX, err);
        }
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
        uint8_t frame[VG_RIDFRAME_MAX_FRAME];
        size_t flen;
        /* Remote ID and the French beacon alternate on a drone that sends both. */
        bool fr = tg->fr_id[0] && (!tg->remote_id[0] || ((long)(r->t / s->period_s) & 1));
        int rc = fr ? fr_frame(r, i, &p, &v, frame, &flen, err)
                    : astm_frame(r, i, &p, &v, frame, &flen, err);
        if (rc < 0)
            return vg_err_prefix(err, "simulate: target %s: ", tg->id);
        r->stats.frames++;
        sim_detected(r, i, 0);
        if (r->sinks->frame && (rc = r->sinks->frame(r->sinks->user, r->now, frame, flen)) != 0)
            return rc;
        if ((rc = receive(r, si, frame, flen, err)) != 0)
            return rc;
    }
    return 0;
}

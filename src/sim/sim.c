/* sim/sim.c — the simulation loop and the target and sensor models.
 *
 * Time advances in 0.25 s steps from the scenario's start. At each step, in this
 * order: scripted sensor outages and recoveries, postures, actions, then every sensor
 * whose period is due scans every target (one scan: its detections share a time),
 * then the engine tick and the truth samples. Random draws come from one seeded
 * generator in that fixed order, so a scenario and a seed give the same bytes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_int.h"

#define STEP_S 0.25
#define DEG (VG_PI / 180.0)

/* ---- the generator ------------------------------------------------------------------- */

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void vg_sim_rng_seed(vg_sim_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t vg_sim_rng_next(vg_sim_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

double vg_sim_rng_uniform(vg_sim_rng *r)
{
    return (double)(vg_sim_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

double vg_sim_rng_normal(vg_sim_rng *r)
{
    double u = vg_sim_rng_uniform(r), v = vg_sim_rng_uniform(r);
    return sqrt(-2.0 * log(1.0 - u)) * cos(2 * VG_PI * v);
}

int vg_sim_rng_poisson(vg_sim_rng *r, double mean)
{
    if (mean <= 0)
        return 0;
    double limit = exp(-mean), p = 1;
    int k = 0;
    do {
        k++;
        p *= vg_sim_rng_uniform(r);
    } while (p > limit && k < 1000);
    return k - 1;
}

/* ---- targets --------------------------------------------------------------------------- */

/* Positions are interpolated in the site's ENU frame, so paths are straight lines. */
bool vg_sim_target_at(const vg_scenario *sc, int target, int index, double t, vg_geo *pos,
                      vg_vec3 *vel)
{
    vg_enu_frame f;
    vg_enu_frame_init(&f, sc->site);
    return sim_target_at(sc, &f, target, index, t, pos, vel);
}

bool sim_target_at(const vg_scenario *sc, const vg_enu_frame *fr, int target, int index,
                   double t, vg_geo *pos, vg_vec3 *vel)
{
    const vg_sim_target *tg = &sc->targets[target];
    const vg_enu_frame *f = fr;
    if (tg->type == VG_SIM_BIRDS) {
        if (t < tg->from_s || t > tg->to_s || index >= tg->count)
            return false;
        /* Each bird circles its own point of the flock at its own pace: slow, looping,
         * never straight for long — what makes birds hard for a radar tracker. */
        double k = (double)index;
        double phase = fmod(k * 2.399963, 2 * VG_PI);      /* golden angle spread */
        double ring = tg->radius_m * sqrt((k + 0.5) / tg->count);
        double loop = 10 + fmod(k * 7.31, 25);             /* loop radius, m */
        double w = tg->speed_mps / loop;
        vg_vec3 c0 = vg_enu_from_geo(f, tg->center);
        double ce = c0.x + ring * cos(phase) + tg->drift_e * t;
        double cn = c0.y + ring * sin(phase) + tg->drift_n * t;
        vg_vec3 e = {ce + loop * cos(w * t + phase), cn + loop * sin(w * t + phase),
                     c0.z + 5 * sin(0.1 * t + k)};
        *pos = vg_enu_to_geo(f, e);
        if (vel)
            *vel = (vg_vec3){-loop * w * sin(w * t + phase) + tg->drift_e,
                             loop * w * cos(w * t + phase) + tg->drift_n, 0.5 * cos(0.1 * t + k)};
        return true;
    }
    if (index != 0 || t < tg->wp[0].t || t > tg->wp[tg->nwp - 1].t)
        return false;
    int i = 0;
    while (i + 2 < tg->nwp && t > tg->wp[i + 1].t)
        i++;
    const vg_sim_waypoint *a = &tg->wp[i], *b = &tg->wp[i + 1];
    vg_vec3 ea = vg_enu_from_geo(f, a->pos), eb = vg_enu_from_geo(f, b->pos);
    double span = b->t - a->t, u = (t - a->t) / span;
    vg_vec3 e = {ea.x + u * (eb.x - ea.x), ea.y + u * (eb.y - ea.y), ea.z + u * (eb.z - ea.z)};
    *pos = vg_enu_to_geo(f, e);
    if (vel)
        *vel = (vg_vec3){(eb.x - ea.x) / span, (eb.y - ea.y) / span, (eb.z - ea.z) / span};
    return true;
}

/* Where target's pilot is at t: still before the first point and after the last,
 * linear in the site frame between. */
vg_geo sim_pilot_at(const vg_sim_target *tg, const vg_enu_frame *f, double t)
{
    const vg_sim_waypoint *w = tg->pilot;
    int n = tg->npilot;
    if (n == 1 || t <= w[0].t)
        return w[0].pos;
    if (t >= w[n - 1].t)
        return w[n - 1].pos;
    int i = 0;
    while (t > w[i + 1].t)
        i++;
    vg_vec3 ea = vg_enu_from_geo(f, w[i].pos), eb = vg_enu_from_geo(f, w[i + 1].pos);
    double u = (t - w[i].t) / (w[i + 1].t - w[i].t);
    return vg_enu_to_geo(f, (vg_vec3){ea.x + u * (eb.x - ea.x), ea.y + u * (eb.y - ea.y),
                                      ea.z + u * (eb.z - ea.z)});
}

/* ---- sensor models ----------------------------------------------------------------------- */

/* The radar equation's fourth power: the signal falls as rcs / r^4. pd is the
 * probability for a 0.01 m² target at half the nominal range; it falls smoothly past
 * it (and reaches pd × 1/17 at full range for that target). */
double vg_sim_radar_pd(const vg_sim_sensor *s, double range_m, double rcs_m2)
{
    if (range_m > s->range_m || range_m <= 0)
        return 0;
    double x = pow(range_m / (0.5 * s->range_m), 4) * (0.01 / rcs_m2);
    return s->pd / (1 + x * x);
}

static bool sensor_up(const vg_sim_sensor *s, double t)
{
    for (int i = 0; i < s->ndown; i++)
        if (t >= s->down[i].from_s && t < s->down[i].to_s)
            return false;
    return true;
}

int sim_emit(sim_run *r, const vg_event *ev)
{
    r->stats.events++;
    if (ev->type == VG_EV_DETECTION)
        r->stats.detections++;
    return r->sinks->event(r->sinks->user, ev);
}

void sim_detection_init(sim_run *r, vg_event *ev, const vg_sim_sensor *s)
{
    vg_event_init(ev, VG_EV_DETECTION, r->now);
    snprintf(ev->u.detection.sensor, sizeof ev->u.detection.sensor, "%s", s->id);
}

/* Range, azimuth and elevation in the sensor's own tangent frame, as the engine reads
 * a polar measurement. */
void sim_polar_of(const sim_run *r, const vg_sim_sensor *s, const vg_geo *p, double *range,
                  double *az, double *el)
{
    const vg_enu_frame *f = &r->sensor_frames[s - r->sc->sensors];
    vg_enu_to_polar(vg_enu_from_geo(f, *p), range, az, el);
}

static int rf_scan(sim_run *r, const vg_sim_sensor *s)
{
    vg_event ev;
    for (int i = 0; i < r->sc->ntargets; i++) {
        const vg_sim_target *tg = &r->sc->targets[i];
        vg_geo p;
        if (tg->type != VG_SIM_DRONE || !tg->rf_link || !sim_target_at(r->sc, &r->frame, i, 0, r->t, &p, NULL))
            continue;
        double range, az, el;
        sim_polar_of(r, s, &p, &range, &az, &el);
        if (range > s->range_m || vg_sim_rng_uniform(&r->rng) >= s->pd)
            continue;
        sim_detection_init(r, &ev, s);
        vg_measurement *m = &ev.u.detection.meas;
        m->kind = VG_MEAS_BEARING;
        m->u.bearing.az = fmod(az + s->sigma_az * vg_sim_rng_normal(&r->rng) + 360.0, 360.0);
        m->u.bearing.sigma_az = s->sigma_az;
        ev.u.detection.identity.source = VG_IDSRC_RF;
        /* A radio signature as a direction finder reports it: stable per drone, but
         * not its name (the scores must not be able to read the truth from it). */
        uint32_t sig = 2166136261u;
        for (const char *c = tg->id; *c; c++)
            sig = (sig ^ (uint8_t)*c) * 16777619u;
        snprintf(ev.u.detection.identity.id, sizeof ev.u.detection.identity.id, "sig-%08x", sig);
        sim_detected(r, i, 0);
        int rc = sim_emit(r, &ev);
        if (rc)
            return rc;
    }
    return 0;
}

static int adsb_scan(sim_run *r, const vg_sim_sensor *s)
{
    vg_event ev;
    for (int i = 0; i < r->sc->ntargets; i++) {
        const vg_sim_target *tg = &r->sc->targets[i];
        vg_geo p;
        vg_vec3 v;
        if (!tg->icao[0] || !sim_target_at(r->sc, &r->frame, i, 0, r->t, &p, &v))
            continue;
        double range, az, el;
        sim_polar_of(r, s, &p, &range, &az, &el);
        if (range > s->range_m || vg_sim_rng_uniform(&r->rng) >= s->pd)
            continue;
        sim_detection_init(r, &ev, s);
        vg_measurement *m = &ev.u.detection.meas;
        m->kind = VG_MEAS_GEODETIC;
        m->u.geodetic.pos = p;
        m->u.geodetic.pos.lat += 8.0 / 111320.0 * vg_sim_rng_normal(&r->rng);
        m->u.geodetic.pos.lon += 8.0 / (111320.0 * cos(p.lat * DEG)) * vg_sim_rng_normal(&r->rng);
        m->u.geodetic.pos.alt += 10.0 * vg_sim_rng_normal(&r->rng);
        m->u.geodetic.sigma_h = 8;
        m->u.geodetic.sigma_v = 10;
        ev.u.detection.has_velocity = true;
        ev.u.detection.velocity = v;
        ev.u.detection.identity.source = VG_IDSRC_ADSB;
        snprintf(ev.u.detection.identity.id, sizeof ev.u.detection.identity.id, "%s", tg->icao);
        sim_detected(r, i, 0);
        int rc = sim_emit(r, &ev);
        if (rc)
            return rc;
    }
    return 0;
}

static int sensor_event(sim_run *r, const vg_sim_sensor *s, bool declare, bool up)
{
    vg_event ev;
    vg_event_init(&ev, VG_EV_SENSOR, r->now);
    vg_sensor_ev *se = &ev.u.sensor;
    snprintf(se->id, sizeof se->id, "%s", s->id);
    if (declare) {
        se->has_kind = se->has_pos = se->has_range = true;
        se->kind = s->kind;
        se->pos = s->pos;
        se->range_m = s->range_m;
    }
    se->has_status = true;
    se->up = up;
    return sim_emit(r, &ev);
}

static bool due(double t, double period)
{
    double k = t / period;
    return fabs(k - round(k)) < 1e-9;
}

/* A scripted action's time and its place in the scenario. */
typedef struct action_ref {
    double t;
    int i;
} action_ref;

static int by_time(const void *pa, const void *pb)
{
    const action_ref *a = pa, *b = pb;
    return a->t < b->t ? -1 : a->t > b->t ? 1 : (a->i > b->i) - (a->i < b->i);
}

static int by_place(const void *pa, const void *pb)
{
    const action_ref *a = pa, *b = pb;
    return (a->i > b->i) - (a->i < b->i);
}

int vg_sim_run(const vg_scenario *sc, double from_s, double duration_s, double truth_period_s,
               const vg_sim_sinks *sinks, vg_sim_stats *stats, vg_error *err)
{
    sim_run *r = calloc(1, sizeof *r);
    if (!r)
        return vg_err(err, VG_ENOMEM, "out of memory");
    r->sc = sc;
    r->sinks = sinks;
    r->err = err;
    vg_enu_frame_init(&r->frame, sc->site);
    r->sensor_frames = calloc((size_t)sc->nsensors + 1, sizeof *r->sensor_frames);
    if (!r->sensor_frames) {
        free(r);
        return vg_err(err, VG_ENOMEM, "out of memory");
    }
    for (int i = 0; i < sc->nsensors; i++)
        vg_enu_frame_init(&r->sensor_frames[i], sc->sensors[i].pos);
    /* Objects: one per target, one per bird of a flock. */
    r->first_object = calloc((size_t)sc->ntargets + 1, sizeof *r->first_object);
    int64_t objects = 0;
    for (int i = 0; r->first_object && i < sc->ntargets; i++) {
        r->first_object[i] = (int)objects;
        objects += sc->targets[i].type == VG_SIM_BIRDS ? sc->targets[i].count : 1;
        if (objects > INT32_MAX / 2)
            break;
    }
    if (r->first_object)
        r->first_object[sc->ntargets] = (int)objects;
    r->detected = objects <= INT32_MAX / 2 ? calloc((size_t)objects + 1, 1) : NULL;
    int rc = 0;
    if (!r->first_object || !r->detected)
        rc = vg_err(err, VG_ENOMEM, "simulate: out of memory for %lld objects", (long long)objects);
    vg_sim_rng_seed(&r->rng, sc->seed);
    if (!rc)
        rc = sim_rid_init(r, err);
    double end = sc->duration_s;
    if (duration_s > 0 && from_s + duration_s < end)
        end = from_s + duration_s;
    from_s = round(from_s / STEP_S) * STEP_S;
    vg_event ev;
    action_ref *actions = NULL; /* the scripted actions by time */
    if (rc)
        goto done;
    /* The site, then every sensor declared (down if the run starts in an outage). */
    r->t = from_s;
    r->now = sc->start + (vg_time)llround(from_s * 1e6);
    vg_event_init(&ev, VG_EV_SITE, r->now);
    ev.u.site.origin = sc->site;
    ev.u.site.geoid_undulation = sc->geoid_undulation;
    if ((rc = sim_emit(r, &ev)) != 0)
        goto done;
    for (int i = 0; i < sc->nsensors; i++)
        if ((rc = sensor_event(r, &sc->sensors[i], true, sensor_up(&sc->sensors[i], from_s))) != 0)
            goto done;
    /* Patrol sites, then units, declared by the scenario's commander. */
    for (int k = 0; k < 2; k++) {
        int n = k ? sc->nunits : sc->nsites;
        for (int i = 0; i < n; i++) {
            vg_event_init(&ev, VG_EV_COMMAND, r->now);
            vg_command *c = &ev.u.command;
            snprintf(c->kind, sizeof c->kind, "%s", k ? "unit_add" : "site_add");
            snprintf(c->user, sizeof c->user, "scenario");
            c->role = VG_ROLE_COMMANDER;
            memcpy(c->args, k ? sc->units[i] : sc->sites[i], sizeof c->args);
            if ((rc = sim_emit(r, &ev)) != 0)
                goto done;
        }
    }
    /* Actions by time, so that each step looks at the ones due (a scenario may script
     * thousands: unit positions every minute). */
    actions = malloc(((size_t)sc->nactions + 1) * sizeof *actions);
    if (!actions) {
        rc = vg_err(err, VG_ENOMEM, "simulate: out of memory for %d actions", sc->nactions);
        goto done;
    }
    for (int i = 0; i < sc->nactions; i++)
        actions[i] = (action_ref){sc->actions[i].t, i};
    qsort(actions, (size_t)sc->nactions, sizeof *actions, by_time);
    int next_action = 0;
    for (long step = 0;; step++) {
        double t = from_s + (double)step * STEP_S;
        if (t >= end)
            break;
        r->t = t;
        r->now = sc->start + (vg_time)llround(t * 1e6);
        for (int i = 0; i < sc->nsensors; i++) {
            const vg_sim_sensor *s = &sc->sensors[i];
            if (step > 0 && sensor_up(s, t) != sensor_up(s, t - STEP_S) &&
                (rc = sensor_event(r, s, false, sensor_up(s, t))) != 0)
                goto done;
        }
        for (int i = 0; i < sc->npostures; i++) {
            const vg_sim_posture *p = &sc->postures[i];
            /* A run that starts late still gets the postures set before it. */
            if ((p->t >= t && p->t < t + STEP_S) || (step == 0 && p->t < t)) {
                vg_event_init(&ev, VG_EV_COMMAND, r->now);
                vg_command *c = &ev.u.command;
                snprintf(c->kind, sizeof c->kind, "posture_set");
                snprintf(c->user, sizeof c->user, "%s", p->user);
                c->role = VG_ROLE_COMMANDER;
                if (p->name[0])
                    snprintf(c->args, sizeof c->args, "{\"level\":\"%s\",\"scope\":\"%s\",\"name\":\"%s\"}",
                             p->level, p->scope, p->name);
                else
                    snprintf(c->args, sizeof c->args, "{\"level\":\"%s\",\"scope\":\"%s\"}", p->level,
                             p->scope);
                if ((rc = sim_emit(r, &ev)) != 0)
                    goto done;
            }
        }
        /* The actions due in this step (all those before it, at the first), in
         * their order in the scenario. */
        int due_from = next_action;
        while (next_action < sc->nactions && actions[next_action].t < t + STEP_S)
            next_action++;
        qsort(actions + due_from, (size_t)(next_action - due_from), sizeof *actions, by_place);
        for (int j = due_from; j < next_action; j++) {
            vg_event_init(&ev, VG_EV_COMMAND, r->now);
            ev.u.command = sc->actions[actions[j].i].cmd;
            if ((rc = sim_emit(r, &ev)) != 0)
                goto done;
        }
        for (int i = 0; i < sc->nsensors; i++) {
            const vg_sim_sensor *s = &sc->sensors[i];
            if (!due(t, s->period_s) || !sensor_up(s, t))
                continue;
            switch (s->kind) {
            case VG_SENSOR_RADAR: rc = sim_radar_scan(r, s); break;
            case VG_SENSOR_RF: rc = rf_scan(r, s); break;
            case VG_SENSOR_REMOTEID: rc = sim_rid_scan(r, i, s); break;
            case VG_SENSOR_ADSB: rc = adsb_scan(r, s); break;
            default: break;
            }
            if (rc)
                goto done;
        }
        if (sc->tick_s > 0 && due(t, sc->tick_s)) {
            vg_event_init(&ev, VG_EV_TICK, r->now);
            if ((rc = sim_emit(r, &ev)) != 0)
                goto done;
        }
        if (truth_period_s > 0 && due(t, truth_period_s) && sinks->truth) {
            for (int i = 0; i < sc->ntargets; i++) {
                const vg_sim_target *tg = &sc->targets[i];
                int n = tg->type == VG_SIM_BIRDS ? tg->count : 1;
                for (int k = 0; k < n; k++) {
                    vg_geo p;
                    if (!sim_target_at(sc, &r->frame, i, k, t, &p, NULL))
                        continue;
                    char id[VG_ID_MAX + 16];
                    if (tg->type == VG_SIM_BIRDS)
                        snprintf(id, sizeof id, "%.50s/%d", tg->id, k);
                    else
                        snprintf(id, sizeof id, "%s", tg->id);
                    static const char *const kinds[] = {"drone", "bird", "aircraft"};
                    r->stats.truths++;
                    bool *seen = &r->detected[r->first_object[i] + k];
                    rc = sinks->truth(sinks->user, r->now, id, tg->role, kinds[tg->type], &p, *seen);
                    *seen = false;
                    if (rc != 0)
                        goto done;
                }
            }
        }
    }
done:
    free(actions);
    sim_rid_free(r);
    if (stats)
        *stats = r->stats;
    free(r->sensor_frames);
    free(r->first_object);
    free(r->detected);
    free(r);
    if (rc > 0)
        return vg_err(err, VG_EIO, "simulate: an output failed");
    return rc;
}

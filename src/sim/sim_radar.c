/* sim/sim_radar.c — the radar model: one scan of plots. Every object inside the
 * radar's field of view is seen with a probability that falls with range and rises
 * with its cross-section, with Gaussian noise in range, azimuth and elevation and a
 * micro-Doppler class hint; false plots come on top, spread low over the whole
 * field of view, and clutter returns gather over the scenario's clutter spots (the
 * river, the quays) — a tracker must live with both. */
#include <math.h>

#include "sim_int.h"

/* The field of view's width in azimuth: the sector clockwise from az_from to
 * az_to, all around (360) when they coincide modulo 360. */
static double view_width(const vg_sim_sensor *s)
{
    double width = fmod(s->az_to - s->az_from + 720.0, 360.0);
    return width == 0.0 ? 360.0 : width;
}

/* Whether azimuth az and elevation el (degrees, the sensor's frame) are in its
 * field of view, up to el_max. */
static bool in_view(const vg_sim_sensor *s, double az, double el)
{
    return el <= s->el_max && fmod(az - s->az_from + 720.0, 360.0) <= view_width(s);
}

/* A plot of nothing: false alarm or clutter, with its class hint. */
static int false_plot(sim_run *r, const vg_sim_sensor *s, double range, double az, double el)
{
    vg_event ev;
    sim_detection_init(r, &ev, s);
    vg_measurement *m = &ev.u.detection.meas;
    m->kind = VG_MEAS_POLAR;
    m->u.polar.range = range;
    m->u.polar.az = az;
    m->u.polar.el = el;
    m->u.polar.sigma_range = s->sigma_range;
    m->u.polar.sigma_az = s->sigma_az;
    m->u.polar.sigma_el = s->sigma_el;
    ev.u.detection.has_class_hint = true;
    ev.u.detection.class_hint[0] = 0.3;
    ev.u.detection.class_hint[1] = 0.4;
    r->stats.false_alarms++;
    return sim_emit(r, &ev);
}

static int object_plots(sim_run *r, const vg_sim_sensor *s)
{
    vg_event ev;
    int rc;
    for (int i = 0; i < r->sc->ntargets; i++) {
        const vg_sim_target *tg = &r->sc->targets[i];
        int n = tg->type == VG_SIM_BIRDS ? tg->count : 1;
        for (int k = 0; k < n; k++) {
            vg_geo p;
            vg_vec3 v;
            if (!sim_target_at(r->sc, &r->frame, i, k, r->t, &p, &v))
                continue;
            double range, az, el;
            sim_polar_of(r, s, &p, &range, &az, &el);
            if (!in_view(s, az, el))
                continue;
            double draw = vg_sim_rng_uniform(&r->rng);
            if (draw >= vg_sim_radar_pd(s, range, tg->rcs_m2))
                continue;
            sim_detection_init(r, &ev, s);
            vg_measurement *m = &ev.u.detection.meas;
            m->kind = VG_MEAS_POLAR;
            m->u.polar.range = fmax(1.0, range + s->sigma_range * vg_sim_rng_normal(&r->rng));
            m->u.polar.az = fmod(az + s->sigma_az * vg_sim_rng_normal(&r->rng) + 360.0, 360.0);
            m->u.polar.el = fmax(-89.9, fmin(89.9, el + s->sigma_el * vg_sim_rng_normal(&r->rng)));
            m->u.polar.sigma_range = s->sigma_range;
            m->u.polar.sigma_az = s->sigma_az;
            m->u.polar.sigma_el = s->sigma_el;
            /* A Doppler-capable radar's hint: micro-Doppler tells rotors from wings,
             * not perfectly. */
            ev.u.detection.has_class_hint = true;
            double *h = ev.u.detection.class_hint;
            sim_detected(r, i, k);
            if (tg->type == VG_SIM_DRONE) {
                h[0] = 0.55, h[1] = 0.3, h[2] = 0.05;
            } else if (tg->type == VG_SIM_BIRDS) {
                h[0] = 0.25, h[1] = 0.65, h[2] = 0.02;
            } else {
                h[0] = 0.05, h[1] = 0.02, h[2] = 0.85;
            }
            if ((rc = sim_emit(r, &ev)) != 0)
                return rc;
        }
    }
    return 0;
}

/* Returns from a clutter spot: Poisson(per_scan) points uniform over its disc, up to
 * a few metres above its centre (waves, boats, the quays' edges). */
static int clutter_plots(sim_run *r, const vg_sim_sensor *s, const vg_sim_clutter *c)
{
    int n = vg_sim_rng_poisson(&r->rng, c->per_scan);
    vg_vec3 centre = vg_enu_from_geo(&r->frame, c->center);
    for (int i = 0; i < n; i++) {
        double rho = c->radius_m * sqrt(vg_sim_rng_uniform(&r->rng));
        double theta = 2.0 * VG_PI * vg_sim_rng_uniform(&r->rng);
        double up = 5.0 * vg_sim_rng_uniform(&r->rng);
        vg_geo p = vg_enu_to_geo(&r->frame, (vg_vec3){centre.x + rho * cos(theta),
                                                      centre.y + rho * sin(theta), centre.z + up});
        double range, az, el;
        sim_polar_of(r, s, &p, &range, &az, &el);
        if (range > s->range_m || !in_view(s, az, el))
            continue;
        int rc = false_plot(r, s, range, az, el);
        if (rc)
            return rc;
    }
    return 0;
}

int sim_radar_scan(sim_run *r, const vg_sim_sensor *s)
{
    int rc = object_plots(r, s);
    if (rc)
        return rc;
    /* False plots: low (0–3° of elevation), anywhere in the field of view. */
    double width = view_width(s);
    int nfa = vg_sim_rng_poisson(&r->rng, s->false_alarms);
    for (int i = 0; i < nfa; i++) {
        double range = 50 + (s->range_m - 50) * vg_sim_rng_uniform(&r->rng);
        double az = fmod(s->az_from + width * vg_sim_rng_uniform(&r->rng), 360.0);
        double el = fmin(3.0, s->el_max) * vg_sim_rng_uniform(&r->rng);
        if ((rc = false_plot(r, s, range, az, el)) != 0)
            return rc;
    }
    for (int i = 0; i < s->nclutter; i++)
        if ((rc = clutter_plots(r, s, &s->clutter[i])) != 0)
            return rc;
    return 0;
}

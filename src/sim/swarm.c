/* sim/swarm.c — the benchmark scene: n drones with Remote ID flying straight lines
 * over a 20 km square centred on Paris (Notre-Dame), seen by two radars and four
 * Remote ID receivers; every drone is airborne for the whole run. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigie/sim.h"

#define SQUARE_M 20000.0

static vg_sim_sensor sensor(const vg_enu_frame *f, const char *id, vg_sensor_kind kind,
                            double e, double n, double range)
{
    vg_sim_sensor s = {.kind = kind, .range_m = range, .period_s = 1, .sigma_range = 5,
                       .sigma_az = 0.3, .sigma_el = 0.5, .pd = 0.95, .false_alarms = 1,
                       .loss = 0.1, .az_to = 360, .el_max = 90};
    snprintf(s.id, sizeof s.id, "%s", id);
    s.pos = vg_enu_to_geo(f, (vg_vec3){e, n, 30});
    return s;
}

int vg_scenario_swarm(int n, uint64_t seed, double duration_s, vg_scenario **out, vg_error *err)
{
    *out = NULL;
    if (n < 1 || n > 1000000 || !(duration_s >= 1 && duration_s <= 86400))
        return vg_err(err, VG_ERANGE, "swarm: 1..1000000 drones, 1..86400 s");
    vg_scenario *sc = calloc(1, sizeof *sc);
    if (!sc)
        return vg_err(err, VG_ENOMEM, "out of memory");
    snprintf(sc->name, sizeof sc->name, "swarm of %d drones over 20 km", n);
    sc->site = (vg_geo){48.853, 2.3499, 80};
    sc->geoid_undulation = 44.4;
    sc->start = (vg_time)1722015000 * VG_TIME_S; /* 2024-07-26T17:30:00Z */
    sc->duration_s = duration_s;
    sc->seed = seed;
    sc->tick_s = 1;
    vg_enu_frame f;
    vg_enu_frame_init(&f, sc->site);
    sc->sensors = calloc(6, sizeof *sc->sensors);
    sc->targets = calloc((size_t)n, sizeof *sc->targets);
    if (!sc->sensors || !sc->targets) {
        vg_scenario_free(sc);
        return vg_err(err, VG_ENOMEM, "out of memory");
    }
    sc->sensors[sc->nsensors++] = sensor(&f, "radar-west", VG_SENSOR_RADAR, -5000, 0, 12000);
    sc->sensors[sc->nsensors++] = sensor(&f, "radar-east", VG_SENSOR_RADAR, 5000, 0, 12000);
    for (int k = 0; k < 4; k++) {
        char id[16];
        snprintf(id, sizeof id, "rid-%d", k + 1);
        sc->sensors[sc->nsensors++] =
            sensor(&f, id, VG_SENSOR_REMOTEID, (k & 1) ? 5000 : -5000, (k & 2) ? 5000 : -5000, 8000);
    }
    vg_sim_rng rng;
    vg_sim_rng_seed(&rng, seed);
    for (int i = 0; i < n; i++) {
        vg_sim_target *t = &sc->targets[sc->ntargets++];
        snprintf(t->id, sizeof t->id, "swarm-%06d", i);
        snprintf(t->role, sizeof t->role, "intruder");
        snprintf(t->remote_id, sizeof t->remote_id, "SWARM%06d", i);
        t->type = VG_SIM_DRONE;
        t->rcs_m2 = 0.02;
        t->wp = calloc(2, sizeof *t->wp);
        if (!t->wp) {
            vg_scenario_free(sc);
            return vg_err(err, VG_ENOMEM, "out of memory");
        }
        t->nwp = 2;
        double e = (vg_sim_rng_uniform(&rng) - 0.5) * SQUARE_M;
        double nn = (vg_sim_rng_uniform(&rng) - 0.5) * SQUARE_M;
        double alt = 50 + 100 * vg_sim_rng_uniform(&rng);
        double speed = 5 + 15 * vg_sim_rng_uniform(&rng);
        double heading = 2 * VG_PI * vg_sim_rng_uniform(&rng);
        double len = speed * duration_s;
        t->wp[0] = (vg_sim_waypoint){0, vg_enu_to_geo(&f, (vg_vec3){e, nn, alt})};
        t->wp[1] = (vg_sim_waypoint){duration_s,
                                     vg_enu_to_geo(&f, (vg_vec3){e + len * sin(heading),
                                                                 nn + len * cos(heading), alt})};
    }
    *out = sc;
    return 0;
}

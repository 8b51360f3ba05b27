/* bench/sim.c — the simulator's rate (simulated detections per second of CPU) and
 * the end-to-end rate of what it produces through the engine: each event formatted
 * as a JSON line, parsed back (the decode path of `vigie replay`), and pushed
 * through the tracker and the threat rules — for the Seine scenario and swarms.
 *
 *   bench_sim SOURCE_DIR [SWARM_SECONDS]   (default 60 s of each swarm) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "vigie/engine.h"
#include "vigie/io.h"
#include "vigie/sim.h"

typedef struct events {
    vg_event *ev;
    size_t n, cap;
} events;

static int keep(void *user, const vg_event *ev)
{
    events *e = user;
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 65536;
        vg_event *grown = realloc(e->ev, e->cap * sizeof *grown);
        if (!grown)
            return 1;
        e->ev = grown;
    }
    e->ev[e->n++] = *ev;
    return 0;
}

static int count_only(void *user, const vg_event *ev)
{
    (void)user;
    (void)ev;
    return 0;
}

static void sink(void *user, const vg_event *ev)
{
    (*(uint64_t *)user)++;
    (void)ev;
}

static void measure(const char *name, vg_scenario *sc, double from, double dur, const char *conf)
{
    vg_error err = {0};
    /* 1. The simulator alone. */
    vg_sim_sinks quiet = {NULL, count_only, NULL, NULL};
    vg_sim_stats st;
    double t0 = bench_now_s();
    if (vg_sim_run(sc, from, dur, 0, &quiet, &st, &err) < 0) {
        fprintf(stderr, "bench_sim: %s\n", err.msg);
        return;
    }
    double sim_s = bench_now_s() - t0;
    /* 2. Through format → parse → engine. */
    events e = {0};
    vg_sim_sinks store = {&e, keep, NULL, NULL};
    vg_sim_run(sc, from, dur, 0, &store, &st, &err);
    vg_config cfg;
    vg_config_defaults(&cfg);
    if (conf && vg_config_load_file(&cfg, conf, &err) < 0) {
        fprintf(stderr, "bench_sim: %s\n", err.msg);
        return;
    }
    cfg.tracker.max_tracks = 200000;
    cfg.log.level = VG_LOG_ERROR;
    uint64_t outputs = 0;
    vg_engine *engine;
    vg_logger log = {NULL, NULL, VG_LOG_ERROR};
    if (vg_engine_new(&cfg, sink, &outputs, &log, &engine, &err) < 0 ||
        (conf && vg_engine_load_site_data(engine, &cfg, conf, &log, &err) < 0)) {
        fprintf(stderr, "bench_sim: %s\n", err.msg);
        return;
    }
    char *line = malloc(VG_LINE_MAX + 1);
    vg_event *ev = malloc(sizeof *ev);
    uint64_t refused = 0;
    t0 = bench_now_s();
    for (size_t i = 0; i < e.n; i++) {
        size_t len;
        vg_event_format(&e.ev[i], line, VG_LINE_MAX + 1, &len, NULL);
        if (vg_event_parse(line, len, ev, &err) < 0 || vg_engine_push(engine, ev, &err) < 0)
            refused++;
    }
    vg_engine_flush(engine);
    double e2e_s = bench_now_s() - t0;
    printf("%-28s %9llu detections  sim %10.0f det/s  end-to-end %9.0f det/s  (%llu outputs, "
           "%llu refused)\n",
           name, (unsigned long long)st.detections, (double)st.detections / sim_s,
           (double)st.detections / e2e_s, (unsigned long long)outputs, (unsigned long long)refused);
    fflush(stdout);
    vg_engine_free(engine);
    free(line);
    free(ev);
    free(e.ev);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_sim SOURCE_DIR [SWARM_SECONDS]\n");
        return 2;
    }
    double swarm_s = argc > 2 ? atof(argv[2]) : 60;
    char path[4096], conf[4096];
    snprintf(path, sizeof path, "%s/scenarios/seine-2024.json", argv[1]);
    snprintf(conf, sizeof conf, "%s/scenarios/seine-2024.conf", argv[1]);
    char *text;
    size_t len;
    vg_error err = {0};
    vg_scenario *sc;
    if (vg_read_file(path, 64u << 20, &text, &len, &err) < 0 ||
        vg_scenario_parse(text, len, &sc, &err) < 0) {
        fprintf(stderr, "bench_sim: %s\n", err.msg);
        return 1;
    }
    free(text);
    measure("seine-2024 (40-70 min)", sc, 2400, 1800, conf);
    vg_scenario_free(sc);
    static const int sizes[] = {100, 1000, 10000};
    for (int i = 0; i < 3; i++) {
        char name[64];
        snprintf(name, sizeof name, "swarm %d (%.0f s)", sizes[i], swarm_s);
        if (vg_scenario_swarm(sizes[i], 1, swarm_s, &sc, &err) < 0)
            return 1;
        measure(name, sc, 0, 0, NULL);
        vg_scenario_free(sc);
    }
    return 0;
}

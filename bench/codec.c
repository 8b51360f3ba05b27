/* bench/codec.c — how fast events go in and out: JSON Lines parse and format
 * rates, and the engine's push rate for trivial events (ticks) and for detections.
 *
 * The parse rate is also reported against jansson's bare json_loadb on the same
 * lines, measured in the same run: a ratio that stays meaningful on a shared,
 * noisy machine. Each figure is the best of several rounds. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "vigie/engine.h"
#include "vigie/io.h"

#define ROUNDS 5

typedef struct corpus {
    char **lines;
    size_t *lens;
    size_t n;
} corpus;

static int load(const char *path, corpus *c)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    vg_linereader lr;
    vg_error err;
    if (vg_linereader_init(&lr, f, VG_LINE_MAX, &err) < 0)
        return -1;
    size_t cap = 256;
    c->lines = malloc(cap * sizeof *c->lines);
    c->lens = malloc(cap * sizeof *c->lens);
    c->n = 0;
    const char *line;
    size_t len;
    while (vg_linereader_next(&lr, &line, &len, &err) == 1) {
        if (c->n == cap) {
            cap *= 2;
            c->lines = realloc(c->lines, cap * sizeof *c->lines);
            c->lens = realloc(c->lens, cap * sizeof *c->lens);
        }
        c->lines[c->n] = malloc(len + 1);
        memcpy(c->lines[c->n], line, len + 1);
        c->lens[c->n++] = len;
    }
    vg_linereader_free(&lr);
    fclose(f);
    return c->n ? 0 : -1;
}

static void discard(void *userdata, const vg_event *ev)
{
    (*(size_t *)userdata) += (size_t)ev->type;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "scenarios/demo/seine-mini.jsonl";
    size_t events = argc > 2 ? (size_t)atol(argv[2]) : 200000;
    corpus c;
    if (load(path, &c) < 0) {
        fprintf(stderr, "bench_codec: cannot load %s (run from the source tree)\n", path);
        return 1;
    }
    vg_event *evs = malloc(c.n * sizeof *evs);
    size_t bytes = 0;
    for (size_t i = 0; i < c.n; i++) {
        vg_error err;
        if (vg_event_parse(c.lines[i], c.lens[i], &evs[i], &err) < 0) {
            fprintf(stderr, "bench_codec: %s:%zu: %s\n", path, i + 1, err.msg);
            return 1;
        }
    }
    for (size_t i = 0; i < events; i++)
        bytes += c.lens[i % c.n];

    double best_jansson = 1e9, best_parse = 1e9, best_format = 1e9;
    double best_ticks = 1e9, best_detections = 1e9;
    size_t sink_sum = 0;
    for (int round = 0; round < ROUNDS; round++) {
        double t0 = bench_now_s();
        for (size_t i = 0; i < events; i++) {
            json_error_t jerr;
            json_t *root = json_loadb(c.lines[i % c.n], c.lens[i % c.n], JSON_REJECT_DUPLICATES, &jerr);
            json_decref(root);
        }
        double t1 = bench_now_s();
        vg_event ev;
        for (size_t i = 0; i < events; i++)
            vg_event_parse(c.lines[i % c.n], c.lens[i % c.n], &ev, NULL);
        double t2 = bench_now_s();
        static char line[VG_LINE_MAX + 1];
        size_t n;
        for (size_t i = 0; i < events; i++)
            vg_event_format(&evs[i % c.n], line, sizeof line, &n, NULL);
        double t3 = bench_now_s();
        best_jansson = t1 - t0 < best_jansson ? t1 - t0 : best_jansson;
        best_parse = t2 - t1 < best_parse ? t2 - t1 : best_parse;
        best_format = t3 - t2 < best_format ? t3 - t2 : best_format;

        /* Engine: trivial events, then the sample's events with times shifted so the
         * stream stays in order across repetitions. */
        vg_config cfg;
        vg_config_defaults(&cfg);
        vg_engine *e;
        vg_error err;
        if (vg_engine_new(&cfg, discard, &sink_sum, NULL, &e, &err) < 0) {
            fprintf(stderr, "bench_codec: %s\n", err.msg);
            return 1;
        }
        vg_event tick;
        vg_event_init(&tick, VG_EV_TICK, 0);
        double t4 = bench_now_s();
        for (size_t i = 0; i < events; i++) {
            tick.time = (vg_time)i;
            vg_engine_push(e, &tick, NULL);
        }
        double t5 = bench_now_s();
        vg_engine_free(e);
        vg_engine_new(&cfg, discard, &sink_sum, NULL, &e, &err);
        vg_time span = evs[c.n - 1].time - evs[0].time + VG_TIME_S;
        double t6 = bench_now_s();
        for (size_t i = 0; i < events; i++) {
            ev = evs[i % c.n];
            ev.time += (vg_time)(i / c.n) * span;
            vg_engine_push(e, &ev, NULL);
        }
        vg_engine_flush(e);
        double t7 = bench_now_s();
        vg_engine_free(e);
        best_ticks = t5 - t4 < best_ticks ? t5 - t4 : best_ticks;
        best_detections = t7 - t6 < best_detections ? t7 - t6 : best_detections;
    }
    double ev_n = (double)events;
    printf("bench_codec: %zu events from %s (%zu distinct lines, %.0f bytes/line), best of %d\n",
           events, path, c.n, (double)bytes / ev_n, ROUNDS);
    printf("  jansson json_loadb (baseline)   %10.0f lines/s  %7.1f MB/s\n",
           ev_n / best_jansson, (double)bytes / best_jansson / 1e6);
    printf("  vg_event_parse                  %10.0f events/s %7.1f MB/s  (%.2fx the baseline's time)\n",
           ev_n / best_parse, (double)bytes / best_parse / 1e6, best_parse / best_jansson);
    printf("  vg_event_format                 %10.0f events/s\n", ev_n / best_format);
    printf("  vg_engine_push, ticks           %10.0f events/s\n", ev_n / best_ticks);
    printf("  vg_engine_push, sample events   %10.0f events/s\n", ev_n / best_detections);
    printf("  (sink checksum %zu)\n", sink_sum);
    for (size_t i = 0; i < c.n; i++)
        free(c.lines[i]);
    free(c.lines);
    free(c.lens);
    free(evs);
    return 0;
}

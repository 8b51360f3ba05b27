/* bench/tracker.c — the tracker's speed on a recorded scene, parsing excluded.
 *
 * Loads a JSON Lines input (typically bench_gen_reference's), parses every event
 * once into memory, then times vg_engine_push over the whole run: detections per
 * second, microseconds per scan, and memory per track. Best of several rounds; each
 * round uses a fresh engine, so the figures include track creation and deletion
 * (not the engine's own set-up by the events before the first detection).
 *
 *   bench_tracker INPUT.jsonl CONFIG.conf [ROUNDS] */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "vigie/engine.h"
#include "vigie/io.h"

/* What the engine reads of a detection event (all but its attrs text, which only a
 * Remote ID detection's operator makes it read), and how many events ahead the
 * harness asks for it. */
#define EVENT_HEAD (offsetof(vg_event, u) + offsetof(vg_detection, attrs))
enum { EVENT_AHEAD = 4 };

static void count_output(void *userdata, const vg_event *ev)
{
    (*(size_t *)userdata)++;
    (void)ev;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_tracker INPUT.jsonl CONFIG.conf [ROUNDS]\n");
        return 2;
    }
    int rounds = argc > 3 ? atoi(argv[3]) : 3;
    vg_config cfg;
    vg_config_defaults(&cfg);
    vg_error err;
    if (vg_config_load_file(&cfg, argv[2], &err) < 0) {
        fprintf(stderr, "bench_tracker: %s\n", err.msg);
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    size_t n = 0, cap = 1 << 16, detections = 0;
    vg_event *evs = malloc(cap * sizeof *evs);
    vg_linereader lr;
    if (!evs || vg_linereader_init(&lr, f, VG_LINE_MAX, &err) < 0)
        return 1;
    const char *line;
    size_t len;
    vg_time scans_t = VG_TIME_MIN;
    size_t scans = 0;
    while (vg_linereader_next(&lr, &line, &len, &err) == 1) {
        if (n == cap) {
            cap *= 2;
            evs = realloc(evs, cap * sizeof *evs);
            if (!evs)
                return 1;
        }
        if (vg_event_parse(line, len, &evs[n], &err) < 0) {
            fprintf(stderr, "bench_tracker: %s:%zu: %s\n", argv[1], lr.lineno, err.msg);
            return 1;
        }
        if (evs[n].type == VG_EV_DETECTION) {
            detections++;
            if (evs[n].time != scans_t) {
                scans++;
                scans_t = evs[n].time;
            }
        }
        n++;
    }
    vg_linereader_free(&lr);
    fclose(f);

    double best = 1e300;
    size_t outputs = 0;
    vg_engine_stats st = {0};
    for (int r = 0; r < rounds; r++) {
        vg_engine *e;
        outputs = 0;
        if (vg_engine_new(&cfg, count_output, &outputs, NULL, &e, &err) < 0) {
            fprintf(stderr, "bench_tracker: %s\n", err.msg);
            return 1;
        }
        /* The events before the first detection (site, sensors) set the engine up,
         * creating the tracker: that one-time cost is not per detection. */
        size_t i = 0;
        while (i < n && evs[i].type != VG_EV_DETECTION)
            vg_engine_push(e, &evs[i++], NULL);
        double t0 = bench_now_s();
        for (; i < n; i++) {
            /* In vigie replay (and the daemon) an event reaches the engine straight
             * from the parser, in cache; here they lie in a large array, each first
             * read from memory. Asking for the next ones' first lines ahead keeps that
             * wait — the harness's, not the engine's — out of the figure. */
            if (i + EVENT_AHEAD < n)
                for (size_t b = 0; b < EVENT_HEAD + 63; b += 64) /* lines it spans */
                    __builtin_prefetch((const char *)&evs[i + EVENT_AHEAD] + b);
            vg_engine_push(e, &evs[i], NULL);
        }
        vg_engine_flush(e);
        double t = bench_now_s() - t0;
        vg_engine_get_stats(e, &st);
        vg_engine_free(e);
        if (t < best)
            best = t;
    }
    printf("bench_tracker: %s: %zu detections in %zu scans, best of %d rounds\n", argv[1],
           detections, scans, rounds);
    printf("  %.0f detections/s, %.1f us per scan, %.3f s in the engine\n",
           (double)detections / best, best * 1e6 / (double)(scans ? scans : 1), best);
    printf("  tracks: %llu started, %llu confirmed, %u live at the end; %zu outputs\n",
           (unsigned long long)st.tracker.started, (unsigned long long)st.tracker.confirmed,
           st.tracker.live, outputs);
    printf("  memory per track: %zu bytes (%s model)\n", vg_tracker_track_bytes(cfg.tracker.model),
           cfg.tracker.model == VG_TRACK_MODEL_IMM ? "IMM" : "CV");
    free(evs);
    return 0;
}

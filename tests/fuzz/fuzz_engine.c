/* tests/fuzz/fuzz_engine.c — libFuzzer target for the engine: the input is a JSON
 * Lines session; every line that parses is pushed into one engine, and every output
 * must be writable. Exercises the sensor registry, site changes, time order and
 * locating detections with hostile but well-typed values, under both motion models. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vigie/engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_output(void *userdata, const vg_event *ev)
{
    static char line[VG_LINE_MAX + 1];
    size_t n;
    (void)userdata;
    if (vg_event_format(ev, line, sizeof line, &n, NULL) < 0)
        __builtin_trap(); /* the engine emitted something unwritable (NaN, bad enum) */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_config cfg;
    vg_config_defaults(&cfg);
    cfg.engine.max_sensors = 4;
    /* Both motion models, by the input's length: CV tracks take the compact axes
     * form and leave it, IMM ones never do. */
    cfg.tracker.model = size % 2 ? VG_TRACK_MODEL_CV : VG_TRACK_MODEL_IMM;
    cfg.tracker.max_tracks = 64; /* small: creation cost dominates short inputs */
    cfg.tracker.max_scan = 64;
    vg_engine *e;
    if (vg_engine_new(&cfg, check_output, NULL, NULL, &e, NULL) < 0)
        return 0;
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        vg_event ev;
        vg_error err;
        if (vg_event_parse(p, len, &ev, &err) == 0)
            vg_engine_push(e, &ev, &err);
        p += len + 1;
    }
    vg_engine_flush(e);
    vg_engine_free(e);
    return 0;
}

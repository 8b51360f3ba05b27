/* tests/fuzz/fuzz_scenario.c — scenario files: parse, and when one parses, run a
 * few seconds of it to check the models on whatever the file holds. */
#include <stddef.h>
#include <stdint.h>

#include "vigie/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int sink_event(void *user, const vg_event *ev)
{
    (void)user;
    (void)ev;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_scenario *sc;
    vg_error err = {0};
    if (size > 65536 || vg_scenario_parse((const char *)data, size, &sc, &err) != 0)
        return 0;
    /* Bounded work: a few seconds, few targets. */
    if (sc->ntargets <= 20 && sc->nsensors <= 20) {
        vg_sim_sinks sinks = {NULL, sink_event, NULL, NULL};
        vg_sim_stats st;
        (void)vg_sim_run(sc, 0, 3, 1, &sinks, &st, &err);
    }
    vg_scenario_free(sc);
    return 0;
}

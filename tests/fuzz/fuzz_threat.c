/* tests/fuzz/fuzz_threat.c — libFuzzer target for the threat module's JSON inputs:
 * the same bytes as a whitelist file, an assets file, a coverage file, and the args
 * of every threat command. A rejection must carry a message; every alert emitted
 * must be writable by the event codec and read back. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vigie/threat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_alert(void *ud, const vg_event *ev)
{
    (void)ud;
    static char line[4096];
    static vg_event back;
    size_t len;
    if (vg_event_format(ev, line, sizeof line, &len, NULL) < 0 ||
        vg_event_parse(line, len, &back, NULL) < 0)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_threat *th;
    vg_threat_opts o = {.alerts = 8, .whitelist = 8, .assets = 8, .coverage_zones = 4};
    if (vg_threat_create(&th, &o, NULL) < 0)
        __builtin_trap();
    vg_error err;
    const char *s = (const char *)data;
    vg_err_clear(&err);
    if (vg_threat_load_whitelist(th, s, size, &err) < 0 && err.msg[0] == '\0')
        __builtin_trap();
    vg_err_clear(&err);
    if (vg_threat_load_assets(th, s, size, &err) < 0 && err.msg[0] == '\0')
        __builtin_trap();
    vg_err_clear(&err);
    if (vg_threat_load_coverage(th, s, size, &err) < 0 && err.msg[0] == '\0')
        __builtin_trap();

    static vg_postures post;
    vg_postures_init(&post, 0);
    /* one alert to act on, with a pilot position and an identity */
    vg_track tr;
    memset(&tr, 0, sizeof tr);
    tr.id = 1;
    tr.pos = (vg_geo){48.853, 2.3499, 120};
    tr.class_p[VG_CLASS_DRONE] = 1;
    tr.identity.source = VG_IDSRC_REMOTEID;
    strcpy(tr.identity.id, "1596F3A8B2C4D5E6F7A8");
    tr.has_operator = true;
    tr.operator_pos = (vg_geo){48.85905, 2.3369, 80};
    tr.integrity = VG_INTEG_DUPLICATE_ID;
    if (vg_threat_track(th, &tr, 0, NULL, NULL, &post, check_alert, NULL, &err) < 0)
        __builtin_trap();
    vg_threat_sensor_status(th, "s", false, 0, &post, check_alert, NULL, &err);

    static const char *const kinds[] = {"alert_ack", "alert_dispatch", "alert_resolve",
                                        "alert_false_alarm", "whitelist_add",
                                        "whitelist_remove"};
    vg_command c;
    memset(&c, 0, sizeof c);
    strcpy(c.user, "fuzz");
    c.role = VG_ROLE_COMMANDER;
    size_t n = size < sizeof c.args - 1 ? size : sizeof c.args - 1;
    memcpy(c.args, data, n);
    c.args[n] = '\0';
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        strcpy(c.kind, kinds[k]);
        vg_err_clear(&err);
        if (vg_threat_command(th, &c, 1, check_alert, NULL, &err) < 0 && err.msg[0] == '\0')
            __builtin_trap();
    }
    vg_threat_track(th, &tr, 2, NULL, NULL, &post, check_alert, NULL, &err);
    vg_threat_tick(th, 1000000000, check_alert, NULL);
    vg_threat_free(th);
    return 0;
}

/* tests/fuzz/fuzz_patrol.c — the patrol module's parsers: command args, data files
 * and plan inputs. The first byte picks the parser; the rest is its input. Commands
 * run against a module holding a site, two units and an open dispatch, so the
 * state-changing paths are reached too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigie/patrol.h"

static void ignore(void *ud, const vg_event *ev)
{
    (void)ud;
    (void)ev;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    static const char *const kinds[] = {"unit_add", "unit_position", "unit_status",
                                        "site_add", "dispatch_confirm", "dispatch_outcome"};
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    vg_error err;
    uint8_t which = data[0] % 10;
    if (which == 6) {
        vg_plan_input in;
        if (vg_plan_input_parse(text, len, &in, &err) == 0)
            vg_plan_input_free(&in);
        return 0;
    }
    vg_patrol *p;
    vg_patrol_opts o = {.units = 64, .sites = 64, .dispatches = 8};
    if (vg_patrol_create(&p, &o, NULL, &err) != 0)
        return 0;
    const char *site = "[{\"id\":\"s\",\"category\":\"station\",\"lat\":48.85,\"lon\":2.35}]";
    const char *units = "[{\"unit\":\"u1\",\"force\":\"police\",\"capabilities\":[\"intercept\"],"
                        "\"lat\":48.851,\"lon\":2.35},{\"unit\":\"u2\",\"force\":\"army\"}]";
    vg_patrol_load_sites(p, site, strlen(site), 0, &err);
    vg_patrol_load_units(p, units, strlen(units), 0, &err);
    vg_alert a = {.id = 1, .track = 1, .state = VG_ALERT_RAISED};
    vg_geo pilot = {48.852, 2.351, 0};
    vg_patrol_alert(p, &a, &pilot, 1000000, ignore, NULL);
    if (which < 6) {
        vg_command c;
        memset(&c, 0, sizeof c);
        strcpy(c.kind, kinds[which]);
        c.role = (vg_role)(data[0] / 10 % VG_ROLE_COUNT);
        if (len < sizeof c.args) {
            memcpy(c.args, text, len);
            vg_postures ps;
            vg_postures_init(&ps, 0);
            vg_patrol_command(p, &c, 2000000, &ps, ignore, NULL, &err);
            vg_patrol_tick(p, 3000000, &ps, ignore, NULL);
        }
    } else if (which == 7) {
        vg_patrol_load_units(p, text, len, 0, &err);
    } else if (which == 8) {
        vg_patrol_load_sites(p, text, len, 0, &err);
    } else {
        vg_patrol_site s;
        vg_unit u;
        vg_patrol_parse_site(text, len, 0, &s, &err);
        vg_patrol_parse_unit(text, len, &u, &err);
    }
    vg_patrol_free(p);
    return 0;
}

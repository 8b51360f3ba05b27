/* event/event.c — the names of event types and enumerations on the wire.
 *
 * One table per enumeration, indexed by its value, so that a name and its value can
 * never drift apart; the parser and the formatter both read these tables. */
#include "vigie/event.h"

#include <string.h>

#include "event/names.h"

const char *const vg_names_event_type[VG_EV_TYPE_COUNT] = {
    [VG_EV_NONE] = "none",
    [VG_EV_SENSOR] = "sensor",
    [VG_EV_DETECTION] = "detection",
    [VG_EV_COMMAND] = "command",
    [VG_EV_SITE] = "site",
    [VG_EV_TICK] = "tick",
    [VG_EV_TRACK] = "track",
    [VG_EV_TRACK_DROP] = "track_drop",
    [VG_EV_ALERT] = "alert",
    [VG_EV_DISPATCH] = "dispatch",
    [VG_EV_POSTURE] = "posture",
    [VG_EV_SENSOR_STATUS] = "sensor_status",
};
const char *const vg_names_sensor_kind[VG_SENSOR_KIND_COUNT] = {
    "radar", "rf", "remoteid", "adsb", "camera", "other",
};
const char *const vg_names_identity_source[VG_IDSRC_COUNT] = {
    "none", "remoteid", "frbeacon", "adsb", "rf",
};
const char *const vg_names_role[VG_ROLE_COUNT] = {
    "viewer", "operator", "commander", "admin",
};
const char *const vg_names_track_status[VG_TRACK_STATUS_COUNT] = {
    "tentative", "confirmed", "coasting",
};
const char *const vg_names_severity[VG_SEV_COUNT] = {
    "info", "warning", "critical",
};
const char *const vg_names_alert_state[VG_ALERT_STATE_COUNT] = {
    "raised", "acknowledged", "dispatched", "resolved", "false_alarm",
};
const char *const vg_names_posture_level[VG_POSTURE_LEVEL_COUNT] = {
    "vigilance", "securite_renforcee", "urgence_attentat",
};
const char *const vg_names_alt_ref[2] = {"WGS84", "AMSL"};
const char *const vg_names_updown[2] = {"down", "up"};
const char *const vg_names_integrity[VG_INTEG_COUNT] = {
    "impossible_speed", "teleport", "duplicate_id", "counter_backwards",
    "timestamp_mismatch", "identity_outside_gate",
};

static const char *name_or(const char *const *names, int count, int v)
{
    return v >= 0 && v < count ? names[v] : "invalid";
}

int vg_name_lookup(const char *const *names, int count, const char *name)
{
    for (int i = 0; i < count; i++)
        if (names[i] && strcmp(names[i], name) == 0)
            return i;
    return -1;
}

const char *vg_event_type_name(vg_event_type t)
{
    return name_or(vg_names_event_type, VG_EV_TYPE_COUNT, (int)t);
}

int vg_event_type_parse(const char *name, vg_event_type *out)
{
    int v = vg_name_lookup(vg_names_event_type, VG_EV_TYPE_COUNT, name);
    if (v <= 0)
        return VG_EUNKNOWN;
    *out = (vg_event_type)v;
    return 0;
}

bool vg_event_is_input(vg_event_type t)
{
    return t >= VG_EV_SENSOR && t <= VG_EV_TICK;
}

const char *vg_sensor_kind_name(vg_sensor_kind k)
{
    return name_or(vg_names_sensor_kind, VG_SENSOR_KIND_COUNT, (int)k);
}

const char *vg_identity_source_name(vg_identity_source s)
{
    return name_or(vg_names_identity_source, VG_IDSRC_COUNT, (int)s);
}

const char *vg_role_name(vg_role r)
{
    return name_or(vg_names_role, VG_ROLE_COUNT, (int)r);
}

const char *vg_track_status_name(vg_track_status s)
{
    return name_or(vg_names_track_status, VG_TRACK_STATUS_COUNT, (int)s);
}

const char *vg_severity_name(vg_severity s)
{
    return name_or(vg_names_severity, VG_SEV_COUNT, (int)s);
}

const char *vg_alert_state_name(vg_alert_state s)
{
    return name_or(vg_names_alert_state, VG_ALERT_STATE_COUNT, (int)s);
}

const char *vg_posture_level_name(vg_posture_level l)
{
    return name_or(vg_names_posture_level, VG_POSTURE_LEVEL_COUNT, (int)l);
}

const char *vg_integrity_name(uint32_t single_flag)
{
    for (int i = 0; i < VG_INTEG_COUNT; i++)
        if (single_flag == 1u << i)
            return vg_names_integrity[i];
    return "invalid";
}

void vg_event_init(vg_event *ev, vg_event_type type, vg_time time)
{
    memset(ev, 0, sizeof *ev);
    ev->type = type;
    ev->time = time;
}

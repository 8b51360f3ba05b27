/* event/names.h — wire-name tables shared by the parser and the formatter (private
 * to the event module). Each table is indexed by the enumeration's value. */
#ifndef VIGIE_EVENT_NAMES_H
#define VIGIE_EVENT_NAMES_H

#include "vigie/event.h"

extern const char *const vg_names_event_type[VG_EV_TYPE_COUNT];
extern const char *const vg_names_sensor_kind[VG_SENSOR_KIND_COUNT];
extern const char *const vg_names_identity_source[VG_IDSRC_COUNT];
extern const char *const vg_names_role[VG_ROLE_COUNT];
extern const char *const vg_names_track_status[VG_TRACK_STATUS_COUNT];
extern const char *const vg_names_severity[VG_SEV_COUNT];
extern const char *const vg_names_alert_state[VG_ALERT_STATE_COUNT];
extern const char *const vg_names_posture_level[VG_POSTURE_LEVEL_COUNT];
extern const char *const vg_names_alt_ref[2];
extern const char *const vg_names_updown[2];
extern const char *const vg_names_integrity[VG_INTEG_COUNT];

/* Index of name in names[0..count), or -1. */
int vg_name_lookup(const char *const *names, int count, const char *name);

#endif

/* vigie/event.h — the event model: everything that enters or leaves the engine.
 *
 * Inputs (sensor declarations, detections, operator commands, the site, ticks) and
 * outputs (tracks, alerts, dispatch proposals, postures, sensor status) are one
 * tagged struct, vg_event, with a JSON Lines text form that is vigie's public
 * contract (docs/formats.md). Events are self-contained values of fixed size — no
 * pointers — so they can be queued between threads, journaled and copied freely.
 * Strings are bounded; longer input is rejected with a clear error, never cut. */
#ifndef VIGIE_EVENT_H
#define VIGIE_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigie/error.h"
#include "vigie/geo.h"
#include "vigie/time.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VG_ID_MAX 64          /* identifiers, with the NUL: 63 bytes of UTF-8 */
#define VG_KIND_MAX 32        /* command kinds, rule names */
#define VG_TEXT_MAX 256       /* free text: alert messages, reasons */
#define VG_JSON_MAX 1024      /* attrs / args objects, as compact JSON text */
#define VG_LINE_MAX 65536     /* one JSON Lines line, newline excluded */

typedef enum vg_event_type {
    VG_EV_NONE = 0,
    /* inputs */
    VG_EV_SENSOR,
    VG_EV_DETECTION,
    VG_EV_COMMAND,
    VG_EV_SITE,
    VG_EV_TICK,
    /* outputs */
    VG_EV_TRACK,
    VG_EV_TRACK_DROP,
    VG_EV_ALERT,
    VG_EV_DISPATCH,
    VG_EV_POSTURE,
    VG_EV_SENSOR_STATUS,
    VG_EV_TYPE_COUNT
} vg_event_type;

/* Altitudes are metres above the WGS84 ellipsoid unless a source says AMSL; the
 * engine converts AMSL with the site's geoid undulation. */
typedef enum vg_alt_ref { VG_ALT_WGS84 = 0, VG_ALT_AMSL = 1 } vg_alt_ref;

typedef enum vg_sensor_kind {
    VG_SENSOR_RADAR = 0,
    VG_SENSOR_RF,
    VG_SENSOR_REMOTEID,
    VG_SENSOR_ADSB,
    VG_SENSOR_CAMERA,
    VG_SENSOR_OTHER,
    VG_SENSOR_KIND_COUNT
} vg_sensor_kind;

/* "sensor": declares a sensor, or updates some of its fields. A first declaration
 * needs kind and position (the engine checks); an update may carry only a status. */
typedef struct vg_sensor_ev {
    char id[VG_ID_MAX];
    bool has_kind, has_pos, has_range, has_status;
    vg_sensor_kind kind;
    vg_geo pos;
    vg_alt_ref alt_ref;
    double range_m;
    bool up;
} vg_sensor_ev;

typedef enum vg_meas_kind {
    VG_MEAS_GEODETIC = 1, /* WGS84 position with horizontal and vertical sigma */
    VG_MEAS_ENU,          /* metres in the site frame, one isotropic sigma */
    VG_MEAS_POLAR,        /* range/azimuth/elevation from the sensor */
    VG_MEAS_BEARING       /* direction only, from the sensor */
} vg_meas_kind;

typedef struct vg_measurement {
    vg_meas_kind kind;
    union {
        struct { vg_geo pos; vg_alt_ref alt_ref; double sigma_h, sigma_v; } geodetic;
        struct { vg_vec3 pos; double sigma; } enu;
        struct {
            double range, az, el, sigma_range, sigma_az, sigma_el;
            bool has_range_rate;
            double range_rate, sigma_range_rate; /* m/s, positive moving away */
        } polar;
        struct { double az, sigma_az; bool has_el; double el, sigma_el; } bearing;
    } u;
} vg_measurement;

typedef enum vg_identity_source {
    VG_IDSRC_NONE = 0,
    VG_IDSRC_REMOTEID,
    VG_IDSRC_FRBEACON,
    VG_IDSRC_ADSB,
    VG_IDSRC_RF,
    VG_IDSRC_COUNT
} vg_identity_source;

typedef struct vg_identity {
    vg_identity_source source; /* VG_IDSRC_NONE: no identity */
    char id[VG_ID_MAX];
} vg_identity;

enum { VG_CLASS_DRONE = 0, VG_CLASS_BIRD, VG_CLASS_AIRCRAFT, VG_CLASS_UNKNOWN, VG_CLASS_COUNT };

/* Integrity signals a source attaches to a detection it doubts (a spoofed or
 * replayed Remote ID, a confused transmitter). Bit flags; on the wire an array of
 * names in this order: "impossible_speed", "teleport", "duplicate_id",
 * "counter_backwards", "timestamp_mismatch", "identity_outside_gate". */
enum {
    VG_INTEG_IMPOSSIBLE_SPEED = 1u << 0,   /* faster than any drone between two fixes */
    VG_INTEG_TELEPORT = 1u << 1,           /* a jump no speed explains (e.g. no time) */
    VG_INTEG_DUPLICATE_ID = 1u << 2,       /* same UAS ID from transmitters far apart */
    VG_INTEG_COUNTER_BACKWARDS = 1u << 3,  /* message counter went back */
    VG_INTEG_TIMESTAMP_MISMATCH = 1u << 4, /* location time far from reception time */
    VG_INTEG_IDENTITY_OUTSIDE_GATE = 1u << 5, /* identity matches a track, position does not */
    VG_INTEG_COUNT = 6
};

/* "detection": one measurement of one object by one sensor. */
typedef struct vg_detection {
    char sensor[VG_ID_MAX];
    vg_measurement meas;
    bool has_velocity;
    vg_vec3 velocity;           /* ve, vn, vu in m/s */
    vg_identity identity;
    bool has_operator, operator_has_alt;
    vg_geo operator_pos;        /* the pilot or take-off position */
    vg_alt_ref operator_alt_ref;
    bool has_class_hint;
    double class_hint[3];       /* P(drone), P(bird), P(aircraft); the rest is unknown */
    uint32_t integrity;         /* VG_INTEG_* flags, 0 when nothing is doubted */
    bool has_scan;
    uint64_t scan;              /* groups a sensor's detections into one scan */
    char attrs[VG_JSON_MAX];    /* compact JSON object text, "" when absent */
} vg_detection;

typedef enum vg_role {
    VG_ROLE_VIEWER = 0,
    VG_ROLE_OPERATOR,
    VG_ROLE_COMMANDER,
    VG_ROLE_ADMIN,
    VG_ROLE_COUNT
} vg_role;

/* "command": an operator action. The kind names the action (posture_set, alert_ack,
 * whitelist_add, zone_import, unit_position, ...) and args its parameters; each
 * module validates the args of the kinds it handles. */
typedef struct vg_command {
    char kind[VG_KIND_MAX];
    char user[VG_ID_MAX];
    vg_role role;
    char args[VG_JSON_MAX];     /* compact JSON object text, "" when absent */
} vg_command;

/* "site": the origin of the local frame and the local geoid undulation (metres,
 * ellipsoid height = AMSL height + undulation), optionally the ground elevation. */
typedef struct vg_site {
    vg_geo origin;
    vg_alt_ref alt_ref;
    double geoid_undulation;
    bool has_ground_elevation;
    double ground_elevation;    /* metres AMSL */
} vg_site;

typedef enum vg_track_status {
    VG_TRACK_TENTATIVE = 0,
    VG_TRACK_CONFIRMED,
    VG_TRACK_COASTING,
    VG_TRACK_STATUS_COUNT
} vg_track_status;

/* "track": the state of one object as the engine believes it. */
typedef struct vg_track {
    uint64_t id;
    vg_track_status status;
    vg_geo pos;                 /* WGS84 ellipsoid height */
    vg_vec3 velocity;           /* ENU m/s */
    double sigma_h, sigma_v;    /* 1-sigma position uncertainty, metres */
    vg_identity identity;
    double class_p[VG_CLASS_COUNT];
    uint32_t updates;
    char sensor[VG_ID_MAX];     /* the sensor of the latest update */
    bool has_operator, operator_has_alt;
    vg_geo operator_pos;        /* WGS84 ellipsoid height */
    uint32_t integrity;         /* VG_INTEG_* flags raised by its detections */
    vg_time born;               /* its first detection: for the rules' identification
                                 * grace, not part of the JSON line */
} vg_track;

typedef struct vg_track_drop {
    uint64_t id;
    char reason[VG_KIND_MAX];   /* "timeout", "covariance", "merged", ... */
} vg_track_drop;

typedef enum vg_severity { VG_SEV_INFO = 0, VG_SEV_WARNING, VG_SEV_CRITICAL, VG_SEV_COUNT } vg_severity;

typedef enum vg_alert_state {
    VG_ALERT_RAISED = 0,
    VG_ALERT_ACKNOWLEDGED,
    VG_ALERT_DISPATCHED,
    VG_ALERT_RESOLVED,
    VG_ALERT_FALSE_ALARM,
    VG_ALERT_STATE_COUNT
} vg_alert_state;

typedef struct vg_alert {
    uint64_t id;
    uint64_t track;             /* 0: not about a track (a coverage gap, a sensor) */
    char rule[VG_KIND_MAX];
    vg_severity severity;
    vg_alert_state state;
    char zone[VG_ID_MAX];       /* "" when no zone is involved */
    char message[VG_TEXT_MAX];
} vg_alert;

typedef struct vg_dispatch {
    uint64_t alert;
    char unit[VG_ID_MAX];
    double eta_s;
    char state[VG_KIND_MAX];    /* "proposed", "en_route", "on_scene", ... (docs/patrol.md) */
    uint32_t rank;              /* a proposal's place, 1 = best; 0: absent */
    bool has_target;
    vg_geo target;              /* the pilot or take-off position (lat, lon; alt unused) */
} vg_dispatch;

typedef enum vg_posture_level {
    VG_POSTURE_VIGILANCE = 0,
    VG_POSTURE_SECURITE_RENFORCEE,
    VG_POSTURE_URGENCE_ATTENTAT,
    VG_POSTURE_LEVEL_COUNT
} vg_posture_level;

typedef struct vg_posture {
    vg_posture_level level;
    char scope[VG_ID_MAX];      /* "national" or a zone identifier */
    char name[VG_TEXT_MAX];
    char user[VG_ID_MAX];       /* who decided it */
} vg_posture;

typedef struct vg_sensor_status {
    char sensor[VG_ID_MAX];
    bool up;
    char reason[VG_TEXT_MAX];
} vg_sensor_status;

typedef struct vg_event {
    vg_event_type type;
    vg_time time;
    union {
        vg_sensor_ev sensor;
        vg_detection detection;
        vg_command command;
        vg_site site;
        vg_track track;
        vg_track_drop track_drop;
        vg_alert alert;
        vg_dispatch dispatch;
        vg_posture posture;
        vg_sensor_status sensor_status;
    } u;
} vg_event;

/* Names used on the wire, and their inverses (VG_EUNKNOWN for an unknown name). */
const char *vg_event_type_name(vg_event_type t);
int vg_event_type_parse(const char *name, vg_event_type *out);
bool vg_event_is_input(vg_event_type t);
const char *vg_sensor_kind_name(vg_sensor_kind k);
const char *vg_identity_source_name(vg_identity_source s);
const char *vg_role_name(vg_role r);
const char *vg_track_status_name(vg_track_status s);
const char *vg_severity_name(vg_severity s);
const char *vg_alert_state_name(vg_alert_state s);
const char *vg_posture_level_name(vg_posture_level l);
const char *vg_integrity_name(uint32_t single_flag); /* "invalid" unless one known bit */

/* Zero ev and set its type and time. */
void vg_event_init(vg_event *ev, vg_event_type type, vg_time time);

/* Parse one JSON Lines line (line[0..len), no newline needed, not NUL-terminated)
 * into ev. Rejects — with a message naming the field ("detection.geodetic.lat:
 * expected a number") — malformed JSON, invalid UTF-8, duplicate keys, unknown
 * fields, wrong types, missing fields, out-of-range or non-finite numbers, strings
 * too long for their field, and lines longer than VG_LINE_MAX. On error ev is
 * unspecified. Uses jansson, which allocates while parsing. */
int vg_event_parse(const char *line, size_t len, vg_event *ev, vg_error *err);

/* Write ev as one JSON line (no newline) into buf[0..cap), NUL-terminated, in the
 * canonical form: fixed field order, shortest exact numbers, canonical time. Sets
 * *len (may be NULL). Returns 0, VG_ETOOBIG if cap is too small, or VG_EINVAL for
 * an event that cannot be written (unknown type, non-finite number). A line written
 * here parses back to an equal event, and is rewritten byte for byte. */
int vg_event_format(const vg_event *ev, char *buf, size_t cap, size_t *len, vg_error *err);

#ifdef __cplusplus
}
#endif
#endif

/* vigie/frbeacon.h — the French "signalement électronique" beacon payload.
 *
 * Drones of 800 g and more flying in France broadcast, in a Wi-Fi beacon, a
 * vendor-specific element (ID 221) with OUI 6A:5C:35 and OUI type 0x01 followed by
 * TLVs (arrêté of 27 December 2019, annex): 1-byte type, 1-byte length, value
 * big-endian. This module decodes and encodes the TLV part only — what follows
 * the OUI type byte; finding the element in a frame belongs to the 802.11 decoder.
 *
 *   type  field                      length  value
 *   1     protocol version           1       uint8 (1)
 *   2     French ID                  30      ASCII: manufacturer (3), model (3), serial (24)
 *   3     ANSI/CTA-2063-A serial     var.    ASCII (at most 20 characters)
 *   4, 5  latitude, longitude        4, 4    int32, degrees ×1e5, WGS84
 *   6     altitude                   2       int16, metres above mean sea level
 *   7     height above take-off      2       int16, metres
 *   8, 9  take-off lat, lon          4, 4    int32, degrees ×1e5
 *   10    ground speed               1       uint8, m/s
 *   11    true course                2       uint16, degrees 0..359
 *
 * Checked against opendroneid-core-c (wifi.c, frdid_build) and droneID_FR
 * (Pierre Kancir's transmitter); both write this layout, types in this order.
 *
 * Decisions:
 * - Mandatory: version, an identifier (French ID or ANSI serial, at least one),
 *   latitude, longitude, altitude, height, take-off latitude and longitude, ground
 *   speed and course — the data the arrêté requires a beacon to broadcast, as
 *   both reference transmitters send them (droneID_FR always sends all but the
 *   ANSI serial; opendroneid omits a field only when it has no value for it). A
 *   payload missing one is rejected with VG_EMISSING; *out then still holds what
 *   was present (see `present`), for tools that want to show partial beacons.
 * - Unknown types (0 and 12..255) are skipped, for forward compatibility: a later
 *   version of the arrêté may add fields, and the known ones keep their meaning.
 * - A known type repeated is rejected (VG_EINVAL): two different positions in one
 *   beacon can only be an error or a forgery, and "last wins" would hide it.
 * - Lengths are exact for fixed-size types (a 3-byte latitude is VG_EINVAL).
 * - Identifiers must be printable ASCII (0x20..0x7E), optionally followed by NUL
 *   padding (opendroneid pads the French ID with NULs). An all-NUL French ID or
 *   ANSI serial counts as absent.
 * - Out of range: latitude beyond ±90°, longitude beyond ±180°, course above 360
 *   → VG_ERANGE; a course of 360 is north (0).
 * - Any protocol version value is accepted and kept (only version 1 exists).
 * - Encoding rounds latitudes and longitudes to nearest (ties away from zero);
 *   opendroneid adds 0.5 and truncates, which differs for negative values.
 *
 * Errors start with "fr-beacon: ", followed by the field and the byte offset. */
#ifndef VIGIE_FRBEACON_H
#define VIGIE_FRBEACON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigie/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VG_FRB_OUI0 0x6A
#define VG_FRB_OUI1 0x5C
#define VG_FRB_OUI2 0x35
#define VG_FRB_OUI_TYPE 0x01
#define VG_FRB_ID_LEN 30
#define VG_FRB_ANSI_MAX 20
#define VG_FRB_ENCODED_MAX 96     /* every known TLV, longest values */

enum {
    VG_FRB_T_VERSION = 1,
    VG_FRB_T_FR_ID = 2,
    VG_FRB_T_ANSI_ID = 3,
    VG_FRB_T_LAT = 4,
    VG_FRB_T_LON = 5,
    VG_FRB_T_ALT = 6,
    VG_FRB_T_HEIGHT = 7,
    VG_FRB_T_TAKEOFF_LAT = 8,
    VG_FRB_T_TAKEOFF_LON = 9,
    VG_FRB_T_SPEED = 10,
    VG_FRB_T_COURSE = 11,
    VG_FRB_T_MAX = 11
};

/* Presence bit of a TLV type in vg_frb.present. */
#define VG_FRB_HAS(type) (1u << (type))

/* Every mandatory field, identifiers excepted (one of the two is required). */
#define VG_FRB_MANDATORY                                                                  \
    (VG_FRB_HAS(VG_FRB_T_VERSION) | VG_FRB_HAS(VG_FRB_T_LAT) | VG_FRB_HAS(VG_FRB_T_LON) | \
     VG_FRB_HAS(VG_FRB_T_ALT) | VG_FRB_HAS(VG_FRB_T_HEIGHT) |                             \
     VG_FRB_HAS(VG_FRB_T_TAKEOFF_LAT) | VG_FRB_HAS(VG_FRB_T_TAKEOFF_LON) |                \
     VG_FRB_HAS(VG_FRB_T_SPEED) | VG_FRB_HAS(VG_FRB_T_COURSE))

typedef struct vg_frb {
    uint32_t present;                 /* VG_FRB_HAS(type) for each field present */
    uint8_t version;
    char fr_id[VG_FRB_ID_LEN + 1];    /* the whole French ID, NUL padding removed
                                         (filled by the decoder, ignored by the encoder) */
    char manufacturer[4];             /* French ID, characters 1-3 */
    char model[4];                    /* characters 4-6 */
    char serial[25];                  /* characters 7-30 */
    char ansi_id[VG_FRB_ANSI_MAX + 1];
    double lat, lon;                  /* degrees; 1e-5 resolution */
    int16_t alt_msl_m;
    int16_t height_m;                 /* above the take-off point */
    double takeoff_lat, takeoff_lon;
    uint8_t speed_mps;
    uint16_t course_deg;              /* 0..359, from true north */
} vg_frb;

/* Decode the TLVs in b[0..len) into *out. Returns 0, or:
 *   VG_ETRUNC    a TLV header or value runs past the end
 *   VG_EINVAL    wrong length for a fixed-size type, a repeated type, an
 *                identifier that is not printable ASCII
 *   VG_ERANGE    latitude, longitude or course out of range; ANSI serial too long
 *   VG_EMISSING  a mandatory field is absent (*out holds the rest; see above)
 * with err (may be NULL) naming the field and offset. */
int vg_frb_decode(const uint8_t *b, size_t len, vg_frb *out, vg_error *err);

/* Encode the present fields of *in as TLVs, in type order, into out[0..cap) and
 * set *len (may be NULL). The French ID is built from manufacturer, model and
 * serial (3, 3 and up to 24 printable characters; a shorter part must end the ID,
 * which is then NUL-padded to 30 bytes). Returns 0, or VG_EMISSING (a mandatory
 * field absent), VG_EINVAL (bad identifier text, an unknown presence bit),
 * VG_ERANGE (a value that does not fit), VG_ETOOBIG (cap too small;
 * VG_FRB_ENCODED_MAX always suffices). */
int vg_frb_encode(const vg_frb *in, uint8_t *out, size_t cap, size_t *len, vg_error *err);

/* Equality of the present fields of two decoded beacons (round-trip checks). */
bool vg_frb_equal(const vg_frb *a, const vg_frb *b);

#ifdef __cplusplus
}
#endif
#endif

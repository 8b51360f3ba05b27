/* vigie/rid.h — ASTM F3411 / EN 4709-002 Remote ID messages: decode and encode.
 *
 * A Remote ID transmitter broadcasts 25-byte messages (Basic ID, Location/Vector,
 * Authentication, Self-ID, System, Operator ID), alone (Bluetooth 4 legacy
 * advertising) or grouped in a message pack (Wi-Fi beacon, Wi-Fi NAN, Bluetooth 5).
 * This module turns those bytes into one struct per message type, with every field
 * in physical units next to the raw enumerations, and back. It knows nothing of the
 * transports (see the 802.11 / Bluetooth frame decoders) and is part of the
 * deterministic core: no I/O, no allocation, no global state.
 *
 * Layout (little-endian; byte 0 of every message: type in the high nibble,
 * protocol version in the low nibble), checked against opendroneid-core-c
 * (libopendroneid/opendroneid.h) and the opendroneid Wireshark dissector:
 *
 *   Basic ID     1: ID type (hi nibble) | UA type (lo); 2-21: UAS ID; 22-24 reserved
 *   Location     1: status (bits 7-4) | reserved (3) | height type (2) | E/W (1) |
 *                   speed multiplier (0); 2: direction; 3: speed; 4: vertical speed
 *                   (int8); 5-8 lat, 9-12 lon (int32 ×1e-7); 13-14 pressure alt,
 *                   15-16 geodetic alt, 17-18 height (uint16, (x + 1000) / 0.5);
 *                   19: vertical acc (hi) | horizontal acc (lo); 20: baro acc (hi) |
 *                   speed acc (lo); 21-22: time (tenths of s since the hour);
 *                   23: reserved (hi) | time acc (lo); 24 reserved
 *   Auth         1: auth type (hi) | page (lo). Page 0: 2 last page index (v0:
 *                   page count), 3 length, 4-7 timestamp (s since 2019-01-01),
 *                   8-24 data (17 bytes). Other pages: 2-24 data (23 bytes)
 *   Self-ID      1: description type; 2-24 text
 *   System       1: reserved (bits 7-5) | classification type (4-2) | operator
 *                   location type (1-0); 2-5 op lat, 6-9 op lon; 10-11 area count;
 *                   12 area radius (×10 m); 13-14 ceiling, 15-16 floor (altitude
 *                   encoding); 17: EU category (hi) | EU class (lo); 18-19 operator
 *                   geodetic alt; 20-23 timestamp (s since 2019-01-01); 24 reserved
 *   Operator ID  1: operator ID type; 2-21 operator ID; 22-24 reserved
 *   Pack (0xF)   1: message size (25); 2: count (1..9); then count × 25 bytes
 *
 * Protocol versions and what differs (a field added by a later version is reserved
 * in earlier ones, so it is ignored when decoding an older message and written as
 * zero when encoding one):
 *   0  F3411-19:   System bytes 1 bits 4-2 and 17-24 reserved (no classification,
 *                  no operator altitude, no timestamp); Auth page 0 byte 2 is the
 *                  page COUNT and pages run 0..4.
 *   1  F3411-20 / EN 4709-002: adds classification, EU category/class and operator
 *                  geodetic altitude to System; Auth byte 2 becomes the LAST PAGE
 *                  INDEX, pages 0..15.
 *   2  F3411-22a:  adds the System timestamp (bytes 20-23) and new enumeration
 *                  values (status 4 "Remote ID system failure", Self-ID description
 *                  types 1 "emergency" and 2 "extended status").
 *   3..14          not yet defined: ACCEPTED and decoded with the version 2 layout
 *                  (the standard only ever adds fields in reserved space); the
 *                  version is kept, so `version > VG_RID_VERSION_MAX` flags them.
 *   15             reserved for private use: rejected with VG_EUNKNOWN.
 *
 * "Unknown" values are explicit booleans (has_*), never NaN or magic numbers:
 * direction 361, speed 255 (with the multiplier set), vertical speed 63 m/s (raw
 * 126), altitudes −1000 m (raw 0), latitude and longitude both 0, Location time
 * 0xFFFF, System/Auth timestamp 0. Decoding maps them to has_* = false; encoding
 * has_* = false writes them.
 *
 * Decoding is lenient where the value stays meaningful and strict where it does
 * not: reserved bits are ignored; a direction that decodes to 360 is north (0);
 * 362..435 (never produced by an encoder) is reported unknown; a vertical speed
 * beyond ±62 m/s is clamped to ±62 as the standard's encoding rule says; a
 * latitude beyond ±90°, a longitude beyond ±180° or a Location time beyond 36000
 * tenths is rejected with VG_ERANGE, since it can only come from a broken or
 * forged transmitter.
 *
 * Quantisation when encoding: ROUND TO NEAREST, ties away from zero, for every
 * field. Note that opendroneid-core-c rounds only direction and time and truncates
 * (C cast toward zero) speed, vertical speed, latitude/longitude, altitudes and
 * area radius; for a value already on the wire's grid (anything decoded) both give
 * the same bytes, for other values vigie's bytes may differ from it by one step.
 * The one speed with two encodings, 63.75 m/s (byte 255 without the multiplier,
 * or byte 0 with it), is always written without, so encoding is canonical: for a
 * decoded message, encode(decode(encode(m))) == encode(m) byte for byte.
 * Out-of-range inputs: speed above 254.25 m/s is clamped to 254.25 and vertical
 * speed beyond ±62 m/s to ±62 (the standard's rule); anything else out of range
 * (latitude, altitude below −999.75 or above 31767.5 m, direction outside
 * [0, 360], NaN, ...) is rejected with VG_ERANGE.
 *
 * Errors: every message starts with the layer — "pack: ", "basic_id: ",
 * "location: ", "auth: ", "self_id: ", "system: ", "operator_id: " or, for an
 * unknown type or version, "message: " — so that a decoding tool can count errors
 * by (layer, code). Decoders take err = NULL on hot paths. */
#ifndef VIGIE_RID_H
#define VIGIE_RID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigie/error.h"
#include "vigie/time.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VG_RID_MSG_LEN 25          /* every message, on every transport */
#define VG_RID_ID_LEN 20           /* UAS ID, operator ID */
#define VG_RID_TEXT_LEN 23         /* Self-ID description, Auth data of pages 1.. */
#define VG_RID_AUTH_PAGE0_LEN 17   /* Auth data bytes on page 0 */
#define VG_RID_PACK_MAX 9          /* messages in one pack */
#define VG_RID_PACK_HEADER 3
#define VG_RID_PACK_LEN_MAX (VG_RID_PACK_HEADER + VG_RID_PACK_MAX * VG_RID_MSG_LEN)
#define VG_RID_VERSION_MAX 2       /* newest protocol version whose layout is known */
#define VG_RID_VERSION_PRIVATE 15  /* reserved for private use: rejected */

/* Seconds between the Unix epoch and 2019-01-01T00:00:00Z, the origin of the
 * System and Authentication timestamps. */
#define VG_RID_EPOCH_2019 1546300800

typedef enum vg_rid_type {
    VG_RID_BASIC_ID = 0,
    VG_RID_LOCATION = 1,
    VG_RID_AUTH = 2,
    VG_RID_SELF_ID = 3,
    VG_RID_SYSTEM = 4,
    VG_RID_OPERATOR_ID = 5,
    VG_RID_PACK = 15
} vg_rid_type;

/* How a message reached the receiver; the names are the wire names used in
 * detections' attrs ("wifi-beacon", "wifi-nan", "ble4", "ble5", "fr-beacon"). */
typedef enum vg_rid_transport {
    VG_RID_TR_WIFI_BEACON = 0,
    VG_RID_TR_WIFI_NAN,
    VG_RID_TR_BLE4,
    VG_RID_TR_BLE5,
    VG_RID_TR_FR_BEACON,
    VG_RID_TR_COUNT
} vg_rid_transport;

/* Raw enumeration values, as on the wire (kept as uint8_t in the structs so that
 * values reserved today survive a decode/encode round trip). */
enum {
    VG_RID_IDT_NONE = 0, VG_RID_IDT_SERIAL = 1, VG_RID_IDT_CAA = 2,
    VG_RID_IDT_UTM_UUID = 3, VG_RID_IDT_SESSION = 4
};
enum {
    VG_RID_STATUS_UNDECLARED = 0, VG_RID_STATUS_GROUND = 1, VG_RID_STATUS_AIRBORNE = 2,
    VG_RID_STATUS_EMERGENCY = 3, VG_RID_STATUS_SYSTEM_FAILURE = 4 /* version 2 */
};
enum { VG_RID_HEIGHT_OVER_TAKEOFF = 0, VG_RID_HEIGHT_OVER_GROUND = 1 };
enum { VG_RID_OPLOC_TAKEOFF = 0, VG_RID_OPLOC_LIVE_GNSS = 1, VG_RID_OPLOC_FIXED = 2 };
enum { VG_RID_CLASSIF_UNDECLARED = 0, VG_RID_CLASSIF_EU = 1 };
enum {
    VG_RID_DESC_TEXT = 0, VG_RID_DESC_EMERGENCY = 1 /* v2 */,
    VG_RID_DESC_EXTENDED_STATUS = 2 /* v2 */
};

/* Basic ID (type 0). */
typedef struct vg_rid_basic_id {
    uint8_t version;
    uint8_t id_type;                 /* VG_RID_IDT_*; 5..15 reserved */
    uint8_t ua_type;                 /* 0 none, 1 aeroplane, 2 multirotor, ... 15 other */
    uint8_t uas_id[VG_RID_ID_LEN];   /* as sent: NUL-padded ASCII for serial and
                                        CAA IDs, binary for UUID and session IDs */
} vg_rid_basic_id;

/* Location/Vector (type 1). Each has_* = false means the transmitter sent the
 * standard's "unknown" value; the physical field is then 0. */
typedef struct vg_rid_location {
    uint8_t version;
    uint8_t status;                  /* VG_RID_STATUS_*; others reserved */
    uint8_t height_type;             /* VG_RID_HEIGHT_* */
    bool has_direction;
    double direction_deg;            /* track over ground, [0, 360) from true north */
    bool has_speed;
    double speed_mps;                /* horizontal, [0, 254.25] */
    bool has_vspeed;
    double vspeed_mps;               /* [−62, 62], positive up */
    bool has_position;
    double lat, lon;                 /* degrees WGS84 */
    bool has_pressure_alt;
    double pressure_alt_m;           /* barometric, reference 1013.25 hPa */
    bool has_geodetic_alt;
    double geodetic_alt_m;           /* WGS84 height above the ellipsoid */
    bool has_height;
    double height_m;                 /* above take-off or ground (height_type) */
    uint8_t h_accuracy;              /* 0 unknown, 1 < 18.52 km ... 12 < 1 m */
    uint8_t v_accuracy;              /* 0 unknown, 1 < 150 m ... 6 < 1 m */
    uint8_t baro_accuracy;           /* same scale as v_accuracy */
    uint8_t speed_accuracy;          /* 0 unknown, 1 < 10 m/s ... 4 < 0.3 m/s */
    uint8_t time_accuracy;           /* 0 unknown, n = n × 0.1 s */
    bool has_time;
    uint16_t time_ds;                /* tenths of a second since the UTC hour, 0..36000 */
} vg_rid_location;

/* Authentication (type 2), one page. */
typedef struct vg_rid_auth {
    uint8_t version;
    uint8_t auth_type;               /* 0 none, 1 UAS ID sig., ..., 5 specific; 10-15 private */
    uint8_t page;                    /* 0..15 (0..4 in version 0) */
    /* Page 0 only (zero on other pages): */
    uint8_t last_page;               /* index of the last page (version 0 sends the
                                        page count, last_page + 1, on the wire) */
    uint8_t length;                  /* authentication bytes over all pages */
    bool has_timestamp;
    vg_time timestamp;               /* whole seconds (µs since the Unix epoch) */
    /* Every page: */
    uint8_t data_len;                /* 17 on page 0, 23 on the others */
    uint8_t data[VG_RID_TEXT_LEN];   /* data[0..data_len), the rest zero */
} vg_rid_auth;

/* Self-ID (type 3). */
typedef struct vg_rid_self_id {
    uint8_t version;
    uint8_t desc_type;               /* VG_RID_DESC_*; 201..255 private use */
    uint8_t desc[VG_RID_TEXT_LEN];   /* as sent, NUL-padded text */
} vg_rid_self_id;

/* System (type 4). */
typedef struct vg_rid_system {
    uint8_t version;
    uint8_t operator_location_type;  /* VG_RID_OPLOC_* */
    uint8_t classification_type;     /* VG_RID_CLASSIF_*; version ≥ 1, else 0 */
    bool has_operator_position;
    double operator_lat, operator_lon;
    uint16_t area_count;             /* aircraft in the group (1 for a single UA) */
    uint16_t area_radius_m;          /* 0..2550, a multiple of 10 */
    bool has_area_ceiling;
    double area_ceiling_m;
    bool has_area_floor;
    double area_floor_m;
    uint8_t category_eu;             /* version ≥ 1: 0 undeclared, 1 open, 2 specific, 3 certified */
    uint8_t class_eu;                /* version ≥ 1: 0 undeclared, n = class C(n − 1) */
    bool has_operator_alt;           /* version ≥ 1 */
    double operator_alt_m;           /* WGS84 height above the ellipsoid */
    bool has_timestamp;              /* version ≥ 2 */
    vg_time timestamp;               /* whole seconds (µs since the Unix epoch) */
} vg_rid_system;

/* Operator ID (type 5). */
typedef struct vg_rid_operator_id {
    uint8_t version;
    uint8_t id_type;                 /* 0 operator registration ID; 201..255 private */
    uint8_t id[VG_RID_ID_LEN];       /* as sent, NUL-padded text */
} vg_rid_operator_id;

/* One message of any type except a pack. */
typedef struct vg_rid_message {
    vg_rid_type type;
    union {
        vg_rid_basic_id basic_id;
        vg_rid_location location;
        vg_rid_auth auth;
        vg_rid_self_id self_id;
        vg_rid_system system;
        vg_rid_operator_id operator_id;
    } u;
} vg_rid_message;

/* A message pack: count (1..9) messages; a pack never contains a pack. */
typedef struct vg_rid_pack {
    uint8_t version;
    uint8_t count;
    vg_rid_message msgs[VG_RID_PACK_MAX];
} vg_rid_pack;

/* ---- Decoding ----------------------------------------------------------------
 * Each decoder reads one message from b[0..len): len must be at least 25 (bytes
 * past the 25th are ignored). Returns 0 and fills *out, or a negative code with
 * err (may be NULL) naming the layer and the field:
 *   VG_ETRUNC    len < 25
 *   VG_EINVAL    byte 0 carries another message type than the function decodes
 *   VG_EUNKNOWN  protocol version 15 (private use)
 *   VG_ERANGE    a field outside its range (latitude, longitude, Location time,
 *                Auth page or length)
 * On error *out is unspecified. */
int vg_rid_decode_basic_id(const uint8_t *b, size_t len, vg_rid_basic_id *out, vg_error *err);
int vg_rid_decode_location(const uint8_t *b, size_t len, vg_rid_location *out, vg_error *err);
int vg_rid_decode_auth(const uint8_t *b, size_t len, vg_rid_auth *out, vg_error *err);
int vg_rid_decode_self_id(const uint8_t *b, size_t len, vg_rid_self_id *out, vg_error *err);
int vg_rid_decode_system(const uint8_t *b, size_t len, vg_rid_system *out, vg_error *err);
int vg_rid_decode_operator_id(const uint8_t *b, size_t len, vg_rid_operator_id *out,
                              vg_error *err);

/* Decode one message of whatever type its first byte says into out (type set, the
 * matching union member filled). Errors as above, plus VG_EUNKNOWN "message: "
 * for a type other than 0..5 and VG_EINVAL for a pack (type 15: use
 * vg_rid_decode_pack). */
int vg_rid_decode_message(const uint8_t *b, size_t len, vg_rid_message *out, vg_error *err);

/* Decode a message pack from b[0..len). Bytes after the last message are ignored
 * (some transports pad); *used (may be NULL) receives 3 + 25 × count. The pack is
 * decoded whole or not at all: one bad message rejects it, with that message's
 * error and " (pack message i of n)" appended. Returns 0 or:
 *   VG_ETRUNC    len < 3, or count messages do not fit in len
 *   VG_EINVAL    not a pack, message size byte ≠ 25, count 0, or a pack inside
 *   VG_ERANGE    count > 9
 *   VG_EUNKNOWN  pack version 15, or an inner message of unknown type/version
 *   (and any error of an inner message). On error *out is unspecified. */
int vg_rid_decode_pack(const uint8_t *b, size_t len, vg_rid_pack *out, size_t *used,
                       vg_error *err);

/* ---- Encoding ----------------------------------------------------------------
 * Each encoder writes exactly 25 bytes to out (reserved bits and bytes zero) from
 * the struct, using its version field (0..14) for byte 0 and for which fields
 * exist — a zero-initialised struct is version 0, so set version (usually
 * VG_RID_VERSION_MAX) first. Fields that the version does not define must be
 * absent/zero (VG_EINVAL otherwise: nothing is dropped silently). Auth data_len
 * must be 17 on page 0 and 23 on other pages. Quantisation and clamping as
 * described at the top of this file. Returns 0, or VG_ERANGE / VG_EINVAL (a value
 * out of range, a nibble field above 15, a bad page number) with err naming the
 * field; out is then unspecified.
 * decode(encode(m)) equals m for every m whose values lie on the wire's grid. */
int vg_rid_encode_basic_id(const vg_rid_basic_id *in, uint8_t out[VG_RID_MSG_LEN], vg_error *err);
int vg_rid_encode_location(const vg_rid_location *in, uint8_t out[VG_RID_MSG_LEN], vg_error *err);
int vg_rid_encode_auth(const vg_rid_auth *in, uint8_t out[VG_RID_MSG_LEN], vg_error *err);
int vg_rid_encode_self_id(const vg_rid_self_id *in, uint8_t out[VG_RID_MSG_LEN], vg_error *err);
int vg_rid_encode_system(const vg_rid_system *in, uint8_t out[VG_RID_MSG_LEN], vg_error *err);
int vg_rid_encode_operator_id(const vg_rid_operator_id *in, uint8_t out[VG_RID_MSG_LEN],
                              vg_error *err);

/* Encode m according to m->type. VG_EINVAL for an unknown type. */
int vg_rid_encode_message(const vg_rid_message *m, uint8_t out[VG_RID_MSG_LEN], vg_error *err);

/* Encode a pack into out[0..cap): 3 + 25 × count bytes, written to *len (may be
 * NULL). Returns 0, VG_EINVAL (count 0 or > 9, a version above 14), VG_ETOOBIG
 * (cap too small) or an inner message's error with " (pack message i of n)". */
int vg_rid_encode_pack(const vg_rid_pack *p, uint8_t *out, size_t cap, size_t *len,
                       vg_error *err);

/* ---- Helpers -----------------------------------------------------------------*/

/* The wire name of a transport ("wifi-beacon", ...), "invalid" out of range. */
const char *vg_rid_transport_name(vg_rid_transport t);

/* Render an ID or text field raw[0..n) (n ≤ 23) for display and JSON: the text up
 * to the first NUL when it is printable ASCII (0x20..0x7E) followed only by NUL
 * padding and binary is false; otherwise the bytes in lowercase hex (trailing NUL
 * bytes dropped). Writes a NUL-terminated string into out (cap ≥ 2n + 1 always
 * suffices) and returns its length; 0 when all bytes are NUL (out = ""). */
size_t vg_rid_text(const uint8_t *raw, size_t n, bool binary, char *out, size_t cap);

/* The 95 % accuracy bound, in metres (m/s for speed, seconds for time), that an
 * accuracy enumeration promises; 0 when unknown or reserved. */
double vg_rid_h_accuracy_m(uint8_t code);
double vg_rid_v_accuracy_m(uint8_t code);
double vg_rid_speed_accuracy_mps(uint8_t code);
double vg_rid_time_accuracy_s(uint8_t code);

/* Field-by-field equality of two decoded messages (ignores padding and the unused
 * union members), for round-trip checks. */
bool vg_rid_message_equal(const vg_rid_message *a, const vg_rid_message *b);

#ifdef __cplusplus
}
#endif
#endif

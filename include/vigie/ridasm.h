/* vigie/ridasm.h — Remote ID and French beacon messages → identified detections.
 *
 * A Remote ID transmitter spreads what it knows over several messages: Basic ID
 * (who), Location (where), System (the pilot), Operator ID, Self-ID. The assembler
 * keeps, per transmitter, the latest of each part and turns every Location into
 * one vg_event of type VG_EV_DETECTION once the transmitter's identity is known.
 * A French beacon carries everything at once and gives a detection per beacon.
 * Along the way it raises integrity signals (vg_detection.integrity) against
 * spoofed, replayed or confused transmitters.
 *
 * Transmitters are keyed by their 6-byte address (802.11 source MAC or Bluetooth
 * advertising address); their state lives in a table whose capacity is fixed at
 * creation (allocated once: nothing is allocated per message). When the table is
 * full, the transmitter heard least recently is forgotten. Part of the
 * deterministic core: time is the reception time given with each message.
 *
 * From messages to a detection:
 * - Position: F3411 geodetic altitude is height above the WGS84 ellipsoid →
 *   alt_ref WGS84. Without it, the pressure altitude is used as AMSL with a larger
 *   sigma_v; without either, the height (above take-off or ground) stands in as
 *   AMSL with a very large sigma_v; attrs.alt_source says which. French beacon
 *   altitudes are above mean sea level → AMSL. A Location without a position
 *   gives no detection.
 * - Sigmas: an F3411 accuracy code is a 95 % bound. Horizontally it bounds the
 *   radius of a 2-D error; for a circular normal with per-axis sigma s the 95 %
 *   radius is s × sqrt(−2 ln 0.05) = 2.4477 s, so sigma_h = bound / 2.4477.
 *   Vertically it bounds a 1-D error: sigma_v = bound / 1.96. "Unknown" means the
 *   coarsest class (18.52 km, 150 m), as the standard defines code 0. The
 *   pressure altitude adds the error of an unknown QNH: about 8 hPa of day-to-day
 *   spread ≈ 65 m, combined in quadrature. The French beacon carries no accuracy:
 *   configured sigmas apply (a GNSS fix; defaults 10 m and 15 m).
 * - Velocity: speed and direction → east = v sin(dir), north = v cos(dir), up =
 *   the vertical speed (0 when unknown).
 * - Identity: VG_IDSRC_REMOTEID with the UAS ID from the Basic ID — the serial
 *   number when the transmitter sends one, else its other ID (CAA registration,
 *   UUID or session ID; binary IDs in hex) — or VG_IDSRC_FRBEACON with the French
 *   ID (else the ANSI serial). Parts (Basic ID, System, Operator ID, Self-ID)
 *   older than `expiry` are dropped; with no fresh Basic ID a Location gives no
 *   detection.
 * - Operator: the System message's operator position (and geodetic altitude,
 *   WGS84), or the French beacon's take-off point.
 * - attrs, a compact JSON object in this key order, each key only when known:
 *   transport, mac, counter, id_type, ua_type, status, operator_id, self_id,
 *   eu_category, eu_class, ansi_id, height, alt_source.
 *
 * Integrity signals (each documented where it is computed, in ridasm.c):
 *   IMPOSSIBLE_SPEED    between two fixes of one transmitter, distance >
 *                       max_speed × Δt + jump_slack (GNSS noise, quantisation)
 *   TELEPORT            Δt ≤ 0 (same or earlier reception time) and distance >
 *                       jump_slack
 *   DUPLICATE_ID        the same identity heard from another transmitter whose
 *                       last fix is within duplicate_window and farther than
 *                       duplicate_distance
 *   COUNTER_BACKWARDS   the message counter of the same stream went back by 1 to
 *                       127 (mod 256; 128 is ambiguous and not flagged), unless
 *                       the stream was silent for longer than expiry
 *   TIMESTAMP_MISMATCH  Location time (tenths past the hour) differs from the
 *                       reception time's position in the hour by more than
 *                       timestamp_tolerance + the declared time accuracy
 * A signal raised by a message that yields no detection (a Basic ID with a
 * backwards counter, a Location before any identity) is carried to the
 * transmitter's next detection. */
#ifndef VIGIE_RIDASM_H
#define VIGIE_RIDASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigie/error.h"
#include "vigie/event.h"
#include "vigie/frbeacon.h"
#include "vigie/rid.h"
#include "vigie/ridframe.h"
#include "vigie/time.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vg_ridasm vg_ridasm;

typedef struct vg_ridasm_config {
    char sensor[VG_ID_MAX];        /* the receiver, copied into detection.sensor */
    size_t capacity;               /* transmitters followed at once; default 4096 */
    vg_time expiry;                /* identity/system/operator parts; default 10 s */
    double max_speed_mps;          /* IMPOSSIBLE_SPEED above; default 100 */
    double jump_slack_m;           /* allowed jump on top of max_speed × Δt; default 20 */
    double duplicate_distance_m;   /* DUPLICATE_ID beyond; default 1000 */
    vg_time duplicate_window;      /* ... within; default 5 s */
    vg_time timestamp_tolerance;   /* TIMESTAMP_MISMATCH beyond; default 3 s */
    double frb_sigma_h, frb_sigma_v; /* French beacon sigmas; defaults 10 m, 15 m */
} vg_ridasm_config;

/* What the receiver knows about one received frame besides its payload. */
typedef struct vg_ridasm_rx {
    vg_time time;                  /* reception time */
    vg_rid_transport transport;
    uint8_t addr[6];               /* transmitter address */
    bool has_counter;
    uint8_t counter;               /* the transport's message counter */
} vg_ridasm_rx;

typedef struct vg_ridasm_stats {
    size_t transmitters;           /* followed now */
    uint64_t evicted;              /* forgotten to make room */
    uint64_t detections;           /* emitted */
    uint64_t unidentified;         /* Locations dropped for want of a fresh identity */
} vg_ridasm_stats;

/* The defaults listed above, with sensor "" (set it). */
void vg_ridasm_config_default(vg_ridasm_config *cfg);

/* Create an assembler (cfg is copied). Returns 0 and *out, VG_EINVAL for a bad
 * configuration (capacity 0 or above 2^24, an empty sensor id, a non-positive
 * threshold) or VG_ENOMEM. Free with vg_ridasm_free (NULL is ignored). */
int vg_ridasm_new(const vg_ridasm_config *cfg, vg_ridasm **out, vg_error *err);
void vg_ridasm_free(vg_ridasm *a);

/* Feed one decoded Remote ID message received as described by rx (its counter
 * counts messages of that type, as on Bluetooth 4). Returns 1 and writes a
 * detection event to *out (time = reception time) when m is a Location that
 * yields one, 0 when the message was absorbed, or VG_EINVAL (a pack, an invalid
 * transport; "ridasm: " message). */
int vg_ridasm_push(vg_ridasm *a, const vg_ridasm_rx *rx, const vg_rid_message *m,
                   vg_event *out, vg_error *err);

/* Feed a decoded message pack (rx->counter counts packs, as on Wi-Fi and
 * Bluetooth 5). Its other messages are absorbed before its Locations, so that a
 * pack carrying both a Basic ID and a Location is identified at once. Writes up to
 * cap detections to out[] and returns how many, or VG_EINVAL. */
int vg_ridasm_push_pack(vg_ridasm *a, const vg_ridasm_rx *rx, const vg_rid_pack *p,
                        vg_event *out, size_t cap, vg_error *err);

/* Feed a decoded French beacon (rx->transport must be VG_RID_TR_FR_BEACON).
 * Returns 1 with a detection in *out, 0 if the beacon has no position, or
 * VG_EINVAL. */
int vg_ridasm_push_frb(vg_ridasm *a, const vg_ridasm_rx *rx, const vg_frb *f, vg_event *out,
                       vg_error *err);

/* Feed one payload of a captured frame (from vg_ridframe_parse), received at t:
 * decoded by its kind — a message pack, a single message (Bluetooth 4) or a French
 * beacon — and pushed as above. Writes up to cap (≥ 1) detections to out[] and
 * returns how many, or a negative VG_E* for a payload that does not decode (the
 * message in err). */
int vg_ridasm_push_payload(vg_ridasm *a, vg_time t, const vg_rid_payload *p, vg_event *out,
                           size_t cap, vg_error *err);

void vg_ridasm_get_stats(const vg_ridasm *a, vg_ridasm_stats *st);

#ifdef __cplusplus
}
#endif
#endif

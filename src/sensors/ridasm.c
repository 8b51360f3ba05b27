/* sensors/ridasm.c — per-transmitter assembly of Remote ID parts into detections.
 *
 * State: a fixed array of transmitter records, two open-addressing indexes over it
 * (by address, and by identity for the duplicate-ID check; linear probing with
 * backward-shift deletion, at most half full), a least-recently-heard list for
 * eviction and a free list. All of it is allocated in vg_ridasm_new; a message
 * costs a hash lookup and a few field copies. vigie/ridasm.h states what a
 * detection holds and what each integrity signal means. */
#include "vigie/ridasm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigie/geo.h"
#include "vigie/strbuf.h"

#define NO_SLOT ((int32_t)-1)
#define CAPACITY_MAX ((size_t)1 << 24)

/* 95 % bounds → 1-sigma: sqrt(−2 ln 0.05) for a 2-D radius, the normal quantile
 * 1.96 for a 1-D error. */
#define RADIUS95_PER_SIGMA 2.4477468306808161
#define NORMAL95_PER_SIGMA 1.959963984540054
/* Unknown QNH: the sea-level pressure over France spreads about 8 hPa around the
 * standard 1013.25 hPa, and 1 hPa ≈ 8.2 m near the ground. */
#define QNH_SIGMA_M 65.0
/* Height above take-off or ground taken for an altitude: off by the unknown ground
 * elevation. Nothing at all: the altitude is only a placeholder. */
#define HEIGHT_AS_ALT_SIGMA_M 300.0
#define NO_ALT_SIGMA_M 1000.0

enum { ID_SERIAL = 0, ID_OTHER = 1, ID_SLOTS = 2 };
enum { CNT_PACK = 6, CNT_SLOTS = 7 }; /* counters per message type, and for packs */

typedef struct id_part {
    bool has;
    vg_time time;
    uint8_t id_type, ua_type;
    char text[2 * VG_RID_ID_LEN + 1];
} id_part;

typedef struct tx {
    uint8_t addr[6];
    uint32_t addr_hash;
    int32_t prev, next;                  /* recency list (most recent first), free list */
    vg_rid_transport transport;
    id_part basic[ID_SLOTS];             /* serial number; other ID type */
    bool has_system, has_operator, has_self;
    vg_time system_time, operator_time, self_time;
    vg_rid_system system;
    char operator_id[2 * VG_RID_ID_LEN + 1];
    char self_id[2 * VG_RID_TEXT_LEN + 1];
    bool indexed;                        /* present in by_id under identity/id_hash */
    uint32_t id_hash;
    vg_identity identity;
    bool has_fix;                        /* last position, on the ellipsoid (alt 0) */
    vg_time fix_time;
    vg_vec3 fix_ecef;
    bool has_counter[CNT_SLOTS];
    uint8_t counter[CNT_SLOTS];
    vg_time counter_time[CNT_SLOTS];
    uint32_t pending;                    /* integrity flags awaiting a detection */
} tx;

struct vg_ridasm {
    vg_ridasm_config cfg;
    tx *tx;
    int32_t *by_addr, *by_id;            /* tx index or NO_SLOT */
    uint32_t mask;                       /* index size − 1 (a power of two ≥ 2 × capacity) */
    int32_t head, tail, free_head;
    vg_ridasm_stats stats;
};

/* ---- Configuration and lifetime ------------------------------------------------- */

void vg_ridasm_config_default(vg_ridasm_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->capacity = 4096;
    cfg->expiry = 10 * VG_TIME_S;
    cfg->max_speed_mps = 100.0;
    cfg->jump_slack_m = 20.0;
    cfg->duplicate_distance_m = 1000.0;
    cfg->duplicate_window = 5 * VG_TIME_S;
    cfg->timestamp_tolerance = 3 * VG_TIME_S;
    cfg->frb_sigma_h = 10.0;
    cfg->frb_sigma_v = 15.0;
}

int vg_ridasm_new(const vg_ridasm_config *cfg, vg_ridasm **out, vg_error *err)
{
    *out = NULL;
    size_t sl = strnlen_s_free(cfg->sensor, sizeof cfg->sensor);
    if (sl == 0 || sl == sizeof cfg->sensor)
        return vg_err(err, VG_EINVAL, "ridasm: sensor id must be 1 to %d bytes", VG_ID_MAX - 1);
    if (cfg->capacity == 0 || cfg->capacity > CAPACITY_MAX)
        return vg_err(err, VG_EINVAL, "ridasm: capacity %zu out of 1..%zu", cfg->capacity,
                      CAPACITY_MAX);
    if (!(cfg->expiry > 0 && cfg->max_speed_mps > 0 && cfg->jump_slack_m >= 0 &&
          cfg->duplicate_distance_m > 0 && cfg->duplicate_window >= 0 &&
          cfg->timestamp_tolerance >= 0 && cfg->frb_sigma_h > 0 && cfg->frb_sigma_h <= 1e5 &&
          cfg->frb_sigma_v > 0 && cfg->frb_sigma_v <= 1e5))
        return vg_err(err, VG_EINVAL, "ridasm: thresholds and sigmas must be positive");
    size_t slots = 2;
    while (slots < 2 * cfg->capacity)
        slots *= 2;
    vg_ridasm *a = calloc(1, sizeof *a);
    if (a) {
        a->tx = calloc(cfg->capacity, sizeof *a->tx);
        a->by_addr = malloc(slots * sizeof *a->by_addr);
        a->by_id = malloc(slots * sizeof *a->by_id);
    }
    if (!a || !a->tx || !a->by_addr || !a->by_id) {
        vg_ridasm_free(a);
        return vg_err(err, VG_ENOMEM, "ridasm: out of memory for %zu transmitters",
                      cfg->capacity);
    }
    a->cfg = *cfg;
    a->mask = (uint32_t)(slots - 1);
    for (size_t s = 0; s < slots; s++)
        a->by_addr[s] = a->by_id[s] = NO_SLOT;
    for (size_t i = 0; i < cfg->capacity; i++)
        a->tx[i].next = i + 1 < cfg->capacity ? (int32_t)(i + 1) : NO_SLOT;
    a->free_head = 0;
    a->head = a->tail = NO_SLOT;
    *out = a;
    return 0;
}

void vg_ridasm_free(vg_ridasm *a)
{
    if (!a)
        return;
    free(a->tx);
    free(a->by_addr);
    free(a->by_id);
    free(a);
}

void vg_ridasm_get_stats(const vg_ridasm *a, vg_ridasm_stats *st)
{
    *st = a->stats;
}

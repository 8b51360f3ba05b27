/* sensors/ridasm_int.h — the Remote ID assembler's private state, shared by
 * ridasm.c (messages → detections) and ridasm_table.c (the transmitter table). */
#ifndef VIGIE_SENSORS_RIDASM_INT_H
#define VIGIE_SENSORS_RIDASM_INT_H

#include "vigie/geo.h"
#include "vigie/ridasm.h"

#define NO_SLOT ((int32_t)-1)
#define CAPACITY_MAX ((size_t)1 << 24)

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

/* ridasm_table.c */
uint32_t vg_ridasm_hash_identity(const vg_identity *id);
bool vg_ridasm_identity_equal(const vg_identity *x, const vg_identity *y);
void vg_ridasm_index_insert(vg_ridasm *a, int32_t *ix, uint32_t h, int32_t i);
void vg_ridasm_index_remove(vg_ridasm *a, int32_t *ix, int32_t i);
int32_t vg_ridasm_tx_get(vg_ridasm *a, const vg_ridasm_rx *rx);

#endif

/* sensors/ridasm_table.c — the Remote ID assembler's table of transmitters.
 *
 * A fixed array of records with two open-addressing indexes over it (by address,
 * and by identity), linear probing at most half full, and backward-shift deletion
 * so that lookups need no tombstones; a doubly linked list orders the records by
 * when they were last heard, and the least recent one is recycled when the table
 * is full. No allocation: vg_ridasm_new sized everything. */
#include <string.h>

#include "sensors/ridasm_int.h"

static uint32_t hash_addr(const uint8_t addr[6])
{
    uint64_t z = 0;
    for (int k = 0; k < 6; k++)
        z = z << 8 | addr[k];
    z ^= z >> 30; /* splitmix64's finaliser: every input bit moves every output bit */
    z *= 0xbf58476d1ce4e5b9ull;
    z ^= z >> 27;
    z *= 0x94d049bb133111ebull;
    z ^= z >> 31;
    return (uint32_t)z;
}

uint32_t vg_ridasm_hash_identity(const vg_identity *id)
{
    uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)id->source; /* FNV-1a */
    for (const char *p = id->id; *p; p++)
        h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
    return (uint32_t)(h ^ h >> 32);
}

bool vg_ridasm_identity_equal(const vg_identity *x, const vg_identity *y)
{
    return x->source == y->source && strcmp(x->id, y->id) == 0;
}

static uint32_t entry_hash(const vg_ridasm *a, const int32_t *ix, int32_t i)
{
    return ix == a->by_addr ? a->tx[i].addr_hash : a->tx[i].id_hash;
}

void vg_ridasm_index_insert(vg_ridasm *a, int32_t *ix, uint32_t h, int32_t i)
{
    uint32_t s = h & a->mask;
    while (ix[s] != NO_SLOT)
        s = (s + 1) & a->mask;
    ix[s] = i;
}

/* Remove i, then shift back the entries after it that probed past its slot, so that
 * lookups never need tombstones. */
void vg_ridasm_index_remove(vg_ridasm *a, int32_t *ix, int32_t i)
{
    uint32_t hole = entry_hash(a, ix, i) & a->mask;
    while (ix[hole] != i)
        hole = (hole + 1) & a->mask;
    for (uint32_t j = (hole + 1) & a->mask; ix[j] != NO_SLOT; j = (j + 1) & a->mask) {
        uint32_t home = entry_hash(a, ix, ix[j]) & a->mask;
        if (((j - home) & a->mask) >= ((j - hole) & a->mask)) {
            ix[hole] = ix[j];
            hole = j;
        }
    }
    ix[hole] = NO_SLOT;
}

static void lru_unlink(vg_ridasm *a, int32_t i)
{
    tx *t = &a->tx[i];
    if (t->prev != NO_SLOT)
        a->tx[t->prev].next = t->next;
    else
        a->head = t->next;
    if (t->next != NO_SLOT)
        a->tx[t->next].prev = t->prev;
    else
        a->tail = t->prev;
}

static void lru_push_front(vg_ridasm *a, int32_t i)
{
    tx *t = &a->tx[i];
    t->prev = NO_SLOT;
    t->next = a->head;
    if (a->head != NO_SLOT)
        a->tx[a->head].prev = i;
    a->head = i;
    if (a->tail == NO_SLOT)
        a->tail = i;
}

/* The record of rx's transmitter, created (evicting the least recently heard
 * transmitter when full) if new, and marked as heard now. */
int32_t vg_ridasm_tx_get(vg_ridasm *a, const vg_ridasm_rx *rx)
{
    uint32_t h = hash_addr(rx->addr);
    for (uint32_t s = h & a->mask; a->by_addr[s] != NO_SLOT; s = (s + 1) & a->mask) {
        int32_t i = a->by_addr[s];
        if (a->tx[i].addr_hash == h && memcmp(a->tx[i].addr, rx->addr, 6) == 0) {
            tx *t = &a->tx[i];
            if (i != a->head) {
                lru_unlink(a, i);
                lru_push_front(a, i);
            }
            if (t->transport != rx->transport) { /* another stream: its own counters */
                t->transport = rx->transport;
                memset(t->has_counter, 0, sizeof t->has_counter);
            }
            return i;
        }
    }
    int32_t i;
    if (a->free_head != NO_SLOT) {
        i = a->free_head;
        a->free_head = a->tx[i].next;
        a->stats.transmitters++;
    } else {
        i = a->tail;
        vg_ridasm_index_remove(a, a->by_addr, i);
        if (a->tx[i].indexed)
            vg_ridasm_index_remove(a, a->by_id, i);
        lru_unlink(a, i);
        a->stats.evicted++;
    }
    tx *t = &a->tx[i];
    memset(t, 0, sizeof *t);
    memcpy(t->addr, rx->addr, 6);
    t->addr_hash = h;
    t->transport = rx->transport;
    vg_ridasm_index_insert(a, a->by_addr, h, i);
    lru_push_front(a, i);
    return i;
}

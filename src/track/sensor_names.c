/* track/sensor_names.c — the tracker's table of sensor names (see sensor_names.h). */
#include "track/sensor_names.h"

#include <stdlib.h>
#include <string.h>

#include "vigie/error.h"

void vg_sensor_names_init(vg_sensor_names *s)
{
    memset(s, 0, sizeof *s);
    s->last = -1;
}

void vg_sensor_names_free(vg_sensor_names *s)
{
    free(s->name);
    free(s->slots);
    vg_sensor_names_init(s);
}

/* FNV-1a over the padded name. */
static uint32_t hash_name(const char *padded)
{
    uint32_t h = 2166136261u;
    for (size_t k = 0; k < VG_ID_MAX && padded[k]; k++)
        h = (h ^ (unsigned char)padded[k]) * 16777619u;
    return h;
}

/* The slot holding the index of `padded`, or the empty slot where it would go. */
static uint32_t find_slot(const vg_sensor_names *s, const char *padded)
{
    uint32_t mask = s->slot_cap - 1;
    for (uint32_t k = hash_name(padded) & mask;; k = (k + 1) & mask)
        if (s->slots[k] < 0 || memcmp(s->name[s->slots[k]], padded, VG_ID_MAX) == 0)
            return k;
}

/* Room for one more name: the name array and a table at most half full after. */
static int make_room(vg_sensor_names *s)
{
    if (s->count == s->cap) {
        if (s->cap > INT32_MAX / 4)
            return VG_ENOMEM;
        uint32_t cap = s->cap ? 2 * s->cap : 8;
        char(*name)[VG_ID_MAX] = realloc(s->name, cap * sizeof *name);
        if (!name)
            return VG_ENOMEM;
        s->name = name;
        s->cap = cap;
    }
    if (2 * (s->count + 1) <= s->slot_cap)
        return 0;
    uint32_t slot_cap = s->slot_cap ? 2 * s->slot_cap : 16;
    int32_t *slots = malloc(slot_cap * sizeof *slots);
    if (!slots)
        return VG_ENOMEM;
    free(s->slots);
    s->slots = slots;
    s->slot_cap = slot_cap;
    memset(slots, 0xff, slot_cap * sizeof *slots); /* every slot -1 */
    for (uint32_t i = 0; i < s->count; i++)
        slots[find_slot(s, s->name[i])] = (int32_t)i;
    return 0;
}

int32_t vg_sensor_names_index(vg_sensor_names *s, const char *name)
{
    char padded[VG_ID_MAX] = {0};
    const char *nul = memchr(name, '\0', VG_ID_MAX - 1);
    memcpy(padded, name, nul ? (size_t)(nul - name) : VG_ID_MAX - 1);
    /* Scans of one sensor often follow one another. */
    if (s->last >= 0 && memcmp(s->name[s->last], padded, VG_ID_MAX) == 0)
        return s->last;
    if (s->slot_cap) {
        uint32_t k = find_slot(s, padded);
        if (s->slots[k] >= 0)
            return s->last = s->slots[k];
    }
    int rc = make_room(s);
    if (rc < 0)
        return rc;
    int32_t i = (int32_t)s->count++;
    memcpy(s->name[i], padded, VG_ID_MAX);
    s->slots[find_slot(s, padded)] = i;
    return s->last = i;
}

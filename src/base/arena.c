/* base/arena.c — the bump arena and the fixed-size object pool behind the hot paths.
 *
 * Both take memory from malloc in large pieces and never per object, and both count
 * what they hold against a caller-set limit so that a flood of input ends in a NULL
 * the caller can report, not in the OOM killer. Every size computation is checked
 * for overflow: sizes may come from untrusted input (string lengths). */
#include "vigie/arena.h"

#include "vigie/error.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ALIGN _Alignof(max_align_t)
#define MAX_REQUEST_ALIGN 64
#define DEFAULT_BLOCK_SIZE ((size_t)64 * 1024)
#define DEFAULT_PER_SLAB 256

/* The flexible array of max_align_t places data right after the header at an offset
 * malloc's alignment already satisfies, so data is aligned for any type. */
struct vg_arena_block {
    vg_arena_block *next;
    size_t cap;   /* usable bytes in data */
    size_t used;  /* bytes handed out, padding included */
    max_align_t data[];
};

struct vg_pool_slab {
    vg_pool_slab *next;
    max_align_t objects[];
};

#define BLOCK_HEADER offsetof(vg_arena_block, data)
#define SLAB_HEADER offsetof(vg_pool_slab, objects)

/* ---- arena ------------------------------------------------------------------ */

void vg_arena_init(vg_arena *a, size_t block_size, size_t limit)
{
    if (!a)
        return;
    a->blocks = NULL;
    a->block_size = block_size ? block_size : DEFAULT_BLOCK_SIZE;
    a->limit = limit;
    a->held = 0;
}

static unsigned char *block_data(vg_arena_block *b)
{
    return (unsigned char *)b->data;
}

/* Carve size bytes at align from b, or NULL if they do not fit. The padding depends
 * on the block's real address, which is only guaranteed to be max_align_t aligned. */
static void *bump(vg_arena_block *b, size_t size, size_t align)
{
    uintptr_t addr = (uintptr_t)(block_data(b) + b->used);
    size_t pad = (size_t)((0 - addr) & (uintptr_t)(align - 1));
    size_t room = b->cap - b->used;
    if (pad > room || size > room - pad)
        return NULL;
    void *p = block_data(b) + b->used + pad;
    b->used += pad + size;
    return p;
}

static bool fits_limit(const vg_arena *a, size_t cap)
{
    return a->limit == 0 || (cap <= a->limit && a->held <= a->limit - cap);
}

/* A new block of cap usable bytes, counted in held; NULL on overflow, limit or
 * malloc failure. */
static vg_arena_block *new_block(vg_arena *a, size_t cap)
{
    if (cap > SIZE_MAX - BLOCK_HEADER || !fits_limit(a, cap))
        return NULL;
    vg_arena_block *b = malloc(BLOCK_HEADER + cap);
    if (!b)
        return NULL;
    b->next = NULL;
    b->cap = cap;
    b->used = 0;
    a->held += cap;
    return b;
}

void *vg_arena_alloc(vg_arena *a, size_t size, size_t align)
{
    if (!a || size == 0)
        return NULL;
    if (align == 0)
        align = MAX_ALIGN;
    if (align > MAX_REQUEST_ALIGN || (align & (align - 1)) != 0)
        return NULL;
    if (a->blocks) {
        void *p = bump(a->blocks, size, align);
        if (p)
            return p;
    }
    /* A fresh block starts max_align_t aligned, so only a stricter alignment can
     * need padding there, and never more than this. */
    size_t slack = align > MAX_ALIGN ? align - MAX_ALIGN : 0;
    if (size > SIZE_MAX - slack)
        return NULL;
    size_t need = size + slack;
    bool dedicated = need > a->block_size;
    vg_arena_block *b = new_block(a, dedicated ? need : a->block_size);
    if (!b)
        return NULL;
    /* A dedicated block is full after this request: slot it behind the current block
     * so that the current block's free space keeps serving small requests. */
    if (dedicated && a->blocks) {
        b->next = a->blocks->next;
        a->blocks->next = b;
    } else {
        b->next = a->blocks;
        a->blocks = b;
    }
    return bump(b, size, align);
}

char *vg_arena_strndup(vg_arena *a, const char *s, size_t len)
{
    if ((!s && len > 0) || len == SIZE_MAX)
        return NULL;
    char *copy = vg_arena_alloc(a, len + 1, 1);
    if (!copy)
        return NULL;
    if (len > 0)
        memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

static void free_blocks(vg_arena_block *b)
{
    while (b) {
        vg_arena_block *next = b->next;
        free(b);
        b = next;
    }
}

/* Keeping only the largest block would never let the arena catch up with a batch
 * that spans several blocks: every batch would malloc the others again. So when the
 * batch needed more than one block, they are replaced by a single block of their
 * total size (already within the limit, since it was held), and the next batch of
 * the same shape fits in it. If that malloc fails, the largest block is kept. */
void vg_arena_reset(vg_arena *a)
{
    if (!a || !a->blocks)
        return;
    vg_arena_block *largest = a->blocks;
    for (vg_arena_block *b = a->blocks->next; b; b = b->next)
        if (b->cap > largest->cap)
            largest = b;
    size_t total = a->held;
    vg_arena_block *others = NULL;
    for (vg_arena_block *b = a->blocks, *next; b; b = next) {
        next = b->next;
        if (b != largest) {
            b->next = others;
            others = b;
        }
    }
    free_blocks(others);
    largest->next = NULL;
    largest->used = 0;
    a->blocks = largest;
    a->held = largest->cap;

    if (total > largest->cap && total <= SIZE_MAX - BLOCK_HEADER) {
        vg_arena_block *merged = malloc(BLOCK_HEADER + total);
        if (merged) {
            free(largest);
            merged->next = NULL;
            merged->cap = total;
            merged->used = 0;
            a->blocks = merged;
            a->held = total;
        }
    }
}

void vg_arena_free(vg_arena *a)
{
    if (!a)
        return;
    free_blocks(a->blocks);
    vg_arena_init(a, a->block_size, a->limit);
}

/* ---- pool ------------------------------------------------------------------- */

int vg_pool_init(vg_pool *p, size_t obj_size, size_t per_slab, size_t max_objects)
{
    if (!p || obj_size == 0 || obj_size > SIZE_MAX - (MAX_ALIGN - 1))
        return VG_EINVAL;
    /* Every object must hold the free-list link and start aligned for any type. */
    size_t size = (obj_size + MAX_ALIGN - 1) / MAX_ALIGN * MAX_ALIGN;
    if (size < sizeof(void *))
        size = sizeof(void *);
    if (per_slab == 0)
        per_slab = DEFAULT_PER_SLAB;
    if (per_slab > (SIZE_MAX - SLAB_HEADER) / size)
        return VG_EINVAL;
    p->obj_size = size;
    p->per_slab = per_slab;
    p->max_objects = max_objects;
    p->capacity = 0;
    p->live = 0;
    p->free_list = NULL;
    p->slabs = NULL;
    return 0;
}

/* Add a slab (smaller than per_slab if max_objects leaves less room) and thread its
 * objects onto the free list, first object on top so that slabs fill in order. */
static bool pool_grow(vg_pool *p)
{
    size_t count = p->per_slab;
    if (p->max_objects != 0) {
        if (p->capacity >= p->max_objects)
            return false;
        if (count > p->max_objects - p->capacity)
            count = p->max_objects - p->capacity;
    }
    vg_pool_slab *slab = malloc(SLAB_HEADER + count * p->obj_size);
    if (!slab)
        return false;
    slab->next = p->slabs;
    p->slabs = slab;
    unsigned char *objects = (unsigned char *)slab->objects;
    for (size_t i = count; i-- > 0;) {
        void *obj = objects + i * p->obj_size;
        *(void **)obj = p->free_list;
        p->free_list = obj;
    }
    p->capacity += count;
    return true;
}

void *vg_pool_get(vg_pool *p)
{
    if (!p || (!p->free_list && !pool_grow(p)))
        return NULL;
    void *obj = p->free_list;
    p->free_list = *(void **)obj;
    p->live++;
    return obj;
}

void vg_pool_put(vg_pool *p, void *obj)
{
    if (!p || !obj)
        return;
    *(void **)obj = p->free_list;
    p->free_list = obj;
    if (p->live > 0)
        p->live--;
}

void vg_pool_free(vg_pool *p)
{
    if (!p)
        return;
    vg_pool_slab *slab = p->slabs;
    while (slab) {
        vg_pool_slab *next = slab->next;
        free(slab);
        slab = next;
    }
    p->slabs = NULL;
    p->free_list = NULL;
    p->capacity = 0;
    p->live = 0;
}

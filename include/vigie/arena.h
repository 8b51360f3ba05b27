/* vigie/arena.h — memory for hot paths: a bump arena and a fixed-size object pool.
 *
 * Steady-state processing must not call malloc per detection. An arena hands out
 * memory for data that dies together (one batch, one request) and is reset in one
 * step; a pool recycles objects of one size (tracks, transmitter states). Both grow
 * in large blocks up to a limit the caller sets, and report exhaustion instead of
 * failing silently. Neither is thread-safe: each belongs to one owner. */
#ifndef VIGIE_ARENA_H
#define VIGIE_ARENA_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vg_arena_block vg_arena_block;

typedef struct vg_arena {
    vg_arena_block *blocks;  /* current block first; older blocks follow */
    size_t block_size;       /* size of each new block (bigger requests get their own) */
    size_t limit;            /* maximum bytes held in blocks; 0 = no limit */
    size_t held;             /* bytes currently held in blocks */
} vg_arena;

/* Prepare an empty arena; no memory is taken until the first allocation.
 * block_size 0 means 64 KiB. */
void vg_arena_init(vg_arena *a, size_t block_size, size_t limit);

/* size bytes aligned to align (a power of two ≤ 64; 0 means max_align_t). Returns
 * NULL when size is 0, align is invalid, the limit would be exceeded, or malloc
 * fails. Memory is uninitialised. */
void *vg_arena_alloc(vg_arena *a, size_t size, size_t align);

/* Copy s[0..len) into the arena with a terminating NUL. NULL on failure. */
char *vg_arena_strndup(vg_arena *a, const char *s, size_t len);

/* Forget every allocation but keep the largest block for reuse, so an arena reset
 * after each batch stops calling malloc once it has grown to the batch's size. */
void vg_arena_reset(vg_arena *a);

/* Release all memory; the arena can be used again (it is re-initialised empty with
 * the same block size and limit). */
void vg_arena_free(vg_arena *a);

typedef struct vg_pool_slab vg_pool_slab;

typedef struct vg_pool {
    size_t obj_size;         /* rounded up to keep every object aligned */
    size_t per_slab;         /* objects per slab */
    size_t max_objects;      /* capacity limit; 0 = no limit */
    size_t capacity;         /* objects in all slabs */
    size_t live;             /* objects handed out and not returned */
    void *free_list;
    vg_pool_slab *slabs;
} vg_pool;

/* Prepare a pool of objects of obj_size bytes, allocated per_slab at a time (0 means
 * 256). Returns 0, or VG_EINVAL if obj_size is 0. No memory is taken yet. */
int vg_pool_init(vg_pool *p, size_t obj_size, size_t per_slab, size_t max_objects);

/* An object (uninitialised, aligned for any type), or NULL when max_objects are live
 * or malloc fails. */
void *vg_pool_get(vg_pool *p);

/* Return obj (from this pool, not already returned) for reuse. NULL is ignored. */
void vg_pool_put(vg_pool *p, void *obj);

/* Release every slab; all objects become invalid. The pool can be used again. */
void vg_pool_free(vg_pool *p);

#ifdef __cplusplus
}
#endif
#endif

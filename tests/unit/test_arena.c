/* tests/unit/test_arena.c — the bump arena and the object pool: alignment, limits,
 * reuse after reset, and rejection of impossible sizes.
 *
 * Every returned region is written over its full size so that ASan catches any
 * overlap with a header or a neighbour. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "test_helpers.h"
#include "vigie/arena.h"
#include "vigie/error.h"

#define MAX_ALIGN _Alignof(max_align_t)

static int is_aligned(const void *p, size_t align)
{
    return (uintptr_t)p % align == 0;
}

/* ---- arena ------------------------------------------------------------------ */

static void test_arena_init_takes_no_memory_and_defaults_block_size(void **state)
{
    (void)state;
    vg_arena a;
    vg_arena_init(&a, 0, 0);
    assert_null(a.blocks);
    assert_int_equal(a.held, 0);
    assert_int_equal(a.block_size, 64 * 1024);
    vg_arena_free(&a);
}

static void test_arena_aligns_every_pointer_for_aligns_1_to_64(void **state)
{
    (void)state;
    vg_arena a;
    vg_arena_init(&a, 1000, 0); /* an odd block size, so blocks end unaligned */
    for (int round = 0; round < 3; round++) {
        for (size_t align = 1; align <= 64; align *= 2) {
            for (size_t size = 1; size <= 200; size += 7) {
                unsigned char *p = vg_arena_alloc(&a, size, align);
                assert_non_null(p);
                if (!is_aligned(p, align))
                    fail_msg("%p not aligned to %zu", (void *)p, align);
                memset(p, 0xA5, size);
            }
        }
    }
    vg_arena_free(&a);
}

static void test_arena_align_zero_means_max_align(void **state)
{
    (void)state;
    vg_arena a;
    vg_arena_init(&a, 256, 0);
    for (size_t size = 1; size < 100; size++) {
        void *p = vg_arena_alloc(&a, size, 0);
        assert_non_null(p);
        assert_true(is_aligned(p, MAX_ALIGN));
        memset(p, 1, size);
    }
    vg_arena_free(&a);
}

static void test_arena_allocations_do_not_overlap(void **state)
{
    (void)state;
    vg_arena a;
    vg_arena_init(&a, 512, 0);
    unsigned char *ptrs[300];
    size_t sizes[300];
    uint64_t seed = 7;
    for (int i = 0; i < 300; i++) {
        sizes[i] = 1 + (size_t)(th_next(&seed) % 300);
        size_t align = (size_t)1 << (th_next(&seed) % 7);
        ptrs[i] = vg_arena_alloc(&a, sizes[i], align);
        assert_non_null(ptrs[i]);
        memset(ptrs[i], i & 0xff, sizes[i]);
    }
    for (int i = 0; i < 300; i++)
        for (size_t k = 0; k < sizes[i]; k++)
            assert_int_equal(ptrs[i][k], i & 0xff);
    vg_arena_free(&a);
}

static void test_arena_big_request_gets_dedicated_block(void **state)
{
    (void)state;
    vg_arena a;
    vg_arena_init(&a, 1024, 0);
    void *small = vg_arena_alloc(&a, 16, 0);
    assert_non_null(small);
    assert_int_equal(a.held, 1024);

    unsigned char *big = vg_arena_alloc(&a, 100000, 64);
    assert_non_null(big);
    assert_true(is_aligned(big, 64));
    memset(big, 0x5A, 100000);
    assert_true(a.held >= 1024 + 100000);

    /* The current block keeps serving small requests after the big one. */
    size_t held = a.held;
    for (int i = 0; i < 10; i++) {
        void *p = vg_arena_alloc(&a, 16, 0);
        assert_non_null(p);
        memset(p, 0, 16);
    }
    assert_int_equal(a.held, held);
    vg_arena_free(&a);
}

static void test_arena_rejects_invalid_arguments(void **state)
{
    (void)state;
    vg_arena a;
    vg_arena_init(&a, 1024, 0);
    assert_null(vg_arena_alloc(&a, 0, 0));
    assert_null(vg_arena_alloc(&a, 0, 8));
    assert_null(vg_arena_alloc(&a, 8, 3));
    assert_null(vg_arena_alloc(&a, 8, 48));
    assert_null(vg_arena_alloc(&a, 8, 128));
    assert_null(vg_arena_alloc(&a, SIZE_MAX, 1));
    assert_null(vg_arena_alloc(&a, SIZE_MAX, 64));
    assert_null(vg_arena_alloc(&a, SIZE_MAX - 8, 0));  /* + block header overflows */
    assert_null(vg_arena_alloc(&a, SIZE_MAX - 16, 64)); /* + alignment slack overflows */
    assert_null(vg_arena_alloc(NULL, 8, 0));
    assert_null(vg_arena_strndup(&a, "x", SIZE_MAX));
    assert_null(vg_arena_strndup(&a, NULL, 3));
    assert_int_equal(a.held, 0);
    /* Still usable afterwards. */
    assert_non_null(vg_arena_alloc(&a, 8, 0));
    vg_arena_free(&a);
}

static void test_arena_limit_returns_null_and_reset_allows_reuse(void **state)
{
    (void)state;
    vg_arena a;
    vg_arena_init(&a, 1024, 4096);
    int count = 0;
    void *p;
    while ((p = vg_arena_alloc(&a, 512, 0)) != NULL) {
        memset(p, 3, 512);
        count++;
        assert_true(count <= 8);
    }
    assert_int_equal(count, 8);
    assert_true(a.held <= a.limit);
    /* Refused again, without crashing, and a big request too. */
    assert_null(vg_arena_alloc(&a, 512, 0));
    assert_null(vg_arena_alloc(&a, 100000, 0));
    assert_true(a.held <= a.limit);

    vg_arena_reset(&a);
    assert_true(a.held <= a.limit);
    for (int i = 0; i < 8; i++) {
        p = vg_arena_alloc(&a, 512, 0);
        assert_non_null(p);
        memset(p, 4, 512);
    }
    assert_true(a.held <= a.limit);
    vg_arena_free(&a);
}

static void test_arena_request_above_limit_is_refused(void **state)
{
    (void)state;
    vg_arena a;
    vg_arena_init(&a, 1024, 2048);
    assert_null(vg_arena_alloc(&a, 4096, 0));
    assert_int_equal(a.held, 0);
    assert_non_null(vg_arena_alloc(&a, 2048, 0));
    assert_int_equal(a.held, 2048);
    vg_arena_free(&a);
}

/* One "batch": a mix of sizes and alignments, with one request bigger than a block. */
static void run_pattern(vg_arena *a, void **out, size_t n)
{
    uint64_t seed = 99;
    for (size_t i = 0; i < n; i++) {
        size_t size = i == n / 2 ? 5000 : 1 + (size_t)(th_next(&seed) % 200);
        size_t align = (size_t)1 << (th_next(&seed) % 7);
        out[i] = vg_arena_alloc(a, size, align);
        assert_non_null(out[i]);
        memset(out[i], (int)i, size);
    }
}

static void test_arena_reset_then_same_pattern_allocates_no_new_block(void **state)
{
    (void)state;
    enum { N = 200 };
    void *first[N], *second[N], *third[N];
    vg_arena a;
    vg_arena_init(&a, 2048, 0);
    run_pattern(&a, first, N); /* spans several blocks */
    size_t grown = a.held;
    assert_true(grown > 2048);

    vg_arena_reset(&a);
    assert_non_null(a.blocks);
    run_pattern(&a, second, N);
    size_t held = a.held;
    const void *block = a.blocks;

    for (int cycle = 0; cycle < 5; cycle++) {
        vg_arena_reset(&a);
        assert_int_equal(a.held, held);
        run_pattern(&a, third, N);
        /* Same block, same amount held: nothing was malloc'd. */
        assert_int_equal(a.held, held);
        assert_ptr_equal(a.blocks, block);
        assert_memory_equal(second, third, sizeof second);
    }
    vg_arena_free(&a);
}

static void test_arena_reset_keeps_single_block_rewound(void **state)
{
    (void)state;
    vg_arena a;
    vg_arena_init(&a, 1024, 0);
    void *p1 = vg_arena_alloc(&a, 100, 0);
    assert_non_null(p1);
    vg_arena_reset(&a);
    assert_int_equal(a.held, 1024);
    void *p2 = vg_arena_alloc(&a, 100, 0);
    assert_ptr_equal(p1, p2);
    vg_arena_free(&a);

    /* Reset of an empty arena is harmless. */
    vg_arena_init(&a, 1024, 0);
    vg_arena_reset(&a);
    assert_null(a.blocks);
    assert_int_equal(a.held, 0);
    vg_arena_reset(NULL);
}

static void test_arena_strndup_copies_and_terminates(void **state)
{
    (void)state;
    vg_arena a;
    vg_arena_init(&a, 64, 0);

    /* Source without a terminating NUL: an exact-size heap buffer. */
    char *src = malloc(5);
    assert_non_null(src);
    memcpy(src, "hello", 5);
    char *s = vg_arena_strndup(&a, src, 5);
    free(src);
    assert_non_null(s);
    assert_string_equal(s, "hello");

    /* Embedded NUL bytes are copied as data. */
    char *e = vg_arena_strndup(&a, "ab\0cd", 5);
    assert_non_null(e);
    assert_memory_equal(e, "ab\0cd", 5);
    assert_int_equal(e[5], '\0');

    char *empty = vg_arena_strndup(&a, "", 0);
    assert_non_null(empty);
    assert_string_equal(empty, "");
    char *from_null = vg_arena_strndup(&a, NULL, 0);
    assert_non_null(from_null);
    assert_string_equal(from_null, "");

    /* Longer than a block. */
    char big[300];
    memset(big, 'q', sizeof big);
    char *b = vg_arena_strndup(&a, big, sizeof big);
    assert_non_null(b);
    assert_memory_equal(b, big, sizeof big);
    assert_int_equal(b[sizeof big], '\0');
    assert_string_equal(s, "hello");
    vg_arena_free(&a);
}

static void test_arena_free_then_reuse(void **state)
{
    (void)state;
    vg_arena a;
    vg_arena_init(&a, 512, 8192);
    for (int i = 0; i < 20; i++)
        assert_non_null(vg_arena_alloc(&a, 100, 0));
    vg_arena_free(&a);
    assert_null(a.blocks);
    assert_int_equal(a.held, 0);
    assert_int_equal(a.block_size, 512);
    assert_int_equal(a.limit, 8192);
    void *p = vg_arena_alloc(&a, 100, 0);
    assert_non_null(p);
    memset(p, 0, 100);
    vg_arena_free(&a);
    vg_arena_free(&a); /* twice is fine */
    vg_arena_free(NULL);
}

/* ---- pool ------------------------------------------------------------------- */

static void test_pool_init_rejects_invalid_sizes(void **state)
{
    (void)state;
    vg_pool p;
    assert_int_equal(vg_pool_init(&p, 0, 16, 0), VG_EINVAL);
    assert_int_equal(vg_pool_init(&p, SIZE_MAX, 16, 0), VG_EINVAL);
    assert_int_equal(vg_pool_init(&p, SIZE_MAX - 3, 1, 0), VG_EINVAL);
    assert_int_equal(vg_pool_init(&p, (size_t)1 << 20, SIZE_MAX / 1024, 0), VG_EINVAL);
    assert_int_equal(vg_pool_init(NULL, 16, 16, 0), VG_EINVAL);
}

static void test_pool_rounds_object_size_for_alignment(void **state)
{
    (void)state;
    vg_pool p;
    assert_int_equal(vg_pool_init(&p, 1, 0, 0), 0);
    assert_int_equal(p.per_slab, 256);
    assert_true(p.obj_size >= sizeof(void *));
    assert_int_equal(p.obj_size % MAX_ALIGN, 0);
    assert_int_equal(vg_pool_init(&p, MAX_ALIGN + 1, 4, 0), 0);
    assert_int_equal(p.obj_size, 2 * MAX_ALIGN);
    assert_int_equal(p.capacity, 0);
    assert_null(p.slabs);
}

static void test_pool_objects_are_aligned_and_writable(void **state)
{
    (void)state;
    vg_pool p;
    assert_int_equal(vg_pool_init(&p, 24, 8, 0), 0);
    unsigned char *objs[50];
    for (int i = 0; i < 50; i++) {
        objs[i] = vg_pool_get(&p);
        assert_non_null(objs[i]);
        assert_true(is_aligned(objs[i], MAX_ALIGN));
        memset(objs[i], i, p.obj_size);
    }
    for (int i = 0; i < 50; i++)
        for (size_t k = 0; k < 24; k++)
            assert_int_equal(objs[i][k], i);
    assert_int_equal(p.live, 50);
    assert_int_equal(p.capacity, 56);
    vg_pool_free(&p);
}

static void test_pool_put_then_get_recycles_object(void **state)
{
    (void)state;
    vg_pool p;
    assert_int_equal(vg_pool_init(&p, 40, 4, 0), 0);
    void *a = vg_pool_get(&p);
    void *b = vg_pool_get(&p);
    assert_non_null(a);
    assert_non_null(b);
    assert_ptr_not_equal(a, b);
    assert_int_equal(p.live, 2);
    vg_pool_put(&p, a);
    assert_int_equal(p.live, 1);
    void *c = vg_pool_get(&p);
    assert_ptr_equal(c, a);
    assert_int_equal(p.live, 2);
    assert_int_equal(p.capacity, 4);
    vg_pool_put(&p, NULL); /* ignored */
    assert_int_equal(p.live, 2);
    vg_pool_put(&p, b);
    vg_pool_put(&p, c);
    assert_int_equal(p.live, 0);
    vg_pool_free(&p);
}

static void test_pool_max_objects_enforced_exactly(void **state)
{
    (void)state;
    vg_pool p;
    assert_int_equal(vg_pool_init(&p, 32, 4, 10), 0);
    void *objs[10];
    for (int i = 0; i < 10; i++) {
        objs[i] = vg_pool_get(&p);
        assert_non_null(objs[i]);
        memset(objs[i], 0, 32);
        assert_true(p.capacity <= 10);
    }
    assert_int_equal(p.capacity, 10); /* 4 + 4 + a last slab of 2 */
    assert_null(vg_pool_get(&p));
    assert_null(vg_pool_get(&p));
    assert_int_equal(p.live, 10);
    vg_pool_put(&p, objs[3]);
    void *again = vg_pool_get(&p);
    assert_ptr_equal(again, objs[3]);
    assert_null(vg_pool_get(&p));
    assert_int_equal(p.capacity, 10);
    vg_pool_free(&p);
}

static void test_pool_random_get_put_grows_only_as_needed(void **state)
{
    (void)state;
    enum { MAX_LIVE = 1000 };
    const size_t per_slab = 16;
    vg_pool p;
    assert_int_equal(vg_pool_init(&p, 20, per_slab, 0), 0);
    unsigned char **live = calloc(MAX_LIVE, sizeof *live);
    unsigned *tags = calloc(MAX_LIVE, sizeof *tags);
    assert_non_null(live);
    assert_non_null(tags);
    size_t n = 0, peak = 0;
    uint64_t seed = 12345;
    for (unsigned i = 0; i < 100000; i++) {
        uint64_t r = th_next(&seed);
        /* Drift up and down so the live count wanders over hundreds of objects. */
        int want_get = (i / 5000) % 2 == 0 ? r % 100 < 60 : r % 100 < 40;
        if ((want_get && n < MAX_LIVE) || n == 0) {
            unsigned char *o = vg_pool_get(&p);
            assert_non_null(o);
            memset(o, (int)(i & 0xff), 20);
            live[n] = o;
            tags[n] = i & 0xff;
            n++;
        } else {
            size_t k = (size_t)(th_next(&seed) % n);
            /* The object still holds what was written: no other object overlaps it. */
            for (size_t b = 0; b < 20; b++)
                assert_int_equal(live[k][b], tags[k]);
            vg_pool_put(&p, live[k]);
            live[k] = live[n - 1];
            tags[k] = tags[n - 1];
            n--;
        }
        if (n > peak)
            peak = n;
        assert_int_equal(p.live, n);
        assert_true(p.capacity <= (peak + per_slab - 1) / per_slab * per_slab);
    }
    assert_true(peak > 100);
    free(live);
    free(tags);
    vg_pool_free(&p);
}

static void test_pool_free_then_reuse(void **state)
{
    (void)state;
    vg_pool p;
    assert_int_equal(vg_pool_init(&p, 64, 8, 20), 0);
    for (int i = 0; i < 20; i++)
        assert_non_null(vg_pool_get(&p));
    vg_pool_free(&p);
    assert_int_equal(p.capacity, 0);
    assert_int_equal(p.live, 0);
    assert_null(p.free_list);
    assert_null(p.slabs);
    for (int i = 0; i < 20; i++) {
        void *o = vg_pool_get(&p);
        assert_non_null(o);
        memset(o, 1, 64);
    }
    assert_null(vg_pool_get(&p));
    vg_pool_free(&p);
    vg_pool_free(&p);
    vg_pool_free(NULL);
    assert_null(vg_pool_get(NULL));
    vg_pool_put(NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_init_takes_no_memory_and_defaults_block_size),
        cmocka_unit_test(test_arena_aligns_every_pointer_for_aligns_1_to_64),
        cmocka_unit_test(test_arena_align_zero_means_max_align),
        cmocka_unit_test(test_arena_allocations_do_not_overlap),
        cmocka_unit_test(test_arena_big_request_gets_dedicated_block),
        cmocka_unit_test(test_arena_rejects_invalid_arguments),
        cmocka_unit_test(test_arena_limit_returns_null_and_reset_allows_reuse),
        cmocka_unit_test(test_arena_request_above_limit_is_refused),
        cmocka_unit_test(test_arena_reset_then_same_pattern_allocates_no_new_block),
        cmocka_unit_test(test_arena_reset_keeps_single_block_rewound),
        cmocka_unit_test(test_arena_strndup_copies_and_terminates),
        cmocka_unit_test(test_arena_free_then_reuse),
        cmocka_unit_test(test_pool_init_rejects_invalid_sizes),
        cmocka_unit_test(test_pool_rounds_object_size_for_alignment),
        cmocka_unit_test(test_pool_objects_are_aligned_and_writable),
        cmocka_unit_test(test_pool_put_then_get_recycles_object),
        cmocka_unit_test(test_pool_max_objects_enforced_exactly),
        cmocka_unit_test(test_pool_random_get_put_grows_only_as_needed),
        cmocka_unit_test(test_pool_free_then_reuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

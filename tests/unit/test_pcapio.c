/* tests/unit/test_pcapio.c — pcap files written and read back through libpcap,
 * pcapng input, and the errors for truncated, foreign and missing files and for a
 * live capture on an interface that does not exist. Needs no privilege. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_helpers.h"
#include "vigie/pcapio.h"
#include "vigie/ridframe.h"

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/vigie-test-pcapio-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    static const char *const names[] = {"wifi.pcap", "ble.pcap", "cut.pcap", "text.pcap",
                                        "ng.pcapng", "short.pcap", "hci.pcap"};
    char path[128];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    return rmdir(dir);
}

static void path_of(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static const uint8_t ADDR[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
static const uint8_t PACK[28] = {0xF2, 0x19, 0x01, 0x02, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
                                 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24};

typedef struct frame {
    uint8_t bytes[VG_RIDFRAME_MAX_FRAME];
    size_t len;
    vg_time t;
} frame;

/* Write frames to a pcap file of the given link type. */
static void write_pcap(const char *path, int lt, const frame *fr, int n)
{
    vg_pcap_writer *w;
    vg_error err;
    assert_int_equal(vg_pcap_writer_open(path, lt, &w, &err), 0);
    for (int i = 0; i < n; i++)
        assert_int_equal(vg_pcap_writer_write(w, fr[i].t, fr[i].bytes, fr[i].len, &err), 0);
    assert_int_equal(vg_pcap_writer_close(w, &err), 0);
}

/* Read the file back: the same packets, link type and times, then the end. */
static void read_back(const char *path, int lt, const frame *fr, int n)
{
    vg_pcap *pc;
    vg_error err;
    if (vg_pcap_open_file(path, &pc, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(vg_pcap_linktype(pc), lt);
    assert_int_equal(vg_pcap_fd(pc), -1);
    for (int i = 0; i < n; i++) {
        vg_pcap_packet pkt;
        assert_int_equal(vg_pcap_next(pc, &pkt, &err), VG_PCAP_PACKET);
        assert_int_equal(pkt.linktype, lt);
        assert_true(pkt.time == fr[i].t);
        assert_int_equal(pkt.len, fr[i].len);
        assert_int_equal(pkt.orig_len, fr[i].len);
        assert_true(pkt.index == (uint64_t)i + 1);
        assert_memory_equal(pkt.data, fr[i].bytes, fr[i].len);
        /* and the Remote ID is still in there */
        vg_rid_payload p[2];
        int count;
        assert_int_equal(vg_ridframe_parse(pkt.linktype, pkt.data, pkt.len, p, 2, &count, &err),
                         0);
        assert_int_equal(count, 1);
        assert_memory_equal(p[0].addr, ADDR, 6);
    }
    vg_pcap_packet pkt;
    assert_int_equal(vg_pcap_next(pc, &pkt, &err), VG_PCAP_END);
    uint64_t rx, drop;
    assert_int_equal(vg_pcap_stats(pc, &rx, &drop, &err), VG_EIO);
    vg_pcap_close(pc);
}

static void test_written_pcap_reads_back_same_packets_and_times(void **state)
{
    (void)state;
    static frame fr[6];
    vg_error err;
    /* 2024-07-26T19:30:00Z and fractions of a second after it, to the microsecond */
    const vg_time t0 = (vg_time)1722022200 * VG_TIME_S;
    vg_ridframe_opts wifi = {.linktype = 127, .fcs = true, .has_rssi = true, .rssi_dbm = -48};
    for (int i = 0; i < 6; i++)
        fr[i].t = t0 + (vg_time)i * 333333 + (i == 5 ? 999999 : 0);
    assert_int_equal(vg_ridframe_build_wifi_beacon(fr[0].bytes, sizeof fr[0].bytes, ADDR, 1,
                                                   PACK, 28, &wifi, &fr[0].len, &err),
                     0);
    assert_int_equal(vg_ridframe_build_wifi_nan(fr[1].bytes, sizeof fr[1].bytes, ADDR, 2, PACK,
                                                28, &wifi, &fr[1].len, &err),
                     0);
    assert_int_equal(vg_ridframe_build_fr_beacon(fr[2].bytes, sizeof fr[2].bytes, ADDR, PACK,
                                                 10, &wifi, &fr[2].len, &err),
                     0);
    char path[128];
    path_of(path, sizeof path, "wifi.pcap");
    write_pcap(path, 127, fr, 3);
    read_back(path, 127, fr, 3);

    vg_ridframe_opts ble = {.linktype = 256, .has_rssi = true, .rssi_dbm = -80};
    assert_int_equal(vg_ridframe_build_ble4(fr[3].bytes, sizeof fr[3].bytes, ADDR, 3, PACK + 3,
                                            25, &ble, &fr[3].len, &err),
                     0);
    assert_int_equal(vg_ridframe_build_ble5(fr[4].bytes, sizeof fr[4].bytes, ADDR, 4, PACK, 28,
                                            &ble, &fr[4].len, &err),
                     0);
    path_of(path, sizeof path, "ble.pcap");
    write_pcap(path, 256, fr + 3, 2);
    read_back(path, 256, fr + 3, 2);

    vg_ridframe_opts hci = {.linktype = 201};
    assert_int_equal(vg_ridframe_build_ble5(fr[5].bytes, sizeof fr[5].bytes, ADDR, 5, PACK, 28,
                                            &hci, &fr[5].len, &err),
                     0);
    path_of(path, sizeof path, "hci.pcap");
    write_pcap(path, 201, fr + 5, 1);
    read_back(path, 201, fr + 5, 1);
}

static void test_truncated_pcap_gives_clear_error(void **state)
{
    (void)state;
    frame fr[3];
    vg_error err;
    for (int i = 0; i < 3; i++) {
        fr[i].t = (vg_time)1722022200 * VG_TIME_S + i;
        assert_int_equal(vg_ridframe_build_ble4(fr[i].bytes, sizeof fr[i].bytes, ADDR,
                                                (uint8_t)i, PACK + 3, 25, NULL, &fr[i].len,
                                                &err),
                         0);
    }
    char path[128];
    path_of(path, sizeof path, "cut.pcap");
    write_pcap(path, 256, fr, 3);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(truncate(path, st.st_size - 5), 0); /* the last packet loses 5 bytes */

    vg_pcap *pc;
    assert_int_equal(vg_pcap_open_file(path, &pc, &err), 0);
    vg_pcap_packet pkt;
    assert_int_equal(vg_pcap_next(pc, &pkt, &err), VG_PCAP_PACKET);
    assert_int_equal(vg_pcap_next(pc, &pkt, &err), VG_PCAP_PACKET);
    assert_int_equal(vg_pcap_next(pc, &pkt, &err), VG_ETRUNC);
    assert_contains(err.msg, path);
    assert_contains(err.msg, "packet 3: truncated");
    assert_int_equal(vg_pcap_next(pc, &pkt, &err), VG_ESTATE);
    vg_pcap_close(pc);

    /* a file cut inside its header */
    assert_int_equal(truncate(path, 10), 0);
    assert_int_equal(vg_pcap_open_file(path, &pc, &err), VG_ETRUNC);
    assert_contains(err.msg, path);
    assert_contains(err.msg, "truncated");
    assert_null(pc);
}

static void test_non_pcap_and_missing_files_give_clear_errors(void **state)
{
    (void)state;
    char path[128];
    path_of(path, sizeof path, "text.pcap");
    static const char text[] = "{\"type\":\"detection\",\"time\":\"2024-07-26T19:30:00Z\"}\n";
    write_file(path, text, sizeof text - 1);
    vg_pcap *pc;
    vg_error err;
    assert_int_equal(vg_pcap_open_file(path, &pc, &err), VG_EPARSE);
    assert_contains(err.msg, path);
    assert_contains(err.msg, "not a pcap or pcapng file");

    path_of(path, sizeof path, "missing.pcap");
    assert_int_equal(vg_pcap_open_file(path, &pc, &err), VG_EIO);
    assert_contains(err.msg, "missing.pcap: No such file or directory");

    /* writing: a directory that does not exist, a link type libpcap does not know */
    vg_pcap_writer *w;
    path_of(path, sizeof path, "no/such/dir.pcap");
    assert_int_equal(vg_pcap_writer_open(path, 127, &w, &err), VG_EIO);
    assert_contains(err.msg, "dir.pcap");
    assert_null(w);
    path_of(path, sizeof path, "short.pcap");
    assert_int_equal(vg_pcap_writer_open(path, 70000, &w, &err), VG_EINVAL);
    assert_contains(err.msg, "link type 70000");
    /* times a pcap record cannot hold */
    assert_int_equal(vg_pcap_writer_open(path, 127, &w, &err), 0);
    uint8_t b[4] = {0};
    assert_int_equal(vg_pcap_writer_write(w, -1, b, 4, &err), VG_ERANGE);
    assert_int_equal(vg_pcap_writer_write(w, (vg_time)5000000000 * VG_TIME_S, b, 4, &err),
                     VG_ERANGE);
    assert_int_equal(vg_pcap_writer_close(w, &err), 0);
    assert_int_equal(vg_pcap_writer_close(NULL, &err), 0);
    vg_pcap_close(NULL);
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void test_pcapng_file_is_read(void **state)
{
    (void)state;
    /* A minimal little-endian pcapng file: section header, one interface of link type
     * 251 (default resolution: microseconds), one enhanced packet block. */
    uint8_t pkt[VG_RIDFRAME_MAX_FRAME];
    size_t plen;
    vg_error err;
    vg_ridframe_opts o = {.linktype = 251};
    assert_int_equal(
        vg_ridframe_build_ble4(pkt, sizeof pkt, ADDR, 9, PACK + 3, 25, &o, &plen, &err), 0);
    uint8_t f[256];
    size_t n = 0;
    /* SHB */
    put32(f + n, 0x0A0D0D0A);
    put32(f + n + 4, 28);
    put32(f + n + 8, 0x1A2B3C4D);
    f[n + 12] = 1; f[n + 13] = 0; f[n + 14] = 0; f[n + 15] = 0; /* version 1.0 */
    memset(f + n + 16, 0xFF, 8);                                  /* section length: unknown */
    put32(f + n + 24, 28);
    n += 28;
    /* IDB */
    put32(f + n, 1);
    put32(f + n + 4, 20);
    f[n + 8] = 251; f[n + 9] = 0; f[n + 10] = 0; f[n + 11] = 0;   /* link type, reserved */
    put32(f + n + 12, 65535);                                      /* snaplen */
    put32(f + n + 16, 20);
    n += 20;
    /* EPB */
    size_t padded = (plen + 3) & ~(size_t)3;
    uint32_t blen = (uint32_t)(32 + padded);
    const uint64_t us = (uint64_t)1722022200 * 1000000 + 123456;
    put32(f + n, 6);
    put32(f + n + 4, blen);
    put32(f + n + 8, 0);                       /* interface 0 */
    put32(f + n + 12, (uint32_t)(us >> 32));
    put32(f + n + 16, (uint32_t)us);
    put32(f + n + 20, (uint32_t)plen);
    put32(f + n + 24, (uint32_t)plen);
    memset(f + n + 28, 0, padded);
    memcpy(f + n + 28, pkt, plen);
    put32(f + n + 28 + padded, blen);
    n += blen;

    char path[128];
    path_of(path, sizeof path, "ng.pcapng");
    write_file(path, f, n);
    vg_pcap *pc;
    if (vg_pcap_open_file(path, &pc, &err) != 0)
        fail_msg("%s", err.msg);
    vg_pcap_packet p;
    assert_int_equal(vg_pcap_next(pc, &p, &err), VG_PCAP_PACKET);
    assert_int_equal(p.linktype, 251);
    assert_true(p.time == (vg_time)us);
    assert_int_equal(p.len, plen);
    assert_memory_equal(p.data, pkt, plen);
    vg_rid_payload r[2];
    int count;
    assert_int_equal(vg_ridframe_parse(p.linktype, p.data, p.len, r, 2, &count, &err), 0);
    assert_int_equal(count, 1);
    assert_int_equal(r[0].counter, 9);
    assert_int_equal(vg_pcap_next(pc, &p, &err), VG_PCAP_END);
    vg_pcap_close(pc);
}

static void test_live_capture_on_missing_interface_gives_clear_error(void **state)
{
    (void)state;
    vg_pcap *pc;
    vg_error err;
    int rc = vg_pcap_open_live("vigie-none0", NULL, &pc, &err);
    /* as root: no such interface; without privilege libpcap may stop at the
     * permission check first. Either way the message names the interface. */
    if (rc != VG_ENOTFOUND && rc != VG_EIO)
        fail_msg("unexpected %d: %s", rc, err.msg);
    assert_null(pc);
    assert_contains(err.msg, "live capture on vigie-none0: ");
    if (rc == VG_ENOTFOUND)
        assert_contains(err.msg, "no such interface");
    else
        assert_contains(err.msg, "permission denied");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_written_pcap_reads_back_same_packets_and_times),
        cmocka_unit_test(test_truncated_pcap_gives_clear_error),
        cmocka_unit_test(test_non_pcap_and_missing_files_give_clear_errors),
        cmocka_unit_test(test_pcapng_file_is_read),
        cmocka_unit_test(test_live_capture_on_missing_interface_gives_clear_error),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}

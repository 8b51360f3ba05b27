/* tests/unit/test_ridframe.c — finding Remote ID payloads in captured frames, and
 * building such frames: known bytes for every transport and link type, round trips,
 * and hostile frames (every truncation, lengths that lie, garbage headers).
 *
 * The known-answer frames are written out byte by byte. Their FCS / CRC bytes were
 * computed by an independent implementation (Python's zlib.crc32, and a Python BLE
 * CRC) and accepted by tshark 4.0 (FCS "Good" with wlan.check_fcs; no "Incorrect
 * CRC"). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "test_helpers.h"
#include "vigie/ridframe.h"

static const uint8_t ADDR[6] = {0xC0, 0xFF, 0xEE, 0x01, 0x02, 0x03};

/* A one-message pack: header 0xF2 (pack, version 2), message size 25, 1 message,
 * then a location message (0x12) whose body is 01..18. The layer never decodes it. */
static const uint8_t PACK[28] = {
    0xF2, 0x19, 0x01, 0x12, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A,
    0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
};
#define MSG (PACK + 3) /* the 25-byte message alone */

/* French beacon TLVs: version 1, latitude 48.86030, longitude 2.20000 (×1e5, BE). */
static const uint8_t TLV[15] = {
    0x01, 0x01, 0x01,                   /* type 1, length 1: protocol version 1 */
    0x04, 0x04, 0x00, 0x4A, 0x8E, 0x0E, /* type 4, length 4: latitude 4886030 */
    0x05, 0x04, 0x00, 0x03, 0x5B, 0x60, /* type 5, length 4: longitude 220000 */
};

/* ---- helpers ------------------------------------------------------------------------ */

static const char *const LAYERS[] = {"radiotap: ", "802.11: ", "nan: ", "ble: ", "hci: ",
                                     "linktype: "};

static void assert_layer_prefix(const char *msg)
{
    for (size_t i = 0; i < sizeof LAYERS / sizeof LAYERS[0]; i++)
        if (strncmp(msg, LAYERS[i], strlen(LAYERS[i])) == 0)
            return;
    fail_msg("error message \"%s\" does not start with a layer name", msg);
}

/* Parse a copy of the frame in a buffer of exactly its size, so that ASan sees any
 * read past its end. */
static int parse_exact(int lt, const uint8_t *f, size_t n, vg_rid_payload *out, int cap,
                       int *count, vg_error *err)
{
    uint8_t *copy = malloc(n ? n : 1);
    assert_non_null(copy);
    if (n)
        memcpy(copy, f, n);
    int rc = vg_ridframe_parse(lt, copy, n, out, cap, count, err);
    /* slices must point into the copy */
    for (int i = 0; rc == 0 && i < *count; i++) {
        assert_true(out[i].data >= copy && out[i].data + out[i].len <= copy + n);
        out[i].data = f + (out[i].data - copy); /* re-point at the caller's frame */
    }
    free(copy);
    if (rc < 0)
        assert_layer_prefix(err->msg);
    return rc;
}

/* Parse f and expect exactly one payload with these fields. */
static vg_rid_payload parse_one(int lt, const uint8_t *f, size_t n)
{
    vg_rid_payload out[4];
    int count = -1;
    vg_error err;
    int rc = parse_exact(lt, f, n, out, 4, &count, &err);
    if (rc != 0)
        fail_msg("parse failed: %s", err.msg);
    assert_int_equal(count, 1);
    return out[0];
}

static void assert_payload(const vg_rid_payload *p, vg_rid_transport t,
                           vg_rid_payload_kind k, const uint8_t *data, size_t len,
                           bool has_counter, uint8_t counter)
{
    assert_int_equal(p->transport, t);
    assert_int_equal(p->kind, k);
    assert_memory_equal(p->addr, ADDR, 6);
    assert_int_equal(p->has_counter, has_counter);
    if (has_counter)
        assert_int_equal(p->counter, counter);
    assert_int_equal(p->len, len);
    assert_memory_equal(p->data, data, len);
}

static void assert_rssi(const vg_rid_payload *p, bool has, int rssi)
{
    assert_int_equal(p->has_rssi, has);
    if (has)
        assert_int_equal(p->rssi_dbm, rssi);
}

/* The BLE CRC written the way the Core spec draws it (Vol 6 Part B 3.1.1): a 24-bit
 * LFSR, position 0 = LSB of the init value, taps 0,1,3,4,6,9,10, sent from position
 * 23 down. Deliberately not the reflected form the product code uses. */
static void test_crc24(const uint8_t *pdu, size_t n, uint8_t out[3])
{
    uint32_t s = 0x555555;
    for (size_t k = 0; k < n; k++)
        for (int i = 0; i < 8; i++) {
            uint32_t fb = ((s >> 23) ^ (uint32_t)(pdu[k] >> i)) & 1u;
            s = (s << 1) & 0xFFFFFFu;
            if (fb)
                s ^= 0x00065Bu;
        }
    for (int b = 0; b < 3; b++) {
        uint8_t v = 0;
        for (int j = 0; j < 8; j++)
            if (s & (1u << (23 - 8 * b - j)))
                v |= (uint8_t)(1u << j);
        out[b] = v;
    }
}

/* Recompute the CRC of an LE link-layer packet (link type 251) after editing it. */
static void fix_ll_crc(uint8_t *f, size_t n)
{
    test_crc24(f + 4, n - 7, f + n - 3);
}

/* ---- known answers --------------------------------------------------------------------- */

/* Wi-Fi beacon, link type 127: radiotap with antenna signal, FCS at the end. */
static const uint8_t KAT_BEACON_127[98] = {
    /* radiotap */
    0x00, 0x00,             /* version 0, pad */
    0x0F, 0x00,             /* it_len 15 */
    0x2E, 0x00, 0x00, 0x00, /* present: flags, rate, channel, dBm antenna signal */
    0x10,                   /* flags: FCS at end */
    0x0C,                   /* rate: 6 Mbit/s */
    0x85, 0x09, 0xC0, 0x00, /* channel 2437 MHz, OFDM + 2 GHz */
    0xC3,                   /* antenna signal -61 dBm */
    /* 802.11 header */
    0x80, 0x00,                         /* beacon, no flags */
    0x00, 0x00,                         /* duration */
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, /* receiver: broadcast */
    0xC0, 0xFF, 0xEE, 0x01, 0x02, 0x03, /* transmitter */
    0xC0, 0xFF, 0xEE, 0x01, 0x02, 0x03, /* BSSID */
    0x70, 0x00,                         /* sequence number 7 */
    /* fixed fields */
    0, 0, 0, 0, 0, 0, 0, 0, /* timestamp */
    0x64, 0x00,             /* beacon interval 100 TU */
    0x20, 0x04,             /* capabilities: short preamble, short slot time */
    /* elements */
    0x00, 0x00,                         /* SSID, hidden */
    0x01, 0x01, 0x8C,                   /* supported rates: 6 Mbit/s basic */
    0x03, 0x01, 0x06,                   /* DS parameter set: channel 6 */
    0xDD, 0x21,                         /* vendor specific, 33 bytes */
    0xFA, 0x0B, 0xBC, 0x0D,             /* OUI FA:0B:BC, type 0x0D (ASTM Remote ID) */
    0x07,                               /* message counter */
    0xF2, 0x19, 0x01, 0x12, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A,
    0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
    0x44, 0xC1, 0x44, 0x98, /* FCS */
};
#define BEACON_RT_LEN 15 /* offset of the 802.11 frame in KAT_BEACON_127 */

static void test_wifi_beacon_radiotap_known_bytes(void **state)
{
    (void)state;
    vg_rid_payload p = parse_one(127, KAT_BEACON_127, sizeof KAT_BEACON_127);
    assert_payload(&p, VG_RIDT_WIFI_BEACON, VG_RIDP_ASTM_PACK, PACK, 28, true, 7);
    assert_true(p.data == KAT_BEACON_127 + 66);
    assert_rssi(&p, true, -61);

    uint8_t buf[VG_RIDFRAME_MAX_FRAME];
    size_t len;
    vg_error err;
    vg_ridframe_opts o = {.linktype = 127, .fcs = true, .has_rssi = true, .rssi_dbm = -61};
    assert_int_equal(vg_ridframe_build_wifi_beacon(buf, sizeof buf, ADDR, 7, PACK, 28, &o,
                                                   &len, &err),
                     0);
    assert_int_equal(len, sizeof KAT_BEACON_127);
    assert_memory_equal(buf, KAT_BEACON_127, len);
}

static void test_wifi_beacon_plain_80211_known_bytes(void **state)
{
    (void)state;
    /* link type 105: the same frame without radiotap and FCS */
    const uint8_t *f = KAT_BEACON_127 + BEACON_RT_LEN;
    size_t n = sizeof KAT_BEACON_127 - BEACON_RT_LEN - 4;
    vg_rid_payload p = parse_one(105, f, n);
    assert_payload(&p, VG_RIDT_WIFI_BEACON, VG_RIDP_ASTM_PACK, PACK, 28, true, 7);
    assert_rssi(&p, false, 0);

    uint8_t buf[VG_RIDFRAME_MAX_FRAME];
    size_t len;
    vg_error err;
    vg_ridframe_opts o = {.linktype = 105};
    assert_int_equal(vg_ridframe_build_wifi_beacon(buf, sizeof buf, ADDR, 7, PACK, 28, &o,
                                                   &len, &err),
                     0);
    assert_int_equal(len, n);
    assert_memory_equal(buf, f, n);
}

static const uint8_t KAT_FR_105[70] = {
    0x80, 0x00, 0x00, 0x00,             /* beacon, duration */
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, /* broadcast */
    0xC0, 0xFF, 0xEE, 0x01, 0x02, 0x03, /* transmitter */
    0xC0, 0xFF, 0xEE, 0x01, 0x02, 0x03, /* BSSID */
    0x00, 0x00,                         /* sequence number 0 (no counter) */
    0, 0, 0, 0, 0, 0, 0, 0,             /* timestamp */
    0x64, 0x00, 0x20, 0x04,             /* interval, capabilities */
    0x00, 0x05, 'v', 'i', 'g', 'i', 'e', /* SSID "vigie" */
    0x01, 0x01, 0x8C,                   /* rates */
    0x03, 0x01, 0x01,                   /* DS: channel 1 */
    0xDD, 0x13,                         /* vendor specific, 19 bytes */
    0x6A, 0x5C, 0x35, 0x01,             /* OUI 6A:5C:35 (SGDSN), type 1 */
    0x01, 0x01, 0x01, 0x04, 0x04, 0x00, 0x4A, 0x8E, 0x0E, 0x05, 0x04, 0x00, 0x03, 0x5B,
    0x60, /* TLVs */
};

static void test_fr_beacon_known_bytes(void **state)
{
    (void)state;
    vg_rid_payload p = parse_one(105, KAT_FR_105, sizeof KAT_FR_105);
    assert_payload(&p, VG_RIDT_FR_BEACON, VG_RIDP_FR_TLV, TLV, sizeof TLV, false, 0);

    uint8_t buf[VG_RIDFRAME_MAX_FRAME];
    size_t len;
    vg_error err;
    vg_ridframe_opts o = {.linktype = 105, .freq_mhz = 2412, .ssid = "vigie"};
    assert_int_equal(
        vg_ridframe_build_fr_beacon(buf, sizeof buf, ADDR, TLV, sizeof TLV, &o, &len, &err), 0);
    assert_int_equal(len, sizeof KAT_FR_105);
    assert_memory_equal(buf, KAT_FR_105, len);
}

static const uint8_t KAT_NAN_105[79] = {
    0xD0, 0x00, 0x00, 0x00,             /* action, duration */
    0x51, 0x6F, 0x9A, 0x01, 0x00, 0x00, /* NAN network address */
    0xC0, 0xFF, 0xEE, 0x01, 0x02, 0x03, /* transmitter */
    0x50, 0x6F, 0x9A, 0x01, 0x00, 0xFF, /* NAN cluster ID fixed by ASTM F3411 */
    0x90, 0x00,                         /* sequence number 9 */
    0x04, 0x09,                         /* public action, vendor specific */
    0x50, 0x6F, 0x9A, 0x13,             /* Wi-Fi Alliance, NAN */
    0x03, 0x27, 0x00,                   /* Service Descriptor Attribute, 39 bytes */
    0x88, 0x69, 0x19, 0x9D, 0x92, 0x09, /* service ID of org.opendroneid.remoteid */
    0x01, 0x00,                         /* instance ID, requestor instance ID */
    0x10,                               /* service control: publish, service info */
    0x1D,                               /* service info length 29 */
    0x09,                               /* message counter */
    0xF2, 0x19, 0x01, 0x12, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A,
    0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
    0x0E, 0x04, 0x00,                   /* Service Descriptor Extension Attribute */
    0x01, 0x00, 0x02,                   /* instance 1, control: update indicator */
    0x09,                               /* service update indicator = counter */
};

static void test_wifi_nan_known_bytes(void **state)
{
    (void)state;
    vg_rid_payload p = parse_one(105, KAT_NAN_105, sizeof KAT_NAN_105);
    assert_payload(&p, VG_RIDT_WIFI_NAN, VG_RIDP_ASTM_PACK, PACK, 28, true, 9);

    uint8_t buf[VG_RIDFRAME_MAX_FRAME];
    size_t len;
    vg_error err;
    vg_ridframe_opts o = {.linktype = 105};
    assert_int_equal(
        vg_ridframe_build_wifi_nan(buf, sizeof buf, ADDR, 9, PACK, 28, &o, &len, &err), 0);
    assert_int_equal(len, sizeof KAT_NAN_105);
    assert_memory_equal(buf, KAT_NAN_105, len);
}

/* BLE legacy, link type 256: LE pseudo-header, then the link-layer packet. */
static const uint8_t KAT_BLE4_256[56] = {
    0x00,                   /* RF channel 0: 2402 MHz, advertising channel 37 */
    0xBA,                   /* signal -70 dBm */
    0x00, 0x00,             /* noise, access address offenses: not valid */
    0xD6, 0xBE, 0x89, 0x8E, /* reference access address */
    0x13, 0x0C,             /* flags: dewhitened, signal valid, ref AA valid, CRC checked+valid */
    0xD6, 0xBE, 0x89, 0x8E, /* access address 0x8E89BED6 */
    0x42, 0x25,             /* ADV_NONCONN_IND, TxAdd random; length 37 */
    0x03, 0x02, 0x01, 0xEE, 0xFF, 0xC0, /* AdvA, least significant byte first */
    0x1E, 0x16,             /* AD: 30 bytes, service data (16-bit UUID) */
    0xFA, 0xFF,             /* UUID 0xFFFA (ASTM Remote ID) */
    0x0D,                   /* application code */
    0x05,                   /* message counter */
    0x12, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D,
    0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, /* message */
    0x78, 0x57, 0x2E, /* CRC */
};
#define BLE_PHDR_LEN 10

static void test_ble4_link_layer_known_bytes(void **state)
{
    (void)state;
    vg_rid_payload p = parse_one(256, KAT_BLE4_256, sizeof KAT_BLE4_256);
    assert_payload(&p, VG_RIDT_BLE4, VG_RIDP_ASTM_MESSAGE, MSG, 25, true, 5);
    assert_rssi(&p, true, -70);
    /* link type 251: the same packet without the pseudo-header, and no signal */
    p = parse_one(251, KAT_BLE4_256 + BLE_PHDR_LEN, sizeof KAT_BLE4_256 - BLE_PHDR_LEN);
    assert_payload(&p, VG_RIDT_BLE4, VG_RIDP_ASTM_MESSAGE, MSG, 25, true, 5);
    assert_rssi(&p, false, 0);

    uint8_t buf[VG_RIDFRAME_MAX_FRAME];
    size_t len;
    vg_error err;
    vg_ridframe_opts o = {.linktype = 256, .has_rssi = true, .rssi_dbm = -70};
    assert_int_equal(vg_ridframe_build_ble4(buf, sizeof buf, ADDR, 5, MSG, 25, &o, &len, &err),
                     0);
    assert_int_equal(len, sizeof KAT_BLE4_256);
    assert_memory_equal(buf, KAT_BLE4_256, len);
    o.linktype = 251;
    assert_int_equal(vg_ridframe_build_ble4(buf, sizeof buf, ADDR, 5, MSG, 25, &o, &len, &err),
                     0);
    assert_int_equal(len, sizeof KAT_BLE4_256 - BLE_PHDR_LEN);
    assert_memory_equal(buf, KAT_BLE4_256 + BLE_PHDR_LEN, len);
    /* the test's spec-drawn CRC agrees */
    uint8_t crc[3];
    test_crc24(buf + 4, len - 7, crc);
    assert_memory_equal(crc, buf + len - 3, 3);
}

/* BLE 5 long range, link type 256: AUX_ADV_IND on LE Coded PHY. */
static const uint8_t KAT_BLE5_256[64] = {
    0x0B,                   /* RF channel 11: 2424 MHz, data channel index 10 */
    0xBA, 0x00, 0x00,       /* signal -70 dBm; noise, offenses not valid */
    0xD6, 0xBE, 0x89, 0x8E, /* reference access address */
    0x93, 0x8C,             /* flags: as legacy + auxiliary advertising (AUX_ADV_IND), LE Coded */
    0xD6, 0xBE, 0x89, 0x8E, /* access address */
    0x00,                   /* coding indicator: S=8 */
    0x47, 0x2C,             /* extended PDU (type 7), TxAdd random; length 44 */
    0x09,                   /* extended header length 9, non-connectable non-scannable */
    0x09,                   /* flags: AdvA, ADI */
    0x03, 0x02, 0x01, 0xEE, 0xFF, 0xC0, /* AdvA */
    0x06, 0x00,             /* ADI: data id 6, set 0 */
    0x21, 0x16, 0xFA, 0xFF, 0x0D, /* AD: 33 bytes, service data, UUID 0xFFFA, app code */
    0x06,                   /* message counter */
    0xF2, 0x19, 0x01, 0x12, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A,
    0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
    0x6B, 0xED, 0x15, /* CRC */
};

static void test_ble5_coded_phy_known_bytes(void **state)
{
    (void)state;
    vg_rid_payload p = parse_one(256, KAT_BLE5_256, sizeof KAT_BLE5_256);
    assert_payload(&p, VG_RIDT_BLE5, VG_RIDP_ASTM_PACK, PACK, 28, true, 6);
    assert_rssi(&p, true, -70);

    uint8_t buf[VG_RIDFRAME_MAX_FRAME];
    size_t len;
    vg_error err;
    vg_ridframe_opts o = {.linktype = 256, .has_rssi = true, .rssi_dbm = -70};
    assert_int_equal(
        vg_ridframe_build_ble5(buf, sizeof buf, ADDR, 6, PACK, 28, &o, &len, &err), 0);
    assert_int_equal(len, sizeof KAT_BLE5_256);
    assert_memory_equal(buf, KAT_BLE5_256, len);

    /* link type 251 has no coding indicator: the PDU follows the access address */
    o.linktype = 251;
    assert_int_equal(
        vg_ridframe_build_ble5(buf, sizeof buf, ADDR, 6, PACK, 28, &o, &len, &err), 0);
    assert_int_equal(len, 4 + 46 + 3);
    assert_memory_equal(buf, KAT_BLE5_256 + 10, 4);
    assert_memory_equal(buf + 4, KAT_BLE5_256 + 15, 46 + 3);
    p = parse_one(251, buf, len);
    assert_payload(&p, VG_RIDT_BLE5, VG_RIDP_ASTM_PACK, PACK, 28, true, 6);
}

static const uint8_t KAT_HCI_LEGACY[50] = {
    0x00, 0x00, 0x00, 0x01, /* direction (big-endian): received by the host */
    0x04,                   /* H4: event */
    0x3E, 0x2B,             /* LE Meta, 43 parameter bytes */
    0x02, 0x01,             /* LE Advertising Report, 1 report */
    0x03, 0x01,             /* ADV_NONCONN_IND, random address */
    0x03, 0x02, 0x01, 0xEE, 0xFF, 0xC0, /* address, least significant byte first */
    0x1F,                   /* data length 31 */
    0x1E, 0x16, 0xFA, 0xFF, 0x0D, 0x05, /* AD: service data, UUID 0xFFFA, app code, counter */
    0x12, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D,
    0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, /* message */
    0xBA, /* RSSI -70 dBm */
};

static const uint8_t KAT_HCI_EXT[67] = {
    0x00, 0x00, 0x00, 0x01, 0x04, /* received, event */
    0x3E, 0x3C,             /* LE Meta, 60 parameter bytes */
    0x0D, 0x01,             /* LE Extended Advertising Report, 1 report */
    0x00, 0x00,             /* event type: not connectable/scannable, not legacy, complete */
    0x01,                   /* random address */
    0x03, 0x02, 0x01, 0xEE, 0xFF, 0xC0, /* address */
    0x03, 0x03,             /* primary and secondary PHY: LE Coded */
    0x00, 0x7F,             /* advertising SID 0, TX power not available */
    0xBA,                   /* RSSI -70 dBm */
    0x00, 0x00,             /* no periodic advertising */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* direct address type and address */
    0x22,                   /* data length 34 */
    0x21, 0x16, 0xFA, 0xFF, 0x0D, 0x06, /* AD, counter 6 */
    0xF2, 0x19, 0x01, 0x12, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A,
    0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
};

static void test_hci_reports_known_bytes(void **state)
{
    (void)state;
    vg_rid_payload p = parse_one(201, KAT_HCI_LEGACY, sizeof KAT_HCI_LEGACY);
    assert_payload(&p, VG_RIDT_BLE4, VG_RIDP_ASTM_MESSAGE, MSG, 25, true, 5);
    assert_rssi(&p, true, -70);
    p = parse_one(201, KAT_HCI_EXT, sizeof KAT_HCI_EXT);
    assert_payload(&p, VG_RIDT_BLE5, VG_RIDP_ASTM_PACK, PACK, 28, true, 6);
    assert_rssi(&p, true, -70);

    uint8_t buf[VG_RIDFRAME_MAX_FRAME];
    size_t len;
    vg_error err;
    vg_ridframe_opts o = {.linktype = 201, .has_rssi = true, .rssi_dbm = -70};
    assert_int_equal(vg_ridframe_build_ble4(buf, sizeof buf, ADDR, 5, MSG, 25, &o, &len, &err),
                     0);
    assert_int_equal(len, sizeof KAT_HCI_LEGACY);
    assert_memory_equal(buf, KAT_HCI_LEGACY, len);
    assert_int_equal(
        vg_ridframe_build_ble5(buf, sizeof buf, ADDR, 6, PACK, 28, &o, &len, &err), 0);
    assert_int_equal(len, sizeof KAT_HCI_EXT);
    assert_memory_equal(buf, KAT_HCI_EXT, len);

    /* without a signal strength the report says 127, "not available" */
    o.has_rssi = false;
    assert_int_equal(vg_ridframe_build_ble4(buf, sizeof buf, ADDR, 5, MSG, 25, &o, &len, &err),
                     0);
    assert_int_equal(buf[len - 1], 0x7F);
    p = parse_one(201, buf, len);
    assert_rssi(&p, false, 0);
}

/* ---- round trips ----------------------------------------------------------------------- */

static const int WIFI_LTS[] = {105, 127};
static const int BLE_LTS[] = {251, 256, 201};

static void roundtrip(const vg_rid_payload *in, const vg_ridframe_opts *o)
{
    uint8_t buf[VG_RIDFRAME_MAX_FRAME];
    size_t len;
    vg_error err;
    int rc = vg_ridframe_build(buf, sizeof buf, in, o, &len, &err);
    if (rc != 0)
        fail_msg("build %s on %d: %s", vg_rid_transport_name(in->transport), o->linktype,
                 err.msg);
    vg_rid_payload p = parse_one(o->linktype, buf, len);
    assert_int_equal(p.transport, in->transport);
    assert_int_equal(p.kind, in->kind);
    assert_memory_equal(p.addr, in->addr, 6);
    assert_int_equal(p.has_counter, in->has_counter);
    assert_int_equal(p.counter, in->counter);
    assert_int_equal(p.len, in->len);
    assert_memory_equal(p.data, in->data, in->len);
    bool carries = o->linktype == 127 || o->linktype == 256 || o->linktype == 201;
    assert_int_equal(p.has_rssi, in->has_rssi && carries);
    if (p.has_rssi)
        assert_int_equal(p.rssi_dbm, in->rssi_dbm);
}

static void test_build_then_parse_every_transport_and_link_type(void **state)
{
    (void)state;
    uint64_t seed = 42;
    uint8_t data[256];
    for (int iter = 0; iter < 300; iter++) {
        for (size_t i = 0; i < sizeof data; i++)
            data[i] = (uint8_t)th_next(&seed);
        for (int t = 0; t < VG_RIDT_COUNT; t++) {
            bool wifi = t == VG_RIDT_WIFI_BEACON || t == VG_RIDT_WIFI_NAN ||
                        t == VG_RIDT_FR_BEACON;
            size_t max = t == VG_RIDT_WIFI_BEACON ? VG_RIDFRAME_MAX_WIFI_BEACON
                         : t == VG_RIDT_WIFI_NAN  ? VG_RIDFRAME_MAX_WIFI_NAN
                         : t == VG_RIDT_FR_BEACON ? VG_RIDFRAME_MAX_FR_BEACON
                         : t == VG_RIDT_BLE4      ? VG_RIDFRAME_MAX_BLE4
                                                  : VG_RIDFRAME_MAX_BLE5_HCI;
            vg_rid_payload in;
            memset(&in, 0, sizeof in);
            in.transport = (vg_rid_transport)t;
            for (int i = 0; i < 6; i++)
                in.addr[i] = (uint8_t)th_next(&seed);
            in.data = data;
            in.len = 1 + th_next(&seed) % max;
            if (iter == 0)
                in.len = max; /* the largest each carries */
            if (t == VG_RIDT_BLE5 && iter % 2) {
                data[0] = 0xF2; /* a pack; odd iterations: whatever the first byte is */
            }
            in.kind = t == VG_RIDT_FR_BEACON ? VG_RIDP_FR_TLV
                      : (!wifi && (data[0] >> 4) != 0xF) ? VG_RIDP_ASTM_MESSAGE
                                                         : VG_RIDP_ASTM_PACK;
            in.has_counter = t != VG_RIDT_FR_BEACON;
            in.counter = in.has_counter ? (uint8_t)th_next(&seed) : 0;
            in.has_rssi = iter % 3 != 0;
            in.rssi_dbm = (int8_t)(-20 - (int)(th_next(&seed) % 100));
            const int *lts = wifi ? WIFI_LTS : BLE_LTS;
            int nlts = wifi ? 2 : 3;
            for (int k = 0; k < nlts; k++) {
                vg_ridframe_opts o = {.linktype = lts[k]};
                o.fcs = lts[k] == 127 && iter % 2 == 0;
                o.freq_mhz = iter % 5 == 0 ? 5180 : 0;
                roundtrip(&in, &o);
            }
        }
    }
}

static void test_beacon_with_several_vendor_elements_returns_them_all(void **state)
{
    (void)state;
    vg_rid_payload items[3];
    memset(items, 0, sizeof items);
    items[0].transport = VG_RIDT_WIFI_BEACON;
    items[0].counter = 1;
    items[0].data = PACK;
    items[0].len = 28;
    items[1].transport = VG_RIDT_FR_BEACON;
    items[1].data = TLV;
    items[1].len = sizeof TLV;
    items[2].transport = VG_RIDT_WIFI_BEACON;
    items[2].counter = 2;
    items[2].data = MSG;
    items[2].len = 25;
    uint8_t buf[VG_RIDFRAME_MAX_FRAME];
    size_t len;
    vg_error err;
    vg_ridframe_opts o = {.linktype = 127, .fcs = true};
    assert_int_equal(
        vg_ridframe_build_beacon_multi(buf, sizeof buf, ADDR, items, 3, &o, &len, &err), 0);
    vg_rid_payload out[4];
    int n;
    assert_int_equal(parse_exact(127, buf, len, out, 4, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_payload(&out[0], VG_RIDT_WIFI_BEACON, VG_RIDP_ASTM_PACK, PACK, 28, true, 1);
    assert_payload(&out[1], VG_RIDT_FR_BEACON, VG_RIDP_FR_TLV, TLV, sizeof TLV, false, 0);
    assert_payload(&out[2], VG_RIDT_WIFI_BEACON, VG_RIDP_ASTM_PACK, MSG, 25, true, 2);

    /* room for two: the first two, and VG_EFULL */
    assert_int_equal(parse_exact(127, buf, len, out, 2, &n, &err), VG_EFULL);
    assert_int_equal(n, 2);
    assert_contains(err.msg, "802.11: more than 2");
    assert_int_equal(out[1].transport, VG_RIDT_FR_BEACON);
    /* and none asked for */
    assert_int_equal(vg_ridframe_parse(127, buf, len, NULL, 0, &n, &err), VG_EFULL);
    assert_int_equal(n, 0);
}

static void test_other_vendor_elements_and_frames_are_skipped(void **state)
{
    (void)state;
    uint8_t f[200];
    size_t n = sizeof KAT_BEACON_127 - BEACON_RT_LEN - 4;
    memcpy(f, KAT_BEACON_127 + BEACON_RT_LEN, n);
    /* WPA element (Microsoft OUI) and a short vendor element before the ASTM one */
    static const uint8_t extra[] = {0xDD, 0x06, 0x00, 0x50, 0xF2, 0x01, 0x01, 0x00,
                                    0xDD, 0x02, 0xFA, 0x0B};
    size_t at = 24 + 12 + 8; /* after SSID, rates, DS */
    memmove(f + at + sizeof extra, f + at, n - at);
    memcpy(f + at, extra, sizeof extra);
    vg_rid_payload p = parse_one(105, f, n + sizeof extra);
    assert_payload(&p, VG_RIDT_WIFI_BEACON, VG_RIDP_ASTM_PACK, PACK, 28, true, 7);

    vg_rid_payload out[4];
    int count = -1;
    vg_error err;
    uint8_t g[200];
    /* a beacon with the same OUI but another type */
    memcpy(g, KAT_BEACON_127 + BEACON_RT_LEN, n);
    g[24 + 12 + 8 + 5] = 0x0E;
    assert_int_equal(parse_exact(105, g, n, out, 4, &count, &err), 0);
    assert_int_equal(count, 0);
    /* a probe response, a data frame, a protected frame, a version-1 frame: not ours */
    static const uint8_t fc[][2] = {{0x50, 0x00}, {0x08, 0x00}, {0x80, 0x40}, {0x81, 0x00},
                                    {0xC4, 0x00}};
    for (size_t i = 0; i < sizeof fc / sizeof fc[0]; i++) {
        memcpy(g, KAT_BEACON_127 + BEACON_RT_LEN, n);
        g[0] = fc[i][0];
        g[1] = fc[i][1];
        assert_int_equal(parse_exact(105, g, n, out, 4, &count, &err), 0);
        assert_int_equal(count, 0);
    }
    /* action frames of another category, another public action, another OUI type */
    const size_t body = 24;
    for (int i = 0; i < 3; i++) {
        memcpy(g, KAT_NAN_105, sizeof KAT_NAN_105);
        g[body + (i == 0 ? 0 : i == 1 ? 1 : 5)] ^= 0x20;
        assert_int_equal(parse_exact(105, g, sizeof KAT_NAN_105, out, 4, &count, &err), 0);
        assert_int_equal(count, 0);
    }
    /* an action frame too short to hold the OUI it announces */
    assert_int_equal(parse_exact(105, KAT_NAN_105, body + 4, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "802.11: vendor-specific action frame");
    /* action no-ack frames carry NAN too */
    memcpy(g, KAT_NAN_105, sizeof KAT_NAN_105);
    g[0] = 0xE0;
    p = parse_one(105, g, sizeof KAT_NAN_105);
    assert_int_equal(p.transport, VG_RIDT_WIFI_NAN);
}

static void test_ht_control_and_padding_shift_the_body(void **state)
{
    (void)state;
    size_t n = sizeof KAT_BEACON_127 - BEACON_RT_LEN - 4;
    const uint8_t *f = KAT_BEACON_127 + BEACON_RT_LEN;
    uint8_t g[200];
    /* +HTC: a 4-byte HT Control field after the sequence control */
    memcpy(g, f, 24);
    g[1] = 0x80;
    memset(g + 24, 0xAA, 4);
    memcpy(g + 28, f + 24, n - 24);
    vg_rid_payload p = parse_one(105, g, n + 4);
    assert_payload(&p, VG_RIDT_WIFI_BEACON, VG_RIDP_ASTM_PACK, PACK, 28, true, 7);
    /* both DS bits (never valid in management frames): a 30-byte header; with the
     * radiotap data-pad flag it is padded to 32 */
    uint8_t h[220];
    static const uint8_t rt[] = {0x00, 0x00, 0x09, 0x00, 0x02, 0x00, 0x00, 0x00, 0x20};
    memcpy(h, rt, sizeof rt);
    memcpy(h + 9, f, 24);
    h[9 + 1] = 0x03;
    memset(h + 9 + 24, 0xBB, 8); /* address 4 and 2 bytes of padding */
    memcpy(h + 9 + 32, f + 24, n - 24);
    p = parse_one(127, h, 9 + n + 8);
    assert_payload(&p, VG_RIDT_WIFI_BEACON, VG_RIDP_ASTM_PACK, PACK, 28, true, 7);
}

/* ---- hostile frames -------------------------------------------------------------------- */

/* Every prefix of a valid frame is rejected with a layered message, or gives no
 * payload, or — when the prefix is itself a complete frame, like a NAN frame cut
 * before its optional extension attribute — exactly the full frame's payloads. ASan
 * checks that no byte past the prefix is read. */
static void all_truncations(int lt, const uint8_t *f, size_t n)
{
    vg_rid_payload full[4], out[4];
    int nfull;
    vg_error err;
    assert_int_equal(parse_exact(lt, f, n, full, 4, &nfull, &err), 0);
    assert_true(nfull > 0);
    for (size_t k = 0; k < n; k++) {
        int count = -1;
        int rc = parse_exact(lt, f, k, out, 4, &count, &err);
        if (rc < 0) {
            assert_int_equal(count, 0);
            continue;
        }
        assert_true(count <= nfull);
        for (int i = 0; i < count; i++)
            if (out[i].data != full[i].data || out[i].len != full[i].len)
                fail_msg("link type %d, %zu of %zu bytes: payload %d differs", lt, k, n, i);
    }
}

static void test_every_truncation_is_rejected_or_empty(void **state)
{
    (void)state;
    all_truncations(127, KAT_BEACON_127, sizeof KAT_BEACON_127);
    all_truncations(105, KAT_BEACON_127 + BEACON_RT_LEN, sizeof KAT_BEACON_127 - BEACON_RT_LEN - 4);
    all_truncations(105, KAT_FR_105, sizeof KAT_FR_105);
    all_truncations(105, KAT_NAN_105, sizeof KAT_NAN_105);
    all_truncations(256, KAT_BLE4_256, sizeof KAT_BLE4_256);
    all_truncations(251, KAT_BLE4_256 + BLE_PHDR_LEN, sizeof KAT_BLE4_256 - BLE_PHDR_LEN);
    all_truncations(256, KAT_BLE5_256, sizeof KAT_BLE5_256);
    all_truncations(201, KAT_HCI_LEGACY, sizeof KAT_HCI_LEGACY);
    all_truncations(201, KAT_HCI_EXT, sizeof KAT_HCI_EXT);
    /* without radiotap nothing announces the FCS, so a cut beacon still parses up to
     * a cut element: check every cut of the element region is rejected */
    vg_rid_payload out[4];
    int count;
    vg_error err;
    size_t n = sizeof KAT_BEACON_127 - BEACON_RT_LEN - 4;
    for (size_t k = 24 + 12 + 1; k < n; k++) {
        int rc = parse_exact(105, KAT_BEACON_127 + BEACON_RT_LEN, k, out, 4, &count, &err);
        if (k == 24 + 12 + 2 || k == 24 + 12 + 5 || k == 24 + 12 + 8)
            assert_int_equal(rc, 0); /* cut between elements: valid, nothing found */
        else
            assert_int_equal(rc, VG_ETRUNC);
    }
}

static void test_element_running_past_the_end_is_truncated(void **state)
{
    (void)state;
    uint8_t g[200];
    size_t n = sizeof KAT_BEACON_127 - BEACON_RT_LEN - 4;
    memcpy(g, KAT_BEACON_127 + BEACON_RT_LEN, n);
    g[24 + 12 + 8 + 1] = 0x22; /* vendor element claims one byte more */
    vg_rid_payload out[4];
    int count;
    vg_error err;
    assert_int_equal(parse_exact(105, g, n, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "802.11: element 221 at offset 44: length 34 runs past the end");
    /* an ASTM element too short for counter + pack */
    memcpy(g, KAT_BEACON_127 + BEACON_RT_LEN, n);
    g[24 + 12 + 8 + 1] = 5;
    assert_int_equal(parse_exact(105, g, 24 + 12 + 8 + 7, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "802.11: Remote ID element");
    /* a French element with no TLV */
    memcpy(g, KAT_FR_105, sizeof KAT_FR_105);
    g[49 + 1] = 4; /* the vendor element is at 49, after SSID "vigie", rates, DS */
    assert_int_equal(parse_exact(105, g, 49 + 2 + 4, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "802.11: French beacon element");
    /* a beacon body shorter than its fixed fields */
    assert_int_equal(parse_exact(105, KAT_FR_105, 30, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "802.11: beacon body of 6 bytes");
}

static void test_fcs_mismatch_and_bad_fcs_flag_are_rejected(void **state)
{
    (void)state;
    uint8_t g[sizeof KAT_BEACON_127];
    vg_rid_payload out[4];
    int count;
    vg_error err;
    memcpy(g, KAT_BEACON_127, sizeof g);
    g[70] ^= 0x01; /* one bit of the pack flipped on the air */
    assert_int_equal(parse_exact(127, g, sizeof g, out, 4, &count, &err), VG_EINVAL);
    assert_contains(err.msg, "802.11: FCS 0x9844c144 does not match");
    memcpy(g, KAT_BEACON_127, sizeof g);
    g[8] |= 0x40; /* the driver says the FCS was bad */
    assert_int_equal(parse_exact(127, g, sizeof g, out, 4, &count, &err), VG_EINVAL);
    assert_contains(err.msg, "radiotap: the receiver flagged a bad FCS");
    /* FCS flag off: the 4 FCS bytes are read as a truncated element */
    memcpy(g, KAT_BEACON_127, sizeof g);
    g[8] = 0;
    assert_int_equal(parse_exact(127, g, sizeof g, out, 4, &count, &err), VG_ETRUNC);
}

static void test_radiotap_garbage_is_rejected(void **state)
{
    (void)state;
    uint8_t g[sizeof KAT_BEACON_127];
    vg_rid_payload out[4];
    int count;
    vg_error err;
    struct {
        uint8_t b2, b3; /* it_len */
        int code;
        const char *msg;
    } cases[] = {
        {0x07, 0x00, VG_EINVAL, "radiotap: it_len 7, shorter than the 8-byte header"},
        {0x00, 0x00, VG_EINVAL, "radiotap: it_len 0"},
        {0x63, 0x00, VG_ETRUNC, "radiotap: it_len 99 runs past the packet (98 bytes)"},
        {0xFF, 0xFF, VG_ETRUNC, "radiotap: it_len 65535"},
        {0x0D, 0x00, VG_ETRUNC, "radiotap: field 3 at offset 10 runs past it_len 13"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(g, KAT_BEACON_127, sizeof g);
        g[2] = cases[i].b2;
        g[3] = cases[i].b3;
        assert_int_equal(parse_exact(127, g, sizeof g, out, 4, &count, &err), cases[i].code);
        assert_contains(err.msg, cases[i].msg);
    }
    memcpy(g, KAT_BEACON_127, sizeof g);
    g[0] = 1;
    assert_int_equal(parse_exact(127, g, sizeof g, out, 4, &count, &err), VG_EINVAL);
    assert_contains(err.msg, "radiotap: version 1");
    /* a present-bitmask chain that never ends */
    memcpy(g, KAT_BEACON_127, sizeof g);
    memset(g + 4, 0xFF, 11);
    assert_int_equal(parse_exact(127, g, sizeof g, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "radiotap: present bitmask 3 runs past it_len 15");
    /* TSFT present: 8-aligned at offset 8, 8 bytes, past it_len 15 */
    memcpy(g, KAT_BEACON_127, sizeof g);
    g[4] |= 0x01;
    assert_int_equal(parse_exact(127, g, sizeof g, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "radiotap: field 0 at offset 8 runs past it_len 15");
    /* shorter than the fixed header */
    assert_int_equal(parse_exact(127, g, 7, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "radiotap: packet of 7 bytes");
}

static void test_radiotap_chain_alignment_and_vendor_namespace(void **state)
{
    (void)state;
    /* Three bitmask words: radiotap namespace (TSFT, flags, rate, channel, antenna
     * signal; next is radiotap again), radiotap namespace (antenna signal of a second
     * antenna; next is a vendor namespace), vendor namespace (bit 0). */
    static const uint8_t rt[41] = {
        0x00, 0x00, 0x29, 0x00,             /* version, pad, it_len 41 */
        0x2F, 0x00, 0x00, 0xA0,             /* bits 0-3, 5, 29 (radiotap next), 31 */
        0x20, 0x00, 0x00, 0xC0,             /* bit 5, 30 (vendor next), 31 */
        0x01, 0x00, 0x00, 0x00,             /* vendor namespace: bit 0 */
        0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, /* TSFT at 16 (8-aligned) */
        0x00,                               /* flags at 24: no FCS */
        0x02,                               /* rate at 25 */
        0x6C, 0x09, 0xA0, 0x00,             /* channel at 26: 2412 MHz */
        0xCE,                               /* antenna signal at 30: -50 dBm */
        0xA6,                               /* second antenna at 31: -90 dBm */
        0x00, 0x11, 0x22, 0x33, 0x03, 0x00, /* vendor ns at 32: OUI, subns, skip 3 */
        0xEE, 0xEE, 0xEE,                   /* vendor data */
    };
    uint8_t g[200];
    size_t n = sizeof KAT_BEACON_127 - BEACON_RT_LEN - 4;
    memcpy(g, rt, sizeof rt);
    memcpy(g + sizeof rt, KAT_BEACON_127 + BEACON_RT_LEN, n);
    vg_rid_payload p = parse_one(127, g, sizeof rt + n);
    assert_payload(&p, VG_RIDT_WIFI_BEACON, VG_RIDP_ASTM_PACK, PACK, 28, true, 7);
    assert_rssi(&p, true, -50);
    /* the vendor data running past it_len */
    vg_rid_payload out[4];
    int count;
    vg_error err;
    g[36] = 4;
    assert_int_equal(parse_exact(127, g, sizeof rt + n, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "radiotap: vendor namespace data");
    /* an unknown field (bit 24) ends the walk quietly: the frame still starts at it_len */
    g[36] = 3;
    g[7] |= 0x01;
    p = parse_one(127, g, sizeof rt + n);
    assert_rssi(&p, true, -50);
    /* bits 5 and 18 (XChannel, no agreed layout): fields come in bit order, so the
     * antenna signal is found before the unknown field stops the walk */
    static const uint8_t rt2[12] = {0x00, 0x00, 0x0C, 0x00, 0x20, 0x00, 0x04, 0x00,
                                    0x00, 0x00, 0x00, 0x00};
    memcpy(g, rt2, sizeof rt2);
    g[8] = 0xC4; /* -60 dBm */
    memcpy(g + sizeof rt2, KAT_BEACON_127 + BEACON_RT_LEN, n);
    p = parse_one(127, g, sizeof rt2 + n);
    assert_rssi(&p, true, -60);
}

static void test_nan_attribute_lengths_are_checked(void **state)
{
    (void)state;
    uint8_t g[sizeof KAT_NAN_105 + 16];
    vg_rid_payload out[4];
    int count;
    vg_error err;
    const size_t sda = 30; /* offset of the SDA in KAT_NAN_105 */
    /* attribute length past the frame */
    memcpy(g, KAT_NAN_105, sizeof KAT_NAN_105);
    g[sda + 1] = 0x30;
    assert_int_equal(parse_exact(105, g, sizeof KAT_NAN_105, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "nan: attribute 0x03 at offset 0: length 48 runs past the end");
    /* attribute header cut */
    assert_int_equal(parse_exact(105, KAT_NAN_105, sda + 2, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "nan: attribute header");
    /* service info length past the attribute (but inside the frame) */
    memcpy(g, KAT_NAN_105, sizeof KAT_NAN_105);
    g[sda + 12] = 0x1E;
    assert_int_equal(parse_exact(105, g, sizeof KAT_NAN_105, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "nan: service descriptor: service info (31 bytes) runs past");
    /* SDA shorter than its fixed fields */
    memcpy(g, KAT_NAN_105, sda);
    static const uint8_t short_sda[] = {0x03, 0x08, 0x00, 0x88, 0x69, 0x19, 0x9D,
                                        0x92, 0x09, 0x01, 0x00};
    memcpy(g + sda, short_sda, sizeof short_sda);
    assert_int_equal(parse_exact(105, g, sda + sizeof short_sda, out, 4, &count, &err),
                     VG_ETRUNC);
    assert_contains(err.msg, "nan: service descriptor attribute of 8 bytes");
    /* service info too short to hold counter + pack */
    memcpy(g, KAT_NAN_105, sizeof KAT_NAN_105);
    g[sda + 1] = 11;
    g[sda + 12] = 1;
    assert_int_equal(parse_exact(105, g, sda + 3 + 11, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "nan: Remote ID service info of 1 bytes");
    /* a subscriber's SDA, and another service: nothing */
    memcpy(g, KAT_NAN_105, sizeof KAT_NAN_105);
    g[sda + 11] = 0x11;
    assert_int_equal(parse_exact(105, g, sizeof KAT_NAN_105, out, 4, &count, &err), 0);
    assert_int_equal(count, 0);
    memcpy(g, KAT_NAN_105, sizeof KAT_NAN_105);
    g[sda + 3] = 0x89;
    assert_int_equal(parse_exact(105, g, sizeof KAT_NAN_105, out, 4, &count, &err), 0);
    assert_int_equal(count, 0);
}

static void test_nan_optional_fields_come_before_service_info(void **state)
{
    (void)state;
    /* binding bitmap (2), matching filter (len 3), response filter (len 2), then the
     * service info: control 0x5C */
    uint8_t g[200];
    const size_t sda = 30;
    memcpy(g, KAT_NAN_105, sda);
    size_t o = sda;
    g[o++] = 0x03;
    size_t lenpos = o;
    o += 2;
    static const uint8_t fixed[] = {0x88, 0x69, 0x19, 0x9D, 0x92, 0x09, 0x01, 0x00, 0x5C};
    memcpy(g + o, fixed, sizeof fixed);
    o += sizeof fixed;
    static const uint8_t opt[] = {0xAA, 0xBB,             /* binding bitmap */
                                  0x03, 0x02, 0x61, 0x62, /* matching filter */
                                  0x02, 0x01, 0xCC};      /* service response filter */
    memcpy(g + o, opt, sizeof opt);
    o += sizeof opt;
    g[o++] = 1 + 28;
    g[o++] = 0x33; /* counter */
    memcpy(g + o, PACK, 28);
    o += 28;
    g[lenpos] = (uint8_t)(o - lenpos - 2);
    g[lenpos + 1] = 0;
    vg_rid_payload p = parse_one(105, g, o);
    assert_payload(&p, VG_RIDT_WIFI_NAN, VG_RIDP_ASTM_PACK, PACK, 28, true, 0x33);
    /* a matching filter length that runs past the attribute */
    g[sda + 3 + 9 + 2] = 0x40;
    vg_rid_payload out[4];
    int count;
    vg_error err;
    assert_int_equal(parse_exact(105, g, o, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "nan: service descriptor: matching filter");
}

static void test_ble_ad_lengths_are_checked(void **state)
{
    (void)state;
    uint8_t g[64];
    vg_rid_payload out[4];
    int count;
    vg_error err;
    const size_t ll = sizeof KAT_BLE4_256 - BLE_PHDR_LEN;
    const uint8_t *f = KAT_BLE4_256 + BLE_PHDR_LEN;
    const size_t ad = 12; /* AdvData offset in the link-layer packet */
    /* AD length one past the end of AdvData */
    memcpy(g, f, ll);
    g[ad] = 0x1F;
    fix_ll_crc(g, ll);
    assert_int_equal(parse_exact(251, g, ll, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "ble: AD structure at offset 0: length 31 runs past the end");
    /* a flags AD, then zero-length padding: the end of the significant part */
    static const uint8_t flags_then_pad[] = {0x02, 0x01, 0x06, 0x00, 0xFF, 0xFF};
    memcpy(g, f, ll);
    g[5] = 6 + sizeof flags_then_pad;
    memcpy(g + ad, flags_then_pad, sizeof flags_then_pad);
    size_t n2 = ad + sizeof flags_then_pad + 3;
    fix_ll_crc(g, n2);
    assert_int_equal(parse_exact(251, g, n2, out, 4, &count, &err), 0);
    assert_int_equal(count, 0);
    /* a flags AD before the Remote ID AD, padding after it */
    uint8_t h[80];
    memcpy(h, f, ad);
    memcpy(h + ad, flags_then_pad, 3);
    memcpy(h + ad + 3, f + ad, 31);
    h[ad + 34] = 0x00;
    h[5] = 6 + 3 + 31 + 1;
    size_t n3 = ad + 3 + 31 + 1 + 3;
    fix_ll_crc(h, n3);
    vg_rid_payload p = parse_one(251, h, n3);
    assert_payload(&p, VG_RIDT_BLE4, VG_RIDP_ASTM_MESSAGE, MSG, 25, true, 5);
    /* another application code under the ASTM UUID: nothing */
    memcpy(g, f, ll);
    g[ad + 4] = 0x0E;
    fix_ll_crc(g, ll);
    assert_int_equal(parse_exact(251, g, ll, out, 4, &count, &err), 0);
    assert_int_equal(count, 0);
    /* Remote ID service data too short for counter + message */
    memcpy(g, f, ll);
    g[ad] = 5;
    g[5] = 6 + 6;
    fix_ll_crc(g, ad + 6 + 3);
    assert_int_equal(parse_exact(251, g, ad + 6 + 3, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "ble: Remote ID service data at offset 0: 4 bytes");
    /* ASTM UUID without an application code */
    memcpy(g, f, ll);
    g[ad] = 3;
    g[5] = 6 + 4;
    fix_ll_crc(g, ad + 4 + 3);
    assert_int_equal(parse_exact(251, g, ad + 4 + 3, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "ble: ASTM service data at offset 0 without an application code");
}

static void test_ble_link_layer_is_checked(void **state)
{
    (void)state;
    uint8_t g[80];
    vg_rid_payload out[4];
    int count;
    vg_error err;
    const size_t ll = sizeof KAT_BLE4_256 - BLE_PHDR_LEN;
    const uint8_t *f = KAT_BLE4_256 + BLE_PHDR_LEN;
    /* CRC mismatch */
    memcpy(g, f, ll);
    g[20] ^= 0x80;
    assert_int_equal(parse_exact(251, g, ll, out, 4, &count, &err), VG_EINVAL);
    assert_contains(err.msg, "ble: CRC 0x2e5778 does not match");
    /* bytes after the CRC */
    memcpy(g, f, ll);
    g[ll] = 0;
    assert_int_equal(parse_exact(251, g, ll + 1, out, 4, &count, &err), VG_EINVAL);
    assert_contains(err.msg, "ble: 1 bytes after the CRC");
    /* a data-channel packet: another access address */
    memcpy(g, f, ll);
    g[0] = 0x11;
    assert_int_equal(parse_exact(251, g, ll, out, 4, &count, &err), 0);
    assert_int_equal(count, 0);
    /* legacy PDU shorter than its address */
    static const uint8_t tiny[] = {0xD6, 0xBE, 0x89, 0x8E, 0x42, 0x03, 0x01, 0x02, 0x03,
                                   0, 0, 0};
    memcpy(g, tiny, sizeof tiny);
    fix_ll_crc(g, sizeof tiny);
    assert_int_equal(parse_exact(251, g, sizeof tiny, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "ble: advertising PDU of 3 bytes");
    /* a scan request: not an advertisement with data */
    memcpy(g, f, ll);
    g[4] = 0x43;
    fix_ll_crc(g, ll);
    assert_int_equal(parse_exact(251, g, ll, out, 4, &count, &err), 0);
    assert_int_equal(count, 0);
    /* an LE pseudo-header cut short */
    assert_int_equal(parse_exact(256, KAT_BLE4_256, 9, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "ble: packet of 9 bytes, shorter than the 10-byte LE pseudo-header");
}

static void test_ble_extended_header_is_checked(void **state)
{
    (void)state;
    uint8_t g[80];
    vg_rid_payload out[4];
    int count;
    vg_error err;
    const uint8_t *f = KAT_BLE5_256 + 15; /* the PDU */
    const size_t pdu = 46;
    /* link type 251 copy: access address + PDU + CRC */
    uint8_t ll[60];
    memcpy(ll, KAT_BLE5_256 + 10, 4);
    memcpy(ll + 4, f, pdu + 3);
    const size_t n = 4 + pdu + 3;
    /* extended header length past the PDU */
    memcpy(g, ll, n);
    g[6] = 0x3F;
    fix_ll_crc(g, n);
    assert_int_equal(parse_exact(251, g, n, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "ble: extended header of 63 bytes runs past the 44-byte PDU");
    /* flags announcing more fields than the header holds (SyncInfo, 18 bytes) */
    memcpy(g, ll, n);
    g[7] |= 0x20;
    fix_ll_crc(g, n);
    assert_int_equal(parse_exact(251, g, n, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "ble: extended header fields (flags 0x29) run past its 9 bytes");
    /* no AdvA (a chain fragment): nothing */
    memcpy(g, ll, n);
    g[7] = 0x08; /* ADI only */
    g[6] = 3;    /* flags + ADI */
    memmove(g + 8, g + 14, n - 14); /* drop AdvA */
    g[5] = (uint8_t)(pdu - 2 - 6); /* payload length without AdvA */
    fix_ll_crc(g, n - 6);
    assert_int_equal(parse_exact(251, g, n - 6, out, 4, &count, &err), 0);
    assert_int_equal(count, 0);
    /* the pseudo-header says AUX_CHAIN_IND: not reassembled */
    memcpy(g, KAT_BLE5_256, sizeof KAT_BLE5_256);
    g[9] |= 0x10; /* aux type 1 in bits 12-13 */
    assert_int_equal(parse_exact(256, g, sizeof KAT_BLE5_256, out, 4, &count, &err), 0);
    assert_int_equal(count, 0);
}

static void test_hci_event_lengths_are_checked(void **state)
{
    (void)state;
    uint8_t g[200];
    vg_rid_payload out[4];
    int count;
    vg_error err;
    /* parameter length past the packet, and short of it */
    memcpy(g, KAT_HCI_LEGACY, sizeof KAT_HCI_LEGACY);
    g[6] = 0x2C;
    assert_int_equal(parse_exact(201, g, sizeof KAT_HCI_LEGACY, out, 4, &count, &err),
                     VG_ETRUNC);
    assert_contains(err.msg, "hci: event 0x3e: parameter length 44 runs past the packet");
    g[6] = 0x2A;
    assert_int_equal(parse_exact(201, g, sizeof KAT_HCI_LEGACY, out, 4, &count, &err),
                     VG_EINVAL);
    assert_contains(err.msg, "hci: event 0x3e: 1 bytes after its 42 parameters");
    /* report data length past the event */
    memcpy(g, KAT_HCI_LEGACY, sizeof KAT_HCI_LEGACY);
    g[17] = 0x20;
    assert_int_equal(parse_exact(201, g, sizeof KAT_HCI_LEGACY, out, 4, &count, &err),
                     VG_ETRUNC);
    assert_contains(err.msg, "hci: advertising report 1 of 1: data length 32 runs past");
    /* two reports announced, one present */
    memcpy(g, KAT_HCI_LEGACY, sizeof KAT_HCI_LEGACY);
    g[8] = 2;
    assert_int_equal(parse_exact(201, g, sizeof KAT_HCI_LEGACY, out, 4, &count, &err),
                     VG_ETRUNC);
    assert_contains(err.msg, "hci: advertising report 2 of 2 runs past the event");
    /* zero reports but bytes left */
    g[8] = 0;
    assert_int_equal(parse_exact(201, g, sizeof KAT_HCI_LEGACY, out, 4, &count, &err),
                     VG_EINVAL);
    assert_contains(err.msg, "hci: 41 bytes after the last advertising report");
    /* extended report data length past the event */
    memcpy(g, KAT_HCI_EXT, sizeof KAT_HCI_EXT);
    g[32] = 0x23;
    assert_int_equal(parse_exact(201, g, sizeof KAT_HCI_EXT, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "hci: extended advertising report 1 of 1: data length 35");
    /* incomplete data (more to come): not reassembled */
    memcpy(g, KAT_HCI_EXT, sizeof KAT_HCI_EXT);
    g[9] = 0x20;
    assert_int_equal(parse_exact(201, g, sizeof KAT_HCI_EXT, out, 4, &count, &err), 0);
    assert_int_equal(count, 0);
    /* a legacy advertisement reported as an extended report is BLE4 */
    memcpy(g, KAT_HCI_EXT, sizeof KAT_HCI_EXT);
    g[9] = 0x10;
    vg_rid_payload p = parse_one(201, g, sizeof KAT_HCI_EXT);
    assert_int_equal(p.transport, VG_RIDT_BLE4);
    /* an ACL packet, a command complete event: not ours */
    memcpy(g, KAT_HCI_LEGACY, sizeof KAT_HCI_LEGACY);
    g[4] = 0x02;
    assert_int_equal(parse_exact(201, g, sizeof KAT_HCI_LEGACY, out, 4, &count, &err), 0);
    g[4] = 0x04;
    g[5] = 0x0E;
    assert_int_equal(parse_exact(201, g, sizeof KAT_HCI_LEGACY, out, 4, &count, &err), 0);
    assert_int_equal(count, 0);
    /* LE Meta without a subevent */
    static const uint8_t meta0[] = {0, 0, 0, 1, 0x04, 0x3E, 0x00};
    assert_int_equal(parse_exact(201, meta0, sizeof meta0, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "hci: LE Meta event without a subevent code");
}

static void test_hci_reports_keep_their_own_rssi(void **state)
{
    (void)state;
    /* one legacy report event with two reports: -70 dBm, then "not available" */
    uint8_t g[120];
    const size_t rep = 9, replen = 9 + 31 + 1; /* first report offset and size */
    memcpy(g, KAT_HCI_LEGACY, sizeof KAT_HCI_LEGACY);
    memcpy(g + rep + replen, KAT_HCI_LEGACY + rep, replen);
    g[rep + replen + 9 + 5] = 0x44;   /* second counter */
    g[rep + replen + replen - 1] = 0x7F;
    g[8] = 2;
    g[6] = (uint8_t)(2 + 2 * replen);
    vg_rid_payload out[4];
    int count;
    vg_error err;
    assert_int_equal(parse_exact(201, g, rep + 2 * replen, out, 4, &count, &err), 0);
    assert_int_equal(count, 2);
    assert_rssi(&out[0], true, -70);
    assert_int_equal(out[0].counter, 5);
    assert_rssi(&out[1], false, 0);
    assert_int_equal(out[1].counter, 0x44);
}

static void test_unknown_link_type_and_bad_arguments(void **state)
{
    (void)state;
    vg_rid_payload out[4];
    int count = -1;
    vg_error err;
    assert_int_equal(vg_ridframe_parse(1, KAT_FR_105, sizeof KAT_FR_105, out, 4, &count, &err),
                     VG_EUNKNOWN);
    assert_int_equal(count, 0);
    assert_contains(err.msg, "linktype: 1 is not supported");
    assert_false(vg_ridframe_linktype_supported(1));
    assert_true(vg_ridframe_linktype_supported(127));
    assert_int_equal(vg_ridframe_parse(105, NULL, 10, out, 4, &count, &err), VG_EINVAL);
    assert_int_equal(vg_ridframe_parse(105, KAT_FR_105, 10, out, 4, NULL, &err), VG_EINVAL);
    /* an empty packet */
    assert_int_equal(vg_ridframe_parse(105, NULL, 0, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "802.11: frame of 0 bytes");
}

static void test_transport_names(void **state)
{
    (void)state;
    assert_string_equal(vg_rid_transport_name(VG_RIDT_WIFI_BEACON), "wifi-beacon");
    assert_string_equal(vg_rid_transport_name(VG_RIDT_WIFI_NAN), "wifi-nan");
    assert_string_equal(vg_rid_transport_name(VG_RIDT_BLE4), "ble4");
    assert_string_equal(vg_rid_transport_name(VG_RIDT_BLE5), "ble5");
    assert_string_equal(vg_rid_transport_name(VG_RIDT_FR_BEACON), "fr-beacon");
}

static void test_less_common_faults_are_reported_too(void **state)
{
    (void)state;
    uint8_t g[200];
    vg_rid_payload out[4];
    int count;
    vg_error err;
    /* HCI: a legacy report event with no Num_Reports */
    static const uint8_t noreports[] = {0, 0, 0, 1, 0x04, 0x3E, 0x01, 0x02};
    assert_int_equal(parse_exact(201, noreports, sizeof noreports, out, 4, &count, &err),
                     VG_ETRUNC);
    assert_contains(err.msg, "hci: advertising report event without Num_Reports");
    /* HCI: two extended reports announced, one present; then bytes after it */
    memcpy(g, KAT_HCI_EXT, sizeof KAT_HCI_EXT);
    g[8] = 2;
    assert_int_equal(parse_exact(201, g, sizeof KAT_HCI_EXT, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "hci: extended advertising report 2 of 2 runs past the event");
    memcpy(g, KAT_HCI_EXT, sizeof KAT_HCI_EXT);
    g[sizeof KAT_HCI_EXT] = 0;
    g[6]++;
    assert_int_equal(parse_exact(201, g, sizeof KAT_HCI_EXT + 1, out, 4, &count, &err),
                     VG_EINVAL);
    assert_contains(err.msg, "hci: 1 bytes after the last extended advertising report");
    /* HCI: another LE subevent (periodic advertising report): not ours */
    memcpy(g, KAT_HCI_EXT, sizeof KAT_HCI_EXT);
    g[7] = 0x0F;
    assert_int_equal(parse_exact(201, g, sizeof KAT_HCI_EXT, out, 4, &count, &err), 0);
    assert_int_equal(count, 0);
    /* BLE: an extended PDU with an empty payload */
    static const uint8_t empty_ext[] = {0xD6, 0xBE, 0x89, 0x8E, 0x47, 0x00, 0, 0, 0};
    memcpy(g, empty_ext, sizeof empty_ext);
    fix_ll_crc(g, sizeof empty_ext);
    assert_int_equal(parse_exact(251, g, sizeof empty_ext, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "ble: extended advertising PDU without its header");
    /* radiotap: a vendor namespace header that runs past it_len */
    static const uint8_t rt[] = {0x00, 0x00, 0x0C, 0x00, 0x00, 0x00, 0x00, 0xC0,
                                 0x00, 0x00, 0x00, 0x00};
    memcpy(g, rt, sizeof rt);
    assert_int_equal(parse_exact(127, g, sizeof rt, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "radiotap: vendor namespace at offset 12 runs past it_len 12");
    /* NAN: a matching filter announced, its length byte missing */
    const size_t sda = 30;
    memcpy(g, KAT_NAN_105, sda);
    static const uint8_t sda_mf[] = {0x03, 0x09, 0x00, 0x88, 0x69, 0x19, 0x9D,
                                     0x92, 0x09, 0x01, 0x00, 0x14};
    memcpy(g + sda, sda_mf, sizeof sda_mf);
    assert_int_equal(parse_exact(105, g, sda + sizeof sda_mf, out, 4, &count, &err), VG_ETRUNC);
    assert_contains(err.msg, "nan: service descriptor: matching filter length runs past");
}

static void test_builders_check_their_arguments(void **state)
{
    (void)state;
    uint8_t buf[VG_RIDFRAME_MAX_FRAME];
    size_t len;
    vg_error err;
    assert_int_equal(vg_ridframe_build_wifi_beacon(NULL, 10, ADDR, 0, PACK, 28, NULL, &len, &err),
                     VG_EINVAL);
    assert_int_equal(vg_ridframe_build_wifi_nan(buf, sizeof buf, NULL, 0, PACK, 28, NULL, &len,
                                                &err),
                     VG_EINVAL);
    assert_int_equal(vg_ridframe_build_ble5(buf, sizeof buf, ADDR, 0, PACK, 28, NULL, NULL, &err),
                     VG_EINVAL);
    assert_int_equal(vg_ridframe_build(buf, sizeof buf, NULL, NULL, &len, &err), VG_EINVAL);
    vg_rid_payload bad = {.transport = (vg_rid_transport)9, .data = PACK, .len = 28};
    assert_int_equal(vg_ridframe_build(buf, sizeof buf, &bad, NULL, &len, &err), VG_EINVAL);
    assert_contains(err.msg, "linktype: transport 9 does not exist");
    vg_ridframe_opts fcs = {.fcs = true};
    assert_int_equal(vg_ridframe_build_ble4(buf, sizeof buf, ADDR, 0, MSG, 25, &fcs, &len, &err),
                     VG_EINVAL);
    assert_contains(err.msg, "ble: an FCS is an 802.11 option");
    /* defaults: radiotap for Wi-Fi, the LE pseudo-header for Bluetooth */
    assert_int_equal(vg_ridframe_build_ble4(buf, sizeof buf, ADDR, 0, MSG, 25, NULL, &len, &err),
                     0);
    vg_rid_payload p = parse_one(256, buf, len);
    assert_int_equal(p.transport, VG_RIDT_BLE4);
    /* channel 14 (Japan, 2484 MHz) in the DS parameter set */
    vg_ridframe_opts ch14 = {.freq_mhz = 2484};
    assert_int_equal(vg_ridframe_build_wifi_beacon(buf, sizeof buf, ADDR, 0, PACK, 28, &ch14,
                                                   &len, &err),
                     0);
    assert_int_equal(buf[14 + 24 + 12 + 2 + 3 + 2], 14);
    p = parse_one(127, buf, len);
    assert_int_equal(p.transport, VG_RIDT_WIFI_BEACON);
}

/* ---- builders' errors -------------------------------------------------------------------- */

static void test_builders_refuse_what_does_not_fit(void **state)
{
    (void)state;
    uint8_t buf[VG_RIDFRAME_MAX_FRAME + 8];
    uint8_t big[300] = {0};
    size_t len;
    vg_error err;
    vg_ridframe_opts hci = {.linktype = 201};
    assert_int_equal(vg_ridframe_build_wifi_beacon(buf, sizeof buf, ADDR, 0, big, 251, NULL,
                                                   &len, &err),
                     VG_ETOOBIG);
    assert_contains(err.msg, "802.11: wifi-beacon payload of 251 bytes");
    assert_int_equal(
        vg_ridframe_build_fr_beacon(buf, sizeof buf, ADDR, big, 252, NULL, &len, &err),
        VG_ETOOBIG);
    assert_int_equal(
        vg_ridframe_build_wifi_nan(buf, sizeof buf, ADDR, 0, big, 255, NULL, &len, &err),
        VG_ETOOBIG);
    assert_int_equal(vg_ridframe_build_ble4(buf, sizeof buf, ADDR, 0, big, 26, NULL, &len, &err),
                     VG_ETOOBIG);
    assert_int_equal(vg_ridframe_build_ble5(buf, sizeof buf, ADDR, 0, big, 240, NULL, &len, &err),
                     VG_ETOOBIG);
    assert_int_equal(vg_ridframe_build_ble5(buf, sizeof buf, ADDR, 0, big, 224, &hci, &len, &err),
                     VG_ETOOBIG);
    assert_contains(err.msg, "an HCI report");
    assert_int_equal(vg_ridframe_build_ble5(buf, sizeof buf, ADDR, 0, big, 223, &hci, &len, &err),
                     0);
    assert_int_equal(vg_ridframe_build_ble4(buf, sizeof buf, ADDR, 0, big, 0, NULL, &len, &err),
                     VG_EINVAL);
    /* link types of the wrong family, FCS without radiotap, a long SSID, a bad channel */
    vg_ridframe_opts o = {.linktype = 251};
    assert_int_equal(vg_ridframe_build_wifi_beacon(buf, sizeof buf, ADDR, 0, PACK, 28, &o, &len,
                                                   &err),
                     VG_EINVAL);
    assert_contains(err.msg, "linktype: 251 cannot carry Wi-Fi frames");
    o.linktype = 127;
    assert_int_equal(vg_ridframe_build_ble4(buf, sizeof buf, ADDR, 0, MSG, 25, &o, &len, &err),
                     VG_EINVAL);
    o.linktype = 105;
    o.fcs = true;
    assert_int_equal(vg_ridframe_build_wifi_beacon(buf, sizeof buf, ADDR, 0, PACK, 28, &o, &len,
                                                   &err),
                     VG_EINVAL);
    assert_contains(err.msg, "802.11: an FCS needs radiotap");
    vg_ridframe_opts s = {.ssid = "a-very-long-network-name-of-33-ch"};
    assert_int_equal(vg_ridframe_build_wifi_beacon(buf, sizeof buf, ADDR, 0, PACK, 28, &s, &len,
                                                   &err),
                     VG_EINVAL);
    vg_ridframe_opts f = {.freq_mhz = 3000};
    assert_int_equal(vg_ridframe_build_wifi_beacon(buf, sizeof buf, ADDR, 0, PACK, 28, &f, &len,
                                                   &err),
                     VG_EINVAL);
    vg_ridframe_opts r = {.linktype = 201, .has_rssi = true, .rssi_dbm = 127};
    assert_int_equal(vg_ridframe_build_ble4(buf, sizeof buf, ADDR, 0, MSG, 25, &r, &len, &err),
                     VG_EINVAL);
    /* a beacon carries no NAN payload */
    vg_rid_payload nan = {.transport = VG_RIDT_WIFI_NAN, .data = PACK, .len = 28};
    assert_int_equal(
        vg_ridframe_build_beacon_multi(buf, sizeof buf, ADDR, &nan, 1, NULL, &len, &err),
        VG_EINVAL);
    /* a payload whose kind is not what the parser would say */
    vg_rid_payload k = {.transport = VG_RIDT_BLE4, .kind = VG_RIDP_ASTM_PACK, .data = MSG,
                        .len = 25, .has_counter = true};
    assert_int_equal(vg_ridframe_build(buf, sizeof buf, &k, NULL, &len, &err), VG_EINVAL);
    assert_contains(err.msg, "ble: a ble4 payload starting 0x12");
}

static void test_builders_never_write_past_cap(void **state)
{
    (void)state;
    vg_rid_payload p = {.counter = 3, .has_counter = true, .data = PACK, .len = 28};
    memcpy(p.addr, ADDR, 6);
    for (int t = 0; t < VG_RIDT_COUNT; t++) {
        p.transport = (vg_rid_transport)t;
        p.kind = t == VG_RIDT_FR_BEACON ? VG_RIDP_FR_TLV : VG_RIDP_ASTM_PACK;
        if (t == VG_RIDT_BLE4) {
            p.kind = VG_RIDP_ASTM_MESSAGE;
            p.data = MSG;
            p.len = 25;
        } else {
            p.data = PACK;
            p.len = 28;
        }
        uint8_t full[VG_RIDFRAME_MAX_FRAME];
        size_t need;
        vg_error err;
        assert_int_equal(vg_ridframe_build(full, sizeof full, &p, NULL, &need, &err), 0);
        for (size_t cap = 0; cap < need; cap++) {
            uint8_t *buf = malloc(cap ? cap : 1); /* ASan: exactly cap bytes */
            assert_non_null(buf);
            size_t len = 12345;
            assert_int_equal(vg_ridframe_build(buf, cap, &p, NULL, &len, &err), VG_EFULL);
            assert_int_equal(len, 12345);
            assert_layer_prefix(err.msg);
            free(buf);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wifi_beacon_radiotap_known_bytes),
        cmocka_unit_test(test_wifi_beacon_plain_80211_known_bytes),
        cmocka_unit_test(test_fr_beacon_known_bytes),
        cmocka_unit_test(test_wifi_nan_known_bytes),
        cmocka_unit_test(test_ble4_link_layer_known_bytes),
        cmocka_unit_test(test_ble5_coded_phy_known_bytes),
        cmocka_unit_test(test_hci_reports_known_bytes),
        cmocka_unit_test(test_build_then_parse_every_transport_and_link_type),
        cmocka_unit_test(test_beacon_with_several_vendor_elements_returns_them_all),
        cmocka_unit_test(test_other_vendor_elements_and_frames_are_skipped),
        cmocka_unit_test(test_ht_control_and_padding_shift_the_body),
        cmocka_unit_test(test_every_truncation_is_rejected_or_empty),
        cmocka_unit_test(test_element_running_past_the_end_is_truncated),
        cmocka_unit_test(test_fcs_mismatch_and_bad_fcs_flag_are_rejected),
        cmocka_unit_test(test_radiotap_garbage_is_rejected),
        cmocka_unit_test(test_radiotap_chain_alignment_and_vendor_namespace),
        cmocka_unit_test(test_nan_attribute_lengths_are_checked),
        cmocka_unit_test(test_nan_optional_fields_come_before_service_info),
        cmocka_unit_test(test_ble_ad_lengths_are_checked),
        cmocka_unit_test(test_ble_link_layer_is_checked),
        cmocka_unit_test(test_ble_extended_header_is_checked),
        cmocka_unit_test(test_hci_event_lengths_are_checked),
        cmocka_unit_test(test_hci_reports_keep_their_own_rssi),
        cmocka_unit_test(test_unknown_link_type_and_bad_arguments),
        cmocka_unit_test(test_transport_names),
        cmocka_unit_test(test_builders_refuse_what_does_not_fit),
        cmocka_unit_test(test_builders_never_write_past_cap),
        cmocka_unit_test(test_less_common_faults_are_reported_too),
        cmocka_unit_test(test_builders_check_their_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

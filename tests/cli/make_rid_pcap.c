/* tests/cli/make_rid_pcap.c — writes the captures tests/cli/decode.sh and
 * rid_tshark.sh feed to `vigie decode` and tshark: one pcap per link type, built with
 * vigie's own encoders (rid.h, frbeacon.h), frame builders (ridframe.h) and pcap
 * writer (pcapio.h).
 *
 * Each capture holds known messages of every type on every transport its link type
 * carries, then a few hostile frames (a truncated element, a pack whose count exceeds
 * its length, garbage radiotap, an unknown message type, a short message). The
 * values are spelled out here so that the goldens in tests/golden/decode/ can be checked
 * against them field by field; change one and regenerate and review the goldens.
 *
 * usage: make_rid_pcap OUTDIR   → OUTDIR/{wifi-radiotap,wifi-80211,ble-phdr,ble-ll,
 *                                          ble-hci}.pcap */
#include <stdio.h>
#include <string.h>

#include "vigie/frbeacon.h"
#include "vigie/pcapio.h"
#include "vigie/rid.h"
#include "vigie/ridframe.h"

#define T0 ((vg_time)1722015000 * VG_TIME_S) /* 2024-07-26T17:30:00Z */
#define MS VG_TIME_MS

static const uint8_t MAC_BEACON[6] = {0x60, 0x60, 0x1f, 0xaa, 0xbb, 0x01};
static const uint8_t MAC_NAN[6] = {0x60, 0x60, 0x1f, 0xaa, 0xbb, 0x02};
static const uint8_t MAC_MULTI[6] = {0x60, 0x60, 0x1f, 0xaa, 0xbb, 0x03};
static const uint8_t MAC_FR[6] = {0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f};
static const uint8_t MAC_BLE[6] = {0xc0, 0xff, 0xee, 0x00, 0x00, 0x01};

/* Any failure here is a bug in the test data: say which step; main then exits 1. */
static int failures;

static void check(int rc, const vg_error *err, const char *what)
{
    if (rc < 0) {
        fprintf(stderr, "make_rid_pcap: %s: %s\n", what, err ? err->msg : "failed");
        failures++;
    }
}

/* ---- The messages ------------------------------------------------------------------ */

/* Set A: a drone that sends everything, protocol version 2. */
static vg_rid_message a_basic_id(const char *uas_id)
{
    vg_rid_message m = {.type = VG_RID_BASIC_ID};
    m.u.basic_id = (vg_rid_basic_id){.version = 2, .id_type = VG_RID_IDT_SERIAL, .ua_type = 2};
    memcpy(m.u.basic_id.uas_id, uas_id, strlen(uas_id));
    return m;
}

static vg_rid_message a_location(double lat, double lon, double dir, uint16_t time_ds)
{
    vg_rid_message m = {.type = VG_RID_LOCATION};
    m.u.location = (vg_rid_location){
        .version = 2, .status = VG_RID_STATUS_AIRBORNE, .height_type = VG_RID_HEIGHT_OVER_TAKEOFF,
        .has_direction = true, .direction_deg = dir, .has_speed = true, .speed_mps = 11.25,
        .has_vspeed = true, .vspeed_mps = 1.5, .has_position = true, .lat = lat, .lon = lon,
        .has_pressure_alt = true, .pressure_alt_m = 90.5, .has_geodetic_alt = true,
        .geodetic_alt_m = 138, .has_height = true, .height_m = 45.5, .h_accuracy = 10,
        .v_accuracy = 4, .baro_accuracy = 3, .speed_accuracy = 2, .time_accuracy = 2,
        .has_time = true, .time_ds = time_ds};
    return m;
}

static vg_rid_message a_auth(void)
{
    vg_rid_message m = {.type = VG_RID_AUTH};
    vg_rid_auth *a = &m.u.auth;
    *a = (vg_rid_auth){.version = 2, .auth_type = 1, .page = 0, .last_page = 1, .length = 40,
                       .has_timestamp = true, .timestamp = T0, .data_len = 17};
    for (int i = 0; i < 17; i++)
        a->data[i] = (uint8_t)i; /* 000102...10 */
    return m;
}

static vg_rid_message a_self_id(void)
{
    vg_rid_message m = {.type = VG_RID_SELF_ID};
    m.u.self_id.version = 2;
    memcpy(m.u.self_id.desc, "Survey of the Seine", 19);
    return m;
}

static vg_rid_message a_system(void)
{
    vg_rid_message m = {.type = VG_RID_SYSTEM};
    m.u.system = (vg_rid_system){
        .version = 2, .operator_location_type = VG_RID_OPLOC_LIVE_GNSS,
        .classification_type = VG_RID_CLASSIF_EU, .has_operator_position = true,
        .operator_lat = 48.85905, .operator_lon = 2.3369, .area_count = 1, .category_eu = 1,
        .class_eu = 2, .has_operator_alt = true, .operator_alt_m = 80.5,
        .has_timestamp = true, .timestamp = T0};
    return m;
}

static vg_rid_message a_operator_id(void)
{
    vg_rid_message m = {.type = VG_RID_OPERATOR_ID};
    m.u.operator_id.version = 2;
    memcpy(m.u.operator_id.id, "FRAmw3jdx5n9e2vk", 16);
    return m;
}

/* Set B: older versions, binary and escaped text, "unknown" values. */
static void set_b(vg_rid_message b[7])
{
    static const uint8_t session[16] = {0xde, 0xad, 0xbe, 0xef, 0x00, 0x11, 0x22, 0x33,
                                        0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb};
    memset(b, 0, 7 * sizeof b[0]);
    b[0].type = VG_RID_BASIC_ID; /* a session ID: binary, shown in hex */
    b[0].u.basic_id = (vg_rid_basic_id){.version = 1, .id_type = VG_RID_IDT_SESSION,
                                        .ua_type = 15};
    memcpy(b[0].u.basic_id.uas_id, session, sizeof session);
    b[1].type = VG_RID_LOCATION; /* on the ground, everything unknown */
    b[1].u.location = (vg_rid_location){.version = 1, .status = VG_RID_STATUS_GROUND,
                                        .height_type = VG_RID_HEIGHT_OVER_GROUND};
    b[2].type = VG_RID_AUTH; /* page 1: no index, length or timestamp */
    b[2].u.auth = (vg_rid_auth){.version = 1, .auth_type = 1, .page = 1, .data_len = 23};
    for (int i = 0; i < 23; i++)
        b[2].u.auth.data[i] = (uint8_t)(0x20 + i);
    b[3].type = VG_RID_SELF_ID; /* text that JSON must escape */
    b[3].u.self_id.version = 2;
    b[3].u.self_id.desc_type = VG_RID_DESC_EMERGENCY;
    memcpy(b[3].u.self_id.desc, "Lost \"link\" \\ RTH", 17);
    b[4].type = VG_RID_SYSTEM; /* version 0: no classification, altitude, timestamp */
    b[4].u.system = (vg_rid_system){
        .version = 0, .operator_location_type = VG_RID_OPLOC_TAKEOFF,
        .has_operator_position = true, .operator_lat = 48.8601, .operator_lon = 2.295,
        .area_count = 3, .area_radius_m = 250, .has_area_ceiling = true,
        .area_ceiling_m = 120, .has_area_floor = true, .area_floor_m = -10.5};
    b[5].type = VG_RID_OPERATOR_ID;
    b[5].u.operator_id.version = 1;
    memcpy(b[5].u.operator_id.id, "FRA-OP-42", 9);
    b[6].type = VG_RID_SELF_ID; /* a control character: not text, shown in hex */
    b[6].u.self_id.version = 0;
    memcpy(b[6].u.self_id.desc, "Ab\x07" "cd", 5);
}

static vg_frb fr_beacon_1(void)
{
    return (vg_frb){.present = VG_FRB_MANDATORY | VG_FRB_HAS(VG_FRB_T_FR_ID) |
                               VG_FRB_HAS(VG_FRB_T_ANSI_ID),
                    .version = 1, .manufacturer = "ILL", .model = "DR1",
                    .serial = "000000000000000000012345", .ansi_id = "1581C5FKD229400AB",
                    .lat = 48.85827, .lon = 2.29448, .alt_msl_m = 80, .height_m = 45,
                    .takeoff_lat = 48.8601, .takeoff_lon = 2.295, .speed_mps = 12,
                    .course_deg = 312};
}

static vg_frb fr_beacon_2(void) /* short serial, no ANSI ID, below sea level */
{
    return (vg_frb){.present = VG_FRB_MANDATORY | VG_FRB_HAS(VG_FRB_T_FR_ID), .version = 1,
                    .manufacturer = "PAR", .model = "ISM", .serial = "A0001",
                    .lat = 48.8575, .lon = 2.3417, .alt_msl_m = -5, .height_m = 30,
                    .takeoff_lat = -33.8568, .takeoff_lon = -151.2153, .speed_mps = 0,
                    .course_deg = 0};
}

/* ---- Encoding ---------------------------------------------------------------------- */

typedef struct bytes {
    uint8_t b[VG_RID_PACK_LEN_MAX];
    size_t len;
} bytes;

static bytes encode_msg(const vg_rid_message *m)
{
    bytes out = {.len = VG_RID_MSG_LEN};
    vg_error err;
    check(vg_rid_encode_message(m, out.b, &err), &err, "encode message");
    return out;
}

static bytes encode_pack(const vg_rid_message *msgs, int n)
{
    vg_rid_pack p = {.version = 2, .count = (uint8_t)n};
    memcpy(p.msgs, msgs, (size_t)n * sizeof msgs[0]);
    bytes out;
    vg_error err;
    check(vg_rid_encode_pack(&p, out.b, sizeof out.b, &out.len, &err), &err, "encode pack");
    return out;
}

static bytes encode_frb(const vg_frb *f)
{
    bytes out;
    vg_error err;
    check(vg_frb_encode(f, out.b, sizeof out.b, &out.len, &err), &err, "encode fr beacon");
    return out;
}

/* A hostile pack: header says `count` messages, the bytes hold only the n given. */
static bytes raw_pack(int count, const bytes *msgs, int n)
{
    bytes out = {.len = VG_RID_PACK_HEADER};
    out.b[0] = 0xF2, out.b[1] = VG_RID_MSG_LEN, out.b[2] = (uint8_t)count;
    for (int i = 0; i < n; i++) {
        memcpy(out.b + out.len, msgs[i].b, VG_RID_MSG_LEN);
        out.len += VG_RID_MSG_LEN;
    }
    return out;
}

/* A message of type 7, which no version of F3411 defines. */
static bytes unknown_type_msg(void)
{
    bytes out = {.len = VG_RID_MSG_LEN};
    memset(out.b, 0x5a, VG_RID_MSG_LEN);
    out.b[0] = 0x72;
    return out;
}

/* ---- Writing ------------------------------------------------------------------------- */

typedef struct capture {
    vg_pcap_writer *w;
    int linktype;
    vg_ridframe_opts opts;
    uint8_t frame[VG_RIDFRAME_MAX_FRAME];
    size_t len;
} capture;

static void cap_open(capture *c, const char *dir, const char *name, int linktype)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    vg_error err;
    memset(c, 0, sizeof *c);
    c->linktype = linktype;
    c->opts.linktype = linktype;
    c->opts.ssid = "vigie";
    check(vg_pcap_writer_open(path, linktype, &c->w, &err), &err, path);
}

static void cap_write(capture *c, vg_time t, const uint8_t *data, size_t len)
{
    vg_error err;
    if (!c->w)
        return;
    check(vg_pcap_writer_write(c->w, t, data, len, &err), &err, "write packet");
}

/* Write the frame just built (c->frame[0..len)), minus `cut` bytes at the end. */
static void cap_put(capture *c, vg_time t, size_t cut)
{
    if (failures) /* the frame was not built */
        return;
    cap_write(c, t, c->frame, c->len - cut);
}

static void cap_close(capture *c)
{
    vg_error err;
    if (c->w)
        check(vg_pcap_writer_close(c->w, &err), &err, "close pcap");
}

static void wifi_beacon(capture *c, const uint8_t mac[6], uint8_t counter, const bytes *pack)
{
    vg_error err;
    check(vg_ridframe_build_wifi_beacon(c->frame, sizeof c->frame, mac, counter, pack->b,
                                        pack->len, &c->opts, &c->len, &err),
          &err, "wifi beacon");
}

/* ---- The Wi-Fi captures ------------------------------------------------------------- */

static void write_wifi(const char *dir, const char *name, int linktype)
{
    capture c;
    cap_open(&c, dir, name, linktype);
    bool radiotap = linktype == VG_LINKTYPE_IEEE802_11_RADIOTAP;
    vg_error err;
    vg_rid_message a[6] = {a_basic_id("1596F3A8B2C4D5E6F7A8"),
                           a_location(48.8582683, 2.337509, 127, 18000),
                           a_auth(), a_self_id(), a_system(), a_operator_id()};
    vg_rid_message b[7];
    set_b(b);

    /* 0: beacon, the whole of set A in one pack. */
    c.opts.has_rssi = radiotap, c.opts.rssi_dbm = -60;
    bytes pack_a = encode_pack(a, 6);
    wifi_beacon(&c, MAC_BEACON, 1, &pack_a);
    cap_put(&c, T0, 0);
    c.opts.has_rssi = false;
    /* 1: NAN, set B. */
    bytes pack_b = encode_pack(b, 7);
    check(vg_ridframe_build_wifi_nan(c.frame, sizeof c.frame, MAC_NAN, 7, pack_b.b,
                                     pack_b.len, &c.opts, &c.len, &err),
          &err, "nan");
    cap_put(&c, T0 + 100 * MS, 0);
    /* 2: French beacon. */
    vg_frb f1 = fr_beacon_1(), f2 = fr_beacon_2();
    bytes tlv1 = encode_frb(&f1), tlv2 = encode_frb(&f2);
    check(vg_ridframe_build_fr_beacon(c.frame, sizeof c.frame, MAC_FR, tlv1.b, tlv1.len,
                                      &c.opts, &c.len, &err),
          &err, "fr beacon");
    cap_put(&c, T0 + 200 * MS, 0);
    /* 3: one beacon with an F3411 element and a French one. */
    vg_rid_message multi[2] = {a_basic_id("1581C5FKD229400AB"),
                               a_location(48.8575, 2.3417, 270, 18003)};
    bytes pack_m = encode_pack(multi, 2);
    vg_rid_payload items[2] = {
        {.transport = VG_RIDT_WIFI_BEACON, .has_counter = true, .counter = 2,
         .data = pack_m.b, .len = pack_m.len},
        {.transport = VG_RIDT_FR_BEACON, .data = tlv2.b, .len = tlv2.len}};
    check(vg_ridframe_build_beacon_multi(c.frame, sizeof c.frame, MAC_MULTI, items, 2, &c.opts,
                                         &c.len, &err),
          &err, "multi beacon");
    cap_put(&c, T0 + 300 * MS, 0);
    /* 4: a data frame: no Remote ID, not an error. */
    {
        uint8_t data[8 + 24 + 8] = {0};
        size_t off = 0;
        if (radiotap)
            data[2] = 8, off = 8; /* the smallest radiotap header: nothing present */
        data[off] = 0x08;         /* type data, subtype 0 */
        memcpy(data + off + 10, MAC_BEACON, 6);
        /* LLC/SNAP, EtherType 0x88B5 (local experimental): nothing to dissect further. */
        memcpy(data + off + 24, "\xaa\xaa\x03\x00\x00\x00\x88\xb5", 8);
        cap_write(&c, T0 + 400 * MS, data, off + 32);
    }
    /* 5: hostile: frame 0 cut 20 bytes short, inside its vendor element. */
    wifi_beacon(&c, MAC_BEACON, 1, &pack_a);
    cap_put(&c, T0 + 500 * MS, 20);
    /* 6: hostile: a pack that announces 4 messages and holds 2. */
    bytes two[2] = {encode_msg(&a[0]), encode_msg(&a[1])};
    bytes short_pack = raw_pack(4, two, 2);
    wifi_beacon(&c, MAC_BEACON, 3, &short_pack);
    cap_put(&c, T0 + 600 * MS, 0);
    /* 7: hostile: garbage radiotap (version 5) — or, without radiotap, a 10-byte frame. */
    if (radiotap) {
        wifi_beacon(&c, MAC_BEACON, 1, &pack_a);
        c.frame[0] = 5;
        cap_put(&c, T0 + 700 * MS, 0);
    } else {
        cap_write(&c, T0 + 700 * MS, (const uint8_t *)"\x80\x00\x00\x00\xff\xff\xff\xff\xff\xff",
                  10);
    }
    /* 8: hostile: a pack holding a message of unknown type 7. */
    bytes odd[2] = {encode_msg(&a[0]), unknown_type_msg()};
    bytes odd_pack = raw_pack(2, odd, 2);
    wifi_beacon(&c, MAC_BEACON, 4, &odd_pack);
    cap_put(&c, T0 + 800 * MS, 0);
    /* 9..12 (radiotap only): the drone of frame 0 flies north at 11.25 m/s, one
     * beacon a second, so that --detections gives a track. */
    for (int k = 1; radiotap && k <= 4; k++) {
        vg_rid_message fly[2] = {a[0], a_location(48.8582683 + 0.0001 * k, 2.337509, 0,
                                                  (uint16_t)(18000 + 10 * k))};
        bytes pack_f = encode_pack(fly, 2);
        wifi_beacon(&c, MAC_BEACON, (uint8_t)(4 + k), &pack_f);
        cap_put(&c, T0 + k * VG_TIME_S, 0);
    }
    cap_close(&c);
}

/* ---- The Bluetooth captures ---------------------------------------------------------- */

static void ble4(capture *c, uint8_t counter, const bytes *msg)
{
    vg_error err;
    check(vg_ridframe_build_ble4(c->frame, sizeof c->frame, MAC_BLE, counter, msg->b,
                                 msg->len, &c->opts, &c->len, &err),
          &err, "ble4");
}

static void ble5(capture *c, uint8_t counter, const bytes *pack)
{
    vg_error err;
    check(vg_ridframe_build_ble5(c->frame, sizeof c->frame, MAC_BLE, counter, pack->b,
                                 pack->len, &c->opts, &c->len, &err),
          &err, "ble5");
}

static void write_ble(const char *dir, const char *name, int linktype)
{
    capture c;
    cap_open(&c, dir, name, linktype);
    c.opts.ssid = NULL;
    c.opts.has_rssi = linktype != VG_LINKTYPE_BLUETOOTH_LE_LL;
    c.opts.rssi_dbm = -70;
    vg_rid_message a[6] = {a_basic_id("1596F3A8B2C4D5E6F7A8"),
                           a_location(48.8582683, 2.337509, 127, 18000),
                           a_auth(), a_self_id(), a_system(), a_operator_id()};
    vg_rid_message b[7];
    set_b(b);
    vg_time t = T0;
    /* 0..5: Bluetooth 4, set A one message per advertisement; the counter counts
     * messages of each type, so each starts at its own value. */
    for (int i = 0; i < 6; i++) {
        bytes m = encode_msg(&a[i]);
        ble4(&c, (uint8_t)(10 * (i + 1)), &m);
        cap_put(&c, t, 0);
        t += 100 * MS;
    }
    /* 6: Bluetooth 5, set B as a pack. */
    bytes pack_b = encode_pack(b, 7);
    ble5(&c, 1, &pack_b);
    cap_put(&c, t, 0);
    t += 100 * MS;
    /* 7: Bluetooth 5 with a single message (as some transmitters send). */
    bytes loc = encode_msg(&a[1]);
    ble5(&c, 2, &loc);
    cap_put(&c, t, 0);
    t += 100 * MS;
    /* 8: hostile: advertisement 0 cut 4 bytes short. */
    bytes bid = encode_msg(&a[0]);
    ble4(&c, 10, &bid);
    cap_put(&c, t, 4);
    t += 100 * MS;
    /* 9: hostile: a message of unknown type 7. */
    bytes odd = unknown_type_msg();
    ble4(&c, 11, &odd);
    cap_put(&c, t, 0);
    t += 100 * MS;
    /* 10: hostile: a pack that announces 4 messages and holds 2. */
    bytes two[2] = {encode_msg(&a[0]), encode_msg(&a[1])};
    bytes short_pack = raw_pack(4, two, 2);
    ble5(&c, 3, &short_pack);
    cap_put(&c, t, 0);
    t += 100 * MS;
    /* 11: hostile: a 10-byte Location message (the advertisement itself is well formed). */
    bytes cut = loc;
    cut.len = 10;
    ble4(&c, 12, &cut);
    cap_put(&c, t, 0);
    cap_close(&c);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_rid_pcap OUTDIR\n");
        return 2;
    }
    write_wifi(argv[1], "wifi-radiotap.pcap", VG_LINKTYPE_IEEE802_11_RADIOTAP);
    write_wifi(argv[1], "wifi-80211.pcap", VG_LINKTYPE_IEEE802_11);
    write_ble(argv[1], "ble-phdr.pcap", VG_LINKTYPE_BLUETOOTH_LE_LL_PHDR);
    write_ble(argv[1], "ble-ll.pcap", VG_LINKTYPE_BLUETOOTH_LE_LL);
    write_ble(argv[1], "ble-hci.pcap", VG_LINKTYPE_BLUETOOTH_HCI_H4_PHDR);
    return failures ? 1 : 0;
}

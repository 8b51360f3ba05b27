/* tests/fuzz/fuzz_ridframe.c — libFuzzer target for the Remote ID frame layer.
 *
 * Input: the first byte picks a link type (105, 127, 201, 251, 256, or an unsupported
 * one), the rest is the packet. Invariants, each a trap when broken:
 *  - a rejection carries a message that starts with a layer name;
 *  - every payload found is a non-empty slice inside the packet, of a consistent
 *    transport, kind and counter, and no more than cap of them are returned;
 *  - every payload found, rebuilt into a frame of the same link type, parses back to
 *    exactly itself (when the builder accepts its size);
 *  - the packet bytes, taken as a payload and built into a frame of every transport
 *    and link type, parse back to exactly that payload. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vigie/ridframe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int linktypes[] = {105, 127, 201, 251, 256, 1};
static const char *const layers[] = {"radiotap: ", "802.11: ", "nan: ", "ble: ", "hci: ",
                                     "linktype: "};

#define CAP 4

static void check_message(const vg_error *err)
{
    if (!memchr(err->msg, '\0', sizeof err->msg))
        __builtin_trap();
    for (size_t i = 0; i < sizeof layers / sizeof layers[0]; i++)
        if (strncmp(err->msg, layers[i], strlen(layers[i])) == 0)
            return;
    __builtin_trap();
}

static bool is_wifi(vg_rid_transport t)
{
    return t == VG_RIDT_WIFI_BEACON || t == VG_RIDT_WIFI_NAN || t == VG_RIDT_FR_BEACON;
}

static bool same(const vg_rid_payload *a, const vg_rid_payload *b, bool rssi)
{
    return a->transport == b->transport && a->kind == b->kind &&
           memcmp(a->addr, b->addr, 6) == 0 && a->has_counter == b->has_counter &&
           a->counter == b->counter && a->len == b->len &&
           memcmp(a->data, b->data, a->len) == 0 &&
           (!rssi || (a->has_rssi == b->has_rssi && (!a->has_rssi || a->rssi_dbm == b->rssi_dbm)));
}

/* Build p into a frame of the given options and check it parses back to p. */
static void build_and_reparse(const vg_rid_payload *p, const vg_ridframe_opts *o)
{
    static uint8_t frame[VG_RIDFRAME_MAX_FRAME];
    size_t len;
    vg_error err;
    if (vg_ridframe_build(frame, sizeof frame, p, o, &len, &err) != 0) {
        check_message(&err);
        return; /* a size the transport cannot carry */
    }
    vg_rid_payload back[CAP];
    int n;
    if (vg_ridframe_parse(o->linktype, frame, len, back, CAP, &n, &err) != 0 || n != 1)
        __builtin_trap();
    bool carries = o->linktype == 127 || o->linktype == 256 || o->linktype == 201;
    if (!same(&back[0], p, carries) || (back[0].has_rssi && !carries))
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int lt = linktypes[data[0] % (sizeof linktypes / sizeof linktypes[0])];
    const uint8_t *pkt = data + 1;
    size_t len = size - 1;

    vg_rid_payload out[CAP];
    int n = -1;
    vg_error err;
    int rc = vg_ridframe_parse(lt, pkt, len, out, CAP, &n, &err);
    if (rc > 0 || n < 0 || n > CAP)
        __builtin_trap();
    if (rc < 0) {
        check_message(&err);
        if (rc != VG_EFULL && n != 0)
            __builtin_trap();
    }
    for (int i = 0; i < n; i++) {
        const vg_rid_payload *p = &out[i];
        if ((unsigned)p->transport >= VG_RIDT_COUNT || p->len == 0 || p->data < pkt ||
            p->data + p->len > pkt + len)
            __builtin_trap();
        if (p->has_counter != (p->transport != VG_RIDT_FR_BEACON))
            __builtin_trap();
        if ((p->kind == VG_RIDP_FR_TLV) != (p->transport == VG_RIDT_FR_BEACON))
            __builtin_trap();
        vg_ridframe_opts o = {.linktype = lt, .fcs = lt == 127 && (data[0] & 0x80)};
        build_and_reparse(p, &o);
    }

    /* The packet as a payload, on every transport and link type. */
    if (len == 0)
        return 0;
    for (int t = 0; t < VG_RIDT_COUNT; t++) {
        vg_rid_payload p;
        memset(&p, 0, sizeof p);
        p.transport = (vg_rid_transport)t;
        memcpy(p.addr, pkt, len < 6 ? len : 6);
        p.data = pkt;
        p.len = len > VG_RIDFRAME_MAX_WIFI_NAN ? VG_RIDFRAME_MAX_WIFI_NAN : len;
        p.kind = t == VG_RIDT_FR_BEACON                                ? VG_RIDP_FR_TLV
                 : (!is_wifi(p.transport) && (pkt[0] >> 4) != 0xF) ? VG_RIDP_ASTM_MESSAGE
                                                                       : VG_RIDP_ASTM_PACK;
        p.has_counter = t != VG_RIDT_FR_BEACON;
        p.counter = p.has_counter ? data[0] : 0;
        p.has_rssi = data[0] & 1;
        p.rssi_dbm = (int8_t)(data[0] == 127 ? 0 : data[0]);
        static const int wifi_lts[] = {105, 127}, ble_lts[] = {251, 256, 201};
        const int *lts = is_wifi(p.transport) ? wifi_lts : ble_lts;
        int nlts = is_wifi(p.transport) ? 2 : 3;
        for (int k = 0; k < nlts; k++) {
            vg_ridframe_opts o = {.linktype = lts[k], .fcs = lts[k] == 127 && (data[0] & 2)};
            o.freq_mhz = (data[0] & 4) ? 5180 : 0;
            build_and_reparse(&p, &o);
        }
    }
    return 0;
}

/* sensors/nan.c — Remote ID in Wi-Fi NAN (Neighbor Awareness Networking, "Wi-Fi
 * Aware") service discovery frames, and their builder.
 *
 * After the public action header (category 4, vendor specific, OUI 50:6F:9A, type
 * 0x13) come NAN attributes: ID (1), length (2, little-endian), body. The Remote ID
 * publisher sends a Service Descriptor Attribute (ID 0x03) whose service ID is
 * 88:69:19:9D:92:09 (the NAN hash of "org.opendroneid.remoteid"); its service info is
 * the message counter then the message pack. The optional SDA fields come in the
 * order binding bitmap, matching filter, service response filter, service info (as
 * Wireshark's packet-wifi-nan.c reads them). */
#include "sensors/ridframe_int.h"

#define NAN_ATTR_SDA 0x03
#define NAN_ATTR_SDEA 0x0E

/* SDA service control bits */
#define SC_TYPE_MASK 0x03 /* 0 publish, 1 subscribe, 2 follow-up */
#define SC_MATCHING_FILTER 0x04
#define SC_RESPONSE_FILTER 0x08
#define SC_SERVICE_INFO 0x10
#define SC_BINDING_BITMAP 0x40

/* Fixed part of an SDA body: service ID (6), instance ID, requestor instance ID,
 * service control. */
#define SDA_MIN_LEN 9

const uint8_t rf_nan_service_id[6] = {0x88, 0x69, 0x19, 0x9D, 0x92, 0x09};

static const uint8_t nan_network[6] = {0x51, 0x6F, 0x9A, 0x01, 0x00, 0x00};
/* ASTM F3411 fixes the NAN cluster ID to this value (see opendroneid's wifi.c). */
static const uint8_t nan_cluster[6] = {0x50, 0x6F, 0x9A, 0x01, 0x00, 0xFF};

/* Skip one optional SDA field of `n` bytes (n = 0: a 1-byte length then that many
 * bytes) starting at *off, or fail if it runs past the attribute body. */
static int sda_skip(const uint8_t *b, size_t blen, size_t *off, size_t n, const char *what,
                    vg_error *err)
{
    if (n == 0) {
        if (*off >= blen)
            return vg_err(err, VG_ETRUNC,
                          "nan: service descriptor: %s length runs past the attribute", what);
        n = 1u + b[*off];
    }
    if (n > blen - *off)
        return vg_err(err, VG_ETRUNC,
                      "nan: service descriptor: %s (%zu bytes) runs past the attribute "
                      "(%zu bytes left)",
                      what, n, blen - *off);
    *off += n;
    return 0;
}

/* One Service Descriptor Attribute body. */
static int parse_sda(const uint8_t *b, size_t blen, const uint8_t addr[6], rf_sink *s,
                     vg_error *err)
{
    if (blen < SDA_MIN_LEN)
        return vg_err(err, VG_ETRUNC,
                      "nan: service descriptor attribute of %zu bytes, shorter than its %d "
                      "fixed bytes",
                      blen, SDA_MIN_LEN);
    if (memcmp(b, rf_nan_service_id, 6) != 0)
        return 0; /* another service */
    uint8_t ctl = b[8];
    size_t off = SDA_MIN_LEN;
    int rc;
    if ((ctl & SC_BINDING_BITMAP) && (rc = sda_skip(b, blen, &off, 2, "binding bitmap", err)) < 0)
        return rc;
    if ((ctl & SC_MATCHING_FILTER) &&
        (rc = sda_skip(b, blen, &off, 0, "matching filter", err)) < 0)
        return rc;
    if ((ctl & SC_RESPONSE_FILTER) &&
        (rc = sda_skip(b, blen, &off, 0, "service response filter", err)) < 0)
        return rc;
    /* Subscribers (phones looking for drones) use the same service ID; only a
     * publisher's service info is Remote ID. */
    if ((ctl & SC_TYPE_MASK) != 0 || !(ctl & SC_SERVICE_INFO))
        return 0;
    size_t si = off;
    if ((rc = sda_skip(b, blen, &off, 0, "service info", err)) < 0)
        return rc;
    size_t si_len = b[si];
    if (si_len < 2)
        return vg_err(err, VG_ETRUNC,
                      "nan: Remote ID service info of %zu bytes, no room for a counter and a "
                      "message pack",
                      si_len);
    vg_rid_payload p;
    memset(&p, 0, sizeof p);
    p.transport = VG_RIDT_WIFI_NAN;
    p.kind = VG_RIDP_ASTM_PACK;
    memcpy(p.addr, addr, 6);
    p.has_counter = true;
    p.counter = b[si + 1];
    p.data = b + si + 2;
    p.len = si_len - 1;
    return rf_sink_push(s, &p, "nan", err);
}

int rf_nan_parse(const uint8_t *a, size_t len, const uint8_t addr[6], rf_sink *s,
                 vg_error *err)
{
    size_t off = 0;
    while (off < len) {
        if (len - off < 3)
            return vg_err(err, VG_ETRUNC,
                          "nan: attribute header at offset %zu cut short (%zu bytes left)", off,
                          len - off);
        unsigned id = a[off];
        size_t alen = rf_rd_u16le(a + off + 1);
        if (alen > len - off - 3)
            return vg_err(err, VG_ETRUNC,
                          "nan: attribute 0x%02x at offset %zu: length %zu runs past the end "
                          "(%zu bytes left)",
                          id, off, alen, len - off - 3);
        if (id == NAN_ATTR_SDA) {
            int rc = parse_sda(a + off + 3, alen, addr, s, err);
            if (rc < 0)
                return rc;
        }
        off += 3 + alen;
    }
    return 0;
}

int vg_ridframe_build_wifi_nan(uint8_t *buf, size_t cap, const uint8_t addr[6],
                               uint8_t counter, const uint8_t *pack, size_t pack_len,
                               const vg_ridframe_opts *opts, size_t *len, vg_error *err)
{
    vg_ridframe_opts o;
    if (!buf || !addr || !len || (!pack && pack_len))
        return vg_err(err, VG_EINVAL, "nan: frame needs a buffer, an address and a length");
    int rc = rf_opts_resolve(opts, true, &o, err);
    if (rc < 0)
        return rc;
    if (pack_len == 0 || pack_len > VG_RIDFRAME_MAX_WIFI_NAN)
        return vg_err(err, pack_len ? VG_ETOOBIG : VG_EINVAL,
                      "nan: message pack of %zu bytes: 1 to %d fit the service info", pack_len,
                      VG_RIDFRAME_MAX_WIFI_NAN);

    rf_writer w = {buf, cap, 0};
    size_t start = rf_80211_begin(&w, &o, 0xD0 /* action */, nan_network, addr, nan_cluster,
                                  counter);
    rf_w_u8(&w, 4);    /* category: public action */
    rf_w_u8(&w, 9);    /* action: vendor specific */
    rf_w_bytes(&w, rf_oui_wfa, 3);
    rf_w_u8(&w, RF_NAN_OUI_TYPE);
    /* Service Descriptor Attribute */
    size_t si_len = 1 + pack_len;
    rf_w_u8(&w, NAN_ATTR_SDA);
    rf_w_u16le(&w, (uint16_t)(SDA_MIN_LEN + 1 + si_len));
    rf_w_bytes(&w, rf_nan_service_id, 6);
    rf_w_u8(&w, 0x01); /* instance ID */
    rf_w_u8(&w, 0x00); /* requestor instance ID */
    rf_w_u8(&w, SC_SERVICE_INFO); /* publish, service info present */
    rf_w_u8(&w, (uint8_t)si_len);
    rf_w_u8(&w, counter);
    rf_w_bytes(&w, pack, pack_len);
    /* Service Descriptor Extension Attribute: instance 1, control "service update
     * indicator present", the indicator = counter (as opendroneid sends it). */
    rf_w_u8(&w, NAN_ATTR_SDEA);
    rf_w_u16le(&w, 4);
    rf_w_u8(&w, 0x01);
    rf_w_u16le(&w, 0x0200);
    rf_w_u8(&w, counter);
    return rf_80211_end(&w, &o, start, len, err);
}

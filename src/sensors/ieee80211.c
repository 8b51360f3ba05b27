/* sensors/ieee80211.c — Remote ID in 802.11 frames: beacons whose vendor-specific
 * elements carry an ASTM message pack (OUI FA:0B:BC, type 0x0D) or French beacon
 * TLVs (OUI 6A:5C:35, type 0x01), and public action frames that may be NAN service
 * discovery frames (handed to nan.c). Also the FCS, and the builders of such frames.
 *
 * Only management frames can matter; data and control frames are skipped before any
 * further reading, and so are encrypted (protected) management frames. */
#include "sensors/ridframe_int.h"

#define FC_TYPE_MGMT 0
#define ST_BEACON 8
#define ST_ACTION 13
#define ST_ACTION_NOACK 14
#define FC1_TODS_FROMDS 0x03
#define FC1_PROTECTED 0x40
#define FC1_ORDER 0x80 /* in a management frame: +HTC, an HT Control field follows */

#define ELEM_SSID 0
#define ELEM_RATES 1
#define ELEM_DS 3
#define ELEM_VENDOR 221

#define CAT_PUBLIC 4
#define PUBLIC_VENDOR 9

const uint8_t rf_oui_astm[3] = {0xFA, 0x0B, 0xBC};
const uint8_t rf_oui_fr[3] = {0x6A, 0x5C, 0x35};
const uint8_t rf_oui_wfa[3] = {0x50, 0x6F, 0x9A};

/* ---- FCS ------------------------------------------------------------------------ */

/* CRC-32 (polynomial 0x04C11DB7 reflected), four bits at a time. */
static const uint32_t crc32_nibble[16] = {
    0x00000000, 0x1DB71064, 0x3B6E20C8, 0x26D930AC, 0x76DC4190, 0x6B6B51F4,
    0x4DB26158, 0x5005713C, 0xEDB88320, 0xF00F9344, 0xD6D6A3E8, 0xCB61B38C,
    0x9B64C2B0, 0x86D3D2D4, 0xA00AE278, 0xBDBDF21C,
};

uint32_t rf_crc32(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c = (c >> 4) ^ crc32_nibble[(c ^ p[i]) & 0x0F];
        c = (c >> 4) ^ crc32_nibble[(c ^ (uint32_t)(p[i] >> 4)) & 0x0F];
    }
    return ~c;
}

/* ---- Parsing ---------------------------------------------------------------------- */

/* Length of a management frame's MAC header. Management frames have three addresses
 * and no QoS field; a frame that claims four addresses (both DS bits) is malformed,
 * but we read it as its flags say rather than at shifted offsets. */
static size_t mgmt_header_len(uint8_t fc1, bool datapad)
{
    size_t n = 24;
    if ((fc1 & FC1_TODS_FROMDS) == FC1_TODS_FROMDS)
        n += 6;
    if (fc1 & FC1_ORDER)
        n += 4;
    if (datapad) /* radiotap: the driver padded the header to a multiple of 4 */
        n = (n + 3) & ~(size_t)3;
    return n;
}

/* Walk the information elements of a beacon body (after its 12 fixed bytes); base
 * is their offset in the frame, for messages. */
static int parse_elements(const uint8_t *e, size_t n, size_t base, const uint8_t addr[6],
                          rf_sink *s, vg_error *err)
{
    size_t off = 0;
    while (off < n) {
        if (n - off < 2)
            return vg_err(err, VG_ETRUNC,
                          "802.11: element header at offset %zu cut short (1 byte left)",
                          base + off);
        unsigned id = e[off], elen = e[off + 1];
        if (elen > n - off - 2)
            return vg_err(err, VG_ETRUNC,
                          "802.11: element %u at offset %zu: length %u runs past the end "
                          "(%zu bytes left)",
                          id, base + off, elen, n - off - 2);
        const uint8_t *v = e + off + 2;
        if (id == ELEM_VENDOR && elen >= 4) {
            vg_rid_payload p;
            memset(&p, 0, sizeof p);
            memcpy(p.addr, addr, 6);
            if (memcmp(v, rf_oui_astm, 3) == 0 && v[3] == RF_ASTM_OUI_TYPE) {
                if (elen < 6)
                    return vg_err(err, VG_ETRUNC,
                                  "802.11: Remote ID element at offset %zu: %u bytes, no "
                                  "room for a counter and a message pack",
                                  base + off, elen);
                p.transport = VG_RIDT_WIFI_BEACON;
                p.kind = VG_RIDP_ASTM_PACK;
                p.has_counter = true;
                p.counter = v[4];
                p.data = v + 5;
                p.len = elen - 5u;
                int rc = rf_sink_push(s, &p, "802.11", err);
                if (rc < 0)
                    return rc;
            } else if (memcmp(v, rf_oui_fr, 3) == 0 && v[3] == RF_FR_OUI_TYPE) {
                if (elen < 5)
                    return vg_err(err, VG_ETRUNC,
                                  "802.11: French beacon element at offset %zu: %u bytes, "
                                  "no TLV",
                                  base + off, elen);
                p.transport = VG_RIDT_FR_BEACON;
                p.kind = VG_RIDP_FR_TLV;
                p.data = v + 4;
                p.len = elen - 4u;
                int rc = rf_sink_push(s, &p, "802.11", err);
                if (rc < 0)
                    return rc;
            }
        }
        off += 2u + elen;
    }
    return 0;
}

/* Public action frame body: only vendor-specific Wi-Fi Alliance NAN (type 0x13)
 * frames are ours. */
static int parse_action(const uint8_t *b, size_t n, size_t base, const uint8_t addr[6],
                        rf_sink *s, vg_error *err)
{
    if (n < 1)
        return vg_err(err, VG_ETRUNC, "802.11: action frame without a category");
    if (b[0] != CAT_PUBLIC)
        return 0;
    if (n < 2)
        return vg_err(err, VG_ETRUNC, "802.11: public action frame without an action code");
    if (b[1] != PUBLIC_VENDOR)
        return 0;
    if (n < 6)
        return vg_err(err, VG_ETRUNC,
                      "802.11: vendor-specific action frame: %zu bytes at offset %zu, no "
                      "room for the OUI and type",
                      n, base);
    if (memcmp(b + 2, rf_oui_wfa, 3) != 0 || b[5] != RF_NAN_OUI_TYPE)
        return 0;
    return rf_nan_parse(b + 6, n - 6, addr, s, err);
}

int rf_80211_parse(const uint8_t *f, size_t len, bool fcs, bool datapad, rf_sink *s,
                   vg_error *err)
{
    if (len < 2)
        return vg_err(err, VG_ETRUNC,
                      "802.11: frame of %zu bytes, shorter than its frame control field", len);
    uint8_t fc0 = f[0], fc1 = f[1];
    unsigned version = fc0 & 0x03u, type = (fc0 >> 2) & 0x03u, subtype = fc0 >> 4;
    /* Version 1 frames (802.11ah) and everything but beacons and action frames carry
     * no Remote ID; protected management frames cannot be read. */
    if (version != 0 || type != FC_TYPE_MGMT || (fc1 & FC1_PROTECTED))
        return 0;
    if (subtype != ST_BEACON && subtype != ST_ACTION && subtype != ST_ACTION_NOACK)
        return 0;
    size_t hdr = mgmt_header_len(fc1, datapad);
    if (fcs) {
        if (len < hdr + 4)
            return vg_err(err, VG_ETRUNC,
                          "802.11: frame of %zu bytes, shorter than its %zu-byte header and "
                          "FCS",
                          len, hdr);
        uint32_t want = rf_rd_u32le(f + len - 4), got = rf_crc32(f, len - 4);
        if (want != got)
            return vg_err(err, VG_EINVAL,
                          "802.11: FCS 0x%08x does not match the frame (0x%08x): corrupted "
                          "on the air",
                          (unsigned)want, (unsigned)got);
        len -= 4;
    }
    if (len < hdr)
        return vg_err(err, VG_ETRUNC, "802.11: frame of %zu bytes, shorter than its %zu-byte "
                                      "header",
                      len, hdr);
    const uint8_t *addr2 = f + 10; /* transmitter */
    const uint8_t *body = f + hdr;
    size_t blen = len - hdr;
    if (subtype == ST_BEACON) {
        /* timestamp (8), beacon interval (2), capability information (2) */
        if (blen < 12)
            return vg_err(err, VG_ETRUNC,
                          "802.11: beacon body of %zu bytes, shorter than its 12 fixed bytes",
                          blen);
        return parse_elements(body + 12, blen - 12, hdr + 12, addr2, s, err);
    }
    return parse_action(body, blen, hdr, addr2, s, err);
}

/* ---- Building --------------------------------------------------------------------- */

static const uint8_t broadcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

size_t rf_80211_begin(rf_writer *w, const vg_ridframe_opts *o, uint8_t fc0,
                      const uint8_t a1[6], const uint8_t a2[6], const uint8_t a3[6],
                      uint16_t seq)
{
    if (o->linktype == VG_LINKTYPE_IEEE802_11_RADIOTAP)
        rf_radiotap_write(w, o->fcs, o->freq_mhz, o->has_rssi, o->rssi_dbm);
    size_t start = w->len;
    rf_w_u8(w, fc0);
    rf_w_u8(w, 0x00);   /* flags */
    rf_w_u16le(w, 0);   /* duration */
    rf_w_bytes(w, a1, 6);
    rf_w_bytes(w, a2, 6);
    rf_w_bytes(w, a3, 6);
    rf_w_u16le(w, (uint16_t)((seq & 0x0FFFu) << 4)); /* fragment 0 */
    return start;
}

int rf_80211_end(rf_writer *w, const vg_ridframe_opts *o, size_t frame_start,
                 size_t *len, vg_error *err)
{
    if (o->fcs) {
        uint32_t c = rf_w_ok(w) ? rf_crc32(w->buf + frame_start, w->len - frame_start) : 0;
        rf_w_u32le(w, c);
    }
    return rf_w_finish(w, "802.11", len, err);
}

/* The DS parameter set's channel number for a frequency (0 when it has none). */
static uint8_t channel_of(uint16_t mhz)
{
    if (mhz == 2484)
        return 14;
    if (mhz >= 2412 && mhz <= 2472)
        return (uint8_t)((mhz - 2407) / 5);
    if (mhz >= 5000 && mhz <= 5895)
        return (uint8_t)((mhz - 5000) / 5);
    return 0;
}

int vg_ridframe_build_beacon_multi(uint8_t *buf, size_t cap, const uint8_t addr[6],
                                   const vg_rid_payload *items, int n,
                                   const vg_ridframe_opts *opts, size_t *len, vg_error *err)
{
    vg_ridframe_opts o;
    if (!buf || !addr || !items || !len || n < 1)
        return vg_err(err, VG_EINVAL, "802.11: beacon needs a buffer, an address, a length "
                                      "and at least one payload");
    int rc = rf_opts_resolve(opts, true, &o, err);
    if (rc < 0)
        return rc;
    for (int i = 0; i < n; i++) {
        const vg_rid_payload *it = &items[i];
        bool astm = it->transport == VG_RIDT_WIFI_BEACON;
        if (!astm && it->transport != VG_RIDT_FR_BEACON)
            return vg_err(err, VG_EINVAL,
                          "802.11: a beacon carries wifi-beacon and fr-beacon payloads, not "
                          "%s (item %d)",
                          vg_rid_transport_name(it->transport), i);
        size_t max = astm ? VG_RIDFRAME_MAX_WIFI_BEACON : VG_RIDFRAME_MAX_FR_BEACON;
        if (!it->data || it->len == 0 || it->len > max)
            return vg_err(err, it->len > max ? VG_ETOOBIG : VG_EINVAL,
                          "802.11: %s payload of %zu bytes (item %d): 1 to %zu fit an "
                          "element",
                          vg_rid_transport_name(it->transport), it->len, i, max);
    }
    size_t ssid_len = o.ssid ? strlen(o.ssid) : 0;
    if (ssid_len > 32)
        return vg_err(err, VG_EINVAL, "802.11: SSID of %zu bytes (at most 32)", ssid_len);

    rf_writer w = {buf, cap, 0};
    uint8_t seq = items[0].transport == VG_RIDT_WIFI_BEACON ? items[0].counter : 0;
    size_t start = rf_80211_begin(&w, &o, ST_BEACON << 4, broadcast, addr, addr, seq);
    for (int i = 0; i < 8; i++)
        rf_w_u8(&w, 0);          /* timestamp: the simulator's TSF is not modelled */
    rf_w_u16le(&w, 100);         /* beacon interval, TU */
    rf_w_u16le(&w, 0x0420);      /* short preamble, short slot time */
    rf_w_u8(&w, ELEM_SSID);
    rf_w_u8(&w, (uint8_t)ssid_len);
    rf_w_bytes(&w, (const uint8_t *)o.ssid, ssid_len);
    rf_w_u8(&w, ELEM_RATES);
    rf_w_u8(&w, 1);
    rf_w_u8(&w, 0x8C);           /* 6 Mbit/s, basic rate */
    uint8_t ch = channel_of(o.freq_mhz);
    if (ch) {
        rf_w_u8(&w, ELEM_DS);
        rf_w_u8(&w, 1);
        rf_w_u8(&w, ch);
    }
    for (int i = 0; i < n; i++) {
        const vg_rid_payload *it = &items[i];
        bool astm = it->transport == VG_RIDT_WIFI_BEACON;
        rf_w_u8(&w, ELEM_VENDOR);
        rf_w_u8(&w, (uint8_t)(4 + (astm ? 1 : 0) + it->len));
        rf_w_bytes(&w, astm ? rf_oui_astm : rf_oui_fr, 3);
        rf_w_u8(&w, astm ? RF_ASTM_OUI_TYPE : RF_FR_OUI_TYPE);
        if (astm)
            rf_w_u8(&w, it->counter);
        rf_w_bytes(&w, it->data, it->len);
    }
    return rf_80211_end(&w, &o, start, len, err);
}

int vg_ridframe_build_wifi_beacon(uint8_t *buf, size_t cap, const uint8_t addr[6],
                                  uint8_t counter, const uint8_t *pack, size_t pack_len,
                                  const vg_ridframe_opts *opts, size_t *len, vg_error *err)
{
    vg_rid_payload it;
    memset(&it, 0, sizeof it);
    it.transport = VG_RIDT_WIFI_BEACON;
    it.kind = VG_RIDP_ASTM_PACK;
    it.has_counter = true;
    it.counter = counter;
    it.data = pack;
    it.len = pack_len;
    return vg_ridframe_build_beacon_multi(buf, cap, addr, &it, 1, opts, len, err);
}

int vg_ridframe_build_fr_beacon(uint8_t *buf, size_t cap, const uint8_t addr[6],
                                const uint8_t *tlv, size_t tlv_len,
                                const vg_ridframe_opts *opts, size_t *len, vg_error *err)
{
    vg_rid_payload it;
    memset(&it, 0, sizeof it);
    it.transport = VG_RIDT_FR_BEACON;
    it.kind = VG_RIDP_FR_TLV;
    it.data = tlv;
    it.len = tlv_len;
    return vg_ridframe_build_beacon_multi(buf, cap, addr, &it, 1, opts, len, err);
}

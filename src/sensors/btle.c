/* sensors/btle.c — Remote ID in Bluetooth LE advertising: link-layer packets as
 * sniffers capture them (link type 251, and 256 behind a 10-byte pseudo-header),
 * the advertising data (AD structures) they carry, the 24-bit CRC, and the builders.
 *
 * An advertising packet is: access address 0x8E89BED6 (4, little-endian), [coding
 * indicator (1) when the pseudo-header says LE Coded PHY], PDU header (type, TxAdd;
 * length), payload, CRC (3). Legacy PDUs (ADV_IND, ADV_NONCONN_IND, ADV_SCAN_IND,
 * SCAN_RSP) carry AdvA then AdvData; extended PDUs (type 7) carry the common extended
 * advertising payload: extended header length and mode, flags, the optional fields
 * the flags announce, then AdvData. ASTM Remote ID is a service data AD (type 0x16)
 * with UUID 0xFFFA, application code 0x0D, a counter, then a message or a pack.
 * Layouts checked against Wireshark's packet-btle.c / packet-btle_rf.c. */
#include "sensors/ridframe_int.h"

#define PHDR_LEN 10
#define PHDR_F_SIGPOWER 0x0002
#define PHDR_F_REF_AA 0x0010
#define PHDR_F_CRC_CHECKED 0x0400
#define PHDR_F_CRC_VALID 0x0800
#define PHDR_PDU_SHIFT 7        /* bits 7-9: 1 = auxiliary advertising */
#define PHDR_PDU_AUX 1
#define PHDR_AUX_SHIFT 12       /* bits 12-13 for auxiliary PDUs: which one */
#define PHDR_AUX_ADV_IND 0
#define PHDR_AUX_CHAIN_IND 1
#define PHDR_AUX_SYNC_IND 2
#define PHDR_AUX_SCAN_RSP 3
#define PHDR_PHY_SHIFT 14       /* bits 14-15: 0 LE 1M, 1 LE 2M, 2 LE Coded */
#define PHDR_PHY_CODED 2

#define PDU_ADV_IND 0x0
#define PDU_ADV_NONCONN_IND 0x2
#define PDU_SCAN_RSP 0x4
#define PDU_ADV_SCAN_IND 0x6
#define PDU_EXT 0x7
#define HDR_TXADD 0x40

/* Extended header flags and the size of the field each announces, in order. */
#define EXT_F_ADVA 0x01
#define EXT_F_ADI 0x08
static const uint8_t ext_field_len[7] = {
    6,  /* AdvA */
    6,  /* TargetA */
    1,  /* CTEInfo */
    2,  /* ADI */
    3,  /* AuxPtr */
    18, /* SyncInfo */
    1,  /* TxPower */
};

#define AD_SERVICE_DATA_16 0x16

/* RF channels of the pseudo-header for the channel indices we transmit on. */
#define RF_CHANNEL_ADV37 0      /* 2402 MHz */
#define RF_CHANNEL_DATA10 11    /* 2424 MHz, secondary advertising */

/* ---- CRC ---------------------------------------------------------------------------- */

/* The LFSR of Core spec Vol 6 Part B 3.1.1, run reflected: bit 0 of the state is the
 * spec's position 23, so data bits enter least significant first, the polynomial
 * x^24 + x^10 + x^9 + x^6 + x^4 + x^3 + x + 1 becomes 0xDA6000, and the state's
 * bytes come out in transmission order. */
uint32_t rf_btle_crc24(const uint8_t *pdu, size_t n, uint32_t init)
{
    uint32_t s = 0;
    for (int i = 0; i < 24; i++) /* reflect the spec's init value */
        if (init & (1u << i))
            s |= 1u << (23 - i);
    for (size_t k = 0; k < n; k++) {
        for (int i = 0; i < 8; i++) {
            uint32_t bit = (s ^ (uint32_t)(pdu[k] >> i)) & 1u;
            s >>= 1;
            if (bit)
                s ^= 0xDA6000u;
        }
    }
    return s;
}

/* ---- Advertising data --------------------------------------------------------------- */

int rf_btle_parse_ad(const uint8_t *ad, size_t len, vg_rid_transport t,
                     const uint8_t addr[6], rf_sink *s, vg_error *err)
{
    size_t off = 0;
    while (off < len) {
        size_t adlen = ad[off];
        /* A zero length ends the significant part; the rest is padding. */
        if (adlen == 0)
            break;
        if (adlen > len - off - 1)
            return vg_err(err, VG_ETRUNC,
                          "ble: AD structure at offset %zu: length %zu runs past the end "
                          "(%zu bytes left)",
                          off, adlen, len - off - 1);
        const uint8_t *v = ad + off + 2;   /* after length and type */
        size_t vlen = adlen - 1;
        if (ad[off + 1] == AD_SERVICE_DATA_16 && vlen >= 2 &&
            rf_rd_u16le(v) == RF_BLE_UUID_ASTM) {
            if (vlen < 3)
                return vg_err(err, VG_ETRUNC,
                              "ble: ASTM service data at offset %zu without an application "
                              "code",
                              off);
            if (v[2] == RF_BLE_APP_CODE) {
                if (vlen < 5)
                    return vg_err(err, VG_ETRUNC,
                                  "ble: Remote ID service data at offset %zu: %zu bytes, no "
                                  "room for a counter and a message",
                                  off, vlen);
                vg_rid_payload p;
                memset(&p, 0, sizeof p);
                p.transport = t;
                memcpy(p.addr, addr, 6);
                p.has_counter = true;
                p.counter = v[3];
                p.data = v + 4;
                p.len = vlen - 4;
                p.kind = (p.data[0] >> 4) == 0xF ? VG_RIDP_ASTM_PACK : VG_RIDP_ASTM_MESSAGE;
                int rc = rf_sink_push(s, &p, "ble", err);
                if (rc < 0)
                    return rc;
            }
        }
        off += 1 + adlen;
    }
    return 0;
}

void rf_btle_write_ad(rf_writer *w, uint8_t counter, const uint8_t *data, size_t n)
{
    rf_w_u8(w, (uint8_t)(5 + n)); /* type, UUID (2), app code, counter, data */
    rf_w_u8(w, AD_SERVICE_DATA_16);
    rf_w_u16le(w, RF_BLE_UUID_ASTM);
    rf_w_u8(w, RF_BLE_APP_CODE);
    rf_w_u8(w, counter);
    rf_w_bytes(w, data, n);
}

/* ---- Link-layer packets ------------------------------------------------------------- */

/* The extended advertising payload of a type-7 PDU. aux_type is what the pseudo-
 * header says this auxiliary PDU is, or -1 when unknown. */
static int parse_ext(const uint8_t *pl, size_t n, int aux_type, rf_sink *s, vg_error *err)
{
    if (n < 1)
        return vg_err(err, VG_ETRUNC, "ble: extended advertising PDU without its header");
    size_t ehl = pl[0] & 0x3Fu;
    if (ehl > n - 1)
        return vg_err(err, VG_ETRUNC,
                      "ble: extended header of %zu bytes runs past the %zu-byte PDU", ehl, n);
    /* Chained and periodic fragments continue data sent elsewhere: reassembling them
     * needs state across packets, which this stateless layer does not keep. */
    if (aux_type == PHDR_AUX_CHAIN_IND || aux_type == PHDR_AUX_SYNC_IND || ehl == 0)
        return 0;
    uint8_t flags = pl[1];
    const uint8_t *adva = NULL;
    size_t off = 2, end = 1 + ehl;
    for (int i = 0; i < 7; i++) {
        if (!(flags & (1u << i)))
            continue;
        if (ext_field_len[i] > end - off)
            return vg_err(err, VG_ETRUNC,
                          "ble: extended header fields (flags 0x%02x) run past its %zu bytes",
                          flags, ehl);
        if (i == 0)
            adva = pl + off;
        off += ext_field_len[i];
    }
    /* Without AdvA the packet is a chain fragment (or anonymous): no identity. */
    if (!adva)
        return 0;
    uint8_t addr[6];
    rf_addr_reversed(addr, adva);
    return rf_btle_parse_ad(pl + end, n - end, VG_RIDT_BLE5, addr, s, err);
}

int rf_btle_parse(const uint8_t *p, size_t len, bool phdr, rf_sink *s, vg_error *err)
{
    int aux_type = -1;
    bool coded = false;
    if (phdr) {
        if (len < PHDR_LEN)
            return vg_err(err, VG_ETRUNC,
                          "ble: packet of %zu bytes, shorter than the 10-byte LE pseudo-header",
                          len);
        uint16_t flags = rf_rd_u16le(p + 8);
        if (flags & PHDR_F_SIGPOWER) {
            s->has_rssi = true;
            s->rssi_dbm = (int8_t)p[1];
        }
        if (((flags >> PHDR_PDU_SHIFT) & 0x7u) == PHDR_PDU_AUX)
            aux_type = (flags >> PHDR_AUX_SHIFT) & 0x3;
        coded = ((flags >> PHDR_PHY_SHIFT) & 0x3u) == PHDR_PHY_CODED;
        p += PHDR_LEN;
        len -= PHDR_LEN;
    }
    if (len < 4)
        return vg_err(err, VG_ETRUNC,
                      "ble: packet of %zu bytes, shorter than its access address", len);
    if (rf_rd_u32le(p) != RF_BLE_ADV_AA)
        return 0; /* a data channel or periodic advertising packet */
    size_t off = 4 + (coded ? 1u : 0u); /* the coding indicator of LE Coded packets */
    if (len < off + 2)
        return vg_err(err, VG_ETRUNC, "ble: packet of %zu bytes ends in its PDU header", len);
    const uint8_t *pdu = p + off;
    size_t plen = pdu[1];
    if (len - off - 2 < plen + 3)
        return vg_err(err, VG_ETRUNC,
                      "ble: PDU length %zu and CRC run past the packet (%zu bytes left)", plen,
                      len - off - 2);
    if (len - off - 2 > plen + 3)
        return vg_err(err, VG_EINVAL, "ble: %zu bytes after the CRC",
                      len - off - 2 - plen - 3);
    uint32_t want = rf_rd_u24le(pdu + 2 + plen), got = rf_btle_crc24(pdu, 2 + plen, 0x555555);
    if (want != got)
        return vg_err(err, VG_EINVAL,
                      "ble: CRC 0x%06x does not match the PDU (0x%06x): corrupted on the air",
                      (unsigned)want, (unsigned)got);
    const uint8_t *pl = pdu + 2;
    switch (pdu[0] & 0x0Fu) {
    case PDU_ADV_IND:
    case PDU_ADV_NONCONN_IND:
    case PDU_ADV_SCAN_IND:
    case PDU_SCAN_RSP: {
        if (plen < 6)
            return vg_err(err, VG_ETRUNC,
                          "ble: advertising PDU of %zu bytes, shorter than its address", plen);
        uint8_t addr[6];
        rf_addr_reversed(addr, pl);
        return rf_btle_parse_ad(pl + 6, plen - 6, VG_RIDT_BLE4, addr, s, err);
    }
    case PDU_EXT:
        return parse_ext(pl, plen, aux_type, s, err);
    default:
        return 0; /* directed, scan requests, connection requests */
    }
}

/* ---- Building ----------------------------------------------------------------------- */

/* One LE link-layer packet (link type 251, or 256 with its pseudo-header). */
static int build_ll(uint8_t *buf, size_t cap, const uint8_t addr[6], bool ext,
                    uint8_t counter, const uint8_t *data, size_t n, const vg_ridframe_opts *o,
                    size_t *len, vg_error *err)
{
    rf_writer w = {buf, cap, 0};
    bool phdr = o->linktype == VG_LINKTYPE_BLUETOOTH_LE_LL_PHDR;
    if (phdr) {
        uint16_t flags = 0x0001 /* dewhitened */ | PHDR_F_REF_AA | PHDR_F_CRC_CHECKED |
                         PHDR_F_CRC_VALID;
        if (o->has_rssi)
            flags |= PHDR_F_SIGPOWER;
        if (ext) /* auxiliary advertising, AUX_ADV_IND, on the long-range PHY */
            flags |= (PHDR_PDU_AUX << PHDR_PDU_SHIFT) | (PHDR_AUX_ADV_IND << PHDR_AUX_SHIFT) |
                     (PHDR_PHY_CODED << PHDR_PHY_SHIFT);
        rf_w_u8(&w, ext ? RF_CHANNEL_DATA10 : RF_CHANNEL_ADV37);
        rf_w_u8(&w, o->has_rssi ? (uint8_t)o->rssi_dbm : 0);
        rf_w_u8(&w, 0); /* noise power: not valid */
        rf_w_u8(&w, 0); /* access address offenses: not valid */
        rf_w_u32le(&w, RF_BLE_ADV_AA);
        rf_w_u16le(&w, flags);
    }
    rf_w_u32le(&w, RF_BLE_ADV_AA);
    if (phdr && ext)
        rf_w_u8(&w, 0x00); /* coding indicator: FEC block 2 coded with S=8 */
    size_t pdu = w.len;
    rf_w_u8(&w, (uint8_t)((ext ? PDU_EXT : PDU_ADV_NONCONN_IND) | HDR_TXADD));
    rf_w_u8(&w, 0); /* length, patched below */
    if (ext) {
        rf_w_u8(&w, 9); /* extended header length 9, mode non-connectable non-scannable */
        rf_w_u8(&w, EXT_F_ADVA | EXT_F_ADI);
        rf_w_addr_reversed(&w, addr);
        rf_w_u16le(&w, (uint16_t)(counter & 0x0FFFu)); /* ADI: data id = counter, set 0 */
    } else {
        rf_w_addr_reversed(&w, addr);
    }
    rf_btle_write_ad(&w, counter, data, n);
    size_t plen = w.len - pdu - 2;
    rf_w_patch_u8(&w, pdu + 1, (uint8_t)plen);
    uint32_t crc = rf_w_ok(&w) ? rf_btle_crc24(buf + pdu, 2 + plen, 0x555555) : 0;
    rf_w_u8(&w, (uint8_t)(crc & 0xFF));
    rf_w_u8(&w, (uint8_t)((crc >> 8) & 0xFF));
    rf_w_u8(&w, (uint8_t)(crc >> 16));
    return rf_w_finish(&w, "ble", len, err);
}

static int build_ble(uint8_t *buf, size_t cap, const uint8_t addr[6], bool ext,
                     uint8_t counter, const uint8_t *data, size_t n,
                     const vg_ridframe_opts *opts, size_t *len, vg_error *err)
{
    vg_ridframe_opts o;
    if (!buf || !addr || !len || (!data && n))
        return vg_err(err, VG_EINVAL, "ble: frame needs a buffer, an address and a length");
    int rc = rf_opts_resolve(opts, false, &o, err);
    if (rc < 0)
        return rc;
    bool hci = o.linktype == VG_LINKTYPE_BLUETOOTH_HCI_H4_PHDR;
    size_t max = !ext ? VG_RIDFRAME_MAX_BLE4 : hci ? VG_RIDFRAME_MAX_BLE5_HCI
                                                   : VG_RIDFRAME_MAX_BLE5;
    if (n == 0 || n > max)
        return vg_err(err, n ? VG_ETOOBIG : VG_EINVAL,
                      "ble: %s payload of %zu bytes: 1 to %zu fit %s", ext ? "ble5" : "ble4",
                      n, max, hci ? "an HCI report" : "the advertising PDU");
    if (hci)
        return rf_bthci_build(buf, cap, addr, ext, counter, data, n, &o, len, err);
    return build_ll(buf, cap, addr, ext, counter, data, n, &o, len, err);
}

int vg_ridframe_build_ble4(uint8_t *buf, size_t cap, const uint8_t addr[6],
                           uint8_t counter, const uint8_t *msg, size_t msg_len,
                           const vg_ridframe_opts *opts, size_t *len, vg_error *err)
{
    return build_ble(buf, cap, addr, false, counter, msg, msg_len, opts, len, err);
}

int vg_ridframe_build_ble5(uint8_t *buf, size_t cap, const uint8_t addr[6],
                           uint8_t counter, const uint8_t *pack, size_t pack_len,
                           const vg_ridframe_opts *opts, size_t *len, vg_error *err)
{
    return build_ble(buf, cap, addr, true, counter, pack, pack_len, opts, len, err);
}

/* sensors/bthci.c — Remote ID in Bluetooth HCI captures (link type 201: a 4-byte
 * big-endian direction, then an H4 packet), which is what a plain Bluetooth adapter
 * gives: the controller has already received the advertisement and reports it to
 * the host in an LE Meta event.
 *
 * Two subevents carry advertising data: LE Advertising Report (0x02, legacy) and LE
 * Extended Advertising Report (0x0D). Each holds Num_Reports reports, one after the
 * other (the layout controllers, BlueZ and Wireshark's packet-bthci_evt.c use).
 * Every length is checked against the event's parameter length, which must itself
 * match the packet exactly. */
#include "sensors/ridframe_int.h"

#define PHDR_LEN 4
#define H4_EVENT 0x04
#define EVT_LE_META 0x3E
#define LE_ADV_REPORT 0x02
#define LE_EXT_ADV_REPORT 0x0D

#define RSSI_NONE 127 /* "not available" in both report formats */

/* Legacy report: event type, address type, address (6), data length, data, RSSI. */
#define ADV_REPORT_FIXED 10
#define ADV_EVT_DIRECT_IND 0x01
#define ADV_EVT_MAX 0x04

/* Extended report: event type (2), address type, address (6), primary PHY, secondary
 * PHY, SID, TX power, RSSI, periodic interval (2), direct address type, direct
 * address (6), data length, then data. */
#define EXT_REPORT_FIXED 24
#define EXT_EVT_LEGACY 0x0010
#define EXT_EVT_STATUS_SHIFT 5 /* data status: 0 complete, 1 more to come, 2 truncated */

static void set_rssi(vg_rid_payload *tmpl, int8_t rssi)
{
    tmpl->has_rssi = rssi != RSSI_NONE;
    tmpl->rssi_dbm = tmpl->has_rssi ? rssi : 0;
}

/* Parse the AD of one report, with that report's RSSI. */
static int report_ad(const uint8_t *ad, size_t n, vg_rid_transport t, const uint8_t *addr_le,
                     int8_t rssi, rf_sink *s, vg_error *err)
{
    uint8_t addr[6];
    rf_addr_reversed(addr, addr_le);
    int first = s->count;
    int rc = rf_btle_parse_ad(ad, n, t, addr, s, err);
    /* the RSSI belongs to the report, not the packet: set it on what this report gave */
    for (int i = first; i < s->count; i++) {
        vg_rid_payload tmp = s->out[i];
        set_rssi(&tmp, rssi);
        s->out[i] = tmp;
    }
    return rc;
}

static int parse_adv_reports(const uint8_t *b, size_t n, rf_sink *s, vg_error *err)
{
    if (n < 1)
        return vg_err(err, VG_ETRUNC, "hci: advertising report event without Num_Reports");
    unsigned nrep = b[0];
    size_t off = 1;
    for (unsigned r = 0; r < nrep; r++) {
        if (n - off < ADV_REPORT_FIXED)
            return vg_err(err, VG_ETRUNC,
                          "hci: advertising report %u of %u runs past the event", r + 1, nrep);
        const uint8_t *rep = b + off;
        size_t dlen = rep[8];
        if (dlen + 1 > n - off - 9)
            return vg_err(err, VG_ETRUNC,
                          "hci: advertising report %u of %u: data length %zu runs past the "
                          "event",
                          r + 1, nrep, dlen);
        unsigned evt = rep[0];
        if (evt <= ADV_EVT_MAX && evt != ADV_EVT_DIRECT_IND) {
            int rc = report_ad(rep + 9, dlen, VG_RIDT_BLE4, rep + 2, (int8_t)rep[9 + dlen], s,
                               err);
            if (rc < 0)
                return rc;
        }
        off += 9 + dlen + 1;
    }
    if (off != n)
        return vg_err(err, VG_EINVAL, "hci: %zu bytes after the last advertising report",
                      n - off);
    return 0;
}

static int parse_ext_reports(const uint8_t *b, size_t n, rf_sink *s, vg_error *err)
{
    if (n < 1)
        return vg_err(err, VG_ETRUNC,
                      "hci: extended advertising report event without Num_Reports");
    unsigned nrep = b[0];
    size_t off = 1;
    for (unsigned r = 0; r < nrep; r++) {
        if (n - off < EXT_REPORT_FIXED)
            return vg_err(err, VG_ETRUNC,
                          "hci: extended advertising report %u of %u runs past the event",
                          r + 1, nrep);
        const uint8_t *rep = b + off;
        size_t dlen = rep[23];
        if (dlen > n - off - EXT_REPORT_FIXED)
            return vg_err(err, VG_ETRUNC,
                          "hci: extended advertising report %u of %u: data length %zu runs "
                          "past the event",
                          r + 1, nrep, dlen);
        uint16_t evt = rf_rd_u16le(rep);
        unsigned status = (evt >> EXT_EVT_STATUS_SHIFT) & 0x3u;
        /* Incomplete data continues in the next report: no reassembly here. An
         * anonymous advertiser (address type 0xFF) has no address to report. */
        if (status == 0 && rep[2] != 0xFF) {
            vg_rid_transport t = (evt & EXT_EVT_LEGACY) ? VG_RIDT_BLE4 : VG_RIDT_BLE5;
            int rc = report_ad(rep + EXT_REPORT_FIXED, dlen, t, rep + 3, (int8_t)rep[13], s,
                               err);
            if (rc < 0)
                return rc;
        }
        off += EXT_REPORT_FIXED + dlen;
    }
    if (off != n)
        return vg_err(err, VG_EINVAL,
                      "hci: %zu bytes after the last extended advertising report", n - off);
    return 0;
}

int rf_bthci_parse(const uint8_t *p, size_t len, rf_sink *s, vg_error *err)
{
    if (len < PHDR_LEN + 1)
        return vg_err(err, VG_ETRUNC,
                      "hci: packet of %zu bytes, shorter than its direction and packet type",
                      len);
    if (p[PHDR_LEN] != H4_EVENT)
        return 0; /* commands, ACL, SCO, ISO data */
    const uint8_t *ev = p + PHDR_LEN + 1;
    size_t n = len - PHDR_LEN - 1;
    if (n < 2)
        return vg_err(err, VG_ETRUNC, "hci: event of %zu bytes, shorter than its header", n);
    size_t plen = ev[1];
    if (plen > n - 2)
        return vg_err(err, VG_ETRUNC,
                      "hci: event 0x%02x: parameter length %zu runs past the packet (%zu "
                      "bytes left)",
                      ev[0], plen, n - 2);
    if (plen < n - 2)
        return vg_err(err, VG_EINVAL, "hci: event 0x%02x: %zu bytes after its %zu parameters",
                      ev[0], n - 2 - plen, plen);
    if (ev[0] != EVT_LE_META)
        return 0;
    if (plen < 1)
        return vg_err(err, VG_ETRUNC, "hci: LE Meta event without a subevent code");
    switch (ev[2]) {
    case LE_ADV_REPORT:
        return parse_adv_reports(ev + 3, plen - 1, s, err);
    case LE_EXT_ADV_REPORT:
        return parse_ext_reports(ev + 3, plen - 1, s, err);
    default:
        return 0;
    }
}

int rf_bthci_build(uint8_t *buf, size_t cap, const uint8_t addr[6], bool ext,
                   uint8_t counter, const uint8_t *data, size_t n,
                   const vg_ridframe_opts *o, size_t *len, vg_error *err)
{
    rf_writer w = {buf, cap, 0};
    uint8_t rssi = o->has_rssi ? (uint8_t)o->rssi_dbm : RSSI_NONE;
    size_t ad_len = 6 + n;
    rf_w_u32le(&w, 0x01000000u); /* direction, big-endian: 1 = received by the host */
    rf_w_u8(&w, H4_EVENT);
    rf_w_u8(&w, EVT_LE_META);
    rf_w_u8(&w, (uint8_t)(2 + (ext ? EXT_REPORT_FIXED : ADV_REPORT_FIXED) + ad_len));
    rf_w_u8(&w, ext ? LE_EXT_ADV_REPORT : LE_ADV_REPORT);
    rf_w_u8(&w, 1); /* one report */
    if (ext) {
        rf_w_u16le(&w, 0x0000); /* not connectable, not scannable, not legacy, complete */
        rf_w_u8(&w, 0x01);      /* random address */
        rf_w_addr_reversed(&w, addr);
        rf_w_u8(&w, 0x03);      /* primary PHY: LE Coded (long range) */
        rf_w_u8(&w, 0x03);      /* secondary PHY: LE Coded */
        rf_w_u8(&w, 0x00);      /* advertising SID */
        rf_w_u8(&w, 0x7F);      /* TX power: not available */
        rf_w_u8(&w, rssi);
        rf_w_u16le(&w, 0);      /* no periodic advertising */
        rf_w_u8(&w, 0x00);      /* direct address type */
        rf_w_bytes(&w, (const uint8_t[6]){0}, 6);
        rf_w_u8(&w, (uint8_t)ad_len);
        rf_btle_write_ad(&w, counter, data, n);
    } else {
        rf_w_u8(&w, 0x03);      /* ADV_NONCONN_IND */
        rf_w_u8(&w, 0x01);      /* random address */
        rf_w_addr_reversed(&w, addr);
        rf_w_u8(&w, (uint8_t)ad_len);
        rf_btle_write_ad(&w, counter, data, n);
        rf_w_u8(&w, rssi);
    }
    return rf_w_finish(&w, "hci", len, err);
}

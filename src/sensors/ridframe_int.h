/* sensors/ridframe_int.h — what the files of the Remote ID frame layer share (private
 * to ridframe.c, radiotap.c, ieee80211.c, nan.c, btle.c, bthci.c): explicit
 * little-endian byte access, a bounded frame writer, the payload collector, and each
 * layer's entry points. */
#ifndef VIGIE_SENSORS_RIDFRAME_INT_H
#define VIGIE_SENSORS_RIDFRAME_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vigie/error.h"
#include "vigie/ridframe.h"

/* ---- Reading: callers check the bounds first; these only assemble bytes. ---- */

static inline uint16_t rf_rd_u16le(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t rf_rd_u24le(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16);
}

static inline uint32_t rf_rd_u32le(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

/* Bluetooth sends addresses least significant byte first; people (and Wireshark)
 * write them most significant first, as for 802.11. */
static inline void rf_addr_reversed(uint8_t dst[6], const uint8_t *src)
{
    for (int i = 0; i < 6; i++)
        dst[i] = src[5 - i];
}

/* ---- Writing: a bounded writer with a sticky overflow flag (like vg_strbuf). ----
 * len keeps counting past cap, so the error can say how much room was needed. */
typedef struct rf_writer {
    uint8_t *buf;
    size_t cap;
    size_t len;
} rf_writer;

static inline bool rf_w_ok(const rf_writer *w)
{
    return w->len <= w->cap;
}

static inline void rf_w_u8(rf_writer *w, uint8_t v)
{
    if (w->len < w->cap)
        w->buf[w->len] = v;
    w->len++;
}

static inline void rf_w_u16le(rf_writer *w, uint16_t v)
{
    rf_w_u8(w, (uint8_t)(v & 0xFF));
    rf_w_u8(w, (uint8_t)(v >> 8));
}

static inline void rf_w_u32le(rf_writer *w, uint32_t v)
{
    rf_w_u16le(w, (uint16_t)(v & 0xFFFF));
    rf_w_u16le(w, (uint16_t)(v >> 16));
}

static inline void rf_w_bytes(rf_writer *w, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rf_w_u8(w, p[i]);
}

static inline void rf_w_addr_reversed(rf_writer *w, const uint8_t addr[6])
{
    for (int i = 5; i >= 0; i--)
        rf_w_u8(w, addr[i]);
}

/* Overwrite a byte written earlier (a length known only at the end). */
static inline void rf_w_patch_u8(rf_writer *w, size_t pos, uint8_t v)
{
    if (pos < w->cap)
        w->buf[pos] = v;
}

static inline void rf_w_patch_u16le(rf_writer *w, size_t pos, uint16_t v)
{
    rf_w_patch_u8(w, pos, (uint8_t)(v & 0xFF));
    rf_w_patch_u8(w, pos + 1, (uint8_t)(v >> 8));
}

/* 0 when everything fitted, else VG_EFULL naming the layer and the room needed. */
int rf_w_finish(const rf_writer *w, const char *layer, size_t *len, vg_error *err);

/* ---- Identifiers of the Remote ID carriers ---- */

extern const uint8_t rf_oui_astm[3];      /* FA:0B:BC, vendor type 0x0D */
extern const uint8_t rf_oui_fr[3];        /* 6A:5C:35, vendor type 0x01 */
extern const uint8_t rf_oui_wfa[3];       /* 50:6F:9A, Wi-Fi Alliance (NAN type 0x13) */
extern const uint8_t rf_nan_service_id[6]; /* hash of "org.opendroneid.remoteid" */
#define RF_ASTM_OUI_TYPE 0x0D
#define RF_FR_OUI_TYPE 0x01
#define RF_NAN_OUI_TYPE 0x13
#define RF_BLE_UUID_ASTM 0xFFFA
#define RF_BLE_APP_CODE 0x0D
#define RF_BLE_ADV_AA 0x8E89BED6u

/* ---- Collecting payloads ---- */

/* Where parsers put what they find. has_rssi / rssi_dbm carry what an outer layer
 * (radiotap, LE pseudo-header) learnt, and are copied into every payload pushed. */
typedef struct rf_sink {
    vg_rid_payload *out;
    int cap;
    int count;
    bool has_rssi;
    int8_t rssi_dbm;
} rf_sink;

/* Store one payload (completing it with the sink's signal strength), or return
 * VG_EFULL once cap payloads are stored. */
int rf_sink_push(rf_sink *s, vg_rid_payload *p, const char *layer, vg_error *err);

/* Builders' options with defaults filled in and the link type checked against the
 * family (wifi or Bluetooth). */
int rf_opts_resolve(const vg_ridframe_opts *in, bool wifi, vg_ridframe_opts *out,
                    vg_error *err);

/* ---- radiotap.c ---- */

typedef struct rf_radiotap {
    size_t len;          /* it_len: the 802.11 frame starts here */
    bool has_flags;
    uint8_t flags;       /* RF_RT_F_* */
    bool has_rssi;
    int8_t rssi_dbm;     /* first dBm antenna signal */
} rf_radiotap;

#define RF_RT_F_FCS 0x10      /* the frame ends with its 4-byte FCS */
#define RF_RT_F_DATAPAD 0x20  /* padding between the 802.11 header and the body */
#define RF_RT_F_BADFCS 0x40   /* the receiver found the FCS wrong */

int rf_radiotap_parse(const uint8_t *p, size_t len, rf_radiotap *rt, vg_error *err);

/* Write a radiotap header (flags, rate, channel, and antenna signal when has_rssi). */
void rf_radiotap_write(rf_writer *w, bool fcs, uint16_t freq_mhz, bool has_rssi,
                       int8_t rssi_dbm);

/* ---- ieee80211.c ---- */

/* Parse an 802.11 frame. fcs: it ends with a 4-byte FCS, checked when the frame is
 * one that could carry Remote ID; datapad: the radiotap flag saying the header is
 * padded to a multiple of 4 bytes. */
int rf_80211_parse(const uint8_t *f, size_t len, bool fcs, bool datapad, rf_sink *s,
                   vg_error *err);

/* CRC-32 as the 802.11 FCS uses it (IEEE 802.3 polynomial, reflected). */
uint32_t rf_crc32(const uint8_t *p, size_t n);

/* Start a Wi-Fi frame: radiotap when the link type asks for it, then the management
 * header (frame control fc0, addresses, sequence number). Returns the offset of the
 * 802.11 frame in w (where the FCS computation starts). */
size_t rf_80211_begin(rf_writer *w, const vg_ridframe_opts *o, uint8_t fc0,
                      const uint8_t a1[6], const uint8_t a2[6], const uint8_t a3[6],
                      uint16_t seq);

/* Finish a Wi-Fi frame: append the FCS when asked, then report as rf_w_finish. */
int rf_80211_end(rf_writer *w, const vg_ridframe_opts *o, size_t frame_start,
                 size_t *len, vg_error *err);

/* ---- nan.c ---- */

/* Parse the NAN attributes of a service discovery frame from addr. */
int rf_nan_parse(const uint8_t *a, size_t len, const uint8_t addr[6], rf_sink *s,
                 vg_error *err);

/* ---- btle.c ---- */

/* Parse an LE link-layer packet (link type 251), or one behind its pseudo-header
 * (link type 256, phdr = true). */
int rf_btle_parse(const uint8_t *p, size_t len, bool phdr, rf_sink *s, vg_error *err);

/* Walk advertising data (AD structures) and collect the ASTM service data. */
int rf_btle_parse_ad(const uint8_t *ad, size_t len, vg_rid_transport t,
                     const uint8_t addr[6], rf_sink *s, vg_error *err);

/* The 24-bit BLE CRC of a PDU (header + payload), as transmitted: byte 0 first. */
uint32_t rf_btle_crc24(const uint8_t *pdu, size_t n, uint32_t init);

/* Write the ASTM service data AD structure: length, 0x16, UUID, app code, counter,
 * payload. */
void rf_btle_write_ad(rf_writer *w, uint8_t counter, const uint8_t *data, size_t n);

/* ---- bthci.c ---- */

int rf_bthci_parse(const uint8_t *p, size_t len, rf_sink *s, vg_error *err);

/* Write an HCI H4 LE Meta event with one advertising report (extended when ext). */
int rf_bthci_build(uint8_t *buf, size_t cap, const uint8_t addr[6], bool ext,
                   uint8_t counter, const uint8_t *data, size_t n,
                   const vg_ridframe_opts *o, size_t *len, vg_error *err);

#endif

/* vigie/ridframe.h — where Remote ID travels: finding ASTM F3411 and French beacon
 * payloads inside captured frames, and building such frames.
 *
 * This is the transport layer of the Remote ID receiver. It knows 802.11 (with or
 * without radiotap), Wi-Fi NAN service discovery frames, Bluetooth LE advertising
 * (legacy and extended, as link-layer packets or as HCI reports), and hands out the
 * message pack / message / TLV bytes as opaque slices of the caller's buffer; the
 * codecs (vigie/rid.h, vigie/frbeacon.h) decode them.
 *
 * Part of the deterministic core: no I/O, no allocation, no global state. Parsing
 * takes untrusted bytes: every length is checked before every read, and a malformed
 * frame gives a negative VG_E* code and a message that starts with a stable layer
 * name ("radiotap: ", "802.11: ", "nan: ", "ble: ", "hci: ", "linktype: ") so that
 * errors can be counted by layer and code. */
#ifndef VIGIE_RIDFRAME_H
#define VIGIE_RIDFRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigie/error.h"
#include "vigie/rid.h" /* vg_rid_transport and vg_rid_transport_name, shared with the codecs */

#ifdef __cplusplus
extern "C" {
#endif

/* pcap link types (https://www.tcpdump.org/linktypes.html) the parser accepts. For
 * these five the LINKTYPE_ value and libpcap's DLT_ value are the same number. */
#define VG_LINKTYPE_IEEE802_11 105              /* 802.11 frame, no FCS */
#define VG_LINKTYPE_IEEE802_11_RADIOTAP 127     /* radiotap header + 802.11 frame */
#define VG_LINKTYPE_BLUETOOTH_HCI_H4_PHDR 201   /* 4-byte direction + HCI H4 packet */
#define VG_LINKTYPE_BLUETOOTH_LE_LL 251         /* access address .. CRC */
#define VG_LINKTYPE_BLUETOOTH_LE_LL_PHDR 256    /* 10-byte LE pseudo-header + the above */

/* How the payload reached us. The type and its wire names (vg_rid_transport_name:
 * "wifi-beacon", "wifi-nan", "ble4", "ble5", "fr-beacon") are the codecs' (vigie/rid.h);
 * these are this layer's names for the same values. */
#define VG_RIDT_WIFI_BEACON VG_RID_TR_WIFI_BEACON /* beacon, element FA:0B:BC type 0x0D */
#define VG_RIDT_WIFI_NAN VG_RID_TR_WIFI_NAN       /* NAN SDF, service 88:69:19:9D:92:09 */
#define VG_RIDT_BLE4 VG_RID_TR_BLE4               /* legacy advertising, UUID 0xFFFA */
#define VG_RIDT_BLE5 VG_RID_TR_BLE5               /* extended advertising (long range) */
#define VG_RIDT_FR_BEACON VG_RID_TR_FR_BEACON     /* beacon, element 6A:5C:35 type 0x01 */
#define VG_RIDT_COUNT VG_RID_TR_COUNT

/* What the payload bytes are. */
typedef enum vg_rid_payload_kind {
    VG_RIDP_ASTM_PACK,     /* an ASTM message pack: 0xF<version>, size, count, messages */
    VG_RIDP_ASTM_MESSAGE,  /* one ASTM message (25 bytes when well formed) */
    VG_RIDP_FR_TLV         /* French beacon TLVs (after OUI 6A:5C:35 and type 0x01) */
} vg_rid_payload_kind;

/* One Remote ID payload found in a frame. data points into the caller's packet
 * buffer and is valid as long as that buffer is; len ≥ 1.
 *
 * Wi-Fi transports always carry a message pack (the parser does not look at its
 * bytes). For Bluetooth the kind is read from the payload's first byte: type nibble
 * 0xF is a pack, anything else a single message — legacy advertising carries one
 * message, extended advertising usually a pack, but some transmitters send single
 * messages there too (ARK Electronics' RemoteIDTransmitter does).
 *
 * addr is in the order people write it (aa:bb:cc:dd:ee:ff as Wireshark shows it):
 * the 802.11 transmitter (address 2), or the Bluetooth advertiser address, which the
 * air and HCI carry least significant byte first and which is reversed here. The
 * French beacon has no message counter (has_counter is false). rssi_dbm is the
 * radiotap antenna signal, the LE pseudo-header signal power, or the HCI report RSSI,
 * when the capture records one. */
typedef struct vg_rid_payload {
    vg_rid_transport transport;
    vg_rid_payload_kind kind;
    uint8_t addr[6];
    bool has_counter;
    uint8_t counter;
    bool has_rssi;
    int8_t rssi_dbm;
    const uint8_t *data;
    size_t len;
} vg_rid_payload;

/* Enough out[] for any real frame; more payloads give VG_EFULL (see below). */
#define VG_RIDFRAME_MAX_PAYLOADS 16

/* Enough buffer for any frame the single-payload builders produce. */
#define VG_RIDFRAME_MAX_FRAME 512

/* Largest payload each transport can carry in one frame (bytes of pack, message or
 * TLVs, counter excluded). BLE5 over HCI is further limited by the event length:
 * VG_RIDFRAME_MAX_BLE5_HCI. */
#define VG_RIDFRAME_MAX_WIFI_BEACON 250   /* 255-byte element - OUI, type, counter */
#define VG_RIDFRAME_MAX_FR_BEACON 251     /* 255-byte element - OUI, type */
#define VG_RIDFRAME_MAX_WIFI_NAN 254      /* 255-byte service info - counter */
#define VG_RIDFRAME_MAX_BLE4 25           /* 31-byte AdvData - AD header, UUID, app code, counter */
#define VG_RIDFRAME_MAX_BLE5 239          /* 255-byte PDU - extended header - AD header */
#define VG_RIDFRAME_MAX_BLE5_HCI 223      /* 255-byte HCI event - report fields - AD header */

/* Whether vg_ridframe_parse accepts this link type. */
bool vg_ridframe_linktype_supported(int linktype);

/* Find the Remote ID payloads in one captured packet of the given link type.
 *
 * Writes up to cap payloads into out and their number into *count, and returns 0.
 * No payload is the normal case (most frames carry no Remote ID; frames of other
 * kinds — data frames, other action frames, connection PDUs, other HCI events — are
 * skipped with *count = 0). Returns a negative code, with *count = 0, for a frame that
 * is malformed where it matters: VG_ETRUNC when a header, element, attribute or AD
 * structure runs past its end; VG_EINVAL for a bad radiotap header, an FCS or CRC
 * that does not match (a frame corrupted on the air), or bytes left over where a
 * structure must end exactly; VG_EUNKNOWN for an unsupported link type. When a frame
 * holds more than cap payloads the first cap are stored, *count = cap and the result
 * is VG_EFULL.
 *
 * What is checked: radiotap version, length, present-bitmask chain, field alignment
 * and sizes; the FCS when radiotap says one is present; 802.11 element and NAN
 * attribute lengths; the BLE CRC (24 bits, init 0x555555) of every advertising
 * packet; HCI event and report lengths. What is not done: reassembly of fragmented
 * advertising data (AUX_CHAIN_IND, HCI reports with data status "incomplete"), which
 * needs state across packets — those packets give *count = 0. */
int vg_ridframe_parse(int linktype, const uint8_t *pkt, size_t len, vg_rid_payload *out,
                      int cap, int *count, vg_error *err);

/* ---- Building frames (tests, simulator, encoder) ----------------------------------
 *
 * Each builder writes one complete packet of opts->linktype into buf[0..cap) and its
 * length into *len, and returns 0; VG_EINVAL for a bad argument or a link type of the
 * wrong family, VG_ETOOBIG for a payload the transport cannot carry (see the
 * VG_RIDFRAME_MAX_* limits; an empty payload is refused too), VG_EFULL when cap is too
 * small. The frames are what real transmitters and capture tools produce, and
 * Wireshark dissects them as such:
 *
 *  - Wi-Fi beacon: radiotap (flags, rate, channel, antenna signal) when the link type
 *    is 127; beacon to ff:ff:ff:ff:ff:ff from addr (address 2 and 3 = addr), sequence
 *    number = counter (0 when the first element is a French beacon's, which has
 *    none), timestamp 0, interval 100 TU, capabilities short preamble and
 *    short slot time; elements SSID, supported rates (6 Mbit/s), DS parameter set
 *    (the channel of freq_mhz), then the vendor element(s); FCS when opts->fcs.
 *  - NAN: public action frame (category 4, vendor specific 9, OUI 50:6F:9A type 0x13)
 *    from addr to the NAN network address 51:6F:9A:01:00:00, cluster 50:6F:9A:01:00:FF;
 *    a Service Descriptor Attribute (publish, service info = counter + pack) and a
 *    Service Descriptor Extension Attribute, as opendroneid's transmitter sends them.
 *  - BLE4: ADV_NONCONN_IND from a random address, AdvData = one service data AD
 *    (UUID 0xFFFA, app code 0x0D, counter, message); on link types 251/256 with a
 *    valid CRC (and for 256 the LE pseudo-header on advertising channel 37); on 201 an
 *    HCI LE Advertising Report event.
 *  - BLE5: AUX_ADV_IND (AdvA and ADI present, ADI data id = counter) carrying the same
 *    service data AD with a pack; for 256 the pseudo-header says LE Coded PHY
 *    (long range) on secondary channel 10, auxiliary PDU; on 201 an HCI LE Extended
 *    Advertising Report (complete data, primary and secondary PHY LE Coded). */
typedef struct vg_ridframe_opts {
    int linktype;       /* VG_LINKTYPE_*; 0 means the usual capture: 127 for Wi-Fi
                         * (monitor mode, radiotap), 256 for Bluetooth (LE sniffer) */
    bool fcs;           /* Wi-Fi on link type 127: append the FCS and set radiotap flag 0x10 */
    bool has_rssi;      /* record rssi_dbm where the link type can: radiotap antenna
                         * signal (127), pseudo-header signal power (256), HCI report
                         * RSSI (201; -127..126, 127 meaning "not available") */
    int8_t rssi_dbm;
    uint16_t freq_mhz;  /* Wi-Fi channel frequency, 2412..2484 or 5000..5895; 0 = 2437 */
    const char *ssid;   /* beacon SSID, at most 32 bytes; NULL = empty (hidden) */
} vg_ridframe_opts;

/* Wi-Fi beacon carrying counter + message pack. opts may be NULL (defaults). */
int vg_ridframe_build_wifi_beacon(uint8_t *buf, size_t cap, const uint8_t addr[6],
                                  uint8_t counter, const uint8_t *pack, size_t pack_len,
                                  const vg_ridframe_opts *opts, size_t *len, vg_error *err);

/* French electronic beacon: a Wi-Fi beacon carrying the TLV bytes. */
int vg_ridframe_build_fr_beacon(uint8_t *buf, size_t cap, const uint8_t addr[6],
                                const uint8_t *tlv, size_t tlv_len,
                                const vg_ridframe_opts *opts, size_t *len, vg_error *err);

/* One beacon with several vendor elements, in the order given: items[i].transport is
 * VG_RIDT_WIFI_BEACON (counter + data as a pack) or VG_RIDT_FR_BEACON (data as TLVs);
 * their addr, kind and rssi fields are ignored. n ≥ 1. */
int vg_ridframe_build_beacon_multi(uint8_t *buf, size_t cap, const uint8_t addr[6],
                                   const vg_rid_payload *items, int n,
                                   const vg_ridframe_opts *opts, size_t *len, vg_error *err);

/* Wi-Fi NAN service discovery frame carrying counter + message pack. */
int vg_ridframe_build_wifi_nan(uint8_t *buf, size_t cap, const uint8_t addr[6],
                               uint8_t counter, const uint8_t *pack, size_t pack_len,
                               const vg_ridframe_opts *opts, size_t *len, vg_error *err);

/* Bluetooth legacy advertisement carrying counter + one message (normally 25 bytes;
 * 1..25 accepted). */
int vg_ridframe_build_ble4(uint8_t *buf, size_t cap, const uint8_t addr[6],
                           uint8_t counter, const uint8_t *msg, size_t msg_len,
                           const vg_ridframe_opts *opts, size_t *len, vg_error *err);

/* Bluetooth extended advertisement carrying counter + message pack (or message). */
int vg_ridframe_build_ble5(uint8_t *buf, size_t cap, const uint8_t addr[6],
                           uint8_t counter, const uint8_t *pack, size_t pack_len,
                           const vg_ridframe_opts *opts, size_t *len, vg_error *err);

/* Build the frame that carries p, by p->transport, with p's addr, counter, data and
 * signal strength (p->has_rssi / p->rssi_dbm replace those of opts). p->kind must be
 * what the parser would report for that transport and data (VG_EINVAL otherwise), so
 * that parsing the frame gives back p. */
int vg_ridframe_build(uint8_t *buf, size_t cap, const vg_rid_payload *p,
                      const vg_ridframe_opts *opts, size_t *len, vg_error *err);

#ifdef __cplusplus
}
#endif
#endif

/* vigie/pcapio.h — packets in and out through libpcap: reading pcap and pcapng files,
 * capturing live from an interface, writing pcap files.
 *
 * Part of the shell (vigieshell): it does I/O. Reading is an iterator: open, call
 * vg_pcap_next until it returns VG_PCAP_END (or an error), close. Every packet comes
 * with its link type and its capture time as a vg_time (microseconds); hand it to
 * vg_ridframe_parse. Errors are vg_error messages that name the file or interface. */
#ifndef VIGIE_PCAPIO_H
#define VIGIE_PCAPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigie/error.h"
#include "vigie/time.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A capture being read: a file or a live interface. Opaque. */
typedef struct vg_pcap vg_pcap;

/* One captured packet. data belongs to the reader and is valid until the next call
 * to vg_pcap_next or vg_pcap_close. */
typedef struct vg_pcap_packet {
    int linktype;          /* LINKTYPE_ / DLT_ value (the same for every link type vigie reads) */
    vg_time time;          /* capture time, microseconds since the epoch */
    const uint8_t *data;
    size_t len;            /* bytes captured */
    size_t orig_len;       /* bytes on the wire: more than len when the snapshot length cut it */
    uint64_t index;        /* 1 for the first packet read */
} vg_pcap_packet;

/* What vg_pcap_next returns when it does not fail. */
enum {
    VG_PCAP_END = 0,       /* end of the file (or the live capture was stopped) */
    VG_PCAP_PACKET = 1,    /* *pkt holds a packet */
    VG_PCAP_AGAIN = 2,     /* live capture: no packet before the timeout (or, in
                            * non-blocking mode, none waiting); call again */
};

/* Open a pcap or pcapng file. Returns 0 and sets *out, or VG_EIO (the file cannot be
 * opened: the system's reason), VG_EPARSE (not a capture file libpcap can read),
 * VG_ETRUNC (the file header is cut short), VG_ENOMEM. */
int vg_pcap_open_file(const char *path, vg_pcap **out, vg_error *err);

/* Options of a live capture; zeros mean the defaults. */
typedef struct vg_pcap_live_opts {
    int snaplen;           /* bytes kept per packet; 0 = 4096, room for any 802.11 management frame
                            * with its radiotap header */
    int timeout_ms;        /* how long vg_pcap_next waits for packets; 0 = 100 ms */
    bool nonblock;         /* vg_pcap_next never waits (use with vg_pcap_fd and a poll loop) */
} vg_pcap_live_opts;

/* Capture live from an interface, e.g. "wlan0mon" (a Wi-Fi interface already in
 * monitor mode: putting it there is the operator's job) or "bluetooth0" (HCI). When
 * the interface's default link type carries no Remote ID but it offers one that does
 * (e.g. radiotap next to plain 802.11), that one is selected. Packets are delivered as
 * soon as they arrive (immediate mode), with microsecond timestamps.
 *
 * Returns 0 and sets *out, or: VG_ENOTFOUND (no such interface), VG_EIO (permission
 * denied — capturing needs root or the CAP_NET_RAW and CAP_NET_ADMIN capabilities —,
 * interface down, or another libpcap failure, with libpcap's words), VG_EUNKNOWN (the
 * interface gives no link type vigie can read: not in monitor mode?), VG_ENOMEM. */
int vg_pcap_open_live(const char *ifname, const vg_pcap_live_opts *opts, vg_pcap **out,
                      vg_error *err);

/* Read the next packet. Returns VG_PCAP_PACKET, VG_PCAP_END or VG_PCAP_AGAIN, or a
 * negative code: VG_ETRUNC for a file that ends inside a packet record, VG_EPARSE for
 * a corrupt record, VG_EIO for a capture failure. After an error the reader is done:
 * call vg_pcap_close. */
int vg_pcap_next(vg_pcap *pc, vg_pcap_packet *pkt, vg_error *err);

/* The capture's link type (LINKTYPE_ / DLT_ value). */
int vg_pcap_linktype(const vg_pcap *pc);

/* A file descriptor to poll for readability (live captures), or -1 (files, or a
 * platform without one). */
int vg_pcap_fd(const vg_pcap *pc);

/* Packets received and dropped (by the kernel, buffer full) since a live capture
 * started. Returns 0, or VG_EIO (files have no such counts). */
int vg_pcap_stats(vg_pcap *pc, uint64_t *received, uint64_t *dropped, vg_error *err);

/* Close and free the reader. Safe with NULL. */
void vg_pcap_close(vg_pcap *pc);

/* A pcap file being written (classic pcap, microsecond timestamps, one link type). */
typedef struct vg_pcap_writer vg_pcap_writer;

/* Create (or truncate) a pcap file of the given link type. Returns 0 and sets *out,
 * or VG_EIO (with the system's reason), VG_EINVAL (a link type libpcap does not know),
 * VG_ENOMEM. */
int vg_pcap_writer_open(const char *path, int linktype, vg_pcap_writer **out,
                        vg_error *err);

/* Append one packet captured at time t. Returns 0, VG_ERANGE for a time a pcap record
 * cannot hold (its seconds are 32-bit and unsigned: 1970 to 2106), VG_ETOOBIG for a
 * packet over 262144 bytes (libpcap's largest snapshot length), VG_EIO when writing
 * failed. */
int vg_pcap_writer_write(vg_pcap_writer *w, vg_time t, const uint8_t *data, size_t len,
                         vg_error *err);

/* Flush, close and free the writer. Returns 0, or VG_EIO when the data could not be
 * written (disk full...): the file is then incomplete. Safe with NULL (returns 0). */
int vg_pcap_writer_close(vg_pcap_writer *w, vg_error *err);

#ifdef __cplusplus
}
#endif
#endif

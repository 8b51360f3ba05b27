/* sensors/pcapio.c — the shell's packet input and output, through libpcap: capture
 * files read one packet at a time, live capture from an interface, pcap files
 * written for the encoder and the simulator.
 *
 * libpcap does the format work (pcap and pcapng, byte orders, nanosecond files
 * scaled to microseconds); this file turns its results and errors into vigie's: a
 * packet with its link type and vg_time, an error code with a message that names the
 * file or interface. */

/* libpcap's headers use the BSD types (u_int, u_char) that strict POSIX mode hides. */
#define _DEFAULT_SOURCE 1

#include "vigie/pcapio.h"

#include <errno.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigie/ridframe.h"

#define DEFAULT_SNAPLEN 4096
#define DEFAULT_TIMEOUT_MS 100
#define MAX_SNAPLEN 262144 /* libpcap's MAXIMUM_SNAPLEN */

struct vg_pcap {
    pcap_t *p;
    char *name;     /* file name or interface, for messages */
    bool live;
    bool done;      /* an error was returned: no more packets */
    uint64_t index;
};

struct vg_pcap_writer {
    pcap_t *dead;
    pcap_dumper_t *d;
    char *path;
};

/* libpcap reports a short read with words that have not changed in decades
 * ("truncated dump file; ...", "truncated pcapng dump file; ..."), and no code. */
static int file_error_code(const char *msg)
{
    return strstr(msg, "truncated") ? VG_ETRUNC : VG_EPARSE;
}

static int new_reader(pcap_t *p, const char *name, bool live, vg_pcap **out, vg_error *err)
{
    vg_pcap *pc = calloc(1, sizeof *pc);
    char *nm = strdup(name);
    if (!pc || !nm) {
        free(pc);
        free(nm);
        pcap_close(p);
        return vg_err(err, VG_ENOMEM, "%s: out of memory", name);
    }
    pc->p = p;
    pc->name = nm;
    pc->live = live;
    *out = pc;
    return 0;
}

int vg_pcap_open_file(const char *path, vg_pcap **out, vg_error *err)
{
    *out = NULL;
    /* Opening the file ourselves tells "cannot open" (errno) from "not a capture". */
    FILE *f = fopen(path, "rb");
    if (!f)
        return vg_err(err, VG_EIO, "%s: %s", path, strerror(errno));
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO,
                                                         errbuf);
    if (!p) {
        fclose(f); /* on failure libpcap leaves the stream to us */
        int code = file_error_code(errbuf);
        if (code == VG_EPARSE)
            return vg_err(err, code, "%s: not a pcap or pcapng file libpcap can read (%s)",
                          path, errbuf);
        return vg_err(err, code, "%s: %s", path, errbuf);
    }
    return new_reader(p, path, false, out, err);
}

/* Pick a link type vigie reads when the interface's default is not one. */
static int choose_datalink(pcap_t *p, const char *ifname, vg_error *err)
{
    int cur = pcap_datalink(p);
    if (vg_ridframe_linktype_supported(cur))
        return 0;
    static const int preferred[] = {
        VG_LINKTYPE_IEEE802_11_RADIOTAP, VG_LINKTYPE_IEEE802_11,
        VG_LINKTYPE_BLUETOOTH_LE_LL_PHDR, VG_LINKTYPE_BLUETOOTH_LE_LL,
        VG_LINKTYPE_BLUETOOTH_HCI_H4_PHDR,
    };
    int *dlts = NULL;
    int n = pcap_list_datalinks(p, &dlts);
    int pick = -1;
    for (size_t i = 0; i < sizeof preferred / sizeof preferred[0] && pick < 0; i++)
        for (int k = 0; k < n; k++)
            if (dlts[k] == preferred[i])
                pick = preferred[i];
    if (n >= 0)
        pcap_free_datalinks(dlts);
    if (pick >= 0 && pcap_set_datalink(p, pick) == 0)
        return 0;
    const char *name = pcap_datalink_val_to_name(cur);
    return vg_err(err, VG_EUNKNOWN,
                  "live capture on %s: link type %s (%d) carries no Remote ID: a Wi-Fi "
                  "interface must be in monitor mode (radiotap), or use a Bluetooth LE "
                  "sniffer or an HCI interface",
                  ifname, name ? name : "?", cur);
}

int vg_pcap_open_live(const char *ifname, const vg_pcap_live_opts *opts, vg_pcap **out,
                      vg_error *err)
{
    *out = NULL;
    vg_pcap_live_opts o = {0, 0, false};
    if (opts)
        o = *opts;
    if (o.snaplen <= 0)
        o.snaplen = DEFAULT_SNAPLEN;
    if (o.timeout_ms <= 0)
        o.timeout_ms = DEFAULT_TIMEOUT_MS;
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_create(ifname, errbuf);
    if (!p)
        return vg_err(err, VG_EIO, "live capture on %s: %s", ifname, errbuf);
    pcap_set_snaplen(p, o.snaplen);
    pcap_set_timeout(p, o.timeout_ms);
    pcap_set_immediate_mode(p, 1);
    /* Not every platform can choose; the default is microseconds anyway. */
    (void)pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_MICRO);
    int rc = pcap_activate(p);
    if (rc < 0) {
        const char *detail = pcap_geterr(p);
        const char *why = detail && detail[0] ? detail : pcap_statustostr(rc);
        switch (rc) {
        case PCAP_ERROR_NO_SUCH_DEVICE:
            /* libpcap's generic words add nothing; its own message (when any) might */
            if (detail && detail[0])
                rc = vg_err(err, VG_ENOTFOUND, "live capture on %s: no such interface (%s)",
                            ifname, detail);
            else
                rc = vg_err(err, VG_ENOTFOUND, "live capture on %s: no such interface",
                            ifname);
            break;
        case PCAP_ERROR_PERM_DENIED:
            rc = vg_err(err, VG_EIO,
                        "live capture on %s: permission denied: capturing needs root or the "
                        "CAP_NET_RAW and CAP_NET_ADMIN capabilities (%s)",
                        ifname, why);
            break;
        case PCAP_ERROR_IFACE_NOT_UP:
            rc = vg_err(err, VG_EIO, "live capture on %s: the interface is down", ifname);
            break;
        default:
            rc = vg_err(err, VG_EIO, "live capture on %s: %s", ifname, why);
            break;
        }
        pcap_close(p);
        return rc;
    }
    /* rc > 0 is a warning (e.g. promiscuous mode not supported): the capture works. */
    if ((rc = choose_datalink(p, ifname, err)) < 0) {
        pcap_close(p);
        return rc;
    }
    if (o.nonblock && pcap_setnonblock(p, 1, errbuf) < 0) {
        pcap_close(p);
        return vg_err(err, VG_EIO, "live capture on %s: %s", ifname, errbuf);
    }
    return new_reader(p, ifname, true, out, err);
}

int vg_pcap_next(vg_pcap *pc, vg_pcap_packet *pkt, vg_error *err)
{
    if (pc->done)
        return vg_err(err, VG_ESTATE, "%s: reading after an error", pc->name);
    struct pcap_pkthdr *h;
    const u_char *data;
    int rc = pcap_next_ex(pc->p, &h, &data);
    if (rc == 1) {
        pc->index++;
        pkt->linktype = pcap_datalink(pc->p);
        pkt->time = (vg_time)h->ts.tv_sec * VG_TIME_S + (vg_time)h->ts.tv_usec;
        pkt->data = data;
        pkt->len = h->caplen;
        pkt->orig_len = h->len;
        pkt->index = pc->index;
        return VG_PCAP_PACKET;
    }
    if (rc == 0)
        return VG_PCAP_AGAIN;
    if (rc == PCAP_ERROR_BREAK)
        return VG_PCAP_END;
    pc->done = true;
    const char *why = pcap_geterr(pc->p);
    if (pc->live)
        return vg_err(err, VG_EIO, "live capture on %s: %s", pc->name, why);
    return vg_err(err, file_error_code(why), "%s: packet %llu: %s", pc->name,
                  (unsigned long long)pc->index + 1, why);
}

int vg_pcap_linktype(const vg_pcap *pc)
{
    return pcap_datalink(pc->p);
}

int vg_pcap_fd(const vg_pcap *pc)
{
    return pc->live ? pcap_get_selectable_fd(pc->p) : -1;
}

int vg_pcap_stats(vg_pcap *pc, uint64_t *received, uint64_t *dropped, vg_error *err)
{
    struct pcap_stat st;
    if (!pc->live || pcap_stats(pc->p, &st) < 0)
        return vg_err(err, VG_EIO, "%s: no capture statistics%s%s", pc->name,
                      pc->live ? ": " : " for a file", pc->live ? pcap_geterr(pc->p) : "");
    *received = st.ps_recv;
    *dropped = (uint64_t)st.ps_drop + st.ps_ifdrop;
    return 0;
}

void vg_pcap_close(vg_pcap *pc)
{
    if (!pc)
        return;
    pcap_close(pc->p);
    free(pc->name);
    free(pc);
}

int vg_pcap_writer_open(const char *path, int linktype, vg_pcap_writer **out, vg_error *err)
{
    *out = NULL;
    if (!pcap_datalink_val_to_name(linktype))
        return vg_err(err, VG_EINVAL, "%s: link type %d is unknown to libpcap", path, linktype);
    vg_pcap_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->path = strdup(path))) {
        free(w);
        return vg_err(err, VG_ENOMEM, "%s: out of memory", path);
    }
    w->dead = pcap_open_dead_with_tstamp_precision(linktype, MAX_SNAPLEN,
                                                   PCAP_TSTAMP_PRECISION_MICRO);
    if (!w->dead) {
        free(w->path);
        free(w);
        return vg_err(err, VG_ENOMEM, "%s: out of memory", path);
    }
    w->d = pcap_dump_open(w->dead, path);
    if (!w->d) {
        /* libpcap's message already names the file ("PATH: No such file or directory") */
        int rc = vg_err(err, VG_EIO, "%s", pcap_geterr(w->dead));
        pcap_close(w->dead);
        free(w->path);
        free(w);
        return rc;
    }
    *out = w;
    return 0;
}

int vg_pcap_writer_write(vg_pcap_writer *w, vg_time t, const uint8_t *data, size_t len,
                         vg_error *err)
{
    if (len > MAX_SNAPLEN)
        return vg_err(err, VG_ETOOBIG, "%s: packet of %zu bytes (at most %d)", w->path, len,
                      MAX_SNAPLEN);
    /* The pcap record holds 32-bit seconds: 1970 to 2106. */
    if (t < 0 || t / VG_TIME_S > (vg_time)UINT32_MAX)
        return vg_err(err, VG_ERANGE, "%s: time %lld µs cannot be stored in a pcap record",
                      w->path, (long long)t);
    struct pcap_pkthdr h;
    memset(&h, 0, sizeof h);
    h.ts.tv_sec = (time_t)(t / VG_TIME_S);
    h.ts.tv_usec = (suseconds_t)(t % VG_TIME_S);
    h.caplen = (bpf_u_int32)len;
    h.len = (bpf_u_int32)len;
    pcap_dump((u_char *)w->d, &h, data);
    if (ferror(pcap_dump_file(w->d)))
        return vg_err(err, VG_EIO, "%s: write failed: %s", w->path, strerror(errno));
    return 0;
}

int vg_pcap_writer_close(vg_pcap_writer *w, vg_error *err)
{
    if (!w)
        return 0;
    int rc = 0;
    if (pcap_dump_flush(w->d) < 0 || ferror(pcap_dump_file(w->d)))
        rc = vg_err(err, VG_EIO, "%s: write failed: %s", w->path, strerror(errno));
    pcap_dump_close(w->d);
    pcap_close(w->dead);
    free(w->path);
    free(w);
    return rc;
}

/* sensors/radiotap.c — the radiotap header that monitor-mode captures put in front of
 * every 802.11 frame: where the frame starts, whether it ends with an FCS, and the
 * antenna signal in dBm.
 *
 * Data fields follow the present bitmask(s) in bit order, each aligned to its own
 * size class relative to the start of the header (not of the buffer). Bit 31 chains
 * another bitmask word; bits 29 and 30 say the next word belongs to the radiotap
 * namespace again or to a vendor namespace, whose data we skip whole by its
 * skip_length. This is the walk of Linux's and Wireshark's radiotap iterators: a
 * field whose size we do not know ends it (nothing after it can be located, and the
 * frame still starts at it_len), while a field or bitmask that runs past it_len is
 * a malformed header. */
#include "sensors/ridframe_int.h"

#define RT_EXT 31u
#define RT_RADIOTAP_NS 29u
#define RT_VENDOR_NS 30u

#define RT_FLAGS 1u
#define RT_DBM_ANTSIGNAL 5u

/* Alignment and size of the radiotap namespace's fields, by bit. Only the fields
 * that radiotap.org, Linux and Wireshark agree on; an align of 0 means "unknown"
 * (XChannel, bit 18, is a FreeBSD extension with no agreed layout). */
typedef struct rt_field {
    uint8_t align, size;
} rt_field;

static const rt_field rt_fields[] = {
    {8, 8},  /*  0 TSFT */
    {1, 1},  /*  1 flags */
    {1, 1},  /*  2 rate */
    {2, 4},  /*  3 channel: frequency, flags */
    {2, 2},  /*  4 FHSS */
    {1, 1},  /*  5 dBm antenna signal */
    {1, 1},  /*  6 dBm antenna noise */
    {2, 2},  /*  7 lock quality */
    {2, 2},  /*  8 TX attenuation */
    {2, 2},  /*  9 dB TX attenuation */
    {1, 1},  /* 10 dBm TX power */
    {1, 1},  /* 11 antenna */
    {1, 1},  /* 12 dB antenna signal */
    {1, 1},  /* 13 dB antenna noise */
    {2, 2},  /* 14 RX flags */
    {2, 2},  /* 15 TX flags */
    {1, 1},  /* 16 RTS retries */
    {1, 1},  /* 17 data retries */
    {0, 0},  /* 18 XChannel: unknown */
    {1, 3},  /* 19 MCS */
    {4, 8},  /* 20 A-MPDU status */
    {2, 12}, /* 21 VHT */
    {8, 12}, /* 22 timestamp */
    {2, 12}, /* 23 HE */
};
#define RT_NFIELDS (sizeof rt_fields / sizeof rt_fields[0])

/* Advance off to a multiple of align (a power of two), relative to the header. */
static size_t rt_align(size_t off, size_t align)
{
    return (off + align - 1) & ~(align - 1);
}

int rf_radiotap_parse(const uint8_t *p, size_t len, rf_radiotap *rt, vg_error *err)
{
    memset(rt, 0, sizeof *rt);
    if (len < 8)
        return vg_err(err, VG_ETRUNC,
                      "radiotap: packet of %zu bytes, shorter than the 8-byte header", len);
    if (p[0] != 0)
        return vg_err(err, VG_EINVAL, "radiotap: version %u (only version 0 exists)", p[0]);
    size_t it_len = rf_rd_u16le(p + 2);
    if (it_len < 8)
        return vg_err(err, VG_EINVAL, "radiotap: it_len %zu, shorter than the 8-byte header",
                      it_len);
    if (it_len > len)
        return vg_err(err, VG_ETRUNC, "radiotap: it_len %zu runs past the packet (%zu bytes)",
                      it_len, len);

    /* The bitmask words come first, all of them; the fields follow. */
    size_t nwords = 1;
    while (rf_rd_u32le(p + 4 * nwords) & (1u << RT_EXT)) {
        if (4 + 4 * (nwords + 1) > it_len)
            return vg_err(err, VG_ETRUNC,
                          "radiotap: present bitmask %zu runs past it_len %zu", nwords + 1,
                          it_len);
        nwords++;
    }
    size_t off = 4 + 4 * nwords;

    bool in_radiotap_ns = true;
    unsigned base = 0; /* bit number of this word's bit 0 within its namespace */
    for (size_t w = 0; w < nwords; w++) {
        uint32_t bits = rf_rd_u32le(p + 4 + 4 * w);
        for (unsigned b = 0; b < RT_RADIOTAP_NS && in_radiotap_ns; b++) {
            if (!(bits & (1u << b)))
                continue;
            unsigned field = base + b;
            if (field >= RT_NFIELDS || rt_fields[field].align == 0)
                goto done; /* unknown size: nothing after it can be located */
            off = rt_align(off, rt_fields[field].align);
            if (off + rt_fields[field].size > it_len)
                return vg_err(err, VG_ETRUNC,
                              "radiotap: field %u at offset %zu runs past it_len %zu", field,
                              off, it_len);
            if (field == RT_FLAGS) {
                rt->has_flags = true;
                rt->flags = p[off];
            } else if (field == RT_DBM_ANTSIGNAL && !rt->has_rssi) {
                rt->has_rssi = true;
                rt->rssi_dbm = (int8_t)p[off];
            }
            off += rt_fields[field].size;
        }
        bool reset = false;
        if (bits & (1u << RT_RADIOTAP_NS)) {
            reset = true;
            in_radiotap_ns = true;
        }
        if (bits & (1u << RT_VENDOR_NS)) {
            /* OUI (3), sub-namespace (1), skip_length (2), then that much vendor data. */
            off = rt_align(off, 2);
            if (off + 6 > it_len)
                return vg_err(err, VG_ETRUNC,
                              "radiotap: vendor namespace at offset %zu runs past it_len %zu",
                              off, it_len);
            size_t skip = rf_rd_u16le(p + off + 4);
            if (skip > it_len - off - 6)
                return vg_err(err, VG_ETRUNC,
                              "radiotap: vendor namespace data (%zu bytes at offset %zu) runs "
                              "past it_len %zu",
                              skip, off + 6, it_len);
            off += 6 + skip;
            reset = true;
            in_radiotap_ns = false;
        }
        base = reset ? 0 : base + 32;
    }
done:
    rt->len = it_len;
    return 0;
}

void rf_radiotap_write(rf_writer *w, bool fcs, uint16_t freq_mhz, bool has_rssi,
                       int8_t rssi_dbm)
{
    uint32_t present = (1u << RT_FLAGS) | (1u << 2) | (1u << 3);
    if (has_rssi)
        present |= 1u << RT_DBM_ANTSIGNAL;
    /* Offsets from the header start: flags 8, rate 9, channel 10 (2-aligned, no
     * padding needed), antenna signal 14. */
    uint16_t it_len = has_rssi ? 15 : 14;
    bool ghz2 = freq_mhz < 3000;
    rf_w_u8(w, 0); /* version */
    rf_w_u8(w, 0); /* pad */
    rf_w_u16le(w, it_len);
    rf_w_u32le(w, present);
    rf_w_u8(w, fcs ? RF_RT_F_FCS : 0);
    rf_w_u8(w, 12); /* 6 Mbit/s, in 500 kbit/s units */
    rf_w_u16le(w, freq_mhz);
    rf_w_u16le(w, ghz2 ? 0x00C0 : 0x0140); /* OFDM + 2 GHz or 5 GHz spectrum */
    if (has_rssi)
        rf_w_u8(w, (uint8_t)rssi_dbm);
}

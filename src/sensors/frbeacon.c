/* sensors/frbeacon.c — the French electronic beacon's TLV payload: decode, encode.
 *
 * The payload is a flat list of type-length-value fields (vigie/frbeacon.h has the
 * table and the decisions on unknown, repeated and missing fields). Every length is
 * checked against the bytes left before the value is read; values are big-endian. */
#include "vigie/frbeacon.h"

#include <math.h>
#include <string.h>

#include "sensors/rid_bytes.h"

static const char *const field_name[VG_FRB_T_MAX + 1] = {
    "reserved", "protocol version", "French ID", "ANSI serial", "latitude", "longitude",
    "altitude", "height", "take-off latitude", "take-off longitude", "ground speed",
    "true course"};

/* Value length of each fixed-size type; 0 for the variable-length ANSI serial. */
static const uint8_t fixed_len[VG_FRB_T_MAX + 1] = {0, 1, 30, 0, 4, 4, 2, 2, 4, 4, 1, 2};

/* Length of v[0..n) without trailing NULs, or -1 if the rest is not printable
 * ASCII: text, then NUL padding, and nothing else. */
static int text_len(const uint8_t *v, size_t n)
{
    size_t end = n;
    while (end > 0 && v[end - 1] == 0)
        end--;
    for (size_t i = 0; i < end; i++)
        if (v[i] < 0x20 || v[i] > 0x7e)
            return -1;
    return (int)end;
}

static int dec_coord(const uint8_t *v, double limit, double *out, unsigned type, size_t off,
                     vg_error *err)
{
    int32_t raw = rd_i32be(v);
    int32_t max = (int32_t)(limit * 1e5);
    if (raw < -max || raw > max)
        return vg_err(err, VG_ERANGE, "fr-beacon: %s %.5f out of range at offset %zu",
                      field_name[type], (double)raw / 1e5, off);
    *out = (double)raw / 1e5; /* division: the double nearest the decimal value */
    return 0;
}

/* Decode one known TLV's value v[0..l) at offset off into out. */
static int dec_field(unsigned t, const uint8_t *v, unsigned l, size_t off, vg_frb *out,
                     vg_error *err)
{
    int n;
    switch (t) {
    case VG_FRB_T_VERSION:
        out->version = v[0];
        return 1;
    case VG_FRB_T_FR_ID:
        n = text_len(v, l);
        if (n < 0)
            return vg_err(err, VG_EINVAL, "fr-beacon: French ID at offset %zu is not printable "
                          "ASCII", off);
        if (n == 0)
            return 0; /* all NUL: no identifier */
        memcpy(out->fr_id, v, (size_t)n);
        out->fr_id[n] = '\0';
        /* Split 3 / 3 / 24; a short ID fills the first parts only. */
        memset(out->manufacturer, 0, sizeof out->manufacturer);
        memset(out->model, 0, sizeof out->model);
        memset(out->serial, 0, sizeof out->serial);
        memcpy(out->manufacturer, v, (size_t)(n < 3 ? n : 3));
        if (n > 3)
            memcpy(out->model, v + 3, (size_t)(n < 6 ? n - 3 : 3));
        if (n > 6)
            memcpy(out->serial, v + 6, (size_t)(n - 6));
        return 1;
    case VG_FRB_T_ANSI_ID:
        n = text_len(v, l);
        if (n < 0)
            return vg_err(err, VG_EINVAL, "fr-beacon: ANSI serial at offset %zu is not printable "
                          "ASCII", off);
        if (n > VG_FRB_ANSI_MAX)
            return vg_err(err, VG_ERANGE, "fr-beacon: ANSI serial at offset %zu has %d "
                          "characters, at most 20", off, n);
        if (n == 0)
            return 0;
        memcpy(out->ansi_id, v, (size_t)n);
        out->ansi_id[n] = '\0';
        return 1;
    case VG_FRB_T_LAT: return dec_coord(v, 90, &out->lat, t, off, err) < 0 ? VG_ERANGE : 1;
    case VG_FRB_T_LON: return dec_coord(v, 180, &out->lon, t, off, err) < 0 ? VG_ERANGE : 1;
    case VG_FRB_T_ALT:
        out->alt_msl_m = rd_i16be(v);
        return 1;
    case VG_FRB_T_HEIGHT:
        out->height_m = rd_i16be(v);
        return 1;
    case VG_FRB_T_TAKEOFF_LAT:
        return dec_coord(v, 90, &out->takeoff_lat, t, off, err) < 0 ? VG_ERANGE : 1;
    case VG_FRB_T_TAKEOFF_LON:
        return dec_coord(v, 180, &out->takeoff_lon, t, off, err) < 0 ? VG_ERANGE : 1;
    case VG_FRB_T_SPEED:
        out->speed_mps = v[0];
        return 1;
    case VG_FRB_T_COURSE: {
        uint16_t c = rd_u16be(v);
        if (c > 360)
            return vg_err(err, VG_ERANGE, "fr-beacon: true course %u at offset %zu out of 0..359",
                          (unsigned)c, off);
        out->course_deg = c == 360 ? 0 : c;
        return 1;
    }
    default:
        return 0;
    }
}

/* The first mandatory field missing from `present`, or 0 if none. */
static unsigned first_missing(uint32_t present)
{
    if (!(present & VG_FRB_HAS(VG_FRB_T_VERSION)))
        return VG_FRB_T_VERSION;
    if (!(present & (VG_FRB_HAS(VG_FRB_T_FR_ID) | VG_FRB_HAS(VG_FRB_T_ANSI_ID))))
        return VG_FRB_T_FR_ID;
    for (unsigned t = VG_FRB_T_LAT; t <= VG_FRB_T_MAX; t++)
        if (!(present & VG_FRB_HAS(t)))
            return t;
    return 0;
}

static int missing_error(vg_error *err, unsigned t)
{
    if (t == VG_FRB_T_FR_ID)
        return vg_err(err, VG_EMISSING, "fr-beacon: missing identifier (French ID, type 2, or "
                      "ANSI serial, type 3)");
    return vg_err(err, VG_EMISSING, "fr-beacon: missing %s (type %u)", field_name[t], t);
}

int vg_frb_decode(const uint8_t *b, size_t len, vg_frb *out, vg_error *err)
{
    memset(out, 0, sizeof *out);
    uint32_t seen = 0;
    size_t off = 0;
    while (off < len) {
        if (len - off < 2)
            return vg_err(err, VG_ETRUNC, "fr-beacon: TLV header at offset %zu: 1 of 2 bytes",
                          off);
        unsigned t = b[off], l = b[off + 1];
        if (l > len - off - 2)
            return vg_err(err, VG_ETRUNC, "fr-beacon: type %u at offset %zu needs %u bytes, "
                          "%zu left", t, off, l, len - off - 2);
        const uint8_t *v = b + off + 2;
        if (t >= 1 && t <= VG_FRB_T_MAX) {
            if (seen & VG_FRB_HAS(t))
                return vg_err(err, VG_EINVAL, "fr-beacon: %s (type %u) repeated at offset %zu",
                              field_name[t], t, off);
            seen |= VG_FRB_HAS(t);
            if (fixed_len[t] && l != fixed_len[t])
                return vg_err(err, VG_EINVAL, "fr-beacon: %s (type %u) at offset %zu has length "
                              "%u, expected %u", field_name[t], t, off, l, (unsigned)fixed_len[t]);
            int rc = dec_field(t, v, l, off, out, err);
            if (rc < 0)
                return rc;
            if (rc > 0)
                out->present |= VG_FRB_HAS(t);
        }
        off += 2 + (size_t)l;
    }
    unsigned miss = first_missing(out->present);
    return miss ? missing_error(err, miss) : 0;
}

/* ---- Encoding ------------------------------------------------------------------ */

/* Append a TLV header at *p and return where its value goes; the caller has
 * checked that everything fits. */
static uint8_t *put_tlv(uint8_t **p, unsigned type, size_t l)
{
    uint8_t *v = *p;
    v[0] = (uint8_t)type;
    v[1] = (uint8_t)l;
    *p = v + 2 + l;
    return v + 2;
}

/* strlen bounded by the array size (strnlen is POSIX, not C11). */
static size_t bounded_len(const char *s, size_t max)
{
    const char *nul = memchr(s, '\0', max);
    return nul ? (size_t)(nul - s) : max;
}

static int enc_coord(double x, double limit, unsigned type, int32_t *raw, vg_error *err)
{
    if (!(isfinite(x) && x >= -limit && x <= limit))
        return vg_err(err, VG_ERANGE, "fr-beacon: %s %g out of range", field_name[type], x);
    *raw = (int32_t)rid_round(x * 1e5);
    return 0;
}

static bool printable(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
            return false;
    return true;
}

/* Assemble the 30-byte French ID from its parts; each part must be complete
 * unless everything after it is empty, so that the decoder splits it back. */
static int build_fr_id(const vg_frb *in, uint8_t id[VG_FRB_ID_LEN], vg_error *err)
{
    size_t lm = bounded_len(in->manufacturer, sizeof in->manufacturer);
    size_t lo = bounded_len(in->model, sizeof in->model);
    size_t ls = bounded_len(in->serial, sizeof in->serial);
    if (lm > 3 || lo > 3 || ls > 24)
        return vg_err(err, VG_EINVAL, "fr-beacon: French ID parts longer than 3/3/24 characters");
    if (lm + lo + ls == 0)
        return vg_err(err, VG_EINVAL, "fr-beacon: French ID is empty");
    if ((lm < 3 && lo + ls > 0) || (lo < 3 && ls > 0))
        return vg_err(err, VG_EINVAL, "fr-beacon: French ID manufacturer and model must have 3 "
                      "characters each");
    if (!printable(in->manufacturer, lm) || !printable(in->model, lo) ||
        !printable(in->serial, ls))
        return vg_err(err, VG_EINVAL, "fr-beacon: French ID is not printable ASCII");
    memset(id, 0, VG_FRB_ID_LEN);
    memcpy(id, in->manufacturer, lm);
    memcpy(id + 3, in->model, lo);
    memcpy(id + 6, in->serial, ls);
    return 0;
}

int vg_frb_encode(const vg_frb *in, uint8_t *out, size_t cap, size_t *len, vg_error *err)
{
    const uint32_t known = ((1u << (VG_FRB_T_MAX + 1)) - 1u) & ~1u;
    if (in->present & ~known)
        return vg_err(err, VG_EINVAL, "fr-beacon: presence bits 0x%x name no known type",
                      (unsigned)(in->present & ~known));
    unsigned miss = first_missing(in->present);
    if (miss)
        return missing_error(err, miss);

    /* Validate and quantise everything before writing anything. */
    uint8_t id[VG_FRB_ID_LEN];
    size_t ansi_len = 0;
    int32_t lat = 0, lon = 0, tlat = 0, tlon = 0;
    int rc;
    if ((in->present & VG_FRB_HAS(VG_FRB_T_FR_ID)) && (rc = build_fr_id(in, id, err)) < 0)
        return rc;
    if (in->present & VG_FRB_HAS(VG_FRB_T_ANSI_ID)) {
        ansi_len = bounded_len(in->ansi_id, sizeof in->ansi_id);
        if (ansi_len == 0 || ansi_len > VG_FRB_ANSI_MAX || !printable(in->ansi_id, ansi_len))
            return vg_err(err, VG_EINVAL, "fr-beacon: ANSI serial must be 1 to 20 printable "
                          "characters");
    }
    if ((rc = enc_coord(in->lat, 90, VG_FRB_T_LAT, &lat, err)) < 0 ||
        (rc = enc_coord(in->lon, 180, VG_FRB_T_LON, &lon, err)) < 0 ||
        (rc = enc_coord(in->takeoff_lat, 90, VG_FRB_T_TAKEOFF_LAT, &tlat, err)) < 0 ||
        (rc = enc_coord(in->takeoff_lon, 180, VG_FRB_T_TAKEOFF_LON, &tlon, err)) < 0)
        return rc;
    if (in->course_deg > 359)
        return vg_err(err, VG_ERANGE, "fr-beacon: true course %u out of 0..359",
                      (unsigned)in->course_deg);

    bool has_id = in->present & VG_FRB_HAS(VG_FRB_T_FR_ID);
    size_t need = 3 + (has_id ? 2 + VG_FRB_ID_LEN : 0) + (ansi_len ? 2 + ansi_len : 0) +
                  4 * 6 + 2 * 4 + 3 + 4;
    if (cap < need)
        return vg_err(err, VG_ETOOBIG, "fr-beacon: %zu bytes needed, buffer holds %zu", need, cap);
    uint8_t *p = out;
    put_tlv(&p, VG_FRB_T_VERSION, 1)[0] = in->version;
    if (has_id)
        memcpy(put_tlv(&p, VG_FRB_T_FR_ID, VG_FRB_ID_LEN), id, VG_FRB_ID_LEN);
    if (ansi_len)
        memcpy(put_tlv(&p, VG_FRB_T_ANSI_ID, ansi_len), in->ansi_id, ansi_len);
    wr_i32be(put_tlv(&p, VG_FRB_T_LAT, 4), lat);
    wr_i32be(put_tlv(&p, VG_FRB_T_LON, 4), lon);
    wr_u16be(put_tlv(&p, VG_FRB_T_ALT, 2), (uint16_t)in->alt_msl_m);
    wr_u16be(put_tlv(&p, VG_FRB_T_HEIGHT, 2), (uint16_t)in->height_m);
    wr_i32be(put_tlv(&p, VG_FRB_T_TAKEOFF_LAT, 4), tlat);
    wr_i32be(put_tlv(&p, VG_FRB_T_TAKEOFF_LON, 4), tlon);
    put_tlv(&p, VG_FRB_T_SPEED, 1)[0] = in->speed_mps;
    wr_u16be(put_tlv(&p, VG_FRB_T_COURSE, 2), in->course_deg);
    if (len)
        *len = (size_t)(p - out);
    return 0;
}

bool vg_frb_equal(const vg_frb *a, const vg_frb *b)
{
    if (a->present != b->present)
        return false;
    uint32_t p = a->present;
#define F(t) (p & VG_FRB_HAS(VG_FRB_T_##t))
    return (!F(VERSION) || a->version == b->version) &&
           (!F(FR_ID) || (strcmp(a->fr_id, b->fr_id) == 0 &&
                          strcmp(a->manufacturer, b->manufacturer) == 0 &&
                          strcmp(a->model, b->model) == 0 && strcmp(a->serial, b->serial) == 0)) &&
           (!F(ANSI_ID) || strcmp(a->ansi_id, b->ansi_id) == 0) &&
           (!F(LAT) || a->lat == b->lat) && (!F(LON) || a->lon == b->lon) &&
           (!F(ALT) || a->alt_msl_m == b->alt_msl_m) && (!F(HEIGHT) || a->height_m == b->height_m) &&
           (!F(TAKEOFF_LAT) || a->takeoff_lat == b->takeoff_lat) &&
           (!F(TAKEOFF_LON) || a->takeoff_lon == b->takeoff_lon) &&
           (!F(SPEED) || a->speed_mps == b->speed_mps) &&
           (!F(COURSE) || a->course_deg == b->course_deg);
#undef F
}

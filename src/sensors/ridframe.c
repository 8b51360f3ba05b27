/* sensors/ridframe.c — the entry points of the Remote ID frame layer: which link
 * types exist, the dispatch of a captured packet to its parser (radiotap.c +
 * ieee80211.c + nan.c for Wi-Fi, btle.c for LE link-layer packets, bthci.c for HCI),
 * the collection of payloads, and the builder that picks a frame for a payload.
 *
 * Data flows one way: link type → outer header (radiotap, LE pseudo-header, HCI)
 * → frame → element / attribute / AD structure → payload slice. */
#include "sensors/ridframe_int.h"

bool vg_ridframe_linktype_supported(int linktype)
{
    switch (linktype) {
    case VG_LINKTYPE_IEEE802_11:
    case VG_LINKTYPE_IEEE802_11_RADIOTAP:
    case VG_LINKTYPE_BLUETOOTH_HCI_H4_PHDR:
    case VG_LINKTYPE_BLUETOOTH_LE_LL:
    case VG_LINKTYPE_BLUETOOTH_LE_LL_PHDR:
        return true;
    default:
        return false;
    }
}

int rf_sink_push(rf_sink *s, vg_rid_payload *p, const char *layer, vg_error *err)
{
    if (s->count >= s->cap)
        return vg_err(err, VG_EFULL, "%s: more than %d Remote ID payloads in one frame",
                      layer, s->cap);
    if (!p->has_rssi && s->has_rssi) {
        p->has_rssi = true;
        p->rssi_dbm = s->rssi_dbm;
    }
    s->out[s->count++] = *p;
    return 0;
}

int rf_w_finish(const rf_writer *w, const char *layer, size_t *len, vg_error *err)
{
    if (!rf_w_ok(w))
        return vg_err(err, VG_EFULL, "%s: frame of %zu bytes does not fit a %zu-byte buffer",
                      layer, w->len, w->cap);
    *len = w->len;
    return 0;
}

int rf_opts_resolve(const vg_ridframe_opts *in, bool wifi, vg_ridframe_opts *out,
                    vg_error *err)
{
    if (in)
        *out = *in;
    else
        memset(out, 0, sizeof *out);
    const char *layer = wifi ? "802.11" : "ble";
    if (out->linktype == 0)
        out->linktype = wifi ? VG_LINKTYPE_IEEE802_11_RADIOTAP : VG_LINKTYPE_BLUETOOTH_LE_LL_PHDR;
    bool ok = wifi ? (out->linktype == VG_LINKTYPE_IEEE802_11 ||
                      out->linktype == VG_LINKTYPE_IEEE802_11_RADIOTAP)
                   : (out->linktype == VG_LINKTYPE_BLUETOOTH_LE_LL ||
                      out->linktype == VG_LINKTYPE_BLUETOOTH_LE_LL_PHDR ||
                      out->linktype == VG_LINKTYPE_BLUETOOTH_HCI_H4_PHDR);
    if (!ok)
        return vg_err(err, VG_EINVAL, "linktype: %d cannot carry %s frames", out->linktype,
                      wifi ? "Wi-Fi" : "Bluetooth");
    if (wifi) {
        if (out->fcs && out->linktype != VG_LINKTYPE_IEEE802_11_RADIOTAP)
            return vg_err(err, VG_EINVAL,
                          "802.11: an FCS needs radiotap (link type 127) to be announced");
        if (out->freq_mhz == 0)
            out->freq_mhz = 2437;
        if (!((out->freq_mhz >= 2412 && out->freq_mhz <= 2484) ||
              (out->freq_mhz >= 5000 && out->freq_mhz <= 5895)))
            return vg_err(err, VG_EINVAL, "802.11: frequency %u MHz is not a Wi-Fi channel",
                          (unsigned)out->freq_mhz);
    } else if (out->fcs) {
        return vg_err(err, VG_EINVAL, "%s: an FCS is an 802.11 option", layer);
    }
    if (out->has_rssi && out->rssi_dbm == 127 &&
        out->linktype == VG_LINKTYPE_BLUETOOTH_HCI_H4_PHDR)
        return vg_err(err, VG_EINVAL, "hci: RSSI 127 means \"not available\" in HCI reports");
    return 0;
}

int vg_ridframe_parse(int linktype, const uint8_t *pkt, size_t len, vg_rid_payload *out,
                      int cap, int *count, vg_error *err)
{
    if (!count || (!pkt && len) || (!out && cap > 0) || cap < 0) {
        if (count)
            *count = 0;
        return vg_err(err, VG_EINVAL, "linktype: bad arguments to vg_ridframe_parse");
    }
    rf_sink s = {out, cap, 0, false, 0};
    int rc;
    switch (linktype) {
    case VG_LINKTYPE_IEEE802_11:
        rc = rf_80211_parse(pkt, len, false, false, &s, err);
        break;
    case VG_LINKTYPE_IEEE802_11_RADIOTAP: {
        rf_radiotap rt;
        rc = rf_radiotap_parse(pkt, len, &rt, err);
        if (rc < 0)
            break;
        if (rt.flags & RF_RT_F_BADFCS) {
            rc = vg_err(err, VG_EINVAL,
                        "radiotap: the receiver flagged a bad FCS: frame corrupted on the air");
            break;
        }
        s.has_rssi = rt.has_rssi;
        s.rssi_dbm = rt.rssi_dbm;
        rc = rf_80211_parse(pkt + rt.len, len - rt.len, (rt.flags & RF_RT_F_FCS) != 0,
                            (rt.flags & RF_RT_F_DATAPAD) != 0, &s, err);
        break;
    }
    case VG_LINKTYPE_BLUETOOTH_LE_LL:
        rc = rf_btle_parse(pkt, len, false, &s, err);
        break;
    case VG_LINKTYPE_BLUETOOTH_LE_LL_PHDR:
        rc = rf_btle_parse(pkt, len, true, &s, err);
        break;
    case VG_LINKTYPE_BLUETOOTH_HCI_H4_PHDR:
        rc = rf_bthci_parse(pkt, len, &s, err);
        break;
    default:
        rc = vg_err(err, VG_EUNKNOWN,
                    "linktype: %d is not supported (105, 127, 201, 251 and 256 are)",
                    linktype);
        break;
    }
    /* A malformed frame yields nothing, even what was found before the fault; a frame
     * with too many payloads keeps the first cap. */
    *count = (rc == 0 || rc == VG_EFULL) ? s.count : 0;
    return rc;
}

/* The kind the parser reports for data sent over transport t. */
static vg_rid_payload_kind kind_for(vg_rid_transport t, const uint8_t *data, size_t len)
{
    if (t == VG_RIDT_FR_BEACON)
        return VG_RIDP_FR_TLV;
    if (t == VG_RIDT_BLE4 || t == VG_RIDT_BLE5)
        return (len > 0 && (data[0] >> 4) == 0xF) ? VG_RIDP_ASTM_PACK : VG_RIDP_ASTM_MESSAGE;
    return VG_RIDP_ASTM_PACK;
}

int vg_ridframe_build(uint8_t *buf, size_t cap, const vg_rid_payload *p,
                      const vg_ridframe_opts *opts, size_t *len, vg_error *err)
{
    if (!p)
        return vg_err(err, VG_EINVAL, "linktype: no payload to build a frame for");
    bool wifi = p->transport == VG_RIDT_WIFI_BEACON || p->transport == VG_RIDT_WIFI_NAN ||
                p->transport == VG_RIDT_FR_BEACON;
    const char *layer = p->transport == VG_RIDT_WIFI_NAN ? "nan" : wifi ? "802.11" : "ble";
    if ((unsigned)p->transport >= VG_RIDT_COUNT)
        return vg_err(err, VG_EINVAL, "linktype: transport %d does not exist",
                      (int)p->transport);
    if (p->data && p->len && p->kind != kind_for(p->transport, p->data, p->len))
        return vg_err(err, VG_EINVAL,
                      "%s: a %s payload starting 0x%02x is not of the kind given (%d)", layer,
                      vg_rid_transport_name(p->transport), p->data[0], (int)p->kind);
    vg_ridframe_opts o;
    if (opts)
        o = *opts;
    else
        memset(&o, 0, sizeof o);
    o.has_rssi = p->has_rssi;
    o.rssi_dbm = p->rssi_dbm;
    switch (p->transport) {
    case VG_RIDT_WIFI_BEACON:
        return vg_ridframe_build_wifi_beacon(buf, cap, p->addr, p->counter, p->data, p->len,
                                             &o, len, err);
    case VG_RIDT_WIFI_NAN:
        return vg_ridframe_build_wifi_nan(buf, cap, p->addr, p->counter, p->data, p->len, &o,
                                          len, err);
    case VG_RIDT_FR_BEACON:
        return vg_ridframe_build_fr_beacon(buf, cap, p->addr, p->data, p->len, &o, len, err);
    case VG_RIDT_BLE4:
        return vg_ridframe_build_ble4(buf, cap, p->addr, p->counter, p->data, p->len, &o, len,
                                      err);
    case VG_RIDT_BLE5:
    default:
        return vg_ridframe_build_ble5(buf, cap, p->addr, p->counter, p->data, p->len, &o, len,
                                      err);
    }
}

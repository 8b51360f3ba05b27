/* cli/decode_json.h — `vigie decode`: one JSON object per decoded Remote ID or French
 * beacon message (private to the vigie command; the field names are the contract in
 * docs/formats.md, "`vigie decode` output"). */
#ifndef VIGIE_CLI_DECODE_JSON_H
#define VIGIE_CLI_DECODE_JSON_H

#include "vigie/frbeacon.h"
#include "vigie/rid.h"
#include "vigie/ridasm.h"
#include "vigie/strbuf.h"

/* The "msg" names, indexed by these slots: basic_id, location, auth, self_id,
 * system, operator_id (the F3411 type numbers 0..5), then fr. */
enum { VG_DECODE_MSG_FR = 6, VG_DECODE_MSG_COUNT = 7 };
const char *vg_decode_msg_name(int slot);

/* Append the JSON object for message m (any type but a pack) received as rx says:
 * the common fields (time, transport, mac, counter, msg, version) then the type's
 * own, every key always present, null where the message says "unknown". No
 * newline. The caller checks sb->overflow. */
void vg_decode_json_message(vg_strbuf *sb, const vg_ridasm_rx *rx, const vg_rid_message *m);

/* The same for a decoded French beacon (msg "fr", counter null). */
void vg_decode_json_frb(vg_strbuf *sb, const vg_ridasm_rx *rx, const vg_frb *f);

#endif

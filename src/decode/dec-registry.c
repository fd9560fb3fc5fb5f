/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The decoder registry (style.md B2), in the order payloads are offered to them: by
 * content, the most specific first. */
#include <stdint.h>
#include <string.h>

#include "decode/decode.h"

const struct tw_decoder *const tw_decoders[] = {
    &tw_dec_dcerpc, &tw_dec_nbdgm, &tw_dec_nbns, &tw_dec_nbss, NULL,
};

const char *tw_path_name(enum tw_path p)
{
	switch (p) {
	case TW_PATH_RPC: return "rpc";
	case TW_PATH_MAILSLOT: return "mailslot";
	case TW_PATH_SMB: return "smb";
	case TW_PATH_NONE: break;
	}
	return "none";
}

int tw_decode(const struct tw_event *ev, struct tw_decoded *out, struct tw_decode_state *st)
{
	if (!ev->payload.p || !ev->payload.len)
		return TW_E_NOTFOUND;
	for (size_t i = 0; tw_decoders[i]; i++)
		if (tw_decoders[i]->decode(ev, out, st) == TW_OK)
			return TW_OK;
	return TW_E_NOTFOUND;
}

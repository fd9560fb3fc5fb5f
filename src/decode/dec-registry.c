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

/* Appends 'n' bytes of 's' (at most 'max'), control characters and quotes made spaces. */
static size_t put_clean(char *out, size_t len, size_t cap, const char *s, size_t n, size_t max)
{
	for (size_t i = 0; i < n && i < max && len + 1 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		out[len++] = c < 0x20 || c == 0x7f || c == '"' ? ' ' : (char)c;
	}
	out[len] = '\0';
	return len;
}

static size_t put_str(char *out, size_t len, size_t cap, const char *s)
{
	for (; *s && len + 1 < cap; s++)
		out[len++] = *s;
	out[len] = '\0';
	return len;
}

size_t tw_decoded_line(const struct tw_decoded *d, char *out, size_t len, size_t cap)
{
	if (!d || len >= cap)
		return len;
	if (d->kind != TW_DEC_MESSENGER) { /* what it was, in a word or two */
		if (!d->what)
			return len;
		len = put_str(out, len, cap, " [");
		len = put_clean(out, len, cap, d->what, strlen(d->what), 80);
		return put_str(out, len, cap, "]");
	}
	len = put_str(out, len, cap, " messenger from \"");
	len = put_clean(out, len, cap, d->msg.from.p, d->msg.from.len, 64);
	len = put_str(out, len, cap, "\" to \"");
	len = put_clean(out, len, cap, d->msg.to.p, d->msg.to.len, 64);
	len = put_str(out, len, cap, "\": ");
	return put_clean(out, len, cap, d->msg.text.p, d->msg.text.len, 300);
}

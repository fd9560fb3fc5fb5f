/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NetBIOS datagrams over UDP (messenger-protocol.md §4): the RFC 1002 datagram header, the
 * SMB Transaction that writes a mailslot, and the Messenger's \MAILSLOT\MESSNGR body
 * "From\0To\0Text\0". Other mailslots (\MAILSLOT\BROWSE) are named, not decoded. */
#include <string.h>

#include "core/cursor.h"
#include "decode/decode.h"

int tw_dec_three_strings(const uint8_t *p, size_t len, struct tw_msg *m, const char **why)
{
	struct tw_span *f[3] = {&m->from, &m->to, &m->text};
	size_t at = 0;
	for (int i = 0; i < 3; i++) {
		const uint8_t *nul = at < len ? memchr(p + at, 0, len - at) : NULL;
		if (!nul) {
			*f[i] = (struct tw_span){(const char *)p + at, len - at};
			*why = "message ends before its last NUL";
			return TW_E_TRUNCATED;
		}
		*f[i] = (struct tw_span){(const char *)p + at, (size_t)(nul - (p + at))};
		at = (size_t)(nul - p) + 1;
	}
	return TW_OK;
}

static int decode_nbdgm(const struct tw_event *ev, struct tw_decoded *out,
			struct tw_decode_state *st)
{
	struct tw_cursor c;
	int sfx;
	char src_name[TW_NBNAME_MAX];
	(void)st;

	if (ev->proto != TW_IPPROTO_UDP || !ev->payload.p || ev->payload_len < 14)
		return TW_E_NOTFOUND;
	const uint8_t *p = (const uint8_t *)ev->payload.p;
	size_t have = ev->payload.len;
	if (have < 1 || p[0] < 0x10 || p[0] > 0x12)
		return TW_E_NOTFOUND; /* only the datagrams that carry user data */
	if (ev->dport != 138 && ev->sport != 138)
		return TW_E_NOTFOUND;
	memset(out, 0, sizeof(*out));
	out->name_suffix = -1;
	out->kind = TW_DEC_NBDGM;
	out->what = "NetBIOS datagram";
	tw_cursor_init(&c, p, have);
	tw_cursor_skip(&c, 1);
	uint8_t flags = tw_cursor_get_u8(&c);
	tw_cursor_skip(&c, 12);
	if (c.err) {
		out->status = TW_E_TRUNCATED;
		out->why = "datagram header cut by the snap length";
		return TW_OK;
	}
	if (!(flags & 0x02) || (flags & 0x01)) {
		out->what = "NetBIOS datagram fragment";
		return TW_OK; /* a later fragment, or one with more to come: not reassembled */
	}
	int r = tw_dec_nbname(&c, src_name, &sfx);
	if (r == TW_OK)
		r = tw_dec_nbname(&c, out->name, &out->name_suffix);
	if (r != TW_OK) {
		out->status = r;
		out->why =
		    r == TW_E_TRUNCATED ? "names cut by the snap length" : "bad NetBIOS name";
		return TW_OK;
	}
	/* SMB header, then the Transaction's words (messenger-protocol.md §4.2, §4.3). */
	const uint8_t *smb = c.p;
	size_t smb_have = tw_cursor_left(&c);
	const uint8_t *magic = tw_cursor_get_bytes(&c, 4);
	uint8_t cmd = tw_cursor_get_u8(&c);
	if (c.err || memcmp(magic, "\xffSMB", 4) != 0 || cmd != 0x25) {
		if (c.err) {
			out->status = TW_E_TRUNCATED;
			out->why = "SMB header cut by the snap length";
		}
		return TW_OK;
	}
	tw_cursor_skip(&c, 27);
	uint8_t wc = tw_cursor_get_u8(&c);
	tw_cursor_skip(&c, 22);
	uint16_t dcount = tw_cursor_get_le16(&c), doff = tw_cursor_get_le16(&c);
	tw_cursor_skip(&c, 2 + 6); /* setup count, reserved, the 3 setup words */
	uint16_t bcount = tw_cursor_get_le16(&c);
	if (c.err) {
		out->status = TW_E_TRUNCATED;
		out->why = "SMB Transaction cut by the snap length";
		return TW_OK;
	}
	if (wc != 17) {
		out->status = TW_E_INVALID;
		out->why = "SMB Transaction without the 17 words of a mailslot write";
		return TW_OK;
	}
	/* The mailslot name, NUL-terminated, within ByteCount. */
	size_t left = tw_cursor_left(&c);
	size_t lim = bcount < left ? bcount : left;
	const uint8_t *nul = memchr(c.p, 0, lim);
	if (!nul) {
		out->status = bcount > left ? TW_E_TRUNCATED : TW_E_INVALID;
		out->why = "mailslot name without its NUL";
		return TW_OK;
	}
	size_t nlen = (size_t)(nul - c.p);
	bool messngr = nlen == 17 && memcmp(c.p, "\\MAILSLOT\\MESSNGR", 17) == 0;
	bool browse = nlen == 16 && memcmp(c.p, "\\MAILSLOT\\BROWSE", 16) == 0;
	out->what = messngr  ? "Messenger mailslot write (\\MAILSLOT\\MESSNGR)"
		    : browse ? "browser announcement (\\MAILSLOT\\BROWSE)"
			     : "mailslot write";
	if (!messngr)
		return TW_OK;
	out->kind = TW_DEC_MESSENGER;
	size_t wire = ev->payload_len - (size_t)(smb - p);
	if ((size_t)doff + dcount > wire) {
		out->status = TW_E_INVALID;
		out->why = "mailslot data past the end of the datagram";
		return TW_OK;
	}
	if ((size_t)doff + dcount > smb_have) {
		out->status = TW_E_TRUNCATED;
		out->why = "mailslot data cut by the snap length";
		return TW_OK;
	}
	out->status = tw_dec_three_strings(smb + doff, dcount, &out->msg, &out->why);
	out->msg.path = TW_PATH_MAILSLOT;
	if (out->status == TW_E_TRUNCATED)
		out->status = TW_E_INVALID; /* the whole message was captured: it lacks a NUL */
	return TW_OK;
}

const struct tw_decoder tw_dec_nbdgm = {
    .name = "nbdgm",
    .summary = "NetBIOS datagram, SMB Transaction mailslot write; Messenger \\MAILSLOT\\MESSNGR",
    .decode = decode_nbdgm,
};

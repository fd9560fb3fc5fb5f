/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NetBIOS session service over TCP 139 (messenger-protocol.md §5): session requests (the
 * called name; <03> is a Messenger name) and the SMB message commands: Send Single Block
 * Message 0xD0, and the multi-block sequence 0xD5 start, 0xD7 text, 0xD6 end, gathered per
 * TCP stream in the decode state. Each segment is read on its own: a frame that continues
 * into the next segment is reported as truncated (no TCP reassembly yet). */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/cursor.h"
#include "decode/decode.h"

#define MB_SLOTS 8
#define MB_TEXT	 4096

struct tw_mb {
	bool used;
	struct tw_addr src, dst;
	uint16_t sport, dport;
	uint64_t age;
	char from[16], to[16];
	size_t from_len, to_len, text_len;
	char text[MB_TEXT];
};

/* "\x04" NUL-terminated string at the cursor. */
static int smb_string(struct tw_cursor *c, const uint8_t *end, struct tw_span *out)
{
	if (tw_cursor_get_u8(c) != 0x04 || c->err)
		return c->err ? TW_E_TRUNCATED : TW_E_INVALID;
	size_t lim =
	    (size_t)(end - c->p) < tw_cursor_left(c) ? (size_t)(end - c->p) : tw_cursor_left(c);
	const uint8_t *nul = memchr(c->p, 0, lim);
	if (!nul)
		return lim < (size_t)(end - c->p) ? TW_E_TRUNCATED : TW_E_INVALID;
	*out = (struct tw_span){(const char *)c->p, (size_t)(nul - c->p)};
	tw_cursor_skip(c, out->len + 1);
	return TW_OK;
}

/* "\x01" u16-length data block. */
static int smb_block(struct tw_cursor *c, const uint8_t *end, struct tw_span *out)
{
	uint8_t f = tw_cursor_get_u8(c);
	uint16_t n = tw_cursor_get_le16(c);
	if (c->err)
		return TW_E_TRUNCATED;
	if (f != 0x01 || c->p + n > end)
		return TW_E_INVALID;
	if (tw_cursor_left(c) < n)
		return TW_E_TRUNCATED;
	*out = (struct tw_span){(const char *)c->p, n};
	tw_cursor_skip(c, n);
	return TW_OK;
}

static struct tw_mb *mb_slot(struct tw_decode_state *st, const struct tw_event *ev, bool create)
{
	struct tw_mb *free_s = NULL, *old = NULL;
	if (!st->mb) {
		if (!create || !(st->mb = tw_calloc(MB_SLOTS, sizeof(struct tw_mb))))
			return NULL;
	}
	for (size_t i = 0; i < MB_SLOTS; i++) {
		struct tw_mb *m = &st->mb[i];
		if (m->used && m->sport == ev->sport && m->dport == ev->dport &&
		    tw_addr_eq(&m->src, &ev->src) && tw_addr_eq(&m->dst, &ev->dst))
			return m;
		if (!m->used && !free_s)
			free_s = m;
		else if (m->used && (!old || m->age < old->age))
			old = m;
	}
	if (!create)
		return NULL;
	struct tw_mb *m = free_s ? free_s : old;
	memset(m, 0, sizeof(*m));
	m->used = true;
	m->src = ev->src;
	m->dst = ev->dst;
	m->sport = ev->sport;
	m->dport = ev->dport;
	return m;
}

static void copy_name(char dst[16], size_t *dlen, struct tw_span s)
{
	*dlen = s.len < 16 ? s.len : 16;
	memcpy(dst, s.p, *dlen);
}

/* One SMB message in an NBSS session message ('end' bounds it). */
static int smb_message(struct tw_cursor *c, const uint8_t *end, const struct tw_event *ev,
		       struct tw_decoded *out, struct tw_decode_state *st)
{
	const uint8_t *magic = tw_cursor_get_bytes(c, 4);
	uint8_t cmd = tw_cursor_get_u8(c);
	if (c->err)
		return TW_E_TRUNCATED;
	if (memcmp(magic, "\xffSMB", 4) != 0)
		return TW_E_NOTFOUND;
	tw_cursor_skip(c, 4);
	uint8_t flags = tw_cursor_get_u8(c);
	tw_cursor_skip(c, 22);
	if (c->err)
		return TW_E_TRUNCATED;
	if (flags & 0x80 || (cmd != 0xd0 && cmd != 0xd5 && cmd != 0xd6 && cmd != 0xd7))
		return TW_E_NOTFOUND; /* a reply, or another SMB command */
	uint8_t wc = tw_cursor_get_u8(c);
	tw_cursor_skip(c, (size_t)wc * 2);
	tw_cursor_skip(c, 2); /* ByteCount: the blocks carry their own lengths */
	if (c->err)
		return TW_E_TRUNCATED;
	struct tw_span from, to, text;
	int r;
	out->kind = TW_DEC_MESSENGER;
	out->msg.path = TW_PATH_SMB;
	switch (cmd) {
	case 0xd0:
		out->what = "Messenger SMB Send Single Block Message (0xD0)";
		if ((r = smb_string(c, end, &from)) || (r = smb_string(c, end, &to)) ||
		    (r = smb_block(c, end, &text)))
			return r;
		out->msg.from = from;
		out->msg.to = to;
		out->msg.text = text;
		return TW_OK;
	case 0xd5: {
		out->what = "Messenger SMB multi-block start (0xD5)";
		if ((r = smb_string(c, end, &from)) || (r = smb_string(c, end, &to)))
			return r;
		struct tw_mb *m = st ? mb_slot(st, ev, true) : NULL;
		if (m) {
			copy_name(m->from, &m->from_len, from);
			copy_name(m->to, &m->to_len, to);
			m->age = ++st->tick;
		}
		out->kind = TW_DEC_NBSS;
		return TW_OK;
	}
	case 0xd7: {
		out->what = "Messenger SMB multi-block text (0xD7)";
		if ((r = smb_block(c, end, &text)))
			return r;
		struct tw_mb *m = st ? mb_slot(st, ev, false) : NULL;
		if (m) {
			size_t room = MB_TEXT - m->text_len, n = text.len < room ? text.len : room;
			memcpy(m->text + m->text_len, text.p, n);
			m->text_len += n;
			m->age = ++st->tick;
		}
		out->kind = TW_DEC_NBSS;
		return TW_OK;
	}
	default: { /* 0xd6: the end; the message is whole */
		out->what = "Messenger SMB multi-block message (0xD5-0xD7-0xD6)";
		struct tw_mb *m = st ? mb_slot(st, ev, false) : NULL;
		if (!m) {
			out->kind = TW_DEC_NBSS;
			out->what = "Messenger SMB multi-block end (0xD6) without its start";
			return TW_OK;
		}
		out->msg.from = (struct tw_span){m->from, m->from_len};
		out->msg.to = (struct tw_span){m->to, m->to_len};
		out->msg.text = (struct tw_span){m->text, m->text_len};
		m->used = false; /* the spans stay valid until the slot is reused */
		return TW_OK;
	}
	}
}

static int decode_nbss(const struct tw_event *ev, struct tw_decoded *out,
		       struct tw_decode_state *st)
{
	struct tw_cursor c;
	if (ev->proto != TW_IPPROTO_TCP || !ev->payload.p || ev->payload_len < 4 ||
	    (ev->dport != 139 && ev->sport != 139))
		return TW_E_NOTFOUND;
	const uint8_t *p = (const uint8_t *)ev->payload.p;
	uint8_t type = p[0];
	if (ev->payload.len < 1 || (type != 0x00 && type != 0x81))
		return TW_E_NOTFOUND;
	memset(out, 0, sizeof(*out));
	out->name_suffix = -1;
	out->kind = TW_DEC_NBSS;
	out->what = "NetBIOS session";
	tw_cursor_init(&c, p, ev->payload.len);
	tw_cursor_skip(&c, 1);
	uint8_t fl = tw_cursor_get_u8(&c);
	uint16_t len16 = tw_cursor_get_be16(&c);
	if (c.err) {
		out->status = TW_E_TRUNCATED;
		out->why = "session header cut by the snap length";
		return TW_OK;
	}
	size_t len = len16 | (size_t)(fl & 1) << 16;
	if ((fl & 0xfe) || 4 + len > ev->payload_len) {
		/* The frame continues in the next segment, or this is no NBSS header. */
		if (fl & 0xfe)
			return TW_E_NOTFOUND;
		out->status = TW_E_TRUNCATED;
		out->why = "session frame continues in another TCP segment (not reassembled)";
		return TW_OK;
	}
	const uint8_t *end = p + 4 + len;
	if (type == 0x81) {
		int sfx;
		char calling[TW_NBNAME_MAX];
		int r = tw_dec_nbname(&c, out->name, &out->name_suffix);
		if (r == TW_OK)
			r = tw_dec_nbname(&c, calling, &sfx);
		if (r != TW_OK) {
			out->status = r;
			out->why = r == TW_E_TRUNCATED ? "names cut by the snap length"
						       : "bad NetBIOS name";
			return TW_OK;
		}
		out->what = out->name_suffix == 0x03
				? "NetBIOS session request to a Messenger name (<03>)"
				: "NetBIOS session request";
		return TW_OK;
	}
	int r = smb_message(&c, end, ev, out, st);
	if (r == TW_E_NOTFOUND) {
		out->kind = TW_DEC_NBSS;
		out->what = "NetBIOS session message";
		return TW_OK;
	}
	if (r != TW_OK) {
		out->status = r;
		out->why = r == TW_E_TRUNCATED ? "SMB message cut by the snap length"
					       : "SMB message fields inconsistent";
	}
	return TW_OK;
}

const struct tw_decoder tw_dec_nbss = {
    .name = "nbss",
    .summary = "NetBIOS session: requests to <03> names, SMB Send Message 0xD0 and 0xD5-0xD7",
    .decode = decode_nbss,
};

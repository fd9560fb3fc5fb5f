/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NetBIOS session service over TCP 139 (messenger-protocol.md §5): session requests (the
 * called name; <03> is a Messenger name) and the SMB message commands: Send Single Block
 * Message 0xD0, and the multi-block sequence 0xD5 start, 0xD7 text, 0xD6 end, gathered per
 * TCP stream in the decode state. With a decode state, each direction of a TCP 139 flow is
 * reassembled in order (bounded: TW_TCP_FLOWS flows, 64 KiB of pending bytes each; a gap
 * resynchronises at the next segment that starts a frame); without one, each segment is
 * read on its own and a frame that continues into the next is reported as truncated. */
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

/* One NBSS frame at p (have bytes there, of a frame or stream 'wire' bytes long). */
static int decode_frame(const uint8_t *p, size_t have, size_t wire, const struct tw_event *ev,
			struct tw_decoded *out, struct tw_decode_state *st)
{
	struct tw_cursor c;
	uint8_t type = p[0];
	if (type != 0x00 && type != 0x81)
		return TW_E_NOTFOUND;
	memset(out, 0, sizeof(*out));
	out->name_suffix = -1;
	out->kind = TW_DEC_NBSS;
	out->what = "NetBIOS session";
	tw_cursor_init(&c, p, have);
	tw_cursor_skip(&c, 1);
	uint8_t fl = tw_cursor_get_u8(&c);
	uint16_t len16 = tw_cursor_get_be16(&c);
	if (c.err) {
		out->status = TW_E_TRUNCATED;
		out->why = "session header cut by the snap length";
		return TW_OK;
	}
	if (fl & 0xfe)
		return TW_E_NOTFOUND;
	size_t len = len16 | (size_t)(fl & 1) << 16;
	if (4 + len > wire) {
		out->status = TW_E_TRUNCATED;
		out->why = "session frame continues in another TCP segment";
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

struct tw_tcpflow {
	bool used, synced;
	struct tw_addr src, dst;
	uint16_t sport, dport;
	uint32_t next; /* the next sequence number expected */
	uint64_t age;
	size_t len; /* bytes waiting in buf: the start of an incomplete frame */
	uint8_t buf[TW_TCP_BUF];
	char msg[TW_TCP_BUF + MB_TEXT]; /* the message last handed out (out's spans point here) */
};

/* Copies a message's three strings into the flow, so that they outlive the buffer. */
static void keep_msg(struct tw_tcpflow *f, struct tw_msg *m)
{
	struct tw_span *s[3] = {&m->from, &m->to, &m->text};
	size_t at = 0;
	for (int i = 0; i < 3; i++) {
		size_t n = s[i]->len < sizeof(f->msg) - at ? s[i]->len : sizeof(f->msg) - at;
		memmove(f->msg + at, s[i]->p, n);
		*s[i] = (struct tw_span){f->msg + at, n};
		at += n;
	}
}

static struct tw_tcpflow *flow_of(struct tw_decode_state *st, const struct tw_event *ev)
{
	struct tw_tcpflow *free_f = NULL, *old = NULL;
	if (!st->flows && !(st->flows = tw_calloc(TW_TCP_FLOWS, sizeof(struct tw_tcpflow))))
		return NULL;
	for (size_t i = 0; i < TW_TCP_FLOWS; i++) {
		struct tw_tcpflow *f = &st->flows[i];
		if (f->used && f->sport == ev->sport && f->dport == ev->dport &&
		    tw_addr_eq(&f->src, &ev->src) && tw_addr_eq(&f->dst, &ev->dst))
			return f;
		if (!f->used && !free_f)
			free_f = f;
		else if (f->used && (!old || f->age < old->age))
			old = f;
	}
	struct tw_tcpflow *f = free_f ? free_f : old;
	if (!free_f)
		st->dropped++;
	f->used = true;
	f->synced = false;
	f->len = 0;
	f->src = ev->src;
	f->dst = ev->dst;
	f->sport = ev->sport;
	f->dport = ev->dport;
	return f;
}

/* A segment of a reassembled stream: appends the new bytes, then decodes the complete
 * frames; the result is the last message completed, else the last frame's. */
static int stream(const struct tw_event *ev, struct tw_decoded *out, struct tw_decode_state *st)
{
	struct tw_tcpflow *f = flow_of(st, ev);
	const uint8_t *p = (const uint8_t *)ev->payload.p;
	size_t n = ev->payload.len;
	uint32_t seq = ev->tcp_seq;

	if (!f)
		return TW_E_NOTFOUND;
	f->age = ++st->tick;
	if (n < ev->payload_len) {
		/* Cut by the snap length: the stream has a hole from here. */
		f->synced = false;
		f->len = 0;
		return decode_frame(p, n, ev->payload_len, ev, out, NULL) == TW_OK ? TW_OK
										   : TW_E_NOTFOUND;
	}
	if (f->synced && seq != f->next) {
		uint32_t behind = f->next - seq;
		if (behind < 0x80000000u && behind >= n)
			goto nothing_new; /* a retransmission of bytes already taken */
		if (behind < 0x80000000u) {
			p += behind; /* partly new */
			n -= behind;
		} else {
			f->synced = false; /* a gap: bytes lost */
			f->len = 0;
		}
	}
	if (!f->synced) {
		/* (Re)start only at a segment that begins a frame. */
		if (n < 4 || (p[0] != 0x00 && p[0] != 0x81 && p[0] != 0x85) || (p[1] & 0xfe))
			return TW_E_NOTFOUND;
		f->synced = true;
		f->len = 0;
	}
	f->next = seq + (uint32_t)(ev->payload.len);
	if (f->len + n > TW_TCP_BUF) {
		f->synced = false;
		f->len = 0;
		memset(out, 0, sizeof(*out));
		out->kind = TW_DEC_NBSS;
		out->what = "NetBIOS session";
		out->status = TW_E_INVALID;
		out->why = "session frame larger than 64 KiB";
		return TW_OK;
	}
	memcpy(f->buf + f->len, p, n);
	f->len += n;

	int result = TW_E_NOTFOUND;
	size_t at = 0;
	while (f->len - at >= 4) {
		const uint8_t *fr = f->buf + at;
		size_t flen = 4 + (size_t)(fr[2] << 8 | fr[3]) + (size_t)(fr[1] & 1) * 65536;
		if (f->len - at < flen)
			break; /* wait for the rest */
		struct tw_decoded d;
		int r = decode_frame(fr, flen, flen, ev, &d, st);
		at += flen;
		if (r != TW_OK)
			continue; /* keep-alives and the like */
		/* The first message of the segment wins (a second one in the same segment is
		 * not reported); otherwise the last frame says. */
		bool have_msg =
		    result == TW_OK && out->kind == TW_DEC_MESSENGER && out->status == TW_OK;
		if (have_msg)
			continue;
		if (d.kind == TW_DEC_MESSENGER && d.status == TW_OK)
			keep_msg(f, &d.msg);
		*out = d;
		result = TW_OK;
	}
	memmove(f->buf, f->buf + at, f->len - at);
	f->len -= at;
	if (result == TW_OK)
		return TW_OK;
nothing_new:
	memset(out, 0, sizeof(*out));
	out->name_suffix = -1;
	out->kind = TW_DEC_NBSS;
	out->what =
	    f->len ? "NetBIOS session (frame continues in the next segment)" : "NetBIOS session";
	return TW_OK;
}

static int decode_nbss(const struct tw_event *ev, struct tw_decoded *out,
		       struct tw_decode_state *st)
{
	if (ev->proto != TW_IPPROTO_TCP || !ev->payload.p || !ev->payload.len ||
	    (ev->dport != 139 && ev->sport != 139))
		return TW_E_NOTFOUND;
	if (st && (ev->has & TW_EV_HAS_SEQ))
		return stream(ev, out, st);
	if (ev->payload_len < 4)
		return TW_E_NOTFOUND;
	return decode_frame((const uint8_t *)ev->payload.p, ev->payload.len, ev->payload_len, ev,
			    out, st);
}

const struct tw_decoder tw_dec_nbss = {
    .name = "nbss",
    .summary = "NetBIOS session: requests to <03> names, SMB Send Message 0xD0 and 0xD5-0xD7",
    .decode = decode_nbss,
};

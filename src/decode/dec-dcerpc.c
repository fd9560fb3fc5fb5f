/* SPDX-License-Identifier: GPL-2.0-or-later */
/* DCE/RPC connectionless PDUs (messenger-protocol.md §2, C706 chapter 12) over UDP, in
 * either byte order; fragmented calls reassembled by (source, activity, sequence number),
 * bounded; the interface named by its UUID; msgsvcsend's NetrSendMessage decoded (§3). */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/cursor.h"
#include "decode/decode.h"

#define HDR	     80
#define MAX_FRAGS    64
#define MAX_CALL_LEN 65536

/* flags1 */
enum { F_LASTFRAG = 0x02, F_FRAG = 0x04 };

struct uuid {
	uint32_t a;
	uint16_t b, c;
	uint8_t d[8];
};

static const struct iface {
	struct uuid u;
	const char *what;
} ifaces[] = {
    {{0x5a7b91f8, 0xff00, 0x11d0, {0xa9, 0xb2, 0x00, 0xc0, 0x4f, 0xb6, 0xe6, 0xfc}},
     "DCE/RPC msgsvcsend (Messenger)"},
    {{0x17fdd703, 0x1827, 0x4e34, {0x79, 0xd4, 0x24, 0xa5, 0x5c, 0x53, 0xbb, 0x37}},
     "DCE/RPC msgsvc (Messenger names)"},
    {{0xe1af8308, 0x5d1f, 0x11c9, {0x91, 0xa4, 0x08, 0x00, 0x2b, 0x14, 0xa0, 0xfa}},
     "DCE/RPC epmapper (endpoint mapper)"},
    {{0xafa8bd80, 0x7d8a, 0x11c9, {0xbe, 0xf4, 0x08, 0x00, 0x2b, 0x10, 0x29, 0x89}},
     "DCE/RPC mgmt (management)"},
    {{0x4d9f4ab8, 0x7d1c, 0x11cf, {0x86, 0x1e, 0x00, 0x20, 0xaf, 0x6e, 0x7c, 0x57}},
     "DCE/RPC IRemoteActivation (DCOM; MS03-026, Blaster)"},
    {{0x000001a0, 0x0000, 0x0000, {0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}},
     "DCE/RPC ISystemActivator (DCOM)"},
    {{0x99fcfec4, 0x5260, 0x101b, {0xbb, 0xcb, 0x00, 0xaa, 0x00, 0x21, 0x34, 0x7a}},
     "DCE/RPC IOXIDResolver (DCOM)"},
    {{0x12345778, 0x1234, 0xabcd, {0xef, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab}},
     "DCE/RPC lsarpc"},
    {{0x12345778, 0x1234, 0xabcd, {0xef, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xac}},
     "DCE/RPC samr"},
    {{0x3919286a, 0xb10c, 0x11d0, {0x9b, 0xa8, 0x00, 0xc0, 0x4f, 0xd9, 0x2e, 0xf5}},
     "DCE/RPC dssetup (MS04-011, Sasser)"},
    {{0x12345678, 0x1234, 0xabcd, {0xef, 0x00, 0x01, 0x23, 0x45, 0x67, 0xcf, 0xfb}},
     "DCE/RPC netlogon"},
    {{0x4b324fc8, 0x1670, 0x01d3, {0x12, 0x78, 0x5a, 0x47, 0xbf, 0x6e, 0xe1, 0x88}},
     "DCE/RPC srvsvc"},
    {{0x6bffd098, 0xa112, 0x3610, {0x98, 0x33, 0x46, 0xc3, 0xf8, 0x7e, 0x34, 0x5a}},
     "DCE/RPC wkssvc (MS03-049)"},
    {{0x338cd001, 0x2244, 0x31f1, {0xaa, 0xaa, 0x90, 0x00, 0x38, 0x00, 0x10, 0x03}},
     "DCE/RPC winreg"},
    {{0x367abb81, 0x9844, 0x35f1, {0xad, 0x32, 0x98, 0xf0, 0x38, 0x00, 0x10, 0x03}},
     "DCE/RPC svcctl"},
    {{0x1ff70682, 0x0a51, 0x30e8, {0x07, 0x6d, 0x74, 0x0b, 0xe8, 0xce, 0xe9, 0x8b}},
     "DCE/RPC atsvc (task scheduler)"},
    {{0x12345678, 0x1234, 0xabcd, {0xef, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab}},
     "DCE/RPC spoolss"},
};

struct hdr {
	uint8_t ptype, flags1;
	bool little;
	struct uuid iface;
	uint8_t act[16];
	uint32_t seqnum;
	uint16_t opnum, len, fragnum;
	uint8_t auth;
};

struct tw_rpc_call {
	bool used;
	struct tw_addr src;
	uint8_t act[16];
	uint32_t seqnum;
	uint64_t age; /* for eviction: a counter of calls seen */
	int last;     /* fragment number of the LASTFRAG, or -1 */
	uint16_t off[MAX_FRAGS], len[MAX_FRAGS];
	uint64_t have; /* bit per fragment number */
	size_t used_bytes;
	uint8_t buf[MAX_CALL_LEN];
	struct hdr first; /* the header of fragment 0 (interface, opnum) */
};

void tw_decode_state_init(struct tw_decode_state *st)
{
	memset(st, 0, sizeof(*st));
}

void tw_decode_state_fini(struct tw_decode_state *st)
{
	free(st->calls);
	free(st->mb);
	free(st->flows);
	free(st->out);
	memset(st, 0, sizeof(*st));
}

/* Integers in the byte order drep announced, through the bounded cursor. */
static uint16_t get16(struct tw_cursor *c, bool le)
{
	return le ? tw_cursor_get_le16(c) : tw_cursor_get_be16(c);
}

static uint32_t get32(struct tw_cursor *c, bool le)
{
	return le ? tw_cursor_get_le32(c) : tw_cursor_get_be32(c);
}

static void get_uuid(struct tw_cursor *c, bool le, struct uuid *u)
{
	u->a = get32(c, le);
	u->b = get16(c, le);
	u->c = get16(c, le);
	const uint8_t *d = tw_cursor_get_bytes(c, 8);
	if (d)
		memcpy(u->d, d, 8);
}

static const char *iface_name(const struct uuid *u)
{
	for (size_t i = 0; i < sizeof(ifaces) / sizeof(ifaces[0]); i++)
		if (ifaces[i].u.a == u->a && ifaces[i].u.b == u->b && ifaces[i].u.c == u->c &&
		    memcmp(ifaces[i].u.d, u->d, 8) == 0)
			return ifaces[i].what;
	return "DCE/RPC (unknown interface)";
}

static bool is_msgsvcsend(const struct uuid *u)
{
	return iface_name(u) == ifaces[0].what;
}

/* The checklist of messenger-protocol.md §2.6 on the captured header. */
static int header(const uint8_t *p, size_t have, struct hdr *h)
{
	struct tw_cursor c;
	tw_cursor_init(&c, p, have);
	uint8_t vers = tw_cursor_get_u8(&c);
	h->ptype = tw_cursor_get_u8(&c);
	h->flags1 = tw_cursor_get_u8(&c);
	uint8_t flags2 = tw_cursor_get_u8(&c);
	if (c.err || vers != 4 || h->ptype > 10 || (flags2 & 0xfc))
		return TW_E_NOTFOUND;
	uint8_t drep0 = tw_cursor_get_u8(&c);
	tw_cursor_skip(&c, 2 + 1 + 16); /* drep[1..2], serial_hi, object */
	if (c.err)
		return TW_E_TRUNCATED; /* starts like a CL PDU, cut before its header ends */
	if ((drep0 >> 4) > 1)
		return TW_E_NOTFOUND; /* neither byte order: not DCE/RPC */
	h->little = (drep0 >> 4) == 1;
	get_uuid(&c, h->little, &h->iface);
	const uint8_t *act = tw_cursor_get_bytes(&c, 16);
	tw_cursor_skip(&c, 8); /* server_boot, if_vers */
	h->seqnum = get32(&c, h->little);
	h->opnum = get16(&c, h->little);
	tw_cursor_skip(&c, 4); /* ihint, ahint */
	h->len = get16(&c, h->little);
	h->fragnum = get16(&c, h->little);
	h->auth = tw_cursor_get_u8(&c);
	tw_cursor_skip(&c, 1); /* serial_lo */
	if (c.err)
		return TW_E_TRUNCATED;
	memcpy(h->act, act, 16);
	return TW_OK;
}

/* Adds a fragment; returns TW_OK with the whole body in st->out when the call is complete,
 * TW_IPFRAG-like 1 when more are needed, or an error. */
static int add_fragment(struct tw_decode_state *st, const struct tw_addr *src, const struct hdr *h,
			const uint8_t *body, const char **why)
{
	struct tw_rpc_call *c = NULL, *free_c = NULL, *old = NULL;

	if (!st->calls && !(st->calls = tw_calloc(TW_RPC_CALLS, sizeof(*st->calls))))
		return TW_E_NOMEM;
	for (size_t i = 0; i < TW_RPC_CALLS; i++) {
		struct tw_rpc_call *x = &st->calls[i];
		if (!x->used) {
			if (!free_c)
				free_c = x;
		} else if (x->seqnum == h->seqnum && !memcmp(x->act, h->act, 16) &&
			   tw_addr_eq(&x->src, src)) {
			c = x;
		} else if (!old || x->age < old->age) {
			old = x;
		}
	}
	if (!c) {
		c = free_c;
		if (!c) {
			st->dropped++;
			c = old;
		}
		memset(c, 0, offsetof(struct tw_rpc_call, buf));
		c->used = true;
		c->src = *src;
		memcpy(c->act, h->act, 16);
		c->seqnum = h->seqnum;
		c->last = -1;
	}
	c->age = ++st->tick;
	if (h->fragnum >= MAX_FRAGS) {
		*why = "more than 64 fragments";
		c->used = false;
		st->dropped++;
		return TW_E_INVALID;
	}
	if (c->have & (1ull << h->fragnum))
		return 1; /* a retransmission */
	if (c->used_bytes + h->len > MAX_CALL_LEN) {
		*why = "reassembled call larger than 64 KiB";
		c->used = false;
		st->dropped++;
		return TW_E_INVALID;
	}
	if (h->flags1 & F_LASTFRAG) {
		if (c->last >= 0 && c->last != h->fragnum) {
			*why = "two last fragments";
			c->used = false;
			st->dropped++;
			return TW_E_INVALID;
		}
		c->last = h->fragnum;
	}
	if (h->fragnum == 0)
		c->first = *h;
	memcpy(c->buf + c->used_bytes, body, h->len);
	c->off[h->fragnum] = (uint16_t)c->used_bytes;
	c->len[h->fragnum] = h->len;
	c->used_bytes += h->len;
	c->have |= 1ull << h->fragnum;
	if (c->last < 0)
		return 1;
	for (int i = 0; i <= c->last; i++)
		if (!(c->have & (1ull << i)))
			return 1;
	if (c->have >> (c->last + 1)) {
		*why = "fragments after the last one";
		c->used = false;
		st->dropped++;
		return TW_E_INVALID;
	}
	if (!st->out && !(st->out = tw_malloc(MAX_CALL_LEN)))
		return TW_E_NOMEM;
	size_t n = 0;
	for (int i = 0; i <= c->last; i++) {
		memcpy(st->out + n, c->buf + c->off[i], c->len[i]);
		n += c->len[i];
	}
	st->out_len = n;
	c->used = false;
	return TW_OK;
}

/* Reads one conformant varying string of bytes at *pos (aligned to 4). 'have' bytes are
 * there of a stub 'wire' bytes long: past 'have' is truncation, past 'wire' a lie. */
static int ndr_string(const uint8_t *s, size_t have, size_t wire, bool le, size_t *pos,
		      struct tw_span *out, uint32_t *max_out, const char **why)
{
	struct tw_cursor c;
	size_t at = (*pos + 3) & ~(size_t)3;
	if (at > wire || wire - at < 12) {
		*why = "string header past the end of the stub";
		return TW_E_INVALID;
	}
	tw_cursor_init(&c, s, have);
	tw_cursor_skip(&c, at);
	uint32_t max = get32(&c, le), off = get32(&c, le), act = get32(&c, le);
	if (c.err) {
		*why = "stub cut by the snap length";
		return TW_E_TRUNCATED;
	}
	if (off != 0 || act > max || act == 0) {
		*why = "string counts inconsistent (offset not 0, actual 0 or above max)";
		return TW_E_INVALID;
	}
	at += 12;
	if (act > wire - at) {
		*why = "string count larger than the data";
		return TW_E_INVALID;
	}
	const uint8_t *bytes = tw_cursor_get_bytes(&c, act);
	if (!bytes || c.err) {
		*why = "stub cut by the snap length";
		return TW_E_TRUNCATED;
	}
	const uint8_t *nul = memchr(bytes, 0, act);
	*out = (struct tw_span){(const char *)bytes, nul ? (size_t)(nul - bytes) : act};
	*max_out = max;
	*pos = at + act;
	return TW_OK;
}

int tw_dec_netrsendmessage(const uint8_t *stub, size_t len, size_t wire_len, bool little,
			   struct tw_msg *m, const char **why)
{
	size_t pos = 0;
	uint32_t max;
	int r;
	memset(m, 0, sizeof(*m));
	m->path = TW_PATH_RPC;
	if ((r = ndr_string(stub, len, wire_len, little, &pos, &m->from, &max, why)) ||
	    (r = ndr_string(stub, len, wire_len, little, &pos, &m->to, &max, why)) ||
	    (r = ndr_string(stub, len, wire_len, little, &pos, &m->text, &max, why)))
		return r;
	/* A Text announced larger than any message (Windows shows 4,095 characters at most)
	 * is the MS03-043 overflow's shape, not spam: Snort sid 2257 fires above 1,024. */
	if (max > 1024) {
		*why = "Text max_count above 1,024: the MS03-043 overflow pattern (CVE-2003-0717)";
		return TW_E_INVALID;
	}
	return TW_OK;
}

static int decode_dcerpc(const struct tw_event *ev, struct tw_decoded *out,
			 struct tw_decode_state *st)
{
	const uint8_t *p = (const uint8_t *)ev->payload.p;
	size_t have = ev->payload.len, wire = ev->payload_len;
	struct hdr h;

	if (ev->proto != TW_IPPROTO_UDP || !p)
		return TW_E_NOTFOUND;
	memset(out, 0, sizeof(*out));
	out->name_suffix = -1;
	int r = header(p, have, &h);
	if (r == TW_E_NOTFOUND)
		return r;
	out->kind = TW_DEC_RPC;
	out->what = "DCE/RPC connectionless PDU";
	if (r == TW_E_TRUNCATED) {
		if (wire < HDR)
			return TW_E_NOTFOUND; /* a short datagram that merely starts like one */
		out->status = TW_E_TRUNCATED;
		out->why = "DCE/RPC header cut by the snap length";
		return TW_OK;
	}
	out->what = iface_name(&h.iface);
	if ((size_t)HDR + h.len > wire) {
		out->status = TW_E_INVALID;
		out->why = "PDU length larger than the datagram";
		return TW_OK;
	}
	const uint8_t *body = p + HDR;
	size_t body_have = have - HDR < h.len ? have - HDR : h.len;
	size_t body_wire = h.len;
	bool messenger = h.ptype == 0 && h.opnum == 0 && is_msgsvcsend(&h.iface);
	if (h.flags1 & F_FRAG) {
		if (!st) {
			out->kind = TW_DEC_RPC_FRAGMENT;
			out->what =
			    messenger ? "DCE/RPC msgsvcsend fragment (Messenger)" : out->what;
			return TW_OK;
		}
		if (body_have < body_wire) {
			out->status = TW_E_TRUNCATED;
			out->why = "fragment cut by the snap length";
			return TW_OK;
		}
		const char *why = NULL;
		r = add_fragment(st, &ev->src, &h, body, &why);
		if (r == 1) {
			out->kind = TW_DEC_RPC_FRAGMENT;
			out->what = "DCE/RPC fragment held for reassembly";
			return TW_OK;
		}
		if (r != TW_OK) {
			out->status = r == TW_E_NOMEM ? TW_E_INVALID : r;
			out->why = r == TW_E_NOMEM ? "out of memory" : why;
			return TW_OK;
		}
		/* Whole again; every fragment carries the call's interface and opnum. */
		body = st->out;
		body_have = body_wire = st->out_len;
		messenger = h.ptype == 0 && h.opnum == 0 && is_msgsvcsend(&h.iface);
	}
	if (!messenger)
		return TW_OK;
	if (h.auth) {
		out->status = TW_E_INVALID;
		out->why = "authenticated Messenger request (spam never is)";
		return TW_OK;
	}
	out->kind = TW_DEC_MESSENGER;
	out->what = "Messenger NetrSendMessage over DCE/RPC";
	out->status =
	    tw_dec_netrsendmessage(body, body_have, body_wire, h.little, &out->msg, &out->why);
	return TW_OK;
}

const struct tw_decoder tw_dec_dcerpc = {
    .name = "dcerpc",
    .summary = "DCE/RPC connectionless over UDP; Messenger NetrSendMessage, interface names",
    .decode = decode_dcerpc,
};

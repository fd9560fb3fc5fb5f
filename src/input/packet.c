/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Frames to events (see packet.h). Every read goes through the bounded cursor; a header
 * that the capture cut short is "truncated", one whose fields contradict each other
 * "invalid". */
#include "input/packet.h"

#include <string.h>

#include "core/cursor.h"
#include "input/input.h"

enum { ET_IPV4 = 0x0800, ET_IPV6 = 0x86dd, ET_VLAN = 0x8100, ET_QINQ = 0x88a8, ET_VLAN2 = 0x9100 };

#define FAIL(code, why)                                                                            \
	do {                                                                                       \
		ctx->detail = (why);                                                               \
		return (code);                                                                     \
	} while (0)

bool tw_pkt_link_supported(int lt)
{
	switch (lt) {
	case TW_LINK_NULL:
	case TW_LINK_ETHERNET:
	case TW_LINK_RAW:
	case TW_LINK_LOOP:
	case TW_LINK_SLL:
	case TW_LINK_IPV4:
	case TW_LINK_IPV6:
	case TW_LINK_SLL2:
	case TW_LINK_DLT_RAW_A:
	case TW_LINK_DLT_RAW_B: return true;
	default: return false;
	}
}

/* UDP, TCP or ICMP from 'c' (the IP payload, 'wire_len' bytes long on the wire). */
static int transport(struct tw_cursor *c, size_t wire_len, struct tw_event *ev,
		     struct tw_pkt_ctx *ctx)
{
	switch (ev->proto) {
	case TW_IPPROTO_UDP:
	case TW_IPPROTO_UDPLITE: {
		ev->sport = tw_cursor_get_be16(c);
		ev->dport = tw_cursor_get_be16(c);
		uint16_t ulen = tw_cursor_get_be16(c);
		tw_cursor_skip(c, 2);
		if (c->err)
			FAIL(TW_E_TRUNCATED, "UDP header cut by the snap length");
		ev->has |= TW_EV_HAS_PORTS;
		if (ev->proto == TW_IPPROTO_UDP) {
			if (ulen < 8 || ulen > wire_len)
				FAIL(TW_E_INVALID, "UDP length does not fit the IP packet");
			ev->payload_len = (uint16_t)(ulen - 8);
		} else {
			ev->payload_len = (uint16_t)(wire_len - 8);
		}
		ev->has |= TW_EV_HAS_PAYLEN;
		size_t have = tw_cursor_left(c);
		size_t want = ev->payload_len;
		ev->payload = (struct tw_span){(const char *)c->p, have < want ? have : want};
		return TW_OK;
	}
	case TW_IPPROTO_TCP: {
		ev->sport = tw_cursor_get_be16(c);
		ev->dport = tw_cursor_get_be16(c);
		ev->tcp_seq = tw_cursor_get_be32(c);
		tw_cursor_skip(c, 4); /* ack */
		uint8_t off = tw_cursor_get_u8(c);
		ev->tcp_flags = tw_cursor_get_u8(c);
		if (c->err)
			FAIL(TW_E_TRUNCATED, "TCP header cut by the snap length");
		ev->has |= TW_EV_HAS_PORTS | TW_EV_HAS_FLAGS | TW_EV_HAS_SEQ;
		size_t hl = (size_t)(off >> 4) * 4;
		if (hl < 20 || hl > wire_len)
			FAIL(TW_E_INVALID, "bad TCP header length");
		ev->payload_len = (uint16_t)(wire_len - hl);
		ev->has |= TW_EV_HAS_PAYLEN;
		/* The cursor is 14 bytes in; the options follow. */
		size_t opt = hl - 14;
		size_t left = tw_cursor_left(c);
		if (left >= opt) {
			tw_cursor_skip(c, opt);
			size_t have = tw_cursor_left(c);
			ev->payload = (struct tw_span){
			    (const char *)c->p, have < ev->payload_len ? have : ev->payload_len};
		}
		return TW_OK;
	}
	case TW_IPPROTO_ICMP:
	case TW_IPPROTO_ICMPV6:
		ev->icmp_type = tw_cursor_get_u8(c);
		ev->icmp_code = tw_cursor_get_u8(c);
		if (c->err)
			FAIL(TW_E_TRUNCATED, "ICMP header cut by the snap length");
		ev->has |= TW_EV_HAS_ICMP;
		return TW_OK;
	default: return TW_OK; /* another protocol: addresses and protocol only */
	}
}

/* Runs a complete (possibly reassembled) IP payload through the transport parser. */
static int payload(const uint8_t *p, size_t have, size_t wire, struct tw_event *ev,
		   struct tw_pkt_ctx *ctx)
{
	struct tw_cursor c;
	tw_cursor_init(&c, p, have);
	return transport(&c, wire, ev, ctx);
}

static int fragment(const uint8_t *data, size_t have, size_t wire, uint32_t id, uint32_t off,
		    bool more, int64_t ts, struct tw_event *ev, struct tw_pkt_ctx *ctx)
{
	const char *why = NULL;
	if (!ctx->frag) {
		/* No reassembly: the first fragment still has the transport header. */
		if (off == 0)
			return payload(data, have, wire, ev, ctx);
		ev->has |= TW_EV_HAS_FRAG;
		return TW_OK;
	}
	if (have < wire)
		FAIL(TW_E_TRUNCATED, "fragment cut by the snap length");
	int r = tw_ipfrag_add(ctx->frag, &ev->src, &ev->dst, id, ev->proto, off, data, wire, more,
			      ts, &why);
	if (r == TW_IPFRAG_PENDING)
		FAIL(TW_IN_NOPACKET, "IP fragment held for reassembly");
	if (r == TW_E_NOMEM)
		FAIL(TW_E_NOMEM, "out of memory");
	if (r != TW_OK)
		FAIL(TW_E_INVALID, why);
	/* The datagram as a whole: its payload plus a minimal IP header. */
	size_t whole = ctx->frag->out_len + (ev->src.family == TW_AF_INET ? 20 : 40);
	ev->ip_len = (uint16_t)(whole > 65535 ? 65535 : whole);
	return payload(ctx->frag->out, ctx->frag->out_len, ctx->frag->out_len, ev, ctx);
}

static int ipv4(struct tw_cursor *c, int64_t ts, struct tw_event *ev, struct tw_pkt_ctx *ctx)
{
	const uint8_t *start = c->p;
	uint8_t vhl = tw_cursor_get_u8(c);
	tw_cursor_skip(c, 1); /* TOS */
	uint16_t total = tw_cursor_get_be16(c);
	uint16_t id = tw_cursor_get_be16(c);
	uint16_t frag = tw_cursor_get_be16(c);
	uint8_t ttl = tw_cursor_get_u8(c);
	uint8_t proto = tw_cursor_get_u8(c);
	tw_cursor_skip(c, 2); /* checksum */
	const uint8_t *s = tw_cursor_get_bytes(c, 4), *d = tw_cursor_get_bytes(c, 4);
	if (c->err)
		FAIL(TW_E_TRUNCATED, "IPv4 header cut by the snap length");
	size_t hl = (size_t)(vhl & 15) * 4;
	if ((vhl >> 4) != 4 || hl < 20 || total < hl)
		FAIL(TW_E_INVALID, "bad IPv4 version, header or total length");
	ev->src.family = ev->dst.family = TW_AF_INET;
	memcpy(ev->src.b, s, 4);
	memcpy(ev->dst.b, d, 4);
	ev->proto = proto;
	ev->ttl = ttl;
	ev->ip_id = id;
	ev->ip_len = total;
	ev->has |= TW_EV_HAS_TTL | TW_EV_HAS_IPID | TW_EV_HAS_IPLEN;
	size_t seen = (size_t)(c->p - start);
	if (hl > seen)
		tw_cursor_skip(c, hl - seen);
	if (c->err)
		FAIL(TW_E_TRUNCATED, "IPv4 options cut by the snap length");
	size_t wire = total - hl, have = tw_cursor_left(c);
	if (have > wire)
		have = wire; /* Ethernet padding */
	uint32_t off = (uint32_t)(frag & 0x1fff) * 8;
	bool more = frag & 0x2000;
	if (off || more)
		return fragment(c->p, have, wire, id, off, more, ts, ev, ctx);
	return payload(c->p, have, wire, ev, ctx);
}

static int ipv6(struct tw_cursor *c, int64_t ts, struct tw_event *ev, struct tw_pkt_ctx *ctx)
{
	uint32_t vtf = tw_cursor_get_be32(c);
	uint16_t plen = tw_cursor_get_be16(c);
	uint8_t nh = tw_cursor_get_u8(c);
	uint8_t hop = tw_cursor_get_u8(c);
	const uint8_t *s = tw_cursor_get_bytes(c, 16), *d = tw_cursor_get_bytes(c, 16);
	if (c->err)
		FAIL(TW_E_TRUNCATED, "IPv6 header cut by the snap length");
	if ((vtf >> 28) != 6)
		FAIL(TW_E_INVALID, "bad IPv6 version");
	ev->src.family = ev->dst.family = TW_AF_INET6;
	memcpy(ev->src.b, s, 16);
	memcpy(ev->dst.b, d, 16);
	ev->ttl = hop;
	ev->ip_len = (uint16_t)(plen + 40 > 65535 ? 65535 : plen + 40);
	ev->has |= TW_EV_HAS_TTL | TW_EV_HAS_IPLEN;
	size_t wire = plen;
	/* Extension headers: hop-by-hop, routing, fragment, destination options, AH. */
	bool frag = false, more = false;
	uint32_t id = 0, off = 0;
	for (int n = 0; n < 16; n++) {
		if (nh == 0 || nh == 43 || nh == 60 || nh == 51) {
			uint8_t next = tw_cursor_get_u8(c);
			uint8_t l = tw_cursor_get_u8(c);
			size_t hl = nh == 51 ? ((size_t)l + 2) * 4 : ((size_t)l + 1) * 8;
			if (c->err)
				FAIL(TW_E_TRUNCATED,
				     "IPv6 extension header cut by the snap length");
			if (hl > wire)
				FAIL(TW_E_INVALID, "IPv6 extension header longer than the payload");
			tw_cursor_skip(c, hl - 2);
			wire -= hl;
			nh = next;
		} else if (nh == 44) {
			uint8_t next = tw_cursor_get_u8(c);
			tw_cursor_skip(c, 1);
			uint16_t fo = tw_cursor_get_be16(c);
			id = tw_cursor_get_be32(c);
			if (c->err)
				FAIL(TW_E_TRUNCATED, "IPv6 fragment header cut by the snap length");
			if (wire < 8)
				FAIL(TW_E_INVALID, "IPv6 fragment header longer than the payload");
			wire -= 8;
			off = (uint32_t)(fo & 0xfff8);
			more = fo & 1;
			frag = off || more;
			nh = next;
		} else {
			break;
		}
		if (c->err)
			FAIL(TW_E_TRUNCATED, "IPv6 extension header cut by the snap length");
	}
	ev->proto = nh;
	size_t have = tw_cursor_left(c);
	if (have > wire)
		have = wire;
	if (frag)
		return fragment(c->p, have, wire, id, off, more, ts, ev, ctx);
	return payload(c->p, have, wire, ev, ctx);
}

static int by_ethertype(uint16_t et, struct tw_cursor *c, int64_t ts, struct tw_event *ev,
			struct tw_pkt_ctx *ctx)
{
	if (et == ET_IPV4)
		return ipv4(c, ts, ev, ctx);
	if (et == ET_IPV6)
		return ipv6(c, ts, ev, ctx);
	FAIL(TW_E_NOTFOUND, "not an IP packet");
}

/* Raw IP: the version nibble decides. */
static int raw_ip(struct tw_cursor *c, int64_t ts, struct tw_event *ev, struct tw_pkt_ctx *ctx)
{
	int v = tw_cursor_peek(c);
	if (v < 0)
		FAIL(TW_E_TRUNCATED, "empty frame");
	if ((v >> 4) == 4)
		return ipv4(c, ts, ev, ctx);
	if ((v >> 4) == 6)
		return ipv6(c, ts, ev, ctx);
	FAIL(TW_E_NOTFOUND, "not an IP packet");
}

int tw_pkt_parse(int linktype, const uint8_t *p, size_t caplen, size_t wirelen, int64_t ts_ns,
		 struct tw_event *ev, struct tw_pkt_ctx *ctx)
{
	struct tw_cursor c;
	uint16_t et;

	(void)wirelen;
	ctx->detail = NULL;
	ev->ts = ts_ns;
	ev->has |= TW_EV_HAS_TS | TW_EV_HAS_TZ;
	tw_cursor_init(&c, p, caplen);
	switch (linktype) {
	case TW_LINK_ETHERNET:
		tw_cursor_skip(&c, 12);
		et = tw_cursor_get_be16(&c);
		/* Up to two VLAN tags (802.1Q, 802.1ad). */
		for (int i = 0; i < 2 && (et == ET_VLAN || et == ET_QINQ || et == ET_VLAN2); i++) {
			tw_cursor_skip(&c, 2);
			et = tw_cursor_get_be16(&c);
		}
		if (c.err)
			FAIL(TW_E_TRUNCATED, "Ethernet header cut by the snap length");
		if (et < 0x0600)
			FAIL(TW_E_NOTFOUND, "not an IP packet (802.3 frame: NetBEUI, IPX…)");
		return by_ethertype(et, &c, ts_ns, ev, ctx);
	case TW_LINK_SLL:
		tw_cursor_skip(&c, 14);
		et = tw_cursor_get_be16(&c);
		if (c.err)
			FAIL(TW_E_TRUNCATED, "cooked header cut by the snap length");
		return by_ethertype(et, &c, ts_ns, ev, ctx);
	case TW_LINK_SLL2:
		et = tw_cursor_get_be16(&c);
		tw_cursor_skip(&c, 18);
		if (c.err)
			FAIL(TW_E_TRUNCATED, "cooked header cut by the snap length");
		return by_ethertype(et, &c, ts_ns, ev, ctx);
	case TW_LINK_NULL:
	case TW_LINK_LOOP: {
		const uint8_t *f = tw_cursor_get_bytes(&c, 4);
		if (c.err)
			FAIL(TW_E_TRUNCATED, "loopback header cut by the snap length");
		/* The family in either byte order: 2 is IPv4; 24, 28 and 30 are IPv6 on the
		 * BSDs and macOS. */
		uint32_t fam = f[0] | f[1] | f[2] | f[3];
		if (fam == 2)
			return ipv4(&c, ts_ns, ev, ctx);
		if (fam == 24 || fam == 28 || fam == 30)
			return ipv6(&c, ts_ns, ev, ctx);
		FAIL(TW_E_NOTFOUND, "not an IP packet");
	}
	case TW_LINK_RAW:
	case TW_LINK_DLT_RAW_A:
	case TW_LINK_DLT_RAW_B: return raw_ip(&c, ts_ns, ev, ctx);
	case TW_LINK_IPV4: return ipv4(&c, ts_ns, ev, ctx);
	case TW_LINK_IPV6: return ipv6(&c, ts_ns, ev, ctx);
	default: FAIL(TW_E_UNSUPPORTED, "link type not supported");
	}
}

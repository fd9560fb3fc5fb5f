/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: decode/ (DCE/RPC CL and NetrSendMessage, NetBIOS name service, datagram and
 * session decoders) and input/ipfrag.c, on byte strings built here from the layouts of
 * messenger-protocol.md. */
#include <string.h>

#include "core/cursor.h"
#include "decode/decode.h"
#include "input/ipfrag.h"
#include "tap.h"

static size_t put32(uint8_t *p, uint32_t v, bool le)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(le ? v >> (8 * i) : v >> (8 * (3 - i)));
	return 4;
}

static size_t ndr(uint8_t *p, const char *s, bool le, uint32_t max, uint32_t act)
{
	size_t n = strlen(s) + 1, at = 0;
	at += put32(p + at, max ? max : (uint32_t)n, le);
	at += put32(p + at, 0, le);
	at += put32(p + at, act ? act : (uint32_t)n, le);
	memcpy(p + at, s, n);
	at += n;
	while (at % 4)
		p[at++] = 0;
	return at;
}

/* A NetrSendMessage request PDU; returns its length. */
static size_t pdu(uint8_t *p, bool le, const char *from, const char *to, const char *text,
		  uint8_t flags1, uint16_t fragnum, size_t body_from, size_t body_to)
{
	static const uint8_t if_le[16] = {0xf8, 0x91, 0x7b, 0x5a, 0x00, 0xff, 0xd0, 0x11,
					  0xa9, 0xb2, 0x00, 0xc0, 0x4f, 0xb6, 0xe6, 0xfc};
	static const uint8_t if_be[16] = {0x5a, 0x7b, 0x91, 0xf8, 0xff, 0x00, 0x11, 0xd0,
					  0xa9, 0xb2, 0x00, 0xc0, 0x4f, 0xb6, 0xe6, 0xfc};
	uint8_t stub[2048];
	size_t n = 0;
	n += ndr(stub + n, from, le, 0, 0);
	n += ndr(stub + n, to, le, 0, 0);
	n += ndr(stub + n, text, le, 0, 0);
	if (body_to == 0 || body_to > n)
		body_to = n;
	memset(p, 0, 80);
	p[0] = 4;
	p[2] = flags1;
	p[4] = le ? 0x10 : 0x00;
	memcpy(p + 24, le ? if_le : if_be, 16);
	memset(p + 40, 0x33, 16); /* activity */
	size_t len = body_to - body_from;
	p[74] = (uint8_t)(le ? len : len >> 8);
	p[75] = (uint8_t)(le ? len >> 8 : len);
	p[76] = (uint8_t)(le ? fragnum : fragnum >> 8);
	p[77] = (uint8_t)(le ? fragnum >> 8 : fragnum);
	memcpy(p + 80, stub + body_from, len);
	return 80 + len;
}

static void udp_event(struct tw_event *ev, const uint8_t *p, size_t have, size_t wire, int port)
{
	memset(ev, 0, sizeof(*ev));
	ev->proto = TW_IPPROTO_UDP;
	ev->src.family = ev->dst.family = TW_AF_INET;
	ev->src.b[0] = 198;
	ev->sport = 1027;
	ev->dport = (uint16_t)port;
	ev->has = TW_EV_HAS_PORTS | TW_EV_HAS_PAYLEN;
	ev->payload = (struct tw_span){(const char *)p, have};
	ev->payload_len = (uint16_t)wire;
}

#define SPAN_IS(sp, lit) (sp.len == strlen(lit) && memcmp(sp.p, lit, sp.len) == 0)

static void t_netrsendmessage(void)
{
	uint8_t p[2048];
	struct tw_event ev;
	struct tw_decoded d;
	for (int le = 0; le < 2; le++) {
		size_t n = pdu(p, le, "SECURITY", "ALERT", "Your PC is at risk.\r\nVisit us.", 0x28,
			       0, 0, 0);
		udp_event(&ev, p, n, n, 1026);
		CHECK_EQ_I(tw_decode(&ev, &d, NULL), TW_OK);
		CHECK_EQ_U(d.kind, TW_DEC_MESSENGER);
		CHECK_EQ_I(d.status, TW_OK);
		CHECK(SPAN_IS(d.msg.from, "SECURITY"));
		CHECK(SPAN_IS(d.msg.to, "ALERT"));
		CHECK(SPAN_IS(d.msg.text, "Your PC is at risk.\r\nVisit us."));
		CHECK_EQ_U(d.msg.path, TW_PATH_RPC);
		/* Cut by the snap length: truncated, not invalid. */
		udp_event(&ev, p, 120, n, 135);
		CHECK_EQ_I(tw_decode(&ev, &d, NULL), TW_OK);
		CHECK_EQ_I(d.status, TW_E_TRUNCATED);
	}
	/* A PDU length beyond the datagram is invalid. */
	size_t n = pdu(p, true, "A", "B", "C", 0x28, 0, 0, 0);
	p[74] = 0xff;
	p[75] = 0x0f;
	udp_event(&ev, p, n, n, 135);
	CHECK_EQ_I(tw_decode(&ev, &d, NULL), TW_OK);
	CHECK_EQ_I(d.status, TW_E_INVALID);
	/* max_count below actual_count; offset not 0. */
	struct tw_msg m;
	const char *why;
	uint8_t s[64];
	size_t k = ndr(s, "abc", true, 2, 4);
	CHECK_EQ_I(tw_dec_netrsendmessage(s, k, k, true, &m, &why), TW_E_INVALID);
	k = ndr(s, "abc", true, 0, 0);
	s[4] = 1;
	CHECK_EQ_I(tw_dec_netrsendmessage(s, k, k, true, &m, &why), TW_E_INVALID);
	/* A Text max_count above 1,024 with consistent counts: the MS03-043 shape. */
	k = ndr(s, "F", true, 0, 0);
	k += ndr(s + k, "T", true, 0, 0);
	k += ndr(s + k, "text", true, 5000, 0);
	CHECK_EQ_I(tw_dec_netrsendmessage(s, k, k, true, &m, &why), TW_E_INVALID);
	CHECK(strstr(why, "MS03-043") != NULL);
	/* A string cut at the first NUL inside its count (real spam pads with NULs). */
	k = ndr(s, "AB\0\0\0\0", true, 7, 7);
	memcpy(s + 12, "AB\0\0\0\0\0", 7);
	k = 12 + 8;
	k += ndr(s + k, "T", true, 0, 0);
	k += ndr(s + k, "X", true, 0, 0);
	CHECK_EQ_I(tw_dec_netrsendmessage(s, k, k, true, &m, &why), TW_OK);
	CHECK(SPAN_IS(m.from, "AB"));
	/* Not DCE/RPC at all. */
	udp_event(&ev, (const uint8_t *)"hello world, this is no rpc", 27, 27, 135);
	CHECK_EQ_I(tw_decode(&ev, &d, NULL), TW_E_NOTFOUND);
}

static void t_rpc_fragments(void)
{
	uint8_t f0[512], f1[512], f2[512];
	struct tw_event ev;
	struct tw_decoded d;
	struct tw_decode_state st;
	const char *text = "0123456789012345678901234567890123456789012345678901234567890123456789"
			   "0123456789012345678901234567890123456789 end";
	size_t n0 = pdu(f0, true, "F", "T", text, 0x2c, 0, 0, 64);
	size_t n1 = pdu(f1, true, "F", "T", text, 0x2c, 1, 64, 128);
	size_t n2 = pdu(f2, true, "F", "T", text, 0x2e, 2, 128, 0);
	tw_decode_state_init(&st);
	/* Out of order, with a retransmission: complete only at the last missing piece. */
	udp_event(&ev, f2, n2, n2, 135);
	CHECK_EQ_I(tw_decode(&ev, &d, &st), TW_OK);
	CHECK_EQ_U(d.kind, TW_DEC_RPC_FRAGMENT);
	udp_event(&ev, f0, n0, n0, 135);
	CHECK_EQ_I(tw_decode(&ev, &d, &st), TW_OK);
	CHECK_EQ_U(d.kind, TW_DEC_RPC_FRAGMENT);
	udp_event(&ev, f0, n0, n0, 135);
	CHECK_EQ_I(tw_decode(&ev, &d, &st), TW_OK);
	CHECK_EQ_U(d.kind, TW_DEC_RPC_FRAGMENT);
	udp_event(&ev, f1, n1, n1, 135);
	CHECK_EQ_I(tw_decode(&ev, &d, &st), TW_OK);
	CHECK_EQ_U(d.kind, TW_DEC_MESSENGER);
	CHECK_EQ_I(d.status, TW_OK);
	CHECK(SPAN_IS(d.msg.text, text));
	/* Without a state a fragment is only named. */
	CHECK_EQ_I(tw_decode(&ev, &d, NULL), TW_OK);
	CHECK_EQ_U(d.kind, TW_DEC_RPC_FRAGMENT);
	/* A fragment number beyond the bound is invalid. */
	n1 = pdu(f1, true, "F", "T", text, 0x2c, 200, 64, 128);
	udp_event(&ev, f1, n1, n1, 135);
	CHECK_EQ_I(tw_decode(&ev, &d, &st), TW_OK);
	CHECK_EQ_I(d.status, TW_E_INVALID);
	tw_decode_state_fini(&st);
}

static void t_netbios(void)
{
	struct tw_event ev;
	struct tw_decoded d;
	/* NBSTAT request for '*' (messenger-protocol.md §6.3). */
	uint8_t q[50] = {0x20, 0xa8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x20, 'C', 'K'};
	memset(q + 15, 'A', 30);
	q[45] = 0;
	q[46] = 0;
	q[47] = 0x21;
	q[48] = 0;
	q[49] = 1;
	udp_event(&ev, q, 50, 50, 137);
	CHECK_EQ_I(tw_decode(&ev, &d, NULL), TW_OK);
	CHECK_EQ_U(d.kind, TW_DEC_NBSTAT_REQUEST);
	CHECK_STR(d.name, "*");
	CHECK_EQ_I(d.name_suffix, 0);
	/* A bad letter in the encoded name. */
	q[20] = 'Z';
	CHECK_EQ_I(tw_decode(&ev, &d, NULL), TW_OK);
	CHECK_EQ_I(d.status, TW_E_INVALID);
	/* Cut inside the name. */
	q[20] = 'A';
	udp_event(&ev, q, 30, 50, 137);
	CHECK_EQ_I(tw_decode(&ev, &d, NULL), TW_OK);
	CHECK_EQ_I(d.status, TW_E_TRUNCATED);
	/* A session request to BOSS<03>. */
	uint8_t s[4 + 68] = {0x81, 0, 0, 68};
	const char *called = "BOSS           \x03", *calling = "LANPC          \x00";
	for (int k = 0; k < 2; k++) {
		const char *nm = k ? calling : called;
		uint8_t *o = s + 4 + 34 * k;
		o[0] = 0x20;
		for (int i = 0; i < 16; i++) {
			o[1 + 2 * i] = (uint8_t)('A' + ((uint8_t)nm[i] >> 4));
			o[2 + 2 * i] = (uint8_t)('A' + ((uint8_t)nm[i] & 15));
		}
		o[33] = 0;
	}
	memset(&ev, 0, sizeof(ev));
	ev.proto = TW_IPPROTO_TCP;
	ev.dport = 139;
	ev.payload = (struct tw_span){(const char *)s, sizeof(s)};
	ev.payload_len = sizeof(s);
	CHECK_EQ_I(tw_decode(&ev, &d, NULL), TW_OK);
	CHECK_EQ_U(d.kind, TW_DEC_NBSS);
	CHECK_STR(d.name, "BOSS");
	CHECK_EQ_I(d.name_suffix, 3);
	CHECK_STR(d.what, "NetBIOS session request to a Messenger name (<03>)");
	/* The same frame announced longer than the segment: truncated (no TCP reassembly). */
	s[3] = 200;
	CHECK_EQ_I(tw_decode(&ev, &d, NULL), TW_OK);
	CHECK_EQ_I(d.status, TW_E_TRUNCATED);
	/* Three strings of a mailslot body. */
	struct tw_msg m;
	const char *why;
	CHECK_EQ_I(tw_dec_three_strings((const uint8_t *)"A\0B\0C\0", 6, &m, &why), TW_OK);
	CHECK(SPAN_IS(m.text, "C"));
	CHECK_EQ_I(tw_dec_three_strings((const uint8_t *)"A\0B\0C", 5, &m, &why), TW_E_TRUNCATED);
}

static void t_ipfrag(void)
{
	struct tw_ipfrag f;
	struct tw_addr a = {TW_AF_INET, {0}, {198, 51, 100, 7}},
		       b = {TW_AF_INET, {0}, {192, 0, 2, 10}};
	uint8_t data[64];
	const char *why;
	for (int i = 0; i < 64; i++)
		data[i] = (uint8_t)i;
	tw_ipfrag_init(&f);
	/* Last piece first, an identical overlap accepted. */
	CHECK_EQ_I(tw_ipfrag_add(&f, &a, &b, 7, 17, 32, data + 32, 20, false, 1, &why),
		   TW_IPFRAG_PENDING);
	CHECK_EQ_I(tw_ipfrag_add(&f, &a, &b, 7, 17, 0, data, 16, true, 2, &why), TW_IPFRAG_PENDING);
	CHECK_EQ_I(tw_ipfrag_add(&f, &a, &b, 7, 17, 8, data + 8, 8, true, 3, &why),
		   TW_IPFRAG_PENDING);
	CHECK_EQ_U(tw_ipfrag_pending(&f), 1);
	CHECK_EQ_I(tw_ipfrag_add(&f, &a, &b, 7, 17, 16, data + 16, 16, true, 4, &why), TW_OK);
	CHECK_EQ_U(f.out_len, 52);
	CHECK(memcmp(f.out, data, 52) == 0);
	CHECK_EQ_U(tw_ipfrag_pending(&f), 0);
	/* A disagreeing overlap is invalid. */
	uint8_t other[16];
	memset(other, 0xee, sizeof(other));
	CHECK_EQ_I(tw_ipfrag_add(&f, &a, &b, 8, 17, 0, data, 16, true, 5, &why), TW_IPFRAG_PENDING);
	CHECK_EQ_I(tw_ipfrag_add(&f, &a, &b, 8, 17, 8, other, 16, true, 6, &why), TW_E_INVALID);
	CHECK_STR(why, "overlapping fragments disagree");
	/* Unaligned and oversize fragments. */
	CHECK_EQ_I(tw_ipfrag_add(&f, &a, &b, 9, 17, 4, data, 8, true, 7, &why), TW_E_INVALID);
	CHECK_EQ_I(tw_ipfrag_add(&f, &a, &b, 9, 17, 65528, data, 16, false, 7, &why), TW_E_INVALID);
	/* A datagram idle past the timeout is given up. */
	CHECK_EQ_I(tw_ipfrag_add(&f, &a, &b, 10, 17, 0, data, 16, true, 0, &why),
		   TW_IPFRAG_PENDING);
	CHECK_EQ_I(tw_ipfrag_add(&f, &a, &b, 11, 17, 0, data, 16, true, 61000000000LL, &why),
		   TW_IPFRAG_PENDING);
	CHECK(f.expired >= 1);
	tw_ipfrag_fini(&f);
}

TW_SUITE(decode, {"netrsendmessage", t_netrsendmessage}, {"rpc_fragments", t_rpc_fragments},
	 {"netbios", t_netbios}, {"ipfrag", t_ipfrag});

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NetBIOS name service over UDP (messenger-protocol.md §6, RFC 1002 §4.2): the first-level
 * name encoding, queries and registrations (the name and its suffix, <03> being the
 * Messenger's), and node status (NBSTAT) requests, the "NetBIOS probe", and answers with
 * their name table and MAC address. */
#include <string.h>

#include "core/cursor.h"
#include "decode/decode.h"

int tw_dec_nbname(struct tw_cursor *c, char name[TW_NBNAME_MAX], int *suffix)
{
	uint8_t raw[16];
	uint8_t n = tw_cursor_get_u8(c);
	if (c->err)
		return TW_E_TRUNCATED;
	if ((n & 0xc0) == 0xc0) { /* a compression pointer: the name was given before */
		tw_cursor_skip(c, 1);
		name[0] = '\0';
		*suffix = -1;
		return c->err ? TW_E_TRUNCATED : TW_OK;
	}
	if (n != 32)
		return TW_E_INVALID;
	const uint8_t *e = tw_cursor_get_bytes(c, 32);
	if (c->err)
		return TW_E_TRUNCATED;
	for (int i = 0; i < 16; i++) {
		unsigned hi = (unsigned)e[2 * i] - 'A', lo = (unsigned)e[2 * i + 1] - 'A';
		if (hi > 15 || lo > 15)
			return TW_E_INVALID;
		raw[i] = (uint8_t)(hi << 4 | lo);
	}
	/* Scope labels, then the terminating 0 (bounded: a name is at most 255 bytes). */
	for (int labels = 0;; labels++) {
		uint8_t l = tw_cursor_get_u8(c);
		if (c->err)
			return TW_E_TRUNCATED;
		if (l == 0)
			break;
		if (l > 63 || labels > 32)
			return TW_E_INVALID;
		tw_cursor_skip(c, l);
	}
	if (c->err)
		return TW_E_TRUNCATED;
	*suffix = raw[15];
	int len = 15;
	while (len > 0 && (raw[len - 1] == ' ' || raw[len - 1] == 0))
		len--;
	memcpy(name, raw, (size_t)len);
	name[len] = '\0';
	return TW_OK;
}

static int decode_nbns(const struct tw_event *ev, struct tw_decoded *out,
		       struct tw_decode_state *st)
{
	struct tw_cursor c;
	(void)st;
	if (ev->proto != TW_IPPROTO_UDP || !ev->payload.p || ev->payload_len < 12)
		return TW_E_NOTFOUND;
	/* Content first; a name service packet on another port than 137 is unusual enough to
	 * leave to the other decoders. */
	if (ev->dport != 137 && ev->sport != 137)
		return TW_E_NOTFOUND;
	memset(out, 0, sizeof(*out));
	out->name_suffix = -1;
	out->kind = TW_DEC_NBNS;
	tw_cursor_init(&c, ev->payload.p, ev->payload.len);
	tw_cursor_skip(&c, 2); /* transaction id */
	uint16_t flags = tw_cursor_get_be16(&c);
	uint16_t qd = tw_cursor_get_be16(&c), an = tw_cursor_get_be16(&c);
	tw_cursor_skip(&c, 4);
	if (c.err) {
		out->status = TW_E_TRUNCATED;
		out->why = "NBNS header cut by the snap length";
		out->what = "NetBIOS name service";
		return TW_OK;
	}
	bool response = flags & 0x8000;
	unsigned opcode = (flags >> 11) & 15;
	if (qd + an == 0 || qd > 1 || an > 1) {
		/* Not the shape of a name service packet (a worm's bytes on 137?). */
		out->status = TW_E_INVALID;
		out->why = "no single question or answer";
		out->what = "NetBIOS name service";
		return TW_OK;
	}
	int r = tw_dec_nbname(&c, out->name, &out->name_suffix);
	uint16_t type = tw_cursor_get_be16(&c);
	tw_cursor_skip(&c, 2); /* class */
	if (r == TW_OK && c.err)
		r = TW_E_TRUNCATED;
	if (r != TW_OK) {
		out->status = r;
		out->why = r == TW_E_TRUNCATED ? "name cut by the snap length" : "bad NetBIOS name";
		out->what = "NetBIOS name service";
		return TW_OK;
	}
	if (type == 0x21 && !response) {
		out->kind = TW_DEC_NBSTAT_REQUEST;
		out->what = "NBSTAT node status request (NetBIOS probe)";
		return TW_OK;
	}
	if (type == 0x21 && response && an == 1) {
		out->kind = TW_DEC_NBSTAT_RESPONSE;
		out->what = "NBSTAT node status response";
		tw_cursor_skip(&c, 4); /* TTL */
		uint16_t rdlen = tw_cursor_get_be16(&c);
		uint8_t n = tw_cursor_get_u8(&c);
		if (c.err) {
			out->status = TW_E_TRUNCATED;
			out->why = "answer cut by the snap length";
			return TW_OK;
		}
		if (1u + 18u * n > rdlen) {
			out->status = TW_E_INVALID;
			out->why = "more names than the answer holds";
			return TW_OK;
		}
		out->count = n;
		/* The first unique name of the table is the machine's; <03> ones are
		 * Messenger names. Kept: the first <03> name if any, else the first. */
		for (unsigned i = 0; i < n; i++) {
			const uint8_t *e = tw_cursor_get_bytes(&c, 18);
			if (c.err) {
				out->status = TW_E_TRUNCATED;
				out->why = "name table cut by the snap length";
				return TW_OK;
			}
			int len = 15;
			while (len > 0 && (e[len - 1] == ' ' || e[len - 1] == 0))
				len--;
			if (i == 0 || (e[15] == 0x03 && out->name_suffix != 0x03)) {
				memcpy(out->name, e, (size_t)len);
				out->name[len] = '\0';
				out->name_suffix = e[15];
			}
			if (i < TW_NBSTAT_NAMES) {
				memcpy(out->table[i].name, e, (size_t)len);
				out->table[i].name[len] = '\0';
				out->table[i].suffix = e[15];
				out->table[i].flags = (uint16_t)(e[16] << 8 | e[17]);
			}
		}
		if (rdlen >= 1u + 18u * n + 6u) {
			const uint8_t *mac = tw_cursor_get_bytes(&c, 6);
			if (!c.err) {
				memcpy(out->mac, mac, 6);
				out->has_mac = true;
			}
		}
		return TW_OK;
	}
	static const char *const ops[16] = {
	    [0] = "NetBIOS name query",
	    [5] = "NetBIOS name registration",
	    [6] = "NetBIOS name release",
	    [7] = "NetBIOS name WACK",
	    [8] = "NetBIOS name refresh",
	    [9] = "NetBIOS name refresh",
	    [15] = "NetBIOS multi-homed name registration",
	};
	out->what = ops[opcode] ? ops[opcode] : "NetBIOS name service";
	return TW_OK;
}

const struct tw_decoder tw_dec_nbns = {
    .name = "nbns",
    .summary = "NetBIOS name service: names and suffixes, NBSTAT probes and answers with MAC",
    .decode = decode_nbns,
};

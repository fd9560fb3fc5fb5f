/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pfSense / OPNsense filterlog CSV lines (log-formats.md §6; pfSense "Raw Filter Log
 * Format"), in BSD syslog ("filterlog[pid]: …") or RFC 5424 ("<134>1 … filterlog PID - … ")
 * envelopes, or bare:
 *   rule,sub,anchor,tracker,iface,reason,action,dir,ipver, then
 *   IPv4: tos,ecn,ttl,id,offset,flags,proto-id,proto-text,length,src,dst
 *   IPv6: class,flow-label,hop-limit,proto-text,proto-id,length,src,dst
 *   then tcp: sport,dport,data-len,flags,seq,ack,window,urg,options
 *        udp: sport,dport,data-len     icmp: type[,…]     other: whatever follows
 * Fields never hold commas (TCP options use ';'); trailing empty fields are significant. */
#include <string.h>

#include "core/cursor.h"
#include "input/input-int.h"
#include "input/input.h"

#define MAXF 48

#define BAD(why)                                                                                   \
	do {                                                                                       \
		ctx->detail = (why);                                                               \
		return TW_E_INVALID;                                                               \
	} while (0)

/* pf's TCP flag letters: S A F R P U E (ECE) W (CWR). */
static int tcp_flags(struct tw_span s, uint8_t *out)
{
	static const struct {
		char c;
		uint8_t bit;
	} map[] = {{'S', TW_TCP_SYN}, {'A', TW_TCP_ACK}, {'F', TW_TCP_FIN}, {'R', TW_TCP_RST},
		   {'P', TW_TCP_PSH}, {'U', TW_TCP_URG}, {'E', TW_TCP_ECE}, {'W', TW_TCP_CWR}};
	uint8_t f = 0;

	for (size_t i = 0; i < s.len; i++) {
		size_t k = 0;
		while (k < sizeof(map) / sizeof(map[0]) && map[k].c != s.p[i])
			k++;
		if (k == sizeof(map) / sizeof(map[0]))
			return TW_E_INVALID;
		f |= map[k].bit;
	}
	*out = f;
	return TW_OK;
}

/* ICMP type names of pf's log (pfSense Raw Filter Log Format). */
static int icmp_type(struct tw_span s, uint8_t *type, uint8_t *code)
{
	static const struct {
		const char *name;
		uint8_t type, code;
	} names[] = {
	    {"reply", 0, 0},	  {"unreach", 3, 0},  {"unreachproto", 3, 2}, {"unreachport", 3, 3},
	    {"needfrag", 3, 4},	  {"redirect", 5, 0}, {"request", 8, 0},      {"timexceed", 11, 0},
	    {"paramprob", 12, 0}, {"tstamp", 13, 0},  {"tstampreply", 14, 0}, {"maskreq", 17, 0},
	    {"maskreply", 18, 0},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (tw_in_is(s, names[i].name)) {
			*type = names[i].type;
			*code = names[i].code;
			return TW_OK;
		}
	return TW_E_NOTFOUND;
}

static int u32(struct tw_span s, uint32_t max, uint32_t *out, struct tw_parse_ctx *ctx,
	       const char *why)
{
	if (tw_span_u32(s, max, out) != TW_OK) {
		ctx->detail = why;
		return TW_E_INVALID;
	}
	return TW_OK;
}

/* Parses the CSV record in m into ev. */
static int record(struct tw_span m, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	struct tw_span f[MAXF];
	struct tw_cursor c;
	size_t n = 0, i;
	uint32_t v;

	tw_cursor_init(&c, m.p, m.len);
	while (n < MAXF) {
		f[n++] = tw_cursor_until(&c, ',');
		if (!tw_cursor_accept_ch(&c, ','))
			break;
	}
	/* Is it filterlog at all? The rule number, then the action/direction/version words. */
	if (n < 9 || f[0].len == 0 || tw_span_u32(f[0], UINT32_MAX, &v) != TW_OK ||
	    !(tw_in_is(f[6], "pass") || tw_in_is(f[6], "block") || tw_in_is(f[6], "reject") ||
	      tw_in_is(f[6], "match") || tw_in_is(f[6], "scrub") || tw_in_is(f[6], "nat") ||
	      tw_in_is(f[6], "rdr") || tw_in_is(f[6], "binat")) ||
	    !(tw_in_is(f[7], "in") || tw_in_is(f[7], "out")))
		return TW_E_NOTFOUND;
	ev->action = tw_in_is(f[6], "block")	? TW_ACT_DROP
		     : tw_in_is(f[6], "reject") ? TW_ACT_REJECT
		     : tw_in_is(f[6], "pass")	? TW_ACT_ACCEPT
						: TW_ACT_UNKNOWN;
	ev->dir = tw_in_is(f[7], "in") ? TW_DIR_IN : TW_DIR_OUT;
	if (ev->dir == TW_DIR_IN)
		ev->iface_in = f[4];
	else
		ev->iface_out = f[4];
	/* The rule's identity (number, sub-rule, anchor, tracker) stands in for a prefix. */
	ev->prefix = (struct tw_span){f[0].p, (size_t)(f[3].p + f[3].len - f[0].p)};

	struct tw_span ptext, pid, len, src, dst;
	if (tw_in_is(f[8], "4")) {
		if (n < 20) {
			ctx->detail = "IPv4 record ends early";
			return TW_E_TRUNCATED;
		}
		if (u32(f[11], 255, &v, ctx, "bad TTL"))
			return TW_E_INVALID;
		ev->ttl = (uint8_t)v;
		if (u32(f[12], 65535, &v, ctx, "bad IP id"))
			return TW_E_INVALID;
		ev->ip_id = (uint16_t)v;
		ev->has |= TW_EV_HAS_TTL | TW_EV_HAS_IPID;
		if (f[13].len && u32(f[13], 65535, &v, ctx, "bad fragment offset"))
			return TW_E_INVALID;
		if (f[13].len && v)
			ev->has |= TW_EV_HAS_FRAG;
		pid = f[15], ptext = f[16], len = f[17], src = f[18], dst = f[19];
		i = 20;
	} else if (tw_in_is(f[8], "6")) {
		if (n < 17) {
			ctx->detail = "IPv6 record ends early";
			return TW_E_TRUNCATED;
		}
		if (u32(f[11], 255, &v, ctx, "bad hop limit"))
			return TW_E_INVALID;
		ev->ttl = (uint8_t)v;
		ev->has |= TW_EV_HAS_TTL;
		ptext = f[12], pid = f[13], len = f[14], src = f[15], dst = f[16];
		i = 17;
	} else {
		BAD("IP version is neither 4 nor 6");
	}
	if (u32(pid, 255, &v, ctx, "bad protocol number"))
		return TW_E_INVALID;
	ev->proto = (uint8_t)v;
	(void)ptext;
	if (u32(len, 65535, &v, ctx, "bad length"))
		return TW_E_INVALID;
	ev->ip_len = (uint16_t)v;
	ev->has |= TW_EV_HAS_IPLEN;
	if (tw_addr_parse(src.p, src.len, &ev->src))
		BAD("bad source address");
	if (tw_addr_parse(dst.p, dst.len, &ev->dst))
		BAD("bad destination address");
	if (ev->has & TW_EV_HAS_FRAG)
		return TW_OK; /* a later fragment: no transport header */

	size_t rest = n - i;
	if (ev->proto == TW_IPPROTO_TCP || ev->proto == TW_IPPROTO_UDP) {
		bool tcp = ev->proto == TW_IPPROTO_TCP;
		if (rest < (tcp ? 4u : 3u)) {
			ctx->detail = "transport fields end early";
			return TW_E_TRUNCATED;
		}
		if (u32(f[i], 65535, &v, ctx, "bad source port"))
			return TW_E_INVALID;
		ev->sport = (uint16_t)v;
		if (u32(f[i + 1], 65535, &v, ctx, "bad destination port"))
			return TW_E_INVALID;
		ev->dport = (uint16_t)v;
		ev->has |= TW_EV_HAS_PORTS;
		if (f[i + 2].len) {
			if (u32(f[i + 2], 65535, &v, ctx, "bad data length"))
				return TW_E_INVALID;
			ev->payload_len = (uint16_t)v;
			ev->has |= TW_EV_HAS_PAYLEN;
		}
		if (tcp) {
			if (tcp_flags(f[i + 3], &ev->tcp_flags))
				BAD("bad TCP flags");
			ev->has |= TW_EV_HAS_FLAGS;
		}
	} else if ((ev->proto == TW_IPPROTO_ICMP || ev->proto == TW_IPPROTO_ICMPV6) && rest >= 1) {
		if (icmp_type(f[i], &ev->icmp_type, &ev->icmp_code) == TW_OK)
			ev->has |= TW_EV_HAS_ICMP;
	}
	return TW_OK;
}

static int parse_line(const char *line, size_t len, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	struct tw_cursor c;
	struct tw_span tag = {NULL, 0};

	tw_cursor_init(&c, line, len);
	tw_syslog_envelope(&c, ev, ctx, &tag);
	/* A tag, when there is one, must be filterlog's ("filterlog:", "filterlog[12]:"). */
	if (tag.p && !(tag.len >= 9 && memcmp(tag.p, "filterlog", 9) == 0))
		return TW_E_NOTFOUND;
	struct tw_span m = tw_cursor_rest(&c);
	while (m.len && (m.p[m.len - 1] == ' ' || m.p[m.len - 1] == '\r'))
		m.len--;
	if (!m.len || m.p[0] < '0' || m.p[0] > '9')
		return TW_E_NOTFOUND;
	return record(m, ev, ctx);
}

const struct tw_input_format tw_in_filterlog = {
    .name = "filterlog",
    .summary = "pfSense/OPNsense filterlog CSV (BSD syslog or RFC 5424), IPv4 and IPv6",
    .parse = parse_line,
};

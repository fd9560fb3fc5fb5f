/* SPDX-License-Identifier: GPL-2.0-or-later */
/* OpenBSD/FreeBSD pf log as printed by `tcpdump -n -e -ttt -r /var/log/pflog` (or -i pflog0),
 * bare or forwarded through syslog (log-formats.md §7):
 *   [stamp ]rule <n>[.<anchor>.<sub>]/[<n>](<reason>) [[uid <u>, pid <p>] ]<action> <in|out>
 *     on <if>: <src>[.<sport>] > <dst>[.<dport>]: <protocol summary> [(ttl N, id N, len N)]
 * Ports are joined to addresses with a dot, so the last dot-component is a port only when
 * the rest parses as an address. Both OpenBSD ("S", "udp 12", "icmp: echo request") and
 * Linux tcpdump ("IP …", "Flags [S]", "UDP, length 12", "ICMP echo request") summaries. */
#include <string.h>

#include "core/cursor.h"
#include "input/input-int.h"
#include "input/input.h"

#define BAD(why)                                                                                   \
	do {                                                                                       \
		ctx->detail = (why);                                                               \
		return TW_E_INVALID;                                                               \
	} while (0)

/* "1.2.3.4.80", "2001:db8::1.443" or a bare address: the address, and the port if any. */
static int endpoint(struct tw_span s, struct tw_addr *a, uint16_t *port, bool *has_port)
{
	uint32_t v;

	*has_port = false;
	/* A whole address has no port: an IPv4 address with a port has five dot-parts, and an
	 * IPv6 one ends in ".port", which inet_pton rejects. */
	if (tw_addr_parse(s.p, s.len, a) == TW_OK)
		return TW_OK;
	const char *dot = NULL;
	for (size_t i = s.len; i > 0; i--)
		if (s.p[i - 1] == '.') {
			dot = s.p + i - 1;
			break;
		}
	if (!dot)
		return TW_E_INVALID;
	struct tw_span as = {s.p, (size_t)(dot - s.p)}, ps = {dot + 1, s.len - as.len - 1};
	if (tw_addr_parse(as.p, as.len, a) != TW_OK || tw_span_u32(ps, 65535, &v) != TW_OK)
		return TW_E_INVALID;
	*port = (uint16_t)v;
	*has_port = true;
	return TW_OK;
}

/* OpenBSD tcpdump flag letters: S F R P U E W, and "." for a lone ACK. */
static bool tcp_flags_word(struct tw_span w, uint8_t *out)
{
	uint8_t f = 0;

	if (!w.len)
		return false;
	for (size_t i = 0; i < w.len; i++) {
		switch (w.p[i]) {
		case 'S': f |= TW_TCP_SYN; break;
		case 'F': f |= TW_TCP_FIN; break;
		case 'R': f |= TW_TCP_RST; break;
		case 'P': f |= TW_TCP_PSH; break;
		case 'U': f |= TW_TCP_URG; break;
		case 'E': f |= TW_TCP_ECE; break;
		case 'W': f |= TW_TCP_CWR; break;
		case '.': f |= TW_TCP_ACK; break;
		default: return false;
		}
	}
	*out = f;
	return true;
}

/* "(ttl 42, id 1076, len 44)" anywhere in the rest. */
static void ip_tail(struct tw_span r, struct tw_event *ev)
{
	struct tw_cursor c;
	uint32_t v;

	tw_cursor_init(&c, r.p, r.len);
	long at = tw_cursor_find(&c, "(ttl ", 5);
	if (at < 0)
		return;
	tw_cursor_skip(&c, (size_t)at + 5);
	if (tw_span_u32(tw_cursor_digits(&c), 255, &v) == TW_OK) {
		ev->ttl = (uint8_t)v;
		ev->has |= TW_EV_HAS_TTL;
	}
	if (tw_cursor_accept(&c, ", id ", 5) &&
	    tw_span_u32(tw_cursor_digits(&c), 65535, &v) == TW_OK) {
		ev->ip_id = (uint16_t)v;
		ev->has |= TW_EV_HAS_IPID;
	}
	if (tw_cursor_accept(&c, ", len ", 6) &&
	    tw_span_u32(tw_cursor_digits(&c), 65535, &v) == TW_OK) {
		ev->ip_len = (uint16_t)v;
		ev->has |= TW_EV_HAS_IPLEN;
	}
}

static int summary(struct tw_cursor *c, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	uint16_t sport = 0, dport = 0;
	bool sp, dp;

	if (!tw_cursor_accept(c, "IP6 ", 4))
		tw_cursor_accept(c, "IP ", 3); /* Linux tcpdump */
	struct tw_span src = tw_cursor_until(c, ' ');
	if (!tw_cursor_accept(c, " > ", 3)) {
		ctx->detail = "no '>' between the addresses";
		return TW_E_TRUNCATED;
	}
	/* IPv6 addresses hold colons: the destination ends at ": ". */
	long end = tw_cursor_find(c, ": ", 2);
	if (end < 0) {
		ctx->detail = "no ': ' after the destination";
		return TW_E_TRUNCATED;
	}
	struct tw_span dst = {(const char *)c->p, (size_t)end};
	tw_cursor_skip(c, (size_t)end + 1);
	if (endpoint(src, &ev->src, &sport, &sp) || endpoint(dst, &ev->dst, &dport, &dp))
		BAD("bad address");
	tw_cursor_skip_spaces(c);
	struct tw_span rest = tw_cursor_rest(c);
	struct tw_cursor w = *c;
	struct tw_span word = tw_cursor_until(&w, ' ');
	if (word.len && word.p[word.len - 1] == ':')
		word.len--; /* "icmp:" */
	if (word.len && word.p[word.len - 1] == ',')
		word.len--; /* "UDP," */

	if (tw_span_eq(word, "icmp", 4) || tw_span_eq(word, "ICMP", 4)) {
		ev->proto = TW_IPPROTO_ICMP;
	} else if (tw_span_eq(word, "icmp6", 5) || tw_span_eq(word, "ICMP6", 5)) {
		ev->proto = TW_IPPROTO_ICMPV6;
	} else if (tw_span_eq(word, "udp", 3) || tw_span_eq(word, "UDP", 3)) {
		uint32_t ul;
		ev->proto = TW_IPPROTO_UDP;
		/* The payload length: "udp 412" (OpenBSD), "UDP, length 412" (Linux). */
		tw_cursor_skip_spaces(&w);
		tw_cursor_accept(&w, "length ", 7);
		if (tw_span_u32(tw_cursor_digits(&w), 65535, &ul) == TW_OK) {
			ev->payload_len = (uint16_t)ul;
			ev->has |= TW_EV_HAS_PAYLEN;
		}
	} else if (sp && dp) {
		ev->proto = TW_IPPROTO_TCP;
		uint8_t fl;
		if (tw_span_eq(word, "Flags", 5)) {
			/* Linux: "Flags [S.]" */
			tw_cursor_skip_spaces(&w);
			if (tw_cursor_accept_ch(&w, '[')) {
				struct tw_span fs = tw_cursor_until(&w, ']');
				if (tcp_flags_word(fs, &fl)) {
					ev->tcp_flags = fl;
					ev->has |= TW_EV_HAS_FLAGS;
				}
			}
		} else if (tcp_flags_word(word, &fl)) {
			ev->tcp_flags = fl;
			ev->has |= TW_EV_HAS_FLAGS;
		}
	} else {
		BAD("unknown protocol summary");
	}
	if (sp && dp && (ev->proto == TW_IPPROTO_TCP || ev->proto == TW_IPPROTO_UDP)) {
		ev->sport = sport;
		ev->dport = dport;
		ev->has |= TW_EV_HAS_PORTS;
	}
	ip_tail(rest, ev);
	return TW_OK;
}

static int parse_line(const char *line, size_t len, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	struct tw_cursor c;
	struct tw_span tag = {NULL, 0};
	int64_t ns;
	size_t n;

	/* Cheap rule-out: every pf log line holds " rule " or starts with "rule ". */
	if (len < 20 || !tw_in_find(line, len < 200 ? len : 200, "rule ", 5, 0))
		return TW_E_NOTFOUND;
	tw_cursor_init(&c, line, len);
	struct tw_span r = tw_cursor_rest(&c);
	if (r.len >= 15 && r.p[3] == ' ' &&
	    (n = tw_time_parse_syslog(r.p, r.len, &ctx->year, &ns))) {
		/* tcpdump's own stamp ("Mar 29 19:32:17.184835 rule …") or syslog's. */
		struct tw_cursor after = c;
		tw_cursor_skip(&after, n);
		tw_cursor_skip_spaces(&after);
		if (tw_cursor_left(&after) >= 5 && tw_bytes_eq(after.p, "rule ", 5)) {
			ev->ts = ns;
			ev->has |= TW_EV_HAS_TS;
			c = after;
		}
	}
	if (!tw_cursor_accept(&c, "rule ", 5)) {
		/* Forwarded through syslog: "<stamp> host pf: [stamp ]rule …". */
		tw_syslog_envelope(&c, ev, ctx, &tag);
		r = tw_cursor_rest(&c);
		if (r.len >= 15 && r.p[3] == ' ' &&
		    (n = tw_time_parse_syslog(r.p, r.len, &ctx->year, &ns))) {
			ev->ts = ns;
			ev->has |= TW_EV_HAS_TS;
			tw_cursor_skip(&c, n);
			tw_cursor_skip_spaces(&c);
		} else if (r.len && r.p[0] >= '0' && r.p[0] <= '9') {
			tw_cursor_until(&c, ' '); /* a -ttt delta: no absolute time */
			tw_cursor_skip_spaces(&c);
		}
		if (!tw_cursor_accept(&c, "rule ", 5))
			return TW_E_NOTFOUND;
	}
	const char *pstart = (const char *)c.p - 5;
	tw_cursor_until(&c, ' '); /* "4/(match)", "0/0(match)", "4.anchor.1/(match)" */
	ev->prefix = (struct tw_span){pstart, (size_t)((const char *)c.p - pstart)};
	tw_cursor_skip_spaces(&c);
	if (tw_cursor_peek(&c) == '[') { /* "[uid 0, pid 10758] " */
		tw_cursor_until(&c, ']');
		tw_cursor_accept_ch(&c, ']');
		tw_cursor_skip_spaces(&c);
	}
	struct tw_span act = tw_cursor_until(&c, ' ');
	tw_cursor_skip_spaces(&c);
	struct tw_span dir = tw_cursor_until(&c, ' ');
	tw_cursor_skip_spaces(&c);
	if (!tw_cursor_accept(&c, "on ", 3)) {
		ctx->detail = "no 'on <interface>'";
		return TW_E_TRUNCATED;
	}
	struct tw_span ifc = tw_cursor_until(&c, ':');
	if (!tw_cursor_accept(&c, ": ", 2)) {
		ctx->detail = "no packet summary";
		return TW_E_TRUNCATED;
	}
	ev->action = tw_span_eq(act, "block", 5)  ? TW_ACT_DROP
		     : tw_span_eq(act, "pass", 4) ? TW_ACT_ACCEPT
						  : TW_ACT_UNKNOWN;
	if (tw_span_eq(dir, "in", 2)) {
		ev->dir = TW_DIR_IN;
		ev->iface_in = ifc;
	} else if (tw_span_eq(dir, "out", 3)) {
		ev->dir = TW_DIR_OUT;
		ev->iface_out = ifc;
	} else {
		BAD("direction is neither in nor out");
	}
	return summary(&c, ev, ctx);
}

const struct tw_input_format tw_in_pftcpdump = {
    .name = "pf-tcpdump",
    .summary = "OpenBSD/FreeBSD pf log as printed by tcpdump -e (bare or via syslog)",
    .parse = parse_line,
};

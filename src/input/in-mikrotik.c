/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MikroTik RouterOS firewall log lines (log-formats.md §11), behind any syslog envelope:
 *   firewall,info [<log-prefix> ]<chain>: in:<if> out:<if|(unknown 0)>, [connection-state:<s>
 *   ][src-mac <mac>, ]proto <P>[ (<flags>|type <n>, code <n>)], <src>[:<port>]-><dst>[:<port>],
 *   [NAT …, ]len <n>
 * IPv6 endpoints are bracketed ("[2001:db8::1]:40384"). The chain gives the direction (input,
 * forward, output); RouterOS does not log the rule's action, so it stays unknown; the log
 * prefix is kept. */
#include <string.h>

#include "core/cursor.h"
#include "input/input-int.h"
#include "input/input.h"

#define BAD(why)                                                                                   \
	do {                                                                                       \
		ctx->detail = (why);                                                               \
		return TW_E_INVALID;                                                               \
	} while (0)

static struct tw_span trim(struct tw_span s)
{
	while (s.len && s.p[0] == ' ')
		s.p++, s.len--;
	while (s.len && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\r'))
		s.len--;
	return s;
}

static bool starts(struct tw_span s, const char *lit)
{
	return tw_in_starts(s.p, s.len, lit);
}

/* "TCP (SYN,ACK)", "ICMP (type 3, code 3)", "UDP", "47". */
static int proto_part(struct tw_span s, struct tw_event *ev)
{
	const char *sp = memchr(s.p, ' ', s.len);
	struct tw_span name = {s.p, sp ? (size_t)(sp - s.p) : s.len};
	uint32_t t, c;

	if (tw_proto_parse(name.p, name.len, &ev->proto))
		return TW_E_INVALID;
	if (!sp)
		return TW_OK;
	struct tw_span in = {sp + 1, s.len - name.len - 1};
	if (in.len < 2 || in.p[0] != '(' || in.p[in.len - 1] != ')')
		return TW_E_INVALID;
	in = (struct tw_span){in.p + 1, in.len - 2};
	if (starts(in, "type ")) {
		struct tw_cursor k;
		tw_cursor_init(&k, in.p + 5, in.len - 5);
		if (tw_span_u32(tw_cursor_digits(&k), 255, &t) ||
		    !tw_cursor_accept(&k, ", code ", 7) ||
		    tw_span_u32(tw_cursor_digits(&k), 255, &c) || tw_cursor_left(&k))
			return TW_E_INVALID;
		ev->icmp_type = (uint8_t)t;
		ev->icmp_code = (uint8_t)c;
		ev->has |= TW_EV_HAS_ICMP;
		return TW_OK;
	}
	struct tw_cursor k;
	uint8_t f = 0;
	tw_cursor_init(&k, in.p, in.len);
	while (tw_cursor_left(&k)) {
		struct tw_span w = tw_cursor_until(&k, ',');
		tw_cursor_accept_ch(&k, ',');
		uint8_t bit = tw_in_tcp_flag_word(w);
		if (!bit)
			return TW_E_INVALID;
		f |= bit;
	}
	ev->tcp_flags = f;
	ev->has |= TW_EV_HAS_FLAGS;
	return TW_OK;
}

/* The message after the chain: ", "-separated parts (commas inside parentheses belong to the
 * part). */
static int parts(struct tw_span m, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	bool have_proto = false, have_ends = false;
	size_t i = 0;

	while (i < m.len) {
		size_t j = i;
		int depth = 0;
		while (j < m.len &&
		       !(depth == 0 && m.p[j] == ',' && j + 1 < m.len && m.p[j + 1] == ' ')) {
			depth += m.p[j] == '(' ? 1 : m.p[j] == ')' ? -1 : 0;
			j++;
		}
		struct tw_span p = trim((struct tw_span){m.p + i, j - i});
		i = j + 2;
		if (starts(p, "in:")) {
			/* "in:ether1 out:(unknown 0)" */
			const char *o = NULL;
			for (size_t k = 3; k + 5 <= p.len && !o; k++)
				if (p.p[k - 1] == ' ' && memcmp(p.p + k, "out:", 4) == 0)
					o = p.p + k;
			struct tw_span in =
			    trim((struct tw_span){p.p + 3, o ? (size_t)(o - p.p - 3) : 0});
			struct tw_span out =
			    o ? (struct tw_span){o + 4, (size_t)(p.p + p.len - o - 4)}
			      : (struct tw_span){NULL, 0};
			if (in.len && !starts(in, "(unknown"))
				ev->iface_in = in;
			if (out.len && !starts(out, "(unknown"))
				ev->iface_out = out;
		} else if (starts(p, "proto ")) {
			if (proto_part((struct tw_span){p.p + 6, p.len - 6}, ev))
				BAD("bad protocol");
			have_proto = true;
		} else if (starts(p, "len ")) {
			uint32_t v;
			if (tw_span_u32((struct tw_span){p.p + 4, p.len - 4}, 65535, &v))
				BAD("bad length");
			ev->ip_len = (uint16_t)v;
			ev->has |= TW_EV_HAS_IPLEN;
		} else if (starts(p, "NAT ")) {
			continue; /* the translated addresses; the packet's are the first pair */
		} else if (!have_ends && memmem(p.p, p.len, "->", 2)) {
			const char *arrow = memmem(p.p, p.len, "->", 2);
			bool hs, hd;
			if (tw_in_endpoint((struct tw_span){p.p, (size_t)(arrow - p.p)}, false,
					   &ev->src, &ev->sport, &hs) ||
			    tw_in_endpoint(
				(struct tw_span){arrow + 2, (size_t)(p.p + p.len - arrow - 2)},
				false, &ev->dst, &ev->dport, &hd))
				BAD("bad endpoints");
			if (hs && hd)
				ev->has |= TW_EV_HAS_PORTS;
			have_ends = true;
		} else {
			/* "connection-state:new [src-mac 00:…][ proto TCP (SYN)]": the state is
			 * not kept; a MAC or protocol without a comma before it is. */
			const char *pr = memmem(p.p, p.len, " proto ", 7);
			if (pr) {
				if (proto_part(
					(struct tw_span){pr + 7, (size_t)(p.p + p.len - pr - 7)},
					ev))
					BAD("bad protocol");
				have_proto = true;
				p.len = (size_t)(pr - p.p);
			}
			const char *mac = memmem(p.p, p.len, "src-mac ", 8);
			if (mac) {
				struct tw_span ms = {mac + 8, (size_t)(p.p + p.len - mac - 8)};
				const char *sp = memchr(ms.p, ' ', ms.len);
				if (sp)
					ms.len = (size_t)(sp - ms.p);
				ev->mac = ms;
			}
		}
	}
	if (!have_proto || !have_ends) {
		ctx->detail = have_proto ? "no addresses" : "no protocol";
		return TW_E_TRUNCATED;
	}
	if (!(ev->proto == TW_IPPROTO_TCP || ev->proto == TW_IPPROTO_UDP ||
	      ev->proto == TW_IPPROTO_SCTP || ev->proto == TW_IPPROTO_UDPLITE))
		ev->has &= ~(uint32_t)TW_EV_HAS_PORTS;
	return TW_OK;
}

static int parse_mt(const char *line, size_t len, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	/* The topic list "firewall,info" (or "firewall,warning"…) as a word of its own. */
	size_t lim = len < 200 ? len : 200;
	const char *t = NULL;
	for (const char *p = line; p + 9 <= line + lim; p++) {
		p = memchr(p, 'f', (size_t)(line + lim - p));
		if (!p || p + 9 > line + lim)
			break;
		if (memcmp(p, "firewall,", 9) == 0 && (p == line || p[-1] == ' ')) {
			t = p;
			break;
		}
	}
	if (!t)
		return TW_E_NOTFOUND;
	struct tw_cursor c;
	tw_cursor_init(&c, line, (size_t)(t - line));
	tw_syslog_envelope(&c, ev, ctx, NULL);
	if (!ev->host.len) {
		struct tw_span h = trim(tw_cursor_rest(&c));
		if (h.len && !memchr(h.p, ' ', h.len))
			ev->host = h;
	}

	/* "[prefix ]chain: in:" — the chain is the word before ": in:". */
	struct tw_span rest = {t, len - (size_t)(t - line)};
	const char *sp = memchr(rest.p, ' ', rest.len);
	if (!sp)
		return TW_E_NOTFOUND;
	struct tw_span after = {sp + 1, rest.len - (size_t)(sp + 1 - rest.p)};
	const char *in = memmem(after.p, after.len, ": in:", 5);
	if (!in) {
		ctx->detail = "no chain and interfaces";
		return TW_E_TRUNCATED;
	}
	struct tw_span head = {after.p, (size_t)(in - after.p)};
	const char *csp = memrchr(head.p, ' ', head.len);
	struct tw_span chain =
	    csp ? (struct tw_span){csp + 1, (size_t)(head.p + head.len - csp - 1)} : head;
	if (csp)
		ev->prefix = trim((struct tw_span){head.p, (size_t)(csp - head.p)});
	ev->dir = tw_span_eq(chain, "input", 5)	    ? TW_DIR_IN
		  : tw_span_eq(chain, "forward", 7) ? TW_DIR_FORWARD
		  : tw_span_eq(chain, "output", 6)  ? TW_DIR_OUT
						    : TW_DIR_UNKNOWN;
	struct tw_span m = {in + 2, (size_t)(after.p + after.len - in - 2)};
	return parts(trim(m), ev, ctx);
}

static bool sniff(const char *line, size_t len, const struct tw_parse_ctx *ctx)
{
	(void)ctx;
	return tw_in_find(line, len < 200 ? len : 200, "firewall,", 9, 8) != NULL;
}

const struct tw_input_format tw_in_mikrotik = {
    .name = "mikrotik",
    .summary = "MikroTik RouterOS firewall log lines (IPv4 and bracketed IPv6)",
    .parse = parse_mt,
    .sniff = sniff,
};

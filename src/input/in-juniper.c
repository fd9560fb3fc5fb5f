/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Juniper SRX (Junos) flow and screen logs (log-formats.md §10). Structured (RFC 5424, the
 * packet in the SD element), possibly behind a relay's BSD header:
 *   … RT_FLOW - RT_FLOW_SESSION_DENY [junos@2636.1.1.1.2.39 source-address="…"
 *     source-port="…" destination-address="…" destination-port="…" protocol-id="17"
 *     icmp-type="0" policy-name="…" source-zone-name="…" … reason="policy deny"]
 *   … RT_IDS - RT_SCREEN_IP [junos@… attack-name="IP spoofing!" source-address="…" …]
 * or brief:
 *   RT_FLOW: RT_FLOW_SESSION_DENY: session denied <src>/<sport>-><dst>/<dport> <service>
 *   <proto>(<icmp-type>) <policy> <from-zone> <to-zone> …
 * Session denies and screen (scan, flood, spoof) drops are packets, session creates and
 * closes accepted ones; other RT_FLOW messages are not packets. */
#include <string.h>

#include "core/cursor.h"
#include "core/time.h"
#include "input/input-int.h"
#include "input/input.h"

#define BAD(why)                                                                                   \
	do {                                                                                       \
		ctx->detail = (why);                                                               \
		return TW_E_INVALID;                                                               \
	} while (0)

enum { K_SRC, K_SPORT, K_DST, K_DPORT, K_PROTO, K_ICMP, K_POLICY, K_ATTACK, K_IF, K_ACTION, K_N };

static const struct {
	const char *key;
	int id;
} keys[] = {
    {"source-address", K_SRC},	   {"source-port", K_SPORT},  {"destination-address", K_DST},
    {"destination-port", K_DPORT}, {"protocol-id", K_PROTO},  {"icmp-type", K_ICMP},
    {"policy-name", K_POLICY},	   {"attack-name", K_ATTACK}, {"packet-incoming-interface", K_IF},
    {"interface-name", K_IF},	   {"action", K_ACTION},
};

/* The SD-PARAMs of "[junos@… name="value" …]" (RFC 5424 escapes \" \\ \] left in place). */
static void sd_params(struct tw_span sd, struct tw_span f[K_N])
{
	size_t i = 0;
	while (i < sd.len && sd.p[i] != ' ' && sd.p[i] != ']')
		i++; /* the SD-ID */
	while (i < sd.len && sd.p[i] != ']') {
		while (i < sd.len && sd.p[i] == ' ')
			i++;
		size_t k = i;
		while (i < sd.len && sd.p[i] != '=' && sd.p[i] != ' ' && sd.p[i] != ']')
			i++;
		if (i + 1 >= sd.len || sd.p[i] != '=' || sd.p[i + 1] != '"')
			return;
		struct tw_span key = {sd.p + k, i - k};
		size_t v = i += 2;
		while (i < sd.len && sd.p[i] != '"') {
			if (sd.p[i] == '\\')
				i++;
			i++;
		}
		if (i >= sd.len)
			return;
		for (size_t j = 0; j < sizeof(keys) / sizeof(keys[0]); j++)
			if (tw_span_eq(key, keys[j].key, strlen(keys[j].key)) && !f[keys[j].id].p)
				f[keys[j].id] = (struct tw_span){sd.p + v, i - v};
		i++;
	}
}

/* The brief form after "session denied ": "A/p->B/p svc proto(icmp) policy from to …". */
static void brief(struct tw_span m, struct tw_span f[K_N])
{
	struct tw_cursor c;
	tw_cursor_init(&c, m.p, m.len);
	struct tw_span ends = tw_cursor_until(&c, ' ');
	const char *arrow = memmem(ends.p, ends.len, "->", 2);
	if (!arrow)
		return;
	struct tw_span a = {ends.p, (size_t)(arrow - ends.p)};
	struct tw_span b = {arrow + 2, (size_t)(ends.p + ends.len - arrow - 2)};
	const char *sa = memrchr(a.p, '/', a.len), *sb = memrchr(b.p, '/', b.len);
	if (!sa || !sb)
		return;
	f[K_SRC] = (struct tw_span){a.p, (size_t)(sa - a.p)};
	f[K_SPORT] = (struct tw_span){sa + 1, (size_t)(a.p + a.len - sa - 1)};
	f[K_DST] = (struct tw_span){b.p, (size_t)(sb - b.p)};
	f[K_DPORT] = (struct tw_span){sb + 1, (size_t)(b.p + b.len - sb - 1)};
	tw_cursor_skip_spaces(&c);
	tw_cursor_until(&c, ' '); /* service name */
	tw_cursor_skip_spaces(&c);
	struct tw_span p = tw_cursor_until(&c, ' ');
	const char *lp = memchr(p.p, '(', p.len);
	f[K_PROTO] = (struct tw_span){p.p, lp ? (size_t)(lp - p.p) : p.len};
	tw_cursor_skip_spaces(&c);
	f[K_POLICY] = tw_cursor_until(&c, ' ');
}

static int parse_junos(const char *line, size_t len, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	struct tw_span f[K_N] = {{0}};
	uint32_t v;

	/* The message tag: RT_FLOW_SESSION_*, RT_SCREEN_*, or another RT_FLOW message. */
	const char *tag = memmem(line, len, "RT_FLOW", 7);
	const char *scr = memmem(line, len, "RT_SCREEN_", 10);
	if (!tag && !scr)
		return TW_E_NOTFOUND;
	const char *t = scr ? scr : tag;
	const char *sess = memmem(line, len, "RT_FLOW_SESSION_", 16);
	if (!scr && sess)
		t = sess;

	/* Envelope: a relay's header, then the device's own RFC 3339 stamp and host. */
	struct tw_cursor c;
	tw_cursor_init(&c, line, (size_t)(t - line));
	tw_syslog_envelope(&c, ev, ctx, NULL);
	while (tw_cursor_left(&c)) {
		tw_cursor_skip_spaces(&c);
		struct tw_span w = tw_cursor_rest(&c);
		int64_t ns;
		int32_t off;
		bool hoff;
		size_t n;
		if (w.len >= 20 && w.p[4] == '-' &&
		    (n = tw_time_parse_rfc3339(w.p, w.len, &ns, &off, &hoff))) {
			ev->ts = ns;
			ev->tz_off_s = off;
			ev->has |= TW_EV_HAS_TS | (hoff ? TW_EV_HAS_TZ : 0);
			tw_cursor_skip(&c, n);
			tw_cursor_skip_spaces(&c);
			struct tw_span h = tw_cursor_until(&c, ' ');
			if (h.len)
				ev->host = h;
			continue;
		}
		tw_cursor_until(&c, ' ');
	}

	struct tw_span rest = {t, len - (size_t)(t - line)};
	bool deny = false, accept = false;
	if (scr) {
		deny = true;
	} else if (sess) {
		struct tw_span kind = {t + 16, 0};
		while (kind.p + kind.len < line + len && kind.p[kind.len] != ' ' &&
		       kind.p[kind.len] != ':')
			kind.len++;
		deny = tw_in_starts(kind.p, kind.len, "DENY");
		accept = tw_in_starts(kind.p, kind.len, "CREATE") ||
			 tw_in_starts(kind.p, kind.len, "CLOSE");
		if (!deny && !accept) {
			ctx->detail = "Junos session message that records no packet";
			return TW_IN_NOPACKET;
		}
	} else {
		ctx->detail = "Junos flow message that records no packet";
		return TW_IN_NOPACKET;
	}
	const char *sd = memmem(rest.p, rest.len, "[junos@", 7);
	if (sd) {
		sd_params((struct tw_span){sd + 1, (size_t)(line + len - sd - 1)}, f);
	} else {
		const char *b = memmem(rest.p, rest.len, "session denied ", 15);
		if (!b)
			b = memmem(rest.p, rest.len, "session created ", 16);
		if (!b)
			b = memmem(rest.p, rest.len, "session closed ", 15);
		if (b) {
			const char *sp = memchr(b + 8, ' ', (size_t)(line + len - b - 8));
			if (sp)
				brief((struct tw_span){sp + 1, (size_t)(line + len - sp - 1)}, f);
		}
	}
	if (!f[K_SRC].p || !f[K_DST].p) {
		ctx->detail = "no source or destination address";
		return TW_E_TRUNCATED;
	}
	if (tw_addr_parse(f[K_SRC].p, f[K_SRC].len, &ev->src))
		BAD("bad source address");
	if (tw_addr_parse(f[K_DST].p, f[K_DST].len, &ev->dst))
		BAD("bad destination address");
	if (!f[K_PROTO].p || tw_span_u32(f[K_PROTO], 255, &v))
		BAD("no valid protocol-id");
	ev->proto = (uint8_t)v;
	if (f[K_SPORT].p && f[K_DPORT].p &&
	    (ev->proto == TW_IPPROTO_TCP || ev->proto == TW_IPPROTO_UDP ||
	     ev->proto == TW_IPPROTO_SCTP)) {
		if (tw_span_u32(f[K_SPORT], 65535, &v))
			BAD("bad source port");
		ev->sport = (uint16_t)v;
		if (tw_span_u32(f[K_DPORT], 65535, &v))
			BAD("bad destination port");
		ev->dport = (uint16_t)v;
		ev->has |= TW_EV_HAS_PORTS;
	}
	if ((ev->proto == TW_IPPROTO_ICMP || ev->proto == TW_IPPROTO_ICMPV6) && f[K_ICMP].p &&
	    tw_span_u32(f[K_ICMP], 255, &v) == TW_OK) {
		ev->icmp_type = (uint8_t)v;
		ev->has |= TW_EV_HAS_ICMP;
	}
	ev->action = accept ? TW_ACT_ACCEPT : TW_ACT_DROP;
	if (scr && f[K_ACTION].p && !tw_span_eq(f[K_ACTION], "drop", 4))
		ev->action = TW_ACT_UNKNOWN;
	if (f[K_IF].p && f[K_IF].len)
		ev->iface_in = f[K_IF];
	ev->prefix = f[K_ATTACK].p ? f[K_ATTACK] : f[K_POLICY];
	return TW_OK;
}

static bool sniff(const char *line, size_t len, const struct tw_parse_ctx *ctx)
{
	(void)ctx;
	return tw_in_find(line, len, "RT_", 3, 2) != NULL;
}

const struct tw_input_format tw_in_juniper = {
    .name = "juniper",
    .summary = "Juniper SRX RT_FLOW session and RT_SCREEN logs (structured or brief)",
    .parse = parse_junos,
    .sniff = sniff,
};

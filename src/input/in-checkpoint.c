/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Check Point Log Exporter syslog (log-formats.md §12): RFC 5424 (the <PRI> sometimes cut by
 * a relay) whose structured data holds the record as key:"value"; pairs:
 *   1 2019-05-15T16:25:50Z HOST CheckPoint 19710 - [action:"Drop"; ifdir:"inbound";
 *   ifname:"eth2"; … time:"1557937550"; … dst:"…"; proto:"17"; s_port:"55036";
 *   service:"1514"; src:"…"; rule_name:"CleanUp Rule"; …]
 * Keys may hold "::" and quoted values ';' and escaped quotes or brackets. Records with a
 * source, a destination and a protocol are packets (the action decides drop or accept);
 * the others (VPN key exchanges, logins…) are not. "time" (epoch) is the record's time. */
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

enum {
	K_ACTION,
	K_IFDIR,
	K_IFNAME,
	K_TIME,
	K_SRC,
	K_DST,
	K_PROTO,
	K_SPORT,
	K_SERVICE,
	K_RULE,
	K_N
};

static const struct {
	const char *key;
	int id;
} keys[] = {
    {"action", K_ACTION},   {"ifdir", K_IFDIR},	   {"ifname", K_IFNAME}, {"time", K_TIME},
    {"src", K_SRC},	    {"dst", K_DST},	   {"proto", K_PROTO},	 {"s_port", K_SPORT},
    {"service", K_SERVICE}, {"rule_name", K_RULE},
};

/* key:"value"; pairs up to the closing ']'. The first value of a repeated key wins. */
static void pairs(struct tw_span sd, struct tw_span f[K_N])
{
	size_t i = 0;
	while (i < sd.len) {
		while (i < sd.len && (sd.p[i] == ' ' || sd.p[i] == ';'))
			i++;
		if (i >= sd.len || sd.p[i] == ']')
			return;
		size_t k = i;
		while (i < sd.len && sd.p[i] != '"' && sd.p[i] != ' ' && sd.p[i] != ']')
			i++;
		if (i >= sd.len || sd.p[i] != '"' || i == k || sd.p[i - 1] != ':')
			return;
		struct tw_span key = {sd.p + k, i - k - 1};
		while (key.len && key.p[key.len - 1] == ':')
			key.len--; /* "ike::" */
		size_t v = ++i;
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

static int parse_cp(const char *line, size_t len, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	struct tw_span f[K_N] = {{0}};
	uint32_t v;

	/* "… CheckPoint <pid> - [" : the app name, then the SD with key:"value" pairs. */
	size_t lim = len < 200 ? len : 200;
	const char *app = memmem(line, lim, " CheckPoint ", 12);
	if (!app)
		return TW_E_NOTFOUND;
	const char *sd = memchr(app, '[', (size_t)(line + len - app));
	if (!sd)
		return TW_E_NOTFOUND;
	/* The header: "[<PRI>]1 <stamp> <host>". */
	struct tw_cursor c;
	tw_cursor_init(&c, line, (size_t)(app - line));
	if (tw_cursor_peek(&c) == '<') {
		tw_cursor_until(&c, '>');
		tw_cursor_skip(&c, 1);
	}
	if (tw_cursor_accept(&c, "1 ", 2)) {
		struct tw_span r = tw_cursor_rest(&c);
		int64_t ns;
		int32_t off;
		bool hoff;
		size_t n = tw_time_parse_rfc3339(r.p, r.len, &ns, &off, &hoff);
		if (n) {
			ev->ts = ns;
			ev->tz_off_s = off;
			ev->has |= TW_EV_HAS_TS | (hoff ? TW_EV_HAS_TZ : 0);
			tw_cursor_skip(&c, n);
		}
		tw_cursor_skip_spaces(&c);
		ev->host = tw_cursor_until(&c, ' ');
	} else {
		tw_syslog_envelope(&c, ev, ctx, NULL);
	}
	pairs((struct tw_span){sd + 1, (size_t)(line + len - sd - 1)}, f);
	if (!f[K_ACTION].p && !f[K_SRC].p)
		return TW_E_NOTFOUND;
	if (!f[K_SRC].len || !f[K_DST].len || !f[K_PROTO].len) {
		ctx->detail = "Check Point record that names no packet (VPN, login…)";
		return TW_IN_NOPACKET;
	}
	if (tw_addr_parse(f[K_SRC].p, f[K_SRC].len, &ev->src))
		BAD("bad source address");
	if (tw_addr_parse(f[K_DST].p, f[K_DST].len, &ev->dst))
		BAD("bad destination address");
	if (tw_span_u32(f[K_PROTO], 255, &v))
		BAD("bad protocol number");
	ev->proto = (uint8_t)v;
	if (f[K_SPORT].len && f[K_SERVICE].len &&
	    (ev->proto == TW_IPPROTO_TCP || ev->proto == TW_IPPROTO_UDP)) {
		if (tw_span_u32(f[K_SPORT], 65535, &v))
			BAD("bad source port");
		ev->sport = (uint16_t)v;
		if (tw_span_u32(f[K_SERVICE], 65535, &v))
			BAD("bad service port");
		ev->dport = (uint16_t)v;
		ev->has |= TW_EV_HAS_PORTS;
	}
	if (f[K_TIME].len && tw_span_u32(f[K_TIME], UINT32_MAX, &v) == TW_OK) {
		ev->ts = (int64_t)v * TW_NS;
		ev->has |= TW_EV_HAS_TS;
	}
	struct tw_span a = f[K_ACTION];
	ev->action = tw_in_is(a, "Drop") || tw_in_is(a, "Block")     ? TW_ACT_DROP
		     : tw_in_is(a, "Reject")			     ? TW_ACT_REJECT
		     : tw_in_is(a, "Accept") || tw_in_is(a, "Allow") ? TW_ACT_ACCEPT
								     : TW_ACT_UNKNOWN;
	ev->dir = tw_in_is(f[K_IFDIR], "inbound")    ? TW_DIR_IN
		  : tw_in_is(f[K_IFDIR], "outbound") ? TW_DIR_OUT
						     : TW_DIR_UNKNOWN;
	if (f[K_IFNAME].len) {
		if (ev->dir == TW_DIR_OUT)
			ev->iface_out = f[K_IFNAME];
		else
			ev->iface_in = f[K_IFNAME];
	}
	if (f[K_RULE].len)
		ev->prefix = f[K_RULE];
	return TW_OK;
}

static bool sniff(const char *line, size_t len, const struct tw_parse_ctx *ctx)
{
	(void)ctx;
	return tw_in_find(line, len < 200 ? len : 200, " CheckPoint ", 12, 1) != NULL;
}

const struct tw_input_format tw_in_checkpoint = {
    .name = "checkpoint",
    .summary = "Check Point Log Exporter syslog (RFC 5424, key:\"value\"; pairs)",
    .parse = parse_cp,
    .sniff = sniff,
};

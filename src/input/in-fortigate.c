/* SPDX-License-Identifier: GPL-2.0-or-later */
/* FortiGate (FortiOS) key=value logs (log-formats.md §9), bare or behind a syslog header:
 *   date=2019-05-13 time=11:45:04 logid="0000000013" type="traffic" subtype="forward" …
 *   srcip=… srcport=… srcintf="…" dstip=… dstport=… dstintf="…" proto=6 action="deny"
 * FortiOS 4 wrote log_id=, status=, src=, dst=, src_port=, dst_port=, src_int=, dst_int=.
 * Traffic logs, and the anomaly (DoS policy) and IPS logs, which name the attack, are
 * packets; the other logs (events, web filter, antivirus…) are not. The time is the
 * device's local time: "tz=" (FortiOS 6.2+) gives its offset, otherwise "eventtime=" (epoch)
 * or the process's zone (--tz) decides. */
#include <string.h>

#include "core/time.h"
#include "input/input-int.h"
#include "input/input.h"

#define BAD(why)                                                                                   \
	do {                                                                                       \
		ctx->detail = (why);                                                               \
		return TW_E_INVALID;                                                               \
	} while (0)

enum {
	K_DATE,
	K_TIME,
	K_TZ,
	K_EVENTTIME,
	K_DEVNAME,
	K_TYPE,
	K_SUBTYPE,
	K_ACTION,
	K_STATUS,
	K_SRC,
	K_DST,
	K_SPORT,
	K_DPORT,
	K_PROTO,
	K_SRCINTF,
	K_DSTINTF,
	K_POLICY,
	K_ATTACK,
	K_LOGID,
	K_N
};

static const struct {
	const char *key;
	int id;
} keys[] = {
    {"date", K_DATE},	    {"time", K_TIME},
    {"tz", K_TZ},	    {"eventtime", K_EVENTTIME},
    {"devname", K_DEVNAME}, {"type", K_TYPE},
    {"subtype", K_SUBTYPE}, {"action", K_ACTION},
    {"status", K_STATUS},   {"srcip", K_SRC},
    {"src", K_SRC},	    {"dstip", K_DST},
    {"dst", K_DST},	    {"srcport", K_SPORT},
    {"src_port", K_SPORT},  {"dstport", K_DPORT},
    {"dst_port", K_DPORT},  {"proto", K_PROTO},
    {"srcintf", K_SRCINTF}, {"src_int", K_SRCINTF},
    {"dstintf", K_DSTINTF}, {"dst_int", K_DSTINTF},
    {"policyid", K_POLICY}, {"attack", K_ATTACK},
    {"logid", K_LOGID},	    {"log_id", K_LOGID},
};

static int key_id(struct tw_span k)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (tw_span_eq(k, keys[i].key, strlen(keys[i].key)))
			return keys[i].id;
	return -1;
}

/* "-0500" or "+0530" (FortiOS writes the offset without a colon). */
static int tz_offset(struct tw_span v, int32_t *off)
{
	uint32_t h, m;
	if (v.len != 5 || (v.p[0] != '+' && v.p[0] != '-') ||
	    tw_span_u32((struct tw_span){v.p + 1, 2}, 23, &h) ||
	    tw_span_u32((struct tw_span){v.p + 3, 2}, 59, &m))
		return TW_E_INVALID;
	*off = (v.p[0] == '-' ? -1 : 1) * (int32_t)(h * 3600 + m * 60);
	return TW_OK;
}

/* eventtime: epoch in s, ms, µs or ns by its number of digits. */
static int epoch(struct tw_span v, int64_t *ns)
{
	int64_t x = 0;
	if (v.len < 9 || v.len > 19)
		return TW_E_INVALID;
	for (size_t i = 0; i < v.len; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			return TW_E_INVALID;
		x = x * 10 + (v.p[i] - '0');
	}
	static const int64_t scale[] = {TW_NS, 1000000, 1000, 1};
	size_t k = v.len <= 10 ? 0 : v.len <= 13 ? 1 : v.len <= 16 ? 2 : 3;
	if (x > INT64_MAX / scale[k]) /* 13 digits of ms overflow too, not only seconds */
		return TW_E_INVALID;
	*ns = x * scale[k];
	return TW_OK;
}

static int parse_fgt(const char *line, size_t len, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	struct tw_span f[K_N] = {{0}};
	struct tw_cursor c;
	struct tw_kv kv;
	char tbuf[16];
	uint32_t v;

	if (!memmem(line, len, "type=", 5) ||
	    !(memmem(line, len, "logid=", 6) || memmem(line, len, "log_id=", 7)))
		return TW_E_NOTFOUND;
	tw_cursor_init(&c, line, len);
	tw_syslog_envelope(&c, ev, ctx, NULL);
	int last = -1;
	while (tw_kv_next(&c, &kv)) {
		if (kv.noeq) {
			/* "time=10: 13:03": a damaged time split by a space. */
			if (last == K_TIME && f[K_TIME].len &&
			    f[K_TIME].p[f[K_TIME].len - 1] == ':')
				f[K_TIME] = tw_kv_squeeze(
				    (struct tw_span){f[K_TIME].p,
						     (size_t)(kv.key.p + kv.key.len - f[K_TIME].p)},
				    tbuf, sizeof(tbuf));
			continue;
		}
		last = key_id(kv.key);
		if (last >= 0 && !f[last].p)
			f[last] = kv.val;
	}
	if (!f[K_LOGID].p || !f[K_TYPE].p || !f[K_DATE].p)
		return TW_E_NOTFOUND;

	struct tw_span t = f[K_TYPE], st = f[K_SUBTYPE];
	bool traffic = tw_in_is(t, "traffic");
	bool attack = tw_in_is(t, "anomaly") ||
		      (tw_in_is(t, "utm") && (tw_in_is(st, "anomaly") || tw_in_is(st, "ips")));
	if (!traffic && !attack) {
		ctx->detail = "FortiGate log that records no packet (event, web filter, …)";
		return TW_IN_NOPACKET;
	}

	/* Time: date and time with tz=, else eventtime, else local. */
	struct tw_civil cv;
	int32_t off = 0;
	bool hoff = f[K_TZ].p && tz_offset(f[K_TZ], &off) == TW_OK;
	int64_t ns;
	if (tw_civil_parse(f[K_DATE].p, f[K_DATE].len, '-', f[K_TIME].p, f[K_TIME].len, &cv) ==
	    TW_OK) {
		ev->ts = tw_civil_to_ns(&cv, hoff, off, &ctx->year);
		ev->tz_off_s = off;
		ev->has =
		    (ev->has & ~(uint32_t)TW_EV_HAS_TZ) | TW_EV_HAS_TS | (hoff ? TW_EV_HAS_TZ : 0);
		if (!hoff && f[K_EVENTTIME].p && epoch(f[K_EVENTTIME], &ns) == TW_OK)
			ev->ts = ns;
	} else {
		BAD("bad date or time");
	}

	if (!f[K_SRC].p || tw_addr_parse(f[K_SRC].p, f[K_SRC].len, &ev->src))
		BAD("no valid source address");
	if (!f[K_DST].p || tw_addr_parse(f[K_DST].p, f[K_DST].len, &ev->dst))
		BAD("no valid destination address");
	if (!f[K_PROTO].p || tw_span_u32(f[K_PROTO], 255, &v))
		BAD("no valid protocol number");
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
	struct tw_span a = f[K_ACTION].p ? f[K_ACTION] : f[K_STATUS];
	if (tw_in_is(a, "deny") || tw_in_is(a, "dropped") || tw_in_is(a, "blocked") ||
	    tw_in_is(a, "block") || tw_in_is(a, "clear_session") || tw_in_is(a, "reset"))
		ev->action = TW_ACT_DROP;
	else if (tw_in_is(a, "accept") || tw_in_is(a, "close") || tw_in_is(a, "timeout") ||
		 tw_in_is(a, "start") || tw_in_is(a, "pass") || tw_in_is(a, "passthrough"))
		ev->action = TW_ACT_ACCEPT;
	if (tw_in_is(st, "local"))
		ev->dir = TW_DIR_IN;
	else if (tw_in_is(st, "forward"))
		ev->dir = TW_DIR_FORWARD;
	if (f[K_SRCINTF].p && !tw_in_is(f[K_SRCINTF], "N/A"))
		ev->iface_in = f[K_SRCINTF];
	if (f[K_DSTINTF].p && !tw_in_is(f[K_DSTINTF], "N/A"))
		ev->iface_out = f[K_DSTINTF];
	if (f[K_DEVNAME].p)
		ev->host = f[K_DEVNAME];
	/* The attack name, else the policy, stands in for the rule prefix. */
	if (f[K_ATTACK].p)
		ev->prefix = f[K_ATTACK];
	else if (f[K_POLICY].p)
		ev->prefix = f[K_POLICY];
	return TW_OK;
}

/* "logid=" or "log_id=". */
static bool sniff(const char *line, size_t len, const struct tw_parse_ctx *ctx)
{
	(void)ctx;
	return tw_in_find(line, len, "id=", 3, 2) != NULL;
}

const struct tw_input_format tw_in_fortigate = {
    .name = "fortigate",
    .summary = "FortiGate key=value traffic, anomaly and IPS logs (FortiOS 4 to 7)",
    .parse = parse_fgt,
    .sniff = sniff,
};

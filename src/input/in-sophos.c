/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sophos XG / SFOS key=value logs (log-formats.md §12), bare or behind a syslog header:
 *   device="SFW" date=2019-10-09 time=17:19:06 timezone="+08" device_name="XG210" …
 *   log_type="Firewall" log_subtype="Denied" status="Deny" … in_interface="Port3"
 *   out_interface="Port2" src_mac=… src_ip=… dst_ip=… protocol="TCP" src_port=… dst_port=
 * Firewall records with both addresses are packets; other log types (IPS, web, admin…) are
 * not. Empty values ("src_country_code= ") and doubled spaces occur. */
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
	K_HOST,
	K_TYPE,
	K_SUBTYPE,
	K_STATUS,
	K_SRC,
	K_DST,
	K_SPORT,
	K_DPORT,
	K_PROTO,
	K_IN,
	K_OUT,
	K_MAC,
	K_RULE,
	K_N
};

static const struct {
	const char *key;
	int id;
} keys[] = {
    {"date", K_DATE},	     {"time", K_TIME},	       {"timezone", K_TZ},
    {"device_name", K_HOST}, {"log_type", K_TYPE},     {"log_subtype", K_SUBTYPE},
    {"status", K_STATUS},    {"src_ip", K_SRC},	       {"dst_ip", K_DST},
    {"src_port", K_SPORT},   {"dst_port", K_DPORT},    {"protocol", K_PROTO},
    {"in_interface", K_IN},  {"out_interface", K_OUT}, {"src_mac", K_MAC},
    {"fw_rule_id", K_RULE},
};

/* "+08", "-05", "+0530", "+05:30". */
static int tz_offset(struct tw_span v, int32_t *off)
{
	uint32_t h, m = 0;
	if (v.len < 3 || (v.p[0] != '+' && v.p[0] != '-') ||
	    tw_span_u32((struct tw_span){v.p + 1, 2}, 23, &h))
		return TW_E_INVALID;
	if (v.len == 5 && tw_span_u32((struct tw_span){v.p + 3, 2}, 59, &m))
		return TW_E_INVALID;
	if (v.len == 6 && (v.p[3] != ':' || tw_span_u32((struct tw_span){v.p + 4, 2}, 59, &m)))
		return TW_E_INVALID;
	if (v.len != 3 && v.len != 5 && v.len != 6)
		return TW_E_INVALID;
	*off = (v.p[0] == '-' ? -1 : 1) * (int32_t)(h * 3600 + m * 60);
	return TW_OK;
}

static int parse_sophos(const char *line, size_t len, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	struct tw_span f[K_N] = {{0}};
	struct tw_cursor c;
	struct tw_kv kv;
	uint32_t v;

	if (!memmem(line, len, "log_type=", 9) || !memmem(line, len, "device=", 7))
		return TW_E_NOTFOUND;
	tw_cursor_init(&c, line, len);
	tw_syslog_envelope(&c, ev, ctx, NULL);
	bool sfw = false;
	while (tw_kv_next(&c, &kv)) {
		if (kv.noeq)
			continue;
		if (tw_in_is(kv.key, "device"))
			sfw = true;
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (tw_span_eq(kv.key, keys[i].key, strlen(keys[i].key))) {
				if (!f[keys[i].id].p)
					f[keys[i].id] = kv.val;
				break;
			}
	}
	if (!sfw || !f[K_TYPE].p || !f[K_DATE].p)
		return TW_E_NOTFOUND;
	if (!tw_in_is(f[K_TYPE], "Firewall") || !f[K_SRC].len || !f[K_DST].len) {
		ctx->detail = "Sophos log that records no packet";
		return TW_IN_NOPACKET;
	}
	struct tw_civil cv;
	int32_t off = 0;
	bool hoff = f[K_TZ].p && tz_offset(f[K_TZ], &off) == TW_OK;
	if (tw_civil_parse(f[K_DATE].p, f[K_DATE].len, '-', f[K_TIME].p, f[K_TIME].len, &cv))
		BAD("bad date or time");
	ev->ts = tw_civil_to_ns(&cv, hoff, off, &ctx->year);
	ev->tz_off_s = off;
	ev->has = (ev->has & ~(uint32_t)TW_EV_HAS_TZ) | TW_EV_HAS_TS | (hoff ? TW_EV_HAS_TZ : 0);
	if (tw_addr_parse(f[K_SRC].p, f[K_SRC].len, &ev->src))
		BAD("bad source address");
	if (tw_addr_parse(f[K_DST].p, f[K_DST].len, &ev->dst))
		BAD("bad destination address");
	if (!f[K_PROTO].p || tw_proto_parse(f[K_PROTO].p, f[K_PROTO].len, &ev->proto))
		BAD("no valid protocol");
	if (f[K_SPORT].len && f[K_DPORT].len &&
	    (ev->proto == TW_IPPROTO_TCP || ev->proto == TW_IPPROTO_UDP)) {
		if (tw_span_u32(f[K_SPORT], 65535, &v))
			BAD("bad source port");
		ev->sport = (uint16_t)v;
		if (tw_span_u32(f[K_DPORT], 65535, &v))
			BAD("bad destination port");
		ev->dport = (uint16_t)v;
		ev->has |= TW_EV_HAS_PORTS;
	}
	struct tw_span s = f[K_STATUS];
	ev->action = tw_in_is(s, "Deny") || tw_in_is(s, "Drop") ? TW_ACT_DROP
		     : tw_in_is(s, "Allow")			? TW_ACT_ACCEPT
								: TW_ACT_UNKNOWN;
	if (f[K_IN].len)
		ev->iface_in = f[K_IN];
	if (f[K_OUT].len)
		ev->iface_out = f[K_OUT];
	if (f[K_MAC].len)
		ev->mac = f[K_MAC];
	if (f[K_HOST].len)
		ev->host = f[K_HOST];
	if (f[K_RULE].len)
		ev->prefix = f[K_RULE];
	return TW_OK;
}

static bool sniff(const char *line, size_t len, const struct tw_parse_ctx *ctx)
{
	(void)ctx;
	return tw_in_find(line, len, "log_type=", 9, 8) != NULL;
}

const struct tw_input_format tw_in_sophos = {
    .name = "sophos",
    .summary = "Sophos XG/SFOS key=value firewall logs",
    .parse = parse_sophos,
    .sniff = sniff,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ulogd2's JSON output (ulogd_output_JSON over NFLOG, BASE and IP2STR): one object per
 * packet with ulogd's key names:
 *   {"timestamp":"2004-08-06T21:14:02.123456+0200","dvc":"gw","raw.pktlen":468,
 *    "oob.prefix":"DROP in: ","oob.in":"eth0","oob.out":"","ip.protocol":17,"ip.ttl":113,
 *    "ip.totlen":468,"ip.id":420,"src_ip":"…","dest_ip":"…","src_port":1027,
 *    "dest_port":1026,"udp.len":448,"tcp.syn":1,…,"icmp.type":8,"icmp.code":0}
 * ulogd logs what an NFLOG rule sent it; the rule's verdict is not in the record, so the
 * action stays unknown (the prefix usually says it). */
#include <jansson.h>
#include <string.h>

#include "core/time.h"
#include "input/input-int.h"
#include "input/input.h"

static const char *str(json_t *o, const char *key, size_t *len)
{
	json_t *v = json_object_get(o, key);
	if (!v || !json_is_string(v))
		return NULL;
	*len = json_string_length(v);
	return json_string_value(v);
}

/* An integer in [0, max]: TW_OK, TW_E_NOTFOUND (absent) or TW_E_INVALID. */
static int num(json_t *o, const char *key, json_int_t max, uint32_t *out)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return TW_E_NOTFOUND;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max)
		return TW_E_INVALID;
	*out = (uint32_t)json_integer_value(v);
	return TW_OK;
}

static bool keep(struct tw_parse_ctx *ctx, const char *s, size_t n, struct tw_span *out)
{
	char *c = tw_arena_strndup(ctx->arena, s, n);
	if (!c)
		return false;
	*out = (struct tw_span){c, n};
	return true;
}

/* Long (style.md B10: reason): one object, its ulogd2 keys read in a single pass in the order
 * ulogd writes them (envelope, IP, then the transport), each with its check. */
static int parse_ulogd(const char *line, size_t len, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	json_error_t jerr;
	int jret;
	json_t *root = NULL;
	const char *s;
	size_t n;
	uint32_t v;
	int ret = TW_E_NOTFOUND;

	if (len < 2 || line[0] != '{' ||
	    !(memmem(line, len, "\"oob.", 5) || memmem(line, len, "\"ip.protocol\"", 13)))
		return TW_E_NOTFOUND;
	root = tw_in_json_load(line, len, 0, &jerr, &jret);
	if (jret) {
		ret = jret;
		goto out;
	}
	if (!root) {
		/* Our keys are there, but the object does not parse: cut short or damaged. */
		ctx->detail = "not a complete JSON object";
		ret = jerr.position >= (int)len ? TW_E_TRUNCATED : TW_E_INVALID;
		goto out;
	}
	if (!json_is_object(root))
		goto out;
	if (!json_object_get(root, "src_ip") && !json_object_get(root, "ip.protocol"))
		goto out;

	ret = TW_E_INVALID;
#define FAIL(why)                                                                                  \
	do {                                                                                       \
		ctx->detail = (why);                                                               \
		goto out;                                                                          \
	} while (0)
	if (!(s = str(root, "src_ip", &n)) || tw_addr_parse(s, n, &ev->src))
		FAIL("no valid src_ip");
	if (!(s = str(root, "dest_ip", &n)) || tw_addr_parse(s, n, &ev->dst))
		FAIL("no valid dest_ip");
	int r = num(root, "ip.protocol", 255, &v);
	if (r == TW_E_NOTFOUND)
		r = num(root, "ip6.nexthdr", 255, &v);
	if (r != TW_OK)
		FAIL("no valid ip.protocol");
	ev->proto = (uint8_t)v;
	uint32_t sp = 0, dp = 0;
	int a = num(root, "src_port", 65535, &sp), b = num(root, "dest_port", 65535, &dp);
	if (a == TW_E_INVALID || b == TW_E_INVALID)
		FAIL("bad port");
	if (a == TW_OK && b == TW_OK) {
		ev->sport = (uint16_t)sp;
		ev->dport = (uint16_t)dp;
		ev->has |= TW_EV_HAS_PORTS;
	}
	if (num(root, "ip.totlen", 65535, &v) == TW_OK ||
	    num(root, "raw.pktlen", 65535, &v) == TW_OK) {
		ev->ip_len = (uint16_t)v;
		ev->has |= TW_EV_HAS_IPLEN;
	}
	if (num(root, "udp.len", 65535, &v) == TW_OK && v >= 8) {
		ev->payload_len = (uint16_t)(v - 8);
		ev->has |= TW_EV_HAS_PAYLEN;
	}
	if (num(root, "ip.ttl", 255, &v) == TW_OK || num(root, "ip6.hoplimit", 255, &v) == TW_OK) {
		ev->ttl = (uint8_t)v;
		ev->has |= TW_EV_HAS_TTL;
	}
	if (num(root, "ip.id", 65535, &v) == TW_OK) {
		ev->ip_id = (uint16_t)v;
		ev->has |= TW_EV_HAS_IPID;
	}
	if (ev->proto == TW_IPPROTO_TCP) {
		static const struct {
			const char *key;
			uint8_t bit;
		} fl[] = {{"tcp.fin", TW_TCP_FIN}, {"tcp.syn", TW_TCP_SYN},
			  {"tcp.rst", TW_TCP_RST}, {"tcp.psh", TW_TCP_PSH},
			  {"tcp.ack", TW_TCP_ACK}, {"tcp.urg", TW_TCP_URG}};
		bool any = false;
		for (size_t i = 0; i < sizeof(fl) / sizeof(fl[0]); i++) {
			json_t *x = json_object_get(root, fl[i].key);
			if (!x)
				continue;
			any = true;
			if (json_is_true(x) || (json_is_integer(x) && json_integer_value(x)))
				ev->tcp_flags |= fl[i].bit;
		}
		if (any)
			ev->has |= TW_EV_HAS_FLAGS;
	}
	uint32_t it = 0, ic = 0;
	if ((ev->proto == TW_IPPROTO_ICMP || ev->proto == TW_IPPROTO_ICMPV6) &&
	    (num(root, "icmp.type", 255, &it) == TW_OK ||
	     num(root, "icmpv6.type", 255, &it) == TW_OK)) {
		ev->icmp_type = (uint8_t)it;
		if (num(root, "icmp.code", 255, &ic) == TW_OK ||
		    num(root, "icmpv6.code", 255, &ic) == TW_OK)
			ev->icmp_code = (uint8_t)ic;
		ev->has |= TW_EV_HAS_ICMP;
	}
	if ((s = str(root, "timestamp", &n))) {
		int64_t ns;
		int32_t off;
		bool hoff;
		if (n && tw_time_parse_rfc3339(s, n, &ns, &off, &hoff) == n) {
			ev->ts = ns;
			ev->tz_off_s = off;
			ev->has |= TW_EV_HAS_TS | (hoff ? TW_EV_HAS_TZ : 0);
		}
	}
	if (!(ev->has & TW_EV_HAS_TS) && num(root, "oob.time.sec", UINT32_MAX, &v) == TW_OK) {
		uint32_t us = 0;
		(void)num(root, "oob.time.usec", 999999, &us);
		ev->ts = (int64_t)v * TW_NS + (int64_t)us * 1000;
		ev->has |= TW_EV_HAS_TS;
	}
	if ((s = str(root, "oob.in", &n)) && n && !keep(ctx, s, n, &ev->iface_in))
		FAIL("out of memory");
	if ((s = str(root, "oob.out", &n)) && n && !keep(ctx, s, n, &ev->iface_out))
		FAIL("out of memory");
	if ((s = str(root, "oob.prefix", &n)) && n && !keep(ctx, s, n, &ev->prefix))
		FAIL("out of memory");
	if ((s = str(root, "dvc", &n)) && n && !keep(ctx, s, n, &ev->host))
		FAIL("out of memory");
	if (ev->iface_in.len && !ev->iface_out.len)
		ev->dir = TW_DIR_IN;
	else if (ev->iface_out.len && !ev->iface_in.len)
		ev->dir = TW_DIR_OUT;
	else if (ev->iface_in.len && ev->iface_out.len)
		ev->dir = TW_DIR_FORWARD;
#undef FAIL
	ret = TW_OK;
out:
	json_decref(root);
	return ret;
}

static bool sniff(const char *line, size_t len, const struct tw_parse_ctx *ctx)
{
	(void)ctx;
	return len && line[0] == '{';
}

const struct tw_input_format tw_in_ulogd_json = {
    .name = "ulogd-json",
    .summary = "ulogd2 JSON output of NFLOG packets (BASE and IP2STR keys)",
    .parse = parse_ulogd,
    .sniff = sniff,
};

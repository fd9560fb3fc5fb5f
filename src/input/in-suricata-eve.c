/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Suricata EVE JSON (log-formats.md §13): one object per line; the event types that describe
 * a packet or a flow (alert, drop, flow, anomaly) become events, others (stats, dns, http…)
 * are not firewall lines. Parsed with jansson; strings the event keeps (interface, the alert
 * signature as the prefix) are copied into the record's arena. */
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

/* Copies a JSON string into the arena as a span; false when out of memory. */
static bool keep(struct tw_parse_ctx *ctx, const char *s, size_t n, struct tw_span *out)
{
	char *c = tw_arena_strndup(ctx->arena, s, n);
	if (!c)
		return false;
	*out = (struct tw_span){c, n};
	return true;
}

static int port(json_t *o, const char *key, uint16_t *out)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return TW_E_NOTFOUND;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 65535)
		return TW_E_INVALID;
	*out = (uint16_t)json_integer_value(v);
	return TW_OK;
}

static int parse_eve(const char *line, size_t len, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	json_error_t jerr;
	int jret;
	json_t *root = NULL;
	const char *s;
	size_t n;
	int ret = TW_E_NOTFOUND;

	if (len < 2 || line[0] != '{' || !memmem(line, len, "\"event_type\"", 12))
		return TW_E_NOTFOUND;
	root = tw_in_json_load(line, len, 0, &jerr, &jret);
	if (jret) {
		ret = jret;
		goto out;
	}
	if (!root || !json_is_object(root))
		goto out;
	s = str(root, "event_type", &n);
	if (!s || !((n == 5 && !memcmp(s, "alert", 5)) || (n == 4 && !memcmp(s, "drop", 4)) ||
		    (n == 4 && !memcmp(s, "flow", 4)) || (n == 7 && !memcmp(s, "anomaly", 7))))
		goto out; /* stats, dns, http…: not a packet event */
	bool alert = n == 5, drop = n == 4 && s[0] == 'd';

	ret = TW_E_INVALID;
	if (!(s = str(root, "src_ip", &n)) || tw_addr_parse(s, n, &ev->src)) {
		ctx->detail = "no valid src_ip";
		goto out;
	}
	if (!(s = str(root, "dest_ip", &n)) || tw_addr_parse(s, n, &ev->dst)) {
		ctx->detail = "no valid dest_ip";
		goto out;
	}
	if (!(s = str(root, "proto", &n)) || tw_proto_parse(s, n, &ev->proto)) {
		ctx->detail = "no valid proto";
		goto out;
	}
	int a = port(root, "src_port", &ev->sport), b = port(root, "dest_port", &ev->dport);
	if (a == TW_E_INVALID || b == TW_E_INVALID) {
		ctx->detail = "bad port";
		goto out;
	}
	if (a == TW_OK && b == TW_OK)
		ev->has |= TW_EV_HAS_PORTS;
	if ((s = str(root, "timestamp", &n))) {
		int64_t ns;
		int32_t off;
		bool hoff;
		/* Found by fuzzing: an empty stamp "parsed" 0 of 0 bytes. */
		if (n && tw_time_parse_rfc3339(s, n, &ns, &off, &hoff) == n) {
			ev->ts = ns;
			ev->tz_off_s = off;
			ev->has |= TW_EV_HAS_TS | (hoff ? TW_EV_HAS_TZ : 0);
		}
	}
	if ((s = str(root, "in_iface", &n)) && !keep(ctx, s, n, &ev->iface_in))
		goto oom;
	/* A TCP flow with packets both ways: the handshake was answered and completed (a
	 * forged source never sees the server's SYN-ACK, so it cannot go on). */
	json_t *fl = json_object_get(root, "flow");
	if (!alert && !drop && ev->proto == TW_IPPROTO_TCP && fl && json_is_object(fl)) {
		json_t *ts = json_object_get(fl, "pkts_toserver"),
		       *tc = json_object_get(fl, "pkts_toclient");
		json_t *tcp = json_object_get(root, "tcp");
		json_t *ack = tcp && json_is_object(tcp) ? json_object_get(tcp, "ack") : NULL;
		if (json_is_integer(ts) && json_integer_value(ts) > 1 && json_is_integer(tc) &&
		    json_integer_value(tc) > 0 && (!ack || json_is_true(ack)))
			ev->has |= TW_EV_HAS_SESSION;
	}
	ev->dir = TW_DIR_IN;
	ev->action = drop ? TW_ACT_DROP : TW_ACT_UNKNOWN;
	json_t *al = json_object_get(root, "alert");
	if (alert && al && json_is_object(al)) {
		if ((s = str(al, "action", &n)))
			ev->action = (n == 7 && !memcmp(s, "blocked", 7))   ? TW_ACT_DROP
				     : (n == 7 && !memcmp(s, "allowed", 7)) ? TW_ACT_ACCEPT
									    : ev->action;
		if ((s = str(al, "signature", &n)) && !keep(ctx, s, n, &ev->prefix))
			goto oom;
	}
	ret = TW_OK;
	goto out;
oom:
	ctx->detail = "out of memory";
	ret = TW_E_INVALID;
out:
	json_decref(root);
	return ret;
}

static bool sniff(const char *line, size_t len, const struct tw_parse_ctx *ctx)
{
	(void)ctx;
	return len && line[0] == '{';
}

const struct tw_input_format tw_in_suricata_eve = {
    .name = "suricata-eve",
    .summary = "Suricata EVE JSON: alert, drop, flow and anomaly events",
    .parse = parse_eve,
    .sniff = sniff,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ZoneAlarm's text log ZAlog.txt (log-formats.md §1), comma-, tab- or semicolon-separated:
 *   <TYPE>,<YYYY/MM/DD>,<H:MM:SS ±H:MM GMT>,<src-ip:port>,<dst-ip:port>,<transport>
 * for the firewall records FWIN (inbound blocked), FWOUT (outbound blocked), FWROUTE (routed
 * or broadcast, blocked), FWLOOP (loopback) and their allowed "_OK" forms; transport is
 * "UDP", "TCP (flags:S)" or "ICMP (type:8/subtype:0)". The other records (PE, ACCESS, LOCK,
 * MS, ZLUpdate…) and the banner, system and "type,date,time,…" schema lines record no packet.
 * The log has no packet length, TTL or interface: those stay unknown. */
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

/* The header lines ZoneAlarm writes before the records. */
static int header(const char *line, size_t len, struct tw_parse_ctx *ctx)
{
	if (tw_in_starts(line, len, "ZoneAlarm Logging Client")) {
		ctx->detail = "ZoneAlarm banner";
		return TW_IN_NOPACKET;
	}
	if (tw_in_starts(line, len, "type,date,time,") ||
	    tw_in_starts(line, len, "type\tdate\ttime\t") ||
	    tw_in_starts(line, len, "type;date;time;")) {
		ctx->detail = "ZoneAlarm column schema";
		return TW_IN_NOPACKET;
	}
	/* The system line: "Windows XP-5.1.2600-Service Pack 2-SMP". */
	if (tw_in_starts(line, len, "Windows ") && len < 200) {
		for (size_t i = 8; i + 3 < len; i++)
			if (line[i] == '-' && line[i + 1] >= '0' && line[i + 1] <= '9' &&
			    line[i + 2] == '.') {
				ctx->detail = "ZoneAlarm system description";
				return TW_IN_NOPACKET;
			}
	}
	return TW_E_NOTFOUND;
}

/* "H:MM:SS ±H:MM GMT" (the offset's hour may be unpadded). */
static int stamp(struct tw_span date, struct tw_span t, struct tw_event *ev)
{
	struct tw_cursor c;
	struct tw_civil cv;

	tw_cursor_init(&c, t.p, t.len);
	struct tw_span hms = tw_cursor_until(&c, ' ');
	if (!tw_cursor_accept_ch(&c, ' '))
		return TW_E_INVALID;
	int sign = 1;
	if (tw_cursor_accept_ch(&c, '-'))
		sign = -1;
	else
		tw_cursor_accept_ch(&c, '+');
	struct tw_span oh = tw_cursor_digits(&c);
	if (!tw_cursor_accept_ch(&c, ':'))
		return TW_E_INVALID;
	struct tw_span om = tw_cursor_digits(&c);
	uint32_t h, m;
	if (!oh.len || oh.len > 2 || om.len != 2 || tw_span_u32(oh, 14, &h) ||
	    tw_span_u32(om, 59, &m) || !tw_cursor_accept(&c, " GMT", 4) || tw_cursor_left(&c))
		return TW_E_INVALID;
	if (tw_civil_parse(date.p, date.len, '/', hms.p, hms.len, &cv))
		return TW_E_INVALID;
	ev->tz_off_s = sign * (int32_t)(h * 3600 + m * 60);
	ev->ts = tw_civil_to_ns(&cv, true, ev->tz_off_s, NULL);
	ev->has |= TW_EV_HAS_TS | TW_EV_HAS_TZ;
	return TW_OK;
}

/* "a.b.c.d:port" (or an address alone). */
static int endpoint(struct tw_span s, struct tw_addr *a, uint16_t *port, bool *has_port)
{
	const char *colon = memrchr(s.p, ':', s.len);
	uint32_t v;

	if (colon && tw_addr_parse(s.p, (size_t)(colon - s.p), a) == TW_OK) {
		struct tw_span ps = {colon + 1, s.len - (size_t)(colon + 1 - s.p)};
		if (tw_span_u32(ps, 65535, &v))
			return TW_E_INVALID;
		*port = (uint16_t)v;
		*has_port = true;
		return TW_OK;
	}
	*has_port = false;
	return tw_addr_parse(s.p, s.len, a);
}

/* "UDP", "TCP (flags:SA)", "ICMP (type:8/subtype:0)". */
static int transport(struct tw_span s, struct tw_event *ev)
{
	struct tw_cursor c;
	uint32_t v;

	tw_cursor_init(&c, s.p, s.len);
	struct tw_span name = tw_cursor_until(&c, ' ');
	if (tw_proto_parse(name.p, name.len, &ev->proto))
		return TW_E_INVALID;
	if (!tw_cursor_left(&c))
		return TW_OK;
	if (!tw_cursor_accept(&c, " (", 2))
		return TW_E_INVALID;
	if (tw_cursor_accept(&c, "flags:", 6)) {
		uint8_t f = 0;
		for (int ch; (ch = tw_cursor_peek(&c)) >= 0 && ch != ')'; tw_cursor_skip(&c, 1)) {
			switch (ch) {
			case 'S': f |= TW_TCP_SYN; break;
			case 'A': f |= TW_TCP_ACK; break;
			case 'F': f |= TW_TCP_FIN; break;
			case 'R': f |= TW_TCP_RST; break;
			case 'P': f |= TW_TCP_PSH; break;
			case 'U': f |= TW_TCP_URG; break;
			default: return TW_E_INVALID;
			}
		}
		ev->tcp_flags = f;
		ev->has |= TW_EV_HAS_FLAGS;
	} else if (tw_cursor_accept(&c, "type:", 5)) {
		if (tw_span_u32(tw_cursor_digits(&c), 255, &v) ||
		    !tw_cursor_accept(&c, "/subtype:", 9))
			return TW_E_INVALID;
		ev->icmp_type = (uint8_t)v;
		if (tw_span_u32(tw_cursor_digits(&c), 255, &v))
			return TW_E_INVALID;
		ev->icmp_code = (uint8_t)v;
		ev->has |= TW_EV_HAS_ICMP;
	} else {
		return TW_E_INVALID;
	}
	if (!tw_cursor_accept_ch(&c, ')') || tw_cursor_left(&c))
		return TW_E_INVALID;
	return TW_OK;
}

/* What the non-packet records are, for --verbose. */
static const char *record_kind(struct tw_span t)
{
	static const struct {
		const char *type, *what;
	} kinds[] = {
	    {"PE", "ZoneAlarm program permission record (PE)"},
	    {"ACCESS", "ZoneAlarm program access record (ACCESS)"},
	    {"LOCK", "ZoneAlarm Internet lock record (LOCK)"},
	    {"MS", "ZoneAlarm MailSafe record (MS)"},
	    {"ZLUpdate", "ZoneAlarm update record"},
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (tw_span_eq(t, kinds[i].type, strlen(kinds[i].type)))
			return kinds[i].what;
	return "ZoneAlarm record without a packet";
}

static int parse_za(const char *line, size_t len, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	struct tw_cursor c;
	struct tw_span f[6];
	size_t n = 0;

	/* TYPE: letters, digits, '_' up to the separator. */
	size_t i = 0;
	while (i < len && i < 17 &&
	       ((line[i] >= 'A' && line[i] <= 'Z') || (line[i] >= 'a' && line[i] <= 'z') ||
		(line[i] >= '0' && line[i] <= '9') || line[i] == '_'))
		i++;
	if (i == 0 || i >= len || !(line[i] == ',' || line[i] == '\t' || line[i] == ';') ||
	    !(len > i + 11 && line[i + 5] == '/' && line[i + 8] == '/'))
		return header(line, len, ctx);
	char sep = line[i];

	/* Firewall records have exactly six fields; others are free text after the time. */
	tw_cursor_init(&c, line, len);
	while (n < 6) {
		f[n++] = tw_cursor_until(&c, sep);
		if (!tw_cursor_accept_ch(&c, sep))
			break;
	}
	struct tw_span type = f[0];
	bool ok = type.len > 3 && tw_bytes_eq(type.p + type.len - 3, "_OK", 3);
	struct tw_span base = {type.p, ok ? type.len - 3 : type.len};
	uint8_t dir;
	if (tw_span_eq(base, "FWIN", 4))
		dir = TW_DIR_IN;
	else if (tw_span_eq(base, "FWOUT", 5))
		dir = TW_DIR_OUT;
	else if (tw_span_eq(base, "FWROUTE", 7))
		dir = TW_DIR_FORWARD;
	else if (tw_span_eq(base, "FWLOOP", 6))
		dir = TW_DIR_UNKNOWN;
	else {
		/* A program or product record: the date and time say it is ZoneAlarm's. */
		if (n < 3 || stamp(f[1], f[2], ev))
			return TW_E_NOTFOUND;
		ctx->detail = record_kind(type);
		return TW_IN_NOPACKET;
	}
	if (n < 3 || stamp(f[1], f[2], ev))
		BAD("bad date or time");
	if (n < 6) {
		ctx->detail = "firewall record ends early";
		return TW_E_TRUNCATED;
	}
	if (tw_cursor_left(&c))
		BAD("more than six fields in a firewall record");
	bool hs, hd;
	if (endpoint(f[3], &ev->src, &ev->sport, &hs))
		BAD("bad source");
	if (endpoint(f[4], &ev->dst, &ev->dport, &hd))
		BAD("bad destination");
	if (transport(f[5], ev))
		BAD("bad transport");
	if (hs && hd && (ev->proto == TW_IPPROTO_TCP || ev->proto == TW_IPPROTO_UDP))
		ev->has |= TW_EV_HAS_PORTS;
	ev->dir = dir;
	ev->action = ok ? TW_ACT_ACCEPT : TW_ACT_DROP;
	return TW_OK;
}

/* A TYPE word and a delimiter, or one of the header lines. */
static bool sniff(const char *line, size_t len, const struct tw_parse_ctx *ctx)
{
	size_t i = 0;
	(void)ctx;
	while (i < len && i < 17 &&
	       ((line[i] >= 'A' && line[i] <= 'Z') || (line[i] >= 'a' && line[i] <= 'z') ||
		(line[i] >= '0' && line[i] <= '9') || line[i] == '_'))
		i++;
	if (i && i < len && (line[i] == ',' || line[i] == '\t' || line[i] == ';'))
		return true;
	return tw_in_starts(line, len, "ZoneAlarm") || tw_in_starts(line, len, "Windows ");
}

const struct tw_input_format tw_in_zonealarm = {
    .name = "zonealarm",
    .summary = "ZoneAlarm ZAlog.txt (FWIN, FWOUT, FWROUTE, FWLOOP; comma, tab or semicolon)",
    .parse = parse_za,
    .sniff = sniff,
};

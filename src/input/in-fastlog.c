/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Snort and Suricata one-line alerts: Snort's alert_fast file, Suricata's fast.log, and the
 * same alert sent through syslog (Snort's alert_syslog, Suricata's syslog output):
 *   MM/DD[/YYYY]-HH:MM:SS.frac  [Drop] [**] [GID:SID:REV] MSG [**] [Classification: C]
 *     [Priority: P] {PROTO} SRC[:PORT] -> DST[:PORT]
 *   <syslog envelope> snort[PID]: [GID:SID:REV] MSG [Classification: C] [Priority: P]
 *     {PROTO} SRC[:PORT] -> DST[:PORT]
 * The stamp is local time (--tz); Snort leaves the year out unless run with -y, and it is
 * then taken as for syslog stamps (--year, or the file's). "[Drop]" (Suricata inline, also
 * "[wDrop]") is a drop; a plain alert says nothing of what the firewall did. The rule's
 * message becomes the prefix. IPv6 endpoints are "[addr]:port" or, as Snort 2 writes them,
 * "addr:port" with the port after the last colon. */
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

static bool sniff(const char *line, size_t len, const struct tw_parse_ctx *ctx)
{
	(void)ctx;
	return memmem(line, len, " -> ", 4) && memmem(line, len, "[Priority: ", 11) &&
	       memchr(line, '{', len);
}

/* "2004/08/06" is not ours: the date is month first. Two digits, a separator, two digits. */
static bool two(const char *p)
{
	return p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9';
}

/* The file's stamp "MM/DD[/YYYY]-HH:MM:SS[.frac]" at the start of the cursor. TW_OK,
 * TW_E_NOTFOUND (no such stamp) or TW_E_INVALID. */
static int stamp(struct tw_cursor *c, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	struct tw_span w = tw_cursor_rest(c);
	if (w.len < 14 || !two(w.p) || w.p[2] != '/' || !two(w.p + 3))
		return TW_E_NOTFOUND;
	bool year = w.p[5] == '/';
	size_t dlen = year ? 10 : 5;
	if (w.len < dlen + 9 || w.p[dlen] != '-')
		return TW_E_INVALID;
	size_t tlen = 0;
	while (dlen + 1 + tlen < w.len && w.p[dlen + 1 + tlen] != ' ')
		tlen++;
	/* Reordered as "YYYY/MM/DD" for the calendar check. */
	char date[11];
	int y = ctx->year.fixed_year ? ctx->year.fixed_year : ctx->year.ref_year;
	if (year)
		memcpy(date, w.p + 6, 4);
	else
		for (int i = 3; i >= 0; i--, y /= 10)
			date[i] = (char)('0' + y % 10);
	date[4] = '/';
	memcpy(date + 5, w.p, 5);
	struct tw_civil cv;
	if (tw_civil_parse(date, 10, '/', w.p + dlen + 1, tlen, &cv))
		return TW_E_INVALID;
	ev->ts = tw_civil_to_ns(&cv, false, 0, &ctx->year);
	/* Without a year, a stamp more than a day after the file was written is last year's
	 * (a December alert in a file of January). */
	if (!year && !ctx->year.fixed_year &&
	    ev->ts > (ctx->year.ref_s + 86400) * (int64_t)1000000000) {
		cv.y--;
		ev->ts = tw_civil_to_ns(&cv, false, 0, &ctx->year);
	}
	ev->has |= TW_EV_HAS_TS;
	tw_cursor_skip(c, dlen + 1 + tlen);
	return TW_OK;
}

/* "[Classification: …] [Priority: N] {PROTO} SRC -> DST" after the message. */
static int tail(struct tw_cursor *c, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	long at = tw_cursor_find(c, "{", 1);
	if (at < 0)
		BAD("no {PROTOCOL}");
	tw_cursor_skip(c, (size_t)at + 1);
	struct tw_span pr = tw_cursor_until(c, '}');
	if (!tw_cursor_accept(c, "} ", 2))
		BAD("no {PROTOCOL}");
	if (tw_proto_parse(pr.p, pr.len, &ev->proto))
		BAD("unknown protocol");
	struct tw_span rest = tw_cursor_rest(c);
	const char *arrow = memmem(rest.p, rest.len, " -> ", 4);
	if (!arrow)
		BAD("no SRC -> DST");
	struct tw_span src = {rest.p, (size_t)(arrow - rest.p)};
	struct tw_span dst = {arrow + 4, rest.len - src.len - 4};
	while (dst.len && (dst.p[dst.len - 1] == ' ' || dst.p[dst.len - 1] == '\r'))
		dst.len--;
	bool ports = ev->proto == TW_IPPROTO_TCP || ev->proto == TW_IPPROTO_UDP ||
		     ev->proto == TW_IPPROTO_SCTP;
	bool hs = false, hd = false;
	if (tw_in_endpoint(src, ports, &ev->src, &ev->sport, &hs) ||
	    tw_in_endpoint(dst, ports, &ev->dst, &ev->dport, &hd) || hs != ports || hd != ports)
		BAD("bad address or port");
	if (ev->src.family != ev->dst.family)
		BAD("addresses of two families");
	if (ports)
		ev->has |= TW_EV_HAS_PORTS;
	return TW_OK;
}

static int parse_fast(const char *line, size_t len, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	struct tw_cursor c;
	tw_cursor_init(&c, line, len);
	int r = stamp(&c, ev, ctx);
	if (r == TW_E_INVALID)
		BAD("bad date or time");
	if (r == TW_E_NOTFOUND) {
		/* Through syslog: the envelope, then the program's tag. */
		struct tw_span tag = {NULL, 0};
		tw_syslog_envelope(&c, ev, ctx, &tag);
		if (!tw_in_starts(tag.p, tag.len, "snort") &&
		    !tw_in_starts(tag.p, tag.len, "suricata"))
			return TW_E_NOTFOUND;
	}
	tw_cursor_skip_spaces(&c);
	if (tw_cursor_accept(&c, "[Drop] ", 7) || tw_cursor_accept(&c, "[wDrop] ", 8))
		ev->action = TW_ACT_DROP;
	tw_cursor_accept(&c, "[**] ", 5);
	/* The rule: "[GID:SID:REV] MSG", the message up to " [**]" or " [Classification:". */
	if (!tw_cursor_accept_ch(&c, '['))
		return TW_E_NOTFOUND;
	struct tw_span id = tw_cursor_until(&c, ']');
	if (!id.len || !memchr(id.p, ':', id.len) || !tw_cursor_accept(&c, "] ", 2))
		BAD("no [GID:SID:REV]");
	struct tw_span m = tw_cursor_rest(&c);
	const char *e = memmem(m.p, m.len, " [**]", 5);
	if (!e)
		e = memmem(m.p, m.len, " [Classification: ", 18);
	if (!e)
		e = memmem(m.p, m.len, " [Priority: ", 12);
	if (!e)
		BAD("no end of the rule's message");
	ev->prefix = (struct tw_span){m.p, (size_t)(e - m.p)};
	tw_cursor_skip(&c, (size_t)(e - m.p));
	return tail(&c, ev, ctx);
}

const struct tw_input_format tw_in_fastlog = {
    .name = "fastlog",
    .summary = "Snort alert_fast and Suricata fast.log alerts (also through syslog)",
    .parse = parse_fast,
    .sniff = sniff,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Windows Firewall pfirewall.log (log-formats.md §2), XP SP2 to Windows 11: W3C-style
 * "#Fields:" header, then one space-separated record per line, '-' for empty:
 *   date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack
 *   tcpwin icmptype icmpcode info path [pid]
 * Columns are mapped by the last "#Fields:" header of the file (XP SP2's order until one is
 * seen). Times are local with no offset: the process's zone (--tz) converts them. The driver
 * may glue two records on one line; the second is handed back through ctx->glued. The log
 * names no interface: the event has none. */
#include <string.h>

#include "core/cursor.h"
#include "input/input-int.h"
#include "input/input.h"

/* This file's row (defined at its end) names the state it owns. */
extern const struct tw_input_format tw_in_pfirewall;

enum {
	F_IGNORE = 0,
	F_DATE,
	F_TIME,
	F_ACTION,
	F_PROTO,
	F_SRC,
	F_DST,
	F_SPORT,
	F_DPORT,
	F_SIZE,
	F_TCPFLAGS,
	F_TCPSYN,
	F_TCPACK,
	F_TCPWIN,
	F_ICMPTYPE,
	F_ICMPCODE,
	F_INFO,
	F_PATH,
	F_PID,
	F_N
};

static const char *const names[F_N] = {
    [F_DATE] = "date",	       [F_TIME] = "time",	  [F_ACTION] = "action",
    [F_PROTO] = "protocol",    [F_SRC] = "src-ip",	  [F_DST] = "dst-ip",
    [F_SPORT] = "src-port",    [F_DPORT] = "dst-port",	  [F_SIZE] = "size",
    [F_TCPFLAGS] = "tcpflags", [F_TCPSYN] = "tcpsyn",	  [F_TCPACK] = "tcpack",
    [F_TCPWIN] = "tcpwin",     [F_ICMPTYPE] = "icmptype", [F_ICMPCODE] = "icmpcode",
    [F_INFO] = "info",	       [F_PATH] = "path",	  [F_PID] = "pid",
};

/* XP SP2's column order, used until a header says otherwise. */
static const uint8_t default_cols[] = {
    F_DATE,	F_TIME,	  F_ACTION, F_PROTO,  F_SRC,	  F_DST,      F_SPORT, F_DPORT, F_SIZE,
    F_TCPFLAGS, F_TCPSYN, F_TCPACK, F_TCPWIN, F_ICMPTYPE, F_ICMPCODE, F_INFO,  F_PATH};

#define ST_UTC 1u /* "#Time Format: UTC" */

/* A W3C header line. Returns TW_IN_NOPACKET, or TW_E_NOTFOUND for another program's. */
static int header(const char *line, size_t len, struct tw_parse_ctx *ctx)
{
	struct tw_in_state *st = &ctx->st;

	if (tw_in_starts(line, len, "#Fields:")) {
		struct tw_cursor c;
		uint8_t col[TW_IN_MAXCOLS];
		size_t n = 0;
		bool action = false, src = false;
		tw_cursor_init(&c, line + 8, len - 8);
		for (;;) {
			tw_cursor_skip_spaces(&c);
			struct tw_span w = tw_cursor_until(&c, ' ');
			if (!w.len)
				break;
			if (n == TW_IN_MAXCOLS) {
				ctx->detail = "too many columns in the #Fields header";
				return TW_E_INVALID;
			}
			uint8_t id = F_IGNORE;
			for (uint8_t k = 1; k < F_N; k++)
				if (tw_span_eq(w, names[k], strlen(names[k])))
					id = k;
			action |= id == F_ACTION;
			src |= id == F_SRC;
			col[n++] = id;
		}
		if (!action || !src || n < 2 || col[0] != F_DATE || col[1] != F_TIME)
			return TW_E_NOTFOUND; /* some other W3C log (IIS…) */
		bool utc = st->owner == &tw_in_pfirewall && (st->have & ST_UTC);
		memset(st, 0, sizeof(*st));
		st->owner = &tw_in_pfirewall;
		st->ncols = (uint8_t)n;
		memcpy(st->col, col, n);
		st->have = utc ? ST_UTC : 0;
		ctx->detail = "pfirewall.log #Fields header";
		return TW_IN_NOPACKET;
	}
	if (tw_in_starts(line, len, "#Software: Microsoft Windows Firewall") ||
	    tw_in_starts(line, len, "#Software: Microsoft Internet Connection Firewall") ||
	    tw_in_starts(line, len, "#Version:")) {
		ctx->detail = "pfirewall.log header";
		return TW_IN_NOPACKET;
	}
	if (tw_in_starts(line, len, "#Time Format:")) {
		struct tw_span v = {line + 13, len - 13};
		while (v.len && v.p[0] == ' ')
			v.p++, v.len--;
		if (st->owner != &tw_in_pfirewall) {
			memset(st, 0, sizeof(*st));
			st->owner = &tw_in_pfirewall;
			st->ncols = sizeof(default_cols);
			memcpy(st->col, default_cols, sizeof(default_cols));
		}
		if (tw_span_eq(v, "UTC", 3))
			st->have |= ST_UTC;
		else
			st->have &= ~ST_UTC;
		ctx->detail = "pfirewall.log header";
		return TW_IN_NOPACKET;
	}
	return TW_E_NOTFOUND;
}

/* "YYYY-MM-DD HH:MM:SS" at p (a record's start)? */
static bool stamp_at(const char *p, size_t left)
{
	static const char shape[] = "dddd-dd-dd dd:dd:dd";
	if (left < 19)
		return false;
	for (size_t i = 0; i < 19; i++) {
		char ch = shape[i];
		if (ch == 'd' ? (p[i] < '0' || p[i] > '9') : p[i] != ch)
			return false;
	}
	return true;
}

static bool dash(struct tw_span s)
{
	return s.len == 1 && s.p[0] == '-';
}

/* Windows' TCP flag letters. */
static int tcp_flags(struct tw_span s, uint8_t *out)
{
	uint8_t f = 0;
	for (size_t i = 0; i < s.len; i++) {
		switch (s.p[i]) {
		case 'A': f |= TW_TCP_ACK; break;
		case 'F': f |= TW_TCP_FIN; break;
		case 'P': f |= TW_TCP_PSH; break;
		case 'R': f |= TW_TCP_RST; break;
		case 'S': f |= TW_TCP_SYN; break;
		case 'U': f |= TW_TCP_URG; break;
		default: return TW_E_INVALID;
		}
	}
	*out = f;
	return TW_OK;
}

#define BAD(why)                                                                                   \
	do {                                                                                       \
		ctx->detail = (why);                                                               \
		return TW_E_INVALID;                                                               \
	} while (0)

static int parse_pfw(const char *line, size_t len, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	struct tw_in_state *st = &ctx->st;
	struct tw_span f[F_N] = {{0}};
	struct tw_cursor c;
	uint32_t v;

	if (len && line[0] == '#')
		return header(line, len, ctx);
	if (!stamp_at(line, len))
		return TW_E_NOTFOUND;
	/* Glued records: another stamp later on the line starts the next one. */
	for (size_t i = 20; i + 19 <= len; i++)
		if (line[i + 4] == '-' && line[i + 13] == ':' && stamp_at(line + i, len - i) &&
		    !(line[i - 1] >= '0' && line[i - 1] <= '9')) {
			ctx->glued = i;
			len = i;
			break;
		}

	const uint8_t *cols = default_cols;
	size_t ncols = sizeof(default_cols);
	if (st->owner == &tw_in_pfirewall && st->ncols) {
		cols = st->col;
		ncols = st->ncols;
	}
	tw_cursor_init(&c, line, len);
	size_t n = 0;
	for (;;) {
		tw_cursor_skip_spaces(&c);
		struct tw_span w = tw_cursor_until(&c, ' ');
		if (!w.len)
			break;
		if (n < ncols)
			f[cols[n]] = w;
		else if (n == ncols && cols == default_cols)
			f[F_PID] = w; /* the newer pid column without a header */
		else
			BAD("more columns than the #Fields header names");
		n++;
	}

	struct tw_civil cv;
	if (tw_civil_parse(f[F_DATE].p, f[F_DATE].len, '-', f[F_TIME].p, f[F_TIME].len, &cv))
		BAD("bad date or time");
	ev->ts = tw_civil_to_ns(&cv, st->owner == &tw_in_pfirewall && (st->have & ST_UTC), 0,
				&ctx->year);
	ev->has |= TW_EV_HAS_TS;

	struct tw_span a = f[F_ACTION];
	if (tw_span_eq(a, "INFO-EVENTS-LOST", 16)) {
		ctx->detail = "events lost (the info column counts them)";
		return TW_IN_NOPACKET;
	}
	if (n < ncols) {
		ctx->detail = "record ends early";
		return TW_E_TRUNCATED;
	}
	if (tw_span_eq(a, "DROP", 4))
		ev->action = TW_ACT_DROP;
	else if (tw_span_eq(a, "ALLOW", 5) || tw_span_eq(a, "OPEN", 4) ||
		 tw_span_eq(a, "OPEN-INBOUND", 12) || tw_span_eq(a, "CLOSE", 5))
		ev->action = TW_ACT_ACCEPT;
	else
		BAD("unknown action");
	if (tw_proto_parse(f[F_PROTO].p, f[F_PROTO].len, &ev->proto))
		BAD("bad protocol");
	if (tw_addr_parse(f[F_SRC].p, f[F_SRC].len, &ev->src))
		BAD("bad source address");
	if (tw_addr_parse(f[F_DST].p, f[F_DST].len, &ev->dst))
		BAD("bad destination address");
	struct tw_span p = f[F_PATH];
	ev->dir = tw_span_eq(p, "RECEIVE", 7)	? TW_DIR_IN
		  : tw_span_eq(p, "SEND", 4)	? TW_DIR_OUT
		  : tw_span_eq(p, "FORWARD", 7) ? TW_DIR_FORWARD
						: TW_DIR_UNKNOWN;
	if (f[F_SIZE].len && !dash(f[F_SIZE])) {
		if (tw_span_u32(f[F_SIZE], 65535, &v))
			BAD("bad size");
		/* Allowed connections log size 0: no packet is 0 bytes, so it is unknown. */
		ev->ip_len = (uint16_t)v;
		ev->has |= v ? TW_EV_HAS_IPLEN : 0;
	}
	if (ev->proto == TW_IPPROTO_ICMP || ev->proto == TW_IPPROTO_ICMPV6) {
		uint32_t t, k = 0;
		if (f[F_ICMPTYPE].len && !dash(f[F_ICMPTYPE])) {
			if (tw_span_u32(f[F_ICMPTYPE], 255, &t) ||
			    (!dash(f[F_ICMPCODE]) && tw_span_u32(f[F_ICMPCODE], 255, &k)))
				BAD("bad ICMP type or code");
			ev->icmp_type = (uint8_t)t;
			ev->icmp_code = dash(f[F_ICMPCODE]) ? 0 : (uint8_t)k;
			ev->has |= TW_EV_HAS_ICMP;
		}
		return TW_OK;
	}
	if (f[F_SPORT].len && !dash(f[F_SPORT]) && f[F_DPORT].len && !dash(f[F_DPORT])) {
		if (tw_span_u32(f[F_SPORT], 65535, &v))
			BAD("bad source port");
		ev->sport = (uint16_t)v;
		if (tw_span_u32(f[F_DPORT], 65535, &v))
			BAD("bad destination port");
		ev->dport = (uint16_t)v;
		ev->has |= TW_EV_HAS_PORTS;
	}
	if (ev->proto == TW_IPPROTO_TCP && f[F_TCPFLAGS].len && !dash(f[F_TCPFLAGS])) {
		if (tcp_flags(f[F_TCPFLAGS], &ev->tcp_flags))
			BAD("bad TCP flags");
		ev->has |= TW_EV_HAS_FLAGS;
	}
	return TW_OK;
}

static bool sniff(const char *line, size_t len, const struct tw_parse_ctx *ctx)
{
	(void)ctx;
	return len && (line[0] == '#' || (line[0] >= '0' && line[0] <= '9'));
}

const struct tw_input_format tw_in_pfirewall = {
    .name = "pfirewall",
    .summary = "Windows Firewall pfirewall.log (XP SP2 to 11; #Fields header, local time)",
    .parse = parse_pfw,
    .sniff = sniff,
};

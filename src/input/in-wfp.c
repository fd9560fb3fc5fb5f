/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Windows Filtering Platform audit events (log-formats.md §3): 5152 (packet dropped), 5157
 * (connection blocked) and 5156 (connection allowed), as exported
 * - to XML (wevtutil qe /f:xml, Event Viewer, Get-WinEvent … ToXml()), one event per line
 *   or pretty-printed over many lines:
 *     <Event …><System>…<EventID>5157</EventID>…<TimeCreated SystemTime="…Z"/>…
 *     <Computer>…</Computer></System><EventData><Data Name="Direction">%%14592</Data>
 *     <Data Name="SourceAddress">…</Data>…</EventData></Event>
 * - to text (Event Viewer "Save as" .txt or .csv): a header line with the local time, the
 *   event ID and the quoted message, whose lines name the fields:
 *     Audit Failure<TAB>9/22/2015 3:46:51 AM<TAB>Microsoft-Windows-Security-Auditing<TAB>5157…
 *     <TAB>Direction:<TAB><TAB>Inbound … Source Address: … Layer Run-Time ID:<TAB>44"
 * An event spans lines: its fields are kept in the per-file state until its last line,
 * which gives the event; the lines before it record no packet.
 * Microsoft's "Source" is the local end for connection events (5156/5157) received
 * inbound, so those are turned round to make the source the remote peer; 5152 names the
 * packet's own source. The application's path is kept as the prefix. */
#include <string.h>

#include "core/cursor.h"
#include "core/time.h"
#include "input/input-int.h"
#include "input/input.h"

/* This file's row (defined at its end) names the state it owns. */
extern const struct tw_input_format tw_in_wfp;

enum {
	H_ID = 1u << 0,
	H_TS = 1u << 1,
	H_IN = 1u << 2,
	H_OUT = 1u << 3,
	H_SRC = 1u << 4,
	H_DST = 1u << 5,
	H_SP = 1u << 6,
	H_DP = 1u << 7,
	H_PROTO = 1u << 8,
	H_TEXT = 1u << 9, /* a text export (ends at "Layer Run-Time ID:") */
	H_BAD = 1u << 10, /* a field did not parse */
};

static struct tw_span trim(struct tw_span s)
{
	while (s.len && (s.p[0] == ' ' || s.p[0] == '\t' || s.p[0] == '"'))
		s.p++, s.len--;
	while (s.len && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t' ||
			 s.p[s.len - 1] == '\r' || s.p[s.len - 1] == '"'))
		s.len--;
	return s;
}

static void begin(struct tw_parse_ctx *ctx, bool text)
{
	struct tw_in_state *st = &ctx->st;
	memset(st, 0, sizeof(*st));
	st->owner = &tw_in_wfp;
	st->open = true;
	st->have = text ? H_TEXT : 0;
}

/* Copies a string into the state's text buffer (for the host and the application). */
static struct tw_span keep(struct tw_in_state *st, struct tw_span v)
{
	size_t room = sizeof(st->text) - st->text_len;
	size_t n = v.len < room ? v.len : room;
	memcpy(st->text + st->text_len, v.p, n);
	struct tw_span out = {st->text + st->text_len, n};
	st->text_len += n;
	return out;
}

/* One named field, from either export: "SourceAddress" or "Source Address". */
static void field(struct tw_in_state *st, struct tw_span name, struct tw_span v)
{
	struct tw_event *e = &st->ev;
	uint32_t x = 0;

#define NAME(a, b) (tw_span_eq(name, a, strlen(a)) || tw_span_eq(name, b, strlen(b)))
	if (NAME("Direction", "Direction")) {
		if (tw_span_eq(v, "%%14592", 7) || tw_span_eq(v, "Inbound", 7))
			st->have |= H_IN;
		else if (tw_span_eq(v, "%%14593", 7) || tw_span_eq(v, "Outbound", 8))
			st->have |= H_OUT;
	} else if (NAME("SourceAddress", "Source Address")) {
		st->have |= tw_addr_parse(v.p, v.len, &e->src) ? H_BAD : H_SRC;
	} else if (NAME("DestAddress", "Destination Address")) {
		st->have |= tw_addr_parse(v.p, v.len, &e->dst) ? H_BAD : H_DST;
	} else if (NAME("SourcePort", "Source Port")) {
		st->have |= tw_span_u32(v, 65535, &x) ? H_BAD : H_SP;
		e->sport = (uint16_t)x;
	} else if (NAME("DestPort", "Destination Port")) {
		st->have |= tw_span_u32(v, 65535, &x) ? H_BAD : H_DP;
		e->dport = (uint16_t)x;
	} else if (NAME("Protocol", "Protocol")) {
		st->have |= tw_span_u32(v, 255, &x) ? H_BAD : H_PROTO;
		e->proto = (uint8_t)x;
	} else if (NAME("Application", "Application Name")) {
		e->prefix = keep(st, v);
	}
#undef NAME
}

/* The event is complete: build it, or say why there is none. */
static int finish(struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	struct tw_in_state *st = &ctx->st;
	uint32_t h = st->have;
	st->open = false;
	if (!(h & H_ID) || (st->id != 5152 && st->id != 5156 && st->id != 5157)) {
		ctx->detail = "Windows event that records no filtered packet";
		return TW_IN_NOPACKET;
	}
	if (h & H_BAD) {
		ctx->detail = "bad address, port or protocol in the event";
		return TW_E_INVALID;
	}
	if (!(h & H_SRC) || !(h & H_DST) || !(h & H_PROTO)) {
		ctx->detail = "event without addresses or protocol";
		return TW_E_TRUNCATED;
	}
	*ev = st->ev;
	ev->has &= TW_EV_HAS_TS | TW_EV_HAS_TZ;
	ev->action = st->id == 5156 ? TW_ACT_ACCEPT : TW_ACT_DROP;
	ev->dir = (h & H_IN) ? TW_DIR_IN : (h & H_OUT) ? TW_DIR_OUT : TW_DIR_UNKNOWN;
	bool ports = (h & H_SP) && (h & H_DP) &&
		     (ev->proto == TW_IPPROTO_TCP || ev->proto == TW_IPPROTO_UDP);
	if (ports)
		ev->has |= TW_EV_HAS_PORTS;
	if (st->id != 5152 && (h & H_IN)) {
		struct tw_addr a = ev->src;
		uint16_t p = ev->sport;
		ev->src = ev->dst;
		ev->sport = ev->dport;
		ev->dst = a;
		ev->dport = p;
	}
	return TW_OK;
}

/* An XML line: every tag of interest in it. */
static int xml_line(const char *line, size_t len, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	struct tw_in_state *st = &ctx->st;
	const char *p = line, *end = line + len;
	uint32_t x;

	while ((p = memchr(p, '<', (size_t)(end - p)))) {
		size_t left = (size_t)(end - p);
		if (tw_in_starts(p, left, "<Event ") || tw_in_starts(p, left, "<Event>")) {
			begin(ctx, false);
		} else if (!st->open || st->owner != &tw_in_wfp) {
			/* Not inside an event: skip to the next tag. */
		} else if (tw_in_starts(p, left, "<EventID")) {
			const char *gt = memchr(p, '>', left),
				   *lt = gt ? memchr(gt, '<', (size_t)(end - gt)) : NULL;
			if (lt && tw_span_u32((struct tw_span){gt + 1, (size_t)(lt - gt - 1)},
					      65535, &x) == TW_OK) {
				st->id = x;
				st->have |= H_ID;
			}
		} else if (tw_in_starts(p, left, "<TimeCreated SystemTime=\"")) {
			const char *v = p + 25, *q = memchr(v, '"', (size_t)(end - v));
			int64_t ns;
			int32_t off;
			bool hoff;
			/* Found by fuzzing (UBSan): SystemTime="" "parsed" 0 of 0 bytes. */
			if (q && q > v &&
			    tw_time_parse_rfc3339(v, (size_t)(q - v), &ns, &off, &hoff) ==
				(size_t)(q - v)) {
				st->ev.ts = ns;
				st->ev.tz_off_s = off;
				st->ev.has |= TW_EV_HAS_TS | (hoff ? TW_EV_HAS_TZ : 0);
			}
		} else if (tw_in_starts(p, left, "<Computer>")) {
			const char *v = p + 10, *lt = memchr(v, '<', (size_t)(end - v));
			if (lt)
				st->ev.host = keep(st, (struct tw_span){v, (size_t)(lt - v)});
		} else if (tw_in_starts(p, left, "<Data Name=\"")) {
			const char *n = p + 12, *q = memchr(n, '"', (size_t)(end - n));
			const char *gt = q ? memchr(q, '>', (size_t)(end - q)) : NULL;
			const char *lt = gt ? memchr(gt, '<', (size_t)(end - gt)) : NULL;
			if (lt && q[1] == '>')
				field(st, (struct tw_span){n, (size_t)(q - n)},
				      (struct tw_span){gt + 1, (size_t)(lt - gt - 1)});
		} else if (tw_in_starts(p, left, "</Event>")) {
			size_t after = (size_t)(p + 8 - line);
			if (after < len)
				ctx->glued = after; /* another event on the same line */
			return finish(ev, ctx);
		}
		p++;
	}
	if (st->owner == &tw_in_wfp && st->open) {
		ctx->detail = "part of a Windows event";
		return TW_IN_NOPACKET;
	}
	return TW_E_NOTFOUND;
}

/* "9/22/2015 3:46:51 AM" (Event Viewer's US-English export; local time). */
static int us_time(struct tw_span s, struct tw_parse_ctx *ctx, int64_t *ns)
{
	struct tw_cursor c;
	struct tw_civil cv;
	tw_cursor_init(&c, s.p, s.len);
	struct tw_span mo = tw_cursor_digits(&c);
	if (!tw_cursor_accept_ch(&c, '/'))
		return TW_E_INVALID;
	struct tw_span d = tw_cursor_digits(&c);
	if (!tw_cursor_accept_ch(&c, '/'))
		return TW_E_INVALID;
	struct tw_span y = tw_cursor_digits(&c);
	if (!tw_cursor_accept_ch(&c, ' '))
		return TW_E_INVALID;
	struct tw_span t = tw_cursor_until(&c, ' ');
	tw_cursor_skip_spaces(&c);
	struct tw_span ampm = tw_cursor_rest(&c);
	char date[16], tm[16];
	if (y.len != 4 || !mo.len || mo.len > 2 || !d.len || d.len > 2 || t.len > 8)
		return TW_E_INVALID;
	int n = 0;
	memcpy(date, y.p, 4);
	date[4] = '-';
	memcpy(date + 5, mo.p, mo.len);
	n = 5 + (int)mo.len;
	date[n++] = '-';
	memcpy(date + n, d.p, d.len);
	n += (int)d.len;
	memcpy(tm, t.p, t.len);
	if (tw_civil_parse(date, (size_t)n, '-', tm, t.len, &cv))
		return TW_E_INVALID;
	bool pm = tw_span_eq(ampm, "PM", 2), am = tw_span_eq(ampm, "AM", 2);
	if (pm || am) {
		if (cv.h < 1 || cv.h > 12)
			return TW_E_INVALID;
		cv.h = (cv.h % 12) + (pm ? 12 : 0);
	} else if (ampm.len) {
		return TW_E_INVALID;
	}
	*ns = tw_civil_to_ns(&cv, false, 0, &ctx->year);
	return TW_OK;
}

/* A line of a text export. */
static int text_line(const char *line, size_t len, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	struct tw_in_state *st = &ctx->st;
	const char *aud =
	    memmem(line, len < 200 ? len : 200, "Microsoft-Windows-Security-Auditing", 35);

	if (aud && aud > line && (aud[-1] == '\t' || aud[-1] == ',')) {
		/* Keywords, date and time, source, event ID, task, "message… */
		char sep = aud[-1];
		struct tw_cursor c;
		tw_cursor_init(&c, line, len);
		tw_cursor_until(&c, sep);
		tw_cursor_accept_ch(&c, sep);
		struct tw_span when = tw_cursor_until(&c, sep);
		tw_cursor_accept_ch(&c, sep);
		tw_cursor_until(&c, sep);
		tw_cursor_accept_ch(&c, sep);
		struct tw_span id = tw_cursor_until(&c, sep);
		uint32_t x;
		int64_t ns;
		begin(ctx, true);
		if (tw_span_u32(id, 65535, &x) == TW_OK) {
			st->id = x;
			st->have |= H_ID;
		}
		if (us_time(trim(when), ctx, &ns) == TW_OK) {
			st->ev.ts = ns;
			st->ev.has |= TW_EV_HAS_TS;
		}
		ctx->detail = "part of a Windows event";
		return TW_IN_NOPACKET;
	}
	if (st->owner != &tw_in_wfp || !st->open || !(st->have & H_TEXT))
		return TW_E_NOTFOUND;
	struct tw_span s = trim((struct tw_span){line, len});
	const char *colon = memchr(s.p, ':', s.len);
	if (colon) {
		struct tw_span name = {s.p, (size_t)(colon - s.p)};
		struct tw_span v =
		    trim((struct tw_span){colon + 1, (size_t)(s.p + s.len - colon - 1)});
		field(st, name, v);
		if (tw_span_eq(name, "Layer Run-Time ID", 17))
			return finish(ev, ctx);
	}
	ctx->detail = "part of a Windows event";
	return TW_IN_NOPACKET;
}

static int parse_wfp(const char *line, size_t len, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	struct tw_in_state *st = &ctx->st;
	bool mine = st->owner == &tw_in_wfp && st->open;

	/* Event Viewer's column header: "Keywords<TAB>Date and Time<TAB>Source<TAB>Event ID…". */
	if (!mine && len < 200 &&
	    (tw_in_starts(line, len, "Keywords") || tw_in_starts(line, len, "Level")) &&
	    memmem(line, len, "Date and Time", 13) && memmem(line, len, "Event ID", 8)) {
		ctx->detail = "Event Viewer export header";
		return TW_IN_NOPACKET;
	}
	/* Cheap rejection: a line of another log has neither a tag nor our header. */
	if (!mine && !memchr(line, '<', len < 64 ? len : 64) &&
	    !memmem(line, len < 200 ? len : 200, "Microsoft-Windows-Security-Auditing", 35))
		return TW_E_NOTFOUND;
	if (mine && (st->have & H_TEXT))
		return text_line(line, len, ev, ctx);
	if (memchr(line, '<', len))
		return xml_line(line, len, ev, ctx);
	return text_line(line, len, ev, ctx);
}

/* Inside an event, a tag early in the line, the export's header or the event's source. */
static bool sniff(const char *line, size_t len, const struct tw_parse_ctx *ctx)
{
	if (ctx->st.owner == &tw_in_wfp && ctx->st.open)
		return true;
	if (memchr(line, '<', len < 64 ? len : 64))
		return true;
	if (len && (line[0] == 'K' || line[0] == 'L'))
		return true;
	return tw_in_find(line, len < 200 ? len : 200, "Security-Auditing", 17, 8) != NULL;
}

/* A Windows event export, told by its first bytes: XML events, or Event Viewer's text. */
static bool whole_file(const char *head, size_t n)
{
	return memmem(head, n, "<Event", 6) ||
	       memmem(head, n, "Microsoft-Windows-Security-Auditing", 35) ||
	       memmem(head, n, "Date and Time", 13);
}

const struct tw_input_format tw_in_wfp = {
    .name = "wfp",
    .summary = "Windows Filtering Platform events 5152/5156/5157 (XML or Event Viewer text)",
    .parse = parse_wfp,
    .sniff = sniff,
    .multiline = whole_file,
};

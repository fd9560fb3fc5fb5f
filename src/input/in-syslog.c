/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Syslog envelopes shared by the line formats (log-formats.md "Common syslog envelopes"):
 * RFC 3164 with or without <PRI>, RFC 3339 "high precision" stamps, RFC 5424, journalctl
 * short/-iso/-precise/-monotonic, dmesg and /dev/kmsg. The stamp becomes UTC; the host and
 * the program tag are spans into the line. */
#include <string.h>

#include "core/cursor.h"
#include "input/input-int.h"

static bool is_tag_char(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
	       ch == '.' || ch == '/';
}

/* A syslog tag: a lower-case program name, optionally "[pid]", then ':'. Prefixes such as
 * "FINAL_REJECT:" are upper case and so are never taken for a tag. */
static size_t tag_len(struct tw_span t)
{
	size_t i = 0;

	while (i < t.len && is_tag_char((unsigned char)t.p[i]))
		i++;
	if (i == 0)
		return 0;
	if (i < t.len && t.p[i] == '[') {
		i++;
		while (i < t.len && t.p[i] >= '0' && t.p[i] <= '9')
			i++;
		if (i >= t.len || t.p[i] != ']')
			return 0;
		i++;
	}
	return (i + 1 == t.len && t.p[i] == ':') ? t.len : 0;
}

/* Consumes "host tag: " or "tag: " after a stamp, setting ev->host. */
static void host_and_tag(struct tw_cursor *c, struct tw_event *ev, struct tw_span *tag)
{
	struct tw_cursor save = *c;
	struct tw_span first = tw_cursor_until(c, ' ');

	/* The common case first: "host kernel: ". */
	if (first.len && tw_cursor_accept(c, " kernel: ", 9)) {
		ev->host = first;
		if (tag)
			*tag = (struct tw_span){(const char *)c->p - 8, 7}; /* "kernel:" */
		tw_cursor_skip_spaces(c);
		return;
	}

	if (tag_len(first)) { /* "kernel: …" with no host */
		if (tag)
			*tag = first;
		tw_cursor_skip_spaces(c);
		return;
	}
	tw_cursor_skip_spaces(c);
	struct tw_cursor after_host = *c;
	struct tw_span second = tw_cursor_until(c, ' ');
	if (first.len && tag_len(second)) {
		ev->host = first;
		if (tag)
			*tag = second;
		tw_cursor_skip_spaces(c);
		return;
	}
	/* No tag (ulogd LOGEMU, UniFi): the first token is the host, if anything follows —
	 * not a word ending in ':' ("Feb  3 04:05:06 BLOCKED: IN=…": no host, that is the log
	 * prefix; a host name never ends so). */
	if (first.len && tw_cursor_left(&after_host) && !memchr(first.p, '=', first.len) &&
	    first.p[first.len - 1] != ':') {
		ev->host = first;
		*c = after_host;
		return;
	}
	*c = save;
}

/* Parses the envelope; leaves the cursor at the message. */
void tw_syslog_envelope(struct tw_cursor *c, struct tw_event *ev, struct tw_parse_ctx *ctx,
			struct tw_span *tag)
{
	struct tw_span r = tw_cursor_rest(c);
	int64_t ns;
	int32_t off;
	bool hoff;
	size_t n;

	ctx->sd = (struct tw_span){NULL, 0};
	if (r.len && r.p[0] == '<') {
		/* <PRI> then RFC 5424 "1 " or a BSD header. */
		tw_cursor_skip(c, 1);
		struct tw_span pri = tw_cursor_digits(c);
		if (!pri.len || pri.len > 3 || !tw_cursor_accept_ch(c, '>')) {
			*c = (struct tw_cursor){(const uint8_t *)r.p, (const uint8_t *)r.p + r.len,
						0};
			return;
		}
		if (tw_cursor_accept(c, "1 ", 2)) {
			r = tw_cursor_rest(c);
			if ((n = tw_time_parse_rfc3339(r.p, r.len, &ns, &off, &hoff))) {
				ev->ts = ns;
				ev->tz_off_s = off;
				ev->has |= TW_EV_HAS_TS | (hoff ? TW_EV_HAS_TZ : 0);
				tw_cursor_skip(c, n);
			} else {
				tw_cursor_until(c, ' '); /* "-" */
			}
			tw_cursor_skip_spaces(c);
			ev->host = tw_cursor_until(c, ' ');
			tw_cursor_skip_spaces(c);
			struct tw_span app = tw_cursor_until(c, ' '); /* APP-NAME */
			if (tag)
				*tag = app;
			tw_cursor_skip_spaces(c);
			tw_cursor_until(c, ' '); /* PROCID */
			tw_cursor_skip_spaces(c);
			tw_cursor_until(c, ' '); /* MSGID */
			tw_cursor_skip_spaces(c);
			if (tw_cursor_peek(c) == '[') {
				/* Structured data: skip [..] elements, honouring \] escapes;
				 * ctx->sd keeps them for formats that carry their payload
				 * there (Junos, Check Point). */
				const char *sd0 = tw_cursor_rest(c).p;
				while (tw_cursor_peek(c) == '[') {
					while (tw_cursor_left(c)) {
						uint8_t ch = tw_cursor_get_u8(c);
						if (ch == '\\')
							tw_cursor_skip(c, 1);
						else if (ch == ']')
							break;
					}
				}
				ctx->sd =
				    (struct tw_span){sd0, (size_t)(tw_cursor_rest(c).p - sd0)};
			} else {
				tw_cursor_until(c, ' '); /* "-" */
			}
			tw_cursor_skip_spaces(c);
			return;
		}
		r = tw_cursor_rest(c);
	}
	if (r.len >= 19 && r.p[4] == '-' &&
	    (n = tw_time_parse_rfc3339(r.p, r.len, &ns, &off, &hoff))) {
		ev->ts = ns;
		ev->tz_off_s = off;
		ev->has |= TW_EV_HAS_TS | (hoff ? TW_EV_HAS_TZ : 0);
		tw_cursor_skip(c, n);
		tw_cursor_skip_spaces(c);
		host_and_tag(c, ev, tag);
	} else if (r.len >= 14 && r.p[3] == ' ' &&
		   (n = tw_time_parse_syslog(r.p, r.len, &ctx->year, &ns))) {
		ev->ts = ns;
		ev->has |= TW_EV_HAS_TS;
		tw_cursor_skip(c, n);
		tw_cursor_skip_spaces(c);
		host_and_tag(c, ev, tag);
	} else if (r.len && r.p[0] == '[' && (n = tw_time_parse_uptime(r.p, r.len, &ns))) {
		/* dmesg, or journalctl -o short-monotonic "[  123.456] host kernel: …". */
		ev->uptime = ns;
		ev->has |= TW_EV_HAS_UPTIME;
		tw_cursor_skip(c, n);
		tw_cursor_skip_spaces(c);
		host_and_tag(c, ev, tag);
	} else if (r.len && r.p[0] >= '0' && r.p[0] <= '9') {
		/* /dev/kmsg: "prio,seq,usec,flags;message". */
		struct tw_cursor k = *c;
		tw_cursor_digits(&k);
		if (tw_cursor_accept_ch(&k, ',')) {
			tw_cursor_digits(&k);
			if (tw_cursor_accept_ch(&k, ',')) {
				struct tw_span us = tw_cursor_digits(&k);
				if (us.len && tw_cursor_accept_ch(&k, ',')) {
					tw_cursor_until(&k, ';');
					if (tw_cursor_accept_ch(&k, ';')) {
						/* µs since boot; more than 15 digits (31 years)
						 * is no uptime, and would overflow as ns. */
						int64_t v = 0;
						if (us.len <= 15) {
							for (size_t i = 0; i < us.len; i++)
								v = v * 10 + (us.p[i] - '0');
							ev->uptime = v * 1000;
							ev->has |= TW_EV_HAS_UPTIME;
						}
						*c = k;
					}
				}
			}
		}
	}
}

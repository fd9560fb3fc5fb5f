/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The evidence line of a record that has no line of its own: a capture's frame or a live
 * packet, and what its decoded payload says (a Messenger message's From, To and text). The
 * pipeline keeps it with the incident; the store and the reports show it. */
#include <stdio.h>
#include <string.h>

#include "core/addr.h"
#include "core/time.h"
#include "output/output.h"

/* Appends 'n' bytes of 's' (at most 'max'), control characters and quotes made spaces. */
static size_t put_clean(char *out, size_t len, size_t cap, const char *s, size_t n, size_t max)
{
	for (size_t i = 0; i < n && i < max && len + 1 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		out[len++] = c < 0x20 || c == 0x7f || c == '"' ? ' ' : (char)c;
	}
	out[len] = '\0';
	return len;
}

static size_t put_str(char *out, size_t len, size_t cap, const char *s)
{
	for (; *s && len + 1 < cap; s++)
		out[len++] = *s;
	out[len] = '\0';
	return len;
}

size_t tw_out_decoded_line(const struct tw_decoded *d, char *out, size_t len, size_t cap)
{
	if (!d || len >= cap)
		return len;
	if (d->kind != TW_DEC_MESSENGER) { /* what it was, in a word or two */
		if (!d->what)
			return len;
		len = put_str(out, len, cap, " [");
		len = put_clean(out, len, cap, d->what, strlen(d->what), 80);
		return put_str(out, len, cap, "]");
	}
	len = put_str(out, len, cap, " messenger from \"");
	len = put_clean(out, len, cap, d->msg.from.p, d->msg.from.len, 64);
	len = put_str(out, len, cap, "\" to \"");
	len = put_clean(out, len, cap, d->msg.to.p, d->msg.to.len, 64);
	len = put_str(out, len, cap, "\": ");
	return put_clean(out, len, cap, d->msg.text.p, d->msg.text.len, 300);
}

size_t tw_out_evidence_line(const struct tw_event *ev, const struct tw_decoded *d, const char *kind,
			    uint64_t num, char *out, size_t cap)
{
	char sa[TW_ADDR_STRLEN], da[TW_ADDR_STRLEN], ts[TW_TIME_STRLEN] = "-";
	tw_addr_format(&ev->src, sa);
	tw_addr_format(&ev->dst, da);
	if (ev->has & TW_EV_HAS_TS)
		tw_time_format(ev->ts, true, ts);
	const char *pn = tw_proto_name(ev->proto);
	bool ports = ev->has & TW_EV_HAS_PORTS;
	int n;
	if (num) /* a frame of a capture: its number, no log prefix */
		n = snprintf(out, cap, "%s %llu %s %s:%u > %s:%u %s%s length %u", kind,
			     (unsigned long long)num, ts, sa, ports ? ev->sport : 0, da,
			     ports ? ev->dport : 0, pn ? pn : "proto ", pn ? "" : "?", ev->ip_len);
	else /* a live packet: the prefix of the rule that logged it (at most 40 bytes) */
		n = snprintf(out, cap, "%s %s %.*s %s:%u > %s:%u %s length %u", kind, ts,
			     (int)(ev->prefix.len < 40 ? ev->prefix.len : 40),
			     ev->prefix.p ? ev->prefix.p : "", sa, ports ? ev->sport : 0, da,
			     ports ? ev->dport : 0, pn ? pn : "?", ev->ip_len);
	if (n <= 0 || (size_t)n >= cap)
		return 0;
	/* The prefix came from the log: no control character stays in the line. */
	for (int i = 0; i < n; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = ' ';
	return tw_out_decoded_line(d, out, (size_t)n, cap);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* DShield's "DSHIELD" submission format (abuse-reporting.md §4.1): one tab-separated record
 * per event — date with zone, user id, count, source, source port, target, target port,
 * protocol, TCP flags — for every source (DShield wants them all, forged or not). IPv6 is
 * written as 8 groups of 4 hex digits; ICMP puts type and code in the port fields; an
 * unknown port is "???". Events without a time or an address are left out. */
#include <stdio.h>

#include "core/time.h"
#include "output/output.h"

static void addr(struct tw_buf *b, const struct tw_addr *a)
{
	if (a->family == TW_AF_INET) {
		tw_buf_printf(b, "%u.%u.%u.%u", a->b[0], a->b[1], a->b[2], a->b[3]);
		return;
	}
	for (int i = 0; i < 16; i += 2)
		tw_buf_printf(b, "%s%02x%02x", i ? ":" : "", a->b[i], a->b[i + 1]);
}

static void port(struct tw_buf *b, bool known, unsigned p)
{
	if (known)
		tw_buf_printf(b, "%u", p);
	else
		tw_buf_adds(b, "???");
}

static void write_event(struct tw_buf *b, const struct tw_event *ev, const struct tw_verdict *v,
			const char *file)
{
	(void)v;
	(void)file;
	if (!(ev->has & TW_EV_HAS_TS) || !ev->src.family || !ev->dst.family)
		return;
	char t[TW_TIME_STRLEN];
	tw_time_format(ev->ts, false, t); /* 2004-08-06T12:34:56Z */
	tw_buf_printf(b, "%.10s %.8s +00:00\t0\t1\t", t, t + 11);
	addr(b, &ev->src);
	tw_buf_addc(b, '\t');
	bool icmp = ev->proto == TW_IPPROTO_ICMP || ev->proto == TW_IPPROTO_ICMPV6;
	bool ports = ev->has & TW_EV_HAS_PORTS, ic = ev->has & TW_EV_HAS_ICMP;
	port(b, icmp ? ic : ports, icmp ? ev->icmp_type : ev->sport);
	tw_buf_addc(b, '\t');
	addr(b, &ev->dst);
	tw_buf_addc(b, '\t');
	port(b, icmp ? ic : ports, icmp ? ev->icmp_code : ev->dport);
	tw_buf_printf(b, "\t%u\t", ev->proto);
	if (ev->proto == TW_IPPROTO_TCP && (ev->has & TW_EV_HAS_FLAGS)) {
		/* DShield's letters, in its order: 12UAPRSF (CWR ECE URG ACK PSH RST SYN FIN). */
		static const struct {
			uint8_t bit;
			char c;
		} order[] = {{TW_TCP_CWR, '1'}, {TW_TCP_ECE, '2'}, {TW_TCP_URG, 'U'},
			     {TW_TCP_ACK, 'A'}, {TW_TCP_PSH, 'P'}, {TW_TCP_RST, 'R'},
			     {TW_TCP_SYN, 'S'}, {TW_TCP_FIN, 'F'}};
		for (size_t i = 0; i < 8; i++)
			if (ev->tcp_flags & order[i].bit)
				tw_buf_addc(b, order[i].c);
	}
	tw_buf_addc(b, '\n');
}

static void write_header(struct tw_buf *b)
{
	tw_buf_adds(b, "Subject: FORMAT DSHIELD USERID 0 TZ +00:00 tracewall 0.1\n\n");
}

const struct tw_output tw_out_dshield = {
    .name = "dshield",
    .summary = "DShield submission records, one per event (all sources)",
    .write_summary = NULL,
    .write_header = write_header,
    .write_event = write_event,
};

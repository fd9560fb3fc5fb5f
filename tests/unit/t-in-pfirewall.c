/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: input/in-pfirewall (Windows Firewall pfirewall.log). Lines in the shapes of
 * log-formats.md §2 with documentation addresses; the runner sets TZ=UTC. */
#include "core/time.h"
#include "input/input.h"
#include "t-input.h"
#include "tap.h"

extern const struct tw_input_format tw_in_pfirewall;

static struct tw_parse_ctx ctx;

#define first(line, ev) t_parse_line(&tw_in_pfirewall, (line), (ev), &ctx, 0, 0)
#define more(line, ev)	t_parse_more(&tw_in_pfirewall, (line), (ev), &ctx)
#define ad(a)		t_addr(a)

static const char xp_fields[] =
    "#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn "
    "tcpack tcpwin icmptype icmpcode info path";

static void t_header_and_udp(void)
{
	struct tw_event ev;
	char t[TW_TIME_STRLEN];
	CHECK_EQ_I(first("#Version: 1.5", &ev), TW_IN_NOPACKET);
	CHECK_EQ_I(more("#Software: Microsoft Windows Firewall", &ev), TW_IN_NOPACKET);
	CHECK_EQ_I(more("#Time Format: Local", &ev), TW_IN_NOPACKET);
	CHECK_EQ_I(more(xp_fields, &ev), TW_IN_NOPACKET);
	CHECK_EQ_I(more("2004-08-06 21:14:02 DROP UDP 198.51.100.7 192.0.2.10 1027 135 468 - - - - "
			"- - - RECEIVE",
			&ev),
		   TW_OK);
	tw_time_format(ev.ts, false, t);
	CHECK_STR(t, "2004-08-06T21:14:02Z");
	CHECK(!(ev.has & TW_EV_HAS_TZ));
	CHECK_STR(ad(&ev.src), "198.51.100.7");
	CHECK_STR(ad(&ev.dst), "192.0.2.10");
	CHECK_EQ_U(ev.proto, TW_IPPROTO_UDP);
	CHECK_EQ_U(ev.sport, 1027);
	CHECK_EQ_U(ev.dport, 135);
	CHECK_EQ_U(ev.ip_len, 468);
	CHECK_EQ_U(ev.action, TW_ACT_DROP);
	CHECK_EQ_U(ev.dir, TW_DIR_IN);
	/* The log names no interface: unknown, not empty-but-known. */
	CHECK(ev.iface_in.p == NULL && ev.iface_out.p == NULL);
	CHECK(!(ev.has & TW_EV_HAS_TTL));
}

static void t_tcp_icmp_ipv6(void)
{
	struct tw_event ev;
	CHECK_EQ_I(first("2005-04-11 08:06:27 DROP TCP 203.0.113.90 192.0.2.90 80 1774 576 AP "
			 "123456789 987654321 12345 - - - RECEIVE",
			 &ev),
		   TW_OK);
	CHECK_EQ_U(ev.tcp_flags, TW_TCP_ACK | TW_TCP_PSH);
	CHECK(ev.has & TW_EV_HAS_FLAGS);
	CHECK_EQ_I(
	    more("2005-04-11 08:08:58 DROP ICMP 203.0.113.90 192.0.2.90 - - 78 - - - - 8 0 - "
		 "RECEIVE",
		 &ev),
	    TW_OK);
	CHECK(ev.has & TW_EV_HAS_ICMP);
	CHECK(!(ev.has & TW_EV_HAS_PORTS));
	CHECK_EQ_U(ev.icmp_type, 8);
	CHECK_EQ_I(more("2019-03-01 10:00:00 DROP UDP fe80::1c2:3ff:fe45:6789 ff02::fb 5353 5353 "
			"120 - - - - - - - RECEIVE",
			&ev),
		   TW_OK);
	CHECK_STR(ad(&ev.src), "fe80::1c2:3ff:fe45:6789");
	CHECK_EQ_I(
	    more("2005-04-11 08:05:58 OPEN UDP 203.0.113.90 192.0.2.90 500 500 - - - - - - - "
		 "- -",
		 &ev),
	    TW_OK);
	CHECK_EQ_U(ev.action, TW_ACT_ACCEPT);
	CHECK_EQ_U(ev.dir, TW_DIR_UNKNOWN);
	CHECK(!(ev.has & TW_EV_HAS_IPLEN));
}

static void t_pid_column_and_reordered_header(void)
{
	struct tw_event ev;
	/* Windows 10/11 add pid; a site may log fewer columns in another order. */
	CHECK_EQ_I(first("#Fields: date time action protocol src-ip dst-ip src-port dst-port size "
			 "tcpflags tcpsyn tcpack tcpwin icmptype icmpcode info path pid",
			 &ev),
		   TW_IN_NOPACKET);
	CHECK_EQ_I(more("2023-01-05 09:12:44 ALLOW TCP 192.0.2.5 198.51.100.80 50123 443 0 - 0 0 0 "
			"- - - SEND 1360",
			&ev),
		   TW_OK);
	CHECK_EQ_U(ev.dir, TW_DIR_OUT);
	CHECK_EQ_U(ev.dport, 443);
	CHECK_EQ_I(more("#Fields: date time src-ip action dst-ip protocol dst-port src-port", &ev),
		   TW_IN_NOPACKET);
	CHECK_EQ_I(more("2023-01-05 09:12:45 203.0.113.4 DROP 192.0.2.5 UDP 137 1025", &ev), TW_OK);
	CHECK_STR(ad(&ev.src), "203.0.113.4");
	CHECK_EQ_U(ev.proto, TW_IPPROTO_UDP);
	CHECK_EQ_U(ev.sport, 1025);
	CHECK_EQ_U(ev.dport, 137);
	/* A column more than the header names is malformed. */
	CHECK_EQ_I(more("2023-01-05 09:12:45 203.0.113.4 DROP 192.0.2.5 UDP 137 1025 x", &ev),
		   TW_E_INVALID);
	/* Some other W3C log's header is not ours. */
	CHECK_EQ_I(first("#Fields: date time s-ip cs-method cs-uri-stem", &ev), TW_E_NOTFOUND);
}

static void t_lost_truncated_glued_bad(void)
{
	struct tw_event ev;
	CHECK_EQ_I(first("2005-04-11 08:52:26 INFO-EVENTS-LOST - - - - - - - - - - - - 59 -", &ev),
		   TW_IN_NOPACKET);
	CHECK_EQ_I(first("2005-04-11 08:06:05 DROP UDP 192.0.2.1 192.0.2.255 68 67", &ev),
		   TW_E_TRUNCATED);
	/* Two records glued: the first ends early, the second starts at the offset given. */
	const char *g = "2005-04-11 08:06:05 DROP UDP 192.0.2.1 192.0.2.255 68 67 328 - -"
			"2005-04-11 08:06:26 DROP TCP 203.0.113.90 192.0.2.90 80 1774 576 A 1 2 3 "
			"- - - RECEIVE";
	CHECK_EQ_I(first(g, &ev), TW_E_TRUNCATED);
	CHECK_EQ_U(ctx.glued, 64);
	CHECK_EQ_I(more(g + 64, &ev), TW_OK);
	CHECK_EQ_U(ev.dport, 1774);
	CHECK_EQ_I(first("2005-04-11 08:06:26 DROP TCP 203.0.113.90 192.0.2.90 80 1774 576 Q 1 2 3 "
			 "- - - RECEIVE",
			 &ev),
		   TW_E_INVALID);
	CHECK_STR(ctx.detail, "bad TCP flags");
	CHECK_EQ_I(first("2005-02-30 08:06:26 DROP TCP 203.0.113.90 192.0.2.90 80 1774 576 A 1 2 3 "
			 "- - - RECEIVE",
			 &ev),
		   TW_E_INVALID);
	CHECK_EQ_I(first("2005-04-11 08:06:26 PASS TCP 203.0.113.90 192.0.2.90 80 1774 576 A 1 2 3 "
			 "- - - RECEIVE",
			 &ev),
		   TW_E_INVALID);
	CHECK_EQ_I(
	    first("2005-04-11 08:06:26 DROP TCP 203.0.113.90 192.0.2.90 80 99999 576 A 1 2 3 "
		  "- - - RECEIVE",
		  &ev),
	    TW_E_INVALID);
	CHECK_EQ_I(first("Aug  6 10:00:00 host kernel: hello", &ev), TW_E_NOTFOUND);
}

TW_SUITE(in_pfirewall, {"header_and_udp", t_header_and_udp}, {"tcp_icmp_ipv6", t_tcp_icmp_ipv6},
	 {"pid_column_and_reordered_header", t_pid_column_and_reordered_header},
	 {"lost_truncated_glued_bad", t_lost_truncated_glued_bad});

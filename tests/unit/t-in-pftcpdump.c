/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: input/in-pftcpdump (pf log as tcpdump prints it), documentation addresses. */
#include "core/time.h"
#include "input/input.h"
#include "t-input.h"
#include "tap.h"

extern const struct tw_input_format tw_in_pftcpdump;

static struct tw_parse_ctx ctx;

#define parse(line, ev) t_parse_line(&tw_in_pftcpdump, (line), (ev), &ctx, 2004, 0)
#define ad(a)		t_addr(a)

static void t_openbsd_tcp(void)
{
	struct tw_event ev;
	char t[TW_TIME_STRLEN];
	CHECK_EQ_I(
	    parse("Aug  6 19:32:17.184835 rule 4/(match) [uid 0, pid 10758] block in on em0: "
		  "198.51.100.1.53614 > 192.0.2.10.445: S [tcp sum ok] 786092310:786092310(0) "
		  "win 3072 <mss 1460> (ttl 42, id 1076, len 44)",
		  &ev),
	    TW_OK);
	tw_time_format(ev.ts, true, t);
	CHECK_STR(t, "2004-08-06T19:32:17.184835Z");
	CHECK_STR(ad(&ev.src), "198.51.100.1");
	CHECK_STR(ad(&ev.dst), "192.0.2.10");
	CHECK_EQ_U(ev.proto, TW_IPPROTO_TCP);
	CHECK_EQ_U(ev.sport, 53614);
	CHECK_EQ_U(ev.dport, 445);
	CHECK_EQ_U(ev.tcp_flags, TW_TCP_SYN);
	CHECK_EQ_U(ev.ttl, 42);
	CHECK_EQ_U(ev.ip_id, 1076);
	CHECK_EQ_U(ev.ip_len, 44);
	CHECK_EQ_U(ev.action, TW_ACT_DROP);
	CHECK_SPAN(ev.iface_in, "em0");
	CHECK_SPAN(ev.prefix, "rule 4/(match)");
}

static void t_udp_icmp_ipv6_linux(void)
{
	struct tw_event ev;
	CHECK_EQ_I(
	    parse("Aug  6 10:00:00.000001 rule 2/(match) block in on fxp0: 203.0.113.5.1027 > "
		  "192.0.2.10.1026: udp 412",
		  &ev),
	    TW_OK);
	CHECK_EQ_U(ev.proto, TW_IPPROTO_UDP);
	CHECK_EQ_U(ev.dport, 1026);
	CHECK_EQ_U(ev.payload_len, 412);
	CHECK_EQ_I(
	    parse("Aug  6 10:00:01 rule 9/(match) pass out on em1: 192.0.2.10 > 198.51.100.9: "
		  "icmp: echo request",
		  &ev),
	    TW_OK);
	CHECK_EQ_U(ev.proto, TW_IPPROTO_ICMP);
	CHECK_EQ_U(ev.dir, TW_DIR_OUT);
	CHECK_EQ_U(ev.action, TW_ACT_ACCEPT);
	CHECK(!(ev.has & TW_EV_HAS_PORTS));
	CHECK_EQ_I(parse("Aug  6 10:00:02 rule 3/0(match) block in on em0: IP6 2001:db8::7.51515 > "
			 "2001:db8:1::10.139: Flags [S], seq 1, win 5760, length 0",
			 &ev),
		   TW_OK);
	CHECK_STR(ad(&ev.src), "2001:db8::7");
	CHECK_EQ_U(ev.dport, 139);
	CHECK_EQ_U(ev.tcp_flags, TW_TCP_SYN);
}

static void t_via_syslog_and_bad(void)
{
	struct tw_event ev;
	CHECK_EQ_I(parse("Aug  6 10:00:03 gw pf: Aug  6 10:00:02.5 rule 1/(match) block in on em0: "
			 "198.51.100.2.4000 > 192.0.2.10.137: udp 50",
			 &ev),
		   TW_OK);
	CHECK_SPAN(ev.host, "gw");
	CHECK_EQ_U(ev.dport, 137);
	CHECK_EQ_I(parse("Aug  6 10:00:03 rule 1/(match) block in on em0: 198.51.100.2.4000 > "
			 "192.0.2.999.137: udp 50",
			 &ev),
		   TW_E_INVALID);
	CHECK_EQ_I(parse("Aug  6 10:00:03 rule 1/(match) block in on em0", &ev), TW_E_TRUNCATED);
	CHECK_EQ_I(parse("Aug  6 10:00:03 gw kernel: IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8", &ev),
		   TW_E_NOTFOUND);
}

TW_SUITE(in_pftcpdump, {"openbsd_tcp", t_openbsd_tcp},
	 {"udp_icmp_ipv6_linux", t_udp_icmp_ipv6_linux},
	 {"via_syslog_and_bad", t_via_syslog_and_bad});

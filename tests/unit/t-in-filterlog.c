/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: input/in-filterlog (pfSense/OPNsense). Lines in the shapes of log-formats.md §6,
 * with documentation addresses. */
#include "core/time.h"
#include "input/input.h"
#include "t-input.h"
#include "tap.h"

extern const struct tw_input_format tw_in_filterlog;

static struct tw_parse_ctx ctx;

#define parse(line, ev) t_parse_line(&tw_in_filterlog, (line), (ev), &ctx, 2004, 0)
#define ad(a)		t_addr(a)

static void t_ipv4_tcp_bsd(void)
{
	struct tw_event ev;
	CHECK_EQ_I(
	    parse("Aug  6 10:38:09 gw filterlog[8]: 53,,,1000000301,em0,match,block,in,4,0x0,,"
		  "113,420,0,none,6,tcp,48,203.0.113.9,192.0.2.10,4021,445,0,S,2961,,64240,,mss",
		  &ev),
	    TW_OK);
	CHECK_STR(ad(&ev.src), "203.0.113.9");
	CHECK_STR(ad(&ev.dst), "192.0.2.10");
	CHECK_EQ_U(ev.proto, TW_IPPROTO_TCP);
	CHECK_EQ_U(ev.dport, 445);
	CHECK_EQ_U(ev.tcp_flags, TW_TCP_SYN);
	CHECK_EQ_U(ev.ttl, 113);
	CHECK_EQ_U(ev.ip_id, 420);
	CHECK_EQ_U(ev.ip_len, 48);
	CHECK_EQ_U(ev.action, TW_ACT_DROP);
	CHECK_EQ_U(ev.dir, TW_DIR_IN);
	CHECK_SPAN(ev.iface_in, "em0");
	CHECK_SPAN(ev.host, "gw");
	CHECK_SPAN(ev.prefix, "53,,,1000000301");
}

static void t_ipv4_udp_rfc5424(void)
{
	struct tw_event ev;
	char t[TW_TIME_STRLEN];
	CHECK_EQ_I(
	    parse(
		"<134>1 2004-08-06T18:37:34+02:00 opnsense filterlog 69805 - "
		"[meta sequenceId=\"2633353\"] 10,,,02f4bab031b57d1e30553ce08e0ec131,re0,match,"
		"block,in,4,0x0,,118,28579,0,none,17,udp,440,198.51.100.7,192.0.2.10,1027,1026,420",
		&ev),
	    TW_OK);
	tw_time_format(ev.ts, false, t);
	CHECK_STR(t, "2004-08-06T16:37:34Z");
	CHECK_EQ_U(ev.proto, TW_IPPROTO_UDP);
	CHECK_EQ_U(ev.dport, 1026);
	CHECK_EQ_U(ev.payload_len, 420);
}

static void t_ipv6_and_icmp(void)
{
	struct tw_event ev;
	CHECK_EQ_I(
	    parse("<134>1 2004-08-06T19:00:06+00:00 fw filterlog 57126 - - 98,,,8a20,re0,match,"
		  "pass,out,6,0x00,0x0ea87,51,udp,17,73,2001:db8::1,2001:db8::2,6881,51918,65",
		  &ev),
	    TW_OK);
	CHECK_STR(ad(&ev.src), "2001:db8::1");
	CHECK_EQ_U(ev.ttl, 51);
	CHECK_EQ_U(ev.dir, TW_DIR_OUT);
	CHECK_SPAN(ev.iface_out, "re0");
	CHECK_EQ_U(ev.action, TW_ACT_ACCEPT);
	CHECK_EQ_I(
	    parse("Aug  6 18:34:00 filterlog: 65,,,0,vmx1,match,block,in,4,0x0,,63,21011,0,none,"
		  "1,icmp,84,198.51.100.3,192.0.2.10,request,53,064",
		  &ev),
	    TW_OK);
	CHECK_EQ_U(ev.proto, TW_IPPROTO_ICMP);
	CHECK_EQ_U(ev.icmp_type, 8);
	CHECK(!(ev.has & TW_EV_HAS_PORTS));
}

static void t_malformed_and_foreign(void)
{
	struct tw_event ev;
	/* Cut after the addresses: a filterlog line, but no ports. */
	CHECK_EQ_I(
	    parse("Aug  6 10:38:09 gw filterlog: 5,,,1,em0,match,block,in,4,0x0,,64,1,0,none,6,"
		  "tcp,40,203.0.113.9,192.0.2.10",
		  &ev),
	    TW_E_TRUNCATED);
	CHECK_EQ_I(
	    parse("Aug  6 10:38:09 gw filterlog: 5,,,1,em0,match,block,in,4,0x0,,64,1,0,none,6,"
		  "tcp,40,203.0.113.999,192.0.2.10,1,2,0,S,1,,1,,",
		  &ev),
	    TW_E_INVALID);
	CHECK_EQ_I(parse("Aug  6 10:38:09 gw filterlog: 5,,,1,em0,match,block,in,5,0x0", &ev),
		   TW_E_INVALID);
	CHECK_EQ_I(parse("Aug  6 10:38:09 gw dhcpd[1]: 5,,,1,em0,match,block,in,4", &ev),
		   TW_E_NOTFOUND);
	CHECK_EQ_I(parse("Aug  6 10:38:09 gw kernel: IN=eth0 OUT= SRC=1.2.3.4", &ev),
		   TW_E_NOTFOUND);
}

TW_SUITE(in_filterlog, {"ipv4_tcp_bsd", t_ipv4_tcp_bsd}, {"ipv4_udp_rfc5424", t_ipv4_udp_rfc5424},
	 {"ipv6_and_icmp", t_ipv6_and_icmp}, {"malformed_and_foreign", t_malformed_and_foreign});

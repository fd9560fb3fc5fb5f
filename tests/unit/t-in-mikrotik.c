/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: input/in-mikrotik. Lines in the shapes of log-formats.md §11 with documentation
 * addresses. */
#include "core/time.h"
#include "input/input.h"
#include "t-input.h"
#include "tap.h"

extern const struct tw_input_format tw_in_mikrotik;

static struct tw_parse_ctx ctx;

#define parse(line, ev) t_parse_line(&tw_in_mikrotik, (line), (ev), &ctx, 2004, 0)
#define ad(a)		t_addr(a)

static void t_lines(void)
{
	struct tw_event ev;
	char t[TW_TIME_STRLEN];
	CHECK_EQ_I(
	    parse("2004-08-06T23:14:02.734637+02:00 10.0.0.1 firewall,info drop-in input: "
		  "in:ether1-WAN out:(unknown 0), connection-state:new src-mac "
		  "00:00:5e:00:53:02, proto UDP, 198.51.100.7:1027->192.0.2.10:1026, len 468",
		  &ev),
	    TW_OK);
	tw_time_format(ev.ts, false, t);
	CHECK_STR(t, "2004-08-06T21:14:02Z");
	CHECK_SPAN(ev.host, "10.0.0.1");
	CHECK_SPAN(ev.prefix, "drop-in");
	CHECK_SPAN(ev.iface_in, "ether1-WAN");
	CHECK(ev.iface_out.p == NULL);
	CHECK_SPAN(ev.mac, "00:00:5e:00:53:02");
	CHECK_STR(ad(&ev.src), "198.51.100.7");
	CHECK_STR(ad(&ev.dst), "192.0.2.10");
	CHECK_EQ_U(ev.sport, 1027);
	CHECK_EQ_U(ev.dport, 1026);
	CHECK_EQ_U(ev.ip_len, 468);
	CHECK_EQ_U(ev.dir, TW_DIR_IN);
	CHECK_EQ_U(ev.action, TW_ACT_UNKNOWN);
	CHECK_EQ_I(
	    parse("2026-05-31T00:04:27+02:00 gw firewall,info forward: in:WAN out:LAN, "
		  "connection-state:established,snat proto TCP (ACK,PSH), "
		  "[2001:db8::1]:40384->[2001:db8::2]:20461, NAT (192.0.2.1:1->198.51.100.1:2)->"
		  "198.51.100.2:3, len 24",
		  &ev),
	    TW_OK);
	CHECK_STR(ad(&ev.src), "2001:db8::1");
	CHECK_EQ_U(ev.tcp_flags, TW_TCP_ACK | TW_TCP_PSH);
	CHECK_SPAN(ev.iface_out, "LAN");
	CHECK_EQ_U(ev.dir, TW_DIR_FORWARD);
	CHECK(ev.prefix.p == NULL);
	/* RouterOS's own BSD header; ICMP has no ports. */
	CHECK_EQ_I(
	    parse("Aug  6 21:16:05 MikroTik firewall,info probe icmp input: in:ether1 "
		  "out:(unknown 0), proto ICMP (type 8, code 0), 203.0.113.44->192.0.2.10, len 60",
		  &ev),
	    TW_OK);
	CHECK_SPAN(ev.host, "MikroTik");
	CHECK_SPAN(ev.prefix, "probe icmp");
	CHECK(ev.has & TW_EV_HAS_ICMP);
	CHECK(!(ev.has & TW_EV_HAS_PORTS));
	CHECK_EQ_U(ev.icmp_type, 8);
}

static void t_bad(void)
{
	struct tw_event ev;
	CHECK_EQ_I(
	    parse("2023-03-19T12:34:09+01:00 10.0.0.1 system,error,critical login failure", &ev),
	    TW_E_NOTFOUND);
	CHECK_EQ_I(parse("gw firewall,info input: in:WAN out:(unknown 0), proto TCP (SYN)", &ev),
		   TW_E_TRUNCATED);
	CHECK_EQ_I(parse("gw firewall,info input: in:WAN out:(unknown 0), proto TCP (BOGUS), "
			 "192.0.2.1:1->192.0.2.2:2, len 40",
			 &ev),
		   TW_E_INVALID);
	CHECK_EQ_I(parse("gw firewall,info input: in:WAN out:(unknown 0), proto TCP (SYN), "
			 "192.0.2.1:1->192.0.2.2:70000, len 40",
			 &ev),
		   TW_E_INVALID);
	CHECK_EQ_I(parse("gw firewall,info input: in:WAN out:(unknown 0), proto UDP, "
			 "[2001:db8::1:1->192.0.2.2:7, len 40",
			 &ev),
		   TW_E_INVALID);
	CHECK_EQ_I(parse("gw firewall,info something else entirely", &ev), TW_E_TRUNCATED);
}

TW_SUITE(in_mikrotik, {"lines", t_lines}, {"bad", t_bad});

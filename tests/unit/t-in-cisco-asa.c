/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: input/in-cisco-asa. Messages in the shapes of log-formats.md §8 (Cisco's
 * syslog guide) with documentation addresses. */
#include "core/time.h"
#include "input/input.h"
#include "t-input.h"
#include "tap.h"

extern const struct tw_input_format tw_in_cisco_asa;

static struct tw_parse_ctx ctx;

#define parse(line, ev) t_parse_line(&tw_in_cisco_asa, (line), (ev), &ctx, 2004, 0)
#define ad(a)		t_addr(a)

static void t_from_to_messages(void)
{
	struct tw_event ev;
	char t[TW_TIME_STRLEN];
	CHECK_EQ_I(parse("Aug  6 21:14:02 pix-1 %PIX-2-106006: Deny inbound UDP from "
			 "198.51.100.7/1027 to 192.0.2.10/1026 on interface outside",
			 &ev),
		   TW_OK);
	tw_time_format(ev.ts, false, t);
	CHECK_STR(t, "2004-08-06T21:14:02Z");
	CHECK_SPAN(ev.host, "pix-1");
	CHECK_STR(ad(&ev.src), "198.51.100.7");
	CHECK_STR(ad(&ev.dst), "192.0.2.10");
	CHECK_EQ_U(ev.proto, TW_IPPROTO_UDP);
	CHECK_EQ_U(ev.sport, 1027);
	CHECK_EQ_U(ev.dport, 1026);
	CHECK_SPAN(ev.iface_in, "outside");
	CHECK_EQ_U(ev.action, TW_ACT_DROP);
	CHECK_EQ_U(ev.dir, TW_DIR_IN);
	CHECK(!(ev.has & (TW_EV_HAS_IPLEN | TW_EV_HAS_TTL)));

	CHECK_EQ_I(parse("%ASA-2-106001: Inbound TCP connection denied from 203.0.113.59/54322 to "
			 "192.0.2.122/1433 flags SYN on interface outside",
			 &ev),
		   TW_OK);
	CHECK(!(ev.has & TW_EV_HAS_TS));
	CHECK_EQ_U(ev.tcp_flags, TW_TCP_SYN);
	CHECK_EQ_U(ev.dport, 1433);
	CHECK_EQ_I(parse("%ASA-6-106015: Deny TCP (no connection) from 203.0.113.1/443 to "
			 "192.0.2.2/3782 flags RST ACK  on interface outside",
			 &ev),
		   TW_OK);
	CHECK_EQ_U(ev.tcp_flags, TW_TCP_RST | TW_TCP_ACK);
	CHECK_EQ_I(
	    parse("%PIX-2-106007: Deny inbound UDP from 203.0.113.5/53 to 192.0.2.2/1033 due "
		  "to DNS Response",
		  &ev),
	    TW_OK);
	CHECK_EQ_U(ev.sport, 53);
	/* Services by name; the interface is the one the packet came in on. */
	CHECK_EQ_I(parse("Sep  7 06:25:23 PIXName %PIX-7-710005: UDP request discarded from "
			 "192.0.2.1/137 to outside:192.0.2.255/netbios-ns",
			 &ev),
		   TW_OK);
	CHECK_EQ_U(ev.dport, 137);
	CHECK_SPAN(ev.iface_in, "outside");
	CHECK_EQ_I(parse("%ASA-3-710003: TCP access denied by ACL from 203.0.113.1/11 to "
			 "outside:192.0.2.2/ssh",
			 &ev),
		   TW_OK);
	CHECK_EQ_U(ev.dport, 22);
	CHECK_EQ_I(
	    parse("%ASA-1-106021: Deny TCP reverse path check from 203.0.113.1 to 192.0.2.2 on "
		  "interface outside",
		  &ev),
	    TW_OK);
	CHECK(!(ev.has & TW_EV_HAS_PORTS));
	CHECK_SPAN(ev.prefix, "reverse path check");
}

static void t_src_dst_messages(void)
{
	struct tw_event ev;
	char t[TW_TIME_STRLEN];
	/* Interface names with a prefix hold ':' (Elastic's test). */
	CHECK_EQ_I(
	    parse("LOCAL4.WARNING: fw-1 %ASA-4-106023: Deny udp src v1:outside:203.0.113.9/54864 "
		  "dst inside:192.0.2.3/53 by access-group \"outside_acl\" [0x0, 0x0]",
		  &ev),
	    TW_OK);
	CHECK_SPAN(ev.host, "fw-1");
	CHECK_SPAN(ev.iface_in, "v1:outside");
	CHECK_SPAN(ev.iface_out, "inside");
	CHECK_SPAN(ev.prefix, "outside_acl");
	CHECK_EQ_U(ev.sport, 54864);
	CHECK_EQ_U(ev.dport, 53);
	/* The device's own stamp, with a year; a space after the interface's colon. */
	CHECK_EQ_I(parse("<164>Jul 05 2004 00:58:00: %PIX-4-106023: Deny tcp src outside: "
			 "198.51.100.4/4021 dst dmz:192.0.2.158/445 by access-group \"acl_out\"",
			 &ev),
		   TW_OK);
	tw_time_format(ev.ts, false, t);
	CHECK_STR(t, "2004-07-05T00:58:00Z");
	CHECK_STR(ad(&ev.src), "198.51.100.4");
	CHECK_SPAN(ev.iface_in, "outside");
	/* A zone after the device stamp is the stamp's, not a host name. */
	CHECK_EQ_I(
	    parse("<164>Aug 06 2004 21:16:01 UTC: %ASA-2-106001: Inbound TCP connection denied "
		  "from 203.0.113.44/4021 to 192.0.2.10/445 flags SYN on interface outside",
		  &ev),
	    TW_OK);
	CHECK(ev.host.len == 0);
	CHECK(ev.has & TW_EV_HAS_TZ);
	/* A host object instead of an address stays a name. */
	CHECK_EQ_I(
	    parse("Oct 03 2018 17:34:08: %ASA-4-106023: Deny udp src office:198.51.100.1/3217 "
		  "dst FE_xUI:Server_Windows/15000 by access-group \"ACLoffice\" [0x0, 0x0]",
		  &ev),
	    TW_OK);
	CHECK(ev.has & TW_EV_HAS_DSTNAME);
	CHECK_SPAN(ev.dst_name, "Server_Windows");
	CHECK_SPAN(ev.iface_out, "FE_xUI");
	CHECK_EQ_U(ev.dport, 15000);
	CHECK_EQ_I(parse("%ASA-3-106014: Deny inbound icmp src outside:203.0.113.231 dst "
			 "outside:192.0.2.112 (type 3, code 2)",
			 &ev),
		   TW_OK);
	CHECK_EQ_U(ev.proto, TW_IPPROTO_ICMP);
	CHECK_EQ_U(ev.icmp_type, 3);
	CHECK_EQ_U(ev.icmp_code, 2);
	CHECK_EQ_I(parse("%PIX-3-106011: Deny inbound (No xlate) udp src outside:192.0.2.1/137 dst "
			 "outside:192.0.2.14/137",
			 &ev),
		   TW_OK);
	CHECK_EQ_U(ev.dport, 137);
	CHECK_EQ_I(parse("%ASA-3-106010: Deny inbound protocol 47 src outside:203.0.113.185 dst "
			 "outside:192.0.2.120",
			 &ev),
		   TW_OK);
	CHECK_EQ_U(ev.proto, 47);
	CHECK_EQ_I(
	    parse("%ASA-4-106023: Deny tcp src outside:2001:db8::5/4000 dst inside:2001:db8::10/"
		  "445 by access-group \"v6\"",
		  &ev),
	    TW_OK);
	CHECK_STR(ad(&ev.src), "2001:db8::5");
	CHECK_SPAN(ev.iface_in, "outside");
}

static void t_106100_and_others(void)
{
	struct tw_event ev;
	CHECK_EQ_I(
	    parse("%ASA-session-5-106100: access-list outside_in denied udp "
		  "outside/198.51.100.7(1027) -> inside/192.0.2.10(1026) hit-cnt 1 first hit "
		  "[0x3e1ab5f9, 0x0]",
		  &ev),
	    TW_OK);
	CHECK_SPAN(ev.prefix, "outside_in");
	CHECK_EQ_U(ev.dport, 1026);
	CHECK_SPAN(ev.iface_in, "outside");
	CHECK_EQ_U(ev.action, TW_ACT_DROP);
	CHECK_EQ_I(parse("%ASA-6-106100: access-list in permitted tcp inside/192.0.2.10(1100) -> "
			 "outside/198.51.100.80(80) hit-cnt 1 300-second interval",
			 &ev),
		   TW_OK);
	CHECK_EQ_U(ev.action, TW_ACT_ACCEPT);
	CHECK_EQ_I(
	    parse("%ASA-4-733100: [ Scanning] drop rate-1 exceeded. Current burst rate is 10 "
		  "per second, max configured rate is 10",
		  &ev),
	    TW_IN_NOPACKET);
	CHECK_EQ_I(parse("%ASA-6-302013: Built inbound TCP connection 1 for outside:198.51.100.1/1 "
			 "(198.51.100.1/1) to inside:192.0.2.1/80 (192.0.2.1/80)",
			 &ev),
		   TW_IN_NOPACKET);
	CHECK_EQ_I(parse("Aug  6 10:00:00 host kernel: IN=eth0 50%", &ev), TW_E_NOTFOUND);
}

static void t_malformed(void)
{
	struct tw_event ev;
	/* Masked addresses (published samples) are not addresses. */
	CHECK_EQ_I(parse("%PIX-2-106006: Deny inbound UDP from ***/54481 to ***/1026 on  interface "
			 "vpn",
			 &ev),
		   TW_E_INVALID);
	CHECK_EQ_I(
	    parse("%PIX-3-106011: Deny inbound (No xlate) tcp src inside:192.0.2.43/80 dst", &ev),
	    TW_E_TRUNCATED);
	CHECK_EQ_I(parse("%ASA-4-106023: Deny udp src outside:198.51.100.1/99999 dst "
			 "inside:192.0.2.3/53 by access-group \"a\"",
			 &ev),
		   TW_E_INVALID);
	CHECK_EQ_I(parse("%ASA-3-106014: Deny inbound icmp src outside:203.0.113.231 dst "
			 "outside:192.0.2.112 (type 300, code 2)",
			 &ev),
		   TW_E_INVALID);
	CHECK_EQ_I(
	    parse("%ASA-4-106023: Deny bogus src outside:198.51.100.1/9 dst inside:192.0.2.3/53",
		  &ev),
	    TW_E_INVALID);
}

/* The device's stamp with a zone name: a known one converted to UTC (EDT is UTC-4), an
 * ambiguous one (CST) read in the process's zone (the tests run in UTC). */
static void t_device_stamp_zones(void)
{
	struct tw_event ev;
	char t[TW_TIME_STRLEN];
	CHECK_EQ_I(parse("Mar 02 2019 17:20:11 EDT: %ASA-4-106023: Deny tcp src "
			 "outside:198.51.100.3/4000 dst inside:192.0.2.1/445 by access-group "
			 "\"outside_in\" [0x0, 0x0]",
			 &ev),
		   TW_OK);
	tw_time_format(ev.ts, false, t);
	CHECK_STR(t, "2019-03-02T21:20:11Z");
	CHECK(ev.has & TW_EV_HAS_TZ);
	CHECK_EQ_I(parse("Mar 02 2019 17:20:11 CST: %ASA-4-106023: Deny tcp src "
			 "outside:198.51.100.3/4000 dst inside:192.0.2.1/445 by access-group "
			 "\"outside_in\" [0x0, 0x0]",
			 &ev),
		   TW_OK);
	tw_time_format(ev.ts, false, t);
	CHECK_STR(t, "2019-03-02T17:20:11Z");
	CHECK(!(ev.has & TW_EV_HAS_TZ));
}

TW_SUITE(in_cisco_asa, {"device_stamp_zones", t_device_stamp_zones},
	 {"from_to_messages", t_from_to_messages}, {"src_dst_messages", t_src_dst_messages},
	 {"106100_and_others", t_106100_and_others}, {"malformed", t_malformed});

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: input/in-sophos. Records in the shape of log-formats.md §12 with documentation
 * addresses. */
#include "core/time.h"
#include "input/input.h"
#include "t-input.h"
#include "tap.h"

extern const struct tw_input_format tw_in_sophos;

static struct tw_parse_ctx ctx;

#define parse(line, ev) t_parse_line(&tw_in_sophos, (line), (ev), &ctx, 2004, 0)
#define ad(a)		t_addr(a)

static void t_firewall(void)
{
	struct tw_event ev;
	char t[TW_TIME_STRLEN];
	CHECK_EQ_I(
	    parse("device=\"SFW\" date=2004-08-07 time=09:14:02 timezone=\"+08\" "
		  "device_name=\"XG210\" device_id=C01 log_id=010101600001 "
		  "log_type=\"Firewall\" log_component=\"Firewall Rule\" log_subtype=\"Denied\" "
		  "status=\"Deny\" fw_rule_id=14 in_interface=\"Port2\" out_interface=\"\" "
		  "src_mac=00:00:5e:00:53:01 src_ip=198.51.100.7 src_country_code= "
		  "dst_ip=192.0.2.10 dst_country_code= protocol=\"UDP\" src_port=1027 "
		  "dst_port=1026 sent_pkts=0  recv_pkts=0",
		  &ev),
	    TW_OK);
	tw_time_format(ev.ts, false, t);
	CHECK_STR(t, "2004-08-07T01:14:02Z");
	CHECK_STR(ad(&ev.src), "198.51.100.7");
	CHECK_EQ_U(ev.proto, TW_IPPROTO_UDP);
	CHECK_EQ_U(ev.dport, 1026);
	CHECK_EQ_U(ev.action, TW_ACT_DROP);
	CHECK_SPAN(ev.iface_in, "Port2");
	CHECK(ev.iface_out.p == NULL);
	CHECK_SPAN(ev.mac, "00:00:5e:00:53:01");
	CHECK_SPAN(ev.host, "XG210");
	CHECK_SPAN(ev.prefix, "14");
	CHECK_EQ_I(
	    parse("device=\"SFW\" date=2004-08-07 time=09:14:02 timezone=\"+05:30\" "
		  "log_type=\"Firewall\" status=\"Allow\" src_ip=2001:db8::1 dst_ip=2001:db8::2 "
		  "protocol=\"TCP\" src_port=1 dst_port=443",
		  &ev),
	    TW_OK);
	tw_time_format(ev.ts, false, t);
	CHECK_STR(t, "2004-08-07T03:44:02Z");
	CHECK_EQ_U(ev.action, TW_ACT_ACCEPT);
}

static void t_others_and_bad(void)
{
	struct tw_event ev;
	CHECK_EQ_I(parse("device=\"SFW\" date=2004-08-07 time=09:14:02 log_type=\"IDP\" "
			 "src_ip=198.51.100.7 dst_ip=192.0.2.10",
			 &ev),
		   TW_IN_NOPACKET);
	CHECK_EQ_I(parse("device=\"SFW\" date=2004-08-07 time=09:14:02 log_type=\"Firewall\" "
			 "src_ip=198.51.100.7 dst_ip=192.0.2.10 protocol=\"BOGUS\"",
			 &ev),
		   TW_E_INVALID);
	CHECK_EQ_I(parse("device=\"SFW\" date=2004-13-07 time=09:14:02 log_type=\"Firewall\" "
			 "src_ip=198.51.100.7 dst_ip=192.0.2.10 protocol=\"TCP\"",
			 &ev),
		   TW_E_INVALID);
	CHECK_EQ_I(parse("log_type=\"Firewall\" date=2004-08-07", &ev), TW_E_NOTFOUND);
}

TW_SUITE(in_sophos, {"firewall", t_firewall}, {"others_and_bad", t_others_and_bad});

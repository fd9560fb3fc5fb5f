/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: input/in-juniper. Lines in the shapes of log-formats.md §10 with documentation
 * addresses. */
#include "core/time.h"
#include "input/input.h"
#include "t-input.h"
#include "tap.h"

extern const struct tw_input_format tw_in_juniper;

static struct tw_parse_ctx ctx;

#define parse(line, ev) t_parse_line(&tw_in_juniper, (line), (ev), &ctx, 2004, 0)
#define ad(a)		t_addr(a)

static void t_structured(void)
{
	struct tw_event ev;
	char t[TW_TIME_STRLEN];
	CHECK_EQ_I(parse("Aug  6 21:14:05 192.0.2.1 junos-flow: 2004-08-06T21:14:02.803Z srx-1 "
			 "RT_FLOW - RT_FLOW_SESSION_DENY [junos@2636.1.1.1.2.39 "
			 "source-address=\"198.51.100.7\" source-port=\"1027\" "
			 "destination-address=\"192.0.2.10\" destination-port=\"1026\" "
			 "service-name=\"junos-udp-any\" protocol-id=\"17\" icmp-type=\"0\" "
			 "policy-name=\"Default-Deny\" source-zone-name=\"untrust\" "
			 "packet-incoming-interface=\"ge-0/0/0.0\" reason=\"policy deny\"]",
			 &ev),
		   TW_OK);
	tw_time_format(ev.ts, true, t);
	CHECK_STR(t, "2004-08-06T21:14:02.803000Z");
	CHECK_SPAN(ev.host, "srx-1");
	CHECK_STR(ad(&ev.src), "198.51.100.7");
	CHECK_STR(ad(&ev.dst), "192.0.2.10");
	CHECK_EQ_U(ev.proto, TW_IPPROTO_UDP);
	CHECK_EQ_U(ev.sport, 1027);
	CHECK_EQ_U(ev.dport, 1026);
	CHECK_EQ_U(ev.action, TW_ACT_DROP);
	CHECK_SPAN(ev.iface_in, "ge-0/0/0.0");
	CHECK_SPAN(ev.prefix, "Default-Deny");
	CHECK_EQ_I(parse("<14>1 2004-08-06T21:15:00Z srx-1 RT_IDS - RT_SCREEN_TCP "
			 "[junos@2636.1.1.1.2.39 attack-name=\"TCP port scan!\" "
			 "source-address=\"203.0.113.44\" source-port=\"4021\" "
			 "destination-address=\"192.0.2.10\" destination-port=\"445\" "
			 "protocol-id=\"6\" interface-name=\"ge-0/0/0.0\" action=\"drop\"]",
			 &ev),
		   TW_OK);
	CHECK_SPAN(ev.prefix, "TCP port scan!");
	CHECK_EQ_U(ev.dport, 445);
	CHECK_EQ_U(ev.action, TW_ACT_DROP);
	CHECK_EQ_I(parse("<14>1 2004-08-06T21:15:00Z srx-1 RT_FLOW - RT_FLOW_SESSION_CREATE "
			 "[junos@2636.1.1.1.2.39 source-address=\"2001:db8::1\" source-port=\"1\" "
			 "destination-address=\"2001:db8::2\" destination-port=\"443\" "
			 "protocol-id=\"6\"]",
			 &ev),
		   TW_OK);
	CHECK_EQ_U(ev.action, TW_ACT_ACCEPT);
	CHECK_STR(ad(&ev.src), "2001:db8::1");
}

static void t_brief_and_others(void)
{
	struct tw_event ev;
	CHECK_EQ_I(parse("Aug  6 21:16:00 srx-2 RT_FLOW: RT_FLOW_SESSION_DENY: session denied "
			 "203.0.113.44/4022->192.0.2.10/139 junos-smb 6(0) deny-all untrust trust "
			 "UNKNOWN UNKNOWN N/A(N/A) ge-0/0/1.0",
			 &ev),
		   TW_OK);
	CHECK_STR(ad(&ev.src), "203.0.113.44");
	CHECK_EQ_U(ev.dport, 139);
	CHECK_EQ_U(ev.proto, TW_IPPROTO_TCP);
	CHECK_SPAN(ev.prefix, "deny-all");
	CHECK_SPAN(ev.host, "srx-2");
	CHECK_EQ_I(
	    parse("<14>1 2004-08-06T21:15:00Z srx-1 RT_FLOW - FLOW_MCAST_RPF_FAIL "
		  "[junos@2636.1.1.1.2.39 interface-name=\"x\" source-address=\"192.0.2.1\"]",
		  &ev),
	    TW_IN_NOPACKET);
	CHECK_EQ_I(parse("<14>1 2004-08-06T21:15:00Z srx-1 RT_FLOW - RT_FLOW_SESSION_DENY "
			 "[junos@2636.1.1.1.2.39 source-address=\"192.0.2.1\"]",
			 &ev),
		   TW_E_TRUNCATED);
	CHECK_EQ_I(parse("<14>1 2004-08-06T21:15:00Z srx-1 RT_FLOW - RT_FLOW_SESSION_DENY "
			 "[junos@2636.1.1.1.2.39 source-address=\"192.0.2.1\" "
			 "destination-address=\"192.0.2.2\" protocol-id=\"600\"]",
			 &ev),
		   TW_E_INVALID);
	CHECK_EQ_I(parse("<14>1 2004-08-06T21:15:00Z srx-1 RT_FLOW - RT_FLOW_SESSION_DENY "
			 "[junos@2636.1.1.1.2.39 source-address=\"192.0.2.1",
			 &ev),
		   TW_E_TRUNCATED);
	CHECK_EQ_I(parse("Aug  6 21:16:00 host kernel: hello", &ev), TW_E_NOTFOUND);
}

TW_SUITE(in_juniper, {"structured", t_structured}, {"brief_and_others", t_brief_and_others});

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: input/in-ulogd-json (ulogd2 JSON output), documentation addresses. */
#include "core/time.h"
#include "input/input.h"
#include "t-input.h"
#include "tap.h"

extern const struct tw_input_format tw_in_ulogd_json;

static struct tw_parse_ctx ctx;

#define parse(line, ev) t_parse_line(&tw_in_ulogd_json, (line), (ev), &ctx, 0, 0)
#define ad(a)		t_addr(a)

static void t_packets(void)
{
	struct tw_event ev;
	char t[TW_TIME_STRLEN];
	CHECK_EQ_I(parse("{\"timestamp\":\"2004-08-06T23:14:02.250000+0200\",\"dvc\":\"gw\","
			 "\"raw.pktlen\":468,\"oob.prefix\":\"DROP in: \",\"oob.in\":\"eth0\","
			 "\"oob.out\":\"\",\"ip.protocol\":17,\"ip.ttl\":113,\"ip.totlen\":468,"
			 "\"ip.id\":420,\"src_ip\":\"198.51.100.7\",\"dest_ip\":\"192.0.2.10\","
			 "\"src_port\":1027,\"dest_port\":1026,\"udp.len\":448}",
			 &ev),
		   TW_OK);
	tw_time_format(ev.ts, true, t);
	CHECK_STR(t, "2004-08-06T21:14:02.250000Z");
	CHECK_STR(ad(&ev.src), "198.51.100.7");
	CHECK_EQ_U(ev.dport, 1026);
	CHECK_EQ_U(ev.ip_len, 468);
	CHECK_EQ_U(ev.payload_len, 440);
	CHECK_EQ_U(ev.ttl, 113);
	CHECK_EQ_U(ev.ip_id, 420);
	CHECK_EQ_U(ev.dir, TW_DIR_IN);
	CHECK_EQ_U(ev.action, TW_ACT_UNKNOWN);
	CHECK_SPAN(ev.iface_in, "eth0");
	CHECK_SPAN(ev.prefix, "DROP in: ");
	CHECK_SPAN(ev.host, "gw");
	CHECK_EQ_I(parse("{\"oob.time.sec\":1091826842,\"oob.time.usec\":5,\"oob.in\":\"eth0\","
			 "\"ip.protocol\":6,\"src_ip\":\"2001:db8::1\",\"dest_ip\":\"2001:db8::2\","
			 "\"src_port\":4021,\"dest_port\":445,\"tcp.syn\":1,\"tcp.ack\":0}",
			 &ev),
		   TW_OK);
	tw_time_format(ev.ts, true, t);
	CHECK_STR(t, "2004-08-06T21:14:02.000005Z");
	CHECK_EQ_U(ev.tcp_flags, TW_TCP_SYN);
	CHECK_EQ_I(parse("{\"oob.in\":\"eth0\",\"ip.protocol\":1,\"src_ip\":\"203.0.113.4\","
			 "\"dest_ip\":\"192.0.2.1\",\"icmp.type\":8,\"icmp.code\":0}",
			 &ev),
		   TW_OK);
	CHECK(ev.has & TW_EV_HAS_ICMP);
	CHECK(!(ev.has & TW_EV_HAS_TS));
}

static void t_bad(void)
{
	struct tw_event ev;
	CHECK_EQ_I(parse("{\"oob.in\":\"eth0\",\"ip.protocol\":17,\"src_ip\":\"1.2.3\","
			 "\"dest_ip\":\"192.0.2.1\"}",
			 &ev),
		   TW_E_INVALID);
	CHECK_EQ_I(parse("{\"oob.in\":\"eth0\",\"ip.protocol\":17,\"src_ip\":\"192.0.2.2\","
			 "\"dest_ip\":\"192.0.2.1\",\"src_port\":1,\"dest_port\":70000}",
			 &ev),
		   TW_E_INVALID);
	CHECK_EQ_I(parse("{\"oob.in\":\"eth0\",\"ip.protocol\":300,\"src_ip\":\"192.0.2.2\","
			 "\"dest_ip\":\"192.0.2.1\"}",
			 &ev),
		   TW_E_INVALID);
	CHECK_EQ_I(parse("{\"oob.in\":\"eth0\"", &ev), TW_E_TRUNCATED);
	CHECK_EQ_I(parse("{\"oob.in\":eth0, \"ip.protocol\":1}", &ev), TW_E_INVALID);
	CHECK_EQ_I(parse("{\"event_type\":\"alert\"}", &ev), TW_E_NOTFOUND);
}

TW_SUITE(in_ulogd_json, {"packets", t_packets}, {"bad", t_bad});

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: input/in-fortigate. Records in the shapes of log-formats.md §9 (FortiOS 4 to 7)
 * with documentation addresses. */
#include "core/time.h"
#include "input/input.h"
#include "t-input.h"
#include "tap.h"

extern const struct tw_input_format tw_in_fortigate;

static struct tw_parse_ctx ctx;

#define parse(line, ev) t_parse_line(&tw_in_fortigate, (line), (ev), &ctx, 2004, 0)
#define ad(a)		t_addr(a)

static void t_traffic(void)
{
	struct tw_event ev;
	char t[TW_TIME_STRLEN];
	CHECK_EQ_I(
	    parse("date=2004-08-06 time=21:14:02 devname=\"fgt-1\" devid=\"FG100\" "
		  "logid=\"0000000013\" type=\"traffic\" subtype=\"forward\" level=\"notice\" "
		  "tz=\"-0400\" srcip=198.51.100.7 srcport=1027 srcintf=\"wan1\" "
		  "dstip=192.0.2.10 dstport=1026 dstintf=\"internal\" proto=17 action=\"deny\" "
		  "policyid=0 service=\"udp/1026\" sentbyte=0",
		  &ev),
	    TW_OK);
	tw_time_format(ev.ts, false, t);
	CHECK_STR(t, "2004-08-07T01:14:02Z");
	CHECK(ev.has & TW_EV_HAS_TZ);
	CHECK_STR(ad(&ev.src), "198.51.100.7");
	CHECK_STR(ad(&ev.dst), "192.0.2.10");
	CHECK_EQ_U(ev.proto, TW_IPPROTO_UDP);
	CHECK_EQ_U(ev.dport, 1026);
	CHECK_EQ_U(ev.action, TW_ACT_DROP);
	CHECK_EQ_U(ev.dir, TW_DIR_FORWARD);
	CHECK_SPAN(ev.iface_in, "wan1");
	CHECK_SPAN(ev.iface_out, "internal");
	CHECK_SPAN(ev.host, "fgt-1");
	CHECK(!(ev.has & TW_EV_HAS_IPLEN));
	/* FortiOS 4 names, behind a syslog header, with the damaged "time=10: 13:03". */
	CHECK_EQ_I(parse("Aug  6 21:14:05 date=2004-08-06 time=21: 14:04 devname=fgt-2 "
			 "device_id=FG60 log_id=0038016004 type=traffic subtype=other pri=notice "
			 "status=deny src=203.0.113.44 src_port=4021 dst=192.0.2.10 dst_port=445 "
			 "proto=6 src_int=N/A dst_int=\"N/A\"",
			 &ev),
		   TW_OK);
	tw_time_format(ev.ts, false, t);
	CHECK_STR(t, "2004-08-06T21:14:04Z");
	CHECK_EQ_U(ev.dport, 445);
	CHECK(ev.iface_in.p == NULL);
	/* eventtime in nanoseconds when there is no tz=. */
	CHECK_EQ_I(parse("date=2019-05-13 time=11:45:04 logid=\"0000000013\" type=\"traffic\" "
			 "subtype=\"local\" eventtime=1557773104815101919 srcip=2001:db8::1 "
			 "srcport=1 dstip=2001:db8::2 dstport=2 proto=6 action=\"accept\"",
			 &ev),
		   TW_OK);
	tw_time_format(ev.ts, true, t);
	CHECK_STR(t, "2019-05-13T18:45:04.815101Z");
	CHECK_EQ_U(ev.dir, TW_DIR_IN);
	CHECK_EQ_U(ev.action, TW_ACT_ACCEPT);
	/* An eventtime of 13 digits (ms) too large for ns is ignored, not overflowed. */
	CHECK_EQ_I(parse("date=2019-05-13 time=11:45:04 logid=\"13\" type=\"traffic\" "
			 "eventtime=9999999999999 srcip=192.0.2.1 dstip=192.0.2.2 proto=6",
			 &ev),
		   TW_OK);
	tw_time_format(ev.ts, false, t);
	CHECK_STR(t, "2019-05-13T11:45:04Z");
}

static void t_anomaly_and_others(void)
{
	struct tw_event ev;
	CHECK_EQ_I(
	    parse("date=2016-03-22 time=19:20:46 devname=fw logid=0000018000 type=anomaly "
		  "subtype=anomaly srcip=203.0.113.35 dstip=192.0.2.84 srcintf=\"port2\" "
		  "action=detected proto=6 count=1903 attack=\"tcp_syn_flood\" srcport=32835 "
		  "dstport=2960",
		  &ev),
	    TW_OK);
	CHECK_SPAN(ev.prefix, "tcp_syn_flood");
	CHECK_EQ_U(ev.action, TW_ACT_UNKNOWN);
	CHECK_EQ_I(parse("date=2016-06-14 time=12:22:01 devname=fw logid=0100032002 type=event "
			 "subtype=system action=login status=failed",
			 &ev),
		   TW_IN_NOPACKET);
	CHECK_EQ_I(parse("date=2016-06-14 time=12:22:01 type=traffic", &ev), TW_E_NOTFOUND);
	CHECK_EQ_I(parse("date=2004-08-06 time=25:14:02 logid=1 type=traffic srcip=198.51.100.7 "
			 "dstip=192.0.2.10 proto=17",
			 &ev),
		   TW_E_INVALID);
	CHECK_EQ_I(parse("date=2004-08-06 time=21:14:02 logid=1 type=traffic srcip=198.51.100.7 "
			 "dstip=192.0.2.10 proto=999",
			 &ev),
		   TW_E_INVALID);
	CHECK_EQ_I(parse("date=2004-08-06 time=21:14:02 logid=1 type=traffic srcip=x "
			 "dstip=192.0.2.10 proto=6",
			 &ev),
		   TW_E_INVALID);
	CHECK_EQ_I(parse("date=2004-08-06 time=21:14:02 logid=1 type=traffic srcip=198.51.100.7 "
			 "dstip=192.0.2.10 proto=6 srcport=1 dstport=65536",
			 &ev),
		   TW_E_INVALID);
}

TW_SUITE(in_fortigate, {"traffic", t_traffic}, {"anomaly_and_others", t_anomaly_and_others});

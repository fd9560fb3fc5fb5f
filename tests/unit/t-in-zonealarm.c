/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: input/in-zonealarm (ZAlog.txt). Records in the shapes of log-formats.md §1 with
 * documentation addresses. */
#include "core/time.h"
#include "input/input.h"
#include "t-input.h"
#include "tap.h"

extern const struct tw_input_format tw_in_zonealarm;

static struct tw_parse_ctx ctx;

#define parse(line, ev) t_parse_line(&tw_in_zonealarm, (line), (ev), &ctx, 0, 0)
#define ad(a)		t_addr(a)

static void t_firewall_records(void)
{
	struct tw_event ev;
	char t[TW_TIME_STRLEN];
	CHECK_EQ_I(
	    parse("FWIN,2004/08/06,9:14:02 -5:00 GMT,198.51.100.7:1027,192.0.2.10:1026,UDP", &ev),
	    TW_OK);
	tw_time_format(ev.ts, false, t);
	CHECK_STR(t, "2004-08-06T14:14:02Z"); /* local 09:14 at UTC-5 */
	CHECK(ev.has & TW_EV_HAS_TZ);
	CHECK_EQ_I(ev.tz_off_s, -5 * 3600);
	CHECK_STR(ad(&ev.src), "198.51.100.7");
	CHECK_STR(ad(&ev.dst), "192.0.2.10");
	CHECK_EQ_U(ev.sport, 1027);
	CHECK_EQ_U(ev.dport, 1026);
	CHECK_EQ_U(ev.proto, TW_IPPROTO_UDP);
	CHECK_EQ_U(ev.dir, TW_DIR_IN);
	CHECK_EQ_U(ev.action, TW_ACT_DROP);
	/* What ZoneAlarm cannot tell stays unknown. */
	CHECK(!(ev.has & (TW_EV_HAS_IPLEN | TW_EV_HAS_TTL | TW_EV_HAS_PAYLEN)));
	CHECK(ev.iface_in.p == NULL);

	CHECK_EQ_I(
	    parse("FWOUT\t2006/09/09\t22:27:22 +5:30 GMT\t192.0.2.135:1134\t203.0.113.195:445"
		  "\tTCP (flags:SA)",
		  &ev),
	    TW_OK);
	tw_time_format(ev.ts, false, t);
	CHECK_STR(t, "2006-09-09T16:57:22Z");
	CHECK_EQ_U(ev.tcp_flags, TW_TCP_SYN | TW_TCP_ACK);
	CHECK_EQ_U(ev.dir, TW_DIR_OUT);
	CHECK_EQ_I(
	    parse("FWROUTE;2006/09/09;22:26:58 -5:00 GMT;192.0.2.135:137;192.0.2.255:137;UDP", &ev),
	    TW_OK);
	CHECK_EQ_U(ev.dir, TW_DIR_FORWARD);
	CHECK_EQ_I(parse("FWIN_OK,2006/09/09,22:26:58 -5:00 GMT,203.0.113.9:0,192.0.2.10:0,"
			 "ICMP (type:8/subtype:0)",
			 &ev),
		   TW_OK);
	CHECK_EQ_U(ev.action, TW_ACT_ACCEPT);
	CHECK(ev.has & TW_EV_HAS_ICMP);
	CHECK(!(ev.has & TW_EV_HAS_PORTS));
	CHECK_EQ_U(ev.icmp_type, 8);
}

static void t_other_records_and_headers(void)
{
	struct tw_event ev;
	CHECK_EQ_I(parse("ZoneAlarm Logging Client v6.5.737.000", &ev), TW_IN_NOPACKET);
	CHECK_EQ_I(parse("Windows XP-5.1.2600-Service Pack 2-SMP", &ev), TW_IN_NOPACKET);
	CHECK_EQ_I(parse("type,date,time,source,destination,transport (Security)", &ev),
		   TW_IN_NOPACKET);
	CHECK_EQ_I(
	    parse("PE,2006/11/15,14:57:36 -5:00 GMT,tcsd.exe,C:\\x\\tcsd.exe,0.0.0.0:10001,N/A",
		  &ev),
	    TW_IN_NOPACKET);
	CHECK_STR(ctx.detail, "ZoneAlarm program permission record (PE)");
	CHECK_EQ_I(
	    parse("ACCESS,2006/11/15,14:57:58 -5:00 GMT,Generic Host Process was blocked from "
		  "accepting a connection from the Internet (192.0.2.1:Port 1900).,N/A,N/A",
		  &ev),
	    TW_IN_NOPACKET);
	CHECK_EQ_I(parse("ZLUpdate,2006/11/15,14:57:58 -5:00 GMT,,,Auto", &ev), TW_IN_NOPACKET);
	CHECK_EQ_I(parse("Windows is great", &ev), TW_E_NOTFOUND);
	CHECK_EQ_I(parse("FOO,bar", &ev), TW_E_NOTFOUND);
}

static void t_malformed(void)
{
	struct tw_event ev;
	CHECK_EQ_I(parse("FWIN,2004/08/06,9:14:02 -5:00 GMT,198.51.100.7:1027", &ev),
		   TW_E_TRUNCATED);
	CHECK_EQ_I(
	    parse("FWIN,2004/02/30,9:14:02 -5:00 GMT,198.51.100.7:1027,192.0.2.10:1026,UDP", &ev),
	    TW_E_INVALID);
	CHECK_EQ_I(
	    parse("FWIN,2004/08/06,9:14:02 -5:00,198.51.100.7:1027,192.0.2.10:1026,UDP", &ev),
	    TW_E_INVALID);
	CHECK_EQ_I(
	    parse("FWIN,2004/08/06,9:14:02 -5:00 GMT,198.51.100.7:70000,192.0.2.10:1,UDP", &ev),
	    TW_E_INVALID);
	CHECK_EQ_I(
	    parse("FWIN,2004/08/06,9:14:02 -5:00 GMT,198.51.100.7:1,192.0.2.10:1,TCP (flags:Z)",
		  &ev),
	    TW_E_INVALID);
	CHECK_STR(ctx.detail, "bad transport");
	CHECK_EQ_I(
	    parse("FWIN,2004/08/06,9:14:02 -5:00 GMT,198.51.100.7:1,192.0.2.10:1,UDP,extra", &ev),
	    TW_E_INVALID);
}

TW_SUITE(in_zonealarm, {"firewall_records", t_firewall_records},
	 {"other_records_and_headers", t_other_records_and_headers}, {"malformed", t_malformed});

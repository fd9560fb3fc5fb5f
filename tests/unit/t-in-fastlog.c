/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: input/in-fastlog (Snort alert_fast, Suricata fast.log, and the same alerts
 * through syslog). Lines the team wrote in those shapes, with documentation addresses. */
#include "core/time.h"
#include "input/input.h"
#include "t-input.h"
#include "tap.h"

extern const struct tw_input_format tw_in_fastlog;

static struct tw_parse_ctx ctx;

#define parse(line, ev) t_parse_line(&tw_in_fastlog, (line), (ev), &ctx, 2004, 0)
#define ad(a)		t_addr(a)

static void t_lines(void)
{
	struct tw_event ev;
	char t[TW_TIME_STRLEN];
	CHECK_EQ_I(parse("08/06/2004-21:14:03.123456  [**] [1:2001219:20] ET SCAN Potential SSH "
			 "Scan [**] [Classification: Attempted Information Leak] [Priority: 2] "
			 "{TCP} 198.51.100.7:4000 -> 192.0.2.10:22",
			 &ev),
		   TW_OK);
	tw_time_format(ev.ts, true, t);
	CHECK_STR(t, "2004-08-06T21:14:03.123456Z");
	CHECK_SPAN(ev.prefix, "ET SCAN Potential SSH Scan");
	CHECK_EQ_U(ev.proto, 6);
	CHECK_STR(ad(&ev.src), "198.51.100.7");
	CHECK_STR(ad(&ev.dst), "192.0.2.10");
	CHECK_EQ_U(ev.sport, 4000);
	CHECK_EQ_U(ev.dport, 22);
	CHECK_EQ_U(ev.action, TW_ACT_UNKNOWN); /* an alert says nothing of what was done */
	/* Suricata inline: a drop. */
	CHECK_EQ_I(parse("08/06/2004-21:14:04.000001  [Drop] [**] [1:2100648:8] GPL SHELLCODE "
			 "[**] [Classification: x] [Priority: 1] {TCP} 203.0.113.45:1121 -> "
			 "192.0.2.10:445",
			 &ev),
		   TW_OK);
	CHECK_EQ_U(ev.action, TW_ACT_DROP);
	/* Snort without -y: the year from --year. */
	CHECK_EQ_I(parse("08/06-21:14:05.500000  [**] [1:527:8] BAD-TRAFFIC [**] [Priority: 2] "
			 "{UDP} 198.51.100.7:1026 -> 192.0.2.10:1026",
			 &ev),
		   TW_OK);
	tw_time_format(ev.ts, true, t);
	CHECK_STR(t, "2004-08-06T21:14:05.500000Z");
	/* ICMP has no ports. */
	CHECK_EQ_I(parse("08/06/2004-21:14:06.000000  [**] [1:408:5] ICMP Echo Reply [**] "
			 "[Priority: 3] {ICMP} 192.0.2.77 -> 192.0.2.10",
			 &ev),
		   TW_OK);
	CHECK(!(ev.has & TW_EV_HAS_PORTS));
	/* IPv6 bracketed (Suricata) and bare with the port after the last colon (Snort 2). */
	CHECK_EQ_I(parse("08/06/2004-21:14:07.000000  [**] [1:2000:1] v6 [**] [Priority: 2] "
			 "{TCP} [2001:db8:bad::7]:40000 -> [2001:db8::10]:139",
			 &ev),
		   TW_OK);
	CHECK_STR(ad(&ev.src), "2001:db8:bad::7");
	CHECK_EQ_U(ev.dport, 139);
	CHECK_EQ_I(parse("08/06/2004-21:14:08.000000  [**] [1:2001:1] v6 [**] [Priority: 2] "
			 "{TCP} 2001:db8:bad::7:40001 -> 2001:db8::10:445",
			 &ev),
		   TW_OK);
	CHECK_STR(ad(&ev.dst), "2001:db8::10");
	CHECK_EQ_U(ev.sport, 40001);
	/* Through syslog, without "[**]". */
	CHECK_EQ_I(parse("Aug  6 21:14:09 ids snort[4242]: [1:1917:6] SCAN UPnP service "
			 "discover attempt [Classification: Detection of a Network Scan] "
			 "[Priority: 3] {UDP} 198.51.100.23:1900 -> 239.255.255.250:1900",
			 &ev),
		   TW_OK);
	CHECK_SPAN(ev.host, "ids");
	CHECK_SPAN(ev.prefix, "SCAN UPnP service discover attempt");
	CHECK_EQ_U(ev.dport, 1900);
}

static void t_bad(void)
{
	struct tw_event ev;
	/* TCP without a source port, an impossible date, another program's line. */
	CHECK_EQ_I(parse("08/06/2004-21:14:10.000000  [**] [1:9:1] x [**] [Priority: 2] {TCP} "
			 "198.51.100.7 -> 192.0.2.10:22",
			 &ev),
		   TW_E_INVALID);
	CHECK_EQ_I(parse("13/45/2004-21:14:11.000000  [**] [1:9:1] x [**] [Priority: 2] {TCP} "
			 "198.51.100.7:1 -> 192.0.2.10:22",
			 &ev),
		   TW_E_INVALID);
	CHECK_EQ_I(parse("Aug  6 21:14:12 ids sshd[99]: [1:1:1] x [Priority: 2] {TCP} 1.2.3.4:1 "
			 "-> 5.6.7.8:2",
			 &ev),
		   TW_E_NOTFOUND);
	CHECK_EQ_I(parse("08/06/2004-21:14:10.000000  [**] [1:9:1] x [**] [Priority: 2] {TCP} "
			 "198.51.100.7:1 -> 2001:db8::1:22",
			 &ev),
		   TW_E_INVALID);
}

TW_SUITE(in_fastlog, {"lines", t_lines}, {"bad", t_bad});

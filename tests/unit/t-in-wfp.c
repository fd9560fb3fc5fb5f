/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: input/in-wfp (Windows Filtering Platform events 5152/5156/5157), in the shapes
 * of log-formats.md §3 with documentation addresses; the runner sets TZ=UTC. */
#include "core/time.h"
#include "input/input.h"
#include "t-input.h"
#include "tap.h"

extern const struct tw_input_format tw_in_wfp;

static struct tw_parse_ctx ctx;

#define first(line, ev) t_parse_line(&tw_in_wfp, (line), (ev), &ctx, 0, 0)
#define more(line, ev)	t_parse_more(&tw_in_wfp, (line), (ev), &ctx)
#define ad(a)		t_addr(a)

#define EV(id, dir, sa, sp, da, dp)                                                                \
	"<Event "                                                                                  \
	"xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System><EventID>" id     \
	"</EventID><TimeCreated SystemTime=\"2004-08-06T21:14:02.1234567Z\"/><Computer>pc1"        \
	"</Computer></System><EventData><Data Name=\"ProcessID\">4</Data><Data "                   \
	"Name=\"Application\">System</Data><Data Name=\"Direction\">" dir "</Data><Data "          \
	"Name=\"SourceAddress\">" sa "</Data><Data Name=\"SourcePort\">" sp "</Data><Data "        \
	"Name=\"DestAddress\">" da "</Data><Data Name=\"DestPort\">" dp "</Data><Data "            \
	"Name=\"Protocol\">17</Data></EventData></Event>"

static void t_xml_one_line(void)
{
	struct tw_event ev;
	char t[TW_TIME_STRLEN];
	/* 5152, inbound: Source is the packet's source. */
	CHECK_EQ_I(first(EV("5152", "%%14592", "198.51.100.7", "1027", "192.0.2.10", "1026"), &ev),
		   TW_OK);
	tw_time_format(ev.ts, true, t);
	CHECK_STR(t, "2004-08-06T21:14:02.123456Z");
	CHECK_STR(ad(&ev.src), "198.51.100.7");
	CHECK_STR(ad(&ev.dst), "192.0.2.10");
	CHECK_EQ_U(ev.sport, 1027);
	CHECK_EQ_U(ev.dport, 1026);
	CHECK_EQ_U(ev.proto, TW_IPPROTO_UDP);
	CHECK_EQ_U(ev.action, TW_ACT_DROP);
	CHECK_EQ_U(ev.dir, TW_DIR_IN);
	CHECK_SPAN(ev.host, "pc1");
	CHECK_SPAN(ev.prefix, "System");
	/* 5157, inbound: Microsoft's Source is the local end; turned round. */
	CHECK_EQ_I(first(EV("5157", "%%14592", "192.0.2.10", "135", "198.51.100.7", "1027"), &ev),
		   TW_OK);
	CHECK_STR(ad(&ev.src), "198.51.100.7");
	CHECK_EQ_U(ev.dport, 135);
	/* 5156 outbound: allowed, as named. */
	CHECK_EQ_I(first(EV("5156", "%%14593", "192.0.2.10", "1100", "198.51.100.80", "80"), &ev),
		   TW_OK);
	CHECK_EQ_U(ev.action, TW_ACT_ACCEPT);
	CHECK_EQ_U(ev.dir, TW_DIR_OUT);
	CHECK_STR(ad(&ev.src), "192.0.2.10");
	/* Two events on one line: the second starts where ctx.glued says. */
	const char *two = EV("5152", "%%14592", "198.51.100.7", "1", "192.0.2.10", "2")
	    EV("5152", "%%14592", "203.0.113.9", "3", "192.0.2.10", "4");
	CHECK_EQ_I(first(two, &ev), TW_OK);
	CHECK(ctx.glued > 0);
	CHECK_EQ_I(more(two + ctx.glued, &ev), TW_OK);
	CHECK_STR(ad(&ev.src), "203.0.113.9");
	CHECK_EQ_I(first(EV("5158", "%%14592", "192.0.2.10", "1", "0.0.0.0", "0"), &ev),
		   TW_IN_NOPACKET);
	CHECK_EQ_I(first(EV("5152", "%%14592", "198.51.100.300", "1", "192.0.2.10", "2"), &ev),
		   TW_E_INVALID);
}

static void t_xml_pretty_and_text(void)
{
	struct tw_event ev;
	char t[TW_TIME_STRLEN];
	CHECK_EQ_I(
	    first("- <Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">", &ev),
	    TW_IN_NOPACKET);
	CHECK_EQ_I(more(" <EventID>5157</EventID> ", &ev), TW_IN_NOPACKET);
	CHECK_EQ_I(more(" <Data Name=\"SourceAddress\">192.0.2.10</Data> ", &ev), TW_IN_NOPACKET);
	CHECK_EQ_I(more(" <Data Name=\"DestAddress\">198.51.100.7</Data> ", &ev), TW_IN_NOPACKET);
	CHECK_EQ_I(more(" <Data Name=\"Protocol\">1</Data> ", &ev), TW_IN_NOPACKET);
	CHECK_EQ_I(more(" </Event>", &ev), TW_OK);
	CHECK_EQ_U(ev.proto, TW_IPPROTO_ICMP);
	CHECK(!(ev.has & TW_EV_HAS_PORTS));
	CHECK(!(ev.has & TW_EV_HAS_TS));
	CHECK_EQ_U(ev.dir, TW_DIR_UNKNOWN);
	/* The end of an event with no addresses. */
	CHECK_EQ_I(first("<Event><System><EventID>5152</EventID></System></Event>", &ev),
		   TW_E_TRUNCATED);
	/* Event Viewer's text export. */
	CHECK_EQ_I(first("Keywords\tDate and Time\tSource\tEvent ID\tTask Category", &ev),
		   TW_IN_NOPACKET);
	CHECK_EQ_I(
	    first("Audit Failure\t8/6/2004 9:14:02 PM\tMicrosoft-Windows-Security-Auditing\t"
		  "5157\tFiltering Platform Connection\t\"The Windows Filtering Platform has "
		  "blocked a connection.",
		  &ev),
	    TW_IN_NOPACKET);
	CHECK_EQ_I(more("", &ev), TW_IN_NOPACKET);
	CHECK_EQ_I(more("Application Information:", &ev), TW_IN_NOPACKET);
	CHECK_EQ_I(
	    more("\tApplication Name:\t\\device\\harddiskvolume1\\windows\\system32\\svchost.exe",
		 &ev),
	    TW_IN_NOPACKET);
	CHECK_EQ_I(more("\tDirection:\t\tInbound", &ev), TW_IN_NOPACKET);
	CHECK_EQ_I(more("\tSource Address:\t\t192.0.2.10", &ev), TW_IN_NOPACKET);
	CHECK_EQ_I(more("\tSource Port:\t\t135", &ev), TW_IN_NOPACKET);
	CHECK_EQ_I(more("\tDestination Address:\t198.51.100.7", &ev), TW_IN_NOPACKET);
	CHECK_EQ_I(more("\tDestination Port:\t\t1027", &ev), TW_IN_NOPACKET);
	CHECK_EQ_I(more("\tProtocol:\t\t6", &ev), TW_IN_NOPACKET);
	CHECK_EQ_I(more("\tLayer Run-Time ID:\t44\"", &ev), TW_OK);
	tw_time_format(ev.ts, false, t);
	CHECK_STR(t, "2004-08-06T21:14:02Z");
	CHECK_STR(ad(&ev.src), "198.51.100.7");
	CHECK_EQ_U(ev.dport, 135);
	CHECK_SPAN(ev.prefix, "\\device\\harddiskvolume1\\windows\\system32\\svchost.exe");
	/* Found by fuzzing (UBSan): an empty SystemTime was taken for a parsed stamp. */
	CHECK_EQ_I(first("<Event><System><EventID>5152</EventID><TimeCreated SystemTime=\"\"/>"
			 "</System><EventData><Data Name=\"SourceAddress\">192.0.2.1</Data><Data "
			 "Name=\"DestAddress\">192.0.2.2</Data><Data Name=\"Protocol\">17</Data>"
			 "</EventData></Event>",
			 &ev),
		   TW_OK);
	CHECK(!(ev.has & TW_EV_HAS_TS));
	CHECK_EQ_I(first("<html><body>hello</body></html>", &ev), TW_E_NOTFOUND);
	CHECK_EQ_I(first("plain text", &ev), TW_E_NOTFOUND);
}

TW_SUITE(in_wfp, {"xml_one_line", t_xml_one_line}, {"xml_pretty_and_text", t_xml_pretty_and_text});

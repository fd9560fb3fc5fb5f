/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: input/in-zeek (conn.log TSV and JSON), documentation addresses. */
#include "core/time.h"
#include "input/input.h"
#include "t-input.h"
#include "tap.h"

extern const struct tw_input_format tw_in_zeek;

static struct tw_parse_ctx ctx;

#define first(line, ev) t_parse_line(&tw_in_zeek, (line), (ev), &ctx, 0, 0)
#define more(line, ev)	t_parse_more(&tw_in_zeek, (line), (ev), &ctx)
#define ad(a)		t_addr(a)

static void t_tsv(void)
{
	struct tw_event ev;
	char t[TW_TIME_STRLEN];
	CHECK_EQ_I(first("#separator \\x09", &ev), TW_IN_NOPACKET);
	CHECK_EQ_I(more("#path\tconn", &ev), TW_IN_NOPACKET);
	/* A site's order: fewer columns, reordered. */
	CHECK_EQ_I(more("#fields\tts\tid.resp_h\tid.resp_p\tid.orig_h\tid.orig_p\tproto\tconn_state"
			"\tlocal_orig\tlocal_resp",
			&ev),
		   TW_IN_NOPACKET);
	CHECK_EQ_I(more("#types\ttime\taddr\tport\taddr\tport\tenum\tstring\tbool\tbool", &ev),
		   TW_IN_NOPACKET);
	CHECK_EQ_I(
	    more("1091826842.250000\t192.0.2.10\t1026\t198.51.100.7\t1027\tudp\tS0\tF\tT", &ev),
	    TW_OK);
	tw_time_format(ev.ts, true, t);
	CHECK_STR(t, "2004-08-06T21:14:02.250000Z");
	CHECK_STR(ad(&ev.src), "198.51.100.7");
	CHECK_STR(ad(&ev.dst), "192.0.2.10");
	CHECK_EQ_U(ev.sport, 1027);
	CHECK_EQ_U(ev.dport, 1026);
	CHECK_EQ_U(ev.proto, TW_IPPROTO_UDP);
	CHECK_EQ_U(ev.dir, TW_DIR_IN);
	CHECK_EQ_U(ev.action, TW_ACT_UNKNOWN);
	CHECK_SPAN(ev.prefix, "S0");
	CHECK_EQ_I(more("1091826842.250000\t192.0.2.10\t0\t198.51.100.7\t8\ticmp\tOTH\t-\t-", &ev),
		   TW_OK);
	CHECK(ev.has & TW_EV_HAS_ICMP);
	CHECK_EQ_U(ev.icmp_type, 8);
	CHECK(!(ev.has & TW_EV_HAS_PORTS));
	CHECK_EQ_I(more("1091826842.250000\t192.0.2.10\t1026", &ev), TW_E_TRUNCATED);
	CHECK_EQ_I(
	    more("1091826842.250000\t192.0.2.10\t99999\t198.51.100.7\t1\tudp\tS0\tF\tT", &ev),
	    TW_E_INVALID);
	CHECK_EQ_I(more("#close\t2004-08-07-00-00-00", &ev), TW_IN_NOPACKET);
	/* Another stream's log records no packet. */
	CHECK_EQ_I(more("#path\tdns", &ev), TW_IN_NOPACKET);
	CHECK_EQ_I(
	    more("1091826842.250000\t192.0.2.10\t1026\t198.51.100.7\t1027\tudp\tS0\tF\tT", &ev),
	    TW_IN_NOPACKET);
}

static void t_default_order_and_json(void)
{
	struct tw_event ev;
	char t[TW_TIME_STRLEN];
	/* No header: Zeek's own column order. */
	CHECK_EQ_I(first("1091826842.5\tCabc\t2001:db8::7\t40000\t2001:db8::10\t135\tudp\t-\t1.5\t"
			 "450\t0\tS0\tF\tT\t0\tD\t1\t478\t0\t0\t(empty)",
			 &ev),
		   TW_OK);
	CHECK_STR(ad(&ev.src), "2001:db8::7");
	CHECK_EQ_U(ev.dport, 135);
	CHECK_EQ_I(first("{\"ts\":1091826842.25,\"uid\":\"C1\",\"id.orig_h\":\"198.51.100.7\","
			 "\"id.orig_p\":1027,\"id.resp_h\":\"192.0.2.10\",\"id.resp_p\":1026,"
			 "\"proto\":\"udp\",\"conn_state\":\"S0\",\"local_orig\":false,"
			 "\"local_resp\":true}",
			 &ev),
		   TW_OK);
	tw_time_format(ev.ts, true, t);
	CHECK_STR(t, "2004-08-06T21:14:02.250000Z");
	CHECK_EQ_U(ev.dport, 1026);
	CHECK_EQ_U(ev.dir, TW_DIR_IN);
	CHECK_SPAN(ev.prefix, "S0");
	CHECK_EQ_I(first("{\"ts\":\"2004-08-06T21:14:02.250000Z\",\"id.orig_h\":\"198.51.100.7\","
			 "\"id.orig_p\":1027,\"id.resp_h\":\"192.0.2.10\",\"id.resp_p\":1026,"
			 "\"proto\":\"tcp\"}",
			 &ev),
		   TW_OK);
	tw_time_format(ev.ts, true, t);
	CHECK_STR(t, "2004-08-06T21:14:02.250000Z");
	CHECK_EQ_I(
	    first("{\"ts\":1.5,\"id.orig_h\":\"x\",\"id.orig_p\":1,\"id.resp_h\":\"192.0.2.1\","
		  "\"id.resp_p\":1,\"proto\":\"tcp\"}",
		  &ev),
	    TW_E_INVALID);
	CHECK_EQ_I(first("{\"ts\":1.5,\"query\":\"x\"}", &ev), TW_E_NOTFOUND);
	CHECK_EQ_I(first("12345\tnot zeek", &ev), TW_E_NOTFOUND);
	/* Found by fuzzing (sniff/parse agreement): a leading dot is no epoch stamp. */
	CHECK_EQ_I(
	    first(".0.113.44\t410\t192.0.2.1\t1\t192.0.2.2\t2\tudp\t-\t-\t-\t-\tS0\tF\tT", &ev),
	    TW_E_NOTFOUND);
	/* Found by fuzzing (UBSan): a stamp beyond what nanoseconds hold overflowed. */
	CHECK_EQ_I(first("10918269650.0\tC\t203.0.113.44\t8\t192.0.2.10\t0\ticmp\t-\t-\t-\t-\t"
			 "OTH\tF\tT",
			 &ev),
		   TW_E_INVALID);
}

/* A completed handshake is proof of a real source: the states after one (SF, S1, S2, S3,
 * RSTO, RSTR) mark the event; attempts (S0, REJ, SH, OTH…) and UDP do not. */
static void t_sessions(void)
{
	struct tw_event ev;
	static const struct {
		const char *state, *proto;
		bool session;
	} cases[] = {{"SF", "tcp", true},   {"S1", "tcp", true},  {"RSTO", "tcp", true},
		     {"RSTR", "tcp", true}, {"S3", "tcp", true},  {"S0", "tcp", false},
		     {"REJ", "tcp", false}, {"SH", "tcp", false}, {"RSTOS0", "tcp", false},
		     {"OTH", "tcp", false}, {"SF", "udp", false}};
	CHECK_EQ_I(first("#separator \\x09", &ev), TW_IN_NOPACKET);
	CHECK_EQ_I(
	    more("#fields\tts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tconn_state", &ev),
	    TW_IN_NOPACKET);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char line[200];
		snprintf(line, sizeof(line),
			 "1091826842.25\t198.51.100.7\t4000\t192.0.2.10\t445\t%s\t%s",
			 cases[i].proto, cases[i].state);
		CHECK_EQ_I(more(line, &ev), TW_OK);
		CHECK(((ev.has & TW_EV_HAS_SESSION) != 0) == cases[i].session);
	}
}

TW_SUITE(in_zeek, {"sessions", t_sessions}, {"tsv", t_tsv},
	 {"default_order_and_json", t_default_order_and_json});

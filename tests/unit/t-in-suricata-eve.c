/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: input/in-suricata-eve (Suricata EVE JSON), documentation addresses. */
#include "core/time.h"
#include "input/input.h"
#include "tap.h"

extern const struct tw_input_format tw_in_suricata_eve;

static int parse(const char *line, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	static struct tw_arena arena;
	if (!arena.block_size)
		tw_arena_init(&arena, 0, 0);
	memset(ctx, 0, sizeof(*ctx));
	ctx->arena = &arena;
	tw_yearctx_init(&ctx->year, 0, 0);
	memset(ev, 0, sizeof(*ev));
	return tw_in_suricata_eve.parse(line, strlen(line), ev, ctx);
}

static void t_alert_and_drop(void)
{
	struct tw_event ev;
	struct tw_parse_ctx ctx;
	char t[TW_TIME_STRLEN];
	CHECK_EQ_I(
	    parse("{\"timestamp\":\"2004-08-06T12:34:56.250000+0200\",\"event_type\":\"alert\","
		  "\"src_ip\":\"203.0.113.45\",\"src_port\":1027,\"dest_ip\":\"192.0.2.10\","
		  "\"dest_port\":1026,\"proto\":\"UDP\",\"in_iface\":\"eth0\",\"alert\":"
		  "{\"action\":\"blocked\",\"signature\":\"Messenger \\u001b spam\"}}",
		  &ev, &ctx),
	    TW_OK);
	tw_time_format(ev.ts, true, t);
	CHECK_STR(t, "2004-08-06T10:34:56.250000Z");
	CHECK_EQ_U(ev.proto, TW_IPPROTO_UDP);
	CHECK_EQ_U(ev.dport, 1026);
	CHECK_EQ_U(ev.action, TW_ACT_DROP);
	CHECK_SPAN(ev.iface_in, "eth0");
	CHECK_SPAN(ev.prefix, "Messenger \x1b spam");
	CHECK_EQ_I(
	    parse("{\"event_type\":\"drop\",\"src_ip\":\"2001:db8::7\",\"dest_ip\":\"2001:db8::1\","
		  "\"proto\":\"IPv6-ICMP\"}",
		  &ev, &ctx),
	    TW_OK);
	CHECK_EQ_U(ev.proto, TW_IPPROTO_ICMPV6);
	CHECK_EQ_U(ev.action, TW_ACT_DROP);
	CHECK(!(ev.has & TW_EV_HAS_PORTS));
}

static void t_not_ours_and_bad(void)
{
	struct tw_event ev;
	struct tw_parse_ctx ctx;
	CHECK_EQ_I(parse("{\"event_type\":\"stats\",\"stats\":{}}", &ev, &ctx), TW_E_NOTFOUND);
	CHECK_EQ_I(parse("{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":\"x\"}", &ev, &ctx),
		   TW_E_NOTFOUND);
	CHECK_EQ_I(parse("{\"event_type\":\"flow\",\"src_ip\":\"1.2.3\",\"dest_ip\":\"1.2.3.4\","
			 "\"proto\":\"TCP\"}",
			 &ev, &ctx),
		   TW_E_INVALID);
	CHECK_EQ_I(parse("{\"event_type\":\"flow\",\"src_ip\":\"1.2.3.4\",\"dest_ip\":\"1.2.3.4\","
			 "\"proto\":\"TCP\",\"src_port\":70000,\"dest_port\":1}",
			 &ev, &ctx),
		   TW_E_INVALID);
	CHECK_EQ_I(parse("{\"event_type\":\"alert\"", &ev, &ctx), TW_E_NOTFOUND);
	/* Found by fuzzing (UBSan): an empty timestamp was taken for a parsed one. */
	CHECK_EQ_I(parse("{\"timestamp\":\"\",\"event_type\":\"drop\",\"src_ip\":\"198.51.100.23\","
			 "\"dest_ip\":\"192.0.2.10\",\"proto\":\"UDP\"}",
			 &ev, &ctx),
		   TW_OK);
	CHECK(!(ev.has & TW_EV_HAS_TS));
}

/* A TCP flow record with packets both ways is a completed handshake; a SYN nobody answered
 * (no packet to the client) is not, nor an alert. */
static void t_flow_sessions(void)
{
	struct tw_event ev;
	struct tw_parse_ctx ctx;
	CHECK_EQ_I(
	    parse("{\"timestamp\":\"2004-08-06T21:14:02.000000+0000\",\"event_type\":\"flow\","
		  "\"src_ip\":\"198.51.100.7\",\"src_port\":4000,\"dest_ip\":\"192.0.2.10\","
		  "\"dest_port\":445,\"proto\":\"TCP\",\"flow\":{\"pkts_toserver\":5,"
		  "\"pkts_toclient\":4,\"state\":\"closed\"},\"tcp\":{\"syn\":true,\"ack\":true}}",
		  &ev, &ctx),
	    TW_OK);
	CHECK(ev.has & TW_EV_HAS_SESSION);
	CHECK_EQ_I(
	    parse("{\"timestamp\":\"2004-08-06T21:14:02.000000+0000\",\"event_type\":\"flow\","
		  "\"src_ip\":\"198.51.100.7\",\"src_port\":4000,\"dest_ip\":\"192.0.2.10\","
		  "\"dest_port\":445,\"proto\":\"TCP\",\"flow\":{\"pkts_toserver\":1,"
		  "\"pkts_toclient\":0,\"state\":\"new\"},\"tcp\":{\"syn\":true}}",
		  &ev, &ctx),
	    TW_OK);
	CHECK(!(ev.has & TW_EV_HAS_SESSION));
}

TW_SUITE(in_suricata_eve, {"flow_sessions", t_flow_sessions}, {"alert_and_drop", t_alert_and_drop},
	 {"not_ours_and_bad", t_not_ours_and_bad});

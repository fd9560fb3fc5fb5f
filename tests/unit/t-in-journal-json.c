/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: input/in-journal-json (journalctl -o json). */
#include "core/time.h"
#include "input/input.h"
#include "tap.h"

extern const struct tw_input_format tw_in_journal_json;

static int parse(const char *line, struct tw_event *ev, struct tw_arena *a)
{
	struct tw_parse_ctx ctx = {.arena = a};
	tw_yearctx_init(&ctx.year, 0, 0);
	memset(ev, 0, sizeof(*ev));
	return tw_in_journal_json.parse(line, strlen(line), ev, &ctx);
}

static void t_string_message(void)
{
	struct tw_arena a;
	struct tw_event ev;
	char t[TW_TIME_STRLEN];
	tw_arena_init(&a, 0, 0);
	CHECK_EQ_I(
	    parse("{\"__REALTIME_TIMESTAMP\":\"1091795696250000\",\"_HOSTNAME\":\"fw\","
		  "\"_TRANSPORT\":\"kernel\",\"_SOURCE_MONOTONIC_TIMESTAMP\":\"842134908\","
		  "\"MESSAGE\":\"[UFW BLOCK] IN=eth0 OUT= SRC=203.0.113.9 DST=192.0.2.1 LEN=420 "
		  "TTL=113 ID=1 PROTO=UDP SPT=1027 DPT=1026 LEN=400 \"}",
		  &ev, &a),
	    TW_OK);
	tw_time_format(ev.ts, true, t);
	CHECK_STR(t, "2004-08-06T12:34:56.250000Z");
	CHECK_SPAN(ev.host, "fw");
	CHECK_SPAN(ev.prefix, "[UFW BLOCK]");
	CHECK_EQ_U(ev.dport, 1026);
	CHECK_EQ_U(ev.payload_len, 392);
	CHECK_EQ_I(ev.uptime, 842134908000LL);
	tw_arena_fini(&a);
}

static void t_byte_array_message(void)
{
	struct tw_arena a;
	struct tw_event ev;
	tw_arena_init(&a, 0, 0);
	/* "X\xffIN=e OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=20 PROTO=2" as byte values: not UTF-8. */
	const char *msg = "X\xff"
			  "IN=e OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=20 PROTO=2";
	char line[1024];
	size_t n =
	    (size_t)snprintf(line, sizeof(line), "{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":[");
	for (size_t i = 0; msg[i]; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%u", i ? "," : "",
				      (unsigned char)msg[i]);
	snprintf(line + n, sizeof(line) - n, "]}");
	CHECK_EQ_I(parse(line, &ev, &a), TW_OK);
	CHECK_SPAN(ev.prefix, "X\xff");
	CHECK_EQ_U(ev.proto, 2);
	/* A value that is not a byte is malformed. */
	CHECK_EQ_I(parse("{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":[73,78,300]}", &ev, &a),
		   TW_E_INVALID);
	tw_arena_fini(&a);
}

static void t_overflowing_timestamp(void)
{
	struct tw_arena a;
	struct tw_event ev;
	tw_arena_init(&a, 0, 0);
	CHECK_EQ_I(
	    parse("{\"__REALTIME_TIMESTAMP\":\"99999999999999999999\",\"MESSAGE\":\"IN=e OUT= "
		  "SRC=1.2.3.4 DST=5.6.7.8 LEN=20 PROTO=2\"}",
		  &ev, &a),
	    TW_OK);
	CHECK(!(ev.has & TW_EV_HAS_TS));
	tw_arena_fini(&a);
}

static void t_not_ours(void)
{
	struct tw_arena a;
	struct tw_event ev;
	tw_arena_init(&a, 0, 0);
	CHECK_EQ_I(parse("{\"MESSAGE\":\"IN=\"}", &ev, &a), TW_E_NOTFOUND); /* no timestamp */
	CHECK_EQ_I(parse("{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":\"sshd: hello\"}", &ev, &a),
		   TW_E_NOTFOUND);
	CHECK_EQ_I(parse("{not json", &ev, &a), TW_E_NOTFOUND);
	CHECK_EQ_I(parse("IN=eth0", &ev, &a), TW_E_NOTFOUND);
	tw_arena_fini(&a);
}

TW_SUITE(in_journal_json, {"string_message", t_string_message},
	 {"byte_array_message", t_byte_array_message}, {"not_ours", t_not_ours},
	 {"overflowing_timestamp", t_overflowing_timestamp});

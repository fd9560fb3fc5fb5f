/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: shield/policy (the auto-ban policy) and the [ban] keys of the configuration. */
#include <stdio.h>
#include <string.h>

#include "core/conf.h"
#include "decode/decode.h"
#include "output/output.h"
#include "shield/policy.h"
#include "tap.h"

#define S 1000000000LL

static struct tw_event probe(const char *src, uint8_t proto, int64_t ts)
{
	struct tw_event ev;
	memset(&ev, 0, sizeof(ev));
	tw_addr_parse(src, strlen(src), &ev.src);
	ev.proto = proto;
	ev.ts = ts;
	ev.has = TW_EV_HAS_TS;
	return ev;
}

static struct tw_conf conf(const char *text)
{
	struct tw_conf c;
	struct tw_errctx ec;
	memset(&ec, 0, sizeof(ec));
	tw_conf_defaults(&c);
	CHECK_EQ_I(tw_conf_parse(text, "t.conf", &c, &ec), TW_OK);
	return c;
}

static void t_threshold_and_window(void)
{
	struct tw_conf c = conf("[ban]\nafter = 3\nwindow = 60s\n");
	struct tw_banner b;
	uint32_t probes = 0;
	int64_t now = 1700000000 * S;
	tw_banner_init(&b, 0);
	struct tw_event e = probe("5.6.7.8", TW_IPPROTO_TCP, now - 100 * S);
	/* Two probes, then the window passes: counting starts again. */
	CHECK(!tw_banner_probe(&b, &c, &e, now, &probes));
	CHECK(!tw_banner_probe(&b, &c, &e, now, &probes));
	e.ts = now - 10 * S;
	CHECK(!tw_banner_probe(&b, &c, &e, now, &probes));
	CHECK(!tw_banner_probe(&b, &c, &e, now, &probes));
	CHECK(tw_banner_probe(&b, &c, &e, now, &probes));
	CHECK_EQ_U(probes, 3);
	/* Banned: further probes earn nothing until the ban ends. */
	tw_banner_banned(&b, &e.src, now + 3600 * S);
	for (int i = 0; i < 5; i++)
		CHECK(!tw_banner_probe(&b, &c, &e, now, &probes));
	/* Old log lines read late count, but never ban. */
	struct tw_event old = probe("5.6.7.9", TW_IPPROTO_TCP, now - 7200 * S);
	for (int i = 0; i < 5; i++)
		CHECK(!tw_banner_probe(&b, &c, &old, now, &probes));
	tw_banner_fini(&b);
}

static void t_forgeable_and_exempt(void)
{
	struct tw_conf c =
	    conf("[ban]\nafter = 2\nnever = 9.9.9.0/24\n[analyze]\nown = 8.8.0.0/16\n"
		 "[shield]\ntrusted = 7.7.7.7\n");
	struct tw_banner b;
	uint32_t probes = 0;
	int64_t now = 1700000000 * S;
	tw_banner_init(&b, 0);
	struct tw_event u = probe("5.6.7.8", TW_IPPROTO_UDP, now);
	for (int i = 0; i < 5; i++)
		CHECK(!tw_banner_probe(&b, &c, &u, now, &probes)); /* UDP alone: forgeable */
	struct tw_event t = u;
	t.proto = TW_IPPROTO_TCP;
	CHECK(tw_banner_probe(&b, &c, &t, now, &probes)); /* one TCP probe: solid */
	const char *never[] = {"9.9.9.1", "8.8.4.4", "7.7.7.7", "10.1.2.3", "192.0.2.1"};
	for (size_t k = 0; k < sizeof(never) / sizeof(*never); k++) {
		struct tw_event e = probe(never[k], TW_IPPROTO_TCP, now);
		for (int i = 0; i < 4; i++)
			CHECK(!tw_banner_probe(&b, &c, &e, now, &probes));
	}
	struct tw_event x = probe("9.9.9.1", 6, 0);
	CHECK_STR(tw_ban_exempt(&c, &x.src), "never-ban list");
	x = probe("8.8.4.4", 6, 0);
	CHECK_STR(tw_ban_exempt(&c, &x.src), "own network");
	x = probe("7.7.7.7", 6, 0);
	CHECK_STR(tw_ban_exempt(&c, &x.src), "trusted network");
	x = probe("5.6.7.8", 6, 0);
	CHECK(tw_ban_exempt(&c, &x.src) == NULL);
	c.ban_forgeable = true;
	struct tw_event u2 = probe("5.6.7.10", TW_IPPROTO_UDP, now);
	CHECK(!tw_banner_probe(&b, &c, &u2, now, &probes));
	CHECK(tw_banner_probe(&b, &c, &u2, now, &probes));
	tw_banner_fini(&b);
}

static void t_escalation(void)
{
	struct tw_conf c =
	    conf("[shield]\nban-timeout = 1h\n[ban]\nescalate = 4\nmax = 2d\nforget = 30d\n");
	CHECK_EQ_I(tw_ban_duration(&c, 0), 3600 * S);
	CHECK_EQ_I(tw_ban_duration(&c, 1), 4 * 3600 * S);
	CHECK_EQ_I(tw_ban_duration(&c, 2), 16 * 3600 * S);
	CHECK_EQ_I(tw_ban_duration(&c, 3), 48 * 3600 * S); /* at most 2 days */
	CHECK_EQ_I(tw_ban_duration(&c, 4000000000u), 48 * 3600 * S);
	c.ban_escalate = 1;
	CHECK_EQ_I(tw_ban_duration(&c, 7), 3600 * S);
	struct tw_errctx ec;
	memset(&ec, 0, sizeof(ec));
	CHECK_EQ_I(tw_conf_parse("[ban]\nnever = 1.2.3.4/40\n", "t.conf", &c, &ec), TW_E_INVALID);
	CHECK(strstr(ec.msg, "t.conf:2: [ban] never:") != NULL);
	CHECK_EQ_I(tw_conf_parse("[ban]\nescalate = 0\n", "t.conf", &c, &ec), TW_E_RANGE);
}

/* The table holds at most 'max' sources: when full, the quiet ones are forgotten, and while
 * all are busy a new source is not followed (counted), never an overflow. */
static void t_table_bounded(void)
{
	struct tw_conf c = conf("[ban]\nafter = 1000\nwindow = 60s\n");
	struct tw_banner b;
	uint32_t probes;
	int64_t now = 1700000000 * S;
	tw_banner_init(&b, 2000);
	char a[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(a, sizeof(a), "5.6.%d.%d", i / 256, i % 256);
		struct tw_event e = probe(a, TW_IPPROTO_TCP, now);
		(void)tw_banner_probe(&b, &c, &e, now, &probes);
	}
	CHECK(b.n <= 2000 && b.untracked > 0);
	uint64_t before = b.untracked;
	/* Two minutes later the old ones are quiet: new ones are followed again. */
	struct tw_event e = probe("6.6.6.6", TW_IPPROTO_TCP, now + 120 * S);
	(void)tw_banner_probe(&b, &c, &e, now + 120 * S, &probes);
	CHECK_EQ_U(b.untracked, before);
	CHECK(b.n < 100);
	tw_banner_fini(&b);
}

static void t_decoded_line(void)
{
	struct tw_decoded d;
	memset(&d, 0, sizeof(d));
	d.kind = TW_DEC_MESSENGER;
	d.msg.from = (struct tw_span){"SEC\"URITY", 9};
	d.msg.to = (struct tw_span){"ALERT", 5};
	d.msg.text = (struct tw_span){"Hello\r\n\x1b[2Jworld", 16};
	char out[80] = "nflog x";
	size_t n = tw_out_decoded_line(&d, out, 7, sizeof(out));
	CHECK_STR(out, "nflog x messenger from \"SEC URITY\" to \"ALERT\": Hello   [2Jworld");
	CHECK_EQ_U(n, strlen(out));
	char small[20] = "abc";
	n = tw_out_decoded_line(&d, small, 3, sizeof(small));
	CHECK_EQ_U(n, 19);
	CHECK_EQ_U(strlen(small), 19);
	d.kind = TW_DEC_NBSS;
	CHECK_EQ_U(tw_out_decoded_line(&d, small, 3, sizeof(small)), 3);
	d.kind = TW_DEC_NBSTAT_REQUEST;
	d.what = "NBSTAT\nprobe";
	char w[64] = "x";
	tw_out_decoded_line(&d, w, 1, sizeof(w));
	CHECK_STR(w, "x [NBSTAT probe]");
}

TW_SUITE(policy, {"threshold_and_window", t_threshold_and_window},
	 {"forgeable_and_exempt", t_forgeable_and_exempt}, {"escalation", t_escalation},
	 {"table_bounded", t_table_bounded}, {"decoded_line", t_decoded_line});

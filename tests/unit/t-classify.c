/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: classify/ (the signature classifier with the compiled-in rules, and the
 * signature file parser). */
#include "classify/classify.h"
#include "classify/sigs.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>

static int cls(uint8_t proto, uint16_t dport, int payload)
{
	struct tw_event ev;
	struct tw_verdict v;
	memset(&ev, 0, sizeof(ev));
	ev.proto = proto;
	ev.dport = dport;
	ev.has = TW_EV_HAS_PORTS;
	if (payload >= 0) {
		ev.payload_len = (uint16_t)payload;
		ev.has |= TW_EV_HAS_PAYLEN;
	}
	tw_classify(&ev, &v);
	CHECK(v.why != NULL);
	return v.cls;
}

static void t_classes(void)
{
	CHECK_EQ_I(cls(TW_IPPROTO_UDP, 1026, 412), TW_CLS_MESSENGER_SPAM);
	CHECK_EQ_I(cls(TW_IPPROTO_UDP, 135, TW_MESSENGER_MIN_PAYLOAD), TW_CLS_MESSENGER_SPAM);
	CHECK_EQ_I(cls(TW_IPPROTO_UDP, 135, TW_MESSENGER_MIN_PAYLOAD - 1), TW_CLS_MSRPC);
	CHECK_EQ_I(cls(TW_IPPROTO_UDP, 1029, 10), TW_CLS_OTHER);
	CHECK_EQ_I(cls(TW_IPPROTO_UDP, 1030, 412), TW_CLS_OTHER);
	CHECK_EQ_I(cls(TW_IPPROTO_UDP, 1026, -1), TW_CLS_OTHER); /* size unknown: not spam */
	CHECK_EQ_I(cls(TW_IPPROTO_UDP, 137, 50), TW_CLS_NETBIOS_NS);
	CHECK_EQ_I(cls(TW_IPPROTO_UDP, 138, 200), TW_CLS_NETBIOS_DGM);
	CHECK_EQ_I(cls(TW_IPPROTO_TCP, 139, -1), TW_CLS_NETBIOS_SSN);
	CHECK_EQ_I(cls(TW_IPPROTO_TCP, 445, -1), TW_CLS_SMB);
	CHECK_EQ_I(cls(TW_IPPROTO_TCP, 135, -1), TW_CLS_MSRPC);
	CHECK_EQ_I(cls(TW_IPPROTO_TCP, 1026, -1), TW_CLS_OTHER);
	CHECK_STR(tw_class_name(TW_CLS_MESSENGER_SPAM), "messenger-spam");
}

static void t_ip_len_fallback(void)
{
	struct tw_event ev;
	struct tw_verdict v;
	memset(&ev, 0, sizeof(ev));
	ev.proto = TW_IPPROTO_UDP;
	ev.dport = 1027;
	ev.src.family = TW_AF_INET;
	ev.ip_len = 28 + 300; /* IPv4 + UDP headers + 300 bytes */
	ev.has = TW_EV_HAS_PORTS | TW_EV_HAS_IPLEN;
	tw_classify(&ev, &v);
	CHECK_EQ_I(v.cls, TW_CLS_MESSENGER_SPAM);
}

static void t_worms_and_backscatter(void)
{
	struct tw_event ev;
	struct tw_verdict v;
	memset(&ev, 0, sizeof(ev));
	ev.proto = TW_IPPROTO_UDP;
	ev.dport = 1434;
	ev.payload_len = 376;
	ev.has = TW_EV_HAS_PORTS | TW_EV_HAS_PAYLEN;
	tw_classify(&ev, &v);
	CHECK_STR(tw_class_name(v.cls), "worm:slammer");
	CHECK_EQ_U(v.weight, 3);
	CHECK(strncmp(v.why, "rule slammer: CVE-2002-0649", 27) == 0);
	ev.payload_len = 375; /* not Slammer's size */
	tw_classify(&ev, &v);
	CHECK_EQ_I(v.cls, TW_CLS_OTHER);
	ev.proto = TW_IPPROTO_TCP;
	ev.dport = 23;
	ev.tcp_flags = TW_TCP_SYN;
	ev.has = TW_EV_HAS_PORTS | TW_EV_HAS_FLAGS;
	tw_classify(&ev, &v);
	CHECK_STR(tw_class_name(v.cls), "worm:mirai");
	ev.tcp_flags = TW_TCP_SYN | TW_TCP_ACK;
	ev.action = TW_ACT_DROP;
	tw_classify(&ev, &v);
	CHECK_EQ_I(v.cls, TW_CLS_BACKSCATTER);
	ev.action = TW_ACT_ACCEPT; /* an answer the host asked for */
	tw_classify(&ev, &v);
	CHECK_EQ_I(v.cls, TW_CLS_OTHER);
	/* ZMap's fixed IP ID marks the scanner, before the port classes. */
	ev.proto = TW_IPPROTO_TCP;
	ev.dport = 445;
	ev.tcp_flags = TW_TCP_SYN;
	ev.ip_id = 54321;
	ev.has |= TW_EV_HAS_IPID;
	tw_classify(&ev, &v);
	CHECK_STR(tw_class_name(v.cls), "scanner:zmap");
	ev.ip_id = 54320;
	tw_classify(&ev, &v);
	CHECK_EQ_I(v.cls, TW_CLS_SMB);
}

static void t_signature_parser(void)
{
	struct tw_sigset s;
	struct tw_errctx ec;
	const char ok[] = "# a comment\r\n\n"
			  "rule a-1 worm:test 2 proto=udp dport=1,3-5,9 paylen>=100 ref \"x y\"\r\n"
			  "  rule b smb 0 flags+=SA flags-=R action=drop,unknown prefix=0aFF\n"
			  "rule c scanner:zmap 1 ipid=54321";
	memset(&ec, 0, sizeof(ec));
	CHECK_EQ_I(tw_sigs_parse(ok, sizeof(ok) - 1, "t", &s, &ec), TW_OK);
	CHECK_EQ_U(s.n, 3);
	CHECK_STR(s.v[0].why, "rule a-1: x y");
	CHECK_STR(tw_class_name(s.v[0].cls), "worm:test");
	CHECK_STR(tw_class_name(s.v[2].cls), "scanner:zmap");
	struct tw_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.proto = TW_IPPROTO_UDP;
	ev.dport = 4;
	ev.payload_len = 100;
	ev.has = TW_EV_HAS_PORTS | TW_EV_HAS_PAYLEN;
	CHECK(tw_sigs_match(&s, &ev, NULL) == &s.v[0]);
	ev.dport = 6;
	CHECK(tw_sigs_match(&s, &ev, NULL) == NULL);
	ev.ip_id = 54321;
	ev.has |= TW_EV_HAS_IPID;
	CHECK(tw_sigs_match(&s, &ev, NULL) == &s.v[2]);
	tw_sigs_free(&s);
	/* Every mistake names the file and line. */
	static const char *const bad[] = {
	    "rules a other 1 proto=udp",  "rule a nosuch 1 proto=udp",
	    "rule a other 5 proto=udp",	  "rule a other 1",
	    "rule a other 1 dport=70000", "rule a other 1 dport=9-3",
	    "rule a other 1 proto=bogus", "rule a other 1 flags=SQ",
	    "rule a other 1 app=dns",	  "rule a other 1 prefix=abc",
	    "rule a other 1 color=red",	  "rule a other 1 proto=udp ref \"open",
	    "rule a/b other 1 proto=udp", "rule a other 1 action=maybe",
	    "rule a worm: 1 proto=udp",	  "rule a other 1 dport=1,2,3,4,5,6,7,8,9",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[128];
		int n = snprintf(text, sizeof(text), "# ok\n%s\n", bad[i]);
		memset(&ec, 0, sizeof(ec));
		CHECK_EQ_I(tw_sigs_parse(text, (size_t)n, "f.rules", &s, &ec), TW_E_INVALID);
		CHECK(strncmp(ec.msg, "f.rules:2: ", 11) == 0);
	}
	/* The compiled-in file parses. */
	CHECK(tw_sigs_active()->n >= 20);
}

TW_SUITE(classify, {"classes", t_classes}, {"ip_len_fallback", t_ip_len_fallback},
	 {"worms_and_backscatter", t_worms_and_backscatter},
	 {"signature_parser", t_signature_parser});

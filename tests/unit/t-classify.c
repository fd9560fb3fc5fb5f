/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: classify/cls-ports. */
#include "classify/classify.h"
#include "tap.h"

static enum tw_class cls(uint8_t proto, uint16_t dport, int payload)
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

TW_SUITE(classify, {"classes", t_classes}, {"ip_len_fallback", t_ip_len_fallback});

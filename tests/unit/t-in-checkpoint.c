/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: input/in-checkpoint. Records in the shape of log-formats.md §12 with
 * documentation addresses. */
#include "core/time.h"
#include "input/input.h"
#include "t-input.h"
#include "tap.h"

extern const struct tw_input_format tw_in_checkpoint;

static struct tw_parse_ctx ctx;

#define parse(line, ev) t_parse_line(&tw_in_checkpoint, (line), (ev), &ctx, 2004, 0)
#define ad(a)		t_addr(a)

static void t_records(void)
{
	struct tw_event ev;
	char t[TW_TIME_STRLEN];
	CHECK_EQ_I(
	    parse("<134>1 2004-08-06T21:14:05Z cp-mgmt CheckPoint 19710 - [action:\"Drop\"; "
		  "flags:\"400644\"; ifdir:\"inbound\"; ifname:\"eth2\"; time:\"1091826842\"; "
		  "__policy_id_tag:\"product=VPN-1 & FireWall-1[db_tag={X};policy_name=P\\]\"; "
		  "dst:\"192.0.2.10\"; proto:\"17\"; s_port:\"1027\"; service:\"1026\"; "
		  "rule_name:\"CleanUp Rule\"; rule_name:\"Other\"; src:\"198.51.100.7\"; ]",
		  &ev),
	    TW_OK);
	tw_time_format(ev.ts, false, t);
	CHECK_STR(t, "2004-08-06T21:14:02Z");
	CHECK_SPAN(ev.host, "cp-mgmt");
	CHECK_STR(ad(&ev.src), "198.51.100.7");
	CHECK_STR(ad(&ev.dst), "192.0.2.10");
	CHECK_EQ_U(ev.sport, 1027);
	CHECK_EQ_U(ev.dport, 1026);
	CHECK_EQ_U(ev.action, TW_ACT_DROP);
	CHECK_EQ_U(ev.dir, TW_DIR_IN);
	CHECK_SPAN(ev.iface_in, "eth2");
	CHECK_SPAN(ev.prefix, "CleanUp Rule");
	/* Wazuh's samples lack the <PRI>. */
	CHECK_EQ_I(parse("1 2004-08-06T21:15:00Z cp CheckPoint 1 - [action:\"Reject\"; "
			 "ifdir:\"outbound\"; ifname:\"eth1\"; ike::\"a; b\"; src:\"192.0.2.10\"; "
			 "dst:\"198.51.100.80\"; proto:\"6\"; s_port:\"1100\"; service:\"80\"; ]",
			 &ev),
		   TW_OK);
	CHECK_EQ_U(ev.action, TW_ACT_REJECT);
	CHECK_EQ_U(ev.dir, TW_DIR_OUT);
	CHECK_SPAN(ev.iface_out, "eth1");
}

static void t_others_and_bad(void)
{
	struct tw_event ev;
	CHECK_EQ_I(parse("1 2004-08-06T21:15:00Z cp CheckPoint 1 - [action:\"Key Install\"; "
			 "src:\"192.0.2.10\"; dst:\"198.51.100.80\"; ]",
			 &ev),
		   TW_IN_NOPACKET);
	CHECK_EQ_I(parse("1 2004-08-06T21:15:00Z cp CheckPoint 1 - [action:\"Drop\"; "
			 "src:\"192.0.2.x\"; dst:\"198.51.100.80\"; proto:\"6\"; ]",
			 &ev),
		   TW_E_INVALID);
	CHECK_EQ_I(parse("1 2004-08-06T21:15:00Z cp CheckPoint 1 - [action:\"Drop\"; "
			 "src:\"192.0.2.1\"; dst:\"198.51.100.80\"; proto:\"6\"; s_port:\"1\"; "
			 "service:\"99999\"; ]",
			 &ev),
		   TW_E_INVALID);
	CHECK_EQ_I(parse("1 2004-08-06T21:15:00Z cp CheckPoint 1 - [action:\"Drop", &ev),
		   TW_E_NOTFOUND);
	CHECK_EQ_I(parse("1 2004-08-06T21:15:00Z cp other 1 - [action:\"Drop\"; ]", &ev),
		   TW_E_NOTFOUND);
}

TW_SUITE(in_checkpoint, {"records", t_records}, {"others_and_bad", t_others_and_bad});

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* First classification by protocol, destination port and payload size (DESIGN.md "Probe
 * classes"; ports: messenger-protocol.md §1, log-formats.md Appendix A). */
#include "classify/classify.h"

#include "core/err.h"

static int payload_of(const struct tw_event *ev)
{
	if (ev->has & TW_EV_HAS_PAYLEN)
		return ev->payload_len;
	/* No UDP length logged: IP length less a 20-byte IPv4 header and the UDP header. */
	if ((ev->has & TW_EV_HAS_IPLEN) && ev->src.family == TW_AF_INET && ev->ip_len >= 28)
		return ev->ip_len - 28;
	return -1;
}

static int classify(const struct tw_event *ev, struct tw_verdict *v)
{
	if (!(ev->has & TW_EV_HAS_PORTS))
		return TW_E_NOTFOUND;
	uint16_t dp = ev->dport;

	if (ev->proto == TW_IPPROTO_UDP) {
		if (dp == 135 || (dp >= 1026 && dp <= 1029)) {
			int pl = payload_of(ev);
			if (pl >= TW_MESSENGER_MIN_PAYLOAD) {
				v->cls = TW_CLS_MESSENGER_SPAM;
				v->why =
				    "UDP to the RPC endpoint mapper or a dynamic Messenger port "
				    "(135, 1026-1029) with a payload that fits NetrSendMessage";
				return TW_OK;
			}
			if (dp == 135) {
				v->cls = TW_CLS_MSRPC;
				v->why = "UDP to 135 (RPC endpoint mapper) without a message-sized "
					 "payload";
				return TW_OK;
			}
			return TW_E_NOTFOUND;
		}
		if (dp == 137) {
			v->cls = TW_CLS_NETBIOS_NS;
			v->why = "UDP to 137 (NetBIOS name service)";
			return TW_OK;
		}
		if (dp == 138) {
			v->cls = TW_CLS_NETBIOS_DGM;
			v->why = "UDP to 138 (NetBIOS datagram service)";
			return TW_OK;
		}
	} else if (ev->proto == TW_IPPROTO_TCP) {
		if (dp == 139) {
			v->cls = TW_CLS_NETBIOS_SSN;
			v->why = "TCP to 139 (NetBIOS session service)";
			return TW_OK;
		}
		if (dp == 445) {
			v->cls = TW_CLS_SMB;
			v->why = "TCP to 445 (SMB direct)";
			return TW_OK;
		}
		if (dp == 135) {
			v->cls = TW_CLS_MSRPC;
			v->why = "TCP to 135 (RPC endpoint mapper)";
			return TW_OK;
		}
	}
	return TW_E_NOTFOUND;
}

const struct tw_classifier tw_cls_ports = {
    .name = "ports",
    .summary = "Messenger/NetBIOS/SMB/RPC classes from protocol, port and payload size",
    .classify = classify,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Classification from the payload, where the source carries one (captures): what the
 * decoders recognise outranks port and size (messenger-protocol.md §7: content first). */
#include "classify/classify.h"

#include "core/err.h"

int tw_verdict_from_decoded(const struct tw_decoded *dd, struct tw_verdict *v)
{
	const struct tw_decoded d = *dd;
	switch (d.kind) {
	case TW_DEC_MESSENGER:
		if (d.status != TW_OK)
			return TW_E_NOTFOUND; /* cut or malformed: port and size decide */
		v->cls = TW_CLS_MESSENGER_SPAM;
		v->why = "payload decoded as a Messenger message";
		v->has_msg = true;
		v->msg = d.msg;
		return TW_OK;
	case TW_DEC_NBSTAT_REQUEST:
	case TW_DEC_NBSTAT_RESPONSE:
	case TW_DEC_NBNS:
		v->cls = TW_CLS_NETBIOS_NS;
		v->why = "payload decoded as NetBIOS name service";
		return TW_OK;
	case TW_DEC_NBDGM:
		v->cls = TW_CLS_NETBIOS_DGM;
		v->why = "payload decoded as a NetBIOS datagram";
		return TW_OK;
	case TW_DEC_NBSS:
		v->cls = TW_CLS_NETBIOS_SSN;
		v->why = "payload decoded as NetBIOS session";
		return TW_OK;
	case TW_DEC_RPC:
	case TW_DEC_RPC_FRAGMENT:
		v->cls = TW_CLS_MSRPC;
		v->why = "payload decoded as DCE/RPC";
		return TW_OK;
	default: return TW_E_NOTFOUND;
	}
}

static int classify(const struct tw_event *ev, struct tw_verdict *v)
{
	struct tw_decoded d;

	if (!ev->payload.p || tw_decode(ev, &d, NULL) != TW_OK)
		return TW_E_NOTFOUND;
	return tw_verdict_from_decoded(&d, v);
}

const struct tw_classifier tw_cls_payload = {
    .name = "payload",
    .summary = "classes from decoded payloads: Messenger messages, NetBIOS, DCE/RPC",
    .classify = classify,
};

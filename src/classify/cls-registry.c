/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The classifier registry (style.md B2) and class names. */
#include "classify/classify.h"

#include <stddef.h>

const struct tw_classifier *const tw_classifiers[] = {
    &tw_cls_payload, /* a decoded payload outranks port and size */
    &tw_cls_ports,
    NULL,
};

const char *tw_class_name(enum tw_class c)
{
	static const char *const names[TW_CLS_N] = {
	    [TW_CLS_MESSENGER_SPAM] = "messenger-spam",
	    [TW_CLS_NETBIOS_NS] = "netbios-ns",
	    [TW_CLS_NETBIOS_DGM] = "netbios-dgm",
	    [TW_CLS_NETBIOS_SSN] = "netbios-ssn",
	    [TW_CLS_SMB] = "smb",
	    [TW_CLS_MSRPC] = "msrpc",
	    [TW_CLS_OTHER] = "other",
	};
	return (unsigned)c < TW_CLS_N ? names[c] : "other";
}

void tw_classify(const struct tw_event *ev, struct tw_verdict *v)
{
	v->has_msg = false;
	for (size_t i = 0; tw_classifiers[i]; i++)
		if (tw_classifiers[i]->classify(ev, v) == 0)
			return;
	v->cls = TW_CLS_OTHER;
	v->why = "no rule matched";
}

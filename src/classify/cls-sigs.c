/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The classifier: the payload decoded when the event carries one (content before port,
 * messenger-protocol.md §7), then the first rule of the active signature set that matches
 * (classify/sigs.h; data/signatures.rules). There is no table of classifiers: what a probe
 * is comes from the rules, which are data (a new class is a rule, not code), and what a
 * source did from the per-source verdict (verdict.c). */
#include "classify/classify.h"
#include "classify/sigs.h"

void tw_classify_decoded(const struct tw_event *ev, const struct tw_decoded *d,
			 struct tw_verdict *v)
{
	const struct tw_sig *r = tw_sigs_match(tw_sigs_active(), ev, d);
	v->has_msg = false;
	if (!r) {
		v->cls = TW_CLS_OTHER;
		v->weight = 0;
		v->why = "no rule matched";
		return;
	}
	v->cls = r->cls;
	v->weight = r->weight;
	v->why = r->why;
	if (d && d->kind == TW_DEC_MESSENGER && d->status == TW_OK &&
	    r->cls == TW_CLS_MESSENGER_SPAM) {
		v->has_msg = true;
		v->msg = d->msg;
	}
}

void tw_classify(const struct tw_event *ev, struct tw_verdict *v)
{
	struct tw_decoded d;
	bool decoded = ev->payload.p && tw_decode(ev, &d, NULL) == TW_OK;
	tw_classify_decoded(ev, decoded ? &d : NULL, v);
}

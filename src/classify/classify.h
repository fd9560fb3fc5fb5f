/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Classify stage: the probe classes of DESIGN.md and the per-event classifier (decoded
 * payload, then the signature rules); the per-source verdict is in agg.h. */
#ifndef TW_CLASSIFY_CLASSIFY_H
#define TW_CLASSIFY_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "decode/decode.h"

enum tw_class {
	TW_CLS_MESSENGER_SPAM = 0,
	TW_CLS_NETBIOS_NS,
	TW_CLS_NETBIOS_DGM,
	TW_CLS_NETBIOS_SSN,
	TW_CLS_SMB,
	TW_CLS_MSRPC,
	TW_CLS_OTHER,
	TW_CLS_BACKSCATTER,
	TW_CLS_N /* the fixed classes; worm:NAME and scanner:NAME of the signature file follow */
};
#define TW_CLS_MAX 24

/* DESIGN.md class name ("messenger-spam", …, "worm:slammer"). */
const char *tw_class_name(int c);
/* The index of a class name: a fixed one, or worm:NAME / scanner:NAME, registered on first
 * use (at most TW_CLS_MAX in all). -1 for another name or a full table. Not thread-safe:
 * the signature file is loaded before threads start. */
int tw_class_register(const char *name, size_t len);
/* The index of a class name already known, or -1 (registers nothing). */
int tw_class_find(const char *name, size_t len);

/* Smallest UDP payload that can hold a msgsvcsend NetrSendMessage request: the 80-byte
 * DCE/RPC connectionless header plus three conformant strings (messenger-protocol.md §3.3). */
#define TW_MESSENGER_MIN_PAYLOAD 119

struct tw_verdict {
	int cls;	 /* enum tw_class, or a registered class */
	uint8_t weight;	 /* the matching rule's danger weight */
	const char *why; /* static text: the rule that matched */
	/* Set when the payload was decoded as a Messenger message (confirmed spam); the spans
	 * point into the event's payload. */
	bool has_msg;
	struct tw_msg msg;
};

/* Classifies with a payload the caller decoded ('d', or NULL: none) — for captures, decoded
 * with a state so that reassembled calls and streams count. */
void tw_classify_decoded(const struct tw_event *ev, const struct tw_decoded *d,
			 struct tw_verdict *v);

/* Classifies one event: its payload decoded (without a state), then the first signature
 * rule that matches; TW_CLS_OTHER when none does. */
void tw_classify(const struct tw_event *ev, struct tw_verdict *v);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Abuse reports as an abuse desk reads them (abuse-reporting.md §1): the plain-text mail
 * (one section per source, UTC times, counts, ports, protocol, the evidence lines verbatim
 * with the reporter's own addresses and host names redacted, the spoofing caveat for UDP),
 * and X-ARF v4 JSON (one object per incident). */
#ifndef TW_OUTPUT_OUT_REPORT_H
#define TW_OUTPUT_OUT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/esc.h"
#include "store/query.h"

struct tw_report_item {
	struct tw_store_incident in; /* its strings owned by the item */
	struct tw_store_evidence ev[8];
	unsigned nev;
};

struct tw_reporter {
	const char *from;   /* the reply address */
	const char *org;    /* who reports */
	const char *domain; /* the reporter's domain */
	bool redact;	    /* own addresses and host names replaced (the default) */
};

struct tw_report_view {
	int64_t id;
	const char *mailbox, *contact_how, *state;
	const struct tw_reporter *who;
	const struct tw_report_item *items; /* ordered by source, then time */
	size_t n;
};

/* The mail for review: headers (To, From, Subject, Auto-Submitted, X-Tracewall-Report), a
 * blank line, the body. */
void tw_out_report_text(struct tw_buf *b, const struct tw_report_view *v);
/* The body alone (lines end in '\n'), and the subject line. */
void tw_out_report_body(struct tw_buf *b, const struct tw_report_view *v);
void tw_out_report_subject(const struct tw_report_view *v, char *subj, size_t cap);
/* One X-ARF v4 object per incident (JSON Lines): category connection, type port_scan,
 * a stable report_id per incident. An incident whose evidence gives no source port (which
 * X-ARF requires for an IP source) is written without it and says so in 'description'. */
void tw_out_report_xarf(struct tw_buf *b, const struct tw_report_view *v);

/* The evidence text with the reporter's addresses and host names replaced, into out. */
void tw_report_redact(struct tw_buf *out, const char *line, bool redact);

#endif

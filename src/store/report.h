/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Abuse reports in the store (issue 7): which incidents are still to report, drafts per
 * abuse mailbox (each incident in at most one report: nothing is reported twice), and
 * their states. */
#ifndef TW_STORE_REPORT_H
#define TW_STORE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* The sources of the incidents not yet in any report that may be reported: reportable
 * ones, or with include_unconfirmed any with a confidence above 0 (never special-purpose,
 * backscatter, own or unallocated sources); a source in a report sent less than
 * cooldown_s seconds ago waits. */
typedef int (*tw_report_src_cb)(void *ctx, const struct tw_addr *src);
int tw_store_unreported_sources(struct tw_store *st, bool include_unconfirmed, int64_t cooldown_s,
				tw_report_src_cb cb, void *ctx, struct tw_errctx *ec);
/* How many reports were sent after 'since' (unix seconds). */
int tw_store_reports_sent_since(struct tw_store *st, int64_t since, uint64_t *n,
				struct tw_errctx *ec);

/* One draft for 'mailbox' holding every such incident of the n sources (one transaction).
 * *id = 0 when none was left. */
int tw_store_report_create(struct tw_store *st, const char *mailbox, const char *contact_how,
			   const struct tw_addr *srcs, size_t n, bool include_unconfirmed,
			   int64_t *id, struct tw_errctx *ec);

struct tw_store_report {
	int64_t id;
	const char *mailbox, *contact_how, *state;
	int64_t created, state_changed;
	uint64_t incidents, sources;
};
typedef int (*tw_store_report_cb)(void *ctx, const struct tw_store_report *r);
/* The reports, newest first; state NULL = all. */
int tw_store_reports(struct tw_store *st, const char *state, tw_store_report_cb cb, void *ctx,
		     struct tw_errctx *ec);
/* Sets a report's state ("approved", "sent", …): TW_E_NOTFOUND when there is no such
 * report, TW_E_INVALID when 'from' is given and the report is not in that state. */
int tw_store_report_set_state(struct tw_store *st, int64_t id, const char *from, const char *to,
			      struct tw_errctx *ec);

#endif

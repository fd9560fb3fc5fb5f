/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The user's own list of abuse desks ([report] contacts): "CIDR mailbox" lines, '#'
 * comments; the longest prefix holding an address wins over the registries. */
#ifndef TW_ENRICH_CONTACTS_H
#define TW_ENRICH_CONTACTS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/addr.h"
#include "core/err.h"
#include "enrich/abuse.h"

struct tw_contact {
	struct tw_addr net;
	unsigned plen, line;
	char mailbox[TW_ABUSE_MAILLEN];
};

struct tw_contacts {
	struct tw_contact *c;
	size_t n, cap;
};

/* Parses the text of a list ('name' for messages). Mailboxes are checked like the
 * registries' (tw_abuse_email_refused); with allow_reserved a reserved domain such as
 * .example passes (demonstrations). TW_E_INVALID with "NAME:LINE: reason" in ec. */
int tw_contacts_parse(const char *text, size_t len, const char *name, bool allow_reserved,
		      struct tw_contacts *cs, struct tw_errctx *ec);
const struct tw_contact *tw_contacts_find(const struct tw_contacts *cs, const struct tw_addr *a);
void tw_contacts_fini(struct tw_contacts *cs);

#endif

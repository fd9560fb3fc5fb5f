/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The user's contact list (contacts.h). Lines are bounded (512 bytes), fields split on
 * blanks by hand (no sscanf over hostile text). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "enrich/contacts.h"

#define LINE_MAX_LEN 512

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int tw_contacts_parse(const char *text, size_t len, const char *name, bool allow_reserved,
		      struct tw_contacts *cs, struct tw_errctx *ec)
{
	memset(cs, 0, sizeof(*cs));
	unsigned lineno = 0;
	for (size_t pos = 0; pos < len;) {
		const char *p = text + pos;
		const char *nl = memchr(p, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - p) : len - pos;
		pos += ll + (nl != NULL);
		lineno++;
		const char *hash = memchr(p, '#', ll);
		if (hash)
			ll = (size_t)(hash - p);
		if (ll > LINE_MAX_LEN)
			goto bad;
		/* Two fields. */
		size_t i = 0;
		while (i < ll && blank(p[i]))
			i++;
		if (i == ll)
			continue;
		size_t a0 = i;
		while (i < ll && !blank(p[i]))
			i++;
		size_t a1 = i;
		while (i < ll && blank(p[i]))
			i++;
		size_t m0 = i;
		while (i < ll && !blank(p[i]))
			i++;
		size_t m1 = i;
		while (i < ll && blank(p[i]))
			i++;
		if (m0 == m1 || i != ll)
			goto bad;
		struct tw_contact c = {.line = lineno};
		if (tw_prefix_parse(p + a0, a1 - a0, &c.net, &c.plen) != TW_OK)
			goto bad;
		const char *why = tw_abuse_email_refused(p + m0, m1 - m0);
		if (why && !(allow_reserved && !strcmp(why, "a reserved domain")))
			goto bad;
		memcpy(c.mailbox, p + m0, m1 - m0); /* < TW_ABUSE_MAILLEN: checked above */
		c.mailbox[m1 - m0] = '\0';
		struct tw_contact *nc = tw_grow(cs->c, cs->n, &cs->cap, sizeof(*nc), 16);
		if (!nc) {
			tw_contacts_fini(cs);
			return tw_err_set(ec, TW_E_NOMEM, 0, "out of memory");
		}
		cs->c = nc;
		cs->c[cs->n++] = c;
		continue;
	bad:
		tw_contacts_fini(cs);
		return tw_err_set(
		    ec, TW_E_INVALID, 0,
		    "%.200s:%u: want \"CIDR mailbox\" (a prefix and a usable address)", name,
		    lineno);
	}
	return TW_OK;
}

const struct tw_contact *tw_contacts_find(const struct tw_contacts *cs, const struct tw_addr *a)
{
	const struct tw_contact *best = NULL;
	for (size_t i = 0; i < cs->n; i++)
		if (cs->c[i].net.family == a->family &&
		    tw_addr_in_prefix(a, &cs->c[i].net, cs->c[i].plen) &&
		    (!best || cs->c[i].plen > best->plen))
			best = &cs->c[i];
	return best;
}

void tw_contacts_fini(struct tw_contacts *cs)
{
	free(cs->c);
	memset(cs, 0, sizeof(*cs));
}

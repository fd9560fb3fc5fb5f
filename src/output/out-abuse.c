/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An abuse-contact result (enrich/abuse.h) for the terminal and for JSON: the addresses,
 * and every step that led to them, escaped for the medium (answers are hostile text). */
#include <string.h>

#include "output/out-abuse.h"

static const char *via_name(int via)
{
	return via == TW_ABUSE_RDAP	? "rdap"
	       : via == TW_ABUSE_WHOIS	? "whois"
	       : via == TW_ABUSE_ABUSIX ? "abusix"
	       : via == TW_ABUSE_LOCAL	? "contacts"
					: "none";
}

static void jstr(struct tw_buf *b, const char *s)
{
	tw_buf_addc(b, '"');
	tw_esc_json(b, s, strlen(s));
	tw_buf_addc(b, '"');
}

void tw_out_abuse_json(struct tw_buf *b, const struct tw_abuse_result *r)
{
	tw_buf_adds(b, "{\"emails\":[");
	for (unsigned i = 0; i < r->found.n; i++) {
		if (i)
			tw_buf_addc(b, ',');
		jstr(b, r->found.email[i]);
	}
	tw_buf_adds(b, "],\"via\":");
	jstr(b, via_name(r->via));
	if (r->via) {
		tw_buf_adds(b, ",\"source\":");
		jstr(b, r->source);
		tw_buf_adds(b, ",\"how\":");
		jstr(b, r->found.how);
		tw_buf_adds(b, r->found.weak ? ",\"weak\":true" : ",\"weak\":false");
	}
	if (r->range[0]) {
		tw_buf_adds(b, ",\"range\":");
		jstr(b, r->range);
	}
	if (r->netname[0]) {
		tw_buf_adds(b, ",\"netname\":");
		jstr(b, r->netname);
	}
	if (r->stop[0]) {
		tw_buf_adds(b, ",\"stop\":");
		jstr(b, r->stop);
	}
	if (r->rate_limited)
		tw_buf_adds(b, ",\"rate_limited\":true");
	tw_buf_adds(b, ",\"steps\":[");
	for (unsigned i = 0; i < r->nsteps; i++) {
		tw_buf_adds(b, i ? ",{\"what\":" : "{\"what\":");
		jstr(b, r->step[i].what);
		tw_buf_adds(b, ",\"where\":");
		jstr(b, r->step[i].where);
		tw_buf_adds(b, ",\"outcome\":");
		jstr(b, r->step[i].outcome);
		tw_buf_addc(b, '}');
	}
	tw_buf_adds(b, "]}");
}

static void term(struct tw_buf *b, const char *s)
{
	tw_esc_term(b, s, strlen(s));
}

void tw_out_abuse_text(struct tw_buf *b, const struct tw_abuse_result *r, const char *indent)
{
	tw_buf_adds(b, "abuse     ");
	if (r->found.n) {
		for (unsigned i = 0; i < r->found.n; i++) {
			if (i)
				tw_buf_adds(b, ", ");
			term(b, r->found.email[i]);
		}
		tw_buf_printf(b, " (%s%s)\n", via_name(r->via),
			      r->found.weak ? ", from free text: check before use" : "");
	} else if (r->rate_limited) {
		tw_buf_adds(b, "unknown: a server asked to slow down; try again later\n");
	} else {
		term(b, r->stop[0] ? r->stop : "none found");
		tw_buf_addc(b, '\n');
	}
	for (unsigned i = 0; i < r->nsteps; i++) {
		tw_buf_printf(b, "%s          %u. %s ", indent, i + 1, r->step[i].what);
		term(b, r->step[i].where);
		tw_buf_adds(b, ": ");
		term(b, r->step[i].outcome);
		tw_buf_addc(b, '\n');
	}
}

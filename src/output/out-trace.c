/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tracewall trace: what is known of one address — network, AS, country and allocation from
 * the offline index (with the file and line each came from), special-purpose ranges,
 * reverse DNS, the abuse contact — as text and as JSON. */
#include <string.h>

#include "core/esc.h"
#include "core/special.h"
#include "enrich/netdb.h"
#include "enrich/rdns.h"
#include "output/out-abuse.h"
#include "output/output.h"

static void json_str(struct tw_buf *b, const char *s)
{
	tw_buf_addc(b, '"');
	tw_esc_json(b, s, strlen(s));
	tw_buf_addc(b, '"');
}

void tw_out_trace_json(struct tw_buf *b, const struct tw_trace *t)
{
	const struct tw_nd_answer ans = *t->ans;
	const struct tw_special *sp = t->special;
	const struct tw_rdns_result *res = t->rdns;
	const char *as = t->addr;
	const struct tw_addr a = *t->a;
	char pfx[64];
	tw_buf_adds(b, "{\"addr\":");
	json_str(b, as);
	if (ans.has_asn) {
		tw_nd_prefix(&a, &ans.asn_lo, &ans.asn_hi, pfx, sizeof(pfx));
		tw_buf_adds(b, ",\"prefix\":");
		json_str(b, pfx);
		tw_buf_printf(b, ",\"asn\":%u,\"org\":", ans.asn);
		json_str(b, ans.org);
	}
	if (ans.has_cc) {
		char cc[3] = {ans.cc[0], ans.cc[1], 0};
		tw_buf_adds(b, ",\"country\":");
		json_str(b, cc);
		tw_buf_adds(b, ",\"allocation\":");
		json_str(b, tw_nd_status_name(ans.status));
	}
	if (sp) {
		tw_buf_adds(b, ",\"special\":");
		json_str(b, sp->name);
	}
	if (res->status == TW_RDNS_OK) {
		tw_buf_adds(b, ",\"rdns\":");
		json_str(b, res->name);
		tw_buf_adds(b, res->confirmed ? ",\"rdns_confirmed\":true"
					      : ",\"rdns_confirmed\":false");
		if (res->cached)
			tw_buf_adds(b, ",\"rdns_cached\":true");
	} else if (res->status != TW_RDNS_NOTASKED) {
		tw_buf_adds(b, ",\"rdns_status\":");
		json_str(b, tw_rdns_status_name(res->status));
	}
	if (t->abuse) {
		tw_buf_adds(b, ",\"abuse\":");
		tw_out_abuse_json(b, t->abuse);
	}
	tw_buf_adds(b, ",\"how\":{");
	bool first = true;
	if (ans.has_asn) {
		tw_buf_adds(b, "\"asn\":{\"file\":");
		json_str(b, ans.asn_file);
		tw_buf_adds(b, ",\"format\":");
		json_str(b, ans.asn_kind);
		tw_buf_printf(b, ",\"line\":%u}", ans.asn_row);
		first = false;
	}
	if (ans.has_cc) {
		tw_buf_adds(b, first ? "\"country\":{\"file\":" : ",\"country\":{\"file\":");
		json_str(b, ans.cc_file);
		tw_buf_adds(b, ",\"format\":");
		json_str(b, ans.cc_kind);
		tw_buf_printf(b, ",\"line\":%u}", ans.cc_row);
	}
	tw_buf_adds(b, "}}\n");
}

void tw_out_trace_text(struct tw_buf *b, const struct tw_trace *t)
{
	const struct tw_nd_answer ans = *t->ans;
	const struct tw_special *sp = t->special;
	const struct tw_rdns_result *res = t->rdns;
	const char *as = t->addr;
	bool have = t->have_index;
	const struct tw_addr a = *t->a;
	char pfx[64];
	tw_buf_printf(b, "%s\n", as);
	if (sp)
		tw_buf_printf(b, "  special   %s (%s): never reported\n", sp->name, sp->rfc);
	if (ans.has_asn) {
		tw_nd_prefix(&a, &ans.asn_lo, &ans.asn_hi, pfx, sizeof(pfx));
		tw_buf_printf(b, "  network   %s\n", pfx);
		tw_buf_printf(b, "  AS        AS%u ", ans.asn);
		tw_esc_term(b, ans.org, strlen(ans.org));
		tw_buf_adds(b, "\n            from ");
		tw_esc_term(b, ans.asn_file, strlen(ans.asn_file));
		tw_buf_printf(b, " line %u (%s)\n", ans.asn_row, ans.asn_kind);
	} else if (have) {
		tw_buf_adds(b, "  AS        not in the index\n");
	}
	if (ans.has_cc) {
		tw_buf_printf(b, "  country   %c%c, %s%s\n", ans.cc[0], ans.cc[1],
			      tw_nd_status_name(ans.status),
			      ans.status == TW_ND_STATUS_AVAILABLE ||
				      ans.status == TW_ND_STATUS_RESERVED
				  ? " (unallocated: a bogon)"
				  : "");
		tw_buf_adds(b, "            from ");
		tw_esc_term(b, ans.cc_file, strlen(ans.cc_file));
		tw_buf_printf(b, " line %u (%s)\n", ans.cc_row, ans.cc_kind);
	} else if (have) {
		tw_buf_adds(b, "  country   not in the index\n");
	}
	if (res->status == TW_RDNS_NOTASKED)
		tw_buf_adds(b, "  rdns      not looked up (--rdns asks the DNS)\n");
	else if (res->status == TW_RDNS_OK) {
		tw_buf_adds(b, "  rdns      ");
		tw_esc_term(b, res->name, strlen(res->name));
		tw_buf_adds(b, res->confirmed ? " (forward-confirmed"
					      : " (NOT forward-confirmed: the name does not lead "
						"back; anyone can write a PTR");
		tw_buf_adds(b, res->cached ? "; cached)\n" : ")\n");
	} else {
		tw_buf_printf(b, "  rdns      none (%s)\n", tw_rdns_status_name(res->status));
	}
	if (t->abuse) {
		tw_buf_adds(b, "  ");
		tw_out_abuse_text(b, t->abuse, "  ");
	} else {
		tw_buf_adds(b, "  abuse     not looked up (--abuse asks RDAP and "
			       "whois)\n");
	}
}

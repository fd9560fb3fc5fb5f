/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Offline enrichment of the summaries (see enrich.h). */
#include "enrich/enrich.h"

#include <string.h>

void tw_enrich_sources(struct tw_srcsum *sums, size_t n, const struct tw_netdb *db)
{
	static const char bogon[] = "unallocated address space (RIR statistics): a bogon, forged";
	for (size_t i = 0; i < n; i++) {
		struct tw_srcsum *m = &sums[i];
		struct tw_nd_answer ans;
		if (!tw_netdb_lookup(db, &m->s->addr, &ans))
			continue;
		if (ans.has_asn) {
			m->has_asn = true;
			m->asn = ans.asn;
			m->org = ans.org;
		}
		if (ans.has_cc) {
			m->has_cc = true;
			memcpy(m->cc, ans.cc, 2);
			m->cc[2] = '\0';
			m->alloc = ans.status;
			if (ans.status == TW_ND_STATUS_AVAILABLE ||
			    ans.status == TW_ND_STATUS_RESERVED) {
				m->reportable = false;
				m->confidence = 0.0;
				if (m->nwhy < sizeof(m->why) / sizeof(m->why[0])) {
					m->why_not = (signed char)m->nwhy;
					m->why[m->nwhy++] = bogon;
				}
			}
		}
	}
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Enrichment of the per-source summaries from the offline network index: AS, organisation,
 * country and allocation status; a source in unallocated space (a bogon) is never
 * reportable. Nothing here touches the network (reverse DNS and abuse contacts come only
 * when asked, issue 6). */
#ifndef TW_ENRICH_ENRICH_H
#define TW_ENRICH_ENRICH_H

#include <stddef.h>

#include "classify/agg.h"
#include "enrich/netdb.h"

void tw_enrich_sources(struct tw_srcsum *sums, size_t n, const struct tw_netdb *db);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness for the network index's parsers: the first byte picks the reader —
 * ip-location-db CSV, iptoasn TSV, RIR statistics (each line of the rest fed to it, then
 * the ranges flattened) — or the index file checker (the rest as an index in memory, then
 * a few lookups when it passes). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "enrich/netdb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 1 << 20)
		return 0;
	unsigned pick = data[0] % 4;
	data++;
	size--;
	if (pick == 3) {
		uint64_t *copy = malloc(size + 8); /* 8-byte aligned, as a map is */
		if (!copy)
			return 0;
		memcpy(copy, data, size);
		struct tw_netdb db;
		struct tw_errctx ec;
		memset(&ec, 0, sizeof(ec));
		if (tw_netdb_from_memory(&db, copy, size, &ec) == TW_OK) {
			static const char *const probe[] = {
			    "0.0.0.0", "10.1.2.3",    "255.255.255.255",
			    "::",      "2001:db8::1", "ffff::"};
			for (size_t i = 0; i < sizeof(probe) / sizeof(probe[0]); i++) {
				struct tw_addr a;
				struct tw_nd_answer ans;
				char p[64];
				tw_addr_parse(probe[i], strlen(probe[i]), &a);
				if (tw_netdb_lookup(&db, &a, &ans) && ans.has_asn)
					tw_nd_prefix(&a, &ans.asn_lo, &ans.asn_hi, p, sizeof(p));
			}
			struct tw_nd_info in;
			tw_netdb_info(&db, &in);
			for (unsigned i = 0; i < in.nsrc; i++) {
				const char *n, *k;
				uint64_t rows;
				int64_t mt;
				tw_netdb_source(&db, i, &n, &k, &rows, &mt);
				(void)strlen(n);
				(void)strlen(k);
			}
			tw_netdb_close(&db);
		}
		free(copy);
		return 0;
	}
	const struct tw_nd_format *f = pick == 0   ? &tw_nd_ipldb
				       : pick == 1 ? &tw_nd_iptoasn
						   : &tw_nd_delegated;
	struct tw_nd_builder b;
	tw_nd_builder_init(&b);
	tw_nd_source(&b, "fuzz", f->name, 0);
	const char *p = (const char *)data, *end = p + size;
	uint32_t row = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct tw_errctx ec;
		memset(&ec, 0, sizeof(ec));
		(void)f->sniff(p, len);
		(void)f->line(&b, p, len, 0, ++row, &ec);
		p += len + 1;
	}
	tw_nd_builder_fini(&b);
	return 0;
}

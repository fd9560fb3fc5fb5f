/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Address lookups per second on one core: tracewall's index (tw_netdb_asn) and, on the same
 * data as an MMDB, libmaxminddb (MMDB_lookup_sockaddr + the AS number), side by side.
 * Usage: netdb-lookup INDEX [MMDB] [N] — N random IPv4 addresses (default 10,000,000). */
#include <arpa/inet.h>
#include <maxminddb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enrich/netdb.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: netdb-lookup INDEX [MMDB] [N]\n");
		return 2;
	}
	unsigned long n = argc > 3 ? strtoul(argv[3], NULL, 10) : 10000000ul;
	uint32_t *addrs = malloc(n * sizeof(*addrs));
	uint64_t x = 88172645463325252ull;
	for (unsigned long i = 0; i < n; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		addrs[i] = (uint32_t)(x >> 16);
	}
	struct tw_netdb db;
	struct tw_errctx ec;
	memset(&ec, 0, sizeof(ec));
	if (tw_netdb_open(&db, argv[1], &ec)) {
		fprintf(stderr, "%s\n", ec.msg);
		return 1;
	}
	uint64_t sum = 0, found = 0;
	double t0 = now();
	for (unsigned long i = 0; i < n; i++) {
		struct tw_addr a = {.family = TW_AF_INET};
		a.b[0] = (uint8_t)(addrs[i] >> 24), a.b[1] = (uint8_t)(addrs[i] >> 16);
		a.b[2] = (uint8_t)(addrs[i] >> 8), a.b[3] = (uint8_t)addrs[i];
		uint32_t asn = tw_netdb_asn(&db, &a);
		sum += asn;
		found += asn != 0;
	}
	double t = now() - t0;
	printf("tracewall index: %lu lookups in %.3f s = %.1f M/s (%.0f %% found, checksum %llu)\n",
	       n, t, n / t / 1e6, 100.0 * found / n, (unsigned long long)sum);
	tw_netdb_close(&db);
	if (argc > 2) {
		MMDB_s mm;
		if (MMDB_open(argv[2], MMDB_MODE_MMAP, &mm) != MMDB_SUCCESS) {
			fprintf(stderr, "%s: cannot open\n", argv[2]);
			return 1;
		}
		sum = found = 0;
		t0 = now();
		for (unsigned long i = 0; i < n; i++) {
			struct sockaddr_in sin = {.sin_family = AF_INET};
			sin.sin_addr.s_addr = htonl(addrs[i]);
			int err;
			MMDB_lookup_result_s r =
			    MMDB_lookup_sockaddr(&mm, (const struct sockaddr *)&sin, &err);
			if (err == MMDB_SUCCESS && r.found_entry) {
				MMDB_entry_data_s d;
				if (MMDB_get_value(&r.entry, &d, "autonomous_system_number", NULL) ==
					MMDB_SUCCESS &&
				    d.has_data) {
					sum += d.uint32;
					found++;
				}
			}
		}
		t = now() - t0;
		printf("libmaxminddb:    %lu lookups in %.3f s = %.1f M/s (%.0f %% found, checksum "
		       "%llu)\n",
		       n, t, n / t / 1e6, 100.0 * found / n, (unsigned long long)sum);
		MMDB_close(&mm);
	}
	free(addrs);
	return 0;
}

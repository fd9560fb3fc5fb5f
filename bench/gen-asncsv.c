/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writes a reproducible ASN CSV in ip-location-db's layout (first,last,asn,"org") of the
 * size of the real asn-ipv4.csv + asn-ipv6.csv (about 412,000 + 103,000 rows): disjoint
 * ranges of /24 to /16 with gaps, invented AS numbers and names. For `make bench` (the
 * import and lookup figures of issue 6); the real file comes with scripts/fetch-data.
 * Usage: gen-asncsv ROWS4 ROWS6 SEED */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t rs;
static uint32_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)(rs >> 11);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: gen-asncsv ROWS4 ROWS6 SEED\n");
		return 2;
	}
	unsigned long n4 = strtoul(argv[1], NULL, 10), n6 = strtoul(argv[2], NULL, 10);
	rs = strtoull(argv[3], NULL, 10) * 0x9E3779B97F4A7C15ull + 1;
	uint64_t a = 1u << 24; /* from 1.0.0.0 */
	uint64_t step = ((uint64_t)0xdf000000u - a) / (n4 ? n4 : 1);
	for (unsigned long i = 0; i < n4; i++) {
		uint64_t size = 256u << (rnd() % 5); /* /24 .. /20 */
		if (size > step)
			size = step & ~255ull;
		uint32_t lo = (uint32_t)a, hi = (uint32_t)(a + size - 1);
		printf("%u.%u.%u.%u,%u.%u.%u.%u,%u,\"Example Net %lu, Ltd\"\n", lo >> 24, lo >> 16 & 255,
		       lo >> 8 & 255, lo & 255, hi >> 24, hi >> 16 & 255, hi >> 8 & 255, hi & 255,
		       1000 + rnd() % 400000, i % 70000);
		a += step;
	}
	for (unsigned long i = 0; i < n6; i++) {
		/* 2001:0000::/32 onwards, one /32 .. /48 each */
		unsigned hi16 = 0x2001 + (unsigned)(i >> 16), next = (unsigned)(i & 0xffff);
		printf("%x:%x::,%x:%x:ffff:ffff:ffff:ffff:ffff:ffff,%u,Example V6 %lu\n", hi16, next,
		       hi16, next, 1000 + rnd() % 400000, i % 30000);
	}
	return 0;
}

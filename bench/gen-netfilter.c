/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Benchmark data: a reproducible netfilter kern.log of N lines in the Messenger-era mix of
 * ../shared/docs/anchors.md §3.2 (25 % Messenger spam UDP 1026-1029, 15 % UDP 135/137,
 * 60 % TCP SYN to 135/139/445/1433/3389/22/23/80/1000-1099), from thousands of sources in
 * the benchmarking range 198.18.0.0/15 (RFC 2544) to one host, 192.0.2.10, as a home
 * firewall sees it; every 97th source sweeps the whole /24 and every 997th scans all TCP
 * ports. Usage: gen-netfilter LINES SEED [SOURCES (default 2000)] > FILE */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t rs;

static uint32_t rnd(void)
{
	/* xorshift64*: fixed sequence for a seed, so the file is the same everywhere. */
	rs ^= rs >> 12;
	rs ^= rs << 25;
	rs ^= rs >> 27;
	return (uint32_t)((rs * 0x2545F4914F6CDD1Dull) >> 32);
}

static uint32_t range(uint32_t lo, uint32_t hi)
{
	return lo + rnd() % (hi - lo + 1);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: gen-netfilter LINES SEED [SOURCES]\n");
		return 2;
	}
	uint64_t n = strtoull(argv[1], NULL, 10);
	rs = strtoull(argv[2], NULL, 10) * 0x9E3779B97F4A7C15ull + 1;
	uint32_t nsrc = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 2000;
	if (nsrc == 0)
		nsrc = 1;
	static const char *const mon = "JanFebMarAprMayJunJulAugSepOctNovDec";
	static char buf[1 << 16];
	setvbuf(stdout, buf, _IOFBF, sizeof(buf));

	for (uint64_t i = 0; i < n; i++) {
		uint64_t t = 10 * 3600 + i / 50; /* 50 lines a second from Mar 11 10:00 */
		uint64_t day = t / 86400;
		uint32_t s = range(0, nsrc - 1);
		/* Sources in 198.18.0.0/15; a few (every 997th index) are scanners. */
		uint32_t a = (198u << 24) | (18u << 16) | (s * 7919u % 131072u);
		uint32_t dst =
		    (192u << 24) | (0u << 16) | (2u << 8) | (s % 97 == 0 ? range(1, 254) : 10);
		uint32_t r = range(0, 99), ttl = range(100, 128);
		char proto[128];
		int len;

		if (s % 997 == 0) { /* scanner: SYN to any port */
			snprintf(proto, sizeof(proto),
				 "PROTO=TCP SPT=%u DPT=%u WINDOW=1024 RES=0x00 SYN URGP=0",
				 range(1025, 65000), range(1, 65535));
			len = 44;
			ttl = range(40, 60);
		} else if (r < 25) {
			len = (int)range(400, 900);
			snprintf(proto, sizeof(proto), "PROTO=UDP SPT=%u DPT=%u LEN=%d",
				 range(1024, 1030), range(1026, 1029), len - 20);
		} else if (r < 40) {
			len = (int)range(78, 900);
			snprintf(proto, sizeof(proto), "PROTO=UDP SPT=%u DPT=%u LEN=%d",
				 range(137, 137) + range(0, 1) * 863, range(0, 1) ? 135 : 137,
				 len - 20);
		} else {
			static const uint16_t ports[] = {135, 139, 445, 1433, 3389, 22, 23, 80};
			uint32_t k = range(0, 107);
			uint32_t dp = k < 8 ? ports[k] : 1000 + (k - 8);
			snprintf(proto, sizeof(proto),
				 "PROTO=TCP SPT=%u DPT=%u WINDOW=%u RES=0x00 SYN URGP=0",
				 range(1025, 65000), dp, range(0, 2) == 0 ? 8192u : 65535u);
			len = 48;
		}
		printf("%.3s %2" PRIu64 " %02" PRIu64 ":%02" PRIu64 ":%02" PRIu64
		       " fw kernel: [%" PRIu64 ".%06" PRIu64 "] IN-DROP IN=eth0 OUT= "
		       "MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=%u.%u.%u.%u "
		       "DST=%u.%u.%u.%u LEN=%d TOS=0x00 PREC=0x00 TTL=%u ID=%" PRIu64 " %s%s \n",
		       mon + 3 * 2, 11 + day, t / 3600 % 24, t / 60 % 60, t % 60, 1000 + i / 50,
		       i % 1000000, a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255, dst >> 24,
		       dst >> 16 & 255, dst >> 8 & 255, dst & 255, len, ttl, i % 65535,
		       len == 48 ? "DF " : "", proto);
	}
	return fflush(stdout) ? 1 : 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RIR statistics exchange format (delegated-<rir>-extended-latest, and the plain
 * delegated-<rir>-latest): `registry|cc|type|start|value|date|status[|opaque-id]`; version
 * and summary lines are skipped; ipv4 `value` is a count of addresses (not always a power of
 * two), ipv6 `value` a prefix length. Gives the country and the allocation status:
 * available and reserved space is unallocated. */
#include "enrich/nd-int.h"

#include <string.h>

static bool sniff(const char *p, size_t len)
{
	/* The version line "2|ripencc|…" or a record "ripencc|…|ipv4|…". */
	/* (Each prefix compared only when the line is that long: a fuzzer's find.) */
	return len > 2 && (memchr(p, '|', len) != NULL) &&
	       (!memcmp(p, "2|", 2) || (len >= 4 && !memcmp(p, "2.3|", 4)) ||
		memmem(p, len, "|ipv4|", 6) || memmem(p, len, "|ipv6|", 6) ||
		memmem(p, len, "|asn|", 5));
}

static int status_of(const char *s, size_t n)
{
	static const struct {
		const char *name;
		int st;
	} t[] = {{"allocated", TW_ND_STATUS_ALLOCATED},
		 {"assigned", TW_ND_STATUS_ASSIGNED},
		 {"available", TW_ND_STATUS_AVAILABLE},
		 {"reserved", TW_ND_STATUS_RESERVED}};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strlen(t[i].name) == n && !memcmp(t[i].name, s, n))
			return t[i].st;
	return -1;
}

static int line(struct tw_nd_builder *b, const char *p, size_t len, unsigned src, uint32_t row,
		struct tw_errctx *ec)
{
	char f[8][64];
	size_t n[8], pos = 0;
	int nf = 0;

	if (!len || p[0] == '#')
		return TW_OK;
	while (nf < 8 && !tw_nd_field(p, len, '|', false, &pos, f[nf], sizeof(f[nf]), &n[nf]))
		nf++;
	if (nf < 6)
		return tw_err_set(ec, TW_E_INVALID, 0, "want registry|cc|type|start|value|…");
	/* The version line: its first field is a number. */
	if (n[0] && f[0][0] >= '0' && f[0][0] <= '9')
		return TW_OK;
	if (nf >= 6 && n[5] == 7 && !memcmp(f[5], "summary", 7))
		return TW_OK;
	bool v4 = n[2] == 4 && !memcmp(f[2], "ipv4", 4), v6 = n[2] == 4 && !memcmp(f[2], "ipv6", 4);
	if (!v4 && !v6)
		return TW_OK; /* asn records: not addresses */
	if (nf < 7)
		return tw_err_set(ec, TW_E_INVALID, 0, "no status field");
	struct tw_addr a;
	uint64_t v;
	if (tw_nd_addr(f[3], n[3], &a) || a.family != (v4 ? TW_AF_INET : TW_AF_INET6))
		return tw_err_set(ec, TW_E_INVALID, 0, "not an %s start address: '%.*s'",
				  v4 ? "IPv4" : "IPv6", (int)(n[3] < 40 ? n[3] : 40), f[3]);
	int st = status_of(f[6], n[6]);
	if (st < 0 && n[6] == 0 && nf == 8)
		st = status_of(f[7], n[7]); /* "…|128|||available": one '|' too many, seen */
	if (st < 0)
		return tw_err_set(ec, TW_E_INVALID, 0, "unknown status '%.*s'",
				  (int)(n[6] < 20 ? n[6] : 20), f[6]);
	tw_u128 lo = tw_addr_to_u128(&a), hi;
	if (v4) {
		if (tw_nd_num(f[4], n[4], 1ull << 32, &v) || v == 0 || lo + v - 1 > 0xffffffffu)
			return tw_err_set(ec, TW_E_INVALID, 0, "not a count of IPv4 addresses");
		hi = lo + v - 1;
	} else {
		if (tw_nd_num(f[4], n[4], 128, &v))
			return tw_err_set(ec, TW_E_INVALID, 0, "not an IPv6 prefix length");
		tw_u128 size = v == 0 ? ~(tw_u128)0 : ((tw_u128)1 << (128 - v)) - 1;
		if (lo & size)
			return tw_err_set(ec, TW_E_INVALID, 0,
					  "the start is not on a /%llu boundary",
					  (unsigned long long)v);
		hi = lo + size;
	}
	char cc[2] = {0, 0};
	if (n[1] == 2 && f[1][0] >= 'A' && f[1][0] <= 'Z' && f[1][1] >= 'A' && f[1][1] <= 'Z') {
		cc[0] = f[1][0];
		cc[1] = f[1][1];
	} else if (n[1] && !(n[1] == 1 && f[1][0] == '*')) {
		return tw_err_set(ec, TW_E_INVALID, 0, "not a country code: '%.*s'",
				  (int)(n[1] < 20 ? n[1] : 20), f[1]);
	}
	return tw_nd_add_cc(b, v4 ? TW_AF_INET : TW_AF_INET6, lo, hi, cc, st, src, row);
}

const struct tw_nd_format tw_nd_delegated = {
    .name = "delegated",
    .summary = "RIR statistics (delegated-*-extended-latest): country and allocation status",
    .sniff = sniff,
    .line = line,
};

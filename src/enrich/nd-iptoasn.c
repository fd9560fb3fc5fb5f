/* SPDX-License-Identifier: GPL-2.0-or-later */
/* iptoasn.com TSV (ip2asn-v4.tsv, ip2asn-v6.tsv, ip2asn-combined.tsv): `first last asn
 * country description`, tab-separated; AS 0 ("Not routed") and country "None" are not
 * data. */
#include "enrich/nd-int.h"

#include <string.h>

static bool sniff(const char *p, size_t len)
{
	size_t pos = 0, n;
	char f[64];
	struct tw_addr a;
	if (tw_nd_field(p, len, '\t', false, &pos, f, sizeof(f), &n) || tw_nd_addr(f, n, &a))
		return false;
	return !tw_nd_field(p, len, '\t', false, &pos, f, sizeof(f), &n) && !tw_nd_addr(f, n, &a);
}

static int line(struct tw_nd_builder *b, const char *p, size_t len, unsigned src, uint32_t row,
		struct tw_errctx *ec)
{
	char f[5][256];
	size_t n[5], pos = 0;
	struct tw_addr lo, hi;
	uint64_t asn;

	if (!len || p[0] == '#')
		return TW_OK;
	for (int i = 0; i < 5; i++)
		if (tw_nd_field(p, len, '\t', false, &pos, f[i], sizeof(f[i]), &n[i]))
			return tw_err_set(ec, TW_E_INVALID, 0,
					  "want first, last, asn, country, description (field %d)",
					  i + 1);
	if (tw_nd_addr(f[0], n[0], &lo) || tw_nd_addr(f[1], n[1], &hi) || lo.family != hi.family)
		return tw_err_set(ec, TW_E_INVALID, 0, "not a range of addresses of one family");
	if (tw_nd_num(f[2], n[2], UINT32_MAX, &asn))
		return tw_err_set(ec, TW_E_INVALID, 0, "not an AS number: '%.*s'",
				  (int)(n[2] < 20 ? n[2] : 20), f[2]);
	tw_u128 l = tw_addr_to_u128(&lo), h = tw_addr_to_u128(&hi);
	if (l > h)
		return tw_err_set(ec, TW_E_INVALID, 0, "the range ends before it starts");
	int r = TW_OK;
	if (asn)
		r = tw_nd_add_asn(b, lo.family, l, h, (uint32_t)asn, f[4], n[4], src, row);
	bool cc = n[3] == 2 && f[3][0] >= 'A' && f[3][0] <= 'Z' && f[3][1] >= 'A' && f[3][1] <= 'Z';
	if (r == TW_OK && cc)
		r = tw_nd_add_cc(b, lo.family, l, h, f[3], TW_ND_STATUS_UNKNOWN, src, row);
	else if (r == TW_OK && !(n[3] == 4 && !memcmp(f[3], "None", 4)) && !(n[3] == 0))
		return tw_err_set(ec, TW_E_INVALID, 0, "not a country code: '%.*s'",
				  (int)(n[3] < 20 ? n[3] : 20), f[3]);
	return r;
}

const struct tw_nd_format tw_nd_iptoasn = {
    .name = "iptoasn",
    .summary = "iptoasn.com TSV (ip2asn-v4.tsv, -v6, -combined): first last asn country name",
    .sniff = sniff,
    .line = line,
};

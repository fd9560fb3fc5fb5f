/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ip-location-db ASN CSV (npm @ip-location-db/asn, asn-ipv4.csv / asn-ipv6.csv; CC BY 4.0):
 * `first,last,asn,organisation` with the range inclusive and the organisation in double
 * quotes when it holds a comma; no header line. */
#include "enrich/nd-int.h"

#include <string.h>

static bool sniff(const char *p, size_t len)
{
	size_t pos = 0, n;
	char f[64];
	struct tw_addr a;
	uint64_t asn;
	/* address,address,number,… */
	if (tw_nd_field(p, len, ',', false, &pos, f, sizeof(f), &n) || tw_nd_addr(f, n, &a))
		return false;
	if (tw_nd_field(p, len, ',', false, &pos, f, sizeof(f), &n) || tw_nd_addr(f, n, &a))
		return false;
	return !tw_nd_field(p, len, ',', false, &pos, f, sizeof(f), &n) &&
	       !tw_nd_num(f, n, UINT32_MAX, &asn);
}

static int line(struct tw_nd_builder *b, const char *p, size_t len, unsigned src, uint32_t row,
		struct tw_errctx *ec)
{
	char f[4][256];
	size_t n[4], pos = 0;
	struct tw_addr lo, hi;
	uint64_t asn;

	if (!len || p[0] == '#')
		return TW_OK;
	for (int i = 0; i < 4; i++)
		if (tw_nd_field(p, len, ',', i == 3, &pos, f[i], sizeof(f[i]), &n[i]))
			return tw_err_set(ec, TW_E_INVALID, 0,
					  "want first,last,asn,organisation (field %d)", i + 1);
	if (pos <= len)
		return tw_err_set(ec, TW_E_INVALID, 0, "more than four fields");
	if (tw_nd_addr(f[0], n[0], &lo) || tw_nd_addr(f[1], n[1], &hi) || lo.family != hi.family)
		return tw_err_set(ec, TW_E_INVALID, 0, "not a range of addresses of one family");
	if (tw_nd_num(f[2], n[2], UINT32_MAX, &asn))
		return tw_err_set(ec, TW_E_INVALID, 0, "not an AS number: '%.*s'",
				  (int)(n[2] < 20 ? n[2] : 20), f[2]);
	int r = tw_nd_add_asn(b, lo.family, tw_addr_to_u128(&lo), tw_addr_to_u128(&hi),
			      (uint32_t)asn, f[3], n[3], src, row);
	if (r == TW_E_INVALID)
		return tw_err_set(ec, r, 0, "the range ends before it starts");
	return r;
}

const struct tw_nd_format tw_nd_ipldb = {
    .name = "ip-location-db",
    .summary = "ip-location-db ASN CSV (asn-ipv4.csv, asn-ipv6.csv): first,last,asn,org",
    .sniff = sniff,
    .line = line,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MaxMind DB files (GeoLite2-ASN, GeoLite2-Country, DB-IP lite) through libmaxminddb: the
 * search tree is walked once (MMDB_read_node) and every network with data becomes a range —
 * autonomous_system_number/_organization into the AS table, country.iso_code into the
 * country table. In an IPv6 database the IPv4 space is ::/96; its aliases ::ffff:0:0/96 and
 * 2002::/16 are not walked twice. */
#include "enrich/nd-int.h"

#include <maxminddb.h>
#include <string.h>

struct walk {
	MMDB_s *db;
	struct tw_nd_builder *b;
	unsigned src;
	int bits; /* 32 or 128 */
	uint32_t rows;
	int err;
};

static void take(struct walk *w, MMDB_entry_s *entry, tw_u128 prefix, int depth)
{
	MMDB_entry_data_s d;
	int family = TW_AF_INET6;
	tw_u128 lo = prefix, hi;
	int host_bits = w->bits - depth;
	hi = host_bits >= 128 ? ~(tw_u128)0 : prefix | (((tw_u128)1 << host_bits) - 1);
	if (w->bits == 32) {
		family = TW_AF_INET;
	} else if (depth >= 96 && (prefix >> 32) == 0) {
		family = TW_AF_INET; /* ::a.b.c.d: the IPv4 subtree */
		lo &= 0xffffffffu;
		hi &= 0xffffffffu;
	}
	w->rows++;
	if (MMDB_get_value(entry, &d, "autonomous_system_number", NULL) == MMDB_SUCCESS &&
	    d.has_data && d.type == MMDB_DATA_TYPE_UINT32) {
		uint32_t asn = d.uint32;
		const char *org = NULL;
		size_t orglen = 0;
		if (MMDB_get_value(entry, &d, "autonomous_system_organization", NULL) ==
			MMDB_SUCCESS &&
		    d.has_data && d.type == MMDB_DATA_TYPE_UTF8_STRING) {
			org = d.utf8_string;
			orglen = d.data_size > 255 ? 255 : d.data_size;
		}
		if (tw_nd_add_asn(w->b, family, lo, hi, asn, org, orglen, w->src, w->rows))
			w->err = TW_E_NOMEM;
	}
	if (MMDB_get_value(entry, &d, "country", "iso_code", NULL) == MMDB_SUCCESS && d.has_data &&
	    d.type == MMDB_DATA_TYPE_UTF8_STRING && d.data_size == 2) {
		if (tw_nd_add_cc(w->b, family, lo, hi, d.utf8_string, TW_ND_STATUS_UNKNOWN, w->src,
				 w->rows))
			w->err = TW_E_NOMEM;
	}
}

static void walk(struct walk *w, uint32_t node, tw_u128 prefix, int depth)
{
	MMDB_search_node_s n;
	if (w->err || depth >= w->bits || MMDB_read_node(w->db, node, &n) != MMDB_SUCCESS) {
		if (!w->err && depth < w->bits)
			w->err = TW_E_INVALID;
		return;
	}
	for (int side = 0; side < 2 && !w->err; side++) {
		tw_u128 p = prefix | ((tw_u128)side << (w->bits - depth - 1));
		uint8_t type = side ? n.right_record_type : n.left_record_type;
		uint64_t rec = side ? n.right_record : n.left_record;
		if (w->bits == 128 && depth + 1 == 16 && (p >> 112) == 0x2002)
			continue; /* 6to4: an alias of the IPv4 subtree */
		if (w->bits == 128 && depth + 1 == 96 && (p >> 32) == 0xffff)
			continue; /* ::ffff:0:0/96: the same */
		if (type == MMDB_RECORD_TYPE_SEARCH_NODE)
			walk(w, (uint32_t)rec, p, depth + 1);
		else if (type == MMDB_RECORD_TYPE_DATA)
			take(w, side ? &n.right_record_entry : &n.left_record_entry, p, depth + 1);
		else if (type == MMDB_RECORD_TYPE_INVALID)
			w->err = TW_E_INVALID;
	}
}

static int file(struct tw_nd_builder *b, const char *path, unsigned src, struct tw_errctx *ec)
{
	MMDB_s db;
	int r = MMDB_open(path, MMDB_MODE_MMAP, &db);
	if (r != MMDB_SUCCESS)
		return tw_err_set(ec, TW_E_INVALID, 0, "%s: not a MaxMind DB file: %s", path,
				  MMDB_strerror(r));
	struct walk w = {&db, b, src, db.metadata.ip_version == 6 ? 128 : 32, 0, TW_OK};
	if (db.metadata.ip_version != 4 && db.metadata.ip_version != 6)
		w.err = TW_E_INVALID;
	else
		walk(&w, 0, 0, 0);
	MMDB_close(&db);
	if (w.err == TW_E_NOMEM)
		return tw_err_set(ec, w.err, 0, "%s: out of memory", path);
	if (w.err)
		return tw_err_set(ec, w.err, 0, "%s: a broken search tree", path);
	return TW_OK;
}

const struct tw_nd_format tw_nd_mmdb = {
    .name = "mmdb",
    .summary = "MaxMind DB (GeoLite2-ASN, GeoLite2-Country, DB-IP lite) through libmaxminddb",
    .file = file,
};

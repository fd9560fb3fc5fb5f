/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: enrich/ (the offline network index: readers, flattening, file, lookups). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "enrich/nd-int.h"
#include "enrich/netdb.h"
#include "tap.h"

static tw_u128 a2u(const char *s)
{
	struct tw_addr a;
	tw_addr_parse(s, strlen(s), &a);
	return tw_addr_to_u128(&a);
}

static int feed(struct tw_nd_builder *b, const struct tw_nd_format *f, const char *line,
		struct tw_errctx *ec)
{
	memset(ec, 0, sizeof(*ec));
	return f->line(b, line, strlen(line), 0, 7, ec);
}

static char idx[64];

static void build(struct tw_nd_builder *b, struct tw_netdb *db)
{
	struct tw_errctx ec;
	snprintf(idx, sizeof(idx), "/tmp/tw-netdb-%d.idx", (int)getpid());
	memset(&ec, 0, sizeof(ec));
	CHECK_EQ_I(tw_nd_write(b, idx, &ec), TW_OK);
	CHECK_EQ_I(tw_netdb_open(db, idx, &ec), TW_OK);
}

static void t_readers(void)
{
	struct tw_nd_builder b;
	struct tw_errctx ec;
	tw_nd_builder_init(&b);
	CHECK_EQ_I(tw_nd_source(&b, "x", "test", 0), 0);
	/* ip-location-db: a quoted organisation with a comma and a doubled quote. */
	CHECK_EQ_I(
	    feed(&b, &tw_nd_ipldb, "1.0.0.0,1.0.0.255,13335,\"Cloudflare, \"\"Inc.\"\"\"", &ec),
	    TW_OK);
	CHECK_EQ_I(feed(&b, &tw_nd_ipldb, "2001::,2001::ffff,6939,Hurricane Electric LLC", &ec),
		   TW_OK);
	CHECK_EQ_I(feed(&b, &tw_nd_ipldb, "1.0.0.9,1.0.0.1,1,backwards", &ec), TW_E_INVALID);
	CHECK_STR(ec.msg, "the range ends before it starts");
	CHECK_EQ_I(feed(&b, &tw_nd_ipldb, "1.0.0.0,::1,1,mixed", &ec), TW_E_INVALID);
	CHECK_EQ_I(feed(&b, &tw_nd_ipldb, "1.0.0.0,1.0.0.1,AS1,x", &ec), TW_E_INVALID);
	CHECK_STR(ec.msg, "not an AS number: 'AS1'");
	CHECK_EQ_I(feed(&b, &tw_nd_ipldb, "1.0.0.0,1.0.0.1,1,\"unclosed", &ec), TW_E_INVALID);
	CHECK_EQ_I(feed(&b, &tw_nd_ipldb, "1.0.0.0,1.0.0.1,1,x,extra", &ec), TW_E_INVALID);
	/* iptoasn: AS 0 and "None" are no data; a country is. */
	CHECK_EQ_I(feed(&b, &tw_nd_iptoasn, "0.0.0.0\t0.255.255.255\t0\tNone\tNot routed", &ec),
		   TW_OK);
	CHECK_EQ_I(feed(&b, &tw_nd_iptoasn, "5.0.0.0\t5.0.0.255\t64500\tDE\tEXAMPLE", &ec), TW_OK);
	CHECK_EQ_I(feed(&b, &tw_nd_iptoasn, "5.0.1.0\t5.0.1.255\t64500\tGermany\tX", &ec),
		   TW_E_INVALID);
	/* delegated: version and summary lines skipped, counts and prefix lengths. */
	CHECK_EQ_I(feed(&b, &tw_nd_delegated, "2|ripencc|20260101|6|19830705|20251231|+0000", &ec),
		   TW_OK);
	CHECK_EQ_I(feed(&b, &tw_nd_delegated, "ripencc|*|ipv4|*|4|summary", &ec), TW_OK);
	CHECK_EQ_I(feed(&b, &tw_nd_delegated, "ripencc|ZZ|asn|64496|1|20100101|allocated", &ec),
		   TW_OK);
	CHECK_EQ_I(feed(&b, &tw_nd_delegated, "arin|US|ipv4|6.0.0.0|768|20100101|assigned|x", &ec),
		   TW_OK);
	CHECK_EQ_I(feed(&b, &tw_nd_delegated, "arin||ipv4|7.0.0.0|256||available", &ec), TW_OK);
	CHECK_EQ_I(
	    feed(&b, &tw_nd_delegated, "apnic|JP|ipv6|2001:db8::|32|20120303|allocated", &ec),
	    TW_OK);
	CHECK_EQ_I(
	    feed(&b, &tw_nd_delegated, "apnic|JP|ipv6|2001:db8:1::|32|20120303|allocated", &ec),
	    TW_E_INVALID);
	CHECK_STR(ec.msg, "the start is not on a /32 boundary");
	CHECK_EQ_I(feed(&b, &tw_nd_delegated, "arin|US|ipv4|6.0.0.0|256|20100101|stolen", &ec),
		   TW_E_INVALID);
	CHECK_STR(ec.msg, "unknown status 'stolen'");
	CHECK_EQ_I(feed(&b, &tw_nd_delegated, "arin|US|ipv4|255.255.255.0|512|2010|assigned", &ec),
		   TW_E_INVALID);
	/* Detection by the first line. */
	CHECK(tw_nd_detect("a.csv", "1.0.0.0,1.0.0.255,13335,x", 25) == &tw_nd_ipldb);
	CHECK(tw_nd_detect("a.tsv", "1.0.0.0\t1.0.0.255\t1\tUS\tx", 24) == &tw_nd_iptoasn);
	CHECK(tw_nd_detect("d", "2|ripencc|20260101|6|1|2|+0000", 30) == &tw_nd_delegated);
	CHECK(tw_nd_detect("x.mmdb", "", 0) == &tw_nd_mmdb);
	CHECK(tw_nd_detect("junk", "hello world", 11) == NULL);
	/* A 3-byte line must not be compared as 4 bytes (fuzz-netdb's find; ASan would see it
	 * in the sanitizer run of this test). */
	char *three = malloc(3);
	memcpy(three, "|2x", 3);
	CHECK(!tw_nd_delegated.sniff(three, 3));
	free(three);

	struct tw_netdb db;
	build(&b, &db);
	struct tw_addr a;
	struct tw_nd_answer ans;
	tw_addr_parse("1.0.0.77", 8, &a);
	CHECK(tw_netdb_lookup(&db, &a, &ans));
	CHECK_EQ_U(ans.asn, 13335);
	CHECK_STR(ans.org, "Cloudflare, \"Inc.\"");
	CHECK_EQ_U(ans.asn_row, 7);
	tw_addr_parse("6.0.2.255", 9, &a); /* the third /24 of a 768-address block */
	CHECK(tw_netdb_lookup(&db, &a, &ans) && ans.has_cc && !ans.has_asn);
	CHECK(ans.cc[0] == 'U' && ans.cc[1] == 'S' && ans.status == TW_ND_STATUS_ASSIGNED);
	tw_addr_parse("6.0.3.0", 7, &a);
	CHECK(!tw_netdb_lookup(&db, &a, &ans));
	tw_addr_parse("7.0.0.1", 7, &a);
	CHECK(tw_netdb_lookup(&db, &a, &ans) && ans.status == TW_ND_STATUS_AVAILABLE);
	tw_addr_parse("2001::42", 8, &a);
	CHECK_EQ_U(tw_netdb_asn(&db, &a), 6939);
	tw_addr_parse("2001:db8:ffff::1", 16, &a);
	CHECK(tw_netdb_lookup(&db, &a, &ans) && ans.cc[0] == 'J');
	tw_netdb_close(&db);
	unlink(idx);
	tw_nd_builder_fini(&b);
}

/* Overlapping input ranges: the most specific wins, the later of two equal ones. */
static void t_longest_match(void)
{
	struct tw_nd_builder b;
	struct tw_netdb db;
	struct tw_addr a;
	tw_nd_builder_init(&b);
	tw_nd_source(&b, "x", "test", 0);
	tw_nd_add_asn(&b, TW_AF_INET, a2u("10.0.0.0"), a2u("10.255.255.255"), 1, "eight", 5, 0, 1);
	tw_nd_add_asn(&b, TW_AF_INET, a2u("10.1.2.0"), a2u("10.1.2.255"), 2, "twentyfour", 10, 0,
		      2);
	tw_nd_add_asn(&b, TW_AF_INET, a2u("10.1.2.128"), a2u("10.1.2.191"), 3, "inner", 5, 0, 3);
	tw_nd_add_asn(&b, TW_AF_INET, a2u("10.1.2.0"), a2u("10.1.2.255"), 4, "later", 5, 0, 4);
	/* a partial overlap: the one that starts later wins where they overlap */
	tw_nd_add_asn(&b, TW_AF_INET, a2u("20.0.0.0"), a2u("20.0.0.100"), 5, "left", 4, 0, 5);
	tw_nd_add_asn(&b, TW_AF_INET, a2u("20.0.0.50"), a2u("20.0.0.150"), 6, "right", 5, 0, 6);
	/* the whole IPv4 space and its last address */
	tw_nd_add_asn(&b, TW_AF_INET, a2u("255.255.255.0"), a2u("255.255.255.255"), 7, "", 0, 0, 7);
	tw_nd_add_asn(&b, TW_AF_INET6, 0, ~(tw_u128)0, 8, "all", 3, 0, 8);
	tw_nd_add_asn(&b, TW_AF_INET6, a2u("2001:db8::"), a2u("2001:db8::ffff"), 9, "doc", 3, 0, 9);
	build(&b, &db);
	static const struct {
		const char *addr;
		uint32_t asn;
	} want[] = {{"10.0.0.0", 1},	    {"10.1.1.255", 1},	  {"10.1.2.0", 4},
		    {"10.1.2.127", 4},	    {"10.1.2.128", 3},	  {"10.1.2.191", 3},
		    {"10.1.2.192", 4},	    {"10.1.2.255", 4},	  {"10.1.3.0", 1},
		    {"10.255.255.255", 1},  {"11.0.0.0", 0},	  {"20.0.0.49", 5},
		    {"20.0.0.50", 6},	    {"20.0.0.150", 6},	  {"20.0.0.151", 0},
		    {"255.255.255.255", 7}, {"0.0.0.0", 0},	  {"::", 8},
		    {"2001:db8::1", 9},	    {"2001:db8::1:0", 8}, {"ffff::1", 8}};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct tw_addr x;
		tw_addr_parse(want[i].addr, strlen(want[i].addr), &x);
		uint32_t got = tw_netdb_asn(&db, &x);
		if (got != want[i].asn)
			printf("#   %s: AS%u, want AS%u\n", want[i].addr, got, want[i].asn);
		CHECK_EQ_U(got, want[i].asn);
	}
	/* The network shown is the largest CIDR block inside the matched range. */
	struct tw_nd_answer ans;
	char p[64];
	tw_addr_parse("10.1.2.200", 10, &a);
	tw_netdb_lookup(&db, &a, &ans);
	tw_nd_prefix(&a, &ans.asn_lo, &ans.asn_hi, p, sizeof(p));
	CHECK_STR(p, "10.1.2.192/26");
	tw_addr_parse("20.0.0.60", 9, &a);
	tw_netdb_lookup(&db, &a, &ans);
	tw_nd_prefix(&a, &ans.asn_lo, &ans.asn_hi, p, sizeof(p));
	CHECK_STR(p, "20.0.0.56/29"); /* 20.0.0.50-150: 56-63 is the largest aligned block */
	tw_netdb_close(&db);
	unlink(idx);
	tw_nd_builder_fini(&b);
}

/* A damaged or hostile index file is refused, never trusted. */
static void t_hostile_index(void)
{
	struct tw_nd_builder b;
	struct tw_netdb db;
	struct tw_errctx ec;
	tw_nd_builder_init(&b);
	tw_nd_source(&b, "x", "test", 0);
	tw_nd_add_asn(&b, TW_AF_INET, a2u("10.0.0.0"), a2u("10.0.0.255"), 1, "a", 1, 0, 1);
	tw_nd_add_asn(&b, TW_AF_INET, a2u("10.0.1.0"), a2u("10.0.1.255"), 2, "b", 1, 0, 2);
	build(&b, &db);
	size_t size = db.size;
	unsigned char *copy = malloc(size);
	memcpy(copy, db.map, size);
	tw_netdb_close(&db);
	uint64_t off0;
	memcpy(&off0, copy + 24, 8); /* the header's offset of the first table */
	struct {
		size_t at;
		unsigned char v;
	} damage[] = {{0, 'X'},			 /* magic */
		      {24, 0xff},		 /* a table offset */
		      {64 + 7, 0x7f},		 /* a count */
		      {(size_t)off0 + 3, 0xff}}; /* the first entry's start beyond its end */
	for (size_t k = 0; k < sizeof(damage) / sizeof(damage[0]); k++) {
		unsigned char *d = malloc(size);
		memcpy(d, copy, size);
		d[damage[k].at] ^= damage[k].v;
		int fd = open(idx, O_WRONLY | O_TRUNC);
		CHECK(write(fd, d, size) == (ssize_t)size);
		close(fd);
		memset(&ec, 0, sizeof(ec));
		int r = tw_netdb_open(&db, idx, &ec);
		if (r == TW_OK)
			printf("#   damage %zu accepted\n", k);
		CHECK_EQ_I(r, TW_E_INVALID);
		free(d);
	}
	/* Truncated. */
	CHECK_EQ_I(truncate(idx, (off_t)(size - 8)), 0);
	CHECK_EQ_I(tw_netdb_open(&db, idx, &ec), TW_E_INVALID);
	unlink(idx);
	CHECK_EQ_I(tw_netdb_open(&db, idx, &ec), TW_E_NOTFOUND);
	free(copy);
	tw_nd_builder_fini(&b);
}

/* A large IPv4 table gets the /16 index: lookups through it agree with the ranges. */
static void t_top_index(void)
{
	struct tw_nd_builder b;
	struct tw_netdb db;
	tw_nd_builder_init(&b);
	tw_nd_source(&b, "x", "test", 0);
	for (uint32_t i = 0; i < 6000; i++) /* 6,000 /24s with gaps, across 24 /16s */
		tw_nd_add_asn(&b, TW_AF_INET, (tw_u128)(0x0a000000u + i * 512),
			      (tw_u128)(0x0a000000u + i * 512 + 255), i + 1, NULL, 0, 0, i + 1);
	build(&b, &db);
	CHECK(db.h != NULL);
	uint32_t bad = 0;
	for (uint32_t i = 0; i < 6000; i += 7) {
		struct tw_addr a;
		tw_u128_to_addr((tw_u128)(0x0a000000u + i * 512 + 17), TW_AF_INET, &a);
		bad += tw_netdb_asn(&db, &a) != i + 1;
		tw_u128_to_addr((tw_u128)(0x0a000000u + i * 512 + 300), TW_AF_INET, &a);
		bad += tw_netdb_asn(&db, &a) != 0; /* in a gap */
	}
	CHECK_EQ_U(bad, 0);
	tw_netdb_close(&db);
	unlink(idx);
	tw_nd_builder_fini(&b);
}

TW_SUITE(netdb, {"readers", t_readers}, {"longest_match", t_longest_match},
	 {"hostile_index", t_hostile_index}, {"top_index", t_top_index});

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: core/addr. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr.h"
#include "core/addrix.h"
#include "core/err.h"
#include "tap.h"

static const char *fmt(const struct tw_addr *a)
{
	static char buf[TW_ADDR_STRLEN];
	tw_addr_format(a, buf);
	return buf;
}

static void t_parse4(void)
{
	struct tw_addr a;
	CHECK_EQ_I(tw_addr_parse4("195.54.160.107", 14, &a), TW_OK);
	CHECK_EQ_U(a.family, TW_AF_INET);
	CHECK_STR(fmt(&a), "195.54.160.107");
	static const char *bad[] = {
	    "1.2.3",	"1.2.3.4.5", "256.1.1.1", "1..2.3", "01234.1.1.1",
	    "1.2.3.4 ", "a.b.c.d",   "1.2.3.",	  ".1.2.3",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ_I(tw_addr_parse4(bad[i], strlen(bad[i]), &a), TW_E_INVALID);
}

static void t_parse6_expanded(void)
{
	struct tw_addr a;
	const char *s = "2001:0db8:0000:f101:0000:0000:0000:0002";
	CHECK_EQ_I(tw_addr_parse(s, strlen(s), &a), TW_OK);
	CHECK_EQ_U(a.family, TW_AF_INET6);
	CHECK_STR(fmt(&a), "2001:db8:0:f101::2");
	CHECK_EQ_I(tw_addr_parse("fe80::1::2", 10, &a), TW_E_INVALID);
	CHECK_EQ_I(tw_addr_parse("::", 2, &a), TW_OK);
}

static void t_v4mapped_kept_as_v4(void)
{
	struct tw_addr a, b;
	CHECK_EQ_I(tw_addr_parse("::ffff:192.0.2.7", 16, &a), TW_OK);
	CHECK_EQ_U(a.family, TW_AF_INET);
	CHECK_EQ_I(tw_addr_parse("192.0.2.7", 9, &b), TW_OK);
	CHECK(tw_addr_eq(&a, &b));
	CHECK_EQ_U(tw_addr_hash(&a), tw_addr_hash(&b));
}

static void t_cmp_hash_prefix(void)
{
	struct tw_addr a, b, c, net;
	unsigned plen;
	tw_addr_parse("10.0.0.1", 8, &a);
	tw_addr_parse("10.0.0.2", 8, &b);
	tw_addr_parse("::1", 3, &c);
	CHECK(tw_addr_cmp(&a, &b) < 0);
	CHECK(tw_addr_cmp(&b, &c) < 0); /* IPv4 sorts before IPv6 */
	CHECK(tw_addr_hash(&a) != tw_addr_hash(&b));
	CHECK_EQ_I(tw_prefix_parse("10.0.0.0/31", 11, &net, &plen), TW_OK);
	CHECK_EQ_U(plen, 31);
	CHECK(tw_addr_in_prefix(&a, &net, plen));
	CHECK(!tw_addr_in_prefix(&b, &net, plen));
	CHECK(!tw_addr_in_prefix(&c, &net, plen));
	CHECK_EQ_I(tw_prefix_parse("10.0.0.0/33", 11, &net, &plen), TW_E_INVALID);
	CHECK_EQ_I(tw_prefix_parse("2001:db8::/32", 13, &net, &plen), TW_OK);
}

struct rec {
	uint64_t n;
	struct tw_addr a;
};

/* The address index over a caller's array: 100,000 IPv4 and IPv6 addresses added, each found
 * at its position (also after the array moved), absent ones not; after removing every
 * other one and a rebuild, the rest still found. */
static void t_addrix(void)
{
	size_t n = 0, cap = 100000, hole;
	struct rec *v = calloc(cap, sizeof(*v));
	struct tw_addrix x = {0};
	CHECK(v != NULL);
	for (uint32_t i = 0; i < cap; i++) {
		struct tw_addr a = {0};
		a.family = i & 1 ? TW_AF_INET6 : TW_AF_INET;
		memcpy(a.b + (i & 1 ? 12 : 0), &i, 4);
		struct tw_addrix_recs r = {v, sizeof(*v), offsetof(struct rec, a)};
		CHECK_EQ_I(tw_addrix_reserve(&x, r, n, n + 1), TW_OK);
		CHECK_EQ_I(tw_addrix_find(&x, r, &a, &hole), -1);
		v[n].a = a;
		v[n].n = i;
		tw_addrix_put(&x, hole, n++);
	}
	CHECK(x.cap * 7 >= n * 10);
	struct rec *moved = malloc(n * sizeof(*v));
	memcpy(moved, v, n * sizeof(*v));
	free(v);
	v = moved;
	struct tw_addrix_recs r = {v, sizeof(*v), offsetof(struct rec, a)};
	size_t bad = 0;
	for (size_t i = 0; i < n; i++)
		bad += tw_addrix_find(&x, r, &v[i].a, &hole) != (long)i;
	CHECK_EQ_U(bad, 0);
	struct tw_addr none = {.family = TW_AF_INET, .b = {1, 2, 3, 4}};
	CHECK_EQ_I(tw_addrix_find(&x, r, &none, &hole), -1);
	size_t k = 0;
	for (size_t i = 0; i < n; i += 2)
		v[k++] = v[i];
	tw_addrix_rebuild(&x, r, k);
	for (size_t i = 0; i < k; i++)
		bad += tw_addrix_find(&x, r, &v[i].a, &hole) != (long)i;
	CHECK_EQ_U(bad, 0);
	struct tw_addr gone = {.family = TW_AF_INET6};
	uint32_t one = 1;
	memcpy(gone.b + 12, &one, 4);
	CHECK_EQ_I(tw_addrix_find(&x, r, &gone, &hole), -1);
	tw_addrix_fini(&x);
	free(v);
}

TW_SUITE(addr, {"parse4", t_parse4}, {"parse6_expanded", t_parse6_expanded},
	 {"v4mapped_kept_as_v4", t_v4mapped_kept_as_v4}, {"cmp_hash_prefix", t_cmp_hash_prefix},
	 {"addrix", t_addrix});

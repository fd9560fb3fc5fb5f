/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: core/special (RFC 6890 registries). */
#include "core/err.h"
#include "core/special.h"
#include "tap.h"

static const char *name_of(const char *s)
{
	struct tw_addr a;
	if (tw_addr_parse(s, strlen(s), &a))
		return "parse error";
	const struct tw_special *sp = tw_special_lookup(&a);
	return sp ? sp->name : "global";
}

static void t_ranges(void)
{
	CHECK_STR(name_of("10.1.2.3"), "private use");
	CHECK_STR(name_of("192.168.10.55"), "private use");
	CHECK_STR(name_of("100.64.0.1"), "shared address space (CGN)");
	CHECK_STR(name_of("192.0.2.77"), "documentation (TEST-NET-1)");
	CHECK_STR(name_of("203.0.113.10"), "documentation (TEST-NET-3)");
	CHECK_STR(name_of("192.0.0.9"), "port control protocol anycast"); /* most specific */
	CHECK_STR(name_of("255.255.255.255"), "limited broadcast");
	CHECK_STR(name_of("224.0.0.1"), "multicast");
	CHECK_STR(name_of("195.54.160.107"), "global");
	CHECK_STR(name_of("2001:db8::1"), "documentation");
	CHECK_STR(name_of("fe80::1"), "link-local unicast");
	CHECK_STR(name_of("2a0a:1580::a"), "global");
	CHECK_STR(name_of("::1"), "loopback address");
}

static void t_every_row_parses(void)
{
	size_t n;
	const struct tw_special *t = tw_special_table(&n);
	for (size_t i = 0; i < n; i++) {
		struct tw_addr net;
		unsigned plen;
		int r = tw_prefix_parse(t[i].prefix, strlen(t[i].prefix), &net, &plen);
		if (r != TW_OK)
			printf("#   row %zu (%s) does not parse\n", i, t[i].prefix);
		CHECK_EQ_I(r, TW_OK);
		/* The network address itself must be found (this row or a more specific one). */
		CHECK(tw_special_lookup(&net) != NULL);
	}
}

TW_SUITE(special, {"ranges", t_ranges}, {"every_row_parses", t_every_row_parses});

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890, updated by RFC 8190),
 * plus multicast (RFC 5771, RFC 4291), which is never a unicast source either. The
 * IPv4-mapped block ::ffff:0:0/96 is absent on purpose: the address parser stores such
 * addresses as IPv4, so they are judged by the IPv4 table. */
#include "core/special.h"

#include <pthread.h>
#include <string.h>

#include "core/err.h"

static const struct tw_special table[] = {
    {"0.0.0.0/8", "this network", "RFC 791", false},
    {"10.0.0.0/8", "private use", "RFC 1918", false},
    {"100.64.0.0/10", "shared address space (CGN)", "RFC 6598", false},
    {"127.0.0.0/8", "loopback", "RFC 1122", false},
    {"169.254.0.0/16", "link local", "RFC 3927", false},
    {"172.16.0.0/12", "private use", "RFC 1918", false},
    {"192.0.0.0/24", "IETF protocol assignments", "RFC 6890", false},
    {"192.0.0.0/29", "IPv4 service continuity prefix", "RFC 7335", false},
    {"192.0.0.8/32", "IPv4 dummy address", "RFC 7600", false},
    {"192.0.0.9/32", "port control protocol anycast", "RFC 7723", true},
    {"192.0.0.10/32", "traversal using relays around NAT anycast", "RFC 8155", true},
    {"192.0.0.170/31", "NAT64/DNS64 discovery", "RFC 7050", false},
    {"192.0.2.0/24", "documentation (TEST-NET-1)", "RFC 5737", false},
    {"192.31.196.0/24", "AS112-v4", "RFC 7535", true},
    {"192.52.193.0/24", "AMT", "RFC 7450", true},
    {"192.88.99.0/24", "deprecated 6to4 relay anycast", "RFC 7526", false},
    {"192.168.0.0/16", "private use", "RFC 1918", false},
    {"192.175.48.0/24", "direct delegation AS112 service", "RFC 7534", true},
    {"198.18.0.0/15", "benchmarking", "RFC 2544", false},
    {"198.51.100.0/24", "documentation (TEST-NET-2)", "RFC 5737", false},
    {"203.0.113.0/24", "documentation (TEST-NET-3)", "RFC 5737", false},
    {"224.0.0.0/4", "multicast", "RFC 5771", false},
    {"240.0.0.0/4", "reserved", "RFC 1112", false},
    {"255.255.255.255/32", "limited broadcast", "RFC 919", false},
    {"::/128", "unspecified address", "RFC 4291", false},
    {"::1/128", "loopback address", "RFC 4291", false},
    {"64:ff9b::/96", "IPv4-IPv6 translation", "RFC 6052", true},
    {"64:ff9b:1::/48", "local-use IPv4/IPv6 translation", "RFC 8215", false},
    {"100::/64", "discard-only address block", "RFC 6666", false},
    {"2001::/23", "IETF protocol assignments", "RFC 2928", false},
    {"2001::/32", "TEREDO", "RFC 4380", true},
    {"2001:1::1/128", "port control protocol anycast", "RFC 7723", true},
    {"2001:1::2/128", "traversal using relays around NAT anycast", "RFC 8155", true},
    {"2001:2::/48", "benchmarking", "RFC 5180", false},
    {"2001:3::/32", "AMT", "RFC 7450", true},
    {"2001:4:112::/48", "AS112-v6", "RFC 7535", true},
    {"2001:10::/28", "deprecated (ORCHID)", "RFC 4843", false},
    {"2001:20::/28", "ORCHIDv2", "RFC 7343", true},
    {"2001:db8::/32", "documentation", "RFC 3849", false},
    {"2002::/16", "6to4", "RFC 3056", true},
    {"2620:4f:8000::/48", "direct delegation AS112 service", "RFC 7534", true},
    {"fc00::/7", "unique-local", "RFC 4193", false},
    {"fe80::/10", "link-local unicast", "RFC 4291", false},
    {"ff00::/8", "multicast", "RFC 4291", false},
};

#define NSPECIAL (sizeof(table) / sizeof(table[0]))

static struct {
	struct tw_addr net;
	unsigned plen;
} parsed[NSPECIAL];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void parse_table(void)
{
	for (size_t i = 0; i < NSPECIAL; i++)
		if (tw_prefix_parse(table[i].prefix, strlen(table[i].prefix), &parsed[i].net,
				    &parsed[i].plen) != TW_OK)
			parsed[i].plen = 255; /* never matches; t-special.c checks every row */
}

const struct tw_special *tw_special_lookup(const struct tw_addr *a)
{
	const struct tw_special *best = NULL;
	unsigned best_len = 0;

	pthread_once(&once, parse_table);
	for (size_t i = 0; i < NSPECIAL; i++) {
		/* ::ffff:0:0/96 is stored as IPv4 by the parser: compare per family. */
		if (tw_addr_in_prefix(a, &parsed[i].net, parsed[i].plen) &&
		    (!best || parsed[i].plen > best_len)) {
			best = &table[i];
			best_len = parsed[i].plen;
		}
	}
	return best;
}

const struct tw_special *tw_special_table(size_t *n)
{
	*n = NSPECIAL;
	return table;
}

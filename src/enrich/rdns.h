/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reverse DNS through c-ares (issue 6): many PTR queries in flight at once, each name
 * forward-confirmed (its A/AAAA must lead back to the address), with a timeout. Only when
 * the user asks (`--rdns`): the probing party may see the queries. */
#ifndef TW_ENRICH_RDNS_H
#define TW_ENRICH_RDNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/err.h"

enum tw_rdns_status {
	TW_RDNS_OK,	  /* a name */
	TW_RDNS_NONAME,	  /* no PTR record (NXDOMAIN or no data) */
	TW_RDNS_TIMEOUT,  /* no answer in time */
	TW_RDNS_ERROR,	  /* SERVFAIL, refused, a name that is not a host name … */
	TW_RDNS_NOTASKED, /* not looked up */
};
const char *tw_rdns_status_name(int s);

struct tw_rdns_result {
	int status;
	bool confirmed; /* the name's A/AAAA records hold the address */
	bool cached;	/* from the store's cache */
	char name[254];
};

struct tw_rdns_opts {
	const char *servers; /* "127.0.0.1:5353,…" (c-ares CSV); NULL: the system's */
	int timeout_ms;	     /* per try; 0 = 2,000 */
	int tries;	     /* 0 = 2 */
	unsigned inflight;   /* queries at once; 0 = 256 */
};

/* Looks up n addresses (out[i] for addrs[i]). TW_OK, or an error when c-ares could not be
 * set up (a bad server list…), with the reason in ec. */
int tw_rdns_lookup(const struct tw_addr *addrs, size_t n, struct tw_rdns_result *out,
		   const struct tw_rdns_opts *o, struct tw_errctx *ec);

/* The reversed name of an address under a zone: d.c.b.a.V4ZONE, or the 32 nibbles of an
 * IPv6 address, lowest first, under V6ZONE (in-addr.arpa / ip6.arpa for PTR). */
void tw_dns_reverse_name(const struct tw_addr *a, const char *v4zone, const char *v6zone, char *out,
			 size_t n);

/* One TXT query (the Abusix abuse-contact zone): the strings of each record joined, the
 * records separated by commas, cut at cap - 1 bytes. *status: TW_RDNS_OK, _NONAME
 * (NXDOMAIN or no TXT), _TIMEOUT or _ERROR. TW_OK unless c-ares could not be set up. */
int tw_dns_txt(const char *name, const struct tw_rdns_opts *o, char *out, size_t cap, int *status,
	       struct tw_errctx *ec);

/* The same through the store's cache (store/store.h; NULL: none): only the addresses
 * without a fresh stored answer are asked; names are kept ttl_found seconds, "no name"
 * ttl_none (0: 1 day, 4 hours); timeouts and errors are not kept. */
struct tw_store;
int tw_rdns_lookup_cached(const struct tw_addr *addrs, size_t n, struct tw_rdns_result *out,
			  const struct tw_rdns_opts *o, struct tw_store *store, int64_t ttl_found,
			  int64_t ttl_none, struct tw_errctx *ec);

#endif

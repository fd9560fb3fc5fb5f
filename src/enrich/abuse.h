/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Abuse contacts (issue 6, abuse-reporting.md §2): RDAP first (IANA bootstrap → the
 * registry's server), then whois on port 43 following referrals, each answer parsed for the
 * registry's own way of naming the abuse address; never a silent guess. The parsers
 * (rdap.c, whois.c) read hostile text and touch no network; abuse.c asks the servers. */
#ifndef TW_ENRICH_ABUSE_H
#define TW_ENRICH_ABUSE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/addr.h"
#include "core/err.h"
#include "enrich/rdns.h"
#include "store/store.h"

#define TW_ABUSE_MAXMAIL 4
#define TW_ABUSE_MAILLEN 128

/* The addresses one answer gave, and what gave them. */
struct tw_abuse_found {
	unsigned n;
	char email[TW_ABUSE_MAXMAIL][TW_ABUSE_MAILLEN];
	bool weak;	    /* from free text (remarks): said so, lower confidence */
	char how[240];	    /* "entity IRT-KRNIC-KR (role abuse), vCard email" or the whois line */
	char rejected[200]; /* the first address refused, and why (placeholder…) */
};

/* Checks an address found in an answer: plain syntax (local@domain.tld, printable ASCII,
 * at most 127 bytes), no redaction placeholder, no registry-wide or hostmaster address of
 * a regional registry. NULL when good, else the reason. */
const char *tw_abuse_email_refused(const char *s, size_t n);

/* Adds an address (lower-cased domain kept as written; duplicates ignored case-blind) when
 * it passes tw_abuse_email_refused(); otherwise records the first refusal. */
void tw_abuse_found_add(struct tw_abuse_found *f, const char *s, size_t n);

/* ---- RDAP (rdap.c) ------------------------------------------------------------------ */

/* The IANA bootstrap registries for IPv4 and IPv6 (RFC 9224), longest prefix first. */
struct tw_bootstrap_entry {
	struct tw_addr net;
	unsigned plen;
	unsigned url; /* index into urls */
};
struct tw_bootstrap {
	struct tw_bootstrap_entry *e;
	size_t n, cap;
	char **urls; /* the preferred base URL of each service (https first), ending in '/' */
	size_t nurls, capurls;
	char publication[32];
};
/* Adds the services of one bootstrap file (ipv4.json or ipv6.json). At most 1 MiB. */
int tw_bootstrap_add(struct tw_bootstrap *bs, const char *buf, size_t len, struct tw_errctx *ec);
/* The base URL for an address (longest match), or NULL: space IANA has not delegated. */
const char *tw_bootstrap_find(const struct tw_bootstrap *bs, const struct tw_addr *a);
void tw_bootstrap_fini(struct tw_bootstrap *bs);

/* What an RDAP "ip network" answer says (RFC 9083 §5.4). */
struct tw_rdap_net {
	int error_code; /* an error object's errorCode, else 0 */
	char handle[80], name[80], country[3], start[64], end[64], port43[80], parent[80];
	char up[300];		 /* the link with rel "up" (the parent network), http(s) only */
	unsigned abuse_entities; /* entities with role abuse, at any depth */
	struct tw_abuse_found abuse;
};
/* Parses an answer of at most 4 MiB. typed_only: only e-mails marked {"type":"abuse"} count
 * (RIPE-database registries, where an abuse role's other e-mails are not the abuse
 * mailbox). TW_E_INVALID when it is not JSON or not an object. */
int tw_rdap_parse(const char *buf, size_t len, bool typed_only, struct tw_rdap_net *out,
		  struct tw_errctx *ec);

/* ---- whois (whois.c) ---------------------------------------------------------------- */

struct tw_whois_answer {
	char refer[128]; /* the next server named by the answer (IANA "refer:", ARIN
			    "ReferralServer: whois://host[:port]"), host or host:port */
	char range[100], netname[80], country[3], org[128];
	bool rate_limited;	  /* a rate-limit or access-denied text */
	bool no_abuse_registered; /* "% No abuse contact registered for …" */
	struct tw_abuse_found abuse;
};
/* Parses a port-43 answer (RPSL objects, ARIN's key: value, LACNIC's blocks). TW_OK, or
 * TW_E_NOMEM when only the comments could be read. */
int tw_whois_parse(const char *buf, size_t len, struct tw_whois_answer *out);

/* The query line a server expects for an address (without CRLF). */
void tw_whois_query(const char *server, const char *addr, char *out, size_t cap);

/* ---- the look-up (abuse.c) ------------------------------------------------------------ */

enum tw_abuse_via { TW_ABUSE_NONE, TW_ABUSE_RDAP, TW_ABUSE_WHOIS, TW_ABUSE_ABUSIX, TW_ABUSE_LOCAL };

/* One step of the search, for "how it was found". */
#define TW_ABUSE_STEPS 8
struct tw_abuse_step {
	char what[16];	   /* "rdap", "whois" */
	char where[200];   /* URL or server */
	char outcome[200]; /* "404", "abuse entity with no abuse e-mail", "timeout", … */
};

struct tw_abuse_result {
	int via; /* enum tw_abuse_via */
	struct tw_abuse_found found;
	char source[200]; /* the URL or whois server that gave the contact */
	char range[100], netname[80], country[3];
	bool rate_limited; /* a server said so: the search stopped there */
	bool transient;	   /* a server could not be reached: not kept in the cache */
	bool cached;	   /* from the store's cache (the steps are the stored ones) */
	char stop[160];	   /* why nothing was asked (special-purpose, not delegated…) */
	unsigned nsteps;
	struct tw_abuse_step step[TW_ABUSE_STEPS];
};

struct tw_abuse_opts {
	const char *bootstrap_dir; /* ipv4.json and ipv6.json; NULL: the bundled copy */
	bool rdap, whois;	   /* which methods (both by default) */
	int timeout_ms;		   /* per request; 0 = 10,000 */
	/* "name=addr:port,…": where to connect for a whois server name (tests, proxies). */
	const char *whois_connect;
	const char *iana_whois; /* first whois server when the registry is unknown */
	/* Optionally last: the Abusix abuse-contact DNS zone (TXT), asked through these DNS
	 * servers (NULL: the system's); zone NULL = abuse-contacts.abusix.zone. */
	bool abusix;
	const char *abusix_zone, *dns_servers;
	/* The store's cache (store/store.h), or NULL; answers are kept ttl_found seconds
	 * when a contact was found, ttl_none when not (0: 7 days, 4 hours). */
	struct tw_store *store;
	int64_t ttl_found, ttl_none;
	bool cache_only; /* only what the store knows: no query at all */
};

/* Where `tracewall db update-bootstrap` keeps the IANA files:
 * $XDG_DATA_HOME/tracewall/rdap (or ~/.local/share/tracewall/rdap). */
int tw_abuse_bootstrap_dir(char *out, size_t cap);

/* Fetches FROM/ipv4.json and FROM/ipv6.json (https://data.iana.org/rdap/ by default in
 * the CLI), checks both, then replaces the copies in 'dir' (NULL: the default). The IPv4
 * file's publication date is copied to 'publication'. */
int tw_abuse_update_bootstrap(const char *from, const char *dir, int timeout_ms, char *publication,
			      size_t pcap, struct tw_errctx *ec);

struct tw_abuse_ctx;
int tw_abuse_open(struct tw_abuse_ctx **ctx, const struct tw_abuse_opts *o, struct tw_errctx *ec);
/* Looks up one address; answers are reused for every later address inside a range a
 * registry returned. Never fails as a whole: the result says what happened. */
void tw_abuse_lookup(struct tw_abuse_ctx *ctx, const struct tw_addr *a, struct tw_abuse_result *r);
void tw_abuse_close(struct tw_abuse_ctx *ctx);

#endif

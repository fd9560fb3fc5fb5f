/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `tracewall db import|info`: the offline network index (enrich/netdb.h), and `tracewall
 * trace`: what the index says about addresses, and how it knows. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/lookup.h"
#include "core/esc.h"
#include "core/special.h"
#include "core/time.h"
#include "enrich/netdb.h"
#include "enrich/rdns.h"
#include "output/out-abuse.h"
#include "output/output.h"

static void err_msg(const struct tw_errctx *ec)
{
	fputs("tracewall: ", stderr);
	tw_cli_puts_safe(stderr, ec->msg);
	fputc('\n', stderr);
}

static int db_path(const char *given, char *out, size_t n)
{
	if (given) {
		snprintf(out, n, "%s", given);
		return 0;
	}
	if (tw_netdb_default_path(out, n) != TW_OK) {
		fputs("tracewall: no index path: set --netdb, XDG_DATA_HOME or HOME\n", stderr);
		return -1;
	}
	return 0;
}

static void db_usage(FILE *f)
{
	fputs("usage: tracewall db import [--netdb PATH] [--format NAME] FILE...\n"
	      "       tracewall db info [--netdb PATH]\n"
	      "       tracewall db import --list-formats\n"
	      "       tracewall db update-bootstrap [--from URL] [--dir DIR]\n"
	      "\n"
	      "import builds the offline network index from the data files given (it replaces\n"
	      "the index at PATH): AS numbers and organisations, countries and allocation\n"
	      "status; overlapping ranges resolve to the most specific. Default PATH:\n"
	      "$XDG_DATA_HOME/tracewall/netdb.idx. Files may be gzip-compressed.\n"
	      "info says what the index holds, from which files, and how old they are.\n"
	      "update-bootstrap fetches IANA's RDAP bootstrap files (ipv4.json, ipv6.json;\n"
	      "default URL https://data.iana.org/rdap/) that tell which registry answers for an\n"
	      "address, checks them, and replaces the copies in DIR (default\n"
	      "$XDG_DATA_HOME/tracewall/rdap) that `trace --abuse` and `analyze --abuse` use.\n",
	      f);
}

static int db_import(int argc, char **argv, const char *db, const struct tw_nd_format *fmt)
{
	struct tw_nd_builder b;
	struct tw_errctx ec;
	char path[4096];
	int rc = TW_EXIT_OK;

	if (db_path(db, path, sizeof(path)))
		return TW_EXIT_USAGE;
	if (argc < 1) {
		db_usage(stderr);
		return TW_EXIT_USAGE;
	}
	tw_nd_builder_init(&b);
	for (int i = 0; i < argc; i++) {
		memset(&ec, 0, sizeof(ec));
		size_t before = b.n;
		if (tw_nd_import(&b, argv[i], fmt, &ec) != TW_OK) {
			err_msg(&ec);
			rc = ec.code == TW_E_IO ? TW_EXIT_INPUT : TW_EXIT_USAGE;
			goto out; /* the index in place stays as it was */
		}
		printf("%s: %zu ranges (%s)\n", argv[i], b.n - before,
		       b.nsrc ? b.str + b.src[b.nsrc - 1].kind : "?");
	}
	memset(&ec, 0, sizeof(ec));
	if (tw_nd_write(&b, path, &ec) != TW_OK) {
		err_msg(&ec);
		rc = TW_EXIT_INPUT;
		goto out;
	}
	struct tw_netdb nd;
	if (tw_netdb_open(&nd, path, &ec) == TW_OK) {
		struct tw_nd_info in;
		tw_netdb_info(&nd, &in);
		printf("wrote %s: AS ranges %llu IPv4 + %llu IPv6, country ranges %llu IPv4 + "
		       "%llu IPv6\n",
		       path, (unsigned long long)in.n_asn4, (unsigned long long)in.n_asn6,
		       (unsigned long long)in.n_cc4, (unsigned long long)in.n_cc6);
		tw_netdb_close(&nd);
	}
out:
	tw_nd_builder_fini(&b);
	return rc;
}

static void age(char *out, size_t n, int64_t t)
{
	int64_t d = (int64_t)time(NULL) - t;
	if (d < 0)
		d = 0;
	if (d < 2 * 86400)
		snprintf(out, n, "%lld h old", (long long)(d / 3600));
	else
		snprintf(out, n, "%lld days old", (long long)(d / 86400));
}

static int db_info(const char *db)
{
	struct tw_netdb nd;
	struct tw_errctx ec;
	char path[4096], when[TW_TIME_STRLEN], a[32];

	if (db_path(db, path, sizeof(path)))
		return TW_EXIT_USAGE;
	memset(&ec, 0, sizeof(ec));
	int r = tw_netdb_open(&nd, path, &ec);
	if (r == TW_E_NOTFOUND) {
		printf("%s: no index yet (build one with `tracewall db import FILE...`)\n", path);
		return TW_EXIT_OK;
	}
	if (r) {
		err_msg(&ec);
		return TW_EXIT_INPUT;
	}
	struct tw_nd_info in;
	tw_netdb_info(&nd, &in);
	tw_time_format(in.created * 1000000000ll, false, when);
	age(a, sizeof(a), in.created);
	printf("%s (%zu bytes), built %s (%s)\n", path, nd.size, when, a);
	printf("  AS ranges:      %llu IPv4, %llu IPv6\n", (unsigned long long)in.n_asn4,
	       (unsigned long long)in.n_asn6);
	printf("  country ranges: %llu IPv4, %llu IPv6\n", (unsigned long long)in.n_cc4,
	       (unsigned long long)in.n_cc6);
	printf("  from %u file%s:\n", in.nsrc, in.nsrc == 1 ? "" : "s");
	for (unsigned i = 0; i < in.nsrc; i++) {
		const char *name, *kind;
		uint64_t rows;
		int64_t mtime;
		tw_netdb_source(&nd, i, &name, &kind, &rows, &mtime);
		tw_time_format(mtime * 1000000000ll, false, when);
		age(a, sizeof(a), mtime);
		printf("    ");
		tw_cli_puts_safe(stdout, name);
		printf("  %s, %llu ranges, data of %s (%s)\n", kind, (unsigned long long)rows, when,
		       a);
	}
	tw_netdb_close(&nd);
	return TW_EXIT_OK;
}

int tw_cmd_db(int argc, char **argv)
{
	static const struct option lopts[] = {{"netdb", required_argument, NULL, 'd'},
					      {"format", required_argument, NULL, 'f'},
					      {"list-formats", no_argument, NULL, 'l'},
					      {"from", required_argument, NULL, 'F'},
					      {"dir", required_argument, NULL, 'D'},
					      {"help", no_argument, NULL, 'h'},
					      {NULL, 0, NULL, 0}};
	const char *db = NULL, *from = "https://data.iana.org/rdap/", *dir = NULL;
	const struct tw_nd_format *fmt = NULL;
	int c;

	if (argc < 2) {
		db_usage(stderr);
		return TW_EXIT_USAGE;
	}
	const char *sub = argv[1];
	if (!strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		db_usage(stdout);
		return TW_EXIT_OK;
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'F': from = optarg; break;
		case 'D': dir = optarg; break;
		case 'f':
			fmt = tw_nd_find(optarg);
			if (!fmt) {
				fputs("tracewall: db: unknown format '", stderr);
				tw_cli_puts_safe(stderr, optarg);
				fputs("' (see --list-formats)\n", stderr);
				return TW_EXIT_USAGE;
			}
			break;
		case 'l':
			for (size_t i = 0; tw_nd_formats[i]; i++)
				printf("%-15s %s\n", tw_nd_formats[i]->name,
				       tw_nd_formats[i]->summary);
			return TW_EXIT_OK;
		case 'h': db_usage(stdout); return TW_EXIT_OK;
		default: db_usage(stderr); return TW_EXIT_USAGE;
		}
	}
	int rest = argc - 1 - optind;
	char **files = argv + 1 + optind;
	if (!strcmp(sub, "import"))
		return db_import(rest, files, db, fmt);
	if (!strcmp(sub, "info") && rest == 0)
		return db_info(db);
	if (!strcmp(sub, "update-bootstrap") && rest == 0) {
		struct tw_errctx ec;
		char pub[32] = "";
		memset(&ec, 0, sizeof(ec));
		if (tw_abuse_update_bootstrap(from, dir, 0, pub, sizeof(pub), &ec) != TW_OK) {
			err_msg(&ec);
			return TW_EXIT_NETWORK;
		}
		fputs("RDAP bootstrap updated (published ", stdout);
		tw_cli_puts_safe(stdout, pub[0] ? pub : "?");
		fputs(")\n", stdout);
		return TW_EXIT_OK;
	}
	db_usage(stderr);
	return TW_EXIT_USAGE;
}

/* ---- trace ----------------------------------------------------------------------------- */

static void trace_usage(FILE *f)
{
	fputs("usage: tracewall trace [--netdb PATH] [--json] [--config FILE] [--timeout MS]\n"
	      "                       [--rdns [--dns-server HOST[:PORT],...]]\n"
	      "                       [--abuse [--bootstrap DIR] [--whois-connect "
	      "NAME=HOST:PORT,...]\n"
	      "                                [--no-rdap] [--no-whois] [--abusix]]\n"
	      "                       [--db PATH | --no-cache] ADDRESS...\n"
	      "\n"
	      "For each address: its network, AS and organisation, country and allocation\n"
	      "status from the offline index (`tracewall db import`), whether it is a\n"
	      "special-purpose address, and for each answer the data file and line it came\n"
	      "from. Nothing is sent over the network unless --rdns: then the PTR name of each\n"
	      "address is asked of the DNS (the system's servers or --dns-server), all at once,\n"
	      "and confirmed forward (its A/AAAA must lead back to the address).\n"
	      "With --abuse, the abuse contact: RDAP at the registry the IANA bootstrap names\n"
	      "(`tracewall db update-bootstrap`; --bootstrap DIR for other files), then whois\n"
	      "on port 43 following referrals, then with --abusix the Abusix DNS zone; every\n"
	      "step is shown. --whois-connect sends the queries for a whois server name to\n"
	      "another host and port. Answers are kept in the store (--db, default\n"
	      "$XDG_DATA_HOME/tracewall/tracewall.db); --no-cache asks anew.\n",
	      f);
}

/* trace's options into 'lk' (the look-ups), 'db' (the index) and 'json'. -1 to go on, else
 * the exit status. */
static int trace_args(int argc, char **argv, struct tw_cli_lookup *lk, const char **db, bool *json)
{
	static const struct option lopts[] = {{"netdb", required_argument, NULL, 'd'},
					      {"json", no_argument, NULL, 'j'},
					      {"rdns", no_argument, NULL, 'r'},
					      {"dns-server", required_argument, NULL, 's'},
					      {"timeout", required_argument, NULL, 't'},
					      {"abuse", no_argument, NULL, 'a'},
					      {"bootstrap", required_argument, NULL, 'B'},
					      {"whois-connect", required_argument, NULL, 'W'},
					      {"no-rdap", no_argument, NULL, 'R'},
					      {"no-whois", no_argument, NULL, 'w'},
					      {"db", required_argument, NULL, 'S'},
					      {"no-cache", no_argument, NULL, 'N'},
					      {"abusix", no_argument, NULL, 'X'},
					      {"config", required_argument, NULL, 'C'},
					      {"help", no_argument, NULL, 'h'},
					      {NULL, 0, NULL, 0}};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'd': *db = optarg; break;
		case 'j': *json = true; break;
		case 'r': lk->rdns = true; break;
		case 's': lk->rdns_opts.servers = optarg; break;
		case 'a': lk->abuse = true; break;
		case 'B': lk->abuse_opts.bootstrap_dir = optarg; break;
		case 'W': lk->abuse_opts.whois_connect = optarg; break;
		case 'R': lk->abuse_opts.rdap = false; break;
		case 'w': lk->abuse_opts.whois = false; break;
		case 'S': lk->db = optarg; break;
		case 'N': lk->no_cache = true; break;
		case 'X': lk->abuse_opts.abusix = true; break;
		case 'C': break; /* read before the other options */
		case 't': {
			char *end;
			long ms = strtol(optarg, &end, 10);
			if (*end || ms < 1 || ms > 60000) {
				fputs("tracewall: --timeout: milliseconds, 1 to 60000\n", stderr);
				return TW_EXIT_USAGE;
			}
			lk->rdns_opts.timeout_ms = (int)ms;
			lk->abuse_opts.timeout_ms = (int)ms;
			break;
		}
		case 'h': trace_usage(stdout); return TW_EXIT_OK;
		default: trace_usage(stderr); return TW_EXIT_USAGE;
		}
	}
	return -1;
}

int tw_cmd_trace(int argc, char **argv)
{
	const char *db = NULL;
	bool json = false;
	static struct tw_conf conf;
	struct tw_cli_lookup lk;
	if (tw_cli_load_config(argc, argv, &conf))
		return TW_EXIT_USAGE;
	tw_cli_lookup_defaults(&conf, &lk);
	/* In trace, only the options ask the network ([enrich] applies to analyze). */
	lk.rdns = lk.abuse = false;
	int rc = TW_EXIT_OK;
	char path[4096];
	struct tw_netdb nd;
	struct tw_errctx ec;
	bool have = false;
	int pr = trace_args(argc, argv, &lk, &db, &json);
	if (pr >= 0)
		return pr;
	if (optind >= argc) {
		trace_usage(stderr);
		return TW_EXIT_USAGE;
	}
	if (db_path(db, path, sizeof(path)))
		return TW_EXIT_USAGE;
	memset(&ec, 0, sizeof(ec));
	int r = tw_netdb_open(&nd, path, &ec);
	if (r == TW_OK)
		have = true;
	else if (r != TW_E_NOTFOUND || db) {
		err_msg(&ec);
		return TW_EXIT_INPUT;
	} else {
		fprintf(stderr,
			"tracewall: no network index at %s: only special-purpose ranges "
			"are known (build one with `tracewall db import`)\n",
			path);
	}
	/* Every address first, so that the reverse lookups run together. */
	size_t na = (size_t)(argc - optind), k = 0;
	struct tw_addr *addrs = calloc(na, sizeof(*addrs));
	struct tw_rdns_result *rr = calloc(na, sizeof(*rr));
	if (!addrs || !rr) {
		fputs("tracewall: out of memory\n", stderr);
		free(addrs);
		free(rr);
		return TW_EXIT_INPUT;
	}
	for (int i = optind; i < argc; i++) {
		if (tw_addr_parse(argv[i], strlen(argv[i]), &addrs[k]) != TW_OK) {
			fputs("tracewall: trace: not an address: '", stderr);
			tw_cli_puts_safe(stderr, argv[i]);
			fputs("'\n", stderr);
			rc = TW_EXIT_USAGE;
			continue;
		}
		rr[k].status = TW_RDNS_NOTASKED;
		k++;
	}
	bool rdns = lk.rdns, abuse = lk.abuse;
	if (k)
		tw_cli_lookup_start(&lk);
	if (rdns && k) {
		memset(&ec, 0, sizeof(ec));
		if (tw_rdns_lookup_cached(addrs, k, rr, &lk.rdns_opts, lk.store, lk.rdns_ttl_found,
					  lk.rdns_ttl_none, &ec) != TW_OK) {
			err_msg(&ec);
			rc = ec.code == TW_E_INVALID ? TW_EXIT_USAGE : TW_EXIT_NETWORK;
			for (size_t i = 0; i < k; i++)
				rr[i].status = TW_RDNS_ERROR;
		}
	}
	struct tw_abuse_ctx *actx = NULL;
	if (abuse && k) {
		memset(&ec, 0, sizeof(ec));
		if (tw_abuse_open(&actx, &lk.abuse_opts, &ec) != TW_OK) {
			err_msg(&ec);
			rc = TW_EXIT_USAGE;
			abuse = false;
		}
	}
	struct tw_buf out;
	tw_buf_init(&out);
	for (size_t i = 0; i < k; i++) {
		struct tw_addr a = addrs[i];
		struct tw_abuse_result ar;
		const struct tw_rdns_result *res = &rr[i];
		char as[TW_ADDR_STRLEN];
		tw_addr_format(&a, as);
		struct tw_nd_answer ans;
		bool found = have && tw_netdb_lookup(&nd, &a, &ans);
		if (!found)
			memset(&ans, 0, sizeof(ans));
		/* The stop rules before any query (abuse-reporting.md §2.1): special-purpose
		 * space (in the search itself), unallocated space, the user's own networks. */
		if (abuse && ans.has_cc &&
		    (ans.status == TW_ND_STATUS_AVAILABLE || ans.status == TW_ND_STATUS_RESERVED)) {
			memset(&ar, 0, sizeof(ar));
			snprintf(ar.stop, sizeof(ar.stop),
				 "unallocated space (a bogon, per the index): never reported");
		} else if (abuse && tw_conf_is_own(&conf, &a)) {
			memset(&ar, 0, sizeof(ar));
			snprintf(ar.stop, sizeof(ar.stop),
				 "one of your own networks: never reported");
		} else if (abuse) {
			tw_abuse_lookup(actx, &a, &ar);
		}
		const struct tw_special *sp = tw_special_lookup(&a);
		struct tw_trace t = {&a, as, have, &ans, sp, res, abuse ? &ar : NULL};
		(json ? tw_out_trace_json : tw_out_trace_text)(&out, &t);
		if (tw_buf_flush(&out, stdout))
			rc = TW_EXIT_INPUT;
	}
	tw_buf_fini(&out);
	tw_abuse_close(actx);
	tw_cli_lookup_end(&lk);
	if (have)
		tw_netdb_close(&nd);
	free(addrs);
	free(rr);
	return rc;
}

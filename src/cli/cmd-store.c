/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `tracewall ingest FILE…` (what is new in each file, into the store), `tracewall
 * incidents` and `tracewall sources` (the store read back with filters). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "classify/classify.h"
#include "core/conf.h"
#include "cli/cli.h"
#include "cli/lookup.h"
#include "core/esc.h"
#include "core/time.h"
#include "output/output.h"
#include "store/ingest.h"
#include "store/query.h"

/* 'ro': to read it (queries): an existing store, opened read-only. */
static int open_store(const char *db, struct tw_store **st, bool ro)
{
	char path[4096];
	struct tw_errctx ec;
	if (db)
		snprintf(path, sizeof(path), "%s", db);
	else if (tw_store_default_path(path, sizeof(path)) != TW_OK) {
		fputs("tracewall: no store path: set --db, XDG_DATA_HOME or HOME\n", stderr);
		return TW_EXIT_USAGE;
	}
	memset(&ec, 0, sizeof(ec));
	if ((ro ? tw_store_open_ro(st, path, &ec) : tw_store_open(st, path, &ec)) != TW_OK) {
		fputs("tracewall: ", stderr);
		tw_cli_puts_safe(stderr, ec.msg);
		fputc('\n', stderr);
		return TW_EXIT_STORE;
	}
	return TW_EXIT_OK;
}

static void ingest_usage(FILE *f)
{
	fputs("usage: tracewall ingest [--db PATH] [--config FILE] [--format NAME] [--year YYYY]\n"
	      "                        [--tz ZONE] [--keep-events] [--max-bytes N] FILE...\n"
	      "\n"
	      "Adds what is new in each log file to the store (default\n"
	      "$XDG_DATA_HOME/tracewall/tracewall.db): its incidents with their evidence lines.\n"
	      "A file is known by its first bytes, so a rotated file (renamed, copied and\n"
	      "truncated, or compressed) continues where it was left; running it again adds\n"
	      "nothing twice, and a crash loses nothing. Then `tracewall incidents` and\n"
	      "`tracewall sources` read the store. --keep-events stores every event as well\n"
	      "(time, addresses, protocol, ports, class; table events). --max-bytes N reads\n"
	      "at most N bytes of each plain file this run, to a line start (\"more left\"):\n"
	      "a long backlog in steps. --tz ZONE: the time zone of stamps without an offset\n"
	      "(pfirewall.log and other local-time logs; default: the system's).\n",
	      f);
}

int tw_cmd_ingest(int argc, char **argv)
{
	static const struct option lopts[] = {{"db", required_argument, NULL, 'd'},
					      {"format", required_argument, NULL, 'f'},
					      {"year", required_argument, NULL, 'y'},
					      {"config", required_argument, NULL, 'C'},
					      {"chunk-lines", required_argument, NULL, 'c'},
					      {"keep-events", no_argument, NULL, 'k'},
					      {"max-bytes", required_argument, NULL, 'm'},
					      {"tz", required_argument, NULL, 'z'},
					      {"help", no_argument, NULL, 'h'},
					      {NULL, 0, NULL, 0}};
	static struct tw_conf conf;
	struct tw_ingest_opts io = {0};
	const char *db = NULL;
	long long v;
	int c, rc = TW_EXIT_OK;

	if (tw_cli_load_config(argc, argv, &conf))
		return TW_EXIT_USAGE;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'f':
			io.format = tw_input_find(optarg);
			if (!io.format) {
				fputs("tracewall: ingest: unknown format (see analyze "
				      "--list-formats)\n",
				      stderr);
				return TW_EXIT_USAGE;
			}
			break;
		case 'y':
			if (tw_cli_num_opt("--year", optarg, 1970, TW_TIME_MAX_YEAR, &v))
				return TW_EXIT_USAGE;
			io.year = (int)v;
			break;
		case 'C': break;
		case 'c':
			if (tw_cli_num_opt("--chunk-lines", optarg, 1, 1000000000, &v))
				return TW_EXIT_USAGE;
			io.chunk_lines = (uint64_t)v;
			break;
		case 'k': io.keep_events = true; break;
		case 'z':
			if (!tw_cli_valid_zone(optarg)) {
				fputs("tracewall: ingest: --tz: unknown time zone\n", stderr);
				return TW_EXIT_USAGE;
			}
			setenv("TZ", optarg, 1);
			tzset();
			break;
		case 'm':
			if (tw_cli_num_opt("--max-bytes", optarg, 1, 1ll << 50, &v))
				return TW_EXIT_USAGE;
			io.max_bytes = (uint64_t)v;
			break;
		case 'h': ingest_usage(stdout); return TW_EXIT_OK;
		default: ingest_usage(stderr); return TW_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		ingest_usage(stderr);
		return TW_EXIT_USAGE;
	}
	io.conf = &conf;
	io.evline = tw_out_evidence_line;
	struct tw_store *st = NULL;
	rc = open_store(db, &st, false);
	if (rc)
		return rc;
	for (int i = optind; i < argc; i++) {
		struct tw_ingest_result res;
		struct tw_errctx ec;
		memset(&ec, 0, sizeof(ec));
		int r = tw_store_ingest(st, argv[i], &io, &res, &ec);
		tw_cli_puts_safe(stdout, argv[i]);
		if (r) {
			fputs(": ", stdout);
			tw_cli_puts_safe(stdout, ec.msg);
			fputs(" (what was committed before stays)\n", stdout);
			fputs("tracewall: ", stderr);
			/* The file named once, whether the message names it or not. */
			size_t pl = strlen(argv[i]);
			if (strncmp(ec.msg, argv[i], pl) != 0 || ec.msg[pl] != ':') {
				tw_cli_puts_safe(stderr, argv[i]);
				fputs(": ", stderr);
			}
			tw_cli_puts_safe(stderr, ec.msg);
			fputc('\n', stderr);
			rc = r == TW_E_DB ? TW_EXIT_STORE : TW_EXIT_INPUT;
			continue;
		}
		char wait[96] = "";
		if (res.waiting)
			snprintf(wait, sizeof(wait), "; 1 line waiting for its end (%llu bytes)",
				 (unsigned long long)res.waiting);
		if (res.from == res.to && !res.lines)
			printf(": nothing new (%s, up to byte %llu)%s\n",
			       res.known     ? "known"
			       : res.waiting ? "new"
					     : "empty",
			       (unsigned long long)res.to, wait);
		else
			printf(": %s%s bytes %llu-%llu, %llu %s, %llu events: %llu new "
			       "incidents, %llu continued%s%s\n",
			       res.known ? "known, " : "new, ",
			       res.restarted ? "shorter than before: read anew," : "",
			       (unsigned long long)res.from, (unsigned long long)res.to,
			       (unsigned long long)res.lines, res.capture ? "frames" : "lines",
			       (unsigned long long)res.events,
			       (unsigned long long)res.incidents_new,
			       (unsigned long long)res.incidents_merged,
			       res.more ? "; more left" : "", wait);
	}
	tw_store_close(st);
	return rc;
}

/* ---- incidents and sources ------------------------------------------------------------ */

struct query_opts {
	const char *db;
	bool json;
	struct tw_store_filter f;
	struct tw_buf out;
	unsigned n;
};

static void query_usage(FILE *f, const char *what)
{
	fprintf(f,
		"usage: tracewall %s [--db PATH] [--json] [--since T] [--until T] [--class NAME]\n"
		"                 [--src ADDRESS] [--reportable] [--limit N]\n"
		"\n"
		"%s\n",
		what,
		!strcmp(what, "incidents")
		    ? "The incidents in the store (one source, one class, one window), oldest "
		      "first,\nwith their evidence lines in --json."
		    : "The sources of the incidents in the store, busiest first.");
}

/* A class --class may name: one of DESIGN.md's, portscan or sweep (the source's verdict),
 * or a signature file's worm:NAME / scanner:NAME. Else an error that lists them. */
static bool known_class(const char *name)
{
	if (!strcmp(name, "portscan") || !strcmp(name, "sweep") ||
	    (!strncmp(name, "worm:", 5) && name[5]) || (!strncmp(name, "scanner:", 8) && name[8]))
		return true;
	for (int c = 0; c < TW_CLS_N; c++)
		if (!strcmp(name, tw_class_name(c)))
			return true;
	fputs("tracewall: --class: unknown class \"", stderr);
	tw_cli_puts_safe(stderr, name);
	fputs("\"; the classes are:", stderr);
	for (int c = 0; c < TW_CLS_N; c++)
		fprintf(stderr, " %s", tw_class_name(c));
	fputs(" portscan sweep worm:NAME scanner:NAME\n", stderr);
	return false;
}

static int parse_query(int argc, char **argv, struct query_opts *q, const char *what)
{
	static const struct option lopts[] = {
	    {"db", required_argument, NULL, 'd'},    {"json", no_argument, NULL, 'j'},
	    {"since", required_argument, NULL, 's'}, {"until", required_argument, NULL, 'u'},
	    {"class", required_argument, NULL, 'c'}, {"src", required_argument, NULL, 'a'},
	    {"reportable", no_argument, NULL, 'r'},  {"limit", required_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},	     {NULL, 0, NULL, 0}};
	int c;
	memset(q, 0, sizeof(*q));
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'd': q->db = optarg; break;
		case 'j': q->json = true; break;
		case 's':
		case 'u': {
			int64_t t;
			if (tw_time_parse_user(optarg, &t) != TW_OK) {
				fprintf(stderr,
					"tracewall: --%s: not a time (RFC 3339 or "
					"YYYY-MM-DD[ HH:MM[:SS]])\n",
					c == 's' ? "since" : "until");
				return TW_EXIT_USAGE;
			}
			if (c == 's') {
				q->f.has_since = true;
				q->f.since = t;
			} else {
				q->f.has_until = true;
				q->f.until = t;
			}
			break;
		}
		case 'c':
			if (!known_class(optarg))
				return TW_EXIT_USAGE;
			q->f.cls = optarg;
			break;
		case 'a':
			if (tw_addr_parse(optarg, strlen(optarg), &q->f.src) != TW_OK) {
				fputs("tracewall: --src: not an address\n", stderr);
				return TW_EXIT_USAGE;
			}
			q->f.has_src = true;
			break;
		case 'r': q->f.reportable = true; break;
		case 'l': {
			long long v;
			if (tw_cli_num_opt("--limit", optarg, 0, 1000000000, &v))
				return TW_EXIT_USAGE;
			q->f.limit = (long)v;
			break;
		}
		case 'h': query_usage(stdout, what); return -1;
		default: query_usage(stderr, what); return TW_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		query_usage(stderr, what);
		return TW_EXIT_USAGE;
	}
	return TW_EXIT_OK;
}

static void jstr(struct tw_buf *b, const char *s)
{
	tw_buf_addc(b, '"');
	tw_esc_json(b, s, strlen(s));
	tw_buf_addc(b, '"');
}

static int print_incident(void *ctx, const struct tw_store_incident *in,
			  const struct tw_store_evidence *ev, unsigned nev)
{
	struct query_opts *q = ctx;
	struct tw_buf *b = &q->out;
	char a[TW_ADDR_STRLEN], f[TW_TIME_STRLEN] = "-", l[TW_TIME_STRLEN] = "-";
	tw_addr_format(&in->src, a);
	if (in->has_time) {
		tw_time_format(in->first, false, f);
		tw_time_format(in->last, false, l);
	}
	if (q->json) {
		tw_buf_printf(b, "{\"id\":%lld,\"src\":\"%s\",\"class\":", (long long)in->id, a);
		jstr(b, in->cls);
		if (in->has_time)
			tw_buf_printf(b, ",\"first\":\"%s\",\"last\":\"%s\"", f, l);
		tw_buf_printf(b, ",\"packets\":%llu,\"dsts\":%llu,\"ports\":%llu",
			      (unsigned long long)in->packets, (unsigned long long)in->dsts,
			      (unsigned long long)in->ports);
		if (in->estimated)
			tw_buf_printf(b, ",\"estimated\":{\"dsts\":%s,\"ports\":%s}",
				      in->estimated & 1 ? "true" : "false",
				      in->estimated & 2 ? "true" : "false");
		if (in->has_ports)
			tw_buf_printf(b, ",\"port_range\":[%u,%u]", in->port_lo, in->port_hi);
		tw_buf_printf(b, ",\"danger\":%d,\"confidence\":%.1f,\"reportable\":%s,\"why\":",
			      in->danger, in->confidence, in->reportable ? "true" : "false");
		jstr(b, in->why);
		if (in->scan[0]) {
			tw_buf_adds(b, ",\"scan\":");
			jstr(b, in->scan);
		}
		tw_buf_adds(b, ",\"evidence\":[");
		for (unsigned i = 0; i < nev; i++) {
			tw_buf_adds(b, i ? ",{\"file\":" : "{\"file\":");
			jstr(b, ev[i].file);
			tw_buf_printf(b,
				      ",\"line\":%llu,\"text\":", (unsigned long long)ev[i].line);
			jstr(b, ev[i].text);
			tw_buf_addc(b, '}');
		}
		tw_buf_adds(b, "]}\n");
	} else {
		if (!q->n)
			tw_buf_printf(b, "%-39s %-20s %-20s %-20s %9s %6s %6s %2s %4s  %s\n",
				      "SOURCE", "CLASS", "FIRST (UTC)", "LAST (UTC)", "PACKETS",
				      "DSTS", "PORTS", "DL", "CONF", "VERDICT");
		tw_buf_printf(b, "%-39s ", a);
		/* The class as stored (escaped: a store file can be edited), padded. */
		size_t before = b->len;
		tw_esc_term(b, in->cls, strlen(in->cls) < 40 ? strlen(in->cls) : 40);
		for (size_t w = b->len - before; w < 20; w++)
			tw_buf_addc(b, ' ');
		/* "~": an estimate (beyond the exact bound of an incident's counters). */
		char dn[24], pn[24];
		snprintf(dn, sizeof(dn), "%s%llu", in->estimated & 1 ? "~" : "",
			 (unsigned long long)in->dsts);
		snprintf(pn, sizeof(pn), "%s%llu", in->estimated & 2 ? "~" : "",
			 (unsigned long long)in->ports);
		tw_buf_printf(b, " %-20s %-20s %9llu %6s %6s %2d %4.1f  ", f, l,
			      (unsigned long long)in->packets, dn, pn, in->danger, in->confidence);
		if (in->reportable) {
			tw_buf_adds(b, "reportable");
		} else {
			tw_buf_adds(b, "not reportable: ");
			tw_esc_term(b, in->why, strlen(in->why));
		}
		tw_buf_addc(b, '\n');
	}
	q->n++;
	return tw_buf_flush(b, stdout) ? 1 : 0;
}

static int print_source(void *ctx, const struct tw_store_source *s)
{
	struct query_opts *q = ctx;
	struct tw_buf *b = &q->out;
	char a[TW_ADDR_STRLEN], f[TW_TIME_STRLEN] = "-", l[TW_TIME_STRLEN] = "-";
	tw_addr_format(&s->src, a);
	if (s->has_time) {
		tw_time_format(s->first, false, f);
		tw_time_format(s->last, false, l);
	}
	if (q->json) {
		tw_buf_printf(b, "{\"src\":\"%s\"", a);
		if (s->has_time)
			tw_buf_printf(b, ",\"first\":\"%s\",\"last\":\"%s\"", f, l);
		tw_buf_printf(b,
			      ",\"packets\":%llu,\"incidents\":%llu,\"danger\":%d,"
			      "\"confidence\":%.1f,\"reportable\":%s,\"classes\":[",
			      (unsigned long long)s->packets, (unsigned long long)s->incidents,
			      s->danger, s->confidence, s->reportable ? "true" : "false");
		const char *p = s->classes;
		bool first = true;
		while (*p) {
			size_t n = strcspn(p, ",");
			if (!first)
				tw_buf_addc(b, ',');
			tw_buf_addc(b, '"');
			tw_esc_json(b, p, n);
			tw_buf_addc(b, '"');
			first = false;
			p += n + (p[n] == ',');
		}
		tw_buf_addc(b, ']');
		if (s->scan[0]) {
			tw_buf_adds(b, ",\"scan\":");
			jstr(b, s->scan);
		}
		tw_buf_adds(b, "}\n");
	} else {
		if (!q->n)
			tw_buf_printf(b, "%-39s %-20s %-20s %9s %9s %2s %4s  %s\n", "SOURCE",
				      "FIRST (UTC)", "LAST (UTC)", "PACKETS", "INCIDENTS", "DL",
				      "CONF", "CLASSES");
		tw_buf_printf(b, "%-39s %-20s %-20s %9llu %9llu %2d %4.1f  ", a, f, l,
			      (unsigned long long)s->packets, (unsigned long long)s->incidents,
			      s->danger, s->confidence);
		/* What analyze calls the source first: its scan or sweep. */
		if (strstr(s->scan, " scan of "))
			tw_buf_adds(b, "portscan,");
		else if (strstr(s->scan, " sweep of "))
			tw_buf_adds(b, "sweep,");
		tw_esc_term(b, s->classes, strlen(s->classes));
		tw_buf_adds(b, s->reportable ? "  (reportable)" : "");
		if (s->scan[0]) {
			tw_buf_adds(b, ": ");
			tw_esc_term(b, s->scan, strlen(s->scan));
		}
		tw_buf_addc(b, '\n');
	}
	q->n++;
	return tw_buf_flush(b, stdout) ? 1 : 0;
}

static int run_query(int argc, char **argv, const char *what)
{
	struct query_opts q;
	int rc = parse_query(argc, argv, &q, what);
	if (rc)
		return rc < 0 ? TW_EXIT_OK : rc;
	struct tw_store *st = NULL;
	rc = open_store(q.db, &st, true);
	if (rc)
		return rc;
	struct tw_errctx ec;
	memset(&ec, 0, sizeof(ec));
	tw_buf_init(&q.out);
	int r = !strcmp(what, "incidents") ? tw_store_incidents(st, &q.f, print_incident, &q, &ec)
					   : tw_store_sources(st, &q.f, print_source, &q, &ec);
	tw_buf_flush(&q.out, stdout);
	tw_buf_fini(&q.out);
	tw_store_close(st);
	if (r) {
		fputs("tracewall: ", stderr);
		tw_cli_puts_safe(stderr, ec.msg);
		fputc('\n', stderr);
		return TW_EXIT_STORE;
	}
	if (!q.n && !q.json)
		printf("no %s in the store%s\n", what,
		       q.f.has_since || q.f.has_until || q.f.cls || q.f.has_src || q.f.reportable
			   ? " that match"
			   : " (tracewall ingest FILE... adds them)");
	return TW_EXIT_OK;
}

int tw_cmd_incidents(int argc, char **argv)
{
	return run_query(argc, argv, "incidents");
}

int tw_cmd_sources(int argc, char **argv)
{
	return run_query(argc, argv, "sources");
}

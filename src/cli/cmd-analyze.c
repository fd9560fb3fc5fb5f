/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tracewall analyze [FILE…|-]: per source, what probed us. Each file goes through the
 * pipeline (pipeline/pipeline.h) into one aggregate; this file holds the options, the sink
 * (events written, --explain noted, --verbose skips, progress) and the outputs. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "classify/agg.h"
#include "classify/classify.h"
#include "classify/sigs.h"
#include "cli/cli.h"
#include "cli/lookup.h"
#include "core/codepage.h"
#include "core/conf.h"
#include "core/esc.h"
#include "core/lines.h"
#include "core/time.h"
#include "enrich/abuse.h"
#include "enrich/enrich.h"
#include "enrich/rdns.h"
#include "input/input.h"
#include "output/out-abuse.h"
#include "output/output.h"
#include "pipeline/pipeline.h"

struct opts {
	bool json, events, verbose, has_since, has_until;
	/* --output NAME (--json, --dshield): the row of the output table that writes the
	 * summary, or the events (--events, or an output without a summary: DShield). */
	const struct tw_output *out;
	int64_t since, until;
	long top; /* sources shown; -1 = default */
	unsigned top_ports;
	const struct tw_input_format *format;
	int year;
	unsigned threads;
	bool explain; /* --explain ADDRESS: x.addr */
	/* --rdns, --abuse (and [enrich] of the configuration): network look-ups for the
	 * sources shown, cached in the store. */
	struct tw_cli_lookup lk;
	const struct tw_conf *conf;
	struct tw_explain x;
	/* --fail-on LEVEL: exit 1 when a source reaches it (0: never). */
	int fail_on;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tracewall analyze [OPTIONS] [FILE...|-]\n"
		"Summarise firewall logs per source: first/last seen (UTC), packets, distinct\n"
		"destinations and ports, top ports, protocols and probe classes. Reads plain or\n"
		"gzip files, packet captures (pcap, pcapng) and standard input ('-' or no\n"
		"FILE), any mix.\n\n"
		"  --json            one JSON object per source (JSON Lines)\n"
		"  --events          one JSON object per event instead of the summary\n"
		"  --output NAME     the output: text (default), json, dshield; --list-outputs\n"
		"  --dshield         the events as a DShield submission (FORMAT DSHIELD, user 0,\n"
		"                    UTC; every source: DShield wants them all)\n"
		"  --top N           show the N busiest sources (text default 20; 0 = all)\n"
		"  --top-ports N     ports listed per source (default 5, at most 8)\n"
		"  --since TIME      ignore events before TIME (RFC 3339 or YYYY-MM-DD[ "
		"HH:MM[:SS]], UTC)\n"
		"  --until TIME      ignore events at or after TIME\n"
		"  --format NAME     parse every line as NAME instead of detecting per line\n"
		"  --list-formats    list the formats and exit\n"
		"  --year YYYY       year of year-less syslog stamps (default: from file mtime)\n"
		"  --tz ZONE         time zone of stamps without offset (default: system zone)\n"
		"  --threads N       worker threads for large files (default: CPUs, at most 16)\n"
		"  --codepage CP     code page of Messenger texts in captures (default CP1252)\n"
		"  --signatures FILE the per-event rules (default: the compiled-in\n"
		"                    data/signatures.rules)\n"
		"  --own CIDR,...    your own networks: their sources are never reportable\n"
		"  --config FILE     the configuration (default /etc/tracewall/tracewall.conf\n"
		"                    when it exists, or $TRACEWALL_CONF)\n"
		"  --netdb FILE      the offline network index (default\n"
		"                    $XDG_DATA_HOME/tracewall/netdb.idx when it exists)\n"
		"  --rdns            reverse DNS of the sources shown (asks the DNS: the probing\n"
		"                    party may see it); --dns-server HOST[:PORT],... to choose\n"
		"  --abuse           the abuse contact of each reportable source shown (asks RDAP\n"
		"                    and whois: the probing party may see it); --bootstrap DIR,\n"
		"                    --whois-connect NAME=HOST:PORT,..., --abusix as for\n"
		"                    `tracewall trace`\n"
		"  --db PATH         the store that caches look-ups (default\n"
		"                    $XDG_DATA_HOME/tracewall/tracewall.db); --no-cache: ask anew\n"
		"  --explain ADDR    every rule, threshold and incident that decided about one\n"
		"                    source, with the evidence lines\n"
		"  --fail-on LEVEL   exit 1 when a source reaches LEVEL: a danger level 1-5 (the\n"
		"                    DL column), notable (worth a look) or reportable; for cron\n"
		"                    and CI\n"
		"  -v, --verbose     name file and line of every skipped line on stderr\n"
		"  -h, --help        this help\n");
}

static void list_outputs(void)
{
	for (size_t i = 0; tw_outputs[i]; i++)
		printf("%-14s %s\n", tw_outputs[i]->name, tw_outputs[i]->summary);
}

/* --output NAME through the output table: an output without a summary writes events;
 * --events with one without a per-event form writes them as JSON. */
static int choose_output(struct opts *o, const char *name)
{
	o->out = tw_output_find(name);
	if (!o->out) {
		fputs("tracewall: --output: unknown output '", stderr);
		tw_cli_puts_safe(stderr, name);
		fputs("' (see --list-outputs)\n", stderr);
		return -1;
	}
	if (!o->out->write_summary)
		o->events = true;
	if (o->events && !o->out->write_event)
		o->out = &tw_out_json;
	o->json = !o->events && o->out == &tw_out_json;
	return 0;
}

static void list_formats(void)
{
	for (size_t i = 0; tw_input_formats[i]; i++)
		printf("%-14s %s\n", tw_input_formats[i]->name, tw_input_formats[i]->summary);
}

/* --verbose: "FILE:LINE: skipped (reason): detail" ('unit' is "" for lines, "frame " for
 * captures). */
static void verbose_skip(const char *file, const char *unit, uint64_t where, enum tw_skip why,
			 const char *detail)
{
	fputs("tracewall: ", stderr);
	tw_cli_puts_safe(stderr, file);
	fprintf(stderr, ":%s%llu: skipped (%s)", unit, (unsigned long long)where,
		tw_skip_name(why));
	if (detail)
		fprintf(stderr, ": %s", detail);
	fputc('\n', stderr);
}

/* The sink: what analyze does with the pipeline's events and skips. */
struct run {
	struct opts *o;
	struct tw_source *src;
	struct tw_buf *ev_out; /* --events: written here instead of aggregated */
	struct tw_progress *prog;
	uint64_t prog_base; /* bytes of the files before this one */
	int err;
};

static int sink_event(void *ctx, const struct tw_event *ev, const struct tw_verdict *v,
		      const char *raw, size_t rawlen)
{
	struct run *r = ctx;
	(void)raw, (void)rawlen;
	if (r->o->explain && tw_addr_eq(&ev->src, &r->o->x.addr))
		tw_explain_note(&r->o->x, ev, v,
				r->src->capture			     ? 2
				: tw_lines_is_mapped(&r->src->lines) ? 0
								     : 1);
	if (!r->ev_out)
		return TW_OK;
	r->o->out->write_event(r->ev_out, ev, v, r->src->name);
	if (r->ev_out->len > 65536 && tw_cli_flush(r->ev_out))
		return TW_E_IO;
	return TW_OK;
}

static void sink_skip(void *ctx, const char *unit, uint64_t where, enum tw_skip why,
		      const char *detail)
{
	struct run *r = ctx;
	verbose_skip(r->src->name, unit, where, why, detail);
}

static void sink_progress(void *ctx, uint64_t bytes)
{
	struct run *r = ctx;
	tw_progress_update(r->prog, r->prog_base + bytes);
}

static void say_file(const char *file, const char *what)
{
	fputs("tracewall: ", stderr);
	tw_cli_puts_safe(stderr, file);
	fprintf(stderr, ": %s\n", what);
}

/* Reads every file through the pipeline into 'agg' (or, with --events, to 'out'). Returns
 * the exit status so far: 0, or TW_EXIT_INPUT when a file could not be read whole. */
static int read_inputs(struct opts *o, char **files, int nfiles, struct tw_agg *agg,
		       struct tw_buf *out, struct tw_run_stats *st)
{
	struct tw_progress prog;
	uint64_t total = 0;
	int rc = TW_EXIT_OK;
	struct run run = {.o = o, .ev_out = o->events ? out : NULL, .prog = &prog};
	bool ordered = o->events || o->explain;
	struct tw_pipe p = {
	    .conf = o->conf,
	    .format = o->format,
	    .year = o->year,
	    .threads = o->threads,
	    .has_since = o->has_since,
	    .has_until = o->has_until,
	    .since = o->since,
	    .until = o->until,
	    .no_agg = o->events,
	    .evline = tw_out_evidence_line,
	    .into = agg,
	    .ctx = &run,
	    .on_event = ordered ? sink_event : NULL,
	    .on_skip = o->verbose ? sink_skip : NULL,
	    .on_progress = sink_progress,
	};
	for (int i = 0; i < nfiles; i++) {
		struct stat sb;
		if (strcmp(files[i], "-") && stat(files[i], &sb) == 0)
			total += (uint64_t)sb.st_size;
	}
	tw_progress_start(&prog, total);
	/* Events streaming to the same terminal would be torn by the redraws. */
	if (o->events && isatty(STDOUT_FILENO))
		prog.on = false;
	for (int i = 0; i < nfiles; i++) {
		struct tw_source src;
		struct tw_errctx ec;
		memset(&ec, 0, sizeof(ec));
		st->files++;
		if (tw_source_open(&src, files[i], (uint32_t)i, o->format, &ec) < 0) {
			say_file(files[i], ec.msg[0] ? ec.msg : "cannot be read");
			st->files_failed++;
			rc = TW_EXIT_INPUT;
			continue;
		}
		run.src = &src;
		int err = tw_pipe_run(&p, &src, st, &ec);
		if (src.truncated)
			say_file(files[i],
				 "warning: the file shrank while being read (rotated with "
				 "copytruncate?); read up to its new end");
		run.prog_base += tw_source_size(&src);
		if (err) {
			say_file(files[i], ec.msg[0] ? ec.msg : tw_strerror(err));
			if (err == TW_E_IO && !o->events)
				st->files_failed++;
			rc = TW_EXIT_INPUT;
		}
		tw_source_close(&src);
	}
	tw_progress_finish(&prog);
	return rc;
}

/* Reverse DNS for the sources an output shows (all with --json, --explain's one, else the
 * table's): one batch, many queries in flight. Returns the results (owned; the summaries
 * point into them) or NULL. */
static struct tw_rdns_result *reverse_dns(const struct opts *o, struct tw_srcsum *sums, size_t n)
{
	size_t k = n;
	long top = o->top >= 0 ? o->top : (o->json ? 0 : 20);
	if (!o->json && !o->explain && top > 0 && (size_t)top < n)
		k = (size_t)top;
	struct tw_addr *addrs = calloc(k ? k : 1, sizeof(*addrs));
	struct tw_rdns_result *rr = calloc(k ? k : 1, sizeof(*rr));
	size_t m = 0;
	if (!addrs || !rr)
		goto fail;
	for (size_t i = 0; i < k; i++)
		if (!o->explain || tw_addr_eq(&sums[i].s->addr, &o->x.addr))
			addrs[m++] = sums[i].s->addr;
	struct tw_errctx ec;
	memset(&ec, 0, sizeof(ec));
	if (tw_rdns_lookup_cached(addrs, m, rr, &o->lk.rdns_opts, o->lk.store, o->lk.rdns_ttl_found,
				  o->lk.rdns_ttl_none, &ec) != TW_OK) {
		fputs("tracewall: warning: reverse DNS: ", stderr);
		tw_cli_puts_safe(stderr, ec.msg);
		fputc('\n', stderr);
		goto fail;
	}
	m = 0;
	for (size_t i = 0; i < k; i++) {
		if (o->explain && !tw_addr_eq(&sums[i].s->addr, &o->x.addr))
			continue;
		if (rr[m].status == TW_RDNS_OK) {
			sums[i].rdns = rr[m].name;
			sums[i].rdns_confirmed = rr[m].confirmed;
		}
		m++;
	}
	free(addrs);
	return rr;
fail:
	free(addrs);
	free(rr);
	return NULL;
}

/* The offline network index: --netdb or the configuration's, else the default path when
 * it exists. A named index that cannot be used is said so; analysis goes on without it. */
static bool open_netdb(const struct tw_conf *c, struct tw_netdb *nd)
{
	char path[4096];
	struct tw_errctx ec;
	bool named = c->netdb[0] != '\0';
	if (named)
		snprintf(path, sizeof(path), "%s", c->netdb);
	else if (tw_netdb_default_path(path, sizeof(path)) != TW_OK)
		return false;
	memset(&ec, 0, sizeof(ec));
	int r = tw_netdb_open(nd, path, &ec);
	if (r == TW_OK)
		return true;
	if (named || r != TW_E_NOTFOUND) {
		fputs("tracewall: warning: ", stderr);
		tw_cli_puts_safe(stderr, ec.msg);
		fputs(" (no AS or country information)\n", stderr);
	}
	return false;
}

/* Reading evidence lines back: one descriptor per input file, opened on first use. */
struct ev_files {
	char **names;
	int n;
	int *fd; /* -1 not yet opened, -2 could not be opened */
};

static long read_back(void *ctx, uint32_t file, uint64_t off, char *buf, size_t len)
{
	struct ev_files *f = ctx;
	if (!f->fd || (int)file >= f->n)
		return -1;
	if (f->fd[file] == -1) {
		/* "-" is standard input (mapped when it is a regular file), never a file
		 * of that name. */
		int fd = strcmp(f->names[file], "-") ? open(f->names[file], O_RDONLY | O_CLOEXEC)
						     : fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
		f->fd[file] = fd < 0 ? -2 : fd;
	}
	if (f->fd[file] < 0)
		return -1;
	return (long)pread(f->fd[file], buf, len, (off_t)off);
}

static void ev_files_close(struct ev_files *f)
{
	for (int i = 0; f->fd && i < f->n; i++)
		if (f->fd[i] >= 0)
			close(f->fd[i]);
	free(f->fd);
	f->fd = NULL;
}

/* Reads back the evidence noted by offset (every source's, or --explain's one). */
static void resolve_evidence(const struct opts *o, struct ev_files *f, struct tw_agg *agg)
{
	if (!f->fd)
		return; /* the evidence keeps its line numbers */
	for (size_t i = 0; i < agg->nsrcs; i++)
		if (!o->explain || tw_addr_eq(&agg->srcs[i].addr, &o->x.addr))
			tw_agg_resolve_evidence(&agg->srcs[i], read_back, f);
}

/* Abuse contacts for the reportable sources an output shows (--explain's one whatever its
 * verdict), one look-up per distinct source, answers reused within a registry's range.
 * Returns the results (owned; the summaries point into them) or NULL. */
static struct tw_abuse_result *abuse_contacts(const struct opts *o, struct tw_srcsum *sums,
					      size_t n, int *rc)
{
	size_t k = n;
	long top = o->top >= 0 ? o->top : (o->json ? 0 : 20);
	if (!o->json && !o->explain && top > 0 && (size_t)top < n)
		k = (size_t)top;
	struct tw_abuse_ctx *ctx = NULL;
	struct tw_errctx ec;
	memset(&ec, 0, sizeof(ec));
	if (tw_abuse_open(&ctx, &o->lk.abuse_opts, &ec) != TW_OK) {
		fputs("tracewall: ", stderr);
		tw_cli_puts_safe(stderr, ec.msg);
		fputc('\n', stderr);
		*rc = TW_EXIT_USAGE;
		return NULL;
	}
	struct tw_abuse_result *ar = calloc(k ? k : 1, sizeof(*ar));
	for (size_t i = 0; ar && i < k; i++) {
		bool want =
		    o->explain ? tw_addr_eq(&sums[i].s->addr, &o->x.addr) : sums[i].reportable;
		if (!want)
			continue;
		tw_abuse_lookup(ctx, &sums[i].s->addr, &ar[i]);
		sums[i].abuse = &ar[i];
	}
	tw_abuse_close(ctx);
	return ar;
}

/* --fail-on LEVEL: a danger level 1-5 (the DL column), "notable" (worth a look) or
 * "reportable". */
enum { FAIL_NOTABLE = 6, FAIL_REPORTABLE = 7 };

static int parse_fail_on(const char *s)
{
	long long v;
	if (!strcmp(s, "notable"))
		return FAIL_NOTABLE;
	if (!strcmp(s, "reportable"))
		return FAIL_REPORTABLE;
	return tw_cli_num(s, 1, 5, &v) ? -1 : (int)v;
}

static bool fails(int level, const struct tw_srcsum *m)
{
	if (level == FAIL_REPORTABLE)
		return m->reportable;
	if (level == FAIL_NOTABLE)
		return m->notable;
	return m->danger >= level;
}

/* The summary, or --explain's report, with the enrichment asked for. */
static int write_report(struct opts *o, char **files, int nfiles, struct tw_agg *agg,
			struct tw_run_stats *st, struct tw_buf *out)
{
	size_t n = 0;
	int rc = TW_EXIT_OK;
	/* The evidence lines noted by offset, read back for the outputs that show them. */
	struct ev_files f = {files, nfiles, calloc((size_t)nfiles, sizeof(int))};
	for (int i = 0; f.fd && i < nfiles; i++)
		f.fd[i] = -1;
	if (o->json || o->explain)
		resolve_evidence(o, &f, agg);
	struct tw_srcsum *sums = tw_agg_summarise(agg, o->top_ports, &n);
	if (!sums) {
		fprintf(stderr, "tracewall: out of memory\n");
		ev_files_close(&f);
		return TW_EXIT_INPUT;
	}
	/* Offline enrichment: the network index when there is one (never the network). */
	struct tw_netdb nd;
	bool have_nd = open_netdb(o->conf, &nd);
	if (have_nd)
		tw_enrich_sources(sums, n, &nd);
	/* Reverse DNS and abuse contacts only when asked, once per distinct source shown. */
	struct tw_rdns_result *rr = NULL;
	struct tw_abuse_result *ar = NULL;
	tw_cli_lookup_start(&o->lk);
	if (o->lk.rdns)
		rr = reverse_dns(o, sums, n);
	if (o->lk.abuse)
		ar = abuse_contacts(o, sums, n, &rc);
	long top = o->top >= 0 ? o->top : (o->json ? 0 : 20);
	size_t shown = top > 0 && (size_t)top < n ? (size_t)top : n;
	if (o->explain) {
		tw_out_explain(out, &o->x, o->conf, files, sums, n, read_back, &f);
	} else {
		st->pruned_srcs = agg->pruned_srcs;
		st->pruned_packets = agg->pruned_packets;
		st->prune_below = agg->prune_below;
		o->out->write_summary(out, st, sums, n, shown);
	}
	for (size_t i = 0; o->fail_on && i < n && rc == TW_EXIT_OK; i++)
		if (fails(o->fail_on, &sums[i]))
			rc = TW_EXIT_FINDINGS;
	if (tw_cli_flush(out))
		rc = TW_EXIT_INPUT;
	tw_agg_summary_free(sums);
	tw_cli_lookup_end(&o->lk);
	free(rr);
	free(ar);
	if (have_nd)
		tw_netdb_close(&nd);
	ev_files_close(&f);
	return rc;
}

static int analyze(struct opts *o, char **files, int nfiles)
{
	struct tw_agg agg;
	struct tw_run_stats st;
	struct tw_buf out;

	memset(&st, 0, sizeof(st));
	st.names = files;
	st.nnames = (size_t)nfiles;
	(void)tw_sigs_active(); /* the compiled-in rules load here, before any thread */
	tw_agg_init(&agg, o->conf);
	tw_buf_init(&out);
	if (o->events && o->out->write_header)
		o->out->write_header(&out);
	int rc = read_inputs(o, files, nfiles, &agg, &out, &st);
	int rr;
	if (o->events)
		rr = tw_cli_flush(&out) ? TW_EXIT_INPUT : TW_EXIT_OK;
	else
		rr = write_report(o, files, nfiles, &agg, &st, &out);
	if (rc == TW_EXIT_OK || (rr != TW_EXIT_OK && rr != TW_EXIT_FINDINGS))
		rc = rr;
	if (agg.oom) {
		/* Out of memory while aggregating: the counts are incomplete, and a partial
		 * result is no result. */
		fprintf(stderr, "tracewall: out of memory: the counts are incomplete\n");
		rc = TW_EXIT_INPUT;
	}
	if (fflush(stdout) != 0 && errno != EPIPE) {
		fprintf(stderr, "tracewall: cannot write output: %s\n", strerror(errno));
		rc = TW_EXIT_INPUT;
	}
	tw_buf_fini(&out);
	tw_agg_fini(&agg);
	return rc;
}

enum {
	O_JSON = 256,
	O_EVENTS,
	O_TOP,
	O_TOPPORTS,
	O_SINCE,
	O_UNTIL,
	O_FORMAT,
	O_LIST,
	O_YEAR,
	O_TZ,
	O_THREADS,
	O_CODEPAGE,
	O_SIGNATURES,
	O_OWN,
	O_EXPLAIN,
	O_CONFIG,
	O_NETDB,
	O_RDNS,
	O_DNS_SERVER,
	O_ABUSE,
	O_BOOTSTRAP,
	O_WHOIS_CONNECT,
	O_DB,
	O_ABUSIX,
	O_NO_CACHE,
	O_DSHIELD,
	O_FAIL_ON,
	O_OUTPUT,
	O_LIST_OUTPUTS
};

static const struct option lopts[] = {
    {"json", no_argument, NULL, O_JSON},
    {"events", no_argument, NULL, O_EVENTS},
    {"top", required_argument, NULL, O_TOP},
    {"top-ports", required_argument, NULL, O_TOPPORTS},
    {"since", required_argument, NULL, O_SINCE},
    {"until", required_argument, NULL, O_UNTIL},
    {"format", required_argument, NULL, O_FORMAT},
    {"list-formats", no_argument, NULL, O_LIST},
    {"year", required_argument, NULL, O_YEAR},
    {"tz", required_argument, NULL, O_TZ},
    {"threads", required_argument, NULL, O_THREADS},
    {"codepage", required_argument, NULL, O_CODEPAGE},
    {"signatures", required_argument, NULL, O_SIGNATURES},
    {"own", required_argument, NULL, O_OWN},
    {"explain", required_argument, NULL, O_EXPLAIN},
    {"config", required_argument, NULL, O_CONFIG},
    {"netdb", required_argument, NULL, O_NETDB},
    {"rdns", no_argument, NULL, O_RDNS},
    {"dns-server", required_argument, NULL, O_DNS_SERVER},
    {"abuse", no_argument, NULL, O_ABUSE},
    {"bootstrap", required_argument, NULL, O_BOOTSTRAP},
    {"whois-connect", required_argument, NULL, O_WHOIS_CONNECT},
    {"db", required_argument, NULL, O_DB},
    {"abusix", no_argument, NULL, O_ABUSIX},
    {"no-cache", no_argument, NULL, O_NO_CACHE},
    {"dshield", no_argument, NULL, O_DSHIELD},
    {"fail-on", required_argument, NULL, O_FAIL_ON},
    {"output", required_argument, NULL, O_OUTPUT},
    {"list-outputs", no_argument, NULL, O_LIST_OUTPUTS},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* An option's value refused: "tracewall: OPT: WHAT 'VALUE'". */
static int bad(const char *opt, const char *what, const char *arg)
{
	fprintf(stderr, "tracewall: %s: %s '", opt, what);
	tw_cli_puts_safe(stderr, arg);
	fputs("'\n", stderr);
	return TW_EXIT_USAGE;
}

/* A path option into the configuration's buffer. */
static int set_path(char *dst, size_t cap, const char *opt, const char *arg)
{
	if (strlen(arg) >= cap)
		return bad(opt, "path too long", arg);
	snprintf(dst, cap, "%s", arg);
	return -1;
}

/* The options with a number or a name. -1 to go on, else the exit status. */
static int set_value(int c, const char *arg, struct opts *o, struct tw_conf *conf)
{
	long long v;
	int64_t t;
	struct tw_errctx ec;
	memset(&ec, 0, sizeof(ec));
	switch (c) {
	case O_TOP:
		if (tw_cli_num_opt("--top", arg, 0, 100000000, &v))
			return TW_EXIT_USAGE;
		o->top = v;
		return -1;
	case O_TOPPORTS:
		if (tw_cli_num_opt("--top-ports", arg, 0, 8, &v))
			return TW_EXIT_USAGE;
		o->top_ports = (unsigned)v;
		return -1;
	case O_YEAR:
		if (tw_cli_num_opt("--year", arg, 1970, TW_TIME_MAX_YEAR, &v))
			return TW_EXIT_USAGE;
		o->year = (int)v;
		return -1;
	case O_THREADS:
		if (tw_cli_num_opt("--threads", arg, 1, TW_PIPE_THREADS_MAX, &v))
			return TW_EXIT_USAGE;
		o->threads = (unsigned)v;
		return -1;
	case O_SINCE:
	case O_UNTIL:
		if (tw_time_parse_user(arg, &t)) {
			fprintf(stderr,
				"tracewall: %s: not a time (want RFC 3339 or YYYY-MM-DD[ "
				"HH:MM[:SS]])\n",
				c == O_SINCE ? "--since" : "--until");
			return TW_EXIT_USAGE;
		}
		*(c == O_SINCE ? &o->since : &o->until) = t;
		*(c == O_SINCE ? &o->has_since : &o->has_until) = true;
		return -1;
	case O_FORMAT:
		if (!(o->format = tw_input_find(arg))) {
			fputs("tracewall: unknown format '", stderr);
			tw_cli_puts_safe(stderr, arg);
			fputs("' (see --list-formats)\n", stderr);
			return TW_EXIT_USAGE;
		}
		return -1;
	case O_TZ:
		if (!tw_cli_valid_zone(arg))
			return bad("--tz", "unknown time zone", arg);
		setenv("TZ", arg, 1);
		return -1;
	case O_CODEPAGE:
		if (tw_codepage_set(arg) != TW_OK)
			return bad("--codepage", "unknown code page", arg);
		return -1;
	case O_OWN:
		if (tw_conf_add_own(conf, arg, &ec) != TW_OK) {
			fputs("tracewall: --own: ", stderr);
			tw_cli_puts_safe(stderr, ec.msg);
			fputc('\n', stderr);
			return TW_EXIT_USAGE;
		}
		return -1;
	case O_EXPLAIN:
		if (tw_addr_parse(arg, strlen(arg), &o->x.addr) != TW_OK)
			return bad("--explain", "not an address", arg);
		o->explain = true;
		return -1;
	case O_FAIL_ON:
		if ((o->fail_on = parse_fail_on(arg)) < 0)
			return bad("--fail-on",
				   "want 1..5 (a danger level), notable or reportable, got", arg);
		return -1;
	case O_NETDB: return set_path(conf->netdb, sizeof(conf->netdb), "--netdb", arg);
	case O_SIGNATURES:
		return set_path(conf->signatures, sizeof(conf->signatures), "--signatures", arg);
	}
	return TW_EXIT_USAGE;
}

/* One option of the command line. -1 to go on, else the exit status. */
static int set_option(int c, const char *arg, struct opts *o, struct tw_conf *conf,
		      const char **oname)
{
	switch (c) {
	case O_JSON: *oname = "json"; return -1;
	case O_EVENTS: o->events = true; return -1;
	case O_DSHIELD: *oname = "dshield"; return -1;
	case O_OUTPUT: *oname = arg; return -1;
	case O_LIST_OUTPUTS: list_outputs(); return TW_EXIT_OK;
	case O_LIST: list_formats(); return TW_EXIT_OK;
	case O_CONFIG: return -1; /* read before the other options */
	case O_RDNS: o->lk.rdns = true; return -1;
	case O_DNS_SERVER: o->lk.rdns_opts.servers = arg; return -1;
	case O_ABUSE: o->lk.abuse = true; return -1;
	case O_BOOTSTRAP: o->lk.abuse_opts.bootstrap_dir = arg; return -1;
	case O_WHOIS_CONNECT: o->lk.abuse_opts.whois_connect = arg; return -1;
	case O_DB: o->lk.db = arg; return -1;
	case O_ABUSIX: o->lk.abuse_opts.abusix = true; return -1;
	case O_NO_CACHE: o->lk.no_cache = true; return -1;
	case 'v': o->verbose = true; return -1;
	case 'h': usage(stdout); return TW_EXIT_OK;
	case '?': usage(stderr); return TW_EXIT_USAGE;
	}
	return set_value(c, arg, o, conf);
}

int tw_cmd_analyze(int argc, char **argv)
{
	struct opts o = {.top = -1, .top_ports = 5};
	static struct tw_conf conf;
	const char *oname = "text";
	int c, r;

	o.threads = tw_pipe_cpus();
	o.conf = &conf;
	if (tw_cli_load_config(argc, argv, &conf))
		return TW_EXIT_USAGE;
	tw_cli_lookup_defaults(&conf, &o.lk);
	optind = 1;
	while ((c = getopt_long(argc, argv, "vh", lopts, NULL)) != -1)
		if ((r = set_option(c, optarg, &o, &conf, &oname)) >= 0)
			return r;
	tzset();
	if (choose_output(&o, oname))
		return TW_EXIT_USAGE;
	if (conf.signatures[0]) { /* --signatures (or the configuration's, loaded again) */
		struct tw_errctx ec;
		memset(&ec, 0, sizeof(ec));
		if (tw_sigs_use(conf.signatures, &ec) != TW_OK) {
			fputs("tracewall: ", stderr);
			tw_cli_puts_safe(stderr, ec.msg);
			fputc('\n', stderr);
			return TW_EXIT_USAGE;
		}
	}
	if (optind >= argc && isatty(STDIN_FILENO))
		fprintf(stderr, "tracewall: reading standard input (end with Ctrl-D); "
				"give FILE arguments or pipe a log in, see --help\n");
	char *dash[] = {(char *)"-"};
	char **files = optind < argc ? argv + optind : dash;
	int nfiles = optind < argc ? argc - optind : 1;
	return analyze(&o, files, nfiles);
}

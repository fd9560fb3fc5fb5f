/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tracewall analyze [FILE…|-]: per source, what probed us. Files are streamed (mmap, read()
 * for pipes, zlib for gzip); a large mapped file is split at line boundaries across threads
 * whose aggregates are merged in file order, so the output does not depend on timing. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "classify/agg.h"
#include "classify/classify.h"
#include "classify/conf.h"
#include "classify/sigs.h"
#include "enrich/enrich.h"
#include "enrich/abuse.h"
#include "enrich/rdns.h"
#include "output/out-abuse.h"
#include "cli/cli.h"
#include "cli/lookup.h"
#include "core/codepage.h"
#include "core/esc.h"
#include "core/lines.h"
#include "core/time.h"
#include "input/input.h"
#include "input/pcap.h"
#include "output/output.h"

#define MAX_THREADS	16
#define SPLIT_MIN_BYTES (8u * 1024 * 1024)

struct opts {
	bool json, events, verbose, has_since, has_until;
	bool dshield; /* --dshield: events as DShield records (implies --events) */
	int64_t since, until;
	long top; /* sources shown; -1 = default */
	unsigned top_ports;
	const struct tw_input_format *format;
	int year;
	unsigned threads;
	bool explain; /* --explain ADDRESS */
	/* --rdns, --abuse (and [enrich] of the configuration): network look-ups for the
	 * sources shown, cached in the store. */
	struct tw_cli_lookup lk;
	struct tw_addr explain_addr;
};

/* --explain: the events of one source, kept as evidence (the first EXPLAIN_MAX), and how
 * often each rule fired for it. Filled by the single job (--explain disables the split). */
#define EXPLAIN_MAX   25
#define EXPLAIN_RULES 32
struct explained_ev {
	uint32_t file;
	uint64_t line, offset;
	int kind; /* 0 a line of a mapped file, 1 a line read as a stream (gzip), 2 a frame */
	int cls;
	const char *why;
};
static struct {
	struct explained_ev ev[EXPLAIN_MAX];
	uint64_t n;
	struct {
		const char *why;
		uint64_t count;
	} rule[EXPLAIN_RULES];
	unsigned nrule;
} explained;

static void explain_note(const struct tw_event *ev, const struct tw_verdict *v, int kind)
{
	if (explained.n < EXPLAIN_MAX) {
		struct explained_ev *e = &explained.ev[explained.n];
		e->file = ev->origin.file;
		e->line = ev->origin.line;
		e->offset = ev->origin.offset;
		e->kind = kind;
		e->cls = v->cls;
		e->why = v->why;
	}
	explained.n++;
	unsigned k = 0;
	while (k < explained.nrule && explained.rule[k].why != v->why)
		k++;
	if (k == explained.nrule && k < EXPLAIN_RULES) {
		explained.rule[k].why = v->why;
		explained.nrule++;
	}
	if (k < EXPLAIN_RULES)
		explained.rule[k].count++;
}

/* One unit of work: a whole file, or a line-aligned part of one. */
struct job {
	const struct opts *o;
	struct tw_lines lines; /* a sub-reader for parts */
	const char *name;
	uint32_t file_index;
	struct tw_agg agg;
	struct tw_run_stats st;
	int err;
	struct tw_errctx ec;
	_Atomic uint64_t done;	    /* bytes processed, for the progress bar */
	size_t begin;		    /* first byte of a part */
	struct tw_span prime;	    /* header lines in force where a part starts */
	uint64_t prog_base;	    /* bytes of the files before this one, for progress */
	bool failed_open;	    /* a capture that could not be opened */
	_Atomic unsigned *finished; /* counts workers that are done */
	struct tw_span raw;	    /* the current event's line (evidence), or a frame's summary */
};

/* A mapped file that shrinks between the reader's size checks raises SIGBUS: end with a
 * message naming it instead of a crash. The name is escaped beforehand, as the handler may
 * only call write(). */
static char sigbus_msg[600];
static size_t sigbus_len;

static void on_sigbus(int sig)
{
	(void)sig;
	if (write(STDERR_FILENO, sigbus_msg, sigbus_len) < 0) {
		/* nothing more can be done in a signal handler */
	}
	_exit(TW_EXIT_INPUT);
}

static void set_sigbus_name(const char *file)
{
	struct tw_buf b;

	tw_buf_init(&b);
	tw_buf_adds(&b, "tracewall: ");
	tw_esc_term(&b, file, strlen(file));
	tw_buf_adds(&b,
		    ": the file shrank under the reader (rotated with copytruncate?); stopped\n");
	sigbus_len = b.p && b.len < sizeof(sigbus_msg) ? b.len : 0;
	if (sigbus_len)
		memcpy(sigbus_msg, b.p, sigbus_len);
	tw_buf_fini(&b);
	signal(SIGBUS, on_sigbus);
}

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
		"  -v, --verbose     name file and line of every skipped line on stderr\n"
		"  -h, --help        this help\n");
}

static void list_formats(void)
{
	for (size_t i = 0; tw_input_formats[i]; i++)
		printf("%-14s %s\n", tw_input_formats[i]->name, tw_input_formats[i]->summary);
}

static bool valid_zone(const char *z)
{
	char path[512];
	if (!*z || strstr(z, "..") || strlen(z) > 200)
		return false;
	if (!strcmp(z, "UTC") || !strcmp(z, "GMT"))
		return true;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", z);
	return access(path, R_OK) == 0;
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

static bool in_window(const struct opts *o, const struct tw_event *ev)
{
	if (!o->has_since && !o->has_until)
		return true;
	if (!(ev->has & TW_EV_HAS_TS))
		return false;
	if (o->has_since && ev->ts < o->since)
		return false;
	if (o->has_until && ev->ts >= o->until)
		return false;
	return true;
}

static void note_time(struct tw_run_stats *st, const struct tw_event *ev)
{
	if (!(ev->has & TW_EV_HAS_TS))
		return;
	if (!st->has_time || ev->ts < st->first)
		st->first = ev->ts;
	if (!st->has_time || ev->ts > st->last)
		st->last = ev->ts;
	st->has_time = 1;
}

/* Takes one event: the time window, classification, then written or aggregated. Returns
 * 0, or an error that ends the job. */
static int take(struct job *j, struct tw_event *ev, struct tw_buf *ev_out,
		struct tw_decode_state *dst)
{
	struct tw_verdict v;
	struct tw_decoded d;

	if (!in_window(j->o, ev)) {
		j->st.filtered++;
		return 0;
	}
	note_time(&j->st, ev);
	/* Captures decode with a state, so that messages in fragments or split over TCP
	 * segments are classified when whole. */
	if (dst)
		tw_classify_decoded(
		    ev, ev->payload.p && tw_decode(ev, &d, dst) == TW_OK ? &d : NULL, &v);
	else
		tw_classify(ev, &v);
	if (j->o->explain && tw_addr_eq(&ev->src, &j->o->explain_addr))
		explain_note(ev, &v, dst ? 2 : tw_lines_is_mapped(&j->lines) ? 0 : 1);
	if (ev_out) {
		j->st.events++;
		(j->o->dshield ? &tw_out_dshield : &tw_out_json)
		    ->write_event(ev_out, ev, &v, j->name);
		if (ev_out->len > 65536 && tw_buf_flush(ev_out, stdout))
			return TW_E_IO;
		return 0;
	}
	/* A line of a mapped (plain) file can be read again when an output wants it: note
	 * where it is instead of copying it. */
	bool rereadable = !dst && tw_lines_is_mapped(&j->lines);
	return tw_agg_add_raw(&j->agg, ev, &v, j->raw.p, j->raw.len, rereadable) ? TW_E_NOMEM : 0;
}

/* Runs a capture to the end (packet by packet; never split across threads). */
static void run_capture(struct job *j, struct tw_buf *ev_out, struct tw_progress *prog)
{
	struct tw_pcap pc;
	struct tw_event ev;
	struct tw_decode_state dst;
	uint64_t n = 0;

	if (tw_pcap_open(&pc, j->name, j->file_index, &j->ec) != TW_OK) {
		j->err = j->ec.code ? j->ec.code : TW_E_IO;
		j->failed_open = true;
		return;
	}
	tw_decode_state_init(&dst);
	for (;;) {
		int ret = tw_pcap_next(&pc, &ev, &j->ec);
		if (ret == TW_EOF)
			break;
		if (ret < 0) {
			j->err = ret;
			break;
		}
		if ((++n & 0xfff) == 0 && prog)
			tw_progress_update(prog, j->prog_base + pc.consumed);
		if (ret == TW_READER_SKIPPED) {
			if (j->o->verbose)
				verbose_skip(j->name, "frame ", pc.skip_frame, pc.skip_reason,
					     pc.skip_detail);
			continue;
		}
		/* The evidence for a frame: a one-line summary of it. */
		char sum[200], sa[TW_ADDR_STRLEN], da[TW_ADDR_STRLEN], ts[TW_TIME_STRLEN] = "-";
		tw_addr_format(&ev.src, sa);
		tw_addr_format(&ev.dst, da);
		if (ev.has & TW_EV_HAS_TS)
			tw_time_format(ev.ts, true, ts);
		const char *pn = tw_proto_name(ev.proto);
		int sl = snprintf(sum, sizeof(sum), "frame %llu %s %s:%u > %s:%u %s%s length %u",
				  (unsigned long long)ev.origin.line, ts, sa,
				  (ev.has & TW_EV_HAS_PORTS) ? ev.sport : 0, da,
				  (ev.has & TW_EV_HAS_PORTS) ? ev.dport : 0, pn ? pn : "proto ",
				  pn ? "" : "?", ev.ip_len);
		j->raw.p = sum;
		j->raw.len = sl > 0 && (size_t)sl < sizeof(sum) ? (size_t)sl : 0;
		if ((j->err = take(j, &ev, ev_out, &dst)))
			break;
	}
	j->raw.p = NULL;
	j->raw.len = 0;
	tw_decode_state_fini(&dst);
	j->st.frames += pc.frames;
	if (!ev_out)
		j->st.events += pc.events - j->st.filtered;
	for (int i = 0; i < TW_SKIP_NREASONS; i++)
		j->st.skipped[i] += pc.skipped[i];
	tw_pcap_close(&pc);
}

/* Runs one job to the end. With 'ev_out' set, events are written instead of aggregated. */
static void run_job(struct job *j, struct tw_buf *ev_out, struct tw_progress *prog)
{
	struct tw_reader r;
	struct tw_event ev;
	uint64_t n = 0;

	tw_reader_init(&r, &j->lines, j->o->format, j->file_index, j->o->year);
	if (j->prime.len)
		tw_reader_prime(&r, j->prime.p, j->prime.len);
	for (;;) {
		int ret = tw_reader_next(&r, &ev, &j->ec);
		if (ret == TW_EOF)
			break;
		if (ret < 0) {
			j->err = ret;
			break;
		}
		if ((++n & 0xffff) == 0) {
			atomic_store_explicit(&j->done, tw_lines_progress(&j->lines),
					      memory_order_relaxed);
			if (prog)
				tw_progress_update(prog, tw_lines_progress(&j->lines));
		}
		if (ret == TW_READER_SKIPPED) {
			if (j->o->verbose)
				verbose_skip(j->name, "", r.skip_line, r.skip_reason,
					     r.skip_detail);
			continue;
		}
		j->raw = r.raw;
		if ((j->err = take(j, &ev, ev_out, NULL)))
			break;
	}
	j->st.lines += r.lines_read;
	if (!ev_out)
		j->st.events += r.events - j->st.filtered;
	for (int i = 0; i < TW_SKIP_NREASONS; i++)
		j->st.skipped[i] += r.skipped[i];
	atomic_store(&j->done, tw_lines_progress(&j->lines));
	tw_reader_fini(&r);
}

static void *worker(void *arg)
{
	struct job *j = arg;

	run_job(j, NULL, NULL);
	atomic_fetch_add(j->finished, 1);
	return NULL;
}

static void add_stats(struct tw_run_stats *a, const struct tw_run_stats *b)
{
	a->lines += b->lines;
	a->events += b->events;
	a->frames += b->frames;
	a->filtered += b->filtered;
	for (int i = 0; i < TW_SKIP_NREASONS; i++)
		a->skipped[i] += b->skipped[i];
	if (b->has_time) {
		if (!a->has_time || b->first < a->first)
			a->first = b->first;
		if (!a->has_time || b->last > a->last)
			a->last = b->last;
		a->has_time = 1;
	}
}

/* Splits a mapped file into parts and runs them in threads; merges into 'agg'. */
static int run_split(const struct opts *o, struct tw_lines *lr, uint32_t fi, const char *name,
		     struct tw_agg *agg, struct tw_run_stats *st, struct tw_progress *prog,
		     uint64_t prog_base, bool *truncated)
{
	unsigned n = o->threads;
	struct job *jobs = calloc(n, sizeof(*jobs));
	pthread_t tids[MAX_THREADS];
	unsigned started = 0;
	_Atomic unsigned finished = 0;
	int ret = TW_OK;

	if (!jobs)
		return TW_E_NOMEM;
	size_t from = 0;
	for (unsigned i = 0; i < n; i++) {
		size_t to = i + 1 == n ? lr->map_size
				       : tw_reader_part_start(lr, lr->map_size / n * (i + 1));
		if (to < from)
			to = from;
		jobs[i].o = o;
		jobs[i].name = name;
		jobs[i].file_index = fi;
		jobs[i].begin = from;
		jobs[i].finished = &finished;
		tw_agg_init(&jobs[i].agg);
		/* The parts share the bound, so that all of them together stay within it. */
		uint32_t per = tw_conf_active()->max_sources / n;
		jobs[i].agg.max_sources = per < 1024 ? 1024 : per;
		tw_lines_sub(lr, from, to, 0, &jobs[i].lines);
		if (i > 0)
			jobs[i].prime = tw_reader_headers_before(lr, from);
		from = to;
	}
	for (unsigned i = 0; i < n; i++) {
		if (pthread_create(&tids[i], NULL, worker, &jobs[i]) != 0) {
			ret = TW_E_NOMEM;
			break;
		}
		started++;
	}
	/* Progress while the workers run. */
	while (prog->on && atomic_load(&finished) < started) {
		struct timespec ts = {0, 100 * 1000 * 1000};
		uint64_t sum = 0;
		for (unsigned i = 0; i < started; i++) {
			uint64_t d = atomic_load(&jobs[i].done);
			size_t begin = jobs[i].begin;
			sum += d > begin ? d - begin : 0;
		}
		tw_progress_update(prog, prog_base + sum);
		nanosleep(&ts, NULL);
	}
	for (unsigned i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	uint64_t line_base = 0;
	for (unsigned i = 0; i < n; i++) {
		if (i < started) {
			if (ret == TW_OK && jobs[i].err)
				ret = jobs[i].err;
			/* A part numbers its lines from its own start: its evidence takes the
			 * lines of the parts before it. */
			tw_agg_shift_lines(&jobs[i].agg, fi, line_base);
			line_base += jobs[i].st.lines;
			if (ret == TW_OK && tw_agg_take(agg, &jobs[i].agg))
				ret = TW_E_NOMEM;
			add_stats(st, &jobs[i].st);
			*truncated |= jobs[i].lines.truncated;
		}
		tw_agg_fini(&jobs[i].agg);
	}
	free(jobs);
	return ret;
}

/* The evidence line at 'off' of a plain file, escaped for the terminal. */
static void evidence_line(struct tw_buf *b, const char *file, uint64_t off)
{
	char line[512];
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t r = pread(fd, line, sizeof(line), (off_t)off);
	close(fd);
	if (r <= 0)
		return;
	size_t n = 0;
	while (n < (size_t)r && line[n] != '\n')
		n++;
	tw_buf_adds(b, "      ");
	tw_esc_term(b, line, n);
	if (n == (size_t)r && n == sizeof(line))
		tw_buf_adds(b, " …");
	tw_buf_addc(b, '\n');
}

/* --explain ADDRESS: every rule and threshold that decided about one source, and the
 * first events as evidence. */
static void explain_report(const struct opts *o, char **files, const struct tw_srcsum *sums,
			   size_t n, struct tw_buf *b)
{
	char a[TW_ADDR_STRLEN];
	tw_addr_format(&o->explain_addr, a);
	const struct tw_srcsum *m = NULL;
	for (size_t i = 0; i < n && !m; i++)
		if (tw_addr_eq(&sums[i].s->addr, &o->explain_addr))
			m = &sums[i];
	if (!m) {
		tw_buf_printf(b, "%s: no event from this source\n", a);
		return;
	}
	const struct tw_srcagg *s = m->s;
	const struct tw_conf *conf = tw_conf_active();
	tw_buf_printf(b, "%s: %llu packet%s to %s%llu destination%s and %llu port%s\n", a,
		      (unsigned long long)s->packets, s->packets == 1 ? "" : "s",
		      m->dsts_est ? "~" : "", (unsigned long long)m->dsts, m->dsts == 1 ? "" : "s",
		      (unsigned long long)m->ports, m->ports == 1 ? "" : "s");
	tw_buf_printf(b,
		      "  danger %d (1 + heaviest rule weight %u; +1 at 10 ports, +1 at 100 ports "
		      "or destinations, +1 at 1,000 packets; at most 5)\n",
		      m->danger, s->max_weight);
	tw_buf_printf(b, "  confidence %.1f, %s\n", m->confidence,
		      m->reportable ? "reportable" : "not reportable");
	if (m->has_asn) {
		tw_buf_printf(b, "  network AS%u ", m->asn);
		tw_esc_term(b, m->org, strlen(m->org));
		tw_buf_addc(b, '\n');
	}
	if (m->has_cc)
		tw_buf_printf(b, "  country %s, %s\n", m->cc, tw_nd_status_name(m->alloc));
	if (m->rdns) {
		tw_buf_adds(b, "  rdns ");
		tw_esc_term(b, m->rdns, strlen(m->rdns));
		tw_buf_adds(b, m->rdns_confirmed ? " (forward-confirmed)\n"
						 : " (not forward-confirmed)\n");
	}
	if (m->abuse) {
		tw_buf_adds(b, "  ");
		tw_out_abuse_text(b, m->abuse, "  ");
	}
	for (unsigned w = 0; w < m->nwhy; w++) {
		tw_buf_adds(b, "  why: ");
		tw_esc_term(b, m->why[w], strlen(m->why[w]));
		tw_buf_addc(b, '\n');
	}
	tw_buf_printf(b,
		      "  scan: %s (port scan: at least %u ports on at most %u hosts; sweep: at "
		      "least %u hosts on at most %u ports; within %llds fast, %llds slow)\n",
		      m->scan_kind ? m->scan_why : "none", conf->scan_ports, conf->scan_hosts,
		      conf->sweep_hosts, conf->sweep_ports, (long long)(conf->window / 1000000000),
		      (long long)(conf->slow_window / 1000000000));
	tw_buf_adds(b, "  rules that fired:\n");
	for (unsigned k = 0; k < explained.nrule; k++) {
		tw_buf_printf(b, "    %6llu x ", (unsigned long long)explained.rule[k].count);
		tw_esc_term(b, explained.rule[k].why, strlen(explained.rule[k].why));
		tw_buf_addc(b, '\n');
	}
	tw_buf_printf(b, "  incidents (per class; a new one after %llds without packets):\n",
		      (long long)(conf->gap / 1000000000));
	for (unsigned k = 0; k < s->ninc; k++) {
		const struct tw_incident *in = &s->inc[k];
		char f[TW_TIME_STRLEN] = "-", l[TW_TIME_STRLEN] = "-";
		struct tw_inc_counts cnt;
		tw_incident_counts(s, in, &cnt);
		bool de = cnt.dsts_est, pe = cnt.ports_est;
		uint64_t d = cnt.dsts, p = cnt.ports;
		if (in->has_time) {
			tw_time_format(in->first, false, f);
			tw_time_format(in->last, false, l);
		}
		tw_buf_printf(
		    b, "    %s %s to %s: %llu packet%s, %s%llu destination%s, %s%llu port%s",
		    tw_class_name(in->cls), f, l, (unsigned long long)in->packets,
		    in->packets == 1 ? "" : "s", de ? "~" : "", (unsigned long long)d,
		    d == 1 ? "" : "s", pe ? "~" : "", (unsigned long long)p, p == 1 ? "" : "s");
		if (in->has_ports)
			tw_buf_printf(b, " (%u-%u)", in->port_lo, in->port_hi);
		tw_buf_printf(b, ", danger %d%s\n", tw_incident_danger(s, in),
			      in->joined ? " (later windows joined: too many incidents)" : "");
		const char *line = in->evtext;
		for (unsigned i = 0; i < in->ntext && line; i++) {
			const char *e = memchr(line, '\n', (size_t)(in->evtext + in->evlen - line));
			if (!e)
				break;
			tw_buf_adds(b, "      ");
			tw_esc_term(b, line, (size_t)(e - line));
			tw_buf_addc(b, '\n');
			line = e + 1;
		}
	}
	tw_buf_printf(b, "  evidence (%s%llu of %llu events):\n",
		      explained.n > EXPLAIN_MAX ? "the first " : "",
		      (unsigned long long)(explained.n < EXPLAIN_MAX ? explained.n : EXPLAIN_MAX),
		      (unsigned long long)explained.n);
	for (uint64_t i = 0; i < explained.n && i < EXPLAIN_MAX; i++) {
		const char *file = files[explained.ev[i].file];
		tw_buf_adds(b, "    ");
		tw_esc_term(b, file, strlen(file));
		tw_buf_printf(b, ":%s%llu: %s\n", explained.ev[i].kind == 2 ? "frame " : "",
			      (unsigned long long)explained.ev[i].line,
			      tw_class_name(explained.ev[i].cls));
		if (explained.ev[i].kind == 0)
			evidence_line(b, file, explained.ev[i].offset);
	}
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
		if (!o->explain || tw_addr_eq(&sums[i].s->addr, &o->explain_addr))
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
		if (o->explain && !tw_addr_eq(&sums[i].s->addr, &o->explain_addr))
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
static bool open_netdb(struct tw_netdb *nd)
{
	const struct tw_conf *c = tw_conf_active();
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
	if ((int)file >= f->n)
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

static void resolve_evidence(const struct opts *o, char **files, int nfiles, struct tw_agg *agg)
{
	struct ev_files f = {files, nfiles, calloc((size_t)nfiles, sizeof(int))};
	if (!f.fd)
		return; /* the evidence keeps its line numbers */
	for (int i = 0; i < nfiles; i++)
		f.fd[i] = -1;
	for (size_t i = 0; i < agg->nsrcs; i++)
		if (!o->explain || tw_addr_eq(&agg->srcs[i].addr, &o->explain_addr))
			tw_agg_resolve_evidence(&agg->srcs[i], read_back, &f);
	for (int i = 0; i < nfiles; i++)
		if (f.fd[i] >= 0)
			close(f.fd[i]);
	free(f.fd);
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
		bool want = o->explain ? tw_addr_eq(&sums[i].s->addr, &o->explain_addr)
				       : sums[i].reportable;
		if (!want)
			continue;
		tw_abuse_lookup(ctx, &sums[i].s->addr, &ar[i]);
		sums[i].abuse = &ar[i];
	}
	tw_abuse_close(ctx);
	return ar;
}

static int analyze(struct opts *o, char **files, int nfiles)
{
	struct tw_agg agg;
	struct tw_run_stats st;
	struct tw_buf out;
	struct tw_progress prog;
	uint64_t total = 0, base = 0;
	int rc = TW_EXIT_OK;

	memset(&st, 0, sizeof(st));
	st.names = files;
	st.nnames = (size_t)nfiles;
	(void)tw_sigs_active(); /* the compiled-in rules load here, before any thread */
	tw_agg_init(&agg);
	tw_buf_init(&out);
	for (int i = 0; i < nfiles; i++) {
		struct stat sb;
		if (strcmp(files[i], "-") && stat(files[i], &sb) == 0)
			total += (uint64_t)sb.st_size;
	}
	tw_progress_start(&prog, total);
	if (o->dshield)
		tw_buf_adds(&out, "Subject: FORMAT DSHIELD USERID 0 TZ +00:00 tracewall 0.1\n\n");
	/* Events streaming to the same terminal would be torn by the redraws. */
	if (o->events && isatty(STDOUT_FILENO))
		prog.on = false;

	for (int i = 0; i < nfiles; i++) {
		struct job j;
		memset(&j, 0, sizeof(j));
		j.o = o;
		j.name = files[i];
		j.file_index = (uint32_t)i;
		st.files++;
		if (o->format == &tw_in_pcap || (!o->format && tw_pcap_is_capture(files[i]))) {
			/* A packet capture: frame by frame through libpcap. */
			j.agg = agg;
			j.prog_base = base;
			run_capture(&j, o->events ? &out : NULL, &prog);
			agg = j.agg;
			add_stats(&st, &j.st);
			struct stat sb;
			if (strcmp(files[i], "-") && stat(files[i], &sb) == 0)
				base += (uint64_t)sb.st_size;
			if (j.err) {
				fputs("tracewall: ", stderr);
				tw_cli_puts_safe(stderr, files[i]);
				fprintf(stderr, ": %s\n",
					j.ec.msg[0] ? j.ec.msg : tw_strerror(j.err));
				if (j.failed_open)
					st.files_failed++;
				rc = TW_EXIT_INPUT;
			}
			continue;
		}
		if (tw_lines_open(&j.lines, files[i], 0, &j.ec) < 0) {
			fputs("tracewall: ", stderr);
			tw_cli_puts_safe(stderr, files[i]);
			fprintf(stderr, ": %s\n", j.ec.msg);
			st.files_failed++;
			rc = TW_EXIT_INPUT;
			continue;
		}
		int err;
		bool truncated = false;
		set_sigbus_name(files[i]);
		if (!o->events && !o->verbose && !o->explain && o->threads > 1 &&
		    tw_lines_is_mapped(&j.lines) && j.lines.map_size >= SPLIT_MIN_BYTES &&
		    !tw_reader_multiline(&j.lines)) {
			err = run_split(o, &j.lines, (uint32_t)i, files[i], &agg, &st, &prog, base,
					&truncated);
		} else {
			j.agg = agg; /* single job: aggregate straight into the run's tables */
			run_job(&j, o->events ? &out : NULL, &prog);
			agg = j.agg;
			add_stats(&st, &j.st);
			err = j.err;
			truncated = j.lines.truncated;
		}
		if (truncated) {
			fputs("tracewall: ", stderr);
			tw_cli_puts_safe(stderr, files[i]);
			fputs(": warning: the file shrank while being read (rotated with "
			      "copytruncate?);"
			      " read up to its new end\n",
			      stderr);
		}
		base += j.lines.total_size;
		if (err) {
			fputs("tracewall: ", stderr);
			tw_cli_puts_safe(stderr, files[i]);
			fprintf(stderr, ": %s\n",
				err == TW_E_IO && j.ec.msg[0] ? j.ec.msg : tw_strerror(err));
			if (err == TW_E_IO && !o->events)
				st.files_failed++;
			rc = TW_EXIT_INPUT;
		}
		tw_lines_close(&j.lines);
	}
	tw_progress_finish(&prog);

	if (o->events) {
		if (tw_buf_flush(&out, stdout))
			rc = TW_EXIT_INPUT;
	} else {
		size_t n = 0;
		/* The evidence lines noted by offset, read back for the outputs that show
		 * them. */
		if (o->json || o->explain)
			resolve_evidence(o, files, nfiles, &agg);
		struct tw_srcsum *sums = tw_agg_summarise(&agg, o->top_ports, &n);
		/* Offline enrichment: the network index when there is one (never the network). */
		struct tw_netdb nd;
		bool have_nd = sums && open_netdb(&nd);
		if (have_nd)
			tw_enrich_sources(sums, n, &nd);
		/* Reverse DNS only when asked, once per distinct source shown. */
		struct tw_rdns_result *rr = NULL;
		struct tw_cli_lookup *lk = &o->lk;
		tw_cli_lookup_start(lk);
		if (sums && o->lk.rdns)
			rr = reverse_dns(o, sums, n);
		struct tw_abuse_result *ar = NULL;
		if (sums && o->lk.abuse)
			ar = abuse_contacts(o, sums, n, &rc);
		if (!sums) {
			fprintf(stderr, "tracewall: out of memory\n");
			rc = TW_EXIT_INPUT;
		} else {
			if (o->explain) {
				explain_report(o, files, sums, n, &out);
				if (tw_buf_flush(&out, stdout))
					rc = TW_EXIT_INPUT;
				tw_agg_summary_free(sums);
				goto done;
			}
			const struct tw_output *w = o->json ? &tw_out_json : &tw_out_text;
			size_t shown = n;
			long top = o->top >= 0 ? o->top : (o->json ? 0 : 20);
			if (top > 0 && (size_t)top < n)
				shown = (size_t)top;
			st.pruned_srcs = agg.pruned_srcs;
			st.pruned_packets = agg.pruned_packets;
			st.prune_below = agg.prune_below;
			w->write_summary(&out, &st, sums, n, shown);
			if (tw_buf_flush(&out, stdout))
				rc = TW_EXIT_INPUT;
			tw_agg_summary_free(sums);
		}
	done:
		tw_cli_lookup_end(lk);
		free(rr);
		free(ar);
		if (have_nd)
			tw_netdb_close(&nd);
		if (agg.oom)
			fprintf(stderr,
				"tracewall: warning: out of memory, counts are incomplete\n");
	}
	if (fflush(stdout) != 0 && errno != EPIPE) {
		fprintf(stderr, "tracewall: cannot write output: %s\n", strerror(errno));
		rc = TW_EXIT_INPUT;
	}
	tw_buf_fini(&out);
	tw_agg_fini(&agg);
	return rc;
}

int tw_cmd_analyze(int argc, char **argv)
{
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
		O_DSHIELD
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
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct opts o = {.top = -1, .top_ports = 5};
	static struct tw_conf conf;
	long long v;
	int c;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	o.threads = ncpu < 1 ? 1 : ncpu > MAX_THREADS ? MAX_THREADS : (unsigned)ncpu;
	if (tw_cli_load_config(argc, argv, &conf))
		return TW_EXIT_USAGE;
	tw_cli_lookup_defaults(&conf, &o.lk);
	optind = 1;
	while ((c = getopt_long(argc, argv, "vh", lopts, NULL)) != -1) {
		switch (c) {
		case O_JSON: o.json = true; break;
		case O_EVENTS: o.events = true; break;
		case O_DSHIELD: o.events = o.dshield = true; break;
		case O_TOP:
			if (tw_cli_num(optarg, 0, 100000000, &v))
				goto bad_num;
			o.top = v;
			break;
		case O_TOPPORTS:
			if (tw_cli_num(optarg, 0, 8, &v))
				goto bad_num;
			o.top_ports = (unsigned)v;
			break;
		case O_SINCE:
		case O_UNTIL: {
			int64_t t;
			if (tw_time_parse_user(optarg, &t)) {
				fprintf(stderr,
					"tracewall: %s: not a time (want RFC 3339 or "
					"YYYY-MM-DD[ HH:MM[:SS]])\n",
					c == O_SINCE ? "--since" : "--until");
				return TW_EXIT_USAGE;
			}
			if (c == O_SINCE) {
				o.since = t;
				o.has_since = true;
			} else {
				o.until = t;
				o.has_until = true;
			}
			break;
		}
		case O_FORMAT:
			o.format = tw_input_find(optarg);
			if (!o.format) {
				fprintf(stderr, "tracewall: unknown format '");
				tw_cli_puts_safe(stderr, optarg);
				fprintf(stderr, "' (see --list-formats)\n");
				return TW_EXIT_USAGE;
			}
			break;
		case O_LIST: list_formats(); return TW_EXIT_OK;
		case O_YEAR:
			if (tw_cli_num(optarg, 1970, TW_TIME_MAX_YEAR, &v))
				goto bad_num;
			o.year = (int)v;
			break;
		case O_TZ:
			if (!valid_zone(optarg)) {
				fprintf(stderr, "tracewall: --tz: unknown time zone '");
				tw_cli_puts_safe(stderr, optarg);
				fprintf(stderr, "'\n");
				return TW_EXIT_USAGE;
			}
			setenv("TZ", optarg, 1);
			break;
		case O_CODEPAGE:
			if (tw_codepage_set(optarg) != TW_OK) {
				fprintf(stderr, "tracewall: --codepage: unknown code page '");
				tw_cli_puts_safe(stderr, optarg);
				fprintf(stderr, "'\n");
				return TW_EXIT_USAGE;
			}
			break;
		case O_OWN: {
			struct tw_errctx ec;
			memset(&ec, 0, sizeof(ec));
			if (tw_conf_add_own(&conf, optarg, &ec) != TW_OK) {
				fputs("tracewall: --own: ", stderr);
				tw_cli_puts_safe(stderr, ec.msg);
				fputc('\n', stderr);
				return TW_EXIT_USAGE;
			}
			break;
		}
		case O_CONFIG: break; /* read before the other options */
		case O_RDNS: o.lk.rdns = true; break;
		case O_DNS_SERVER: o.lk.rdns_opts.servers = optarg; break;
		case O_ABUSE: o.lk.abuse = true; break;
		case O_BOOTSTRAP: o.lk.abuse_opts.bootstrap_dir = optarg; break;
		case O_WHOIS_CONNECT: o.lk.abuse_opts.whois_connect = optarg; break;
		case O_DB: o.lk.db = optarg; break;
		case O_ABUSIX: o.lk.abuse_opts.abusix = true; break;
		case O_NO_CACHE: o.lk.no_cache = true; break;
		case O_NETDB:
			if (strlen(optarg) >= sizeof(conf.netdb)) {
				fputs("tracewall: --netdb: path too long\n", stderr);
				return TW_EXIT_USAGE;
			}
			snprintf(conf.netdb, sizeof(conf.netdb), "%s", optarg);
			break;
		case O_EXPLAIN:
			if (tw_addr_parse(optarg, strlen(optarg), &o.explain_addr) != TW_OK) {
				fprintf(stderr, "tracewall: --explain: not an address: '");
				tw_cli_puts_safe(stderr, optarg);
				fprintf(stderr, "'\n");
				return TW_EXIT_USAGE;
			}
			o.explain = true;
			break;
		case O_SIGNATURES:
			if (strlen(optarg) >= sizeof(conf.signatures)) {
				fputs("tracewall: --signatures: path too long\n", stderr);
				return TW_EXIT_USAGE;
			}
			snprintf(conf.signatures, sizeof(conf.signatures), "%s", optarg);
			break;
		case O_THREADS:
			if (tw_cli_num(optarg, 1, MAX_THREADS, &v))
				goto bad_num;
			o.threads = (unsigned)v;
			break;
		case 'v': o.verbose = true; break;
		case 'h': usage(stdout); return TW_EXIT_OK;
		default: usage(stderr); return TW_EXIT_USAGE;
		}
	}
	tzset();
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
	tw_conf_set_active(&conf);
	if (optind >= argc && isatty(STDIN_FILENO))
		fprintf(stderr, "tracewall: reading standard input (end with Ctrl-D); "
				"give FILE arguments or pipe a log in, see --help\n");
	char *dash[] = {(char *)"-"};
	char **files = optind < argc ? argv + optind : dash;
	int nfiles = optind < argc ? argc - optind : 1;
	return analyze(&o, files, nfiles);
bad_num:
	fprintf(stderr, "tracewall: %s: bad number '", argv[optind - 1]);
	tw_cli_puts_safe(stderr, optarg);
	fprintf(stderr, "'\n");
	return TW_EXIT_USAGE;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `tracewall watch`: the probes the shield logs to NFLOG, live — each decoded and
 * classified like a capture's packets (Messenger spam down to its text), written as one
 * JSON event per line (DESIGN.md's --events contract, "msg" when decoded) or one line of
 * text. The first piece of the watch daemon (issue 8). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "classify/sigs.h"
#include "cli/cli.h"
#include "cli/lookup.h"
#include "core/esc.h"
#include "core/time.h"
#include "decode/decode.h"
#include "input/nflog.h"
#include "output/output.h"
#include "pipeline/pipeline.h"
#include "shield/policy.h"
#include "shield/shield.h"
#include "store/ingest.h"

static volatile sig_atomic_t stop_now;

static void on_signal(int sig)
{
	(void)sig;
	stop_now = 1;
}

struct watch {
	bool json, quiet;
	long count, seen;
	struct tw_decode_state dst;
	struct tw_buf out;
	/* --store: incidents gathered here, committed every --flush seconds. */
	struct tw_live live;
	struct tw_store *st;
	/* --ban-after N: the auto-ban policy with [ban] after = N. */
	const struct tw_conf *conf;
	struct tw_banner banner;
	uint64_t bans;
	struct tw_pipe pipe; /* the configuration and the evidence lines of live packets */
};

static int on_event(void *ctx, struct tw_event *ev)
{
	struct watch *w = ctx;
	struct tw_verdict v;
	/* The evidence for a live packet: a one-line summary of it (with the message). */
	char sum[800];
	size_t sl = tw_pipe_live(&w->pipe, ev, &w->dst, &v, sum, sizeof(sum));
	if (w->st) {
		if (tw_live_add(&w->live, ev, &v, sum, sl))
			fputs("tracewall: watch: out of memory, an event not stored\n", stderr);
	}
	if (w->conf->ban_after) {
		struct tw_ban_done bd;
		struct tw_errctx ec;
		char as[TW_ADDR_STRLEN];
		memset(&ec, 0, sizeof(ec));
		int r = tw_autoban(&w->banner, w->conf, w->st, ev, tw_time_now(), &bd, &ec);
		tw_addr_format(&ev->src, as);
		if (r < 0) {
			fprintf(stderr, "watch: could not ban %s: ", as);
			tw_cli_puts_safe(stderr, ec.msg);
			fputc('\n', stderr);
		} else if (r > 0) {
			w->bans++;
			fprintf(stderr, "watch: banned %s for %llds after %u probes\n", as,
				(long long)bd.seconds, bd.probes);
		}
	}
	if (w->quiet) {
	} else if (w->json) {
		tw_out_json.write_event(&w->out, ev, &v, "nflog");
	} else {
		char t[TW_TIME_STRLEN], s[TW_ADDR_STRLEN], dd[TW_ADDR_STRLEN];
		tw_time_format(ev->ts, false, t);
		tw_addr_format(&ev->src, s);
		tw_addr_format(&ev->dst, dd);
		const char *pn = tw_proto_name(ev->proto);
		tw_buf_printf(&w->out, "%s  %s:%u -> %s:%u %s  %s", t, s, ev->sport, dd, ev->dport,
			      pn ? pn : "?", tw_class_name(v.cls));
		if (ev->prefix.len) {
			tw_buf_adds(&w->out, "  [");
			tw_esc_term(&w->out, ev->prefix.p, ev->prefix.len);
			tw_buf_adds(&w->out, "]");
		}
		tw_buf_addc(&w->out, '\n');
	}
	tw_buf_flush(&w->out, stdout);
	fflush(stdout);
	w->seen++;
	return stop_now || (w->count > 0 && w->seen >= w->count);
}

static void watch_usage(FILE *f)
{
	fputs("usage: tracewall watch [--nflog GROUP] [--json] [--count N] "
	      "[--timeout S]\n"
	      "\nThe probes the shield logs (NFLOG group [shield] nflog-group, 7), "
	      "live:\n"
	      "decoded (Messenger spam down to its text) and classified, one line "
	      "or one\n"
	      "JSON event each. Needs CAP_NET_ADMIN. Ends after --count events, "
	      "--timeout\n"
	      "seconds, or on SIGINT/SIGTERM, with the counts (received, decoded, "
	      "skipped,\n"
	      "lost to buffer overruns) on stderr. --store commits the incidents "
	      "to the\n"
	      "store every --flush seconds (5) and at the end; --ban-after N bans "
	      "a source\n"
	      "at its Nth probe for [shield] ban-timeout (never special-purpose or "
	      "own\n"
	      "addresses, never on UDP alone unless --ban-forgeable).\n",
	      f);
}

/* What watch's options say beside 'struct watch'. */
struct watch_opts {
	long group, timeout_s, flush_s;
	bool store, forgeable;
	uint32_t ban_after;
	const char *db;
};

/* watch's options. -1 to go on, else the exit status. */
static int watch_args(int argc, char **argv, struct watch *w, struct watch_opts *wo)
{
	static const struct option lopts[] = {{"nflog", required_argument, NULL, 'g'},
					      {"json", no_argument, NULL, 'j'},
					      {"count", required_argument, NULL, 'c'},
					      {"timeout", required_argument, NULL, 't'},
					      {"config", required_argument, NULL, 'C'},
					      {"store", no_argument, NULL, 's'},
					      {"db", required_argument, NULL, 'd'},
					      {"flush", required_argument, NULL, 'f'},
					      {"ban-after", required_argument, NULL, 'b'},
					      {"ban-forgeable", no_argument, NULL, 'F'},
					      {"quiet", no_argument, NULL, 'q'},
					      {"help", no_argument, NULL, 'h'},
					      {NULL, 0, NULL, 0}};
	long long v;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'g':
			if (tw_cli_num_opt("--nflog", optarg, 0, 65535, &v))
				return TW_EXIT_USAGE;
			wo->group = (long)v;
			break;
		case 'j': w->json = true; break;
		case 'c':
			if (tw_cli_num_opt("--count", optarg, 0, 1000000000000, &v))
				return TW_EXIT_USAGE;
			w->count = (long)v;
			break;
		case 't':
			if (tw_cli_num_opt("--timeout", optarg, 1, 31536000, &v))
				return TW_EXIT_USAGE;
			wo->timeout_s = (long)v;
			break;
		case 'C': break;
		case 's': wo->store = true; break;
		case 'd':
			wo->db = optarg;
			wo->store = true;
			break;
		case 'f':
			if (tw_cli_num_opt("--flush", optarg, 1, 86400, &v))
				return TW_EXIT_USAGE;
			wo->flush_s = (long)v;
			break;
		case 'b':
			if (tw_cli_num_opt("--ban-after", optarg, 1, 1000000000, &v))
				return TW_EXIT_USAGE;
			wo->ban_after = (uint32_t)v;
			break;
		case 'F': wo->forgeable = true; break;
		case 'q': w->quiet = true; break;
		case 'h':
		default:
			watch_usage(c == 'h' ? stdout : stderr);
			return c == 'h' ? TW_EXIT_OK : TW_EXIT_USAGE;
		}
	}
	return -1;
}

/* Reads NFLOG in one-second slices (a signal is seen within a second) until --count,
 * --timeout or a signal, committing every --flush seconds and at the end. */
static int watch_loop(struct watch *w, struct tw_nflog *nl, struct tw_store *st,
		      const struct watch_opts *wo, struct tw_errctx *ec)
{
	int r = TW_OK;
	long left = wo->timeout_s, since_flush = 0;
	for (;;) {
		bool more = !stop_now && (w->count <= 0 || w->seen < w->count) && left != 0 && !r;
		if (more)
			r = tw_nflog_run(nl, 1000, on_event, w, ec);
		if (left > 0)
			left--;
		/* Commit what was gathered: every --flush seconds and at the end. */
		if (st && w->live.pending && (++since_flush >= wo->flush_s || !more)) {
			struct tw_errctx sec;
			memset(&sec, 0, sizeof(sec));
			if (tw_live_commit(st, &w->live, NULL, &sec)) {
				fputs("tracewall: watch: ", stderr);
				tw_cli_puts_safe(stderr, sec.msg);
				fputc('\n', stderr);
			}
			since_flush = 0;
		}
		if (!more)
			break;
	}
	return r;
}

int tw_cmd_watch(int argc, char **argv)
{
	static struct tw_conf conf;
	struct watch w = {0};
	struct watch_opts wo = {.group = -1, .timeout_s = -1, .flush_s = 5};
	if (tw_cli_load_config(argc, argv, &conf))
		return TW_EXIT_USAGE;
	int pr = watch_args(argc, argv, &w, &wo);
	if (pr >= 0)
		return pr;
	long group = wo.group < 0 ? (long)conf.nflog_group : wo.group;
	if (optind < argc) {
		fputs("tracewall: watch: no file arguments\n", stderr);
		return TW_EXIT_USAGE;
	}
	/* Bans only when asked (the daemon's [ban] after is for the daemon). */
	conf.ban_after = wo.ban_after;
	conf.ban_forgeable |= wo.forgeable;
	w.conf = &conf;
	w.pipe = (struct tw_pipe){.conf = &conf, .evline = tw_out_evidence_line};
	(void)tw_sigs_active();
	struct tw_nflog *nl = NULL;
	struct tw_errctx ec;
	memset(&ec, 0, sizeof(ec));
	if (tw_nflog_open(&nl, (unsigned)group, &ec)) {
		fputs("tracewall: ", stderr);
		tw_cli_puts_safe(stderr, ec.msg);
		fputc('\n', stderr);
		return TW_EXIT_INPUT;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	tw_decode_state_init(&w.dst);
	tw_buf_init(&w.out);
	tw_banner_init(&w.banner, 0);
	struct tw_store *st = NULL;
	char name[32];
	snprintf(name, sizeof(name), "nflog:%ld", group);
	tw_live_init(&w.live, name, &conf);
	if (wo.store) {
		char path[4096];
		if (wo.db)
			snprintf(path, sizeof(path), "%s", wo.db);
		else if (tw_store_default_path(path, sizeof(path)) != TW_OK)
			path[0] = '\0';
		if (!path[0] || tw_store_open(&st, path, &ec)) {
			fputs("tracewall: ", stderr);
			tw_cli_puts_safe(stderr, path[0] ? ec.msg : "no store path");
			fputc('\n', stderr);
			tw_nflog_close(nl);
			return TW_EXIT_STORE;
		}
	}
	w.st = st;
	int r = watch_loop(&w, nl, st, &wo, &ec);
	if (st)
		fprintf(stderr, "watch: %llu events stored, %llu bans\n",
			(unsigned long long)w.live.stored, (unsigned long long)w.bans);
	tw_store_close(st);
	tw_live_fini(&w.live);
	tw_banner_fini(&w.banner);
	struct tw_nflog_stats ns;
	tw_nflog_stats(nl, &ns);
	fprintf(stderr,
		"watch: %llu received, %llu decoded into events, %llu skipped, %llu lost to buffer "
		"overruns\n",
		(unsigned long long)ns.received, (unsigned long long)ns.parsed,
		(unsigned long long)ns.skipped, (unsigned long long)ns.overruns);
	tw_decode_state_fini(&w.dst);
	tw_buf_fini(&w.out);
	tw_nflog_close(nl);
	if (r) {
		fputs("tracewall: ", stderr);
		tw_cli_puts_safe(stderr, ec.msg);
		fputc('\n', stderr);
		return TW_EXIT_INPUT;
	}
	return TW_EXIT_OK;
}

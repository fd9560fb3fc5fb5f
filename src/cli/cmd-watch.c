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

static volatile sig_atomic_t stop_now;

static void on_signal(int sig)
{
	(void)sig;
	stop_now = 1;
}

struct watch {
	bool json;
	long count, seen;
	struct tw_decode_state dst;
	struct tw_buf out;
};

static int on_event(void *ctx, struct tw_event *ev)
{
	struct watch *w = ctx;
	struct tw_verdict v;
	struct tw_decoded d;
	tw_classify_decoded(ev, ev->payload.p && tw_decode(ev, &d, &w->dst) == TW_OK ? &d : NULL,
			    &v);
	if (w->json) {
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

int tw_cmd_watch(int argc, char **argv)
{
	static const struct option lopts[] = {{"nflog", required_argument, NULL, 'g'},
					      {"json", no_argument, NULL, 'j'},
					      {"count", required_argument, NULL, 'c'},
					      {"timeout", required_argument, NULL, 't'},
					      {"config", required_argument, NULL, 'C'},
					      {"help", no_argument, NULL, 'h'},
					      {NULL, 0, NULL, 0}};
	static struct tw_conf conf;
	struct watch w = {0};
	long group = -1, timeout_s = -1;
	int c;
	if (tw_cli_load_config(argc, argv, &conf))
		return TW_EXIT_USAGE;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'g': group = atol(optarg); break;
		case 'j': w.json = true; break;
		case 'c': w.count = atol(optarg); break;
		case 't': timeout_s = atol(optarg); break;
		case 'C': break;
		case 'h':
		default:
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
			      "lost to buffer overruns) on stderr.\n",
			      c == 'h' ? stdout : stderr);
			return c == 'h' ? TW_EXIT_OK : TW_EXIT_USAGE;
		}
	}
	if (group < 0)
		group = conf.nflog_group;
	if (group > 65535 || optind < argc) {
		fputs("tracewall: watch: --nflog 0-65535, no file arguments\n", stderr);
		return TW_EXIT_USAGE;
	}
	tw_conf_set_active(&conf);
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
	int r = TW_OK;
	long left = timeout_s;
	/* In slices, so that a signal is seen within a second. */
	while (!stop_now && (w.count <= 0 || w.seen < w.count) && left != 0 && !r) {
		r = tw_nflog_run(nl, 1000, on_event, &w, &ec);
		if (left > 0)
			left--;
	}
	struct tw_nflog_stats st;
	tw_nflog_stats(nl, &st);
	fprintf(stderr,
		"watch: %llu received, %llu decoded into events, %llu skipped, %llu lost to buffer "
		"overruns\n",
		(unsigned long long)st.received, (unsigned long long)st.parsed,
		(unsigned long long)st.skipped, (unsigned long long)st.overruns);
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

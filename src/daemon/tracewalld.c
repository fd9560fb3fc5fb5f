/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tracewalld (issue 8): one event loop (epoll) over the shield's NFLOG group, followed log
 * files (inotify) and journald's kernel messages, feeding the same decoders and classifier
 * as files — Messenger spam decoded live, down to its text. The incidents go to the store
 * every few seconds ([daemon] flush); the auto-ban policy (shield/policy.h) fills the ban
 * sets. For systemd: sd_notify readiness, status and watchdog; SIGHUP reloads the
 * configuration (a bad one is refused, the old one kept); SIGTERM commits what is pending
 * and stops. After start it keeps only CAP_NET_ADMIN (NFLOG, nftables) and can never gain
 * another (no_new_privs, an empty bounding set). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <cap-ng.h>
#include <systemd/sd-daemon.h>

#include "classify/classify.h"
#include "core/conf.h"
#include "classify/sigs.h"
#include "core/addr.h"
#include "core/cursor.h"
#include "core/esc.h"
#include "core/time.h"
#include "daemon/follow.h"
#include "decode/decode.h"
#include "input/journal.h"
#include "input/nflog.h"
#include "shield/policy.h"
#include "output/output.h"
#include "pipeline/pipeline.h"
#include "store/ingest.h"
#include "store/store.h"

enum { EXIT_OK = 0, EXIT_USAGE = 2, EXIT_INPUT = 3, EXIT_STORE = 4 };

/* What the command line says; it wins over the configuration, at start and on reload. */
struct opts {
	const char *config, *db, *journal_dir;
	char follow[2048];
	long nflog_group; /* -1: the configuration's */
	long flush_s;	  /* 0: the configuration's */
	bool no_nflog, journal, no_ban, keep_caps;
};

struct daemon {
	struct opts o;
	/* The configuration in force: immutable, replaced whole on SIGHUP (only when nothing
	 * read under the old one is still pending). */
	const struct tw_conf *conf;
	struct tw_pipe pipe; /* live packets: the configuration and their evidence lines */
	char db[4096];
	struct tw_store *st;
	int ep, sfd;
	/* NFLOG */
	struct tw_nflog *nl;
	long group;
	struct tw_live nlive;
	struct tw_decode_state dst;
	/* journald */
	struct tw_journal *jr;
	char jdir[1024];
	struct tw_live jlive;
	char jcommitted[512];
	bool jmore; /* the last read stopped at its bound: more is waiting */
	/* files */
	struct tw_followers fol;
	struct tw_ingest_opts iopts;
	/* auto-ban */
	struct tw_banner banner;
	uint64_t events, bans, ban_errors;
	uint64_t said_skipped, said_overruns; /* NFLOG counts last reported, and when next */
	int64_t next_skip_report, next_overrun_report;
	bool stop, reload;
};

/* One line on stderr (journald's), hostile bytes neutralised. */
__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
	char m[1024], out[1100];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	size_t used = 0, n = tw_esc_term_into(m, strlen(m), &used, out, sizeof(out) - 1);
	out[n] = '\0';
	fprintf(stderr, "tracewalld: %s\n", out);
}

static void warn_cb(void *ctx, const char *msg)
{
	(void)ctx;
	say("%s", msg);
}

/* ---- configuration ---------------------------------------------------------------------- */

static int load_conf(const struct opts *o, struct tw_conf *c)
{
	struct tw_errctx ec;
	const char *env = getenv(TW_CONF_ENV);
	const char *path = o->config ? o->config : env && *env ? env : TW_CONF_DEFAULT_PATH;
	memset(&ec, 0, sizeof(ec));
	tw_conf_defaults(c);
	int r = tw_conf_load(path, c, &ec);
	if (r && !(r == TW_E_NOTFOUND && !o->config)) {
		say("%s", ec.msg);
		return r;
	}
	if (o->nflog_group >= 0)
		c->nflog_group = (uint32_t)o->nflog_group;
	if (o->no_nflog)
		c->daemon_nflog = false;
	if (o->journal || o->journal_dir)
		c->daemon_journal = true;
	if (o->journal_dir)
		snprintf(c->daemon_journal_dir, sizeof(c->daemon_journal_dir), "%s",
			 o->journal_dir);
	if (o->flush_s > 0)
		c->daemon_flush = (int64_t)o->flush_s * 1000000000;
	if (o->no_ban)
		c->ban_after = 0;
	if (o->follow[0]) {
		size_t l = strlen(c->daemon_follow);
		if (l + 1 + strlen(o->follow) >= sizeof(c->daemon_follow)) {
			say("--follow: too many files");
			return TW_E_RANGE;
		}
		snprintf(c->daemon_follow + l, sizeof(c->daemon_follow) - l, "%s%s", l ? "," : "",
			 o->follow);
	}
	if (c->daemon_flush < 1000000000)
		c->daemon_flush = 1000000000;
	return TW_OK;
}

/* The configuration's rules ([analyze] signatures; "" the compiled-in ones) made active. A
 * bad rule file: said, and the rules in force kept. */
static int use_sigs(const struct tw_conf *c)
{
	struct tw_errctx ec;
	memset(&ec, 0, sizeof(ec));
	int r = tw_sigs_use(c->signatures, &ec);
	if (r)
		say("%s", ec.msg);
	return r;
}

/* ---- events ------------------------------------------------------------------------------ */

/* Every event, whatever its source: the auto-ban policy. */
static void police(struct daemon *d, const struct tw_event *ev)
{
	struct tw_ban_done bd;
	struct tw_errctx ec;
	char as[TW_ADDR_STRLEN];
	d->events++;
	if (!d->conf->ban_after)
		return;
	memset(&ec, 0, sizeof(ec));
	int r = tw_autoban(&d->banner, d->conf, d->st, ev, tw_time_now(), &bd, &ec);
	if (r == 0)
		return;
	tw_addr_format(&ev->src, as);
	if (r < 0) {
		d->ban_errors++;
		say("could not ban %s: %s", as, ec.msg);
		return;
	}
	d->bans++;
	say("banned %s for %llds (offense %u: %u probes within %llds)", as, (long long)bd.seconds,
	    bd.offense, bd.probes, (long long)(d->conf->ban_window / 1000000000));
}

static void commit(struct daemon *d);

static void live_event(struct daemon *d, struct tw_live *l, const struct tw_event *ev,
		       const struct tw_verdict *v, const char *line, size_t len)
{
	if (tw_live_add(l, ev, v, line, len))
		say("out of memory: an event of %s not stored", l->name);
	/* As many sources as memory may hold until the next flush: stored now (the journal
	 * with the cursor of this entry), never some dropped. */
	if (tw_live_full(l))
		commit(d);
	police(d, ev);
}

static int on_nflog(void *ctx, struct tw_event *ev)
{
	struct daemon *d = ctx;
	struct tw_verdict v;
	char sum[800];
	size_t sl = tw_pipe_live(&d->pipe, ev, &d->dst, &v, sum, sizeof(sum));
	live_event(d, &d->nlive, ev, &v, sum, sl);
	return 0;
}

static void on_journal(void *ctx, struct tw_event *ev, const char *line, size_t len)
{
	struct daemon *d = ctx;
	struct tw_verdict v;
	tw_classify(ev, &v);
	live_event(d, &d->jlive, ev, &v, line, len);
}

static void on_file_event(void *ctx, const struct tw_event *ev, const struct tw_verdict *v)
{
	(void)v;
	police(ctx, ev);
}

/* ---- sources ----------------------------------------------------------------------------- */

/* What the journal has, at most 10,000 entries a turn of the loop (a backlog goes on at
 * the next turn, without waiting for a wake-up). */
static void read_journal(struct daemon *d)
{
	struct tw_errctx ec;
	memset(&ec, 0, sizeof(ec));
	int n = d->jr ? tw_journal_read(d->jr, 10000, on_journal, d, &ec) : 0;
	if (n < 0)
		say("%s", ec.msg);
	d->jmore = n == 10000;
}

static void commit(struct daemon *d)
{
	struct tw_errctx ec;
	memset(&ec, 0, sizeof(ec));
	if (d->nlive.pending && tw_live_commit(d->st, &d->nlive, NULL, &ec))
		say("%s", ec.msg);
	if (d->jr) {
		const char *cur = tw_journal_cursor(d->jr);
		bool moved = *cur && strcmp(cur, d->jcommitted);
		if ((d->jlive.pending || moved) &&
		    tw_live_commit(d->st, &d->jlive, moved ? cur : NULL, &ec) == TW_OK)
			snprintf(d->jcommitted, sizeof(d->jcommitted), "%s", cur);
		else if (d->jlive.pending || moved)
			say("%s", ec.msg);
	}
}

static int watch_fd(struct daemon *d, int fd, uint32_t tag)
{
	struct epoll_event e = {.events = EPOLLIN, .data.u32 = tag};
	return epoll_ctl(d->ep, EPOLL_CTL_ADD, fd, &e);
}

enum { TAG_SIGNAL = 1, TAG_NFLOG, TAG_JOURNAL, TAG_INOTIFY };

static int open_nflog(struct daemon *d)
{
	struct tw_errctx ec;
	memset(&ec, 0, sizeof(ec));
	if (d->nl && (!d->conf->daemon_nflog || d->group != (long)d->conf->nflog_group)) {
		tw_nflog_close(d->nl); /* its descriptor leaves the epoll set as it closes */
		d->nl = NULL;
	}
	if (!d->conf->daemon_nflog || d->nl)
		return TW_OK;
	if (tw_nflog_open(&d->nl, d->conf->nflog_group, &ec) ||
	    watch_fd(d, tw_nflog_fd(d->nl), TAG_NFLOG)) {
		say("%s", ec.msg[0] ? ec.msg : "NFLOG: cannot watch");
		tw_nflog_close(d->nl);
		d->nl = NULL;
		return TW_E_PERM;
	}
	d->group = (long)d->conf->nflog_group;
	d->said_skipped = d->said_overruns = 0; /* a new handle counts from 0 */
	char name[32];
	snprintf(name, sizeof(name), "nflog:%ld", d->group);
	snprintf(d->nlive.name, sizeof(d->nlive.name), "%s", name);
	say("reading NFLOG group %ld", d->group);
	return TW_OK;
}

static int open_journal(struct daemon *d)
{
	struct tw_errctx ec;
	const char *dir = d->conf->daemon_journal_dir[0] ? d->conf->daemon_journal_dir : NULL;
	memset(&ec, 0, sizeof(ec));
	if (d->jr && (!d->conf->daemon_journal || strcmp(d->jdir, dir ? dir : ""))) {
		commit(d);
		tw_journal_close(d->jr);
		d->jr = NULL;
	}
	if (!d->conf->daemon_journal || d->jr)
		return TW_OK;
	char cursor[512];
	if (tw_store_live_cursor(d->st, d->jlive.name, cursor, sizeof(cursor)) != TW_OK)
		cursor[0] = '\0';
	if (tw_journal_open(&d->jr, dir, cursor, &ec) ||
	    watch_fd(d, tw_journal_fd(d->jr), TAG_JOURNAL)) {
		say("%s", ec.msg[0] ? ec.msg : "journal: cannot watch");
		tw_journal_close(d->jr);
		d->jr = NULL;
		return TW_E_IO;
	}
	snprintf(d->jdir, sizeof(d->jdir), "%s", dir ? dir : "");
	snprintf(d->jcommitted, sizeof(d->jcommitted), "%s", cursor);
	say("following the journal%s%s (kernel messages)%s", dir ? " in " : "", dir ? dir : "",
	    cursor[0] ? ", from where it was left" : "");
	return TW_OK;
}

static int set_sources(struct daemon *d)
{
	struct tw_errctx ec;
	memset(&ec, 0, sizeof(ec));
	int r = open_nflog(d);
	if (!r)
		r = open_journal(d);
	if (!r && tw_followers_set(&d->fol, d->conf->daemon_follow, &ec)) {
		say("%s", ec.msg);
		r = TW_E_INVALID;
	}
	for (size_t i = 0; !r && i < d->fol.n; i++)
		say("following %s", d->fol.f[i].path);
	return r;
}

/* Makes 'c' (owned) the configuration in force for everything read from now on. */
static void use_conf(struct daemon *d, struct tw_conf *c)
{
	free((void *)d->conf);
	d->conf = c;
	d->pipe = (struct tw_pipe){.conf = c, .evline = tw_out_evidence_line};
	d->iopts.conf = c;
	tw_live_fini(&d->nlive);
	tw_live_fini(&d->jlive);
	tw_live_init(&d->nlive, "nflog:7", c);
	tw_live_init(&d->jlive, "journal", c);
}

/* A new configuration, read and checked whole: NULL when it is bad (said why). */
static struct tw_conf *read_conf(const struct opts *o)
{
	struct tw_conf *c = calloc(1, sizeof(*c));
	if (!c) {
		say("out of memory");
		return NULL;
	}
	if (load_conf(o, c) || use_sigs(c)) {
		free(c);
		return NULL;
	}
	return c;
}

static void reload(struct daemon *d)
{
	struct timespec mt;
	clock_gettime(CLOCK_MONOTONIC, &mt);
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
		   (unsigned long long)mt.tv_sec * 1000000ull +
		       (unsigned long long)mt.tv_nsec / 1000);
	struct tw_conf *nc = read_conf(&d->o);
	if (!nc) {
		say("reload refused: the configuration in force is kept");
		sd_notify(0, "READY=1\nSTATUS=reload refused (bad configuration), old one kept");
		return;
	}
	/* What was read under the old configuration is judged and committed under it. */
	commit(d);
	if (d->nlive.pending || d->jlive.pending) {
		free(nc);
		say("reload deferred: events read before it are not committed yet; send SIGHUP "
		    "again");
		sd_notify(0, "READY=1\nSTATUS=reload deferred (uncommitted events)");
		return;
	}
	use_conf(d, nc);
	if (set_sources(d))
		say("reload: a source could not be opened (see above)");
	say("reloaded: ban after %u probes within %llds, for %llds", d->conf->ban_after,
	    (long long)(d->conf->ban_window / 1000000000),
	    (long long)(d->conf->ban_timeout / 1000000000));
	sd_notify(0, "READY=1\nSTATUS=configuration reloaded");
}

/* ---- privileges -------------------------------------------------------------------------- */

/* Keeps CAP_NET_ADMIN (NFLOG, the ban sets) and nothing else, for good. */
static int drop_caps(void)
{
	capng_get_caps_process();
	bool setpcap = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP);
	bool netadmin = capng_have_capability(CAPNG_EFFECTIVE, CAP_NET_ADMIN);
	capng_clear(setpcap ? CAPNG_SELECT_BOTH : CAPNG_SELECT_CAPS);
	if (netadmin)
		capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_NET_ADMIN);
	if (netadmin && setpcap)
		capng_update(CAPNG_ADD, CAPNG_BOUNDING_SET, CAP_NET_ADMIN);
	if (capng_apply(setpcap ? CAPNG_SELECT_BOTH : CAPNG_SELECT_CAPS) != 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return 0;
}

/* ---- main -------------------------------------------------------------------------------- */

static void usage(FILE *f)
{
	fputs("usage: tracewalld [--config FILE] [--db PATH] [--nflog GROUP | --no-nflog]\n"
	      "                  [--follow FILE]... [--journal | --journal-dir DIR] [--flush S]\n"
	      "                  [--no-ban] [--keep-caps]\n"
	      "\nThe tracewall daemon: the shield's NFLOG group ([shield] nflog-group, 7), log\n"
	      "files ([daemon] follow, --follow) and journald's kernel messages ([daemon]\n"
	      "journal, --journal) read as they come, classified, stored every [daemon] flush\n"
	      "seconds (5), repeat offenders banned by the [ban] policy. Runs in the\n"
	      "foreground (systemd Type=notify); SIGHUP reloads the configuration, SIGTERM\n"
	      "stops. Needs CAP_NET_ADMIN for NFLOG and bans; keeps only it.\n",
	      f);
}

static int num_arg(const char *name, const char *s, long lo, long hi, long *out)
{
	long long v;
	if (tw_num_parse(s, lo, hi, &v)) {
		fprintf(stderr, "tracewalld: %s: want a whole number from %ld to %ld\n", name, lo,
			hi);
		return -1;
	}
	*out = (long)v;
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lopts[] = {{"config", required_argument, NULL, 'C'},
					      {"db", required_argument, NULL, 'd'},
					      {"nflog", required_argument, NULL, 'g'},
					      {"no-nflog", no_argument, NULL, 'N'},
					      {"follow", required_argument, NULL, 'f'},
					      {"journal", no_argument, NULL, 'j'},
					      {"journal-dir", required_argument, NULL, 'J'},
					      {"flush", required_argument, NULL, 'F'},
					      {"no-ban", no_argument, NULL, 'B'},
					      {"keep-caps", no_argument, NULL, 'K'},
					      {"help", no_argument, NULL, 'h'},
					      {"version", no_argument, NULL, 'V'},
					      {NULL, 0, NULL, 0}};
	int c;
	memset(o, 0, sizeof(*o));
	o->nflog_group = -1;
	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'C': o->config = optarg; break;
		case 'd': o->db = optarg; break;
		case 'g':
			if (num_arg("--nflog", optarg, 0, 65535, &o->nflog_group))
				return EXIT_USAGE;
			break;
		case 'N': o->no_nflog = true; break;
		case 'f': {
			size_t l = strlen(o->follow);
			if (l + strlen(optarg) + 2 > sizeof(o->follow) || strchr(optarg, ',')) {
				fputs("tracewalld: --follow: too long, or a ',' in the path\n",
				      stderr);
				return EXIT_USAGE;
			}
			snprintf(o->follow + l, sizeof(o->follow) - l, "%s%s", l ? "," : "",
				 optarg);
			break;
		}
		case 'j': o->journal = true; break;
		case 'J': o->journal_dir = optarg; break;
		case 'F':
			if (num_arg("--flush", optarg, 1, 86400, &o->flush_s))
				return EXIT_USAGE;
			break;
		case 'B': o->no_ban = true; break;
		case 'K': o->keep_caps = true; break;
		case 'V': puts("tracewalld 0.1.0"); return -1;
		case 'h': usage(stdout); return -1;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fputs("tracewalld: no arguments (files are followed with --follow)\n", stderr);
		return EXIT_USAGE;
	}
	return 0;
}

static int64_t mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* NFLOG packets skipped (not IP, malformed) and buffer overruns: each reported when it
 * grows, at most every 10 seconds — never silent, never a flood. */
static void report_losses(struct daemon *d, int64_t now_ms)
{
	struct tw_nflog_stats ns = {0};
	if (!d->nl)
		return;
	tw_nflog_stats(d->nl, &ns);
	if (ns.skipped > d->said_skipped && now_ms >= d->next_skip_report) {
		say("NFLOG: %llu packets skipped so far, %llu since the last report (the last: %s)",
		    (unsigned long long)ns.skipped,
		    (unsigned long long)(ns.skipped - d->said_skipped),
		    ns.last_skip ? ns.last_skip : "?");
		d->said_skipped = ns.skipped;
		d->next_skip_report = now_ms + 10000;
	}
	if (ns.overruns > d->said_overruns && now_ms >= d->next_overrun_report) {
		say("NFLOG: buffer overruns, %llu so far: the kernel logged faster than the daemon "
		    "read, and dropped what did not fit",
		    (unsigned long long)ns.overruns);
		d->said_overruns = ns.overruns;
		d->next_overrun_report = now_ms + 10000;
	}
}

static void status(struct daemon *d)
{
	struct tw_nflog_stats ns = {0};
	if (d->nl)
		tw_nflog_stats(d->nl, &ns);
	sd_notifyf(0, "STATUS=%llu events, %llu stored from NFLOG, %llu bans, %llu NFLOG overruns",
		   (unsigned long long)d->events, (unsigned long long)d->nlive.stored,
		   (unsigned long long)d->bans, (unsigned long long)ns.overruns);
}

static int run(struct daemon *d)
{
	uint64_t wd_usec = 0;
	bool wd = sd_watchdog_enabled(0, &wd_usec) > 0 && wd_usec > 0;
	int64_t flush_ms = d->conf->daemon_flush / 1000000, t = mono_ms();
	int64_t next_flush = t + flush_ms, next_poll = t + 5000, next_wd = t,
		next_status = t + 10000;
	int rc = EXIT_OK;
	while (!d->stop) {
		t = mono_ms();
		int64_t due = next_flush < next_poll ? next_flush : next_poll;
		if (wd && next_wd < due)
			due = next_wd;
		int wait = due <= t || tw_followers_pending(&d->fol) || d->jmore
			       ? 0
			       : (int)(due - t > 1000 ? 1000 : due - t);
		struct epoll_event evs[8];
		int n = epoll_wait(d->ep, evs, 8, wait);
		if (n < 0 && errno != EINTR) {
			say("epoll: %s", strerror(errno));
			rc = EXIT_INPUT;
			break;
		}
		for (int i = 0; i < n; i++) {
			struct tw_errctx ec;
			memset(&ec, 0, sizeof(ec));
			switch (evs[i].data.u32) {
			case TAG_SIGNAL: {
				struct signalfd_siginfo si;
				while (read(d->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
					if (si.ssi_signo == SIGHUP)
						d->reload = true;
					else
						d->stop = true;
				}
				break;
			}
			case TAG_NFLOG:
				if (d->nl && tw_nflog_dispatch(d->nl, on_nflog, d, &ec)) {
					say("%s", ec.msg);
					d->stop = true;
					rc = EXIT_INPUT;
				}
				break;
			case TAG_JOURNAL: read_journal(d); break;
			case TAG_INOTIFY:
				tw_followers_inotify(&d->fol);
				tw_followers_poll(&d->fol, d->st, false, &d->iopts, warn_cb, d);
				break;
			}
		}
		if (tw_followers_pending(&d->fol)) /* the next slice of a long file */
			tw_followers_poll(&d->fol, d->st, false, &d->iopts, warn_cb, d);
		if (d->jmore)
			read_journal(d);
		if (d->reload) {
			d->reload = false;
			reload(d); /* which commits what was pending */
			flush_ms = d->conf->daemon_flush / 1000000;
			next_flush = mono_ms() + flush_ms;
		}
		t = mono_ms();
		if (t >= next_poll) {
			tw_followers_poll(&d->fol, d->st, true, &d->iopts, warn_cb, d);
			read_journal(d); /* a fallback for a missed wake-up */
			next_poll = t + 5000;
		}
		if (t >= next_flush) { /* and at the stop, after the loop */
			commit(d);
			next_flush = t + flush_ms;
		}
		if (wd && t >= next_wd) {
			sd_notify(0, "WATCHDOG=1");
			next_wd = t + (int64_t)(wd_usec / 2000);
		}
		report_losses(d, t);
		if (t >= next_status) {
			status(d);
			next_status = t + 10000;
		}
	}
	return rc;
}

int main(int argc, char **argv)
{
	static struct daemon dd;
	struct daemon *d = &dd;
	struct tw_errctx ec;
	int rc = parse_args(argc, argv, &d->o);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	struct tw_conf *c0 = read_conf(&d->o);
	if (!c0)
		return EXIT_USAGE;
	memset(&ec, 0, sizeof(ec));
	d->ep = d->sfd = -1;
	d->fol.ino_fd = -1;
	tw_live_init(&d->nlive, "nflog:7", c0);
	tw_live_init(&d->jlive, "journal", c0);
	use_conf(d, c0);
	tw_decode_state_init(&d->dst);
	tw_banner_init(&d->banner, 0);
	d->iopts.on_event = on_file_event;
	d->iopts.ctx = d;
	d->iopts.chunk_lines = 100000;
	/* A long file is read 8 MiB at a time between turns of the loop (NFLOG, signals and the
	 * watchdog are served meanwhile). */
	d->iopts.max_bytes = 8u << 20;

	const char *db = d->o.db ? d->o.db : d->conf->db[0] ? d->conf->db : NULL;
	if (db && strlen(db) < sizeof(d->db))
		memcpy(d->db, db, strlen(db) + 1);
	else if (db)
		d->db[0] = '\0';
	else if (tw_store_default_path(d->db, sizeof(d->db)) != TW_OK)
		d->db[0] = '\0';
	if (!d->db[0] || tw_store_open(&d->st, d->db, &ec)) {
		say("%s", d->db[0] ? ec.msg : "no store path");
		rc = EXIT_STORE;
		goto out;
	}
	sigset_t ss;
	sigemptyset(&ss);
	sigaddset(&ss, SIGHUP);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	signal(SIGPIPE, SIG_IGN);
	d->sfd = signalfd(-1, &ss, SFD_NONBLOCK | SFD_CLOEXEC);
	d->ep = epoll_create1(EPOLL_CLOEXEC);
	if (d->sfd < 0 || d->ep < 0 || watch_fd(d, d->sfd, TAG_SIGNAL) ||
	    tw_followers_init(&d->fol, &ec) || watch_fd(d, d->fol.ino_fd, TAG_INOTIFY)) {
		say("cannot set up the event loop: %s", ec.msg[0] ? ec.msg : strerror(errno));
		rc = EXIT_INPUT;
		goto out;
	}
	if (set_sources(d)) {
		rc = EXIT_INPUT;
		goto out;
	}
	if (!d->nl && !d->jr && !d->fol.n) {
		say("nothing to read: NFLOG off, no journal, no file followed");
		rc = EXIT_USAGE;
		goto out;
	}
	if (!d->o.keep_caps && drop_caps())
		say("could not drop capabilities: %s", strerror(errno));
	/* What was already there before the loop starts. */
	tw_followers_poll(&d->fol, d->st, true, &d->iopts, warn_cb, d);
	read_journal(d);
	commit(d);
	say("ready: store %s; %s", d->db,
	    d->conf->ban_after ? "auto-ban on" : "auto-ban off ([ban] after = 0)");
	sd_notify(0, "READY=1\nSTATUS=running");
	rc = run(d);
	sd_notify(0, "STOPPING=1");
	commit(d);
	struct tw_nflog_stats ns = {0};
	if (d->nl)
		tw_nflog_stats(d->nl, &ns);
	say("stopping: %llu events (%llu stored from NFLOG, %llu from the journal), %llu bans; "
	    "NFLOG: %llu received, %llu skipped, %llu lost to buffer overruns",
	    (unsigned long long)d->events, (unsigned long long)d->nlive.stored,
	    (unsigned long long)d->jlive.stored, (unsigned long long)d->bans,
	    (unsigned long long)ns.received, (unsigned long long)ns.skipped,
	    (unsigned long long)ns.overruns);
out:
	tw_nflog_close(d->nl);
	tw_journal_close(d->jr);
	tw_followers_fini(&d->fol);
	tw_live_fini(&d->nlive);
	tw_live_fini(&d->jlive);
	tw_banner_fini(&d->banner);
	tw_decode_state_fini(&d->dst);
	tw_store_close(d->st);
	free((void *)d->conf);
	if (d->ep >= 0)
		close(d->ep);
	if (d->sfd >= 0)
		close(d->sfd);
	return rc;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `tracewall report`: drafts per abuse mailbox from the incidents in the store that were
 * never reported, printed for review (text or X-ARF v4); `--list`, `--show ID`,
 * `--approve ID…`. Contacts come from the store's cache of look-ups; `--lookup` asks RDAP
 * and whois for the sources it does not know. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/lookup.h"
#include "core/alloc.h"
#include "core/esc.h"
#include "core/lines.h"
#include "core/time.h"
#include "enrich/contacts.h"
#include "output/mail.h"
#include "output/out-report.h"
#include "store/report.h"

static void usage(FILE *f)
{
	fputs("usage: tracewall report [--db PATH] [--config FILE] [--include-unconfirmed]\n"
	      "                        [--format text|xarf|xarf02|abuseipdb] [--no-redact]\n"
	      "                        [--lookup [--bootstrap DIR] [--whois-connect MAP]]\n"
	      "       tracewall report --list | --show ID | --approve ID... | --send |\n"
	      "                        --bounced ID...\n"
	      "\n"
	      "Drafts one report per abuse mailbox from the incidents in the store that were\n"
	      "never reported (tracewall ingest adds them), one section per source, and prints\n"
	      "every draft for review. Only reportable incidents (confident, not special-purpose,\n"
	      "own, unallocated or backscatter) unless --include-unconfirmed (then the text\n"
	      "says how little the evidence proves). The contact is the store's answer of an\n"
	      "earlier `trace --abuse` or `analyze --abuse`; --lookup asks for the others.\n"
	      "An incident is in at most one report: nothing is reported twice. The reporter is\n"
	      "[report] from, org and domain of the configuration; your own addresses, host\n"
	      "names and MACs are redacted from the log lines unless --no-redact.\n"
	      "--format abuseipdb writes AbuseIPDB's bulk CSV of what its policy allows\n"
	      "(completed TCP sessions, at most 60 days old); the rest is refused on stderr.\n"
	      "--send mails the approved reports through the relay of [smtp] url (user,\n"
	      "password, starttls), with the X-ARF objects attached, at most [report]\n"
	      "max-per-day a day; a source is not reported again within [report] cooldown.\n",
	      f);
}

struct collect {
	struct tw_report_item *items;
	size_t n, cap;
	int err;
};

static char *dup_or_empty(const char *s)
{
	return tw_strdup(s ? s : "");
}

static int collect_incident(void *ctx, const struct tw_store_incident *in,
			    const struct tw_store_evidence *ev, unsigned nev)
{
	struct collect *c = ctx;
	struct tw_report_item *ni = tw_grow(c->items, c->n, &c->cap, sizeof(*ni), 16);
	if (!ni) {
		c->err = TW_E_NOMEM;
		return 1;
	}
	c->items = ni;
	struct tw_report_item *it = &c->items[c->n++];
	memset(it, 0, sizeof(*it));
	it->in = *in;
	it->in.cls = dup_or_empty(in->cls);
	it->in.why = dup_or_empty(in->why);
	it->in.scan = dup_or_empty(in->scan);
	for (unsigned i = 0; i < nev && i < 8; i++) {
		it->ev[i].file = dup_or_empty(ev[i].file);
		it->ev[i].text = dup_or_empty(ev[i].text);
		it->ev[i].line = ev[i].line;
		it->nev++;
	}
	return 0;
}

static void collect_free(struct collect *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free((char *)c->items[i].in.cls);
		free((char *)c->items[i].in.why);
		free((char *)c->items[i].in.scan);
		for (unsigned k = 0; k < c->items[i].nev; k++) {
			free((char *)c->items[i].ev[k].file);
			free((char *)c->items[i].ev[k].text);
		}
	}
	free(c->items);
	memset(c, 0, sizeof(*c));
}

static int cmp_item(const void *x, const void *y)
{
	const struct tw_report_item *a = x, *b = y;
	int c = tw_addr_cmp(&a->in.src, &b->in.src);
	if (c)
		return c;
	return a->in.first < b->in.first ? -1 : a->in.first > b->in.first;
}

struct show {
	struct tw_store *st;
	const struct tw_reporter *who;
	bool xarf, xarf02, list;
	/* --send: approved reports go to the relay, at most 'budget' of them. */
	bool send, attach;
	const struct tw_smtp_opts *smtp;
	uint64_t budget, sent, failed;
	int64_t only;
	unsigned shown;
	int err;
	struct tw_errctx ec;
};

static int show_report(void *ctx, const struct tw_store_report *r)
{
	struct show *s = ctx;
	if (s->only && r->id != s->only)
		return 0;
	s->shown++;
	if (s->list) {
		char t[TW_TIME_STRLEN];
		tw_time_format(r->created * 1000000000ll, false, t);
		printf("%6lld  %-9s %s  %3llu sources %4llu incidents  ", (long long)r->id,
		       r->state, t, (unsigned long long)r->sources,
		       (unsigned long long)r->incidents);
		tw_cli_puts_safe(stdout, r->mailbox);
		putchar('\n');
		return 0;
	}
	struct collect c = {0};
	struct tw_store_filter f = {.report = r->id};
	if (tw_store_incidents(s->st, &f, collect_incident, &c, &s->ec) || c.err) {
		s->err = c.err ? c.err : TW_E_DB;
		collect_free(&c);
		return 1;
	}
	qsort(c.items, c.n, sizeof(*c.items), cmp_item);
	struct tw_report_view v = {r->id,   r->mailbox, r->contact_how, r->state, s->who,
				   c.items, c.n};
	struct tw_buf b;
	tw_buf_init(&b);
	if (s->send) {
		if (!s->budget) {
			printf("report %lld: not sent: the daily limit ([report] max-per-day) is "
			       "reached\n",
			       (long long)r->id);
		} else {
			struct tw_errctx ec;
			memset(&ec, 0, sizeof(ec));
			tw_mail_build(&b, &v, s->attach, r->created);
			const char *from =
			    s->who->from && *s->who->from ? s->who->from : "tracewall@localhost";
			int sr =
			    tw_smtp_send(s->smtp, from, r->mailbox, b.p ? b.p : "", b.len, &ec);
			tw_store_report_set_state(s->st, r->id, "approved", sr ? "failed" : "sent",
						  &s->ec);
			printf("report %lld to ", (long long)r->id);
			tw_cli_puts_safe(stdout, r->mailbox);
			if (sr) {
				fputs(": failed: ", stdout);
				tw_cli_puts_safe(stdout, ec.msg);
				putchar('\n');
				s->failed++;
			} else {
				printf(": sent (%llu incidents)\n",
				       (unsigned long long)r->incidents);
				s->sent++;
				s->budget--;
			}
		}
		tw_buf_reset(&b); /* the message is not for the terminal */
	} else if (s->xarf02) {
		tw_mail_build_xarf02(&b, &v);
	} else if (s->xarf) {
		tw_out_report_xarf(&b, &v);
	} else {
		tw_buf_printf(&b, "----- report %lld (%s) -----\n", (long long)r->id, r->state);
		tw_out_report_text(&b, &v);
		tw_buf_addc(&b, '\n');
	}
	tw_buf_flush(&b, stdout);
	tw_buf_fini(&b);
	collect_free(&c);
	return 0;
}

/* Drafting: the unreported sources, their contacts, one report per mailbox. */
struct pending {
	struct tw_addr *a;
	size_t n, cap;
};

static int add_src(void *ctx, const struct tw_addr *a)
{
	struct pending *p = ctx;
	struct tw_addr *na = tw_grow(p->a, p->n, &p->cap, sizeof(*na), 32);
	if (!na)
		return 1;
	p->a = na;
	p->a[p->n++] = *a;
	return 0;
}

/* [report] contacts, read into the library's list (enrich/contacts.h). */
static int contacts_load(const char *file, bool doc_public, struct tw_contacts *cs)
{
	char *buf = NULL;
	size_t len = 0;
	struct tw_errctx ec;
	memset(&ec, 0, sizeof(ec));
	int r = tw_file_slurp(file, 1u << 20, &buf, &len, &ec);
	if (!r)
		r = tw_contacts_parse(buf, len, file, doc_public, cs, &ec);
	free(buf);
	if (r) {
		fputs("tracewall: ", stderr);
		tw_cli_puts_safe(stderr, ec.msg);
		fputc('\n', stderr);
		return -1;
	}
	return 0;
}

static int draft(struct tw_store *st, struct tw_cli_lookup *lk, const struct tw_conf *conf,
		 bool unconfirmed)
{
	int64_t cooldown_s = conf->report_cooldown / 1000000000;
	struct pending p = {0};
	struct tw_errctx ec;
	int rc = TW_EXIT_OK;
	memset(&ec, 0, sizeof(ec));
	if (tw_store_unreported_sources(st, unconfirmed, cooldown_s, add_src, &p, &ec)) {
		fputs("tracewall: ", stderr);
		tw_cli_puts_safe(stderr, ec.msg);
		fputc('\n', stderr);
		free(p.a);
		return TW_EXIT_STORE;
	}
	if (!p.n) {
		free(p.a);
		return TW_EXIT_OK;
	}
	struct tw_abuse_ctx *ctx = NULL;
	lk->abuse_opts.store = st;
	if (tw_abuse_open(&ctx, &lk->abuse_opts, &ec) != TW_OK) {
		fputs("tracewall: ", stderr);
		tw_cli_puts_safe(stderr, ec.msg);
		fputc('\n', stderr);
		free(p.a);
		return TW_EXIT_USAGE;
	}
	struct tw_abuse_result *res = tw_calloc(p.n, sizeof(*res));
	bool *done = tw_calloc(p.n, sizeof(*done));
	if (!res || !done) {
		fputs("tracewall: out of memory\n", stderr);
		rc = TW_EXIT_INPUT;
		goto out;
	}
	struct tw_contacts cs = {0};
	const char *cfile = conf->report_contacts;
	if (cfile[0] && contacts_load(cfile, conf->documentation_public, &cs)) {
		rc = TW_EXIT_USAGE;
		goto out;
	}
	for (size_t i = 0; i < p.n; i++) {
		const struct tw_contact *c = tw_contacts_find(&cs, &p.a[i]);
		if (!c) {
			tw_abuse_lookup(ctx, &p.a[i], &res[i]);
			continue;
		}
		memset(&res[i], 0, sizeof(res[i]));
		res[i].found.n = 1;
		snprintf(res[i].found.email[0], sizeof(res[i].found.email[0]), "%s", c->mailbox);
		res[i].via = TW_ABUSE_LOCAL;
		snprintf(res[i].source, sizeof(res[i].source), "%.180s line %u", cfile, c->line);
	}
	tw_contacts_fini(&cs);
	/* One report per mailbox: the sources whose first address is the same. */
	unsigned nocontact = 0;
	for (size_t i = 0; i < p.n; i++) {
		if (done[i])
			continue;
		if (!res[i].found.n) {
			char a[TW_ADDR_STRLEN];
			tw_addr_format(&p.a[i], a);
			if (!nocontact++)
				fputs("not drafted, no abuse contact:\n", stderr);
			fprintf(stderr, "  %s: ", a);
			tw_cli_puts_safe(stderr, res[i].stop[0] ? res[i].stop : "none found");
			fputc('\n', stderr);
			continue;
		}
		struct tw_addr *group = tw_calloc(p.n, sizeof(*group));
		size_t ng = 0;
		if (!group) {
			rc = TW_EXIT_INPUT;
			break;
		}
		for (size_t k = i; k < p.n; k++)
			if (!done[k] && res[k].found.n &&
			    !strcasecmp(res[k].found.email[0], res[i].found.email[0])) {
				group[ng++] = p.a[k];
				done[k] = true;
			}
		char how[300];
		snprintf(how, sizeof(how), "%.60s %.200s%s",
			 res[i].via == TW_ABUSE_RDAP	? "RDAP"
			 : res[i].via == TW_ABUSE_WHOIS ? "whois"
			 : res[i].via == TW_ABUSE_LOCAL ? "your contact list"
							: "Abusix",
			 res[i].source, res[i].found.weak ? ", from a remark" : "");
		int64_t id;
		if (tw_store_report_create(st, res[i].found.email[0], how, group, ng, unconfirmed,
					   &id, &ec)) {
			fputs("tracewall: ", stderr);
			tw_cli_puts_safe(stderr, ec.msg);
			fputc('\n', stderr);
			rc = TW_EXIT_STORE;
		}
		free(group);
		if (rc)
			break;
	}
out:
	free(res);
	free(done);
	free(p.a);
	tw_abuse_close(ctx);
	return rc;
}

/* AbuseIPDB bulk CSV (abuse-reporting.md §4.2): only what its policy allows — a completed
 * TCP handshake (confidence 0.9), at most 60 days old; every other incident is refused
 * with the reason on stderr. */
struct abuseipdb {
	struct tw_buf out;
	int64_t oldest; /* ns */
	unsigned rows, refused;
};

static void csv_field(struct tw_buf *b, const char *s)
{
	tw_buf_addc(b, '"');
	/* No formula injection: a field may not start with = + - @ (or a tab, CR). */
	if (strchr("=+-@\t\r", s[0]) && s[0])
		tw_buf_addc(b, '\'');
	for (size_t i = 0; s[i] && i < 1000; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"')
			tw_buf_addc(b, '"');
		tw_buf_addc(b, c < 0x20 || c == 0x7f ? ' ' : (char)c);
	}
	tw_buf_addc(b, '"');
}

static int abuseipdb_row(void *ctx, const struct tw_store_incident *in,
			 const struct tw_store_evidence *ev, unsigned nev)
{
	struct abuseipdb *a = ctx;
	char addr[TW_ADDR_STRLEN];
	(void)ev;
	(void)nev;
	tw_addr_format(&in->src, addr);
	const char *why = NULL;
	if (!in->reportable)
		why = "not reportable";
	else if (in->confidence < 0.85)
		why = "no completed TCP handshake (AbuseIPDB accepts no blocked SYNs, no UDP)";
	else if (!in->has_time || in->last < a->oldest)
		why = "older than 60 days";
	if (why) {
		fprintf(stderr, "abuseipdb: %s %s: refused: %s\n", addr, in->cls, why);
		a->refused++;
		return 0;
	}
	char t[TW_TIME_STRLEN], f[TW_TIME_STRLEN], comment[600];
	tw_time_format(in->last, false, t);
	tw_time_format(in->first, false, f);
	snprintf(comment, sizeof(comment),
		 "%s: %llu packets to %llu ports (%u-%u), %s to %s UTC, completed TCP sessions; "
		 "firewall log (tracewall)",
		 in->cls, (unsigned long long)in->packets, (unsigned long long)in->ports,
		 in->port_lo, in->port_hi, f, t);
	tw_buf_printf(&a->out, "%s,%s,%s,", addr, strncmp(in->cls, "worm:", 5) ? "14" : "\"14,15\"",
		      t);
	csv_field(&a->out, comment);
	tw_buf_addc(&a->out, '\n');
	a->rows++;
	return 0;
}

/* What report's options say. */
struct report_opts {
	struct tw_cli_lookup lk;
	struct tw_reporter who;
	bool unconfirmed, lookup, list, approve, xarf, send, abuseipdb, xarf02, bounced;
	long long only;
};

/* report's options. -1 to go on, else the exit status. */
static int report_args(int argc, char **argv, struct report_opts *ro)
{
	static const struct option lopts[] = {{"db", required_argument, NULL, 'd'},
					      {"config", required_argument, NULL, 'C'},
					      {"format", required_argument, NULL, 'f'},
					      {"include-unconfirmed", no_argument, NULL, 'u'},
					      {"no-redact", no_argument, NULL, 'R'},
					      {"lookup", no_argument, NULL, 'L'},
					      {"bootstrap", required_argument, NULL, 'B'},
					      {"whois-connect", required_argument, NULL, 'W'},
					      {"list", no_argument, NULL, 'l'},
					      {"show", required_argument, NULL, 's'},
					      {"approve", no_argument, NULL, 'a'},
					      {"send", no_argument, NULL, 'S'},
					      {"bounced", no_argument, NULL, 'b'},
					      {"help", no_argument, NULL, 'h'},
					      {NULL, 0, NULL, 0}};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'd': ro->lk.db = optarg; break;
		case 'C': break;
		case 'f':
			if (strcmp(optarg, "text") && strcmp(optarg, "xarf") &&
			    strcmp(optarg, "xarf02") && strcmp(optarg, "abuseipdb")) {
				fputs(
				    "tracewall: report: --format text, xarf, xarf02 or abuseipdb\n",
				    stderr);
				return TW_EXIT_USAGE;
			}
			ro->xarf02 = !strcmp(optarg, "xarf02");
			ro->xarf = !strcmp(optarg, "xarf");
			ro->abuseipdb = !strcmp(optarg, "abuseipdb");
			break;
		case 'u': ro->unconfirmed = true; break;
		case 'R': ro->who.redact = false; break;
		case 'L': ro->lookup = true; break;
		case 'B': ro->lk.abuse_opts.bootstrap_dir = optarg; break;
		case 'W': ro->lk.abuse_opts.whois_connect = optarg; break;
		case 'l': ro->list = true; break;
		case 's':
			if (tw_cli_num_opt("--show", optarg, 1, INT64_MAX, &ro->only))
				return TW_EXIT_USAGE;
			break;
		case 'a': ro->approve = true; break;
		case 'S': ro->send = true; break;
		case 'b': ro->bounced = true; break;
		case 'h': usage(stdout); return TW_EXIT_OK;
		default: usage(stderr); return TW_EXIT_USAGE;
		}
	}
	return -1;
}

/* --approve / --bounced ID…: the reports' new states. */
static int set_states(struct tw_store *st, const struct report_opts *ro, int argc, char **argv)
{
	int rc = TW_EXIT_OK;
	struct tw_errctx ec;
	for (int i = optind; i < argc; i++) {
		long long id;
		memset(&ec, 0, sizeof(ec));
		if (tw_cli_num_opt("report", argv[i], 1, INT64_MAX, &id)) {
			rc = TW_EXIT_USAGE;
			continue;
		}
		if (tw_store_report_set_state(st, id, ro->approve ? "draft" : "sent",
					      ro->approve ? "approved" : "bounced", &ec)) {
			fputs("tracewall: ", stderr);
			tw_cli_puts_safe(stderr, ec.msg);
			fputc('\n', stderr);
			rc = TW_EXIT_USAGE;
		} else {
			printf("report %s %s\n", argv[i], ro->approve ? "approved" : "bounced");
		}
	}
	return rc;
}

/* --format abuseipdb: AbuseIPDB's bulk CSV of the last 60 days' incidents. */
static int export_abuseipdb(struct tw_store *st)
{
	int rc = TW_EXIT_OK;
	struct tw_errctx ec;
	memset(&ec, 0, sizeof(ec));
	struct abuseipdb a = {.oldest = ((int64_t)time(NULL) - 60 * 86400) * 1000000000ll};
	struct tw_store_filter f = {.reportable = false};
	tw_buf_init(&a.out);
	tw_buf_adds(&a.out, "IP,Categories,ReportDate,Comment\n");
	if (tw_store_incidents(st, &f, abuseipdb_row, &a, &ec))
		rc = TW_EXIT_STORE;
	if (tw_cli_flush(&a.out))
		rc = TW_EXIT_INPUT;
	tw_buf_fini(&a.out);
	fprintf(stderr, "abuseipdb: %u rows, %u incidents refused by its policy\n", a.rows,
		a.refused);
	return rc;
}

/* --send: the approved reports through the relay, within the daily budget. */
static int send_approved(struct tw_store *st, const struct tw_conf *conf, struct show *s)
{
	uint64_t n = 0;
	int rc = TW_EXIT_OK;
	struct tw_errctx ec;
	memset(&ec, 0, sizeof(ec));
	if (!conf->smtp_url[0]) {
		fputs("tracewall: report --send: no relay: set [smtp] url in the configuration\n",
		      stderr);
		return TW_EXIT_USAGE;
	}
	tw_store_reports_sent_since(st, (int64_t)time(NULL) - 86400, &n, &ec);
	s->budget = n >= conf->report_max_per_day ? 0 : conf->report_max_per_day - n;
	if (tw_store_reports(st, "approved", show_report, s, &ec))
		rc = TW_EXIT_STORE;
	if (!s->sent && !s->failed && !rc)
		printf("nothing to send: approve drafts first (--approve ID)\n");
	return rc ? rc : s->failed ? TW_EXIT_NETWORK : TW_EXIT_OK;
}

int tw_cmd_report(int argc, char **argv)
{
	static struct tw_conf conf;
	struct report_opts ro = {0};
	if (tw_cli_load_config(argc, argv, &conf))
		return TW_EXIT_USAGE;
	tw_cli_lookup_defaults(&conf, &ro.lk);
	ro.who = (struct tw_reporter){conf.report_from, conf.report_org, conf.report_domain,
				      !conf.report_keep_own};
	int pr = report_args(argc, argv, &ro);
	if (pr >= 0)
		return pr;
	struct tw_cli_lookup lk = ro.lk;
	bool approve = ro.approve, bounced = ro.bounced, list = ro.list, xarf = ro.xarf,
	     xarf02 = ro.xarf02, send = ro.send;
	long long only = ro.only;
	if (((approve || bounced) && optind >= argc) || (!approve && !bounced && optind < argc)) {
		usage(stderr);
		return TW_EXIT_USAGE;
	}
	char path[4096];
	struct tw_store *st = NULL;
	struct tw_errctx ec;
	memset(&ec, 0, sizeof(ec));
	if (lk.db)
		snprintf(path, sizeof(path), "%s", lk.db);
	else if (tw_store_default_path(path, sizeof(path)) != TW_OK) {
		fputs("tracewall: no store path: set --db, XDG_DATA_HOME or HOME\n", stderr);
		return TW_EXIT_USAGE;
	}
	/* Listing only reads: a read-only store (another user's) will do. */
	if ((list && !approve && !bounced && !ro.abuseipdb
		 ? tw_store_open_ro(&st, path, &ec)
		 : tw_store_open(&st, path, &ec)) != TW_OK) {
		fputs("tracewall: ", stderr);
		tw_cli_puts_safe(stderr, ec.msg);
		fputc('\n', stderr);
		return TW_EXIT_STORE;
	}
	int rc = TW_EXIT_OK;
	if (approve || bounced || ro.abuseipdb) {
		rc = ro.abuseipdb ? export_abuseipdb(st) : set_states(st, &ro, argc, argv);
		tw_store_close(st);
		return rc;
	}
	struct tw_smtp_opts smtp = {conf.smtp_url, conf.smtp_user, conf.smtp_password,
				    conf.smtp_starttls, 0};
	struct show s = {.st = st,
			 .who = &ro.who,
			 .xarf = xarf,
			 .xarf02 = xarf02,
			 .list = list,
			 .only = only,
			 .send = send,
			 .attach = !conf.report_no_xarf,
			 .smtp = &smtp};
	if (send) {
		rc = send_approved(st, &conf, &s);
		tw_store_close(st);
		return rc;
	}
	if (!list && !only) {
		lk.abuse_opts.cache_only = !ro.lookup;
		rc = draft(st, &lk, &conf, ro.unconfirmed);
	}
	if (!rc && tw_store_reports(st, list || only ? NULL : "draft", show_report, &s, &ec)) {
		fputs("tracewall: ", stderr);
		tw_cli_puts_safe(stderr, ec.msg);
		fputc('\n', stderr);
		rc = TW_EXIT_STORE;
	}
	if (!rc && s.err) {
		fputs("tracewall: ", stderr);
		tw_cli_puts_safe(stderr, s.ec.msg[0] ? s.ec.msg : "out of memory");
		fputc('\n', stderr);
		rc = TW_EXIT_STORE;
	}
	if (!rc && !s.shown && !xarf && !xarf02)
		printf(only   ? "no report %lld\n"
		       : list ? "no reports\n"
			      : "no drafts: nothing new to report\n",
		       (long long)only);
	tw_store_close(st);
	return rc;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The configuration file: INI syntax through libinih, values checked here, every error
 * as NAME:LINE: reason. */
#include "core/conf.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/special.h"
#include "core/alloc.h"
#include "core/lines.h"

#define NS_PER_S 1000000000ll
/* inih reads lines of at most this many bytes (its INI_MAX_LINE) and would split a longer
 * one silently, so longer lines are refused before it sees them. */
#define CONF_LINE_MAX 199

void tw_conf_defaults(struct tw_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->scan_ports = 10;
	c->scan_hosts = 3;
	c->sweep_hosts = 10;
	c->sweep_ports = 3;
	c->window = 3600 * NS_PER_S;
	c->slow_window = 86400 * NS_PER_S;
	c->gap = 3600 * NS_PER_S;
	c->min_confidence = 0.6;
	c->scanner_ports = 100;
	c->scanner_hosts = 40;
	c->scanner_confidence = 0.7;
	c->max_sources = 65536;
	c->evidence = 3;
	c->spoof_sources = 5;
	c->report_max_per_day = 20;
	c->report_cooldown = 7 * 86400 * NS_PER_S;
	c->nflog_group = 7;
	c->log_rate = 20;
	c->ban_timeout = 3600 * NS_PER_S;
	c->ban_after = 10;
	c->ban_window = 600 * NS_PER_S;
	c->ban_escalate = 4;
	c->ban_max = 30 * 86400 * NS_PER_S;
	c->ban_forget = 30 * 86400 * NS_PER_S;
	c->daemon_nflog = true;
	c->daemon_flush = 5 * NS_PER_S;
}

int tw_conf_duration(const char *s, int64_t *ns)
{
	char *end;
	if (*s < '0' || *s > '9')
		return TW_E_INVALID;
	unsigned long long v = strtoull(s, &end, 10);
	long long unit = 1;
	switch (*end) {
	case '\0':
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	default: return TW_E_INVALID;
	}
	if (*end && end[1])
		return TW_E_INVALID;
	if (v == 0 || v > 366ull * 86400 / (unsigned long long)unit)
		return TW_E_RANGE;
	*ns = (int64_t)v * unit * NS_PER_S;
	return TW_OK;
}

int tw_conf_add_nets(struct tw_conf_net *nets, unsigned *n, const char *list, struct tw_errctx *ec)
{
	const char *p = list;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		size_t l = strcspn(p, ", \t");
		struct tw_addr net;
		unsigned plen = 0;
		if (tw_prefix_parse(p, l, &net, &plen) != TW_OK) {
			if (tw_addr_parse(p, l, &net) != TW_OK)
				return tw_err_set(ec, TW_E_INVALID, 0, "not a network: '%.*s'",
						  (int)(l > 64 ? 64 : l), p);
			plen = net.family == TW_AF_INET ? 32 : 128;
		}
		if (*n == TW_CONF_OWN_MAX)
			return tw_err_set(ec, TW_E_RANGE, 0, "at most %d networks",
					  TW_CONF_OWN_MAX);
		nets[*n].net = net;
		nets[*n].plen = plen;
		(*n)++;
		p += l;
	}
	return TW_OK;
}

int tw_conf_add_own(struct tw_conf *c, const char *list, struct tw_errctx *ec)
{
	return tw_conf_add_nets(c->own, &c->nown, list, ec);
}

bool tw_conf_in_nets(const struct tw_conf_net *nets, unsigned n, const struct tw_addr *a)
{
	for (unsigned i = 0; i < n; i++)
		if (tw_addr_in_prefix(a, &nets[i].net, nets[i].plen))
			return true;
	return false;
}

struct parse_state {
	struct tw_conf *c;
	struct tw_errctx err; /* the first error, without its line number */
	bool failed;
};

static int num(const char *v, unsigned long lo, unsigned long hi, uint32_t *out)
{
	char *end;
	if (*v < '0' || *v > '9')
		return TW_E_INVALID;
	unsigned long x = strtoul(v, &end, 10);
	if (*end)
		return TW_E_INVALID;
	if (x < lo || x > hi)
		return TW_E_RANGE;
	*out = (uint32_t)x;
	return TW_OK;
}

/* One key: section and name select the field. Long (style.md B10: reason): one branch per
 * documented key, in the order of doc/tracewall.conf.example, so that a key and its check
 * are read together. */
static int set_key(struct tw_conf *c, const char *sec, const char *name, const char *v,
		   struct tw_errctx *ec)
{
	struct {
		const char *sec, *name;
		uint32_t *u;
		unsigned long lo, hi;
		int64_t *dur;
	} keys[] = {
	    {"scan", "ports", &c->scan_ports, 2, TW_CONF_THRESH_MAX, NULL},
	    {"scan", "hosts", &c->scan_hosts, 1, 1000000, NULL},
	    {"sweep", "hosts", &c->sweep_hosts, 2, TW_CONF_THRESH_MAX, NULL},
	    {"sweep", "ports", &c->sweep_ports, 1, 65535, NULL},
	    {"scan", "window", NULL, 0, 0, &c->window},
	    {"scan", "slow-window", NULL, 0, 0, &c->slow_window},
	    {"incident", "gap", NULL, 0, 0, &c->gap},
	    {"incident", "evidence-lines", &c->evidence, 0, 8, NULL},
	    {"analyze", "max-sources", &c->max_sources, 1024, 100000000, NULL},
	    {"spoofing", "same-payload-sources", &c->spoof_sources, 2, 1000000, NULL},
	    {"scanner", "ports", &c->scanner_ports, 2, 65536 * 3, NULL},
	    {"scanner", "hosts", &c->scanner_hosts, 2, 100000000, NULL},
	    {"enrich", "timeout", NULL, 0, 0, &c->lookup_timeout},
	    {"enrich", "cache-found", NULL, 0, 0, &c->cache_found},
	    {"enrich", "cache-none", NULL, 0, 0, &c->cache_none},
	    {"report", "max-per-day", &c->report_max_per_day, 1, 100000, NULL},
	    {"report", "cooldown", NULL, 0, 0, &c->report_cooldown},
	    {"shield", "nflog-group", &c->nflog_group, 0, 65535, NULL},
	    {"shield", "log-rate", &c->log_rate, 1, 10000000, NULL},
	    {"shield", "ban-timeout", NULL, 0, 0, &c->ban_timeout},
	    {"ban", "after", &c->ban_after, 0, 1000000000, NULL},
	    {"ban", "window", NULL, 0, 0, &c->ban_window},
	    {"ban", "escalate", &c->ban_escalate, 1, 1000, NULL},
	    {"ban", "max", NULL, 0, 0, &c->ban_max},
	    {"ban", "forget", NULL, 0, 0, &c->ban_forget},
	    {"daemon", "flush", NULL, 0, 0, &c->daemon_flush},
	};
	struct {
		const char *sec, *name;
		char *dst;
		size_t cap;
	} strs[] = {
	    {"analyze", "netdb", c->netdb, sizeof(c->netdb)},
	    {"analyze", "signatures", c->signatures, sizeof(c->signatures)},
	    {"enrich", "dns-server", c->dns_server, sizeof(c->dns_server)},
	    {"enrich", "bootstrap", c->bootstrap, sizeof(c->bootstrap)},
	    {"enrich", "whois-connect", c->whois_connect, sizeof(c->whois_connect)},
	    {"enrich", "abusix-zone", c->abusix_zone, sizeof(c->abusix_zone)},
	    {"store", "db", c->db, sizeof(c->db)},
	    {"report", "from", c->report_from, sizeof(c->report_from)},
	    {"report", "org", c->report_org, sizeof(c->report_org)},
	    {"report", "domain", c->report_domain, sizeof(c->report_domain)},
	    {"report", "contacts", c->report_contacts, sizeof(c->report_contacts)},
	    {"shield", "trusted-interfaces", c->trusted_ifaces, sizeof(c->trusted_ifaces)},
	    {"shield", "allow", c->allow, sizeof(c->allow)},
	    {"daemon", "follow", c->daemon_follow, sizeof(c->daemon_follow)},
	    {"daemon", "journal-directory", c->daemon_journal_dir, sizeof(c->daemon_journal_dir)},
	    {"smtp", "url", c->smtp_url, sizeof(c->smtp_url)},
	    {"smtp", "user", c->smtp_user, sizeof(c->smtp_user)},
	    {"smtp", "password", c->smtp_password, sizeof(c->smtp_password)},
	};
	int r;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(sec, keys[i].sec) || strcmp(name, keys[i].name))
			continue;
		if (keys[i].dur) {
			r = tw_conf_duration(v, keys[i].dur);
			if (r)
				return tw_err_set(ec, r, 0,
						  "[%s] %s: want a duration such as 90s, 10m, 2h "
						  "or 7d (at most 366 days)",
						  sec, name);
			return TW_OK;
		}
		r = num(v, keys[i].lo, keys[i].hi, keys[i].u);
		if (r)
			return tw_err_set(ec, r, 0, "[%s] %s: want a whole number from %lu to %lu",
					  sec, name, keys[i].lo, keys[i].hi);
		return TW_OK;
	}
	if ((!strcmp(sec, "shield") && !strcmp(name, "trusted")) ||
	    (!strcmp(sec, "ban") && !strcmp(name, "never"))) {
		bool tr = sec[0] == 's';
		r = tw_conf_add_nets(tr ? c->trusted : c->never, tr ? &c->ntrusted : &c->nnever, v,
				     ec);
		if (r) {
			char why[128];
			snprintf(why, sizeof(why), "%.100s", ec->msg);
			return tw_err_set(ec, r, 0, "[%s] %s: %s", sec, name, why);
		}
		return TW_OK;
	}
	if (!strcmp(sec, "analyze") && !strcmp(name, "own")) {
		r = tw_conf_add_own(c, v, ec);
		return r;
	}
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		if (strcmp(sec, strs[i].sec) || strcmp(name, strs[i].name))
			continue;
		/* Lists (whois-connect, dns-server) grow by one item per line: indented lines
		 * continue a key, and each is one more item. */
		bool list = !strcmp(name, "whois-connect") || !strcmp(name, "dns-server") ||
			    !strcmp(name, "trusted-interfaces") || !strcmp(name, "allow") ||
			    !strcmp(name, "follow");
		size_t l = strlen(v), have = list ? strlen(strs[i].dst) : 0;
		if (!l || have + (have > 0) + l >= strs[i].cap)
			return tw_err_set(ec, TW_E_RANGE, 0,
					  "[%s] %s: empty or longer than %zu bytes", sec, name,
					  strs[i].cap - 1);
		if (have)
			strs[i].dst[have++] = ',';
		memcpy(strs[i].dst + have, v, l + 1);
		return TW_OK;
	}
	if ((!strcmp(sec, "enrich") &&
	     (!strcmp(name, "rdns") || !strcmp(name, "abuse") || !strcmp(name, "abusix"))) ||
	    (!strcmp(sec, "report") && (!strcmp(name, "redact") || !strcmp(name, "attach-xarf"))) ||
	    (!strcmp(sec, "smtp") && !strcmp(name, "starttls")) ||
	    (!strcmp(sec, "analyze") && !strcmp(name, "documentation-is-public")) ||
	    (!strcmp(sec, "ban") && !strcmp(name, "forgeable")) ||
	    (!strcmp(sec, "daemon") && (!strcmp(name, "nflog") || !strcmp(name, "journal")))) {
		bool keep = false, attach = false;
		bool *b = !strcmp(sec, "ban")		 ? &c->ban_forgeable
			  : !strcmp(name, "nflog")	 ? &c->daemon_nflog
			  : !strcmp(name, "journal")	 ? &c->daemon_journal
			  : !strcmp(sec, "analyze")	 ? &c->documentation_public
			  : !strcmp(sec, "smtp")	 ? &c->smtp_starttls
			  : !strcmp(name, "attach-xarf") ? &attach
			  : !strcmp(sec, "report")	 ? &keep
			  : name[0] == 'r'		 ? &c->rdns
			  : !strcmp(name, "abuse")	 ? &c->abuse
							 : &c->abusix;
		if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on"))
			*b = true;
		else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off"))
			*b = false;
		else
			return tw_err_set(ec, TW_E_INVALID, 0, "[%s] %s: want yes or no", sec,
					  name);
		if (b == &keep)
			c->report_keep_own = !keep;
		if (b == &attach)
			c->report_no_xarf = !attach;
		return TW_OK;
	}
	bool minc = !strcmp(sec, "analyze") && !strcmp(name, "min-confidence");
	if (minc || (!strcmp(sec, "scanner") && !strcmp(name, "confidence"))) {
		char *end;
		double d = strtod(v, &end);
		if (end == v || *end || !(d >= 0.0 && d <= 1.0))
			return tw_err_set(ec, TW_E_RANGE, 0, "[%s] %s: want a number from 0 to 1",
					  minc ? "analyze" : "scanner",
					  minc ? "min-confidence" : "confidence");
		*(minc ? &c->min_confidence : &c->scanner_confidence) = d;
		return TW_OK;
	}
	return tw_err_set(ec, TW_E_INVALID, 0, "unknown key '%.40s' in section [%.40s]", name, sec);
}

static int handler(void *user, const char *sec, const char *name, const char *value)
{
	struct parse_state *ps = user;
	if (ps->failed)
		return 0;
	if (!name) /* a section header alone (INI_CALL_HANDLER_ON_NEW_SECTION builds) */
		return 1;
	if (set_key(ps->c, sec, name, value, &ps->err) != TW_OK) {
		ps->failed = true;
		return 0;
	}
	return 1;
}

static int accept_all(void *user, const char *sec, const char *name, const char *value)
{
	return 1;
}

/* Whether inih's first error line 'line' is a syntax error (and not a key the handler
 * refused): the first 'line' lines parsed alone, with every key accepted, fail there. */
static bool syntax_error_at(const char *text, int line)
{
	const char *p = text;
	for (int i = 0; i < line && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	size_t l = p ? (size_t)(p - text) : strlen(text);
	char *pre = tw_malloc(l + 1);
	if (!pre)
		return false;
	memcpy(pre, text, l);
	pre[l] = '\0';
	int r = ini_parse_string(pre, accept_all, NULL);
	free(pre);
	return r == line;
}

int tw_conf_parse(const char *text, const char *name, struct tw_conf *c, struct tw_errctx *ec)
{
	struct parse_state ps = {.c = c};
	unsigned line = 1;
	size_t col = 0;

	/* Bytes inih would misread: a NUL is impossible here; refuse long lines and
	 * control characters other than tab and CR. */
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p == '\n') {
			line++;
			col = 0;
			continue;
		}
		if (++col > CONF_LINE_MAX)
			return tw_err_set(ec, TW_E_RANGE, 0, "%s:%u: line longer than %d bytes",
					  name, line, CONF_LINE_MAX);
		if (*p < 0x20 && *p != '\t' && *p != '\r')
			return tw_err_set(ec, TW_E_INVALID, 0, "%s:%u: control character 0x%02x",
					  name, line, *p);
	}
	int r = ini_parse_string(text, handler, &ps);
	if (r == 0)
		return TW_OK;
	if (r < 0)
		return tw_err_set(ec, TW_E_NOMEM, 0, "%s: out of memory", name);
	if (ps.failed && !syntax_error_at(text, r))
		return tw_err_set(ec, ps.err.code ? ps.err.code : TW_E_INVALID, 0, "%s:%d: %s",
				  name, r, ps.err.msg);
	return tw_err_set(ec, TW_E_INVALID, 0,
			  "%s:%d: not 'key = value', '[section]' or a '#' or ';' comment", name, r);
}

int tw_conf_load(const char *path, struct tw_conf *c, struct tw_errctx *ec)
{
	char *buf;
	size_t n;
	int r = tw_file_slurp(path, 64 * 1024, &buf, &n, ec);
	if (r == TW_OK && memchr(buf, '\0', n))
		r = tw_err_set(ec, TW_E_INVALID, 0, "%s: a NUL byte: not a text file", path);
	if (r == TW_OK)
		r = tw_conf_parse(buf, path, c, ec);
	free(buf);
	return r;
}

bool tw_conf_is_own(const struct tw_conf *c, const struct tw_addr *a)
{
	return tw_conf_in_nets(c->own, c->nown, a);
}

const struct tw_special *tw_conf_special(const struct tw_conf *c, const struct tw_addr *a)
{
	const struct tw_special *sp = tw_special_lookup(a);
	if (sp && c->documentation_public && !strncmp(sp->name, "documentation", 13))
		return NULL;
	return sp;
}

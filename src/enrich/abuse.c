/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The abuse-contact search (abuse-reporting.md §2.1): special-purpose space stops at once;
 * then RDAP at the registry the IANA bootstrap names (libcurl: redirects followed, answers
 * capped, 429 backs off), then whois on port 43 starting at that registry (or at IANA,
 * following its referral) and following referrals, at most 4 hops, never in a loop. Every
 * step is recorded for "how it was found". Answers are reused for every address inside the
 * range a registry returned. Only when the user asks: the queries may be seen. */
#include <curl/curl.h>
#include <jansson.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/paths.h"
#include "core/special.h"
#include "enrich/abuse.h"

#define HTTP_MAX      (4u << 20)
#define WHOIS_MAX     (1u << 20)
#define WHOIS_HOPS    4
#define BACKOFF_MIN_S 60
#define MAP_MAX	      16
#define BACKOFF_MAX   16

struct range_cache {
	struct tw_addr lo, hi;
	struct tw_abuse_result r;
};

struct tw_abuse_ctx {
	struct tw_abuse_opts o;
	struct tw_bootstrap bs;
	char bs_note[200]; /* why there is no bootstrap */
	CURL *curl;
	struct range_cache *cache;
	size_t ncache, capcache;
	struct {
		char name[128], host[128], port[8];
	} map[MAP_MAX];
	unsigned nmap;
	struct {
		char server[200];
		time_t until;
	} backoff[BACKOFF_MAX];
	unsigned nbackoff;
};

/* ---- small helpers ------------------------------------------------------------------- */

static void step(struct tw_abuse_result *r, const char *what, const char *where, const char *fmt,
		 ...) __attribute__((format(printf, 4, 5)));
static void step(struct tw_abuse_result *r, const char *what, const char *where, const char *fmt,
		 ...)
{
	if (r->nsteps == TW_ABUSE_STEPS)
		return;
	struct tw_abuse_step *s = &r->step[r->nsteps++];
	snprintf(s->what, sizeof(s->what), "%s", what);
	snprintf(s->where, sizeof(s->where), "%s", where);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->outcome, sizeof(s->outcome), fmt, ap);
	va_end(ap);
}

static bool backing_off(struct tw_abuse_ctx *c, const char *server)
{
	time_t now = time(NULL);
	for (unsigned i = 0; i < c->nbackoff; i++)
		if (!strcmp(c->backoff[i].server, server) && c->backoff[i].until > now)
			return true;
	return false;
}

static void back_off(struct tw_abuse_ctx *c, const char *server, long seconds)
{
	unsigned i;
	for (i = 0; i < c->nbackoff; i++)
		if (!strcmp(c->backoff[i].server, server))
			break;
	if (i == c->nbackoff) {
		if (c->nbackoff == BACKOFF_MAX)
			i = 0;
		else
			c->nbackoff++;
	}
	snprintf(c->backoff[i].server, sizeof(c->backoff[i].server), "%s", server);
	c->backoff[i].until = time(NULL) + (seconds > BACKOFF_MIN_S ? seconds : BACKOFF_MIN_S);
}

/* "name=host:port,…" (IPv6 hosts in brackets). */
static int parse_map(struct tw_abuse_ctx *c, const char *s, struct tw_errctx *ec)
{
	while (s && *s) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		char item[300];
		if (n >= sizeof(item) || c->nmap == MAP_MAX)
			return tw_err_set(ec, TW_E_INVALID, 0, "whois-connect: too long");
		memcpy(item, s, n);
		item[n] = '\0';
		char *eq = strchr(item, '='), *host, *port;
		if (!eq)
			goto bad;
		*eq = '\0';
		host = eq + 1;
		if (*host == '[') {
			char *rb = strchr(host, ']');
			if (!rb || rb[1] != ':')
				goto bad;
			*rb = '\0';
			host++;
			port = rb + 2;
		} else {
			port = strrchr(host, ':');
			if (!port)
				goto bad;
			*port++ = '\0';
		}
		char *end;
		long p = strtol(port, &end, 10);
		if (!*item || !*host || *end || p < 1 || p > 65535 || strlen(item) >= 128 ||
		    strlen(host) >= 128)
			goto bad;
		snprintf(c->map[c->nmap].name, sizeof(c->map[0].name), "%.127s", item);
		snprintf(c->map[c->nmap].host, sizeof(c->map[0].host), "%.127s", host);
		snprintf(c->map[c->nmap].port, sizeof(c->map[0].port), "%ld", p);
		c->nmap++;
		s = e ? e + 1 : NULL;
		continue;
	bad:
		return tw_err_set(ec, TW_E_INVALID, 0,
				  "whois-connect: '%.100s' is not NAME=HOST:PORT", item);
	}
	return TW_OK;
}

static int read_file(const char *path, char **buf, size_t *len, size_t max)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return errno == ENOENT ? TW_E_NOTFOUND : TW_E_IO;
	char *b = tw_malloc(max + 1);
	size_t n = b ? fread(b, 1, max + 1, f) : 0;
	int err = ferror(f);
	fclose(f);
	if (!b)
		return TW_E_NOMEM;
	if (err || n > max) {
		free(b);
		return err ? TW_E_IO : TW_E_RANGE;
	}
	*buf = b;
	*len = n;
	return TW_OK;
}

int tw_abuse_bootstrap_dir(char *out, size_t cap)
{
	return tw_data_path("rdap", out, cap);
}

static void load_bootstrap(struct tw_abuse_ctx *c)
{
	char dir[1024];
	if (c->o.bootstrap_dir)
		snprintf(dir, sizeof(dir), "%s", c->o.bootstrap_dir);
	else if (tw_abuse_bootstrap_dir(dir, sizeof(dir)) != TW_OK) {
		snprintf(c->bs_note, sizeof(c->bs_note), "no data directory (HOME unset)");
		return;
	}
	static const char *const files[] = {"ipv4.json", "ipv6.json"};
	for (unsigned i = 0; i < 2; i++) {
		char path[1100], *buf;
		size_t len;
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		int r = read_file(path, &buf, &len, 1u << 20);
		if (r) {
			snprintf(c->bs_note, sizeof(c->bs_note), "%.120s: %.60s", path,
				 r == TW_E_NOTFOUND ? "missing (tracewall db update-bootstrap)"
						    : tw_strerror(r));
			continue;
		}
		struct tw_errctx ec = {0};
		if (tw_bootstrap_add(&c->bs, buf, len, &ec) != TW_OK)
			snprintf(c->bs_note, sizeof(c->bs_note), "%.120s: %.70s", path, ec.msg);
		free(buf);
	}
}

int tw_abuse_open(struct tw_abuse_ctx **out, const struct tw_abuse_opts *o, struct tw_errctx *ec)
{
	struct tw_abuse_ctx *c = tw_calloc(1, sizeof(*c));
	if (!c)
		return tw_err_set(ec, TW_E_NOMEM, 0, "out of memory");
	c->o = *o;
	if (!c->o.timeout_ms)
		c->o.timeout_ms = 10000;
	if (!c->o.iana_whois)
		c->o.iana_whois = "whois.iana.org";
	int r = parse_map(c, o->whois_connect, ec);
	if (r)
		goto fail;
	if (c->o.rdap) {
		load_bootstrap(c);
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
		    !(c->curl = curl_easy_init())) {
			r = tw_err_set(ec, TW_E_NOMEM, 0, "libcurl could not start");
			goto fail;
		}
	}
	*out = c;
	return TW_OK;
fail:
	tw_abuse_close(c);
	return r;
}

void tw_abuse_close(struct tw_abuse_ctx *c)
{
	if (!c)
		return;
	if (c->curl) {
		curl_easy_cleanup(c->curl);
		curl_global_cleanup();
	}
	tw_bootstrap_fini(&c->bs);
	free(c->cache);
	free(c);
}

/* ---- HTTP (RDAP) ------------------------------------------------------------------- */

struct body {
	char *p;
	size_t n;
	bool too_big;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct body *b = ud;
	size_t n = size * nmemb;
	if (n > HTTP_MAX - b->n) {
		b->too_big = true;
		return 0; /* aborts the transfer */
	}
	char *np = tw_realloc(b->p, b->n + n + 1);
	if (!np)
		return 0;
	memcpy(np + b->n, data, n);
	b->p = np;
	b->n += n;
	b->p[b->n] = '\0';
	return n;
}

/* GET with redirects; the status, the final URL and Retry-After. */
static int http_get(struct tw_abuse_ctx *c, const char *url, struct body *b, long *status,
		    char *final, size_t fcap, long *retry_after, char *err, size_t ecap)
{
	CURL *h = c->curl;
	struct curl_slist *hdr = curl_slist_append(NULL, "Accept: application/rdap+json");
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "tracewall/0.1 (abuse-contact lookup)");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)c->o.timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)c->o.timeout_ms);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
	CURLcode cr = curl_easy_perform(h);
	curl_slist_free_all(hdr);
	*status = 0;
	*retry_after = 0;
	final[0] = '\0';
	if (cr != CURLE_OK) {
		if (b->too_big)
			snprintf(err, ecap, "answer larger than %u MiB: not read", HTTP_MAX >> 20);
		else if (cr == CURLE_OPERATION_TIMEDOUT)
			snprintf(err, ecap, "no answer within %d ms", c->o.timeout_ms);
		else
			snprintf(err, ecap, "%s", curl_easy_strerror(cr));
		return cr == CURLE_OPERATION_TIMEDOUT ? -1 : -2;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	char *eff = NULL;
	curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &eff);
	snprintf(final, fcap, "%s", eff ? eff : url);
	curl_off_t ra = 0;
	if (curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
		*retry_after = ra > 86400 ? 86400 : (long)ra;
	return 0;
}

/* The server part of a URL ("http://127.0.0.1:8080/ripe/" → "127.0.0.1:8080"). */
static void url_server(const char *url, char *out, size_t cap)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	size_t n = strcspn(p, "/");
	snprintf(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), p);
}

/* RIPE-database registries mark the abuse mailbox; their abuse role's other e-mails are
 * not it. Known by the answer's port43 or the server's name. */
static bool typed_registry(const char *base)
{
	return strstr(base, "ripe") || strstr(base, "afrinic");
}

/* The registry's whois server for an RDAP base URL (abuse-reporting.md §2.3). */
static const char *whois_for(const char *base)
{
	static const struct {
		const char *key, *server;
	} m[] = {{"arin", "whois.arin.net"},
		 {"ripe", "whois.ripe.net"},
		 {"apnic", "whois.apnic.net"},
		 {"lacnic", "whois.lacnic.net"},
		 {"afrinic", "whois.afrinic.net"}};
	for (size_t i = 0; i < sizeof(m) / sizeof(*m); i++)
		if (strstr(base, m[i].key))
			return m[i].server;
	return NULL;
}

/* One RDAP request. The address's own network (parent false) gives the range, name,
 * country and whois server; its parent (the "up" link, asked once when the network names no
 * abuse contact) only a contact. */
static bool try_rdap(struct tw_abuse_ctx *c, const char *base, const char *url, bool parent,
		     struct tw_abuse_result *r, char *port43, size_t pcap, char *up, size_t upcap)
{
	char final[600], err[200], server[200];
	url_server(url, server, sizeof(server));
	if (backing_off(c, server)) {
		step(r, "rdap", url, "not asked: %s said to slow down (backing off)", server);
		return false;
	}
	struct body b = {0};
	long status, ra;
	int hr = http_get(c, url, &b, &status, final, sizeof(final), &ra, err, sizeof(err));
	bool found = false;
	if (hr) {
		r->transient = true;
		step(r, "rdap", url, "%s", err);
		goto out;
	}
	if (status == 429) {
		back_off(c, server, ra);
		r->rate_limited = true;
		step(r, "rdap", final, "HTTP 429: rate limited (backing off %ld s)",
		     ra > BACKOFF_MIN_S ? ra : (long)BACKOFF_MIN_S);
		goto out;
	}
	if (status == 404) {
		step(r, "rdap", final, "HTTP 404: the registry has no network for it");
		goto out;
	}
	if (status != 200) {
		step(r, "rdap", final, "HTTP %ld", status);
		goto out;
	}
	struct tw_rdap_net net;
	struct tw_errctx ec = {0};
	bool typed = typed_registry(base);
	if (tw_rdap_parse(b.p ? b.p : "", b.n, typed, &net, &ec) != TW_OK) {
		step(r, "rdap", final, "bad answer: %s", ec.msg);
		goto out;
	}
	if (typed_registry(net.port43) && !typed) /* the answer says whose it is */
		tw_rdap_parse(b.p, b.n, true, &net, &ec);
	if (!parent) {
		snprintf(port43, pcap, "%s", net.port43);
		if (net.start[0] && net.end[0])
			snprintf(r->range, sizeof(r->range), "%.46s - %.46s", net.start, net.end);
		snprintf(r->netname, sizeof(r->netname), "%s", net.name);
		memcpy(r->country, net.country, 3);
		snprintf(up, upcap, "%s", net.up);
	}
	if (net.error_code) {
		step(r, "rdap", final, "error object %d", net.error_code);
		goto out;
	}
	if (net.abuse.n) {
		r->found = net.abuse;
		r->via = TW_ABUSE_RDAP;
		snprintf(r->source, sizeof(r->source), "%.199s", final);
		step(r, "rdap", final, "found%s: %s", parent ? " in the parent network" : "",
		     net.abuse.how);
		found = true;
	} else if (net.abuse_entities) {
		step(r, "rdap", final, "an abuse entity without a usable e-mail%s%s",
		     net.abuse.rejected[0] ? ": " : "", net.abuse.rejected);
	} else {
		step(r, "rdap", final, "no entity with role abuse");
	}
out:
	free(b.p);
	return found;
}

/* ---- whois -------------------------------------------------------------------------- */

static int whois_ask(struct tw_abuse_ctx *c, const char *server, const char *query, char **out,
		     size_t *outlen, char *err, size_t ecap)
{
	char host[200], port[8] = "43";
	snprintf(host, sizeof(host), "%s", server);
	char *colon = strrchr(host, ':');
	if (colon && !strchr(colon + 1, ']') && strchr(host, ':') == colon) {
		*colon = '\0';
		snprintf(port, sizeof(port), "%.5s", colon + 1);
	}
	for (unsigned i = 0; i < c->nmap; i++)
		if (!strcasecmp(c->map[i].name, host) || !strcasecmp(c->map[i].name, server)) {
			snprintf(host, sizeof(host), "%s", c->map[i].host);
			snprintf(port, sizeof(port), "%s", c->map[i].port);
			break;
		}
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai = NULL;
	int g = getaddrinfo(host, port, &hints, &ai);
	if (g) {
		snprintf(err, ecap, "cannot resolve %.100s: %.80s", host, gai_strerror(g));
		return -2;
	}
	int fd = -1, rc = -2;
	char *buf = NULL;
	size_t n = 0;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	long long deadline = (long long)t0.tv_sec * 1000 + t0.tv_nsec / 1000000 + c->o.timeout_ms;
	snprintf(err, ecap, "could not connect");
	for (struct addrinfo *p = ai; p && fd < 0; p = p->ai_next) {
		fd = socket(p->ai_family, p->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    p->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, p->ai_addr, p->ai_addrlen) == 0 || errno == EINPROGRESS) {
			struct pollfd pf = {fd, POLLOUT, 0};
			int soerr = 0;
			socklen_t sl = sizeof(soerr);
			if (poll(&pf, 1, c->o.timeout_ms) == 1 &&
			    !getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) && !soerr)
				break;
			snprintf(err, ecap, "%s", soerr ? strerror(soerr) : "connect timed out");
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	if (fd < 0)
		return -2;
	char q[300];
	int ql = snprintf(q, sizeof(q), "%s\r\n", query);
	if (ql <= 0 || (size_t)ql >= sizeof(q) || send(fd, q, (size_t)ql, MSG_NOSIGNAL) != ql) {
		snprintf(err, ecap, "could not send the query");
		goto out;
	}
	buf = tw_malloc(WHOIS_MAX + 1);
	if (!buf) {
		snprintf(err, ecap, "out of memory");
		goto out;
	}
	for (;;) {
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		long long left = deadline - ((long long)t.tv_sec * 1000 + t.tv_nsec / 1000000);
		struct pollfd pf = {fd, POLLIN, 0};
		if (left <= 0 || poll(&pf, 1, (int)left) != 1) {
			snprintf(err, ecap, "no complete answer within %d ms", c->o.timeout_ms);
			rc = -1;
			goto out;
		}
		ssize_t k = recv(fd, buf + n, WHOIS_MAX - n, 0);
		if (k == 0)
			break;
		if (k < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			snprintf(err, ecap, "%s", strerror(errno));
			goto out;
		}
		n += (size_t)k;
		if (n == WHOIS_MAX) {
			snprintf(err, ecap, "answer larger than %u MiB: not read", WHOIS_MAX >> 20);
			goto out;
		}
	}
	buf[n] = '\0';
	*out = buf;
	*outlen = n;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}

static void try_whois(struct tw_abuse_ctx *c, const char *first, const char *as,
		      struct tw_abuse_result *r)
{
	char visited[WHOIS_HOPS][128];
	unsigned nv = 0;
	char server[128];
	snprintf(server, sizeof(server), "%s", first);
	while (nv < WHOIS_HOPS) {
		for (unsigned i = 0; i < nv; i++)
			if (!strcasecmp(visited[i], server)) {
				step(r, "whois", server, "referral loop: not asked again");
				return;
			}
		snprintf(visited[nv++], sizeof(visited[0]), "%s", server);
		if (backing_off(c, server)) {
			step(r, "whois", server, "not asked: it said to slow down (backing off)");
			return;
		}
		char query[200], err[200], *buf = NULL;
		size_t len = 0;
		tw_whois_query(server, as, query, sizeof(query));
		if (whois_ask(c, server, query, &buf, &len, err, sizeof(err))) {
			r->transient = true;
			step(r, "whois", server, "%s", err);
			return;
		}
		struct tw_whois_answer w;
		tw_whois_parse(buf, len, &w);
		free(buf);
		if (w.rate_limited && !w.abuse.n) {
			back_off(c, server, 0);
			r->rate_limited = true;
			step(r, "whois", server, "rate limited or access denied (backing off)");
			return;
		}
		if (!r->range[0])
			snprintf(r->range, sizeof(r->range), "%s", w.range);
		if (!r->netname[0])
			snprintf(r->netname, sizeof(r->netname), "%s", w.netname);
		if (!r->country[0])
			memcpy(r->country, w.country, 3);
		bool follow =
		    w.refer[0] && strcasecmp(w.refer, server) && (!w.abuse.n || w.abuse.weak);
		if (w.abuse.n && !follow) {
			r->found = w.abuse;
			r->via = TW_ABUSE_WHOIS;
			snprintf(r->source, sizeof(r->source), "whois %s", server);
			step(r, "whois", server, "found: %s", w.abuse.how);
			return;
		}
		if (follow) {
			step(r, "whois", server, "refers to %s", w.refer);
			snprintf(server, sizeof(server), "%s", w.refer);
			continue;
		}
		step(r, "whois", server, "%s%s%s",
		     w.no_abuse_registered ? "the registry says: no abuse contact registered"
					   : "no abuse contact in the answer",
		     w.abuse.rejected[0] ? "; refused " : "", w.abuse.rejected);
		return;
	}
	step(r, "whois", server, "more than %d referrals: stopped", WHOIS_HOPS);
}

/* ---- the Abusix zone ----------------------------------------------------------------- */

static void try_abusix(struct tw_abuse_ctx *c, const struct tw_addr *a, struct tw_abuse_result *r)
{
	const char *zone = c->o.abusix_zone ? c->o.abusix_zone : "abuse-contacts.abusix.zone";
	char name[300], txt[512];
	struct tw_rdns_opts dns = {.servers = c->o.dns_servers, .timeout_ms = c->o.timeout_ms};
	struct tw_errctx ec = {0};
	int status;
	tw_dns_reverse_name(a, zone, zone, name, sizeof(name));
	if (tw_dns_txt(name, &dns, txt, sizeof(txt), &status, &ec) != TW_OK) {
		r->transient = true;
		step(r, "abusix", name, "%s", ec.msg);
		return;
	}
	if (status == TW_RDNS_NONAME) {
		step(r, "abusix", name, "no entry");
		return;
	}
	if (status != TW_RDNS_OK) {
		r->transient = true;
		step(r, "abusix", name, "%s", tw_rdns_status_name(status));
		return;
	}
	struct tw_abuse_found f = {0};
	for (const char *p = txt; *p;) {
		size_t l = strcspn(p, ",");
		tw_abuse_found_add(&f, p, l);
		p += l + (p[l] == ',');
	}
	if (!f.n) {
		step(r, "abusix", name, "no usable address%s%s", f.rejected[0] ? ": " : "",
		     f.rejected);
		return;
	}
	snprintf(f.how, sizeof(f.how), "TXT %.100s: %.120s", name, txt);
	r->found = f;
	r->via = TW_ABUSE_ABUSIX;
	snprintf(r->source, sizeof(r->source), "dns %.190s", name);
	step(r, "abusix", name, "found: %.180s", txt);
}

/* ---- the search -------------------------------------------------------------------- */

/* "a - b" or "a/len" (LACNIC writes "200.57.128/19") → [lo, hi]. */
static bool range_parse(const char *s, struct tw_addr *lo, struct tw_addr *hi)
{
	const char *dash = strstr(s, " - ");
	if (dash) {
		return tw_addr_parse(s, (size_t)(dash - s), lo) == TW_OK &&
		       tw_addr_parse(dash + 3, strlen(dash + 3), hi) == TW_OK &&
		       lo->family == hi->family && tw_addr_cmp(lo, hi) <= 0;
	}
	unsigned plen;
	char tmp[100];
	snprintf(tmp, sizeof(tmp), "%s", s);
	/* Fill LACNIC's short IPv4 prefixes ("200.57.128/19") to four parts. */
	char *sl = strchr(tmp, '/');
	if (sl && !strchr(tmp, ':')) {
		int dots = 0;
		for (char *p = tmp; p < sl; p++)
			dots += *p == '.';
		char fixed[100];
		snprintf(fixed, sizeof(fixed), "%.*s%s%s", (int)(sl - tmp), tmp,
			 dots == 0   ? ".0.0.0"
			 : dots == 1 ? ".0.0"
			 : dots == 2 ? ".0"
				     : "",
			 sl);
		snprintf(tmp, sizeof(tmp), "%s", fixed);
	}
	if (tw_prefix_parse(tmp, strlen(tmp), lo, &plen) != TW_OK)
		return false;
	*hi = *lo;
	unsigned bits = lo->family == TW_AF_INET ? 32 : 128;
	for (unsigned b = plen; b < bits; b++)
		hi->b[b / 8] |= (uint8_t)(0x80u >> (b % 8));
	return true;
}

static void remember(struct tw_abuse_ctx *c, const struct tw_abuse_result *r)
{
	struct tw_addr lo, hi;
	if (!r->range[0] || r->rate_limited || !range_parse(r->range, &lo, &hi))
		return;
	struct range_cache *n = tw_grow(c->cache, c->ncache, &c->capcache, sizeof(*n), 16);
	if (!n)
		return;
	c->cache = n;
	c->cache[c->ncache++] = (struct range_cache){lo, hi, *r};
}

/* ---- the store's cache: a result as a JSON record ------------------------------------- */

static void jset(json_t *o, const char *k, const char *v)
{
	if (v[0])
		json_object_set_new(o, k, json_string(v));
}

static char *to_record(const struct tw_abuse_result *r)
{
	json_t *o = json_object(), *em = json_array(), *st = json_array();
	for (unsigned i = 0; i < r->found.n; i++)
		json_array_append_new(em, json_string(r->found.email[i]));
	for (unsigned i = 0; i < r->nsteps; i++)
		json_array_append_new(
		    st, json_pack("[sss]", r->step[i].what, r->step[i].where, r->step[i].outcome));
	json_object_set_new(o, "emails", em);
	json_object_set_new(o, "steps", st);
	json_object_set_new(o, "via", json_integer(r->via));
	json_object_set_new(o, "weak", json_boolean(r->found.weak));
	jset(o, "how", r->found.how);
	jset(o, "rejected", r->found.rejected);
	jset(o, "source", r->source);
	jset(o, "range", r->range);
	jset(o, "netname", r->netname);
	jset(o, "country", r->country);
	jset(o, "stop", r->stop);
	char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	return s;
}

static void jget(const json_t *o, const char *k, char *dst, size_t cap)
{
	const char *v = json_string_value(json_object_get(o, k));
	snprintf(dst, cap, "%s", v ? v : "");
}

/* A stored record back into a result; every field is checked again (a store file can be
 * edited by anyone who can write it). */
static bool from_record(const char *s, struct tw_abuse_result *r)
{
	json_t *o = json_loads(s, 0, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		return false;
	}
	memset(r, 0, sizeof(*r));
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(o, "emails"), i, v)
	{
		if (json_is_string(v))
			tw_abuse_found_add(&r->found, json_string_value(v), json_string_length(v));
	}
	json_array_foreach(json_object_get(o, "steps"), i, v)
	{
		const char *w = json_string_value(json_array_get(v, 0)),
			   *where = json_string_value(json_array_get(v, 1)),
			   *out = json_string_value(json_array_get(v, 2));
		if (w && where && out)
			step(r, w, where, "%s", out);
	}
	json_int_t via = json_integer_value(json_object_get(o, "via"));
	r->via = via == TW_ABUSE_RDAP || via == TW_ABUSE_WHOIS || via == TW_ABUSE_ABUSIX
		     ? (int)via
		     : TW_ABUSE_NONE;
	if (!r->found.n)
		r->via = TW_ABUSE_NONE;
	r->found.weak = json_is_true(json_object_get(o, "weak"));
	jget(o, "how", r->found.how, sizeof(r->found.how));
	jget(o, "rejected", r->found.rejected, sizeof(r->found.rejected));
	jget(o, "source", r->source, sizeof(r->source));
	jget(o, "range", r->range, sizeof(r->range));
	jget(o, "netname", r->netname, sizeof(r->netname));
	jget(o, "country", r->country, sizeof(r->country));
	jget(o, "stop", r->stop, sizeof(r->stop));
	json_decref(o);
	return true;
}

static bool from_store(struct tw_abuse_ctx *c, const struct tw_addr *a, struct tw_abuse_result *r)
{
	char *rec = NULL;
	int64_t fetched, expires;
	time_t now = time(NULL);
	if (!c->o.store || tw_store_cache_get(c->o.store, "abuse", a, (int64_t)now, &rec, &fetched,
					      &expires) != TW_OK)
		return false;
	bool ok = from_record(rec, r);
	free(rec);
	if (!ok)
		return false;
	char f[32], e[32];
	time_t tf = (time_t)fetched, te = (time_t)expires;
	struct tm tm;
	strftime(f, sizeof(f), "%Y-%m-%dT%H:%MZ", gmtime_r(&tf, &tm));
	strftime(e, sizeof(e), "%Y-%m-%dT%H:%MZ", gmtime_r(&te, &tm));
	r->cached = true;
	step(r, "cache", r->range[0] ? r->range : "store",
	     "the stored answer of %s (kept until %s)", f, e);
	return true;
}

static void to_store(struct tw_abuse_ctx *c, const struct tw_addr *a,
		     const struct tw_abuse_result *r)
{
	struct tw_addr lo = *a, hi = *a;
	if (!c->o.store || r->transient || r->rate_limited)
		return;
	if (r->range[0] && (!range_parse(r->range, &lo, &hi) || lo.family != a->family ||
			    tw_addr_cmp(&lo, a) > 0 || tw_addr_cmp(a, &hi) > 0))
		lo = hi = *a; /* a range that does not hold the address: keep it for itself */
	char *rec = to_record(r);
	if (!rec)
		return;
	int64_t now = (int64_t)time(NULL);
	int64_t ttl = r->found.n ? (c->o.ttl_found ? c->o.ttl_found : 7 * 86400)
				 : (c->o.ttl_none ? c->o.ttl_none : 4 * 3600);
	tw_store_cache_put(c->o.store, "abuse", &lo, &hi, rec, r->found.n > 0, now, now + ttl);
	free(rec);
}

void tw_abuse_lookup(struct tw_abuse_ctx *c, const struct tw_addr *a, struct tw_abuse_result *r)
{
	char as[TW_ADDR_STRLEN];
	memset(r, 0, sizeof(*r));
	tw_addr_format(a, as);
	const struct tw_special *sp = tw_special_lookup(a);
	if (sp) {
		snprintf(r->stop, sizeof(r->stop), "special-purpose address (%s): never reported",
			 sp->name);
		return;
	}
	for (size_t i = c->ncache; i-- > 0;)
		if (c->cache[i].lo.family == a->family && tw_addr_cmp(&c->cache[i].lo, a) <= 0 &&
		    tw_addr_cmp(a, &c->cache[i].hi) <= 0) {
			*r = c->cache[i].r;
			step(r, "cache", r->range, "the same registry range was looked up already");
			return;
		}
	if (from_store(c, a, r)) {
		remember(c, r);
		return;
	}
	if (c->o.cache_only) {
		snprintf(r->stop, sizeof(r->stop),
			 "not looked up yet (--lookup asks RDAP and whois)");
		return;
	}
	const char *base = c->o.rdap ? tw_bootstrap_find(&c->bs, a) : NULL;
	char port43[80] = "";
	if (c->o.rdap && !base) {
		if (c->bs.n)
			step(r, "rdap", "bootstrap",
			     "no registry in the IANA bootstrap for it (not delegated)");
		else
			step(r, "rdap", "bootstrap", "no bootstrap: %s", c->bs_note);
	}
	char url[600], up[300] = "";
	if (base) {
		snprintf(url, sizeof(url), "%sip/%s", base, as);
		bool found =
		    try_rdap(c, base, url, false, r, port43, sizeof(port43), up, sizeof(up));
		/* No contact in the network: its parent, once (abuse-reporting.md §2.2). */
		if (!found && up[0] && !r->rate_limited && strcmp(up, url))
			found = try_rdap(c, base, up, true, r, port43, sizeof(port43), up, 0);
		if (found) {
			remember(c, r);
			to_store(c, a, r);
			return;
		}
	}
	if (c->o.whois) {
		const char *first = port43[0] ? port43 : base ? whois_for(base) : NULL;
		try_whois(c, first ? first : c->o.iana_whois, as, r);
	}
	if (c->o.abusix && !r->via && !r->rate_limited)
		try_abusix(c, a, r);
	if (!r->via && !r->rate_limited && !r->stop[0])
		snprintf(r->stop, sizeof(r->stop),
			 "no abuse contact found: report to DShield only, never a guess");
	remember(c, r);
	to_store(c, a, r);
}

/* ---- the bootstrap update ----------------------------------------------------------- */

int tw_abuse_update_bootstrap(const char *from, const char *dir, int timeout_ms, char *publication,
			      size_t pcap, struct tw_errctx *ec)
{
	static const char *const files[] = {"ipv4.json", "ipv6.json"};
	struct tw_abuse_ctx *c = tw_calloc(1, sizeof(*c));
	struct body b[2] = {{0}, {0}};
	int r = TW_OK;
	char defdir[1024];
	if (!c)
		return tw_err_set(ec, TW_E_NOMEM, 0, "out of memory");
	c->o.timeout_ms = timeout_ms ? timeout_ms : 30000;
	if (!dir) {
		if (tw_abuse_bootstrap_dir(defdir, sizeof(defdir)) != TW_OK) {
			r = tw_err_set(ec, TW_E_NOTFOUND, 0,
				       "no data directory: set HOME or XDG_DATA_HOME");
			goto out;
		}
		dir = defdir;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !(c->curl = curl_easy_init())) {
		r = tw_err_set(ec, TW_E_NOMEM, 0, "libcurl could not start");
		goto out;
	}
	/* Both files are fetched and checked before either replaces the copy in use. */
	for (unsigned i = 0; i < 2; i++) {
		char url[1200], final[1200], err[200];
		long status, ra;
		size_t fl = strlen(from);
		snprintf(url, sizeof(url), "%s%s%s", from, fl && from[fl - 1] == '/' ? "" : "/",
			 files[i]);
		if (http_get(c, url, &b[i], &status, final, sizeof(final), &ra, err, sizeof(err))) {
			r = tw_err_set(ec, TW_E_IO, 0, "%.200s: %.150s", url, err);
			goto out;
		}
		if (status != 200) {
			r = tw_err_set(ec, TW_E_IO, 0, "%.200s: HTTP %ld", final, status);
			goto out;
		}
		struct tw_bootstrap bs = {0};
		int pr = tw_bootstrap_add(&bs, b[i].p ? b[i].p : "", b[i].n, ec);
		size_t nent = bs.n;
		if (!i && publication)
			snprintf(publication, pcap, "%s", bs.publication);
		tw_bootstrap_fini(&bs);
		if (pr != TW_OK || !nent) {
			char why[200];
			snprintf(why, sizeof(why), "%.199s", pr ? ec->msg : "no services");
			r = tw_err_set(ec, TW_E_INVALID, 0, "%.200s: not a bootstrap file (%.150s)",
				       final, why);
			goto out;
		}
	}
	char probe[1100];
	snprintf(probe, sizeof(probe), "%s/ipv4.json", dir);
	if (tw_mkdirs_for(probe)) {
		r = tw_err_set(ec, TW_E_IO, errno, "%.200s: %s", dir, strerror(errno));
		goto out;
	}
	for (unsigned i = 0; i < 2; i++) {
		char path[1100], tmp[1120];
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		snprintf(tmp, sizeof(tmp), "%s.new", path);
		FILE *f = fopen(tmp, "wb");
		if (!f || fwrite(b[i].p, 1, b[i].n, f) != b[i].n || fclose(f) ||
		    rename(tmp, path)) {
			r = tw_err_set(ec, TW_E_IO, errno, "%.200s: %s", path, strerror(errno));
			if (f)
				unlink(tmp);
			goto out;
		}
	}
out:
	free(b[0].p);
	free(b[1].p);
	tw_abuse_close(c);
	return r;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reverse DNS with forward confirmation on c-ares (see rdns.h). */
#include "enrich/rdns.h"

#include <ares.h>
#include <errno.h>
#include <stdlib.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>

#include "core/alloc.h"
#include "store/store.h"

const char *tw_rdns_status_name(int s)
{
	static const char *const names[] = {"ok", "no-name", "timeout", "error", "not-asked"};
	return s >= 0 && s <= TW_RDNS_NOTASKED ? names[s] : "error";
}

struct job {
	struct run *run;
	size_t i;
};

struct run {
	ares_channel ch;
	const struct tw_addr *addrs;
	struct tw_rdns_result *out;
	struct job *jobs;
	size_t n, next;
	unsigned inflight, max;
	bool stopping; /* the channel is being destroyed: start nothing */
};

static void start_next(struct run *r);

static int map_status(int st)
{
	switch (st) {
	case ARES_SUCCESS: return TW_RDNS_OK;
	case ARES_ENOTFOUND:
	case ARES_ENODATA: return TW_RDNS_NONAME;
	case ARES_ETIMEOUT: return TW_RDNS_TIMEOUT;
	}
	return TW_RDNS_ERROR;
}

/* A host name as DNS allows it (letters, digits, '-', '_', dots), at most 253 bytes. */
static bool host_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 253)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.' || c == '_'))
			return false;
	}
	return true;
}

static void on_forward(void *arg, int status, int timeouts, struct hostent *h)
{
	struct job *j = arg;
	struct run *r = j->run;
	const struct tw_addr *a = &r->addrs[j->i];
	size_t len = a->family == TW_AF_INET ? 4 : 16;
	(void)timeouts;
	if (status == ARES_SUCCESS && h && h->h_addr_list)
		for (char **p = h->h_addr_list; *p; p++)
			if ((size_t)h->h_length == len && !memcmp(*p, a->b, len))
				r->out[j->i].confirmed = true;
	r->inflight--;
	start_next(r);
}

static void on_ptr(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct job *j = arg;
	struct run *r = j->run;
	struct tw_rdns_result *res = &r->out[j->i];
	struct hostent *h = NULL;
	const struct tw_addr *a = &r->addrs[j->i];
	(void)timeouts;
	if (status == ARES_SUCCESS)
		status = ares_parse_ptr_reply(abuf, alen, a->b, a->family == TW_AF_INET ? 4 : 16,
					      a->family == TW_AF_INET ? AF_INET : AF_INET6, &h);
	res->status = map_status(status);
	if (status == ARES_SUCCESS && h && h->h_name) {
		if (!host_name_ok(h->h_name)) {
			res->status = TW_RDNS_ERROR; /* a PTR that is no host name: not shown */
		} else {
			memcpy(res->name, h->h_name, strlen(h->h_name) + 1); /* at most 253 bytes */
			ares_free_hostent(h);
			if (r->stopping) {
				r->inflight--;
				return;
			}
			/* Forward confirmation: the name must lead back to the address. */
			ares_gethostbyname(r->ch, res->name,
					   a->family == TW_AF_INET ? AF_INET : AF_INET6, on_forward,
					   j);
			return;
		}
	}
	if (h)
		ares_free_hostent(h);
	r->inflight--;
	start_next(r);
}

/* The PTR name of an address: d.c.b.a.in-addr.arpa, or the nibbles under ip6.arpa. */
static void ptr_name(const struct tw_addr *a, char *out, size_t n)
{
	size_t o = 0;
	if (a->family == TW_AF_INET) {
		snprintf(out, n, "%u.%u.%u.%u.in-addr.arpa", a->b[3], a->b[2], a->b[1], a->b[0]);
		return;
	}
	static const char hex[] = "0123456789abcdef";
	for (int i = 15; i >= 0 && o + 4 < n; i--) {
		out[o++] = hex[a->b[i] & 15];
		out[o++] = '.';
		out[o++] = hex[a->b[i] >> 4];
		out[o++] = '.';
	}
	snprintf(out + o, n - o, "ip6.arpa");
}

static void start_next(struct run *r)
{
	while (!r->stopping && r->inflight < r->max && r->next < r->n) {
		size_t i = r->next++;
		const struct tw_addr *a = &r->addrs[i];
		if (a->family != TW_AF_INET && a->family != TW_AF_INET6) {
			r->out[i].status = TW_RDNS_ERROR;
			continue;
		}
		r->jobs[i].run = r;
		r->jobs[i].i = i;
		char q[80];
		ptr_name(a, q, sizeof(q));
		r->inflight++;
		/* A query of its own (not ares_gethostbyaddr, which reports a timeout as "not
		 * found"). */
		ares_query(r->ch, q, 1 /* IN */, 12 /* PTR */, on_ptr, &r->jobs[i]);
	}
}

int tw_rdns_lookup(const struct tw_addr *addrs, size_t n, struct tw_rdns_result *out,
		   const struct tw_rdns_opts *o, struct tw_errctx *ec)
{
	struct ares_options opt;
	struct run r;
	int ret = TW_OK, st;

	memset(out, 0, n * sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out[i].status = TW_RDNS_TIMEOUT; /* until answered */
	if (!n)
		return TW_OK;
	st = ares_library_init(ARES_LIB_INIT_ALL);
	if (st != ARES_SUCCESS)
		return tw_err_set(ec, TW_E_IO, 0, "c-ares: %s", ares_strerror(st));
	memset(&opt, 0, sizeof(opt));
	opt.timeout = o->timeout_ms > 0 ? o->timeout_ms : 2000;
	opt.tries = o->tries > 0 ? o->tries : 2;
	opt.lookups = (char *)"b"; /* DNS only: /etc/hosts says nothing about the Internet */
	memset(&r, 0, sizeof(r));
	st = ares_init_options(&r.ch, &opt, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_LOOKUPS);
	if (st != ARES_SUCCESS) {
		ret = tw_err_set(ec, TW_E_IO, 0, "c-ares: %s", ares_strerror(st));
		goto out_lib;
	}
	if (o->servers && (st = ares_set_servers_ports_csv(r.ch, o->servers)) != ARES_SUCCESS) {
		ret = tw_err_set(ec, TW_E_INVALID, 0, "DNS server list '%.100s': %s", o->servers,
				 ares_strerror(st));
		goto out_ch;
	}
	r.jobs = tw_calloc(n, sizeof(*r.jobs));
	if (!r.jobs) {
		ret = tw_err_set(ec, TW_E_NOMEM, 0, "out of memory");
		goto out_ch;
	}
	r.addrs = addrs;
	r.out = out;
	r.n = n;
	r.max = o->inflight ? o->inflight : 256;
	start_next(&r);
	for (;;) {
		fd_set rd, wr;
		struct timeval tv, *tvp;
		FD_ZERO(&rd);
		FD_ZERO(&wr);
		int nfds = ares_fds(r.ch, &rd, &wr);
		if (nfds == 0) {
			if (r.next >= r.n && r.inflight == 0)
				break;
			start_next(&r);
			if (r.inflight == 0 && r.next >= r.n)
				break;
			continue;
		}
		tvp = ares_timeout(r.ch, NULL, &tv);
		if (select(nfds, &rd, &wr, NULL, tvp) < 0 && errno != EINTR) {
			ret = tw_err_set(ec, TW_E_IO, errno, "select");
			break;
		}
		ares_process(r.ch, &rd, &wr);
	}
out_ch:
	r.stopping = true;
	ares_destroy(
	    r.ch); /* unanswered queries end here (their callbacks see ARES_EDESTRUCTION) */
	free(r.jobs);
out_lib:
	ares_library_cleanup();
	return ret;
}

/* ---- through the store's cache ---------------------------------------------------------- */

int tw_rdns_lookup_cached(const struct tw_addr *addrs, size_t n, struct tw_rdns_result *out,
			  const struct tw_rdns_opts *o, struct tw_store *store, int64_t ttl_found,
			  int64_t ttl_none, struct tw_errctx *ec)
{
	if (!store)
		return tw_rdns_lookup(addrs, n, out, o, ec);
	int64_t now = (int64_t)time(NULL);
	size_t *miss = tw_calloc(n ? n : 1, sizeof(*miss));
	struct tw_addr *ask = tw_calloc(n ? n : 1, sizeof(*ask));
	struct tw_rdns_result *got = tw_calloc(n ? n : 1, sizeof(*got));
	size_t m = 0;
	int r = TW_OK;
	if (!miss || !ask || !got) {
		r = tw_err_set(ec, TW_E_NOMEM, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char *rec = NULL;
		int64_t f, e;
		memset(&out[i], 0, sizeof(out[i]));
		if (tw_store_cache_get(store, "rdns", &addrs[i], now, &rec, &f, &e) == TW_OK) {
			/* "1 name" (confirmed), "0 name" or "-": checked like an answer. */
			size_t l = strlen(rec);
			if (l == 1 && rec[0] == '-') {
				out[i].status = TW_RDNS_NONAME;
				out[i].cached = true;
			} else if (l > 2 && l - 2 < sizeof(out[i].name) && rec[1] == ' ' &&
				   (rec[0] == '0' || rec[0] == '1')) {
				out[i].status = TW_RDNS_OK;
				out[i].confirmed = rec[0] == '1';
				memcpy(out[i].name, rec + 2, l - 1);
				out[i].cached = host_name_ok(out[i].name);
			}
			free(rec);
			if (out[i].cached)
				continue;
		}
		miss[m] = i;
		ask[m++] = addrs[i];
	}
	if (m) {
		r = tw_rdns_lookup(ask, m, got, o, ec);
		if (r)
			goto out;
	}
	for (size_t k = 0; k < m; k++) {
		out[miss[k]] = got[k];
		char rec[sizeof(got[k].name) + 2];
		if (got[k].status == TW_RDNS_OK) {
			snprintf(rec, sizeof(rec), "%c %s", got[k].confirmed ? '1' : '0',
				 got[k].name);
			tw_store_cache_put(store, "rdns", &ask[k], &ask[k], rec, true, now,
					   now + (ttl_found ? ttl_found : 86400));
		} else if (got[k].status == TW_RDNS_NONAME) {
			tw_store_cache_put(store, "rdns", &ask[k], &ask[k], "-", false, now,
					   now + (ttl_none ? ttl_none : 4 * 3600));
		}
	}
out:
	free(miss);
	free(ask);
	free(got);
	return r;
}

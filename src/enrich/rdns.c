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

void tw_dns_reverse_name(const struct tw_addr *a, const char *v4zone, const char *v6zone, char *out,
			 size_t n)
{
	size_t o = 0;
	if (a->family == TW_AF_INET) {
		snprintf(out, n, "%u.%u.%u.%u.%s", a->b[3], a->b[2], a->b[1], a->b[0], v4zone);
		return;
	}
	static const char hex[] = "0123456789abcdef";
	for (int i = 15; i >= 0 && o + 4 < n; i--) {
		out[o++] = hex[a->b[i] & 15];
		out[o++] = '.';
		out[o++] = hex[a->b[i] >> 4];
		out[o++] = '.';
	}
	snprintf(out + o, n - o, "%s", v6zone);
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
		tw_dns_reverse_name(a, "in-addr.arpa", "ip6.arpa", q, sizeof(q));
		r->inflight++;
		/* A query of its own (not ares_gethostbyaddr, which reports a timeout as "not
		 * found"). */
		ares_query(r->ch, q, 1 /* IN */, 12 /* PTR */, on_ptr, &r->jobs[i]);
	}
}

/* A channel for the options: DNS only (never /etc/hosts), the timeout and tries, the
 * servers when given. The library is initialised with it (channel_close ends both). */
static int channel_open(ares_channel *ch, const struct tw_rdns_opts *o, struct tw_errctx *ec)
{
	struct ares_options opt;
	int st = ares_library_init(ARES_LIB_INIT_ALL);
	if (st != ARES_SUCCESS)
		return tw_err_set(ec, TW_E_IO, 0, "c-ares: %s", ares_strerror(st));
	memset(&opt, 0, sizeof(opt));
	opt.timeout = o->timeout_ms > 0 ? o->timeout_ms : 2000;
	opt.tries = o->tries > 0 ? o->tries : 2;
	opt.lookups = (char *)"b"; /* DNS only: /etc/hosts says nothing about the Internet */
	st = ares_init_options(ch, &opt, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_LOOKUPS);
	if (st != ARES_SUCCESS) {
		ares_library_cleanup();
		return tw_err_set(ec, TW_E_IO, 0, "c-ares: %s", ares_strerror(st));
	}
	if (o->servers && (st = ares_set_servers_ports_csv(*ch, o->servers)) != ARES_SUCCESS) {
		ares_destroy(*ch);
		ares_library_cleanup();
		return tw_err_set(ec, TW_E_INVALID, 0, "DNS server list '%.100s': %s", o->servers,
				  ares_strerror(st));
	}
	return TW_OK;
}

static void channel_close(ares_channel ch)
{
	ares_destroy(ch); /* unanswered queries end here (callbacks see ARES_EDESTRUCTION) */
	ares_library_cleanup();
}

/* Runs the channel until 'more' says nothing is left (it may start further queries). */
static int channel_run(ares_channel ch, bool (*more)(void *), void *arg, struct tw_errctx *ec)
{
	for (;;) {
		fd_set rd, wr;
		struct timeval tv, *tvp;
		FD_ZERO(&rd);
		FD_ZERO(&wr);
		int nfds = ares_fds(ch, &rd, &wr);
		if (nfds == 0) {
			if (!more(arg))
				return TW_OK;
			continue;
		}
		tvp = ares_timeout(ch, NULL, &tv);
		if (select(nfds, &rd, &wr, NULL, tvp) < 0 && errno != EINTR)
			return tw_err_set(ec, TW_E_IO, errno, "select");
		ares_process(ch, &rd, &wr);
	}
}

static bool rdns_more(void *arg)
{
	struct run *r = arg;
	start_next(r);
	return r->inflight > 0 || r->next < r->n;
}

int tw_rdns_lookup(const struct tw_addr *addrs, size_t n, struct tw_rdns_result *out,
		   const struct tw_rdns_opts *o, struct tw_errctx *ec)
{
	struct run r;
	int ret;

	memset(out, 0, n * sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out[i].status = TW_RDNS_TIMEOUT; /* until answered */
	if (!n)
		return TW_OK;
	memset(&r, 0, sizeof(r));
	ret = channel_open(&r.ch, o, ec);
	if (ret)
		return ret;
	r.jobs = tw_calloc(n, sizeof(*r.jobs));
	if (!r.jobs) {
		ret = tw_err_set(ec, TW_E_NOMEM, 0, "out of memory");
		goto out;
	}
	r.addrs = addrs;
	r.out = out;
	r.n = n;
	r.max = o->inflight ? o->inflight : 256;
	start_next(&r);
	ret = channel_run(r.ch, rdns_more, &r, ec);
out:
	r.stopping = true;
	channel_close(r.ch);
	free(r.jobs);
	return ret;
}

/* ---- TXT (the Abusix abuse-contact zone) ------------------------------------------------ */

struct txt {
	bool done;
	int status;
	char *out;
	size_t cap;
};

static void on_txt(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct txt *t = arg;
	struct ares_txt_ext *txt = NULL;
	(void)timeouts;
	t->done = true;
	if (status == ARES_SUCCESS)
		status = ares_parse_txt_reply_ext(abuf, alen, &txt);
	t->status = map_status(status);
	size_t o = 0;
	for (struct ares_txt_ext *p = txt; p && status == ARES_SUCCESS; p = p->next) {
		/* Strings of one record are joined; records are separated by commas. */
		if (p->record_start && o && o + 1 < t->cap)
			t->out[o++] = ',';
		for (size_t i = 0; i < p->length && o + 1 < t->cap; i++)
			t->out[o++] = (char)p->txt[i];
	}
	t->out[o] = '\0';
	if (txt)
		ares_free_data(txt);
}

static bool txt_more(void *arg)
{
	return !((struct txt *)arg)->done;
}

int tw_dns_txt(const char *name, const struct tw_rdns_opts *o, char *out, size_t cap, int *status,
	       struct tw_errctx *ec)
{
	ares_channel ch;
	struct txt t = {false, TW_RDNS_TIMEOUT, out, cap};
	out[0] = '\0';
	int ret = channel_open(&ch, o, ec);
	if (ret)
		return ret;
	ares_query(ch, name, 1 /* IN */, 16 /* TXT */, on_txt, &t);
	ret = channel_run(ch, txt_more, &t, ec);
	t.done = true;
	channel_close(ch);
	*status = t.status;
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

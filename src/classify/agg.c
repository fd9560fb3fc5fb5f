/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-source aggregation: open-addressing tables keyed by address, KMV sketches for distinct
 * counts, a bounded per-port counter table, and the first danger/confidence verdict. */
#include "classify/agg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/special.h"

static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* ---- KMV sketch ------------------------------------------------------------------------- */

static int kmv_add(struct tw_kmv *k, uint64_t h)
{
	if (k->n && h == k->last)
		return TW_OK;
	k->last = h;
	if (k->n == TW_KMV_K && h >= k->h[k->n - 1])
		return TW_OK;
	/* Binary search for the insertion point. */
	uint32_t lo = 0, hi = k->n;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (k->h[mid] < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < k->n && k->h[lo] == h)
		return TW_OK;
	if (k->n == k->cap) {
		if (k->n == TW_KMV_K) {
			k->n--; /* drop the largest to make room */
		} else {
			uint32_t nc = k->cap ? k->cap * 2 : 4;
			if (nc > TW_KMV_K)
				nc = TW_KMV_K;
			uint64_t *nh = realloc(k->h, nc * sizeof(*nh));
			if (!nh)
				return TW_E_NOMEM;
			k->h = nh;
			k->cap = nc;
		}
	}
	if (lo < k->n)
		memmove(k->h + lo + 1, k->h + lo, (k->n - lo) * sizeof(*k->h));
	k->h[lo] = h;
	k->n++;
	return TW_OK;
}

uint64_t tw_kmv_count(const struct tw_kmv *k, bool *estimated)
{
	*estimated = k->n >= TW_KMV_K;
	if (!*estimated)
		return k->n;
	/* (K-1) / (h_K / 2^64): the classic unbiased KMV estimator. */
	double frac = (double)k->h[k->n - 1] / 18446744073709551616.0;
	return frac > 0 ? (uint64_t)((TW_KMV_K - 1) / frac + 0.5) : k->n;
}

/* ---- source table ----------------------------------------------------------------------- */

void tw_agg_init(struct tw_agg *a)
{
	memset(a, 0, sizeof(*a));
}

void tw_agg_fini(struct tw_agg *a)
{
	for (size_t i = 0; i < a->nsrcs; i++) {
		free(a->srcs[i].dsts.h);
		free(a->srcs[i].ports.h);
	}
	free(a->srcs);
	free(a->index);
	free(a->pc);
	memset(a, 0, sizeof(*a));
}

static int index_grow(struct tw_agg *a)
{
	size_t nc = a->index_cap ? a->index_cap * 2 : 1024;
	uint32_t *ni = calloc(nc, sizeof(*ni));

	if (!ni)
		return TW_E_NOMEM;
	for (size_t i = 0; i < a->nsrcs; i++) {
		size_t j = tw_addr_hash(&a->srcs[i].addr) & (nc - 1);
		while (ni[j])
			j = (j + 1) & (nc - 1);
		ni[j] = (uint32_t)i + 1;
	}
	free(a->index);
	a->index = ni;
	a->index_cap = nc;
	return TW_OK;
}

/* Finds or creates the source; returns its index or a negative error. */
static long src_get(struct tw_agg *a, const struct tw_addr *addr)
{
	if ((a->nsrcs + 1) * 10 > a->index_cap * 7 && index_grow(a))
		return TW_E_NOMEM;
	size_t mask = a->index_cap - 1, j = tw_addr_hash(addr) & mask;
	for (;;) {
		uint32_t v = a->index[j];
		if (!v)
			break;
		if (tw_addr_eq(&a->srcs[v - 1].addr, addr))
			return (long)v - 1;
		j = (j + 1) & mask;
	}
	if (a->nsrcs == UINT32_MAX - 1)
		return TW_E_NOMEM;
	if (a->nsrcs == a->capsrcs) {
		size_t nc = a->capsrcs ? a->capsrcs * 2 : 256;
		struct tw_srcagg *ns = realloc(a->srcs, nc * sizeof(*ns));
		if (!ns)
			return TW_E_NOMEM;
		a->srcs = ns;
		a->capsrcs = nc;
	}
	struct tw_srcagg *s = &a->srcs[a->nsrcs];
	memset(s, 0, sizeof(*s));
	s->addr = *addr;
	a->index[j] = (uint32_t)++a->nsrcs;
	return (long)a->nsrcs - 1;
}

/* ---- per-port counters ------------------------------------------------------------------ */

static inline size_t pc_slot(uint32_t src, uint32_t key, size_t mask)
{
	return mix64((uint64_t)src << 32 | key) & mask;
}

static int pc_grow(struct tw_agg *a)
{
	size_t nc = a->pc_cap ? a->pc_cap * 2 : 4096;
	struct tw_portcount *np = calloc(nc, sizeof(*np));

	if (!np)
		return TW_E_NOMEM;
	for (size_t i = 0; i < a->pc_cap; i++) {
		struct tw_portcount *e = &a->pc[i];
		if (!e->count)
			continue;
		size_t j = pc_slot(e->src, e->key, nc - 1);
		while (np[j].count)
			j = (j + 1) & (nc - 1);
		np[j] = *e;
	}
	free(a->pc);
	a->pc = np;
	a->pc_cap = nc;
	return TW_OK;
}

static int pc_add(struct tw_agg *a, uint32_t src, uint32_t key, uint64_t n)
{
	if ((a->pc_n + 1) * 10 > a->pc_cap * 7 && pc_grow(a))
		return TW_E_NOMEM;
	size_t mask = a->pc_cap - 1, j = pc_slot(src, key, mask);
	while (a->pc[j].count) {
		if (a->pc[j].src == src && a->pc[j].key == key) {
			a->pc[j].count += n;
			return TW_OK;
		}
		j = (j + 1) & mask;
	}
	if (a->srcs[src].ports_tracked >= TW_PORTS_TRACKED)
		return TW_OK;
	a->srcs[src].ports_tracked++;
	a->pc[j] = (struct tw_portcount){src, key, n};
	a->pc_n++;
	return TW_OK;
}

/* ---- adding and merging ----------------------------------------------------------------- */

static int proto_slot(uint8_t p)
{
	switch (p) {
	case TW_IPPROTO_TCP: return TW_P_TCP;
	case TW_IPPROTO_UDP: return TW_P_UDP;
	case TW_IPPROTO_ICMP: return TW_P_ICMP;
	case TW_IPPROTO_ICMPV6: return TW_P_ICMP6;
	}
	return TW_P_OTHER;
}

int tw_agg_add(struct tw_agg *a, const struct tw_event *ev, const struct tw_verdict *v)
{
	long si = src_get(a, &ev->src);
	int ret = TW_OK;

	if (si < 0) {
		a->oom = true;
		return (int)si;
	}
	struct tw_srcagg *s = &a->srcs[si];
	s->packets++;
	a->events++;
	if (ev->has & TW_EV_HAS_TS) {
		if (!s->has_time || ev->ts < s->first)
			s->first = ev->ts;
		if (!s->has_time || ev->ts > s->last)
			s->last = ev->ts;
		s->has_time = true;
	}
	s->protos[proto_slot(ev->proto)]++;
	s->classes[v->cls]++;
	a->classes[v->cls]++;
	if (ev->proto == TW_IPPROTO_TCP) {
		if (!(ev->has & TW_EV_HAS_FLAGS))
			s->tcp_unknown++;
		else if ((ev->tcp_flags & (TW_TCP_SYN | TW_TCP_ACK)) == TW_TCP_SYN)
			s->tcp_syn++;
		else if (!(ev->tcp_flags & TW_TCP_SYN))
			s->tcp_noSyn++;
	}
	ret |= kmv_add(&s->dsts, tw_addr_hash(&ev->dst));
	if (ev->has & TW_EV_HAS_PORTS) {
		uint32_t key = (uint32_t)ev->proto << 16 | ev->dport;
		ret |= kmv_add(&s->ports, mix64(key + 0x9e3779b97f4a7c15ull));
		ret |= pc_add(a, (uint32_t)si, key, 1);
	}
	if (ret) {
		a->oom = true;
		return TW_E_NOMEM;
	}
	return TW_OK;
}

static int kmv_merge(struct tw_kmv *into, const struct tw_kmv *from)
{
	for (uint32_t i = 0; i < from->n; i++)
		if (kmv_add(into, from->h[i]))
			return TW_E_NOMEM;
	return TW_OK;
}

int tw_agg_merge(struct tw_agg *a, const struct tw_agg *b)
{
	uint32_t *map = malloc((b->nsrcs ? b->nsrcs : 1) * sizeof(*map));

	if (!map)
		return TW_E_NOMEM;
	for (size_t i = 0; i < b->nsrcs; i++) {
		const struct tw_srcagg *t = &b->srcs[i];
		long si = src_get(a, &t->addr);
		if (si < 0)
			goto nomem;
		map[i] = (uint32_t)si;
		struct tw_srcagg *s = &a->srcs[si];
		if (t->has_time) {
			if (!s->has_time || t->first < s->first)
				s->first = t->first;
			if (!s->has_time || t->last > s->last)
				s->last = t->last;
			s->has_time = true;
		}
		s->packets += t->packets;
		for (int p = 0; p < TW_P_N; p++)
			s->protos[p] += t->protos[p];
		for (int c = 0; c < TW_CLS_N; c++)
			s->classes[c] += t->classes[c];
		s->tcp_syn += t->tcp_syn;
		s->tcp_noSyn += t->tcp_noSyn;
		s->tcp_unknown += t->tcp_unknown;
		if (kmv_merge(&s->dsts, &t->dsts) || kmv_merge(&s->ports, &t->ports))
			goto nomem;
	}
	for (size_t i = 0; i < b->pc_cap; i++) {
		const struct tw_portcount *e = &b->pc[i];
		if (e->count && pc_add(a, map[e->src], e->key, e->count))
			goto nomem;
	}
	a->events += b->events;
	for (int c = 0; c < TW_CLS_N; c++)
		a->classes[c] += b->classes[c];
	a->oom |= b->oom;
	free(map);
	return TW_OK;
nomem:
	free(map);
	a->oom = true;
	return TW_E_NOMEM;
}

/* ---- verdicts --------------------------------------------------------------------------- */

static int cmp_sum(const void *x, const void *y)
{
	const struct tw_srcsum *a = x, *b = y;
	if (a->s->packets != b->s->packets)
		return a->s->packets > b->s->packets ? -1 : 1;
	return tw_addr_cmp(&a->s->addr, &b->s->addr);
}

static int cmp_pc(const void *x, const void *y)
{
	const struct tw_portcount *a = x, *b = y;
	if (a->src != b->src)
		return a->src < b->src ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return a->key < b->key ? -1 : a->key > b->key;
}

static void add_why(struct tw_srcsum *m, const char *w)
{
	if (m->nwhy < sizeof(m->why) / sizeof(m->why[0]))
		m->why[m->nwhy++] = w;
}

/* Preliminary danger and confidence (abuse-reporting.md §5.1); the classification issue
 * replaces this with signature weights and scan detection. Documented in README.md. */
static void judge(struct tw_srcsum *m)
{
	const struct tw_srcagg *s = m->s;
	int danger = 1;

	if (s->classes[TW_CLS_MESSENGER_SPAM] || s->classes[TW_CLS_SMB] ||
	    s->classes[TW_CLS_NETBIOS_SSN] || s->classes[TW_CLS_MSRPC])
		danger = 2;
	if (m->ports >= 10)
		danger++;
	if (m->ports >= 100 || m->dsts >= 100)
		danger++;
	if (s->packets >= 1000)
		danger++;
	m->danger = danger > 5 ? 5 : danger;

	const struct tw_special *sp = tw_special_lookup(&s->addr);
	uint64_t tcp = s->protos[TW_P_TCP];
	if (sp) {
		snprintf(m->special, sizeof(m->special), "special-purpose source: %s (%s)",
			 sp->name, sp->rfc);
		m->confidence = 0.0;
		add_why(m, m->special);
	} else if (tcp == 0) {
		m->confidence = 0.3;
		add_why(m, "udp-only: source can be forged");
	} else if (s->tcp_syn == 0 && s->tcp_noSyn > 0 && s->tcp_unknown == 0) {
		m->confidence = 0.0;
		add_why(m, "tcp without SYN: likely backscatter of a forged-source attack");
	} else if (s->tcp_syn >= 1 && m->ports >= 3) {
		m->confidence = 0.7;
		add_why(m, "tcp SYN to several ports");
	} else {
		m->confidence = 0.3;
		add_why(m, "few tcp packets: a single SYN proves little");
	}
	m->reportable = !sp && m->confidence >= 0.6;
	if (!m->reportable && !sp && m->confidence > 0)
		add_why(m, "below the confidence threshold 0.6");
}

struct tw_srcsum *tw_agg_summarise(const struct tw_agg *a, unsigned ntop, size_t *n)
{
	struct tw_srcsum *out = calloc(a->nsrcs ? a->nsrcs : 1, sizeof(*out));
	struct tw_portcount *pcs = NULL;
	size_t npc = 0;

	if (!out)
		return NULL;
	if (ntop > 8)
		ntop = 8;
	pcs = malloc((a->pc_n ? a->pc_n : 1) * sizeof(*pcs));
	if (!pcs) {
		free(out);
		return NULL;
	}
	for (size_t i = 0; i < a->pc_cap; i++)
		if (a->pc[i].count)
			pcs[npc++] = a->pc[i];
	qsort(pcs, npc, sizeof(*pcs), cmp_pc);
	size_t p = 0;
	for (size_t i = 0; i < a->nsrcs; i++) {
		struct tw_srcsum *m = &out[i];
		m->s = &a->srcs[i];
		m->dsts = tw_kmv_count(&m->s->dsts, &m->dsts_est);
		m->ports = tw_kmv_count(&m->s->ports, &m->ports_est);
		while (p < npc && pcs[p].src < i)
			p++;
		for (; p < npc && pcs[p].src == i; p++)
			if (m->ntop < ntop)
				m->top[m->ntop++] =
				    (struct tw_topport){(uint8_t)(pcs[p].key >> 16),
							(uint16_t)pcs[p].key, pcs[p].count};
		judge(m);
	}
	free(pcs);
	qsort(out, a->nsrcs, sizeof(*out), cmp_sum);
	/* why[] may point into m->special, which moved with the sort: repoint. */
	for (size_t i = 0; i < a->nsrcs; i++)
		if (out[i].special[0])
			out[i].why[0] = out[i].special;
	*n = a->nsrcs;
	return out;
}

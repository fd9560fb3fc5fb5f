/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-source aggregation: open-addressing tables keyed by address, KMV sketches for distinct
 * counts, a bounded per-port counter table, and the first danger/confidence verdict. */
#include "core/alloc.h"
#include "classify/agg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/special.h"

/* ---- distinct counters (exact set, then KMV sketch) ------------------------------------ */

/* A bijection on 32 bits (invertible multiply-xorshift), so that distinct values keep
 * distinct hashes and the exact mode stays exact. */
static inline uint32_t mix32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	return x ^ (x >> 16);
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

/* Exact mode: open addressing, linear probing, at most three quarters full. */
static int set_add(struct tw_kmv *k, uint32_t h)
{
	if (h == 0) {
		k->n += !k->zero;
		k->zero = true;
		return TW_OK;
	}
	if ((k->n + 1) * 4 > k->cap * 3) {
		uint32_t nc = k->cap ? k->cap * 2 : 16;
		uint32_t *nh = tw_calloc(nc, sizeof(*nh));
		if (!nh)
			return TW_E_NOMEM;
		for (uint32_t i = 0; i < k->cap; i++) {
			uint32_t v = k->h[i];
			if (!v)
				continue;
			uint32_t j = v & (nc - 1);
			while (nh[j])
				j = (j + 1) & (nc - 1);
			nh[j] = v;
		}
		free(k->h);
		k->h = nh;
		k->cap = nc;
	}
	uint32_t mask = k->cap - 1, j = h & mask;
	while (k->h[j]) {
		if (k->h[j] == h)
			return TW_OK;
		j = (j + 1) & mask;
	}
	k->h[j] = h;
	k->n++;
	return TW_OK;
}

/* Turns a full exact set into a sorted sketch of exactly its values. */
static void to_sketch(struct tw_kmv *k)
{
	uint32_t m = 0;
	/* The slot array has at least n + 1 slots, so 0 fits in front. */
	if (k->zero)
		k->h[m++] = 0;
	for (uint32_t i = 0; i < k->cap; i++)
		if (k->h[i])
			k->h[m++] = k->h[i];
	qsort(k->h, m, sizeof(*k->h), cmp_u32);
	k->n = m;
	k->sketch = true;
}

static void sketch_add(struct tw_kmv *k, uint32_t h)
{
	if (h >= k->h[k->n - 1])
		return; /* the common case once the sketch is full: one compare */
	uint32_t lo = 0, hi = k->n;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (k->h[mid] < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (k->h[lo] == h)
		return;
	/* Insert, dropping the largest. */
	memmove(k->h + lo + 1, k->h + lo, (k->n - 1 - lo) * sizeof(*k->h));
	k->h[lo] = h;
}

/* Adds an already mixed value. */
static int kmv_add_mixed(struct tw_kmv *k, uint32_t h)
{
	if (k->has_last && h == k->last)
		return TW_OK;
	k->last = h;
	k->has_last = true;
	if (k->sketch) {
		sketch_add(k, h);
		return TW_OK;
	}
	int r = set_add(k, h);
	if (r == TW_OK && k->n >= TW_KMV_K)
		to_sketch(k);
	return r;
}

static inline int kmv_add(struct tw_kmv *k, uint32_t v)
{
	return kmv_add_mixed(k, mix32(v));
}

uint64_t tw_kmv_count(const struct tw_kmv *k, bool *estimated)
{
	*estimated = k->sketch;
	if (!k->sketch)
		return k->n;
	/* (K-1) / ((h_K + 1) / 2^32): the KMV estimator on 32-bit hashes. */
	double frac = ((double)k->h[k->n - 1] + 1.0) / 4294967296.0;
	return (uint64_t)((TW_KMV_K - 1) / frac + 0.5);
}

/* Adds every value 'from' holds into 'into'. */
static int kmv_merge(struct tw_kmv *into, const struct tw_kmv *from)
{
	if (!from->sketch && from->zero && kmv_add_mixed(into, 0))
		return TW_E_NOMEM;
	uint32_t lim = from->sketch ? from->n : from->cap;
	for (uint32_t i = 0; i < lim; i++)
		if ((from->h[i] || from->sketch) && kmv_add_mixed(into, from->h[i]))
			return TW_E_NOMEM;
	return TW_OK;
}

/* The destination as a 32-bit value: IPv4 itself, IPv6 folded. */
static inline uint32_t dst_value(const struct tw_addr *a)
{
	uint32_t w[4];
	memcpy(w, a->b, 16);
	if (a->family == TW_AF_INET)
		return w[0];
	/* A source speaks one family, so its IPv6 folds never meet IPv4 values. */
	return (uint32_t)tw_addr_hash(a);
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
		free(a->srcs[i].pt);
		free(a->srcs[i].portbits);
	}
	free(a->srcs);
	free(a->index);
	memset(a, 0, sizeof(*a));
}

static int index_grow(struct tw_agg *a)
{
	size_t nc = a->index_cap ? a->index_cap * 2 : 1024;
	uint32_t *ni = tw_calloc(nc, sizeof(*ni));

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
		struct tw_srcagg *ns = tw_realloc(a->srcs, nc * sizeof(*ns));
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

/* ---- per-source port counters ---------------------------------------------------------- */

static inline uint32_t port_slot_hash(uint32_t key)
{
	return key * 0x9E3779B1u;
}

static uint32_t bit_index(uint32_t key)
{
	uint32_t proto = (key - 1) >> 16, port = (key - 1) & 0xffff;
	uint32_t slot = proto == TW_IPPROTO_TCP ? 0 : proto == TW_IPPROTO_UDP ? 1 : 2;
	return slot << 16 | port;
}

/* Sets the port's bit; returns 1 if it was new. */
static int bit_set(uint64_t *bits, uint32_t key)
{
	uint32_t b = bit_index(key);
	uint64_t m = 1ull << (b & 63);
	if (bits[b >> 6] & m)
		return 0;
	bits[b >> 6] |= m;
	return 1;
}

#define PORTBITS_WORDS (3 * 65536 / 64)

/* Creates the source's port bitmap from its table (once). */
static int portbits_ensure(struct tw_srcagg *s)
{
	if (s->portbits)
		return TW_OK;
	s->portbits = tw_calloc(PORTBITS_WORDS, sizeof(uint64_t));
	if (!s->portbits)
		return TW_E_NOMEM;
	for (uint32_t i = 0; i < s->pt_cap; i++)
		if (s->pt[i].key)
			bit_set(s->portbits, s->pt[i].key);
	return TW_OK;
}

static int pt_grow(struct tw_srcagg *s)
{
	uint32_t nc = s->pt_cap ? s->pt_cap * 2 : 8;
	struct tw_portcount *np = tw_calloc(nc, sizeof(*np));

	if (!np)
		return TW_E_NOMEM;
	for (uint32_t i = 0; i < s->pt_cap; i++) {
		struct tw_portcount e = s->pt[i];
		if (!e.key)
			continue;
		uint32_t j = port_slot_hash(e.key) & (nc - 1);
		while (np[j].key)
			j = (j + 1) & (nc - 1);
		np[j] = e;
	}
	free(s->pt);
	s->pt = np;
	s->pt_cap = nc;
	return TW_OK;
}

/* Counts 'n' packets to port 'key' ((proto << 16 | port) + 1) for source 's'. */
static int port_add(struct tw_srcagg *s, uint32_t key, uint32_t n)
{
	if (s->pt_cap) {
		uint32_t mask = s->pt_cap - 1, j = port_slot_hash(key) & mask;
		while (s->pt[j].key) {
			if (s->pt[j].key == key) {
				uint32_t c = s->pt[j].count + n;
				s->pt[j].count = c < n ? UINT32_MAX : c;
				return TW_OK;
			}
			j = (j + 1) & mask;
		}
	}
	if (s->pt_n < TW_PORTS_TRACKED) {
		if ((s->pt_n + 1) * 4 > s->pt_cap * 3 && pt_grow(s))
			return TW_E_NOMEM;
		uint32_t mask = s->pt_cap - 1, j = port_slot_hash(key) & mask;
		while (s->pt[j].key)
			j = (j + 1) & mask;
		s->pt[j] = (struct tw_portcount){key, n};
		s->pt_n++;
		if (s->portbits)
			s->nports += (uint64_t)bit_set(s->portbits, key);
		else
			s->nports++;
		return TW_OK;
	}
	/* The table is full: from now on distinct ports are kept in a bitmap. */
	if (portbits_ensure(s))
		return TW_E_NOMEM;
	s->nports += (uint64_t)bit_set(s->portbits, key);
	return TW_OK;
}

/* Marks port 'key' as seen without counting packets (a merged part saw it beyond its
 * table, so its packet count is unknown). */
static int port_add_distinct_only(struct tw_srcagg *s, uint32_t key)
{
	if (s->pt_cap) {
		uint32_t mask = s->pt_cap - 1, j = port_slot_hash(key) & mask;
		for (; s->pt[j].key; j = (j + 1) & mask)
			if (s->pt[j].key == key)
				return TW_OK;
	}
	if (portbits_ensure(s))
		return TW_E_NOMEM;
	s->nports += (uint64_t)bit_set(s->portbits, key);
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

static inline void sat_inc(uint32_t *x)
{
	if (*x != UINT32_MAX)
		(*x)++;
}

static inline uint32_t sat_add(uint32_t a, uint32_t b)
{
	return a > UINT32_MAX - b ? UINT32_MAX : a + b;
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
	if (s->classes[v->cls] != UINT32_MAX)
		s->classes[v->cls]++;
	a->classes[v->cls]++;
	if (v->weight > s->max_weight)
		s->max_weight = v->weight;
	if (ev->proto == TW_IPPROTO_UDP)
		sat_inc(&s->scan[TW_SCAN_UDP]);
	if (ev->proto == TW_IPPROTO_TCP && (ev->has & TW_EV_HAS_FLAGS)) {
		uint8_t f = ev->tcp_flags & (TW_TCP_SYN | TW_TCP_ACK | TW_TCP_FIN | TW_TCP_RST |
					     TW_TCP_PSH | TW_TCP_URG);
		if (f == TW_TCP_SYN)
			sat_inc(&s->scan[TW_SCAN_SYN]);
		else if (f == 0)
			sat_inc(&s->scan[TW_SCAN_NULL]);
		else if (f == TW_TCP_FIN)
			sat_inc(&s->scan[TW_SCAN_FIN]);
		else if (f == (TW_TCP_FIN | TW_TCP_PSH | TW_TCP_URG))
			sat_inc(&s->scan[TW_SCAN_XMAS]);
		else if (f == TW_TCP_ACK)
			sat_inc(&s->scan[TW_SCAN_ACK]);
	}
	if ((ev->has & TW_EV_HAS_PORTS) &&
	    (ev->proto == TW_IPPROTO_TCP || ev->proto == TW_IPPROTO_UDP)) {
		if (!s->has_ports || ev->dport < s->port_lo)
			s->port_lo = ev->dport;
		if (!s->has_ports || ev->dport > s->port_hi)
			s->port_hi = ev->dport;
		s->has_ports = true;
	}
	if (ev->proto == TW_IPPROTO_TCP) {
		if (!(ev->has & TW_EV_HAS_FLAGS))
			s->tcp_unknown++;
		else if ((ev->tcp_flags & (TW_TCP_SYN | TW_TCP_ACK)) == TW_TCP_SYN)
			s->tcp_syn++;
		else if (!(ev->tcp_flags & TW_TCP_SYN))
			s->tcp_noSyn++;
	}
	ret |= kmv_add(&s->dsts, dst_value(&ev->dst));
	if (ev->has & TW_EV_HAS_PORTS)
		ret |= port_add(s, ((uint32_t)ev->proto << 16 | ev->dport) + 1, 1);
	if (ret) {
		a->oom = true;
		return TW_E_NOMEM;
	}
	return TW_OK;
}

int tw_agg_merge(struct tw_agg *a, const struct tw_agg *b)
{
	for (size_t i = 0; i < b->nsrcs; i++) {
		const struct tw_srcagg *t = &b->srcs[i];
		long si = src_get(a, &t->addr);
		if (si < 0)
			goto nomem;
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
		for (int c = 0; c < TW_CLS_MAX; c++)
			s->classes[c] = sat_add(s->classes[c], t->classes[c]);
		if (t->max_weight > s->max_weight)
			s->max_weight = t->max_weight;
		for (int k = 0; k < TW_SCAN_N; k++)
			s->scan[k] = sat_add(s->scan[k], t->scan[k]);
		if (t->has_ports) {
			if (!s->has_ports || t->port_lo < s->port_lo)
				s->port_lo = t->port_lo;
			if (!s->has_ports || t->port_hi > s->port_hi)
				s->port_hi = t->port_hi;
			s->has_ports = true;
		}
		s->tcp_syn += t->tcp_syn;
		s->tcp_noSyn += t->tcp_noSyn;
		s->tcp_unknown += t->tcp_unknown;
		if (kmv_merge(&s->dsts, &t->dsts))
			goto nomem;
		for (uint32_t k = 0; k < t->pt_cap; k++)
			if (t->pt[k].key && port_add(s, t->pt[k].key, t->pt[k].count))
				goto nomem;
		if (t->portbits) {
			/* Ports 't' saw beyond its table: each set bit is one key. */
			for (uint32_t w = 0; w < PORTBITS_WORDS; w++) {
				uint64_t bits = t->portbits[w];
				while (bits) {
					uint32_t bi = w * 64 + (uint32_t)__builtin_ctzll(bits);
					bits &= bits - 1;
					uint32_t slot = bi >> 16, port = bi & 0xffff;
					/* "other" ported protocols share a slot: SCTP stands for
					 * them. */
					uint32_t proto = slot == 0   ? TW_IPPROTO_TCP
							 : slot == 1 ? TW_IPPROTO_UDP
								     : TW_IPPROTO_SCTP;
					uint32_t key = (proto << 16 | port) + 1;
					if (port_add_distinct_only(s, key))
						goto nomem;
				}
			}
		}
	}
	a->events += b->events;
	for (int c = 0; c < TW_CLS_MAX; c++)
		a->classes[c] += b->classes[c];
	a->oom |= b->oom;
	return TW_OK;
nomem:
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

static void add_why(struct tw_srcsum *m, const char *w)
{
	if (m->nwhy < sizeof(m->why) / sizeof(m->why[0]))
		m->why[m->nwhy++] = w;
}

static struct {
	struct tw_addr net;
	unsigned plen;
} own[TW_OWN_MAX];
static unsigned nown;

int tw_own_add(const struct tw_addr *net, unsigned plen)
{
	if (nown == TW_OWN_MAX)
		return TW_E_RANGE;
	own[nown].net = *net;
	own[nown].plen = plen;
	nown++;
	return TW_OK;
}

static bool is_own(const struct tw_addr *a)
{
	for (unsigned i = 0; i < nown; i++)
		if (tw_addr_in_prefix(a, &own[i].net, own[i].plen))
			return true;
	return false;
}

const char *tw_scan_name(int t)
{
	static const char *const names[TW_SCAN_N] = {"SYN", "NULL", "FIN", "XMAS", "ACK", "UDP"};
	return t >= 0 && t < TW_SCAN_N ? names[t] : "?";
}

/* A port scan (many ports, few hosts) or a sweep (many hosts, few ports), named by the
 * probe kind most of the source's packets were. */
static void scan(struct tw_srcsum *m)
{
	const struct tw_srcagg *s = m->s;
	int best = -1;
	for (int k = 0; k < TW_SCAN_N; k++)
		if (s->scan[k] && (best < 0 || s->scan[k] > s->scan[best]))
			best = k;
	m->scan_kind = NULL;
	if (best < 0 || !s->has_ports)
		return;
	m->scan_type = best;
	if (m->ports >= TW_SCAN_PORTS && m->dsts <= TW_SCAN_HOSTS) {
		m->scan_kind = "portscan";
		snprintf(m->scan_why, sizeof(m->scan_why),
			 "%s scan of %llu ports (%u-%u) on %llu host%s", tw_scan_name(best),
			 (unsigned long long)m->ports, s->port_lo, s->port_hi,
			 (unsigned long long)m->dsts, m->dsts == 1 ? "" : "s");
	} else if (m->dsts >= TW_SWEEP_HOSTS && m->ports <= TW_SWEEP_PORTS) {
		m->scan_kind = "sweep";
		snprintf(m->scan_why, sizeof(m->scan_why),
			 "%s sweep of %s%llu hosts on %llu port%s (%u-%u)", tw_scan_name(best),
			 m->dsts_est ? "~" : "", (unsigned long long)m->dsts,
			 (unsigned long long)m->ports, m->ports == 1 ? "" : "s", s->port_lo,
			 s->port_hi);
	}
}

/* Preliminary danger and confidence (abuse-reporting.md §5.1); the classification issue
 * replaces this with signature weights and scan detection. Documented in README.md. */
static void judge(struct tw_srcsum *m)
{
	const struct tw_srcagg *s = m->s;
	scan(m);
	m->why_special = m->why_scan = -1;
	if (m->scan_kind) {
		m->why_scan = (signed char)m->nwhy;
		add_why(m, m->scan_why);
	}
	/* 1, plus the weight of the heaviest signature rule the source matched. */
	int danger = 1 + s->max_weight;
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
		m->why_special = (signed char)m->nwhy;
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
	if (!sp && is_own(&s->addr)) {
		m->reportable = false;
		add_why(m, "one of your own networks (--own)");
	} else if (!m->reportable && !sp && m->confidence > 0) {
		add_why(m, "below the confidence threshold 0.6");
	}
}

/* The 'ntop' busiest ports of 's', by packets (descending) then protocol and port. */
static void top_ports(const struct tw_srcagg *s, unsigned ntop, struct tw_srcsum *m)
{
	for (uint32_t i = 0; i < s->pt_cap; i++) {
		struct tw_portcount e = s->pt[i];
		if (!e.key || !e.count)
			continue;
		struct tw_topport t = {(uint8_t)((e.key - 1) >> 16), (uint16_t)(e.key - 1),
				       e.count};
		/* Insertion into a sorted array of at most 8. */
		unsigned k = m->ntop;
		while (k > 0) {
			const struct tw_topport *p = &m->top[k - 1];
			uint32_t pk = (uint32_t)p->proto << 16 | p->port;
			if (p->packets > t.packets || (p->packets == t.packets && pk < e.key - 1))
				break;
			k--;
		}
		if (k >= ntop)
			continue;
		unsigned last = m->ntop < ntop ? m->ntop : ntop - 1;
		memmove(&m->top[k + 1], &m->top[k], (last - k) * sizeof(m->top[0]));
		m->top[k] = t;
		if (m->ntop < ntop)
			m->ntop++;
	}
}

struct tw_srcsum *tw_agg_summarise(const struct tw_agg *a, unsigned ntop, size_t *n)
{
	struct tw_srcsum *out = tw_calloc(a->nsrcs ? a->nsrcs : 1, sizeof(*out));

	if (!out)
		return NULL;
	if (ntop > 8)
		ntop = 8;
	for (size_t i = 0; i < a->nsrcs; i++) {
		struct tw_srcsum *m = &out[i];
		m->s = &a->srcs[i];
		m->dsts = tw_kmv_count(&m->s->dsts, &m->dsts_est);
		m->ports = m->s->nports;
		m->ports_est = false;
		if (ntop)
			top_ports(m->s, ntop, m);
		judge(m);
	}
	qsort(out, a->nsrcs, sizeof(*out), cmp_sum);
	/* why[] may point into the struct's own texts, which moved with the sort: repoint. */
	for (size_t i = 0; i < a->nsrcs; i++) {
		if (out[i].why_special >= 0)
			out[i].why[out[i].why_special] = out[i].special;
		if (out[i].why_scan >= 0)
			out[i].why[out[i].why_scan] = out[i].scan_why;
	}
	*n = a->nsrcs;
	return out;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-source aggregation: open-addressing tables keyed by address, KMV sketches for distinct
 * counts, a bounded per-port counter table, and the first danger/confidence verdict. */
#include "core/alloc.h"
#include "classify/agg.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/conf.h"
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
		uint32_t nc = k->cap ? k->cap * 2 : 4;
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

static inline uint32_t kmv_k(const struct tw_kmv *k)
{
	return k->k ? k->k : TW_KMV_K;
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
	if (r == TW_OK && k->n >= kmv_k(k))
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
	return (uint64_t)((kmv_k(k) - 1) / frac + 0.5);
}

double tw_kmv_error(const struct tw_kmv *k)
{
	return 1.0 / sqrt((double)kmv_k(k) - 2.0);
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

/* ---- small distinct counters (incidents): exact, then HyperLogLog ------------------------- */

static inline uint8_t reg_get(const struct tw_dcount *d, unsigned i)
{
	return (uint8_t)((d->reg[i >> 1] >> ((i & 1) * 4)) & 15);
}

static inline void reg_max(struct tw_dcount *d, unsigned i, uint8_t r)
{
	if (r > reg_get(d, i))
		d->reg[i >> 1] = (uint8_t)((d->reg[i >> 1] & ~(15u << ((i & 1) * 4))) |
					   (unsigned)r << ((i & 1) * 4));
}

/* Adds a mixed value: the register of its top 6 bits keeps the longest run of leading
 * zeros (+1, at most 15) of the rest; the exact list takes it while there is room. */
static void dc_add(struct tw_dcount *d, uint32_t *v, uint32_t x)
{
	uint32_t h = mix32(x), rest = h << 6;
	uint8_t rank = rest ? (uint8_t)(__builtin_clz(rest) + 1) : 27;
	reg_max(d, h >> 26, rank > 15 ? 15 : rank);
	if (d->n > TW_DC_EXACT)
		return;
	for (unsigned i = 0; i < d->n; i++)
		if (v[i] == x)
			return;
	if (d->n < TW_DC_EXACT)
		v[d->n++] = x; /* the values themselves, in the order first seen */
	else
		d->n = TW_DC_EXACT + 1;
}

static void dc_merge(struct tw_dcount *into, uint32_t *iv, const struct tw_dcount *from,
		     const uint32_t *fv)
{
	for (unsigned i = 0; i < TW_DC_REG; i++)
		reg_max(into, i, reg_get(from, i));
	/* The exact list is filled from 'from' even when 'from' overflowed: it holds its
	 * first TW_DC_EXACT values, and 'into' must keep n valid values (the ports sample
	 * reads them). */
	unsigned fn = from->n > TW_DC_EXACT ? TW_DC_EXACT : from->n;
	for (unsigned k = 0; k < fn && into->n < TW_DC_EXACT; k++) {
		unsigned i;
		for (i = 0; i < into->n; i++)
			if (iv[i] == fv[k])
				break;
		if (i < into->n)
			continue;
		iv[into->n++] = fv[k];
	}
	if (from->n > TW_DC_EXACT)
		into->n = TW_DC_EXACT + 1;
	else if (into->n == TW_DC_EXACT)
		/* Full: more distinct values in 'from' than fitted mean an overflow. */
		for (unsigned k = 0; k < fn && into->n == TW_DC_EXACT; k++) {
			unsigned i;
			for (i = 0; i < TW_DC_EXACT; i++)
				if (iv[i] == fv[k])
					break;
			if (i == TW_DC_EXACT)
				into->n = TW_DC_EXACT + 1;
		}
}

void tw_incident_merge_counts(struct tw_incident *into, const struct tw_incident *from)
{
	dc_merge(&into->dsts, into->dv, &from->dsts, from->dv);
	dc_merge(&into->ports, into->pv, &from->ports, from->pv);
}

uint64_t tw_dcount_count(const struct tw_dcount *d, bool *estimated)
{
	*estimated = d->n > TW_DC_EXACT;
	if (!*estimated)
		return d->n;
	/* HyperLogLog (Flajolet et al. 2007) with m = 64: alpha_64 = 0.709, and linear
	 * counting while registers are still empty. */
	double sum = 0;
	unsigned zeros = 0;
	for (unsigned i = 0; i < TW_DC_REG; i++) {
		uint8_t r = reg_get(d, i);
		sum += ldexp(1.0, -(int)r);
		zeros += r == 0;
	}
	double m = TW_DC_REG, e = 0.709 * m * m / sum;
	if (e <= 2.5 * m && zeros)
		e = m * log(m / zeros);
	uint64_t n = (uint64_t)(e + 0.5);
	return n > TW_DC_EXACT ? n : TW_DC_EXACT + 1; /* more than the exact list held */
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

static void src_free(struct tw_agg *a, struct tw_srcagg *s)
{
	for (unsigned i = 0; i < s->ninc; i++)
		a->evidence_bytes -= s->inc[i].evcap;
	free(s->dsts.h);
	free(s->pt);
	free(s->portbits);
	for (int w = 0; w < TW_WIN_N; w++)
		free(s->win[w]);
	for (unsigned i = 0; i < s->ninc; i++) {
		free(s->inc[i].evtext);
	}
	free(s->inc);
}

void tw_agg_fini(struct tw_agg *a)
{
	for (size_t i = 0; i < a->nsrcs; i++)
		src_free(a, &a->srcs[i]);
	free(a->srcs);
	tw_addrix_fini(&a->ix);
	memset(a, 0, sizeof(*a));
}

/* The source records as the address index sees them. */
static struct tw_addrix_recs src_recs(const struct tw_agg *a)
{
	return (struct tw_addrix_recs){a->srcs, sizeof(*a->srcs), offsetof(struct tw_srcagg, addr)};
}

/* Keeps the table within max-sources: drops the sources with the fewest packets (at most
 * 1, 2, 4 … packets, until a quarter of the table is free), counting what was dropped. */
static void prune(struct tw_agg *a)
{
	uint32_t cut = a->prune_below ? a->prune_below : 1;
	for (;;) {
		size_t drop = 0;
		for (size_t i = 0; i < a->nsrcs; i++)
			drop += a->srcs[i].packets <= cut;
		if (drop * 4 >= a->nsrcs || cut >= (1u << 30))
			break;
		cut *= 2;
	}
	size_t keep = 0;
	for (size_t i = 0; i < a->nsrcs; i++) {
		struct tw_srcagg *s = &a->srcs[i];
		if (s->packets <= cut) {
			a->pruned_srcs++;
			a->pruned_packets += s->packets;
			src_free(a, s);
		} else {
			a->srcs[keep++] = *s;
		}
	}
	a->nsrcs = keep;
	a->prune_below = cut;
	tw_addrix_rebuild(&a->ix, src_recs(a), a->nsrcs);
}

/* Finds or creates the source; returns its index or a negative error. */
static long src_get(struct tw_agg *a, const struct tw_addr *addr)
{
	size_t hole;
	if (tw_addrix_reserve(&a->ix, src_recs(a), a->nsrcs, a->nsrcs + 1))
		return TW_E_NOMEM;
	long i = tw_addrix_find(&a->ix, src_recs(a), addr, &hole);
	if (i >= 0)
		return i;
	if (a->nsrcs >= (a->max_sources ? a->max_sources : tw_conf_active()->max_sources)) {
		prune(a);
		(void)tw_addrix_find(&a->ix, src_recs(a), addr, &hole);
	}
	struct tw_srcagg *ns = tw_grow(a->srcs, a->nsrcs, &a->capsrcs, sizeof(*ns), 256);
	if (!ns)
		return TW_E_NOMEM;
	a->srcs = ns;
	struct tw_srcagg *s = &a->srcs[a->nsrcs];
	memset(s, 0, sizeof(*s));
	s->addr = *addr;
	tw_addrix_put(&a->ix, hole, a->nsrcs++);
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

/* ---- windows, incidents, spoofing evidence ---------------------------------------------- */

static bool small_add(uint32_t *v, uint8_t *n, uint32_t cap, uint32_t x)
{
	for (uint32_t i = 0; i < *n; i++)
		if (v[i] == x)
			return false;
	if (*n < cap) {
		v[(*n)++] = x;
		return true;
	}
	return false;
}

/* Adds one probe (port key, 0 without ports; host value) to window 'w' of length 'len'. */
static void win_add(struct tw_srcagg *s, int w, int64_t len, bool has_ts, int64_t ts, uint32_t port,
		    uint32_t host)
{
	const struct tw_conf *c = tw_conf_active();
	struct tw_win *x = s->win[w];
	if (has_ts && (ts - x->start > len || ts < x->start - len)) {
		x->start = ts;
		x->np = x->nh = 0;
	}
	if (port)
		small_add(x->v, &x->np, c->scan_ports, port);
	small_add(x->v + c->scan_ports, &x->nh, c->sweep_hosts, host);
	if (x->np >= c->scan_ports && x->nh <= c->scan_hosts)
		s->hit[w] |= TW_HIT_PORTSCAN;
	if (x->nh >= c->sweep_hosts && x->np <= c->sweep_ports && x->np > 0)
		s->hit[w] |= TW_HIT_SWEEP;
}

static int windows_add(struct tw_srcagg *s, const struct tw_event *ev, uint32_t port, uint32_t host)
{
	const struct tw_conf *c = tw_conf_active();
	bool has_ts = ev->has & TW_EV_HAS_TS;
	const int64_t len[TW_WIN_N] = {c->window, c->slow_window};

	if (s->packets == 1) {
		s->first_port = port;
		s->first_dst = host;
		s->first_ts = has_ts ? ev->ts : 0;
		return TW_OK;
	}
	for (int w = 0; w < TW_WIN_N; w++) {
		/* A window that reached a threshold has said what it can (the kind itself
		 * comes from the whole input's counts), and a scan reached within the short
		 * window needs no slow one: stop paying for them. */
		if (s->hit[w] || (w == TW_WIN_SLOW && s->hit[TW_WIN_SHORT]))
			continue;
		if (!s->win[w]) {
			s->win[w] =
			    tw_calloc(1, sizeof(struct tw_win) +
					     (c->scan_ports + c->sweep_hosts) * sizeof(uint32_t));
			if (!s->win[w])
				return TW_E_NOMEM;
			s->win[w]->start = s->first_ts;
			win_add(s, w, len[w], false, 0, s->first_port, s->first_dst);
		}
		win_add(s, w, len[w], has_ts, ev->ts, port, host);
		if (s->hit[w]) {
			free(s->win[w]);
			s->win[w] = NULL;
		}
	}
	return TW_OK;
}

/* The initial TTL a sender most likely used: the next of 32, 64, 128 and 255. */
static int ttl_init_bit(uint8_t ttl, uint8_t *hops)
{
	static const uint8_t init[] = {32, 64, 128, 255};
	for (int i = 0; i < 4; i++)
		if (ttl <= init[i]) {
			*hops = (uint8_t)(init[i] - ttl);
			return i;
		}
	return 3;
}

static void ttl_note(struct tw_srcagg *s, const struct tw_event *ev)
{
	if (!(ev->has & TW_EV_HAS_TTL))
		return;
	uint8_t hops;
	int bit = ttl_init_bit(ev->ttl, &hops);
	s->ttl_inits |= (uint8_t)(1u << bit);
	if (!s->has_ttl || hops < s->hop_min)
		s->hop_min = hops;
	if (!s->has_ttl || hops > s->hop_max)
		s->hop_max = hops;
	s->has_ttl = true;
}

/* FNV-1a over the payload: the same message from many sources is one campaign. */
static uint32_t payload_hash(const struct tw_span *p)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < p->len; i++)
		h = (h ^ (uint8_t)p->p[i]) * 16777619u;
	return h | 1u;
}

/* FNV-1a: the fingerprint of an evidence line that is read back later. */
static uint32_t line_hash(const char *p, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)p[i]) * 16777619u;
	return h;
}

/* Appends one line to the incident's text (texts are a prefix of the references). */
static void evtext_append(struct tw_agg *a, struct tw_incident *in, const char *raw, size_t rawlen,
			  unsigned lines_left)
{
	if (rawlen > TW_EVIDENCE_LINE)
		rawlen = TW_EVIDENCE_LINE;
	if (a && a->evidence_bytes + rawlen + 1 > TW_EVIDENCE_BUDGET)
		return; /* the budget is spent: this incident keeps line numbers only */
	if (in->evlen + rawlen + 1 > in->evcap) {
		/* Room for the rest of the incident's lines at once, if they are alike. */
		uint32_t cap = in->evlen + (uint32_t)(rawlen + 1) * (lines_left ? lines_left : 1);
		char *t = tw_realloc(in->evtext, cap);
		if (!t)
			return; /* evidence is best effort: the counts stay right */
		in->evtext = t;
		if (a)
			a->evidence_bytes += cap - in->evcap;
		in->evcap = cap;
	}
	char *t = in->evtext;
	memcpy(t + in->evlen, raw, rawlen);
	/* One line per entry: newlines inside a record (XML events) become spaces. */
	if (memchr(raw, '\n', rawlen) || memchr(raw, '\r', rawlen))
		for (size_t i = 0; i < rawlen; i++)
			if (t[in->evlen + i] == '\n' || t[in->evlen + i] == '\r')
				t[in->evlen + i] = ' ';
	t[in->evlen + rawlen] = '\n';
	in->ntext++;
	in->evlen += (uint32_t)rawlen + 1;
}

static void inc_evidence(struct tw_agg *a, struct tw_incident *in, const struct tw_event *ev,
			 const char *raw, size_t rawlen, bool rereadable)
{
	uint32_t want = tw_conf_active()->evidence;
	if (in->nev >= want || in->nev >= 8)
		return;
	unsigned i = in->nev++;
	in->ev[i] = TW_EVREF(ev->origin.file, ev->origin.line);
	in->evoff[i] = TW_EVOFF_NONE;
	if (!raw)
		return;
	if (rawlen > TW_EVIDENCE_LINE)
		rawlen = TW_EVIDENCE_LINE;
	if (rereadable) {
		in->evoff[i] = ev->origin.offset;
		in->evrlen[i] = (uint16_t)rawlen;
		in->evhash[i] = line_hash(raw, rawlen);
		return;
	}
	if (in->ntext == i)
		evtext_append(a, in, raw, rawlen, want - i);
}

void tw_agg_resolve_evidence(struct tw_srcagg *s, tw_evidence_reader rd, void *ctx)
{
	char buf[TW_EVIDENCE_LINE];
	for (unsigned k = 0; k < s->ninc; k++) {
		struct tw_incident *in = &s->inc[k];
		while (in->ntext < in->nev && in->evoff[in->ntext] != TW_EVOFF_NONE) {
			unsigned i = in->ntext;
			long n =
			    rd(ctx, TW_EVREF_FILE(in->ev[i]), in->evoff[i], buf, in->evrlen[i]);
			static const char changed[] = "(changed since it was read)";
			if (n == (long)in->evrlen[i] && line_hash(buf, (size_t)n) == in->evhash[i])
				evtext_append(NULL, in, buf, (size_t)n, in->nev - i);
			else
				evtext_append(NULL, in, changed, sizeof(changed) - 1, in->nev - i);
			if (in->ntext == i)
				break; /* out of memory: the rest keep their line numbers */
		}
	}
}

static int inc_init(struct tw_incident *in, int cls)
{
	memset(in, 0, sizeof(*in));
	in->cls = cls;
	return TW_OK;
}

/* The incident of class 'cls' that an event at (has_ts, ts) belongs to: the class's last
 * one when within the gap, else a new one (or, past TW_INC_MAX, the last one joined). */
static struct tw_incident *inc_get(struct tw_srcagg *s, int cls, bool has_ts, int64_t ts,
				   int64_t last_ts)
{
	int64_t gap = tw_conf_active()->gap;
	struct tw_incident *last = NULL;
	/* The class's newest incident first: one look for events in order. */
	if (cls >= 0 && cls < TW_CLS_MAX && s->newest[cls]) {
		struct tw_incident *in = &s->inc[s->newest[cls] - 1];
		if (!has_ts || !in->has_time ||
		    (ts <= in->last + gap && last_ts >= in->first - gap))
			return in;
	}
	/* The class's incident whose window [first - gap, last + gap] the span touches;
	 * the newest first, as events mostly come in order. */
	for (unsigned i = s->ninc; i-- > 0;) {
		struct tw_incident *in = &s->inc[i];
		if (in->cls != cls)
			continue;
		if (!last)
			last = in;
		if (!has_ts || !in->has_time ||
		    (ts <= in->last + gap && last_ts >= in->first - gap))
			return in;
	}
	if (s->ninc >= TW_INC_MAX && last) {
		last->joined = true;
		return last;
	}
	if (s->ninc == s->capinc) {
		/* Most sources have one to three incidents: grow exactly until four. */
		unsigned nc = s->capinc < 4 ? s->capinc + 1u : s->capinc * 2u;
		struct tw_incident *ni = tw_realloc(s->inc, nc * sizeof(*ni));
		if (!ni)
			return NULL;
		s->inc = ni;
		s->capinc = (uint16_t)nc;
	}
	inc_init(&s->inc[s->ninc], cls);
	if (cls >= 0 && cls < TW_CLS_MAX)
		s->newest[cls] = (uint8_t)(s->ninc + 1);
	return &s->inc[s->ninc++];
}

static int inc_add(struct tw_agg *a, struct tw_srcagg *s, const struct tw_event *ev,
		   const struct tw_verdict *v, uint32_t port, uint32_t host, const char *raw,
		   size_t rawlen, bool rereadable)
{
	bool has_ts = ev->has & TW_EV_HAS_TS;
	struct tw_incident *in = inc_get(s, v->cls, has_ts, ev->ts, ev->ts);
	int ret = TW_OK;
	if (!in)
		return TW_E_NOMEM;
	if (in->cls != v->cls)
		in->joined = true; /* the table is full: counted in another class's last one */
	if (has_ts) {
		if (!in->has_time || ev->ts < in->first)
			in->first = ev->ts;
		if (!in->has_time || ev->ts > in->last)
			in->last = ev->ts;
		in->has_time = true;
	}
	in->packets++;
	if (v->weight > in->weight)
		in->weight = v->weight;
	dc_add(&in->dsts, in->dv, host);
	if (port) {
		dc_add(&in->ports, in->pv, port);
		uint16_t p = (uint16_t)(port - 1);
		if (!in->has_ports || p < in->port_lo)
			in->port_lo = p;
		if (!in->has_ports || p > in->port_hi)
			in->port_hi = p;
		in->has_ports = true;
	}
	if (in->nev < 8)
		inc_evidence(a, in, ev, raw, rawlen, rereadable);
	return ret;
}

int tw_agg_add(struct tw_agg *a, const struct tw_event *ev, const struct tw_verdict *v)
{
	return tw_agg_add_raw(a, ev, v, NULL, 0, false);
}

int tw_agg_add_raw(struct tw_agg *a, const struct tw_event *ev, const struct tw_verdict *v,
		   const char *raw, size_t rawlen, bool rereadable)
{
	long si = src_get(a, &ev->src);
	int ret = TW_OK;

	if (si < 0) {
		a->oom = true;
		return (int)si;
	}
	struct tw_srcagg *s = &a->srcs[si];
	/* Start the loads this event will wait for (its port slot, its incident, its
	 * destination slot) before the work that does not need them. */
	if (s->pt_cap && (ev->has & TW_EV_HAS_PORTS))
		__builtin_prefetch(
		    &s->pt[port_slot_hash(((uint32_t)ev->proto << 16 | ev->dport) + 1) &
			   (s->pt_cap - 1)],
		    1);
	if (v->cls >= 0 && v->cls < TW_CLS_MAX && s->newest[v->cls])
		__builtin_prefetch(&s->inc[s->newest[v->cls] - 1], 1);
	if (s->dsts.h && !s->dsts.sketch && s->dsts.cap)
		__builtin_prefetch(&s->dsts.h[mix32(dst_value(&ev->dst)) & (s->dsts.cap - 1)], 1);
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
	uint32_t host = dst_value(&ev->dst);
	uint32_t port =
	    (ev->has & TW_EV_HAS_PORTS) ? ((uint32_t)ev->proto << 16 | ev->dport) + 1 : 0;
	ret |= kmv_add(&s->dsts, host);
	if (port)
		ret |= port_add(s, port, 1);
	if (ev->proto == TW_IPPROTO_TCP && ev->action == TW_ACT_ACCEPT &&
	    (ev->has & TW_EV_HAS_FLAGS) &&
	    (ev->tcp_flags & (TW_TCP_SYN | TW_TCP_ACK)) == TW_TCP_ACK)
		s->tcp_accepted++;
	ttl_note(s, ev);
	if (!s->has_payload && ev->payload.p && ev->payload.len >= 8) {
		s->payload_hash = payload_hash(&ev->payload);
		s->has_payload = true;
	}
	ret |= windows_add(s, ev, port, host);
	ret |= inc_add(a, s, ev, v, port, host, raw, rawlen, rereadable);
	if (ret) {
		a->oom = true;
		return TW_E_NOMEM;
	}
	return TW_OK;
}

/* Adds incident 't' (of another aggregate) into source 's': into the incident of its class
 * whose window it touches, else as a new one. */
static int inc_merge(struct tw_agg *a, struct tw_srcagg *s, const struct tw_incident *t)
{
	struct tw_incident *in = inc_get(s, t->cls, t->has_time, t->first, t->last);
	int ret = TW_OK;
	if (!in)
		return TW_E_NOMEM;
	if (in->cls != t->cls || t->joined)
		in->joined = true;
	if (t->has_time) {
		if (!in->has_time || t->first < in->first)
			in->first = t->first;
		if (!in->has_time || t->last > in->last)
			in->last = t->last;
		in->has_time = true;
	}
	in->packets += t->packets;
	if (t->weight > in->weight)
		in->weight = t->weight;
	dc_merge(&in->dsts, in->dv, &t->dsts, t->dv);
	dc_merge(&in->ports, in->pv, &t->ports, t->pv);
	if (t->has_ports) {
		if (!in->has_ports || t->port_lo < in->port_lo)
			in->port_lo = t->port_lo;
		if (!in->has_ports || t->port_hi > in->port_hi)
			in->port_hi = t->port_hi;
		in->has_ports = true;
	}
	/* Evidence: 't' comes later in the input, so its lines follow while there is room;
	 * copied texts stay copied, re-readable ones stay references. */
	uint32_t want = tw_conf_active()->evidence;
	const char *line = t->evtext;
	for (unsigned i = 0; i < t->nev && in->nev < want && in->nev < 8; i++) {
		const char *e = line && i < t->ntext
				    ? memchr(line, '\n', (size_t)(t->evtext + t->evlen - line))
				    : NULL;
		unsigned j = in->nev++;
		in->ev[j] = t->ev[i];
		in->evoff[j] = e ? TW_EVOFF_NONE : t->evoff[i];
		in->evrlen[j] = t->evrlen[i];
		in->evhash[j] = t->evhash[i];
		if (e && in->ntext == j)
			evtext_append(a, in, line, (size_t)(e - line), want - j);
		line = e ? e + 1 : NULL;
	}
	return ret;
}

int tw_agg_merge(struct tw_agg *a, const struct tw_agg *b)
{
	for (size_t i = 0; i < b->nsrcs; i++) {
		const struct tw_srcagg *t = &b->srcs[i];
		long si = src_get(a, &t->addr);
		if (si < 0)
			goto nomem;
		struct tw_srcagg *s = &a->srcs[si];
		if (s->packets == 0) {
			s->first_port = t->first_port;
			s->first_dst = t->first_dst;
			s->first_ts = t->first_ts;
		}
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
		s->tcp_accepted += t->tcp_accepted;
		for (int w = 0; w < TW_WIN_N; w++)
			s->hit[w] |= t->hit[w];
		if (t->has_ttl) {
			if (!s->has_ttl || t->hop_min < s->hop_min)
				s->hop_min = t->hop_min;
			if (!s->has_ttl || t->hop_max > s->hop_max)
				s->hop_max = t->hop_max;
			s->ttl_inits |= t->ttl_inits;
			s->has_ttl = true;
		}
		if (!s->has_payload && t->has_payload) {
			s->payload_hash = t->payload_hash;
			s->has_payload = true;
		}
		for (unsigned k = 0; k < t->ninc; k++)
			if (inc_merge(a, s, &t->inc[k]))
				goto nomem;
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
	a->pruned_srcs += b->pruned_srcs;
	a->pruned_packets += b->pruned_packets;
	if (b->prune_below > a->prune_below)
		a->prune_below = b->prune_below;
	return TW_OK;
nomem:
	a->oom = true;
	return TW_E_NOMEM;
}

void tw_agg_shift_lines(struct tw_agg *a, uint32_t file, uint64_t delta)
{
	if (!delta)
		return;
	for (size_t i = 0; i < a->nsrcs; i++)
		for (unsigned k = 0; k < a->srcs[i].ninc; k++) {
			struct tw_incident *in = &a->srcs[i].inc[k];
			for (unsigned e = 0; e < in->nev; e++)
				if (TW_EVREF_FILE(in->ev[e]) == file)
					in->ev[e] =
					    TW_EVREF(file, TW_EVREF_LINE(in->ev[e]) + delta);
		}
}

int tw_agg_take(struct tw_agg *a, struct tw_agg *b)
{
	if (a->nsrcs == 0 && a->events == 0 && !a->srcs) {
		uint32_t keep = a->max_sources;
		tw_agg_fini(a);
		*a = *b;
		a->max_sources = keep;
		tw_agg_init(b);
		return TW_OK;
	}
	int r = tw_agg_merge(a, b);
	tw_agg_fini(b);
	return r;
}

/* ---- verdicts --------------------------------------------------------------------------- */

static int cmp_sum(const void *x, const void *y)
{
	const struct tw_srcsum *a = x, *b = y;
	if (a->notable != b->notable)
		return a->notable ? -1 : 1;
	if (a->s->packets != b->s->packets)
		return a->s->packets > b->s->packets ? -1 : 1;
	return tw_addr_cmp(&a->s->addr, &b->s->addr);
}

static void add_why(struct tw_srcsum *m, const char *w)
{
	if (m->nwhy < sizeof(m->why) / sizeof(m->why[0]))
		m->why[m->nwhy++] = w;
}

const char *tw_scan_name(int t)
{
	static const char *const names[TW_SCAN_N] = {"SYN", "NULL", "FIN", "XMAS", "ACK", "UDP"};
	return t >= 0 && t < TW_SCAN_N ? names[t] : "?";
}

/* The texts a verdict formats, built on the stack and then kept in one block per source
 * (only sources that have one: most have none). */
struct judge_texts {
	char special[96], scan[160], spoof[112];
	signed char why_special, why_scan, why_spoof; /* their why[] entries, or -1 */
};

/* Moves the texts that were used into one block owned by 'm' and points why[] there. */
static int keep_texts(struct tw_srcsum *m, const struct judge_texts *t)
{
	const char *src[3] = {t->why_special >= 0 ? t->special : NULL,
			      t->why_scan >= 0 ? t->scan : NULL,
			      t->why_spoof >= 0 ? t->spoof : NULL};
	const signed char idx[3] = {t->why_special, t->why_scan, t->why_spoof};
	size_t len[3], total = 0;
	for (int i = 0; i < 3; i++)
		total += len[i] = src[i] ? strlen(src[i]) + 1 : 0;
	if (!total)
		return TW_OK;
	char *block = tw_malloc(total), *p = block;
	if (!block)
		return TW_E_NOMEM;
	const char **field[3] = {&m->special, &m->scan_why, &m->spoof_why};
	for (int i = 0; i < 3; i++) {
		if (!src[i])
			continue;
		memcpy(p, src[i], len[i]);
		*field[i] = p;
		if (idx[i] < (int)m->nwhy)
			m->why[idx[i]] = p;
		p += len[i];
	}
	m->texts = block;
	return TW_OK;
}

/* "90 s", "2 h", "3 d": a window's length for the why text. */
static void fmt_span(char *out, size_t n, int64_t ns)
{
	int64_t sec = ns / 1000000000;
	if (sec % 86400 == 0)
		snprintf(out, n, "%lld d", (long long)(sec / 86400));
	else if (sec % 3600 == 0)
		snprintf(out, n, "%lld h", (long long)(sec / 3600));
	else if (sec % 60 == 0)
		snprintf(out, n, "%lld min", (long long)(sec / 60));
	else
		snprintf(out, n, "%lld s", (long long)sec);
}

/* A port scan (many ports, few hosts) or a sweep (many hosts, few ports) reached within the
 * scan window (fast) or the slow window (slow), named by the probe kind most of the
 * source's packets were. The counts are the whole input's. */
static void scan(struct tw_srcsum *m, struct judge_texts *t)
{
	const struct tw_conf *c = tw_conf_active();
	const struct tw_srcagg *s = m->s;
	int best = -1;
	for (int k = 0; k < TW_SCAN_N; k++)
		if (s->scan[k] && (best < 0 || s->scan[k] > s->scan[best]))
			best = k;
	m->scan_kind = NULL;
	m->scan_speed = NULL;
	if (best < 0 || !s->has_ports)
		return;
	m->scan_type = best;
	int kind = 0;
	if (m->ports >= c->scan_ports && m->dsts <= c->scan_hosts)
		kind = TW_HIT_PORTSCAN;
	else if (m->dsts >= c->sweep_hosts && m->ports <= c->sweep_ports)
		kind = TW_HIT_SWEEP;
	else if ((s->hit[TW_WIN_SHORT] | s->hit[TW_WIN_SLOW]) & TW_HIT_PORTSCAN)
		kind = TW_HIT_PORTSCAN; /* within a window, though not over the whole input */
	else if ((s->hit[TW_WIN_SHORT] | s->hit[TW_WIN_SLOW]) & TW_HIT_SWEEP)
		kind = TW_HIT_SWEEP;
	if (!kind)
		return;
	/* Parts of a split file each hold part of a window: the whole input's span stands
	 * in for it when the windows themselves did not reach the threshold. */
	int64_t span = s->has_time ? s->last - s->first : 0;
	char win[32];
	if ((s->hit[TW_WIN_SHORT] & kind) || span <= c->window) {
		m->scan_speed = "fast";
		fmt_span(win, sizeof(win), c->window);
	} else if ((s->hit[TW_WIN_SLOW] & kind) || span <= c->slow_window) {
		m->scan_speed = "slow";
		fmt_span(win, sizeof(win), c->slow_window);
	} else {
		return; /* spread wider than the slow window: not counted as a scan */
	}
	if (kind == TW_HIT_PORTSCAN) {
		m->scan_kind = "portscan";
		snprintf(t->scan, sizeof(t->scan),
			 "%s%s scan of %llu ports (%u-%u) on %llu host%s (within %s)",
			 m->scan_speed[0] == 's' ? "slow " : "", tw_scan_name(best),
			 (unsigned long long)m->ports, s->port_lo, s->port_hi,
			 (unsigned long long)m->dsts, m->dsts == 1 ? "" : "s", win);
	} else {
		m->scan_kind = "sweep";
		snprintf(t->scan, sizeof(t->scan),
			 "%s%s sweep of %s%llu hosts on %llu port%s (%u-%u) (within %s)",
			 m->scan_speed[0] == 's' ? "slow " : "", tw_scan_name(best),
			 m->dsts_est ? "~" : "", (unsigned long long)m->dsts,
			 (unsigned long long)m->ports, m->ports == 1 ? "" : "s", s->port_lo,
			 s->port_hi, win);
	}
}

/* Spoofing heuristics (abuse-reporting.md §5.1): the same payload from many sources, or
 * hop distances that no single sender would show. Returns true when one fired. */
static bool spoofed(struct tw_srcsum *m, uint32_t same_payload, struct judge_texts *t)
{
	const struct tw_srcagg *s = m->s;
	if (same_payload >= tw_conf_active()->spoof_sources) {
		snprintf(t->spoof, sizeof(t->spoof),
			 "the same payload came from %u sources: a campaign with forged "
			 "sources",
			 same_payload);
		return true;
	}
	/* Several initial TTLs for one address: several senders. (A spread of hop counts
	 * alone proves nothing: nmap draws each probe's TTL from 37-59.) */
	if (s->has_ttl && __builtin_popcount(s->ttl_inits) > 1) {
		static const char *const init[4] = {"32", "64", "128", "255"};
		char list[24] = "";
		size_t l = 0;
		for (int i = 0; i < 4; i++)
			if (s->ttl_inits & (1u << i))
				l += (size_t)snprintf(list + l, sizeof(list) - l, "%s%s",
						      l ? ", " : "", init[i]);
		snprintf(t->spoof, sizeof(t->spoof),
			 "TTLs of several senders (initial TTLs %s; %u to %u hops): likely forged",
			 list, s->hop_min, s->hop_max);
		return true;
	}
	return false;
}

int tw_danger_of(unsigned weight, uint64_t ports, uint64_t dsts, uint64_t packets)
{
	/* 1, plus the weight of the heaviest signature rule matched, plus volume. */
	unsigned danger = 1 + weight;
	if (ports >= 10)
		danger++;
	if (ports >= 100 || dsts >= 100)
		danger++;
	if (packets >= 1000)
		danger++;
	return danger > 5 ? 5 : (int)danger;
}

void tw_incident_counts(const struct tw_srcagg *s, const struct tw_incident *in,
			struct tw_inc_counts *c)
{
	if (s->ninc == 1 && !in->joined) {
		c->dsts = tw_kmv_count(&s->dsts, &c->dsts_est);
		c->ports = s->nports;
		c->ports_est = false;
		c->rel_error = tw_kmv_error(&s->dsts);
		return;
	}
	c->dsts = tw_dcount_count(&in->dsts, &c->dsts_est);
	c->ports = tw_dcount_count(&in->ports, &c->ports_est);
	c->rel_error = TW_DC_ERROR;
}

int tw_incident_danger(const struct tw_srcagg *s, const struct tw_incident *in)
{
	struct tw_inc_counts c;
	tw_incident_counts(s, in, &c);
	return tw_danger_of(in->weight, c.ports, c.dsts, in->packets);
}

/* Danger, confidence and the reportable verdict (README "Classification"). */
static void judge(struct tw_srcsum *m, uint32_t same_payload, struct judge_texts *t)
{
	const struct tw_conf *c = tw_conf_active();
	const struct tw_srcagg *s = m->s;
	scan(m, t);
	t->why_special = t->why_scan = t->why_spoof = -1;
	m->why_not = -1;
	if (m->scan_kind) {
		t->why_scan = (signed char)m->nwhy;
		add_why(m, t->scan);
	}
	m->danger = tw_danger_of(s->max_weight, m->ports, m->dsts, s->packets);
	/* The source's class: the heaviest rule's class (its incidents know the weights),
	 * Messenger spam first among equals — it is what this tool is for — then the most
	 * packets; "other" only when nothing else. */
	uint8_t cw[TW_CLS_MAX] = {0};
	for (unsigned k = 0; k < s->ninc; k++)
		if (s->inc[k].cls >= 0 && s->inc[k].cls < TW_CLS_MAX &&
		    s->inc[k].weight > cw[s->inc[k].cls])
			cw[s->inc[k].cls] = s->inc[k].weight;
	int best = TW_CLS_OTHER;
	for (int k = 0; k < TW_CLS_MAX; k++) {
		if (k == TW_CLS_OTHER || !m->classes[k])
			continue;
		if (best == TW_CLS_OTHER || cw[k] > cw[best] ||
		    (cw[k] == cw[best] &&
		     (k == TW_CLS_MESSENGER_SPAM ||
		      (best != TW_CLS_MESSENGER_SPAM && m->classes[k] > m->classes[best]))))
			best = k;
	}
	m->cls = m->scan_kind ? m->scan_kind : tw_class_name(best);

	const struct tw_special *sp = tw_conf_special(tw_conf_active(), &s->addr);
	uint64_t tcp = s->protos[TW_P_TCP];
	/* Backscatter: most of the source's packets matched a backscatter rule (SYN-ACK,
	 * RST or ICMP errors nobody here asked for). */
	bool backscatter = m->classes[TW_CLS_BACKSCATTER] * 2 > s->packets;
	signed char conf_why = (signed char)m->nwhy;
	if (sp) {
		snprintf(t->special, sizeof(t->special), "special-purpose source: %s (%s)",
			 sp->name, sp->rfc);
		m->confidence = 0.0;
		t->why_special = (signed char)m->nwhy;
		add_why(m, t->special);
	} else if (backscatter) {
		m->confidence = 0.0;
		add_why(m, "tcp without SYN: likely backscatter of a forged-source attack");
	} else if (s->tcp_accepted > 0) {
		m->confidence = 0.9;
		add_why(m, "completed tcp session (accepted, ACK)");
	} else if (tcp == 0) {
		m->confidence = 0.3;
		add_why(m, "udp-only: source can be forged");
	} else if (s->tcp_syn == 0 && s->tcp_noSyn > 0 && s->tcp_unknown == 0) {
		m->confidence = 0.3;
		add_why(m, "tcp without SYN: no handshake seen");
	} else if (s->tcp_syn >= 1 && m->ports >= 3) {
		m->confidence = s->has_ttl && s->hop_max - s->hop_min <= 2 ? 0.8 : 0.7;
		add_why(m, m->confidence >= 0.8 ? "tcp SYN to several ports, consistent TTL"
						: "tcp SYN to several ports");
	} else {
		m->confidence = 0.3;
		add_why(m, "few tcp packets: a single SYN proves little");
	}
	if (spoofed(m, same_payload, t)) {
		if (m->confidence > 0.1)
			m->confidence = 0.1;
		t->why_spoof = (signed char)m->nwhy;
		add_why(m, t->spoof);
	}
	m->reportable = !sp && !backscatter && m->confidence >= c->min_confidence;
	if (!m->reportable)
		m->why_not = t->why_spoof >= 0 ? t->why_spoof : conf_why;
	if (!sp && tw_conf_is_own(tw_conf_active(), &s->addr)) {
		m->reportable = false;
		m->why_not = (signed char)m->nwhy;
		add_why(m, "one of your own networks (--own)");
	} else if (!m->reportable && !sp && m->confidence > 0) {
		static char below[64];
		if (!below[0])
			snprintf(below, sizeof(below), "below the confidence threshold %.1f",
				 c->min_confidence);
		add_why(m, below);
	}
	/* Worth a look: reportable, a scan or sweep, or a rule with weight (a probe of the
	 * Messenger, NetBIOS, RPC or SMB ports, a worm) — never backscatter alone. */
	m->notable = m->reportable || m->scan_kind || (s->max_weight >= 1 && !backscatter);
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
	/* One more entry, left zero: the end mark tw_agg_summary_free() stops at. */
	struct tw_srcsum *out = tw_calloc(a->nsrcs + 1, sizeof(*out));

	if (!out)
		return NULL;
	if (ntop > 8)
		ntop = 8;
	/* Payload hashes: how many sources sent each (an open-addressing count table). */
	size_t pcap_ = 16;
	while (pcap_ < a->nsrcs * 2)
		pcap_ *= 2;
	struct {
		uint32_t h, n;
	} *pm = tw_calloc(pcap_, sizeof(*pm));
	if (!pm) {
		free(out);
		return NULL;
	}
	for (size_t i = 0; i < a->nsrcs; i++) {
		if (!a->srcs[i].has_payload)
			continue;
		uint32_t h = a->srcs[i].payload_hash;
		size_t j = h & (pcap_ - 1);
		while (pm[j].h && pm[j].h != h)
			j = (j + 1) & (pcap_ - 1);
		pm[j].h = h;
		pm[j].n++;
	}
	for (size_t i = 0; i < a->nsrcs; i++) {
		struct tw_srcsum *m = &out[i];
		m->s = &a->srcs[i];
		m->dsts = tw_kmv_count(&m->s->dsts, &m->dsts_est);
		m->ports = m->s->nports;
		m->ports_est = false;
		if (ntop)
			top_ports(m->s, ntop, m);
		uint32_t same = 0;
		if (m->s->has_payload) {
			size_t j = m->s->payload_hash & (pcap_ - 1);
			while (pm[j].h != m->s->payload_hash)
				j = (j + 1) & (pcap_ - 1);
			same = pm[j].n;
		}
		for (unsigned k = 0; k < m->s->ninc; k++)
			if (m->s->inc[k].cls >= 0 && m->s->inc[k].cls < TW_CLS_MAX)
				m->classes[m->s->inc[k].cls] += m->s->inc[k].packets;
		struct judge_texts t;
		judge(m, same, &t);
		if (keep_texts(m, &t)) {
			free(pm);
			tw_agg_summary_free(out);
			return NULL;
		}
	}
	free(pm);
	qsort(out, a->nsrcs, sizeof(*out), cmp_sum);
	*n = a->nsrcs;
	return out;
}

void tw_agg_summary_free(struct tw_srcsum *sums)
{
	if (!sums)
		return;
	for (struct tw_srcsum *m = sums; m->s; m++)
		free(m->texts);
	free(sums);
}

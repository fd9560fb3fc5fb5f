/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A source's state kept by the store between ingests (agg.h struct tw_srcstate): encoded
 * as a little-endian blob, decoded with every length checked against the blob, merged
 * with a later part of the input and judged over the whole. */
#include <stdlib.h>
#include <string.h>

#include "classify/agg-int.h"
#include "core/alloc.h"

#define STATE_VERSION 1
enum {
	F_TIME = 1,
	F_PORTS = 2,
	F_TTL = 4,
	F_PAYLOAD = 8,
	F_SKETCH = 16,
	F_ZERO = 32,
	F_PORTBITS = 64,
	F_SEEDTS = 128,
};

/* ---- writing ------------------------------------------------------------------------- */

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

static void put(struct tw_buf *b, uint64_t v, int bytes)
{
	char x[8];
	for (int i = 0; i < bytes; i++)
		x[i] = (char)(v >> (8 * i));
	tw_buf_add(b, x, (size_t)bytes);
}

void tw_srcstate_init(struct tw_srcstate *st, const struct tw_addr *addr)
{
	memset(st, 0, sizeof(*st));
	st->s.addr = *addr;
}

void tw_srcstate_fini(struct tw_srcstate *st)
{
	free(st->s.dsts.h);
	free(st->s.pt);
	free(st->s.portbits);
	free(st->s.win);
	memset(st, 0, sizeof(*st));
}

void tw_srcstate_encode(const struct tw_conf *c, const struct tw_srcstate *st, struct tw_buf *b)
{
	const struct tw_srcagg *s = &st->s;
	unsigned f = (s->has_time ? F_TIME : 0) | (s->has_ports ? F_PORTS : 0) |
		     (s->has_ttl ? F_TTL : 0) | (s->has_payload ? F_PAYLOAD : 0) |
		     (s->dsts.sketch ? F_SKETCH : 0) | (s->dsts.zero ? F_ZERO : 0) |
		     (s->portbits ? F_PORTBITS : 0) | (s->first_has_ts ? F_SEEDTS : 0);
	put(b, STATE_VERSION, 1);
	put(b, f, 1);
	put(b, (uint64_t)s->first, 8);
	put(b, (uint64_t)s->last, 8);
	put(b, s->packets, 8);
	for (int p = 0; p < TW_P_N; p++)
		put(b, s->protos[p], 8);
	put(b, s->max_weight, 1);
	put(b, s->tcp_syn, 8);
	put(b, s->tcp_noSyn, 8);
	put(b, s->tcp_unknown, 8);
	put(b, s->tcp_accepted, 8);
	put(b, s->tcp_sessions, 8);
	for (int k = 0; k < TW_SCAN_N; k++)
		put(b, s->scan[k], 4);
	put(b, s->port_lo, 2);
	put(b, s->port_hi, 2);
	for (int w = 0; w < TW_WIN_N; w++)
		put(b, s->hit[w], 1);
	put(b, s->hop_min, 1);
	put(b, s->hop_max, 1);
	put(b, s->ttl_inits, 1);
	put(b, s->payload_hash, 4);
	put(b, s->first_port, 4);
	put(b, s->first_dst, 4);
	put(b, (uint64_t)s->first_ts, 8);
	tw_win_encode(c, s, b, put);
	/* Distinct destinations: the mixed values of the set (0 is the 'zero' flag), or the
	 * sketch's ascending values. */
	put(b, s->dsts.k, 2);
	uint32_t nk = s->dsts.sketch ? s->dsts.n : s->dsts.n - (s->dsts.zero ? 1 : 0);
	put(b, nk, 4);
	/* In ascending order, whatever the slots' order: one state, one blob. */
	uint32_t *v = tw_malloc(((size_t)nk + 2 * (size_t)s->pt_n + 1) * sizeof(uint32_t));
	if (!v) {
		b->oom = true;
		return;
	}
	uint32_t m = 0, lim = s->dsts.sketch ? s->dsts.n : s->dsts.cap;
	for (uint32_t i = 0; i < lim && m < nk; i++)
		if (s->dsts.sketch || s->dsts.h[i])
			v[m++] = s->dsts.h[i];
	qsort(v, m, sizeof(*v), cmp_u32);
	for (uint32_t i = 0; i < m; i++)
		put(b, v[i], 4);
	/* Ports: the table's (key, packets) by key, the distinct count, the bitmap past the
	 * table. */
	put(b, s->pt_n, 4);
	m = 0;
	for (uint32_t i = 0; i < s->pt_cap; i++)
		if (s->pt[i].key) {
			v[m++] = s->pt[i].key;
			v[m++] = s->pt[i].count;
		}
	qsort(v, m / 2, 2 * sizeof(*v), cmp_u32);
	for (uint32_t i = 0; i < m; i++)
		put(b, v[i], 4);
	free(v);
	put(b, s->nports, 8);
	if (s->portbits)
		for (uint32_t w = 0; w < PORTBITS_WORDS; w++)
			put(b, s->portbits[w], 8);
	/* Per class, by name (a class's index depends on the signature file loaded). */
	unsigned ncls = 0;
	for (int k = 0; k < TW_CLS_MAX; k++)
		ncls += st->classes[k] || st->cls_weight[k];
	put(b, ncls, 1);
	for (int k = 0; k < TW_CLS_MAX; k++) {
		if (!st->classes[k] && !st->cls_weight[k])
			continue;
		const char *name = tw_class_name(k);
		size_t l = strlen(name);
		put(b, l, 1);
		tw_buf_add(b, name, l);
		put(b, st->classes[k], 8);
		put(b, st->cls_weight[k], 1);
	}
}

/* ---- reading ------------------------------------------------------------------------- */

struct rd {
	const unsigned char *p;
	size_t n, o;
	bool bad;
};

static uint64_t get(struct rd *r, int bytes);
static uint64_t rd_get(void *r, int bytes)
{
	return get(r, bytes);
}
static bool rd_bad(void *r)
{
	return ((struct rd *)r)->bad;
}

static uint64_t get(struct rd *r, int bytes)
{
	if (r->bad || r->n - r->o < (size_t)bytes) {
		r->bad = true;
		return 0;
	}
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)r->p[r->o + (size_t)i] << (8 * i);
	r->o += (size_t)bytes;
	return v;
}

/* The scalar fields, in the order tw_srcstate_encode writes them; the flags. */
static unsigned get_scalars(struct rd *r, struct tw_srcagg *s)
{
	if (get(r, 1) != STATE_VERSION)
		r->bad = true;
	unsigned f = (unsigned)get(r, 1);
	s->has_time = f & F_TIME;
	s->has_ports = f & F_PORTS;
	s->has_ttl = f & F_TTL;
	s->has_payload = f & F_PAYLOAD;
	s->first_has_ts = f & F_SEEDTS;
	s->first = (int64_t)get(r, 8);
	s->last = (int64_t)get(r, 8);
	if (s->has_time && s->first > s->last)
		r->bad = true;
	s->packets = get(r, 8);
	for (int p = 0; p < TW_P_N; p++)
		s->protos[p] = get(r, 8);
	s->max_weight = (uint8_t)get(r, 1);
	s->tcp_syn = get(r, 8);
	s->tcp_noSyn = get(r, 8);
	s->tcp_unknown = get(r, 8);
	s->tcp_accepted = get(r, 8);
	s->tcp_sessions = get(r, 8);
	for (int k = 0; k < TW_SCAN_N; k++)
		s->scan[k] = (uint32_t)get(r, 4);
	s->port_lo = (uint16_t)get(r, 2);
	s->port_hi = (uint16_t)get(r, 2);
	for (int w = 0; w < TW_WIN_N; w++)
		s->hit[w] = (uint8_t)get(r, 1) & (TW_HIT_PORTSCAN | TW_HIT_SWEEP);
	s->hop_min = (uint8_t)get(r, 1);
	s->hop_max = (uint8_t)get(r, 1);
	s->ttl_inits = (uint8_t)get(r, 1) & 15;
	s->payload_hash = (uint32_t)get(r, 4);
	s->first_port = (uint32_t)get(r, 4);
	s->first_dst = (uint32_t)get(r, 4);
	s->first_ts = (int64_t)get(r, 8);
	return f;
}

static int get_dsts(struct rd *r, struct tw_srcagg *s, unsigned f)
{
	uint32_t k = (uint32_t)get(r, 2), nk = (uint32_t)get(r, 4);
	uint32_t kk = k ? k : TW_KMV_K;
	/* A set holds fewer than K values, a sketch exactly K (or fewer, never more). */
	if (r->bad || k == 1 || nk > kk || (nk > (r->n - r->o) / 4)) {
		r->bad = true;
		return TW_E_INVALID;
	}
	s->dsts.k = (uint16_t)k;
	if ((f & F_ZERO) && !(f & F_SKETCH) && tw_kmv_add_mixed(&s->dsts, 0))
		return TW_E_NOMEM;
	for (uint32_t i = 0; i < nk; i++)
		if (tw_kmv_add_mixed(&s->dsts, (uint32_t)get(r, 4)))
			return TW_E_NOMEM;
	/* Re-inserting a sketch's K values makes the same sketch; a set stays a set. */
	if (!!(f & F_SKETCH) != s->dsts.sketch)
		r->bad = true;
	return TW_OK;
}

static int get_ports(struct rd *r, struct tw_srcagg *s, unsigned f)
{
	uint32_t npt = (uint32_t)get(r, 4);
	if (r->bad || npt > TW_PORTS_TRACKED || npt > (r->n - r->o) / 8) {
		r->bad = true;
		return TW_E_INVALID;
	}
	for (uint32_t i = 0; i < npt; i++) {
		uint32_t key = (uint32_t)get(r, 4), count = (uint32_t)get(r, 4);
		if (!key || key - 1 > 0xffffff) {
			r->bad = true;
			return TW_E_INVALID;
		}
		if (tw_src_port_add(s, key, count))
			return TW_E_NOMEM;
	}
	uint64_t nports = get(r, 8);
	if (f & F_PORTBITS) {
		if (r->n - r->o < PORTBITS_WORDS * 8) {
			r->bad = true;
			return TW_E_INVALID;
		}
		s->portbits = tw_malloc(PORTBITS_WORDS * sizeof(uint64_t));
		if (!s->portbits)
			return TW_E_NOMEM;
		uint64_t bits = 0;
		for (uint32_t w = 0; w < PORTBITS_WORDS; w++) {
			s->portbits[w] = get(r, 8);
			bits += (uint64_t)__builtin_popcountll(s->portbits[w]);
		}
		if (bits != nports)
			r->bad = true;
	} else if (nports != s->pt_n) {
		r->bad = true;
	}
	s->nports = nports;
	return TW_OK;
}

static void get_classes(struct rd *r, struct tw_srcstate *st)
{
	unsigned ncls = (unsigned)get(r, 1);
	for (unsigned i = 0; i < ncls && !r->bad; i++) {
		size_t l = (size_t)get(r, 1);
		if (r->bad || r->n - r->o < l) {
			r->bad = true;
			return;
		}
		/* A class the signature file in force no longer names counts as "other". */
		int c = tw_class_find((const char *)r->p + r->o, l);
		r->o += l;
		if (c < 0)
			c = TW_CLS_OTHER;
		st->classes[c] += get(r, 8);
		uint8_t w = (uint8_t)get(r, 1);
		if (w > st->cls_weight[c])
			st->cls_weight[c] = w;
	}
}

int tw_srcstate_decode(const struct tw_conf *c, struct tw_srcstate *st, const void *p, size_t n)
{
	struct rd r = {p, n, 0, false};
	struct tw_srcagg *s = &st->s;
	unsigned f = get_scalars(&r, s);
	int ret = r.bad ? TW_E_INVALID : tw_win_decode(c, s, &r, rd_get, rd_bad);
	if (!ret && !r.bad)
		ret = get_dsts(&r, s, f);
	if (!ret && !r.bad)
		ret = get_ports(&r, s, f);
	if (!ret && !r.bad)
		get_classes(&r, st);
	if (!ret && (r.bad || r.o != r.n))
		ret = TW_E_INVALID;
	return ret;
}

/* ---- merging and judging ---------------------------------------------------------------- */

int tw_srcstate_add(const struct tw_conf *c, struct tw_srcstate *st, const struct tw_srcagg *t)
{
	for (unsigned k = 0; k < t->ninc; k++) {
		const struct tw_incident *in = &t->inc[k];
		if (in->cls < 0 || in->cls >= TW_CLS_MAX)
			continue;
		st->classes[in->cls] += in->packets;
		if (in->weight > st->cls_weight[in->cls])
			st->cls_weight[in->cls] = in->weight;
	}
	return tw_src_merge(c, &st->s, t);
}

int tw_srcstate_judge(const struct tw_conf *c, const struct tw_srcstate *st, uint32_t same_payload,
		      struct tw_srcsum *m)
{
	memset(m, 0, sizeof(*m));
	m->s = &st->s;
	m->dsts = tw_kmv_count(&st->s.dsts, &m->dsts_est);
	m->ports = st->s.nports;
	memcpy(m->classes, st->classes, sizeof(m->classes));
	memcpy(m->cls_weight, st->cls_weight, sizeof(m->cls_weight));
	return tw_src_judge(c, m, same_payload);
}

void tw_srcsum_fini(struct tw_srcsum *m)
{
	free(m->texts);
	m->texts = NULL;
}

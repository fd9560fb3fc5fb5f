/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Distinct counters: per source an exact set that becomes a k-minimum-values sketch, per
 * incident a small exact list that becomes a 64-register HyperLogLog (agg.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "classify/agg-int.h"
#include "core/alloc.h"

/* ---- distinct counters (exact set, then KMV sketch) ------------------------------------ */

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

/* The part of tw_kmv_add_mixed past its fast path (agg-int.h). */
int tw_kmv_insert(struct tw_kmv *k, uint32_t h)
{
	if (k->sketch) {
		sketch_add(k, h);
		return TW_OK;
	}
	int r = set_add(k, h);
	if (r == TW_OK && k->n >= kmv_k(k))
		to_sketch(k);
	return r;
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
int tw_kmv_merge(struct tw_kmv *into, const struct tw_kmv *from)
{
	if (!from->sketch && from->zero && tw_kmv_add_mixed(into, 0))
		return TW_E_NOMEM;
	uint32_t lim = from->sketch ? from->n : from->cap;
	for (uint32_t i = 0; i < lim; i++)
		if ((from->h[i] || from->sketch) && tw_kmv_add_mixed(into, from->h[i]))
			return TW_E_NOMEM;
	return TW_OK;
}

/* ---- small distinct counters (incidents): exact, then HyperLogLog ------------------------- */

void tw_dc_merge(struct tw_dcount *into, uint32_t *iv, const struct tw_dcount *from,
		 const uint32_t *fv)
{
	for (unsigned i = 0; i < TW_DC_REG; i++)
		tw_dc_reg_max(into, i, tw_dc_reg_get(from, i));
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
	tw_dc_merge(&into->dsts, into->dv, &from->dsts, from->dv);
	tw_dc_merge(&into->ports, into->pv, &from->ports, from->pv);
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
		uint8_t r = tw_dc_reg_get(d, i);
		sum += ldexp(1.0, -(int)r);
		zeros += r == 0;
	}
	double m = TW_DC_REG, e = 0.709 * m * m / sum;
	if (e <= 2.5 * m && zeros)
		e = m * log(m / zeros);
	uint64_t n = (uint64_t)(e + 0.5);
	return n > TW_DC_EXACT ? n : TW_DC_EXACT + 1; /* more than the exact list held */
}

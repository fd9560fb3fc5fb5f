/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared inside classify/: the distinct counters' hot paths (agg-sketch.c), inline so that
 * the per-event code of agg.c keeps them inlined. */
#ifndef TW_CLASSIFY_AGG_INT_H
#define TW_CLASSIFY_AGG_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "classify/agg.h"
#include "core/err.h"

/* A bijection on 32 bits (invertible multiply-xorshift), so that distinct values keep
 * distinct hashes and the exact mode stays exact. */
static inline uint32_t tw_mix32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	return x ^ (x >> 16);
}

static inline uint8_t tw_dc_reg_get(const struct tw_dcount *d, unsigned i)
{
	return (uint8_t)((d->reg[i >> 1] >> ((i & 1) * 4)) & 15);
}

static inline void tw_dc_reg_max(struct tw_dcount *d, unsigned i, uint8_t r)
{
	if (r > tw_dc_reg_get(d, i))
		d->reg[i >> 1] = (uint8_t)((d->reg[i >> 1] & ~(15u << ((i & 1) * 4))) |
					   (unsigned)r << ((i & 1) * 4));
}

/* Adds a mixed value: the register of its top 6 bits keeps the longest run of leading
 * zeros (+1, at most 15) of the rest; the exact list takes it while there is room. */
static inline void tw_dc_add(struct tw_dcount *d, uint32_t *v, uint32_t x)
{
	uint32_t h = tw_mix32(x), rest = h << 6;
	uint8_t rank = rest ? (uint8_t)(__builtin_clz(rest) + 1) : 27;
	tw_dc_reg_max(d, h >> 26, rank > 15 ? 15 : rank);
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

/* Adds a value already mixed by tw_mix32 to a distinct counter: TW_OK or TW_E_NOMEM. */
int tw_kmv_insert(struct tw_kmv *k, uint32_t h);
static inline int tw_kmv_add_mixed(struct tw_kmv *k, uint32_t h)
{
	if (k->has_last && h == k->last)
		return TW_OK;
	k->last = h;
	k->has_last = true;
	return tw_kmv_insert(k, h);
}

static inline int tw_kmv_add(struct tw_kmv *k, uint32_t v)
{
	return tw_kmv_add_mixed(k, tw_mix32(v));
}

/* Adds every value 'from' holds into 'into'. */
int tw_kmv_merge(struct tw_kmv *into, const struct tw_kmv *from);
/* Adds the registers and exact values of 'from' (values 'fv') into 'into' (values 'iv'). */
void tw_dc_merge(struct tw_dcount *into, uint32_t *iv, const struct tw_dcount *from,
		 const uint32_t *fv);

/* A source's distinct ports beyond its table: 3 x 65536 bits (tcp, udp, other). */
#define PORTBITS_WORDS (3 * 65536 / 64)
/* Counts 'n' packets to port 'key' ((proto << 16 | port) + 1) for source 's'. */
int tw_src_port_add(struct tw_srcagg *s, uint32_t key, uint32_t n);
/* Adds everything of source 't' (later input) but its incidents into 's'. */
int tw_src_merge(const struct tw_conf *c, struct tw_srcagg *s, const struct tw_srcagg *t);

/* Scan windows (agg-window.c). A probe of 's' (its packets already counted); 't' (a later
 * part of the input) into 's' before its counts are; what window w reached, open runs
 * included; the windows in a stored state. */
int tw_win_alloc(const struct tw_conf *c, struct tw_srcagg *s);
int tw_win_add(const struct tw_conf *c, struct tw_srcagg *s, bool has_ts, int64_t ts, uint32_t port,
	       uint32_t host);
int tw_win_merge(const struct tw_conf *c, struct tw_srcagg *s, const struct tw_srcagg *t);
uint8_t tw_win_hits(const struct tw_conf *c, const struct tw_srcagg *s, int w);
void tw_win_encode(const struct tw_conf *c, const struct tw_srcagg *s, struct tw_buf *b,
		   void (*put)(struct tw_buf *, uint64_t, int));
int tw_win_decode(const struct tw_conf *c, struct tw_srcagg *s, void *rd,
		  uint64_t (*get)(void *, int), bool (*bad)(void *));
/* Judges one source: 'm' has s, dsts, ports, classes and cls_weight set; 'same_payload'
 * sources sent its first payload. Fills the verdict; m->texts is owned (NULL on no memory
 * with TW_E_NOMEM). */
int tw_src_judge(const struct tw_conf *c, struct tw_srcsum *m, uint32_t same_payload);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Scan windows (agg.h struct tw_win): whether a source reached the port-scan or sweep
 * thresholds within the scan window (fast) or the slow window. Time is cut into buckets of
 * the window's length on two grids, the second shifted by half a window, so that any burst
 * of up to half a window lies whole in one bucket. A run is the probes of one bucket in a
 * row; it is judged when it ends, on its distinct ports and hosts.
 *
 * Each window keeps its first run (not judged until the aggregate is complete: a part of
 * the input read before it may continue it) and its last run (which the next part may
 * continue); runs in between are judged as they end. Two aggregates of consecutive parts
 * of an input therefore merge to exactly what one aggregate of the whole would hold, which
 * is what makes a verdict the same however the log was split, chunked or followed. (Probes
 * without a time join the run in progress; a source that mixes probes with and without a
 * time across a split may be judged differently — no format writes both.) */
#include <stdlib.h>
#include <string.h>

#include "classify/agg-int.h"
#include "core/alloc.h"

#define NO_BUCKET INT64_MIN
#define NWIN	  (TW_WIN_N * 2) /* two grids per window length */

/* The values of a run: ports (at most scan_ports), then hosts (at most sweep_hosts). */
static size_t run_vals(const struct tw_conf *c)
{
	return c->scan_ports + c->sweep_hosts;
}

/* One window's block: struct tw_win, then the first run's values, then the last's. */
static size_t win_size(const struct tw_conf *c)
{
	return sizeof(struct tw_win) + 2 * run_vals(c) * sizeof(uint32_t);
}

static struct tw_win *win_at(const struct tw_conf *c, const struct tw_srcagg *s, int i)
{
	return (struct tw_win *)((char *)s->win + (size_t)i * win_size(c));
}

static uint32_t *run_v(const struct tw_conf *c, struct tw_win *x, int last)
{
	return x->v + (last ? run_vals(c) : 0);
}

static bool small_add(uint32_t *v, uint8_t *n, uint32_t cap, uint32_t x)
{
	if (*n >= cap)
		return false; /* full: whether x is in it changes nothing (the common case) */
	for (uint32_t i = 0; i < *n; i++)
		if (v[i] == x)
			return false;
	if (*n < cap) {
		v[(*n)++] = x;
		return true;
	}
	return false;
}

static void run_add(const struct tw_conf *c, struct tw_run *r, uint32_t *v, uint32_t port,
		    uint32_t host)
{
	if (port)
		small_add(v, &r->np, c->scan_ports, port);
	small_add(v + c->scan_ports, &r->nh, c->sweep_hosts, host);
}

/* What a finished run reached (TW_HIT_*). */
static uint8_t run_hit(const struct tw_conf *c, const struct tw_run *r)
{
	uint8_t h = 0;
	if (r->np >= c->scan_ports && r->nh <= c->scan_hosts)
		h |= TW_HIT_PORTSCAN;
	if (r->nh >= c->sweep_hosts && r->np <= c->sweep_ports && r->np > 0)
		h |= TW_HIT_SWEEP;
	return h;
}

/* Adds run 'b' (values bv) into run 'a' (values av). */
static void run_join(const struct tw_conf *c, struct tw_run *a, uint32_t *av,
		     const struct tw_run *b, const uint32_t *bv)
{
	if (a->bucket == NO_BUCKET)
		a->bucket = b->bucket;
	for (unsigned i = 0; i < b->np; i++)
		small_add(av, &a->np, c->scan_ports, bv[i]);
	for (unsigned i = 0; i < b->nh; i++)
		small_add(av + c->scan_ports, &a->nh, c->sweep_hosts, bv[c->scan_ports + i]);
}

static void run_copy(const struct tw_conf *c, struct tw_run *a, uint32_t *av,
		     const struct tw_run *b, const uint32_t *bv)
{
	*a = *b;
	memcpy(av, bv, run_vals(c) * sizeof(uint32_t));
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return a % b < 0 ? q - 1 : q;
}

/* Time in half windows (one division serves both grids of a length). */
static int64_t halves(const struct tw_conf *c, int w, int64_t ts)
{
	int64_t half = (w == TW_WIN_SHORT ? c->window : c->slow_window) / 2;
	return floor_div(ts, half > 0 ? half : 1);
}

/* The bucket of grid g from the time in half windows: grid 0 cuts at even halves, grid 1
 * at odd ones. */
static int64_t bucket_at(int64_t q, int g)
{
	return floor_div(g && q < INT64_MAX ? q + 1 : q, 2);
}

static int64_t bucket_of(const struct tw_conf *c, int i, bool has_ts, int64_t ts)
{
	return has_ts ? bucket_at(halves(c, i / 2, ts), i % 2) : NO_BUCKET;
}

/* One probe into window i of 's'. */
static void win_event(const struct tw_conf *c, struct tw_srcagg *s, int i, int64_t b, uint32_t port,
		      uint32_t host)
{
	struct tw_win *x = win_at(c, s, i);
	struct tw_run *cur = x->single ? &x->first : &x->last;
	if (b != NO_BUCKET && cur->bucket != NO_BUCKET && b != cur->bucket) {
		if (x->single)
			x->single = false; /* the first run ends: judged at the end */
		else
			s->hit[i / 2] |= run_hit(c, &x->last);
		x->last = (struct tw_run){b, 0, 0};
		cur = &x->last;
	} else if (cur->bucket == NO_BUCKET) {
		cur->bucket = b;
	}
	run_add(c, cur, run_v(c, x, cur == &x->last), port, host);
}

/* A window that has reached both kinds has said all it can, and the slow window has
 * nothing to add to a short one that did. */
static bool win_done(const struct tw_srcagg *s, int i)
{
	int w = i / 2;
	return s->hit[w] == (TW_HIT_PORTSCAN | TW_HIT_SWEEP) ||
	       (w == TW_WIN_SLOW && s->hit[TW_WIN_SHORT] == (TW_HIT_PORTSCAN | TW_HIT_SWEEP));
}

int tw_win_alloc(const struct tw_conf *c, struct tw_srcagg *s)
{
	s->win = tw_calloc(NWIN, win_size(c));
	if (!s->win)
		return TW_E_NOMEM;
	for (int i = 0; i < NWIN; i++) {
		struct tw_win *x = win_at(c, s, i);
		x->single = true;
		x->first.bucket = x->last.bucket = NO_BUCKET;
	}
	return TW_OK;
}

/* The windows, made at the second probe from the first one's seed. */
static int win_ensure(const struct tw_conf *c, struct tw_srcagg *s)
{
	if (s->win)
		return TW_OK;
	if (tw_win_alloc(c, s))
		return TW_E_NOMEM;
	for (int i = 0; i < NWIN; i++)
		win_event(c, s, i, bucket_of(c, i, s->first_has_ts, s->first_ts), s->first_port,
			  s->first_dst);
	return TW_OK;
}

int tw_win_add(const struct tw_conf *c, struct tw_srcagg *s, bool has_ts, int64_t ts, uint32_t port,
	       uint32_t host)
{
	if (s->packets == 1) {
		s->first_port = port;
		s->first_dst = host;
		s->first_has_ts = has_ts;
		s->first_ts = has_ts ? ts : 0;
		return TW_OK;
	}
	if (win_done(s, 0) && win_done(s, 2))
		return TW_OK;
	if (win_ensure(c, s))
		return TW_E_NOMEM;
	for (int w = 0; w < TW_WIN_N; w++) {
		int64_t q = has_ts ? halves(c, w, ts) : 0;
		for (int g = 0; g < 2; g++)
			if (!win_done(s, w * 2 + g))
				win_event(c, s, w * 2 + g, has_ts ? bucket_at(q, g) : NO_BUCKET,
					  port, host);
	}
	return TW_OK;
}

/* Window i of 't' (the later part) continues window i of 's'. */
static void win_merge(const struct tw_conf *c, struct tw_srcagg *s, const struct tw_srcagg *t,
		      int i)
{
	struct tw_win *x = win_at(c, s, i), *y = win_at(c, t, i);
	struct tw_run *cur = x->single ? &x->first : &x->last;
	uint32_t *cv = run_v(c, x, !x->single);
	const uint32_t *yf = y->v, *yl = y->v + run_vals(c);
	if (y->first.bucket == NO_BUCKET || cur->bucket == NO_BUCKET ||
	    y->first.bucket == cur->bucket) {
		run_join(c, cur, cv, &y->first, yf);
		if (y->single)
			return;
		if (x->single)
			x->single = false;
		else
			s->hit[i / 2] |= run_hit(c, &x->last);
		run_copy(c, &x->last, run_v(c, x, 1), &y->last, yl);
		return;
	}
	if (x->single)
		x->single = false;
	else
		s->hit[i / 2] |= run_hit(c, &x->last);
	if (y->single) {
		run_copy(c, &x->last, run_v(c, x, 1), &y->first, yf);
	} else {
		s->hit[i / 2] |= run_hit(c, &y->first);
		run_copy(c, &x->last, run_v(c, x, 1), &y->last, yl);
	}
}

int tw_win_merge(const struct tw_conf *c, struct tw_srcagg *s, const struct tw_srcagg *t)
{
	if (t->packets == 0)
		return TW_OK;
	if (s->packets == 0) {
		s->first_port = t->first_port;
		s->first_dst = t->first_dst;
		s->first_has_ts = t->first_has_ts;
		s->first_ts = t->first_ts;
		if (t->win) {
			if (tw_win_alloc(c, s))
				return TW_E_NOMEM;
			memcpy(s->win, t->win, NWIN * win_size(c));
		}
		memcpy(s->hit, t->hit, sizeof(s->hit));
		return TW_OK;
	}
	if (win_ensure(c, s))
		return TW_E_NOMEM;
	if (!t->win) {
		/* 't' saw one probe: its seed is that probe. */
		for (int i = 0; i < NWIN; i++)
			if (!win_done(s, i))
				win_event(c, s, i, bucket_of(c, i, t->first_has_ts, t->first_ts),
					  t->first_port, t->first_dst);
	} else {
		for (int i = 0; i < NWIN; i++)
			if (!win_done(s, i))
				win_merge(c, s, t, i);
	}
	for (int w = 0; w < TW_WIN_N; w++)
		s->hit[w] |= t->hit[w];
	return TW_OK;
}

uint8_t tw_win_hits(const struct tw_conf *c, const struct tw_srcagg *s, int w)
{
	uint8_t h = s->hit[w];
	if (!s->win)
		return h;
	for (int g = 0; g < 2; g++) {
		const struct tw_win *x = win_at(c, s, w * 2 + g);
		h |= run_hit(c, &x->first);
		if (!x->single)
			h |= run_hit(c, &x->last);
	}
	return h;
}

/* ---- the windows in a stored state (agg-state.c) ---------------------------------------- */

static void put_run(struct tw_buf *b, const struct tw_conf *c, const struct tw_run *r,
		    const uint32_t *v, void (*put)(struct tw_buf *, uint64_t, int))
{
	put(b, (uint64_t)r->bucket, 8);
	put(b, r->np, 1);
	put(b, r->nh, 1);
	for (unsigned i = 0; i < r->np; i++)
		put(b, v[i], 4);
	for (unsigned i = 0; i < r->nh; i++)
		put(b, v[c->scan_ports + i], 4);
}

void tw_win_encode(const struct tw_conf *c, const struct tw_srcagg *s, struct tw_buf *b,
		   void (*put)(struct tw_buf *, uint64_t, int))
{
	put(b, s->win ? NWIN : 0, 1);
	for (int i = 0; s->win && i < NWIN; i++) {
		struct tw_win *x = win_at(c, s, i);
		put(b, x->single, 1);
		put_run(b, c, &x->first, run_v(c, x, 0), put);
		if (!x->single)
			put_run(b, c, &x->last, run_v(c, x, 1), put);
	}
}

static bool get_run(const struct tw_conf *c, struct tw_run *r, uint32_t *v, void *rd,
		    uint64_t (*get)(void *, int), bool (*bad)(void *))
{
	*r = (struct tw_run){(int64_t)get(rd, 8), 0, 0};
	unsigned np = (unsigned)get(rd, 1), nh = (unsigned)get(rd, 1);
	/* The thresholds may have changed since: values past today's bounds are dropped. */
	for (unsigned i = 0; i < np && !bad(rd); i++)
		small_add(v, &r->np, c->scan_ports, (uint32_t)get(rd, 4));
	for (unsigned i = 0; i < nh && !bad(rd); i++)
		small_add(v + c->scan_ports, &r->nh, c->sweep_hosts, (uint32_t)get(rd, 4));
	return !bad(rd);
}

int tw_win_decode(const struct tw_conf *c, struct tw_srcagg *s, void *rd,
		  uint64_t (*get)(void *, int), bool (*bad)(void *))
{
	unsigned n = (unsigned)get(rd, 1);
	if (n == 0)
		return bad(rd) ? TW_E_INVALID : TW_OK;
	if (n != NWIN)
		return TW_E_INVALID;
	if (tw_win_alloc(c, s))
		return TW_E_NOMEM;
	for (int i = 0; i < NWIN; i++) {
		struct tw_win *x = win_at(c, s, i);
		x->single = get(rd, 1) != 0;
		if (!get_run(c, &x->first, run_v(c, x, 0), rd, get, bad))
			return TW_E_INVALID;
		if (!x->single && !get_run(c, &x->last, run_v(c, x, 1), rd, get, bad))
			return TW_E_INVALID;
	}
	return TW_OK;
}

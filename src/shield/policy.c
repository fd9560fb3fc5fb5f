/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The auto-ban policy (policy.h). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/special.h"
#include "shield/policy.h"
#include "shield/shield.h"
#include "store/store.h"

struct tw_banner_src {
	struct tw_addr a;
	int64_t start, last, until; /* the window's first probe, the last, banned until */
	uint32_t count;
	bool solid; /* a TCP probe in the window (not forgeable alone) */
};

void tw_banner_init(struct tw_banner *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max ? max : 1u << 20;
}

void tw_banner_fini(struct tw_banner *b)
{
	free(b->v);
	tw_addrix_fini(&b->ix);
	memset(b, 0, sizeof(*b));
}

const char *tw_ban_exempt(const struct tw_conf *c, const struct tw_addr *a)
{
	const struct tw_special *sp = tw_conf_special(c, a);
	if (sp)
		return sp->name;
	if (tw_conf_is_own(c, a))
		return "own network";
	if (tw_conf_in_nets(c->trusted, c->ntrusted, a))
		return "trusted network";
	if (tw_conf_in_nets(c->never, c->nnever, a))
		return "never-ban list";
	return NULL;
}

static struct tw_addrix_recs recs(const struct tw_banner *b)
{
	return (struct tw_addrix_recs){b->v, sizeof(*b->v), offsetof(struct tw_banner_src, a)};
}

/* Forgets the sources no longer of interest at 'now': quiet for a window, not banned. */
static void sweep(struct tw_banner *b, const struct tw_conf *c, int64_t now)
{
	size_t k = 0;
	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].last >= now - c->ban_window || b->v[i].until >= now)
			b->v[k++] = b->v[i];
	b->n = k;
	tw_addrix_rebuild(&b->ix, recs(b), b->n);
}

static struct tw_banner_src *find_or_add(struct tw_banner *b, const struct tw_conf *c,
					 const struct tw_addr *a, int64_t now)
{
	size_t hole;
	long i = tw_addrix_find(&b->ix, recs(b), a, &hole);
	if (i >= 0)
		return &b->v[i];
	/* At most 'max' sources: when full, the quiet ones are forgotten — looked for at most
	 * once a second, so that a flood of new sources costs no sweep per packet. */
	if (b->n >= b->max) {
		if (now - b->swept < 1000000000)
			return NULL;
		b->swept = now;
		sweep(b, c, now);
		if (b->n >= b->max)
			return NULL;
	}
	if (tw_addrix_reserve(&b->ix, recs(b), b->n, b->n + 1))
		return NULL;
	struct tw_banner_src *nv = tw_grow(b->v, b->n, &b->cap, sizeof(*nv), 64);
	if (!nv)
		return NULL;
	b->v = nv;
	(void)tw_addrix_find(&b->ix, recs(b), a, &hole);
	struct tw_banner_src *s = &b->v[b->n];
	memset(s, 0, sizeof(*s));
	s->a = *a;
	tw_addrix_put(&b->ix, hole, b->n++);
	return s;
}

bool tw_banner_probe(struct tw_banner *b, const struct tw_conf *c, const struct tw_event *ev,
		     int64_t now, uint32_t *probes)
{
	if (!c->ban_after || ev->src.family == TW_AF_NONE)
		return false;
	int64_t ts = (ev->has & TW_EV_HAS_TS) ? ev->ts : now;
	struct tw_banner_src *s = find_or_add(b, c, &ev->src, now);
	if (!s) {
		b->untracked++;
		return false;
	}
	if (s->count == 0 || ts - s->start > c->ban_window || ts < s->start) {
		s->start = ts;
		s->count = 0;
		s->solid = false;
	}
	s->count++;
	if (ts > s->last)
		s->last = ts;
	s->solid |= ev->proto == TW_IPPROTO_TCP;
	if (s->count < c->ban_after || ts < now - c->ban_window || s->until > now ||
	    (!s->solid && !c->ban_forgeable) || tw_ban_exempt(c, &s->a))
		return false;
	*probes = s->count;
	return true;
}

void tw_banner_banned(struct tw_banner *b, const struct tw_addr *a, int64_t until)
{
	size_t hole;
	long i = tw_addrix_find(&b->ix, recs(b), a, &hole);
	if (i < 0)
		return;
	b->v[i].until = until;
	b->v[i].count = 0;
}

int64_t tw_ban_duration(const struct tw_conf *c, uint32_t prior)
{
	int64_t d = c->ban_timeout > 0 ? c->ban_timeout : 1000000000;
	int64_t max = c->ban_max > 0 ? c->ban_max : d;
	for (uint32_t i = 0; i < prior && d < max; i++) {
		if (d > max / (c->ban_escalate ? c->ban_escalate : 1))
			return max;
		d *= c->ban_escalate ? c->ban_escalate : 1;
		if (c->ban_escalate <= 1)
			break;
	}
	return d < max ? d : max;
}

int tw_autoban(struct tw_banner *b, const struct tw_conf *c, struct tw_store *st,
	       const struct tw_event *ev, int64_t now, struct tw_ban_done *done,
	       struct tw_errctx *ec)
{
	uint32_t probes = 0, prior = 0;
	if (!tw_banner_probe(b, c, ev, now, &probes))
		return 0;
	if (st) /* [ban] forget = 0: remembered for ever */
		(void)tw_store_offenses(st, &ev->src, c->ban_forget > 0 ? now - c->ban_forget : 0,
					&prior);
	int64_t d = tw_ban_duration(c, prior);
	int64_t secs = d / 1000000000;
	tw_banner_banned(b, &ev->src, now + d);
	memset(done, 0, sizeof(*done));
	done->a = ev->src;
	done->seconds = secs < 1 ? 1 : secs;
	done->probes = probes;
	done->offense = prior + 1;
	int r = tw_shield_ban(&ev->src, done->seconds, ec);
	if (r)
		return r;
	if (st) {
		char why[96];
		snprintf(why, sizeof(why), "%u probes within %llds", probes,
			 (long long)(c->ban_window / 1000000000));
		if (tw_store_offense_add(st, &ev->src, prior + 1, now, now + d, probes, why))
			return tw_err_set(ec, TW_E_DB, 0,
					  "banned, but the offense was not recorded");
	}
	return 1;
}

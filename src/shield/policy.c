/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The auto-ban policy (policy.h). */
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
	bool used, solid; /* solid: a TCP probe in the window (not forgeable alone) */
};

void tw_banner_init(struct tw_banner *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max ? max : 1u << 20;
}

void tw_banner_fini(struct tw_banner *b)
{
	free(b->t);
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

static struct tw_banner_src *slot(struct tw_banner_src *t, size_t cap, const struct tw_addr *a)
{
	size_t i = (size_t)tw_addr_hash(a) & (cap - 1);
	while (t[i].used && !tw_addr_eq(&t[i].a, a))
		i = (i + 1) & (cap - 1);
	return &t[i];
}

/* Rebuilds the table at 'cap' slots, keeping the sources still of interest at 'now' (all
 * when 'now' is 0). */
static int rebuild(struct tw_banner *b, size_t cap, const struct tw_conf *c, int64_t now)
{
	struct tw_banner_src *t = tw_calloc(cap, sizeof(*t));
	if (!t)
		return TW_E_NOMEM;
	size_t n = 0;
	for (size_t i = 0; i < b->cap; i++) {
		const struct tw_banner_src *s = &b->t[i];
		if (!s->used || (now && s->last < now - c->ban_window && s->until < now))
			continue;
		*slot(t, cap, &s->a) = *s;
		n++;
	}
	free(b->t);
	b->t = t;
	b->cap = cap;
	b->n = n;
	return TW_OK;
}

static struct tw_banner_src *find_or_add(struct tw_banner *b, const struct tw_conf *c,
					 const struct tw_addr *a, int64_t now)
{
	if (b->cap) {
		struct tw_banner_src *s = slot(b->t, b->cap, a);
		if (s->used)
			return s;
	}
	/* At most 'max' sources: when full, the quiet ones are forgotten — looked for at most
	 * once a second, so that a flood of new sources costs no sweep per packet. */
	if (b->n >= b->max) {
		if (now - b->swept < 1000000000 || rebuild(b, b->cap, c, now))
			return NULL;
		b->swept = now;
		if (b->n >= b->max)
			return NULL;
	}
	/* At most 70 % of the slots used. */
	if ((b->n + 1) * 10 > b->cap * 7 && rebuild(b, b->cap ? b->cap * 2 : 1024, c, 0))
		return NULL;
	struct tw_banner_src *s = slot(b->t, b->cap, a);
	memset(s, 0, sizeof(*s));
	s->a = *a;
	s->used = true;
	b->n++;
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
	if (!b->cap)
		return;
	struct tw_banner_src *s = slot(b->t, b->cap, a);
	if (!s->used)
		return;
	s->until = until;
	s->count = 0;
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
	if (st && c->ban_forget > 0)
		(void)tw_store_offenses(st, &ev->src, now - c->ban_forget, &prior);
	else if (st)
		(void)tw_store_offenses(st, &ev->src, 0, &prior);
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

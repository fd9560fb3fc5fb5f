/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-source aggregation: the source table keyed by address, per-source ports and windows,
 * incidents with their evidence, and the merge of aggregates (threads, chunks). The
 * distinct counters are in agg-sketch.c, the verdict in verdict.c. */
#include "core/alloc.h"
#include "classify/agg-int.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "core/err.h"
#include "core/special.h"

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

void tw_agg_init(struct tw_agg *a, const struct tw_conf *conf)
{
	memset(a, 0, sizeof(*a));
	a->conf = conf;
}

static void src_free(struct tw_agg *a, struct tw_srcagg *s)
{
	for (unsigned i = 0; i < s->ninc; i++)
		a->evidence_bytes -= s->inc[i].evcap;
	free(s->dsts.h);
	free(s->pt);
	free(s->portbits);
	free(s->win);
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
	if (a->nsrcs >= (a->max_sources ? a->max_sources : a->conf->max_sources)) {
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
int tw_src_port_add(struct tw_srcagg *s, uint32_t key, uint32_t n)
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
	/* Neighbour discovery and multicast listener messages are sent with hop limit 255 or
	 * 1 by rule (RFC 4861, RFC 2710/3810), whatever the sender's default: no evidence of
	 * another sender beside the same host's TCP at 64. */
	if (ev->proto == TW_IPPROTO_ICMPV6 && (ev->has & TW_EV_HAS_ICMP) &&
	    ((ev->icmp_type >= 130 && ev->icmp_type <= 137) || ev->icmp_type == 143))
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
	uint32_t want = a->conf->evidence;
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
				   int64_t last_ts, int64_t gap)
{
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
	struct tw_incident *in = inc_get(s, v->cls, has_ts, ev->ts, ev->ts, a->conf->gap);
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
	tw_dc_add(&in->dsts, in->dv, host);
	if (port) {
		tw_dc_add(&in->ports, in->pv, port);
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
		__builtin_prefetch(&s->dsts.h[tw_mix32(dst_value(&ev->dst)) & (s->dsts.cap - 1)],
				   1);
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
	ret |= tw_kmv_add(&s->dsts, host);
	if (port)
		ret |= tw_src_port_add(s, port, 1);
	if (ev->proto == TW_IPPROTO_TCP && ev->action == TW_ACT_ACCEPT &&
	    (ev->has & TW_EV_HAS_FLAGS) &&
	    (ev->tcp_flags & (TW_TCP_SYN | TW_TCP_ACK)) == TW_TCP_ACK)
		s->tcp_accepted++;
	if (ev->proto == TW_IPPROTO_TCP && (ev->has & TW_EV_HAS_SESSION))
		s->tcp_sessions++;
	ttl_note(s, ev);
	if (!s->has_payload && ev->payload.p && ev->payload.len >= 8) {
		s->payload_hash = payload_hash(&ev->payload);
		s->has_payload = true;
	}
	ret |= tw_win_add(a->conf, s, (ev->has & TW_EV_HAS_TS) != 0, ev->ts, port, host);
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
	struct tw_incident *in = inc_get(s, t->cls, t->has_time, t->first, t->last, a->conf->gap);
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
	tw_dc_merge(&in->dsts, in->dv, &t->dsts, t->dv);
	tw_dc_merge(&in->ports, in->pv, &t->ports, t->pv);
	if (t->has_ports) {
		if (!in->has_ports || t->port_lo < in->port_lo)
			in->port_lo = t->port_lo;
		if (!in->has_ports || t->port_hi > in->port_hi)
			in->port_hi = t->port_hi;
		in->has_ports = true;
	}
	/* Evidence: 't' comes later in the input, so its lines follow while there is room;
	 * copied texts stay copied, re-readable ones stay references. */
	uint32_t want = a->conf->evidence;
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

int tw_src_merge(const struct tw_conf *c, struct tw_srcagg *s, const struct tw_srcagg *t)
{
	if (tw_win_merge(c, s, t))
		return TW_E_NOMEM;
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
	s->tcp_sessions += t->tcp_sessions;
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
	if (tw_kmv_merge(&s->dsts, &t->dsts))
		return TW_E_NOMEM;
	for (uint32_t k = 0; k < t->pt_cap; k++)
		if (t->pt[k].key && tw_src_port_add(s, t->pt[k].key, t->pt[k].count))
			return TW_E_NOMEM;
	if (t->portbits) {
		/* Ports 't' saw beyond its table: each set bit is one key. */
		for (uint32_t w = 0; w < PORTBITS_WORDS; w++) {
			uint64_t bits = t->portbits[w];
			while (bits) {
				uint32_t bi = w * 64 + (uint32_t)__builtin_ctzll(bits);
				bits &= bits - 1;
				uint32_t slot = bi >> 16, port = bi & 0xffff;
				/* "other" ported protocols share a slot: SCTP stands for them. */
				uint32_t proto = slot == 0   ? TW_IPPROTO_TCP
						 : slot == 1 ? TW_IPPROTO_UDP
							     : TW_IPPROTO_SCTP;
				uint32_t key = (proto << 16 | port) + 1;
				if (port_add_distinct_only(s, key))
					return TW_E_NOMEM;
			}
		}
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
		if (tw_src_merge(a->conf, s, t))
			goto nomem;
		for (unsigned k = 0; k < t->ninc; k++)
			if (inc_merge(a, s, &t->inc[k]))
				goto nomem;
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
		const struct tw_conf *conf = a->conf;
		tw_agg_fini(a);
		*a = *b;
		a->max_sources = keep;
		a->conf = conf;
		tw_agg_init(b, b->conf);
		return TW_OK;
	}
	int r = tw_agg_merge(a, b);
	tw_agg_fini(b);
	return r;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The verdict about each source (agg.h tw_agg_summarise): the scan it made, spoofing
 * evidence, danger, confidence, reportable and why; the sources sorted for the outputs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/agg-int.h"
#include "core/conf.h"
#include "core/alloc.h"
#include "core/special.h"

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
	char special[96], scan[160], spoof[160];
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
static void scan(const struct tw_conf *c, struct tw_srcsum *m, struct judge_texts *t)
{
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
	const uint8_t hs = tw_win_hits(c, s, TW_WIN_SHORT), hl = tw_win_hits(c, s, TW_WIN_SLOW);
	int kind = 0;
	if (m->ports >= c->scan_ports && m->dsts <= c->scan_hosts)
		kind = TW_HIT_PORTSCAN;
	else if (m->dsts >= c->sweep_hosts && m->ports <= c->sweep_ports)
		kind = TW_HIT_SWEEP;
	else if ((hs | hl) & TW_HIT_PORTSCAN)
		kind = TW_HIT_PORTSCAN; /* within a window, though not over the whole input */
	else if ((hs | hl) & TW_HIT_SWEEP)
		kind = TW_HIT_SWEEP;
	if (!kind)
		return;
	/* The whole input's span stands in for a window when it is shorter than one (a
	 * scan whose probes straddle two buckets of both grids). Unsigned: a damaged state
	 * may hold any times. */
	uint64_t span = s->has_time && s->last >= s->first ? (uint64_t)s->last - (uint64_t)s->first
			: s->has_time			   ? UINT64_MAX
							   : 0;
	char win[32];
	if ((hs & kind) || span <= (uint64_t)c->window) {
		m->scan_speed = "fast";
		fmt_span(win, sizeof(win), c->window);
	} else if ((hl & kind) || span <= (uint64_t)c->slow_window) {
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
 * hop distances that no single sender would show. 1 when one fired; 2 when only the TTL
 * one did and 'scanner' (a scan's own probes vary their TTLs: noted, not forgery). */
static int spoofed(const struct tw_conf *c, struct tw_srcsum *m, uint32_t same_payload,
		   bool scanner, struct judge_texts *t)
{
	const struct tw_srcagg *s = m->s;
	if (same_payload >= c->spoof_sources) {
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
		if (scanner) {
			snprintf(t->spoof, sizeof(t->spoof),
				 "TTLs vary (initial TTLs %s; %u to %u hops) as a scanner's own "
				 "probes may: not taken for forgery",
				 list, s->hop_min, s->hop_max);
			return 2;
		}
		snprintf(t->spoof, sizeof(t->spoof),
			 "TTLs of several senders (initial TTLs %s; %u to %u hops): likely forged",
			 list, s->hop_min, s->hop_max);
		return 1;
	}
	return 0;
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
	tw_incident_own_counts(in, c);
}

void tw_incident_own_counts(const struct tw_incident *in, struct tw_inc_counts *c)
{
	c->dsts = tw_dcount_count(&in->dsts, &c->dsts_est);
	c->ports = tw_dcount_count(&in->ports, &c->ports_est);
	c->rel_error = TW_DC_ERROR;
	/* An estimate never says more than is possible: no more than the packets, no more
	 * ports than the port range holds (of three protocols at most). */
	uint64_t width = in->has_ports && in->port_hi >= in->port_lo
			     ? (uint64_t)(in->port_hi - in->port_lo) + 1
			     : 0;
	if (c->dsts_est && c->dsts > in->packets)
		c->dsts = in->packets;
	if (c->ports_est && c->ports > in->packets)
		c->ports = in->packets;
	if (c->ports_est && width && c->ports > 3 * width)
		c->ports = 3 * width;
}

int tw_incident_danger(const struct tw_srcagg *s, const struct tw_incident *in)
{
	struct tw_inc_counts c;
	tw_incident_counts(s, in, &c);
	return tw_danger_of(in->weight, c.ports, c.dsts, in->packets);
}

/* Danger, confidence and the reportable verdict (README "Classification"). */
static void judge(const struct tw_conf *c, struct tw_srcsum *m, uint32_t same_payload,
		  struct judge_texts *t)
{
	const struct tw_srcagg *s = m->s;
	scan(c, m, t);
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
	const uint8_t *cw = m->cls_weight;
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

	const struct tw_special *sp = tw_conf_special(c, &s->addr);
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
	} else if (s->tcp_sessions > 0) {
		m->confidence = 0.9;
		add_why(m, "completed tcp session (the sensor saw its handshake)");
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
	/* A TCP scan of many ports or a sweep of many hosts is a scanner's own work: a
	 * forged source gets no answer back, so it has no reason to go on. (UDP, Messenger
	 * spam among it, stays forgeable.) */
	bool scanner = m->scan_kind && m->scan_type != TW_SCAN_UDP && !sp && !backscatter &&
		       tcp > 0 &&
		       ((!strcmp(m->scan_kind, "portscan") && m->ports >= c->scanner_ports) ||
			(!strcmp(m->scan_kind, "sweep") && m->dsts >= c->scanner_hosts));
	if (scanner && m->confidence < c->scanner_confidence && conf_why < (int)m->nwhy) {
		/* In place of the reason that gave the lower confidence. */
		m->confidence = c->scanner_confidence;
		m->why[conf_why] =
		    !strcmp(m->scan_kind, "portscan")
			? "a tcp scan of that many ports is the scanner's own work (a "
			  "forged source gets nothing back)"
			: "a tcp sweep of that many hosts is the scanner's own work (a "
			  "forged source gets nothing back)";
	}
	int forged = spoofed(c, m, same_payload, scanner, t);
	if (forged) {
		/* The campaign rule (one payload, many sources) always caps; the TTL rule not
		 * for a scanner (nmap varies its TTLs): there it is a note. */
		if (forged == 1 && m->confidence > 0.1)
			m->confidence = 0.1;
		t->why_spoof = (signed char)m->nwhy;
		add_why(m, t->spoof);
	}
	m->reportable = !sp && !backscatter && m->confidence >= c->min_confidence;
	if (!m->reportable)
		m->why_not = t->why_spoof >= 0 && forged == 1 ? t->why_spoof : conf_why;
	if (!sp && tw_conf_is_own(c, &s->addr)) {
		m->reportable = false;
		m->why_not = (signed char)m->nwhy;
		add_why(m, "one of your own networks (--own)");
	} else if (!m->reportable && !sp && m->confidence > 0) {
		/* The threshold as the text shows it (one decimal): one constant per value, so
		 * that a reload with another threshold says the new one, in any thread. */
		static const char *const below[] = {
		    "below the confidence threshold 0.0", "below the confidence threshold 0.1",
		    "below the confidence threshold 0.2", "below the confidence threshold 0.3",
		    "below the confidence threshold 0.4", "below the confidence threshold 0.5",
		    "below the confidence threshold 0.6", "below the confidence threshold 0.7",
		    "below the confidence threshold 0.8", "below the confidence threshold 0.9",
		    "below the confidence threshold 1.0"};
		long k = lround(c->min_confidence * 10);
		add_why(m, below[k < 0 ? 0 : k > 10 ? 10 : k]);
	}
	/* Worth a look: reportable, a scan or sweep, or a rule with weight (a probe of the
	 * Messenger, NetBIOS, RPC or SMB ports, a worm) — never backscatter alone. */
	m->notable = m->reportable || m->scan_kind || (s->max_weight >= 1 && !backscatter);
}

int tw_src_judge(const struct tw_conf *c, struct tw_srcsum *m, uint32_t same_payload)
{
	struct judge_texts t;
	judge(c, m, same_payload, &t);
	return keep_texts(m, &t);
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
		for (unsigned k = 0; k < m->s->ninc; k++) {
			const struct tw_incident *in = &m->s->inc[k];
			if (in->cls < 0 || in->cls >= TW_CLS_MAX)
				continue;
			m->classes[in->cls] += in->packets;
			if (in->weight > m->cls_weight[in->cls])
				m->cls_weight[in->cls] = in->weight;
		}
		if (tw_src_judge(a->conf, m, same)) {
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

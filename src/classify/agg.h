/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-source aggregation for `analyze`: what each source did, in memory that grows with the
 * number of distinct sources, not with lines. Distinct destinations and ports are counted
 * exactly up to TW_KMV_K, then estimated with a k-minimum-values sketch (standard error
 * about 1/sqrt(K-2) = 3.1 %). Aggregates of several threads merge deterministically. */
#ifndef TW_CLASSIFY_AGG_H
#define TW_CLASSIFY_AGG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify/classify.h"
#include "core/addrix.h"
#include "core/conf.h"
#include "core/esc.h"
#include "core/event.h"

#define TW_KMV_K 1024
/* Per source, packet counts are kept for this many distinct (proto, port) pairs; beyond
 * it the source's distinct ports are kept in a bitmap (exact), and ports first seen after
 * the bound count toward 'ports' but not toward top_ports. */
#define TW_PORTS_TRACKED 4096

/* What a source's probes were, by TCP flags or transport (scan types of psad and nmap). */
enum { TW_SCAN_SYN, TW_SCAN_NULL, TW_SCAN_FIN, TW_SCAN_XMAS, TW_SCAN_ACK, TW_SCAN_UDP, TW_SCAN_N };
const char *tw_scan_name(int t);

/* Thresholds and windows come from the configuration (core/conf.h): a port scan is
 * at least scan_ports ports on at most scan_hosts hosts, a sweep at least sweep_hosts hosts
 * on at most sweep_ports ports, reached within the scan window (fast) or the slow window. */

/* An incident's distinct destinations and ports (struct tw_dcount): exact up to
 * TW_DC_EXACT values, then estimated by a HyperLogLog of TW_DC_REG registers (standard error
 * 1.04/sqrt(64) = 13 %). Inline in the incident, so that counting touches no other memory. */
#define TW_DC_EXACT 16
#define TW_DC_REG   64
/* Incidents kept per source; later ones of a class join that class's last incident (a
 * class's first incident is always kept, so a source has at most this + TW_CLS_MAX). */
#define TW_INC_MAX 32
/* Evidence lines are cut at this many bytes, and all of an aggregate's together at
 * TW_EVIDENCE_BUDGET (later incidents then keep their line numbers only). */
#define TW_EVIDENCE_LINE   512
#define TW_EVIDENCE_BUDGET (32u << 20)
#define TW_INC_SAMPLE	   8

/* Distinct-value counter over 32-bit values: an exact hash set until it holds TW_KMV_K
 * values, then a k-minimum-values sketch (the K smallest hashes, sorted) that estimates
 * beyond. Values are mixed by a bijection, so distinct inputs stay distinct: counts of
 * IPv4 destinations are exact below K; IPv6 destinations are first folded to 32 bits,
 * where two addresses collide with probability about n^2 / 2^33. */
struct tw_kmv {
	uint32_t *h;  /* set mode: open-addressing slots (0 = empty); sketch mode: ascending */
	uint32_t n;   /* values held (with 'zero') */
	uint32_t cap; /* slots (set mode, a power of two) or array size (sketch mode) */
	bool sketch;  /* false: exact set; true: KMV sketch */
	bool zero;    /* set mode: the value whose mix is 0 was seen */
	bool has_last;
	uint16_t k;    /* sketch size; 0 = TW_KMV_K */
	uint32_t last; /* the last mixed value added (fast path for repeats) */
};

struct tw_dcount {
	uint8_t n;		    /* exact values held; TW_DC_EXACT + 1 once there were more */
	uint8_t reg[TW_DC_REG / 2]; /* HyperLogLog registers, 4 bits each */
}; /* the exact values are kept beside it (dv, pv of the incident) */
/* The distinct count; *estimated is set when it comes from the registers. */
uint64_t tw_dcount_count(const struct tw_dcount *d, bool *estimated);
#define TW_DC_ERROR 0.13

/* One evidence reference, where the line was (the text is in the incident's buffer): the
 * input file's index in the top 16 bits, the line (or frame) number in the low 48. */
typedef uint64_t tw_evref;
#define TW_EVREF(file, line) ((uint64_t)(file) << 48 | ((line)&0xffffffffffffull))
#define TW_EVREF_FILE(r)     ((uint32_t)((r) >> 48))
#define TW_EVREF_LINE(r)     ((r)&0xffffffffffffull)

/* What one source did in one class within one window (DESIGN.md struct tw_incident): it
 * ends after the configured gap without packets of that class. */
struct tw_incident {
	/* What every event touches first, together in the first cache lines. */
	int cls;
	uint8_t weight;			  /* heaviest rule that fired */
	bool has_time, has_ports, joined; /* joined: later windows merged in (TW_INC_MAX) */
	uint8_t nev;			  /* evidence lines kept (references) */
	uint8_t ntext;			  /* of which the first ntext have their text */
	uint16_t port_lo, port_hi;
	int64_t first, last;
	uint64_t packets;
	struct tw_dcount dsts, ports;
	/* Then what is read while the counts are small, and the evidence. */
	/* The first distinct destinations and ports ((proto << 16 | port) + 1) in the order
	 * seen: the exact counts, and the ports sample (the first TW_INC_SAMPLE). */
	uint32_t dv[TW_DC_EXACT], pv[TW_DC_EXACT];
	tw_evref ev[8]; /* at most conf evidence (<= 8 kept by reference) */
	/* A line of a file that can be read again (a plain file, not a stream) is not
	 * copied while reading: its offset, length and hash are kept, and
	 * tw_agg_resolve_evidence() reads it back when an output needs the text. */
	uint64_t evoff[8]; /* TW_EVOFF_NONE: not re-readable */
	uint32_t evhash[8];
	uint16_t evrlen[8];
	char *evtext; /* the lines, each ending in '\n' */
	uint32_t evlen, evcap;
};

/* A source's scan windows (agg-window.c): per window length and grid, its first run and its
 * last run of probes in one time bucket (the distinct ports and hosts of each, small exact
 * sets up to the thresholds); the runs between were judged as they ended (tw_srcagg.hit). */
struct tw_run {
	int64_t bucket; /* INT64_MIN: no time seen yet */
	uint8_t np, nh;
};
struct tw_win {
	struct tw_run first, last;
	bool single;  /* one run so far: 'first' is the one in progress */
	uint32_t v[]; /* the first run's ports then hosts, then the last run's */
};
enum { TW_WIN_SHORT, TW_WIN_SLOW, TW_WIN_N };
enum { TW_HIT_PORTSCAN = 1, TW_HIT_SWEEP = 2 };

enum { TW_P_TCP, TW_P_UDP, TW_P_ICMP, TW_P_ICMP6, TW_P_OTHER, TW_P_N };

struct tw_srcagg {
	struct tw_addr addr;
	bool has_time;
	int64_t first, last;
	uint64_t packets;
	uint64_t protos[TW_P_N];
	/* (packets per class: the sum of the class's incidents, in the summary) */
	uint8_t max_weight;   /* of the signature rules matched */
	uint64_t tcp_syn;     /* SYN without ACK */
	uint64_t tcp_noSyn;   /* TCP without SYN (ACK, RST, FIN … alone) */
	uint64_t tcp_unknown; /* TCP with no flags logged */
	/* Probe kinds, for naming a scan: TCP by its flags, and UDP. */
	uint32_t scan[TW_SCAN_N];  /* saturating */
	uint16_t port_lo, port_hi; /* lowest and highest destination port seen */
	bool has_ports;
	struct tw_kmv dsts;
	/* Destination ports: (proto << 16 | port) + 1 -> packets, open addressing. */
	struct tw_portcount *pt;
	uint32_t pt_n, pt_cap;
	uint64_t *portbits; /* once pt is full: every port seen, 3 x 65536 bits (tcp, udp, other) */
	uint64_t nports;    /* distinct destination ports (exact) */
	/* Windows: the first event's port key, host and time (seeds the windows at the
	 * second packet), the windows (TW_WIN_N x 2 grids, one block; agg-window.c), and
	 * what their finished runs reached (TW_HIT_*; tw_win_hits() adds the open ones). */
	uint32_t first_port, first_dst;
	int64_t first_ts;
	bool first_has_ts;
	struct tw_win *win;
	uint8_t hit[TW_WIN_N];
	/* Spoofing evidence: hop distances (initial TTL guessed as the next of 32, 64, 128,
	 * 255) and which initial TTLs were seen (bits); the hash of the first payload. */
	bool has_ttl, has_payload;
	uint8_t hop_min, hop_max, ttl_inits;
	uint32_t payload_hash;
	uint64_t tcp_accepted; /* accepted TCP without SYN: a completed session */
	uint64_t tcp_sessions; /* TCP connections a sensor saw complete (TW_EV_HAS_SESSION) */
	struct tw_incident *inc;
	uint16_t ninc, capinc;
	uint8_t newest[TW_CLS_MAX]; /* per class: the newest incident's index + 1, or 0 */
};

struct tw_portcount {
	uint32_t key;	/* (proto << 16 | port) + 1; 0 = empty slot */
	uint32_t count; /* packets, saturating */
};

struct tw_agg {
	struct tw_srcagg *srcs;
	size_t nsrcs, capsrcs;
	struct tw_addrix ix; /* address → position in srcs */
	uint64_t events;
	uint64_t classes[TW_CLS_MAX];
	bool oom;
	/* Sources dropped from memory to stay within max-sources (those with the fewest
	 * packets), and their packets. */
	uint64_t pruned_srcs, pruned_packets;
	uint32_t prune_below; /* sources with at most this many packets were dropped */
	uint32_t max_sources; /* this aggregate's bound (0: the configuration's max-sources) */
	uint64_t evidence_bytes;
	/* The configuration (thresholds, windows, gap, evidence, own networks) that this
	 * aggregate and its verdicts follow; the caller's, valid while the aggregate is. */
	const struct tw_conf *conf;
};

/* Prepares an empty aggregate that follows 'conf' (not NULL). */
void tw_agg_init(struct tw_agg *a, const struct tw_conf *conf);
void tw_agg_fini(struct tw_agg *a);
/* Adds one classified event. TW_E_NOMEM when memory ran out (the aggregate stays valid
 * but incomplete; a.oom is set). */
int tw_agg_add(struct tw_agg *a, const struct tw_event *ev, const struct tw_verdict *v);
/* The same, with the event's raw line (or a description of a frame) kept as evidence:
 * copied, or — 'rereadable': the line stays at ev->origin.offset of its file — noted by
 * offset, length and hash, to be read back by tw_agg_resolve_evidence(). */
int tw_agg_add_raw(struct tw_agg *a, const struct tw_event *ev, const struct tw_verdict *v,
		   const char *raw, size_t rawlen, bool rereadable);
#define TW_EVOFF_NONE UINT64_MAX

/* Reads 'len' bytes at 'off' of input file 'file' into buf; returns the bytes read or -1. */
typedef long (*tw_evidence_reader)(void *ctx, uint32_t file, uint64_t off, char *buf, size_t len);
/* Gives every incident of 's' the text of its re-readable evidence lines (a line whose
 * bytes no longer hash the same becomes "(changed since it was read)"). */
void tw_agg_resolve_evidence(struct tw_srcagg *s, tw_evidence_reader rd, void *ctx);
/* Adds everything of 'b' into 'a' (b is left unchanged). */
int tw_agg_merge(struct tw_agg *a, const struct tw_agg *b);
/* The same, consuming 'b' (finished and re-initialised): when 'a' is still empty, b's
 * tables move over instead of being copied, so the peak stays one aggregate. */
int tw_agg_take(struct tw_agg *a, struct tw_agg *b);

/* Adds 'delta' to the line numbers of the evidence from input file 'file' (the parts of a
 * split file number their lines from their own start). */
void tw_agg_shift_lines(struct tw_agg *a, uint32_t file, uint64_t delta);

/* Distinct count of a sketch; *estimated is set when it is an estimate. */
uint64_t tw_kmv_count(const struct tw_kmv *k, bool *estimated);

struct tw_topport {
	uint8_t proto;
	uint16_t port;
	uint64_t packets;
};

/* The standard error of a distinct count estimated by a sketch of k values. */
double tw_kmv_error(const struct tw_kmv *k);

/* The per-source verdict that output/ prints (DESIGN.md analyze --json). */
struct tw_abuse_result;

struct tw_srcsum {
	const struct tw_srcagg *s;
	uint64_t dsts, ports;
	bool dsts_est, ports_est; /* ports are always exact; the flag stays for the format */
	struct tw_topport top[8];
	unsigned ntop;
	int danger;	   /* 1..5 */
	double confidence; /* 0..1 */
	bool reportable;
	const char *why[8];
	unsigned nwhy;
	const char *special; /* "special-purpose: …" text when the source is one, or NULL */
	/* A port scan or sweep found in the source's probes: kind "portscan" or "sweep", the
	 * probe type (enum above) and the port range; NULL kind when neither. */
	const char *scan_kind;
	int scan_type;
	const char *scan_speed; /* "fast", "slow" */
	const char *scan_why;	/* or NULL */
	const char *spoof_why;	/* a spoofing heuristic that fired, or NULL */
	char *texts;		/* owns the three texts above (one block, or NULL) */
	/* The why[] entry that says why the source is not reportable (-1: it is). */
	signed char why_not;
	/* The source's class: "portscan" or "sweep" when one was found, else the class with
	 * the most packets ("other" only when nothing else). */
	const char *cls;
	uint64_t classes[TW_CLS_MAX];	/* packets per class, from the incidents */
	uint8_t cls_weight[TW_CLS_MAX]; /* the heaviest rule matched per class */
	/* Worth a look (the analysis view shows these first): reportable, a scan or sweep,
	 * or a rule with a weight matched (not backscatter). */
	bool notable;
	/* Enrichment from the offline index (enrich/enrich.c), when there is one. */
	bool has_asn, has_cc;
	uint32_t asn;
	const char *org; /* in the index's map */
	char cc[3];
	int alloc; /* enum tw_nd_status */
	/* Reverse DNS, when asked (--rdns): the name (owned by the caller) and whether it
	 * leads back to the address. */
	const char *rdns;
	bool rdns_confirmed;
	/* The abuse contact, when asked (--abuse; enrich/abuse.h), owned by the caller. */
	const struct tw_abuse_result *abuse;
};

/* Adds the distinct destinations and ports of 'from' to 'into' (the store merges an
 * incident continued by a later ingest this way). */
void tw_incident_merge_counts(struct tw_incident *into, const struct tw_incident *from);
/* Danger 1-5 from the heaviest rule weight and the counts (README "danger"). */
int tw_danger_of(unsigned weight, uint64_t ports, uint64_t dsts, uint64_t packets);

/* Builds the summaries, the sources worth a look first (notable), each part sorted by
 * packets (descending) then address; free with tw_agg_summary_free(); 'ntop' ports each
 * (at most 8). Returns an owned array of *n entries (free with free()), NULL on no memory. */
struct tw_srcsum *tw_agg_summarise(const struct tw_agg *a, unsigned ntop, size_t *n);
void tw_agg_summary_free(struct tw_srcsum *sums);

/* What the store keeps of a source between ingests (agg-state.c): everything its verdict
 * is made of — the source's counts, distinct destinations and ports, probe kinds, TTL and
 * payload evidence, and per class the packets and heaviest rule — so that the verdict is
 * judged again over all of the source whenever it grows, however the log was read. */
struct tw_srcstate {
	struct tw_srcagg s; /* without incidents or windows in progress */
	uint64_t classes[TW_CLS_MAX];
	uint8_t cls_weight[TW_CLS_MAX];
};
void tw_srcstate_init(struct tw_srcstate *st, const struct tw_addr *addr);
void tw_srcstate_fini(struct tw_srcstate *st);
/* A stored state back (st initialised): TW_E_INVALID when the blob is not one of ours,
 * TW_E_NOMEM. Every length in it is checked against the blob's size. */
int tw_srcstate_decode(const struct tw_conf *c, struct tw_srcstate *st, const void *p, size_t n);
/* Appends the state's blob to 'out' (out->oom on no memory). */
void tw_srcstate_encode(const struct tw_conf *c, const struct tw_srcstate *st, struct tw_buf *out);
/* Adds source 't' (later input), its incidents' classes included. */
int tw_srcstate_add(const struct tw_conf *c, struct tw_srcstate *st, const struct tw_srcagg *t);
/* The verdict over the whole state; 'same_payload' sources sent its first payload. Free
 * with tw_srcsum_fini(). */
int tw_srcstate_judge(const struct tw_conf *c, const struct tw_srcstate *st, uint32_t same_payload,
		      struct tw_srcsum *m);
void tw_srcsum_fini(struct tw_srcsum *m);

/* An incident's danger: 1 + its heaviest rule weight, +1 at 10 ports, +1 at 100 ports or
 * destinations, +1 at 1,000 packets, at most 5 (the source's formula on its own counts). */
int tw_incident_danger(const struct tw_srcagg *s, const struct tw_incident *in);

/* An incident's distinct destinations and ports, each with whether it is an estimate, and
 * the estimates' relative standard error. A source's only incident takes the source's own
 * counts (ports exact, destinations exact up to TW_KMV_K). */
struct tw_inc_counts {
	uint64_t dsts, ports;
	bool dsts_est, ports_est;
	double rel_error;
};
void tw_incident_counts(const struct tw_srcagg *s, const struct tw_incident *in,
			struct tw_inc_counts *c);
/* The incident's own counters (the store's incidents of a source that has several): exact
 * up to TW_DC_EXACT values, estimates beyond, never above its packets or port range. */
void tw_incident_own_counts(const struct tw_incident *in, struct tw_inc_counts *c);

#endif

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
#include "core/event.h"

#define TW_KMV_K 1024
/* Per source, packet counts are kept for this many distinct (proto, port) pairs; beyond
 * it the source's distinct ports are kept in a bitmap (exact), and ports first seen after
 * the bound count toward 'ports' but not toward top_ports. */
#define TW_PORTS_TRACKED 4096

/* What a source's probes were, by TCP flags or transport (scan types of psad and nmap). */
enum { TW_SCAN_SYN, TW_SCAN_NULL, TW_SCAN_FIN, TW_SCAN_XMAS, TW_SCAN_ACK, TW_SCAN_UDP, TW_SCAN_N };
const char *tw_scan_name(int t);

/* Thresholds: a port scan is at least TW_SCAN_PORTS ports on at most TW_SCAN_HOSTS hosts; a
 * sweep at least TW_SWEEP_HOSTS hosts on at most TW_SWEEP_PORTS ports. Over the whole
 * input for now (time windows and a configuration file come with the rest of issue 5). */
#define TW_SCAN_PORTS  10
#define TW_SCAN_HOSTS  3
#define TW_SWEEP_HOSTS 10
#define TW_SWEEP_PORTS 3

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
	uint32_t last; /* the last mixed value added (fast path for repeats) */
};

enum { TW_P_TCP, TW_P_UDP, TW_P_ICMP, TW_P_ICMP6, TW_P_OTHER, TW_P_N };

struct tw_srcagg {
	struct tw_addr addr;
	bool has_time;
	int64_t first, last;
	uint64_t packets;
	uint64_t protos[TW_P_N];
	uint32_t classes[TW_CLS_MAX]; /* saturating: a source has one struct per million */
	uint8_t max_weight;	      /* of the signature rules matched */
	uint64_t tcp_syn;	      /* SYN without ACK */
	uint64_t tcp_noSyn;	      /* TCP without SYN (ACK, RST, FIN … alone) */
	uint64_t tcp_unknown;	      /* TCP with no flags logged */
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
};

struct tw_portcount {
	uint32_t key;	/* (proto << 16 | port) + 1; 0 = empty slot */
	uint32_t count; /* packets, saturating */
};

struct tw_agg {
	struct tw_srcagg *srcs;
	size_t nsrcs, capsrcs;
	uint32_t *index; /* open addressing: src index + 1, 0 = empty */
	size_t index_cap;
	uint64_t events;
	uint64_t classes[TW_CLS_MAX];
	bool oom;
};

void tw_agg_init(struct tw_agg *a);
void tw_agg_fini(struct tw_agg *a);
/* Adds one classified event. TW_E_NOMEM when memory ran out (the aggregate stays valid
 * but incomplete; a.oom is set). */
int tw_agg_add(struct tw_agg *a, const struct tw_event *ev, const struct tw_verdict *v);
/* Adds everything of 'b' into 'a' (b is left unchanged). */
int tw_agg_merge(struct tw_agg *a, const struct tw_agg *b);

/* Distinct count of a sketch; *estimated is set when it is an estimate. */
uint64_t tw_kmv_count(const struct tw_kmv *k, bool *estimated);

struct tw_topport {
	uint8_t proto;
	uint16_t port;
	uint64_t packets;
};

/* The user's own networks (--own): sources there are never reportable. Set before the
 * summary; at most TW_OWN_MAX prefixes. TW_OK or TW_E_RANGE when full. */
#define TW_OWN_MAX 64
int tw_own_add(const struct tw_addr *net, unsigned plen);

/* The per-source verdict that output/ prints (DESIGN.md analyze --json). */
struct tw_srcsum {
	const struct tw_srcagg *s;
	uint64_t dsts, ports;
	bool dsts_est, ports_est; /* ports are always exact; the flag stays for the format */
	struct tw_topport top[8];
	unsigned ntop;
	int danger;	   /* 1..5 */
	double confidence; /* 0..1 */
	bool reportable;
	const char *why[6];
	unsigned nwhy;
	char special[96]; /* "special-purpose: …" text when the source is one */
	/* A port scan or sweep found in the source's probes: kind "portscan" or "sweep", the
	 * probe type (enum above) and the port range; NULL kind when neither. */
	const char *scan_kind;
	int scan_type;
	char scan_why[112];
	/* Which why[] entries point into this struct (special, scan_why): the sort moves it. */
	signed char why_special, why_scan;
};

/* Builds the summaries, sorted by packets (descending) then address; 'ntop' ports each
 * (at most 8). Returns an owned array of *n entries (free with free()), NULL on no memory. */
struct tw_srcsum *tw_agg_summarise(const struct tw_agg *a, unsigned ntop, size_t *n);

#endif

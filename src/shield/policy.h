/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The auto-ban policy (issue 8), shared by `tracewall watch --ban-after` and tracewalld: a
 * source earns a ban when it sends [ban] after probes within [ban] window; the ban lasts
 * [shield] ban-timeout, multiplied by [ban] escalate for each earlier offense (not older
 * than [ban] forget), at most [ban] max. Never the [ban] never list, own, trusted or
 * special-purpose addresses; never on forgeable evidence (UDP, ICMP: anyone can forge
 * their source) alone unless [ban] forgeable. Pure bookkeeping: the caller places the ban
 * (shield.h) and keeps the offenses (store.h). */
#ifndef TW_SHIELD_POLICY_H
#define TW_SHIELD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/conf.h"
#include "core/addrix.h"
#include "core/event.h"

struct tw_banner_src;

struct tw_banner {
	struct tw_banner_src *v; /* the sources followed, indexed by address */
	size_t n, cap, max;
	struct tw_addrix ix;
	uint64_t untracked; /* probes of new sources while the table was full */
	int64_t swept;	    /* when the quiet sources were last forgotten */
};

/* 'max' sources are followed at once (0: 1,048,576); memory grows with sources seen. */
void tw_banner_init(struct tw_banner *b, size_t max);
void tw_banner_fini(struct tw_banner *b);

/* Why 'a' is never banned ("special-purpose (…)", "own network", "trusted", "never-ban
 * list"), or NULL. */
const char *tw_ban_exempt(const struct tw_conf *c, const struct tw_addr *a);

/* Counts the probe 'ev' (its time, or 'now' without one; nanoseconds). Returns true when its
 * source has earned a ban with it: then 'probes' says how many it sent in the window. A
 * probe older than the window before 'now' (an old log line read late) counts, but never
 * bans. */
bool tw_banner_probe(struct tw_banner *b, const struct tw_conf *c, const struct tw_event *ev,
		     int64_t now, uint32_t *probes);

/* The source was banned until 'until' (ns): its probes before then earn nothing more. */
void tw_banner_banned(struct tw_banner *b, const struct tw_addr *a, int64_t until);

/* The ban's length (ns) after 'prior' earlier offenses: ban-timeout × escalate^prior, at
 * most [ban] max. */
int64_t tw_ban_duration(const struct tw_conf *c, uint32_t prior);

/* The whole act, for watch and the daemon: counts the probe and, when its source has earned
 * a ban, places it (shield.h) for tw_ban_duration() of the offenses the store remembers
 * ('st' may be NULL: every ban is a first one) and records it there. Returns 1 with 'done'
 * filled when a ban was placed, 0 when none was due, or an error with the reason in 'ec'
 * (the source is then not tried again before its would-be ban ends). */
struct tw_store;
struct tw_ban_done {
	struct tw_addr a;
	int64_t seconds;
	uint32_t probes, offense; /* the offense is the first, second … */
};
int tw_autoban(struct tw_banner *b, const struct tw_conf *c, struct tw_store *st,
	       const struct tw_event *ev, int64_t now, struct tw_ban_done *done,
	       struct tw_errctx *ec);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading the store: incidents and sources with filters (issue 7). */
#ifndef TW_STORE_QUERY_H
#define TW_STORE_QUERY_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

struct tw_store_filter {
	bool has_since, has_until;
	int64_t since, until; /* ns; an incident overlapping [since, until) is kept */
	const char *cls;      /* class name, or NULL */
	bool has_src;
	struct tw_addr src;
	bool reportable; /* only reportable ones */
	long limit;	 /* 0: all */
	int64_t report;	 /* only the incidents of this report; 0: any */
};

struct tw_store_incident {
	int64_t id;
	struct tw_addr src;
	const char *cls;
	bool has_time, has_ports;
	unsigned estimated; /* 1: dsts is an estimate, 2: ports is one */
	int64_t first, last;
	uint64_t packets, dsts, ports;
	unsigned port_lo, port_hi;
	int danger;
	double confidence;
	bool reportable;
	const char *why;
	const char *scan; /* the port scan or sweep it is part of, or "" */
};

struct tw_store_evidence {
	const char *file; /* the path it was ingested from */
	uint64_t line;
	const char *text;
};

struct tw_store_source {
	struct tw_addr src;
	int64_t first, last;
	bool has_time;
	uint64_t packets, incidents;
	int danger;
	double confidence;
	bool reportable;
	const char *classes; /* comma-separated */
	const char *scan;    /* the port scan or sweep its verdict found, or "" */
};

/* Calls 'cb' for each incident (ordered by first, then source), with its evidence lines
 * (n of them); a non-zero return from cb stops. TW_OK or TW_E_DB with the reason in ec. */
typedef int (*tw_store_incident_cb)(void *ctx, const struct tw_store_incident *in,
				    const struct tw_store_evidence *ev, unsigned nev);
int tw_store_incidents(struct tw_store *st, const struct tw_store_filter *f,
		       tw_store_incident_cb cb, void *ctx, struct tw_errctx *ec);

/* Calls 'cb' for each source of the matching incidents, busiest first. */
typedef int (*tw_store_source_cb)(void *ctx, const struct tw_store_source *s);
int tw_store_sources(struct tw_store *st, const struct tw_store_filter *f, tw_store_source_cb cb,
		     void *ctx, struct tw_errctx *ec);

#endif

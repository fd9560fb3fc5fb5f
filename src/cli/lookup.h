/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The configuration file and the network look-ups' settings, shared by analyze and trace. */
#ifndef TW_CLI_LOOKUP_H
#define TW_CLI_LOOKUP_H

#include <stdbool.h>

#include "core/conf.h"
#include "enrich/abuse.h"
#include "enrich/rdns.h"
#include "store/store.h"

/* Reads the configuration (--config FILE among argv, else $TRACEWALL_CONF or
 * /etc/tracewall/tracewall.conf when it exists); 0, or -1 with the reason printed. */
int tw_cli_load_config(int argc, char **argv, struct tw_conf *conf);

struct tw_cli_lookup {
	bool rdns, abuse; /* asked (by an option or [enrich] of the configuration) */
	bool no_cache;	  /* --no-cache */
	const char *db;	  /* --db or [store] db; NULL: the default path */
	struct tw_rdns_opts rdns_opts;
	struct tw_abuse_opts abuse_opts;
	struct tw_store *store; /* open between start and end, or NULL */
	int64_t rdns_ttl_found, rdns_ttl_none;
};

/* The settings of the configuration; options change them after. */
void tw_cli_lookup_defaults(const struct tw_conf *c, struct tw_cli_lookup *l);
/* Opens the store when a look-up is asked and the cache is not refused (a store that
 * cannot be opened is a warning: the look-ups run uncached). */
void tw_cli_lookup_start(struct tw_cli_lookup *l);
void tw_cli_lookup_end(struct tw_cli_lookup *l);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What analyze and trace share: the configuration file, the network look-ups' settings
 * from it, and the store that caches their answers. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "classify/sigs.h"
#include "cli/lookup.h"

/* The configuration: the defaults, then /etc/tracewall/tracewall.conf when it exists, or
 * the file of --config (which must exist). Command-line options apply after it. */
int tw_cli_load_config(int argc, char **argv, struct tw_conf *conf)
{
	const char *path = NULL;
	struct tw_errctx ec;

	tw_conf_defaults(conf);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			path = argv[++i];
		else if (!strncmp(argv[i], "--config=", 9))
			path = argv[i] + 9;
	}
	memset(&ec, 0, sizeof(ec));
	const char *env = getenv(TW_CONF_ENV);
	const char *dflt = env && *env ? env : TW_CONF_DEFAULT_PATH;
	int r = tw_conf_load(path ? path : dflt, conf, &ec);
	if (r == TW_E_NOTFOUND && !path)
		r = TW_OK;
	/* Every command classifies with the configuration's rules ([analyze] signatures). */
	if (r == TW_OK && conf->signatures[0])
		r = tw_sigs_use(conf->signatures, &ec);
	if (r == TW_OK)
		return 0;
	fputs("tracewall: ", stderr);
	tw_cli_puts_safe(stderr, ec.msg);
	fputc('\n', stderr);
	return -1;
}

void tw_cli_lookup_defaults(const struct tw_conf *c, struct tw_cli_lookup *l)
{
	memset(l, 0, sizeof(*l));
	l->rdns = c->rdns;
	l->abuse = c->abuse;
	l->rdns_opts.servers = c->dns_server[0] ? c->dns_server : NULL;
	l->abuse_opts.rdap = l->abuse_opts.whois = true;
	l->abuse_opts.bootstrap_dir = c->bootstrap[0] ? c->bootstrap : NULL;
	l->abuse_opts.whois_connect = c->whois_connect[0] ? c->whois_connect : NULL;
	l->abuse_opts.abusix = c->abusix;
	l->abuse_opts.abusix_zone = c->abusix_zone[0] ? c->abusix_zone : NULL;
	int ms = (int)(c->lookup_timeout / 1000000);
	l->rdns_opts.timeout_ms = l->abuse_opts.timeout_ms = ms > 60000 ? 60000 : ms;
	l->abuse_opts.ttl_found = c->cache_found / 1000000000;
	l->abuse_opts.ttl_none = c->cache_none / 1000000000;
	l->rdns_ttl_found = l->abuse_opts.ttl_found;
	l->rdns_ttl_none = l->abuse_opts.ttl_none;
	l->db = c->db[0] ? c->db : NULL;
}

void tw_cli_lookup_start(struct tw_cli_lookup *l)
{
	char path[4096];
	struct tw_errctx ec;
	l->abuse_opts.dns_servers = l->rdns_opts.servers; /* the Abusix zone's too */
	if (l->no_cache || !(l->rdns || l->abuse))
		return;
	if (l->db)
		snprintf(path, sizeof(path), "%s", l->db);
	else if (tw_store_default_path(path, sizeof(path)) != TW_OK)
		return;
	memset(&ec, 0, sizeof(ec));
	if (tw_store_open(&l->store, path, &ec) != TW_OK) {
		fputs("tracewall: warning: no cache of look-ups: ", stderr);
		tw_cli_puts_safe(stderr, ec.msg);
		fputc('\n', stderr);
		l->store = NULL;
	}
	l->abuse_opts.store = l->store;
}

void tw_cli_lookup_end(struct tw_cli_lookup *l)
{
	tw_store_close(l->store);
	l->store = NULL;
	l->abuse_opts.store = NULL;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `tracewall shield print|apply|remove|status` and `tracewall ban|unban|bans` (issue 8):
 * the firewall table of shield/shield.h. Needs CAP_NET_ADMIN except for `print`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/lookup.h"
#include "core/esc.h"
#include "core/time.h"
#include "shield/shield.h"
#include "store/store.h"

static void usage(FILE *f)
{
	fputs("usage: tracewall shield print|apply|remove|status [--config FILE] [--yes]\n"
	      "       tracewall ban ADDRESS... [--for DURATION]\n"
	      "       tracewall unban ADDRESS...\n"
	      "       tracewall bans [--db PATH]\n"
	      "\n"
	      "The shield is tracewall's own nftables table (inet tracewall), replaced in one\n"
	      "transaction: inbound policy drop, loopback and established connections\n"
	      "accepted, no replies to probes (stealth), the trusted networks and interfaces\n"
	      "and the open services of [shield] in the configuration; probes to the\n"
	      "Messenger, NetBIOS, RPC and SMB ports logged to NFLOG group [shield] nflog-group\n"
	      "with the prefix tw:CLASS (rate-limited), everything else under tw:other; ban\n"
	      "sets for IPv4 and IPv6 with timeouts. print shows the ruleset; apply loads it\n"
	      "(bans in force are kept); remove deletes the table and leaves nothing behind.\n"
	      "It coexists with ufw and firewalld (its own table, priority filter - 10; a\n"
	      "service must be open in both). bans lists the sets, with why tracewalld banned\n"
	      "each when its store ([store] db, --db) knows. apply refuses to lock you out:\n"
	      "when this session comes over SSH, or sshd listens, and no rule admits it, it\n"
	      "says which rule to add (--yes applies anyway).\n",
	      f);
}

static void fail(const struct tw_errctx *ec)
{
	fputs("tracewall: ", stderr);
	tw_cli_puts_safe(stderr, ec->msg);
	fputc('\n', stderr);
}

static bool yes; /* shield apply --yes: even when it would lock SSH out */

static int parse_common(int argc, char **argv, int64_t *for_s, const char **db)
{
	static const struct option lopts[] = {
	    {"config", required_argument, NULL, 'C'}, {"yes", no_argument, NULL, 'y'},
	    {"for", required_argument, NULL, 'f'},    {"db", required_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},	      {NULL, 0, NULL, 0}};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'C': break;
		case 'y': yes = true; break;
		case 'f': {
			int64_t ns;
			if (!for_s || tw_conf_duration(optarg, &ns) != TW_OK || ns < 1000000000ll) {
				fputs("tracewall: --for: a duration such as 90s, 10m, 2h or 7d\n",
				      stderr);
				return TW_EXIT_USAGE;
			}
			*for_s = ns / 1000000000ll;
			break;
		}
		case 'd':
			if (!db) {
				usage(stderr);
				return TW_EXIT_USAGE;
			}
			*db = optarg;
			break;
		case 'h': usage(stdout); return -1;
		default: usage(stderr); return TW_EXIT_USAGE;
		}
	}
	return TW_EXIT_OK;
}

int tw_cmd_shield(int argc, char **argv)
{
	static struct tw_conf conf;
	struct tw_errctx ec;
	memset(&ec, 0, sizeof(ec));
	if (argc < 2 || (argv[1][0] == '-' && strcmp(argv[1], "--help") && strcmp(argv[1], "-h"))) {
		usage(stderr);
		return TW_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return TW_EXIT_OK;
	}
	const char *sub = argv[1];
	if (tw_cli_load_config(argc, argv, &conf))
		return TW_EXIT_USAGE;
	int rc = parse_common(argc - 1, argv + 1, NULL, NULL);
	if (rc)
		return rc < 0 ? TW_EXIT_OK : rc;
	if (optind + 1 < argc) {
		usage(stderr);
		return TW_EXIT_USAGE;
	}
	struct tw_buf b;
	tw_buf_init(&b);
	int r = TW_OK;
	if (!strcmp(sub, "print")) {
		r = tw_shield_ruleset(&b, &conf, &ec);
	} else if (!strcmp(sub, "apply")) {
		char why[600];
		if (!yes && tw_shield_lockout(&conf, why, sizeof(why))) {
			fputs("tracewall: shield apply: refused: ", stderr);
			tw_cli_puts_safe(stderr, why);
			fputc('\n', stderr);
			tw_buf_fini(&b);
			return TW_EXIT_USAGE;
		}
		r = tw_shield_apply(&conf, &ec);
		if (!r)
			tw_buf_adds(&b, "shield applied (table inet tracewall)\n");
	} else if (!strcmp(sub, "remove")) {
		r = tw_shield_remove(&ec);
		if (!r)
			tw_buf_adds(&b, "shield removed\n");
	} else if (!strcmp(sub, "status")) {
		r = tw_shield_status(&b, &ec);
	} else {
		usage(stderr);
		tw_buf_fini(&b);
		return TW_EXIT_USAGE;
	}
	if (r)
		fail(&ec);
	else
		tw_buf_flush(&b, stdout);
	tw_buf_fini(&b);
	return r == TW_OK ? TW_EXIT_OK : r == TW_E_INVALID ? TW_EXIT_USAGE : TW_EXIT_INPUT;
}

static int ban_cmd(int argc, char **argv, bool ban)
{
	static struct tw_conf conf;
	int64_t for_s = 0;
	if (tw_cli_load_config(argc, argv, &conf))
		return TW_EXIT_USAGE;
	int rc = parse_common(argc, argv, ban ? &for_s : NULL, NULL);
	if (rc)
		return rc < 0 ? TW_EXIT_OK : rc;
	if (optind >= argc) {
		usage(stderr);
		return TW_EXIT_USAGE;
	}
	if (ban && !for_s)
		for_s = conf.ban_timeout / 1000000000ll;
	for (int i = optind; i < argc; i++) {
		struct tw_addr a;
		struct tw_errctx ec;
		memset(&ec, 0, sizeof(ec));
		if (tw_addr_parse(argv[i], strlen(argv[i]), &a) != TW_OK) {
			fputs("tracewall: not an address: ", stderr);
			tw_cli_puts_safe(stderr, argv[i]);
			fputc('\n', stderr);
			rc = TW_EXIT_USAGE;
			continue;
		}
		int r = ban ? tw_shield_ban(&a, for_s, &ec) : tw_shield_unban(&a, &ec);
		if (r) {
			fail(&ec);
			rc = TW_EXIT_INPUT;
		} else {
			char as[TW_ADDR_STRLEN];
			tw_addr_format(&a, as);
			if (ban)
				printf("banned %s for %llds\n", as, (long long)for_s);
			else
				printf("unbanned %s\n", as);
		}
	}
	return rc;
}

int tw_cmd_ban(int argc, char **argv)
{
	return ban_cmd(argc, argv, true);
}

int tw_cmd_unban(int argc, char **argv)
{
	return ban_cmd(argc, argv, false);
}

int tw_cmd_bans(int argc, char **argv)
{
	static struct tw_conf conf;
	struct tw_ban *bans = NULL;
	struct tw_store *st = NULL;
	const char *db = NULL;
	size_t n = 0;
	struct tw_errctx ec;
	memset(&ec, 0, sizeof(ec));
	if (tw_cli_load_config(argc, argv, &conf))
		return TW_EXIT_USAGE;
	int rc = parse_common(argc, argv, NULL, &db);
	if (rc)
		return rc < 0 ? TW_EXIT_OK : rc;
	if (tw_shield_bans(&bans, &n, &ec)) {
		fail(&ec);
		return TW_EXIT_INPUT;
	}
	/* Why each is banned, when the daemon's store says (one that exists: never created
	 * here). */
	char path[4096];
	struct stat sb;
	if (db)
		snprintf(path, sizeof(path), "%s", db);
	else if (conf.db[0])
		snprintf(path, sizeof(path), "%s", conf.db);
	else if (tw_store_default_path(path, sizeof(path)) != TW_OK)
		path[0] = '\0';
	if (path[0] && stat(path, &sb) == 0 && tw_store_open(&st, path, &ec) != TW_OK) {
		fail(&ec);
		st = NULL;
	}
	for (size_t i = 0; i < n; i++) {
		char as[TW_ADDR_STRLEN], ts[TW_TIME_STRLEN];
		struct tw_offense of;
		tw_addr_format(&bans[i].addr, as);
		if (bans[i].expires_s)
			printf("%-39s expires in %llds", as, (long long)bans[i].expires_s);
		else
			printf("%-39s no timeout", as);
		if (st && tw_store_offense_get(st, &bans[i].addr, &of) == TW_OK) {
			tw_time_format(of.last, false, ts);
			printf("  (offense %u, %s: ", of.offenses, ts);
			tw_cli_puts_safe(stdout, of.why);
			fputc(')', stdout);
		}
		fputc('\n', stdout);
	}
	if (!n)
		printf("no bans\n");
	tw_store_close(st);
	free(bans);
	return TW_EXIT_OK;
}

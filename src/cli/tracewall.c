/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tracewall: main and the subcommand table. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/cursor.h"
#include "core/esc.h"

struct subcmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct subcmd subcmds[] = {
    {"analyze", tw_cmd_analyze, "summarise firewall logs per source and probe class"},
    {"decode", tw_cmd_decode, "print the Messenger messages in packet captures"},
    {"trace", tw_cmd_trace, "network, AS, organisation and country of addresses (offline)"},
    {"db", tw_cmd_db, "build (import) or describe (info) the offline network index"},
    {"ingest", tw_cmd_ingest, "add what is new in log files to the store (incremental)"},
    {"incidents", tw_cmd_incidents, "the incidents in the store, with filters"},
    {"sources", tw_cmd_sources, "the sources in the store, busiest first"},
    {"shield", tw_cmd_shield, "the firewall: print, apply, remove, status of its nftables table"},
    {"watch", tw_cmd_watch, "the probes the shield logs, live: decoded and classified"},
    {"ban", tw_cmd_ban, "ban addresses in the shield's sets (--for DURATION)"},
    {"unban", tw_cmd_unban, "lift bans"},
    {"bans", tw_cmd_bans, "the bans in force and the time they have left"},
    {"report", tw_cmd_report, "abuse reports per mailbox from the store: draft, list, approve"},
    {NULL, NULL, NULL},
};

int tw_cli_num(const char *s, long long min, long long max, long long *out)
{
	return tw_num_parse(s, min, max, out) ? -1 : 0;
}

bool tw_cli_valid_zone(const char *z)
{
	char path[512];
	if (!*z || strstr(z, "..") || strlen(z) > 200)
		return false;
	if (!strcmp(z, "UTC") || !strcmp(z, "GMT"))
		return true;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", z);
	return access(path, R_OK) == 0;
}

int tw_cli_num_opt(const char *opt, const char *s, long long min, long long max, long long *out)
{
	if (!tw_cli_num(s, min, max, out))
		return 0;
	fprintf(stderr, "tracewall: %s: want a whole number from %lld to %lld\n", opt, min, max);
	return -1;
}

int tw_cli_flush(struct tw_buf *b)
{
	int r = tw_buf_flush(b, stdout);
	if (r == TW_E_NOMEM)
		fputs("tracewall: out of memory: the output is incomplete\n", stderr);
	else if (r && errno != EPIPE)
		fprintf(stderr, "tracewall: cannot write output: %s\n", strerror(errno));
	return r ? -1 : 0;
}

/* Writes without allocating, so that it still works when memory has run out (the error
 * being reported may be just that). */
void tw_cli_puts_safe(FILE *f, const char *s)
{
	char tmp[512];
	size_t n = strlen(s), i = 0, used;

	while (i < n) {
		size_t k = tw_esc_term_into(s + i, n - i, &used, tmp, sizeof(tmp));
		fwrite(tmp, 1, k, f);
		i += used;
	}
}

static void usage(FILE *f)
{
	fprintf(f, "usage: tracewall COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
	for (const struct subcmd *c = subcmds; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\n'tracewall COMMAND --help' describes each command.\n"
		   "Exit status: 0 ok, 1 findings (--fail-on), 2 usage, 3 input unreadable,\n"
		   "4 store error, 5 network error.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return TW_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return TW_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("tracewall 0.1.0\n");
		return TW_EXIT_OK;
	}
	for (const struct subcmd *c = subcmds; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->run(argc - 1, argv + 1);
	fprintf(stderr, "tracewall: unknown command '");
	tw_cli_puts_safe(stderr, argv[1]);
	fprintf(stderr, "'\n");
	usage(stderr);
	return TW_EXIT_USAGE;
}

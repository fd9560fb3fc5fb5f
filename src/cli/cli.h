/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command-line tool: subcommands, exit codes (DESIGN.md), progress bar. */
#ifndef TW_CLI_CLI_H
#define TW_CLI_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/esc.h"

enum {
	TW_EXIT_OK = 0,
	TW_EXIT_FINDINGS = 1,
	TW_EXIT_USAGE = 2,
	TW_EXIT_INPUT = 3,
	TW_EXIT_STORE = 4,
	TW_EXIT_NETWORK = 5,
};

int tw_cmd_analyze(int argc, char **argv);
int tw_cmd_decode(int argc, char **argv);
int tw_cmd_db(int argc, char **argv);
int tw_cmd_trace(int argc, char **argv);
int tw_cmd_ingest(int argc, char **argv);
int tw_cmd_incidents(int argc, char **argv);
int tw_cmd_sources(int argc, char **argv);
int tw_cmd_report(int argc, char **argv);
int tw_cmd_shield(int argc, char **argv);
int tw_cmd_watch(int argc, char **argv);
int tw_cmd_ban(int argc, char **argv);
int tw_cmd_unban(int argc, char **argv);
int tw_cmd_bans(int argc, char **argv);

/* A whole number in [min, max] (decimal, nothing after it): 0, or -1. The _opt form says
 * what was wrong on stderr, naming the option. */
int tw_cli_num(const char *s, long long min, long long max, long long *out);
int tw_cli_num_opt(const char *opt, const char *s, long long min, long long max, long long *out);
/* A time zone name tzdata knows (or UTC, GMT). */
bool tw_cli_valid_zone(const char *z);

/* Writes the buffer to standard output: 0, or -1 with the reason on stderr (out of memory:
 * the output is incomplete; a write error). */
int tw_cli_flush(struct tw_buf *b);

/* Writes 's' to 'f' with control characters and escape sequences neutralised. */
void tw_cli_puts_safe(FILE *f, const char *s);

/* A progress bar on stderr, shown only when stderr is a terminal. */
struct tw_progress {
	bool on;
	uint64_t total;
	int64_t started_ms, last_ms;
};
void tw_progress_start(struct tw_progress *p, uint64_t total_bytes);
void tw_progress_update(struct tw_progress *p, uint64_t done_bytes);
void tw_progress_finish(struct tw_progress *p);

#endif

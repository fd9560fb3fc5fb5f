/* SPDX-License-Identifier: GPL-2.0-or-later */
/* journald's kernel messages, followed live (libsystemd's sd-journal): for hosts whose
 * firewall (ufw, firewalld, a hand-written ruleset) logs to the kernel ring buffer and no
 * log file. Each entry's MESSAGE is parsed as a netfilter line (input.h), with the entry's
 * time and host; entries that are no firewall lines are counted and skipped. Where to go on
 * is the journal's cursor, which the caller keeps (the daemon commits it with the incidents
 * it produced). */
#ifndef TW_INPUT_JOURNAL_H
#define TW_INPUT_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/event.h"

struct tw_journal;

/* Opens the system journal, or the journal files of 'dir' (not NULL), kernel messages only,
 * positioned after 'cursor' (NULL or "": from the oldest entry kept). */
int tw_journal_open(struct tw_journal **j, const char *dir, const char *cursor,
		    struct tw_errctx *ec);
/* The descriptor to wait on; after it woke, tw_journal_read(). */
int tw_journal_fd(struct tw_journal *j);
/* Called for each firewall line: the event (spans valid during the call) and the evidence
 * line "TIME HOST kernel: MESSAGE". */
typedef void (*tw_journal_cb)(void *ctx, struct tw_event *ev, const char *line, size_t len);
/* Reads what arrived, at most 'max' entries: returns their number (0: none waiting), or
 * TW_E_IO. */
int tw_journal_read(struct tw_journal *j, unsigned max, tw_journal_cb cb, void *ctx,
		    struct tw_errctx *ec);
/* The cursor after the last entry read ("" before any). */
const char *tw_journal_cursor(const struct tw_journal *j);
struct tw_journal_stats {
	uint64_t entries, parsed, skipped;
};
void tw_journal_stats(const struct tw_journal *j, struct tw_journal_stats *st);
void tw_journal_close(struct tw_journal *j);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* journald's kernel messages through sd-journal (journal.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-journal.h>

#include "core/alloc.h"
#include "core/arena.h"
#include "core/time.h"
#include "input/input.h"
#include "input/journal.h"

#define MSG_MAX 8192 /* longer kernel messages are no firewall lines */

struct tw_journal {
	sd_journal *j;
	struct tw_arena arena;
	struct tw_journal_stats st;
	char cursor[512];
	char line[MSG_MAX + 512];
	char msg[MSG_MAX], host[256];
};

/* The value of 'field' (bounded), or NULL. */
static const char *field(sd_journal *j, const char *name, size_t *len)
{
	const void *d;
	size_t l, nl = strlen(name);
	if (sd_journal_get_data(j, name, &d, &l) < 0 || l <= nl || ((const char *)d)[nl] != '=')
		return NULL;
	*len = l - nl - 1;
	return (const char *)d + nl + 1;
}

int tw_journal_open(struct tw_journal **out, const char *dir, const char *cursor,
		    struct tw_errctx *ec)
{
	struct tw_journal *j = tw_calloc(1, sizeof(*j));
	int r;
	if (!j)
		return tw_err_set(ec, TW_E_NOMEM, 0, "out of memory");
	r = dir ? sd_journal_open_directory(&j->j, dir, 0)
		: sd_journal_open(&j->j, SD_JOURNAL_LOCAL_ONLY);
	if (r < 0) {
		free(j);
		return tw_err_set(ec, TW_E_IO, -r, "journal%s%.200s: cannot open: %s",
				  dir ? " " : "", dir ? dir : "", strerror(-r));
	}
	tw_arena_init(&j->arena, 16384, 1u << 20);
	sd_journal_add_match(j->j, "_TRANSPORT=kernel", 0);
	/* A cursor that no longer exists (the journal was vacuumed) seeks to the nearest
	 * entry; the one it names was read already. */
	if (cursor && *cursor && sd_journal_seek_cursor(j->j, cursor) >= 0) {
		if (sd_journal_next(j->j) > 0 && sd_journal_test_cursor(j->j, cursor) <= 0)
			sd_journal_previous(j->j);
		snprintf(j->cursor, sizeof(j->cursor), "%s", cursor);
	} else {
		sd_journal_seek_head(j->j);
	}
	*out = j;
	return TW_OK;
}

int tw_journal_fd(struct tw_journal *j)
{
	return sd_journal_get_fd(j->j);
}

int tw_journal_read(struct tw_journal *j, unsigned max, tw_journal_cb cb, void *ctx,
		    struct tw_errctx *ec)
{
	unsigned n = 0;
	(void)sd_journal_process(j->j);
	while (n < max) {
		int r = sd_journal_next(j->j);
		if (r < 0)
			return tw_err_set(ec, TW_E_IO, -r, "journal: %s", strerror(-r));
		if (r == 0)
			break;
		n++;
		j->st.entries++;
		char *c = NULL;
		if (sd_journal_get_cursor(j->j, &c) >= 0 && c) {
			snprintf(j->cursor, sizeof(j->cursor), "%s", c);
			free(c);
		}
		/* Each value is valid until the next sd_journal_get_data(): copied. */
		size_t ml = 0, hl = 0;
		const char *msg = field(j->j, "MESSAGE", &ml);
		if (!msg || ml > MSG_MAX) {
			j->st.skipped++;
			continue;
		}
		memcpy(j->msg, msg, ml);
		msg = j->msg;
		const char *host = field(j->j, "_HOSTNAME", &hl);
		if (!host || hl >= sizeof(j->host))
			host = "localhost", hl = 9;
		memcpy(j->host, host, hl);
		host = j->host;
		struct tw_event ev;
		struct tw_parse_ctx pc;
		memset(&ev, 0, sizeof(ev));
		memset(&pc, 0, sizeof(pc));
		tw_arena_reset(&j->arena);
		pc.arena = &j->arena;
		tw_yearctx_init(&pc.year, 0, 0);
		if (tw_in_netfilter_message(msg, ml, &ev, &pc) != TW_OK) {
			j->st.skipped++;
			continue;
		}
		uint64_t us;
		ev.ts = sd_journal_get_realtime_usec(j->j, &us) >= 0 ? (int64_t)us * 1000
								     : tw_time_now();
		ev.tz_off_s = 0;
		ev.has |= TW_EV_HAS_TS;
		ev.host = (struct tw_span){host, hl};
		/* The evidence line, re-readable as a syslog line. */
		char ts[TW_TIME_STRLEN];
		size_t tl = tw_time_format(ev.ts, true, ts);
		size_t ll = 0;
		memcpy(j->line, ts, tl);
		ll = tl;
		j->line[ll++] = ' ';
		memcpy(j->line + ll, host, hl);
		ll += hl;
		memcpy(j->line + ll, " kernel: ", 9);
		ll += 9;
		memcpy(j->line + ll, msg, ml);
		ll += ml;
		j->st.parsed++;
		cb(ctx, &ev, j->line, ll);
	}
	return (int)n;
}

const char *tw_journal_cursor(const struct tw_journal *j)
{
	return j->cursor;
}

void tw_journal_stats(const struct tw_journal *j, struct tw_journal_stats *st)
{
	*st = j->st;
}

void tw_journal_close(struct tw_journal *j)
{
	if (!j)
		return;
	sd_journal_close(j->j);
	tw_arena_fini(&j->arena);
	free(j);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* From lines to events: per-line format detection, skip accounting, syslog repeat notes. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "input/input.h"

int tw_reader_init(struct tw_reader *r, struct tw_lines *lines,
		   const struct tw_input_format *forced, uint32_t file_index, int fixed_year)
{
	memset(r, 0, sizeof(*r));
	r->lines = lines;
	r->forced = forced;
	r->file_index = file_index;
	tw_arena_init(&r->arena, 16384, 4 * 1024 * 1024);
	r->ctx.arena = &r->arena;
	tw_yearctx_init(&r->ctx.year, fixed_year, lines->mtime_s);
	return TW_OK;
}

void tw_reader_fini(struct tw_reader *r)
{
	tw_arena_fini(&r->arena);
	free(r->last_line);
	r->last_line = NULL;
}

/* Copies one span into r->last_line at *at and points the span there. */
static void rebase(struct tw_reader *r, struct tw_span *s, size_t *at)
{
	if (!s->len)
		return;
	memcpy(r->last_line + *at, s->p, s->len);
	s->p = r->last_line + *at;
	*at += s->len;
}

/* Keeps 'ev' as the event a later repeat note may copy. Its spans may point into a stream
 * buffer or the arena, which the next line overwrites, so they are copied unless they point
 * into a memory map, which stays valid. */
static void remember(struct tw_reader *r, const struct tw_event *ev, bool mapped_line)
{
	r->last_ev = *ev;
	r->have_last = true;
	if (mapped_line)
		return;
	struct tw_event *e = &r->last_ev;
	size_t need = e->prefix.len + e->host.len + e->iface_in.len + e->iface_out.len +
		      e->mac.len + e->src_name.len + e->dst_name.len + 1;
	if (need > r->last_cap) {
		char *n = tw_realloc(r->last_line, need);
		if (!n) {
			r->have_last = false;
			return;
		}
		r->last_line = n;
		r->last_cap = need;
	}
	size_t at = 0;
	rebase(r, &e->prefix, &at);
	rebase(r, &e->host, &at);
	rebase(r, &e->iface_in, &at);
	rebase(r, &e->iface_out, &at);
	rebase(r, &e->mac, &at);
	rebase(r, &e->src_name, &at);
	rebase(r, &e->dst_name, &at);
	e->payload = (struct tw_span){NULL, 0};
}

static int skip(struct tw_reader *r, const struct tw_line *l, enum tw_skip why, const char *detail)
{
	r->skipped[why]++;
	r->skip_line = l->lineno;
	r->skip_reason = why;
	r->skip_detail = detail;
	r->have_last = false;
	r->owed = 0;
	return TW_READER_SKIPPED;
}

/* Tries the formats on one line (the one that matched last first); 'only' forces one. */
static int detect(struct tw_reader *r, const struct tw_line *l, const struct tw_input_format *only,
		  struct tw_event *ev, const struct tw_input_format **fmt)
{
	/* A line that one format finds malformed may still be another format's (a journal
	 * JSON line holds "IN=" too), so a failure is final only when no format accepts it. */
	const struct tw_input_format *cand;
	const char *detail = NULL;
	size_t glued = 0;
	int ret = TW_E_NOTFOUND;

	*fmt = NULL;
	for (size_t i = 0;; i++) {
		if (only)
			cand = i == 0 ? only : NULL;
		else if (i == 0)
			cand = r->last;
		else
			cand = tw_input_formats[i - 1];
		if (i > 0 && !cand)
			break;
		if (!cand || (i > 0 && cand == r->last) || cand->capture)
			continue;
		if (cand->sniff && !cand->sniff(l->p, l->len, &r->ctx))
			continue;
		memset(ev, 0, sizeof(*ev));
		r->ctx.detail = NULL;
		r->ctx.repeat = 0;
		r->ctx.glued = 0;
		int rr = cand->parse(l->p, l->len, ev, &r->ctx);
		if (rr == TW_E_NOMEM)
			return rr; /* out of memory is no verdict on the line */
		if (rr == TW_OK || rr == TW_IN_REPEAT || rr == TW_IN_NOPACKET) {
			*fmt = cand;
			return rr;
		}
		if (rr != TW_E_NOTFOUND && ret == TW_E_NOTFOUND) {
			ret = rr;
			detail = r->ctx.detail;
			glued = r->ctx.glued;
			*fmt = cand;
		}
	}
	/* The first format that claimed the line has the last word on it. */
	r->ctx.detail = detail;
	r->ctx.glued = glued;
	return ret;
}

void tw_reader_prime(struct tw_reader *r, const char *text, size_t len)
{
	struct tw_event ev;
	const struct tw_input_format *f;

	while (len) {
		const char *nl = memchr(text, '\n', len);
		size_t n = nl ? (size_t)(nl - text) : len;
		struct tw_line l = {text, n, 0, 0, 0};
		if (n && text[n - 1] == '\r')
			l.len--;
		tw_arena_reset(&r->arena);
		(void)detect(r, &l, r->forced, &ev, &f);
		text += nl ? n + 1 : n;
		len -= nl ? n + 1 : n;
	}
	r->last = NULL;
}

int tw_reader_next(struct tw_reader *r, struct tw_event *ev, struct tw_errctx *ec)
{
	struct tw_line l;
	const struct tw_input_format *f;
	int ret;

	if (r->owed) {
		r->owed--;
		*ev = r->last_ev;
		r->events++;
		return TW_OK;
	}
	tw_arena_reset(&r->arena);
	if (r->have_glued) {
		/* The next record of a line that held several: same line, same format. */
		l = r->glued;
		r->have_glued = false;
		ret = detect(r, &l, r->glued_fmt, ev, &f);
	} else {
		ret = tw_lines_next(r->lines, &l, ec);
		if (ret != TW_OK)
			return ret;
		r->lines_read++;
		if (l.flags & TW_LINE_TOO_LONG)
			return skip(r, &l, TW_SKIP_TOO_LONG, "line longer than the limit");
		if (memchr(l.p, '\0', l.len))
			return skip(r, &l, TW_SKIP_BINARY, "NUL byte in line");
		ret = detect(r, &l, r->forced, ev, &f);
	}
	if (f && r->ctx.glued > 0 && r->ctx.glued < l.len) {
		r->glued = l;
		r->glued.p += r->ctx.glued;
		r->glued.len -= r->ctx.glued;
		r->have_glued = true;
		r->glued_fmt = f;
	}
	switch (ret) {
	case TW_OK: break;
	case TW_E_NOMEM: return tw_err_set(ec, TW_E_NOMEM, 0, "out of memory");
	case TW_IN_NOPACKET: r->last = f; return skip(r, &l, TW_SKIP_NOPACKET, r->ctx.detail);
	case TW_IN_REPEAT:
		if (!r->have_last)
			return skip(r, &l, TW_SKIP_NOT_FIREWALL,
				    "repeat note after a non-firewall line");
		if (r->ctx.repeat == 0) {
			/* "repeated 0 times" adds nothing, but its line is counted like any
			 * other; the previous event stays available to a later note. */
			r->skipped[TW_SKIP_NOT_FIREWALL]++;
			r->skip_line = l.lineno;
			r->skip_reason = TW_SKIP_NOT_FIREWALL;
			r->skip_detail = "repeat note of zero copies";
			return TW_READER_SKIPPED;
		}
		/* The copies happened by the time of the note: give them its stamp. */
		r->owed = r->ctx.repeat - 1;
		if (ev->has & TW_EV_HAS_TS)
			r->last_ev.ts = ev->ts;
		/* The note is the evidence for the copies: point at it. */
		r->last_ev.origin.line = l.lineno;
		r->last_ev.origin.offset = l.offset;
		r->raw.p = l.p;
		r->raw.len = l.len;
		*ev = r->last_ev;
		r->events++;
		return TW_OK;
	case TW_E_NOTFOUND: return skip(r, &l, TW_SKIP_NOT_FIREWALL, NULL);
	case TW_E_TRUNCATED: return skip(r, &l, TW_SKIP_TRUNCATED, r->ctx.detail);
	default: return skip(r, &l, TW_SKIP_MALFORMED, r->ctx.detail ? r->ctx.detail : "invalid");
	}
	r->last = f;
	ev->origin.format = tw_input_index(f);
	ev->origin.file = r->file_index;
	ev->origin.line = l.lineno;
	ev->origin.offset = l.offset;
	r->raw.p = l.p;
	r->raw.len = l.len;
	remember(r, ev, tw_lines_is_mapped(r->lines) && f->spans_in_line);
	r->owed = r->ctx.repeat;
	r->events++;
	return TW_OK;
}

/* A part that starts mid-file must know the column header in force there (pfirewall.log,
 * Zeek): finds the block of '#' lines last before 'off' in a file that starts with one. */
struct tw_span tw_reader_headers_before(const struct tw_lines *lr, size_t off)
{
	const char *m = lr->map;
	struct tw_span none = {NULL, 0};

	if (!lr->map_size || m[0] != '#')
		return none;
	size_t at = off;
	for (;;) {
		const char *h = at ? memrchr(m, '#', at) : NULL;
		if (!h)
			return none;
		at = (size_t)(h - m);
		if (at == 0 || m[at - 1] == '\n')
			break;
	}
	/* Widen to the whole run of header lines around it. */
	size_t start = at, end = tw_lines_align(lr, at + 1);
	while (start > 0) {
		size_t prev = start - 1;
		while (prev > 0 && m[prev - 1] != '\n')
			prev--;
		if (m[prev] != '#')
			break;
		start = prev;
	}
	while (end < off && m[end] == '#')
		end = tw_lines_align(lr, end + 1);
	return (struct tw_span){m + start, end - start};
}

int tw_input_parse_line(const char *line, size_t len, int year, struct tw_event *ev,
			struct tw_arena *arena)
{
	struct tw_parse_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.arena = arena;
	tw_yearctx_init(&ctx.year, year,
			(int64_t)time(NULL)); /* year-less stamps need a reference */
	for (size_t i = 0; tw_input_formats[i]; i++) {
		const struct tw_input_format *f = tw_input_formats[i];
		if (f->capture || (f->sniff && !f->sniff(line, len, &ctx)))
			continue;
		memset(ev, 0, sizeof(*ev));
		ctx.detail = NULL;
		if (f->parse(line, len, ev, &ctx) == TW_OK)
			return TW_OK;
	}
	return TW_E_NOTFOUND;
}

size_t tw_reader_part_start(const struct tw_lines *lr, size_t off)
{
	/* A part must not start with a syslog repeat note: it belongs to the line before. */
	off = tw_lines_align(lr, off);
	while (off < lr->map_size) {
		size_t end = tw_lines_align(lr, off + 1);
		size_t len = end - off;
		const char *p = lr->map + off;
		if (!(len < 200 && memmem(p, len, "message repeated ", 17)))
			break;
		off = end;
	}
	return off;
}

bool tw_reader_multiline(const struct tw_lines *lr)
{
	size_t n = lr->map_size < 512 ? lr->map_size : 512;
	for (size_t i = 0; n && tw_input_formats[i]; i++)
		if (tw_input_formats[i]->multiline && tw_input_formats[i]->multiline(lr->map, n))
			return true;
	return false;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pipeline driver (pipeline.h): sources opened by kind, records read, classified and
 * handed to the sink; a mapped log chunk by chunk, each chunk split among workers at line
 * starts and joined in order; a stream chunk by chunk in lines; a capture frame by frame. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/alloc.h"
#include "pipeline/pipeline.h"

void tw_run_stats_add(struct tw_run_stats *a, const struct tw_run_stats *b)
{
	a->lines += b->lines;
	a->events += b->events;
	a->frames += b->frames;
	a->filtered += b->filtered;
	for (int i = 0; i < TW_SKIP_NREASONS; i++)
		a->skipped[i] += b->skipped[i];
	if (b->has_time) {
		if (!a->has_time || b->first < a->first)
			a->first = b->first;
		if (!a->has_time || b->last > a->last)
			a->last = b->last;
		a->has_time = 1;
	}
}

void tw_evlist_fini(struct tw_evlist *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int evlist_add(struct tw_evlist *k, const struct tw_event *ev, int cls)
{
	struct tw_evrec *nv = tw_grow(k->v, k->n, &k->cap, sizeof(*nv), 1024);
	if (!nv)
		return TW_E_NOMEM;
	k->v = nv;
	struct tw_evrec *e = &k->v[k->n++];
	e->ts = ev->ts;
	e->has_ts = (ev->has & TW_EV_HAS_TS) != 0;
	e->line = ev->origin.line;
	e->src = ev->src;
	e->dst = ev->dst;
	e->has_ports = (ev->has & TW_EV_HAS_PORTS) != 0;
	e->sport = ev->sport;
	e->dport = ev->dport;
	e->proto = ev->proto;
	e->cls = (int16_t)cls;
	return TW_OK;
}

/* Appends 'from' to 'to', its line numbers shifted; 'from' is emptied. */
static int evlist_join(struct tw_evlist *to, struct tw_evlist *from, uint64_t shift)
{
	if (!to->n && !shift) {
		free(to->v);
		*to = *from;
		memset(from, 0, sizeof(*from));
		return TW_OK;
	}
	if (to->n + from->n > to->cap) {
		size_t nc = to->n + from->n;
		struct tw_evrec *nv = tw_realloc(to->v, nc * sizeof(*nv));
		if (!nv)
			return TW_E_NOMEM;
		to->v = nv;
		to->cap = nc;
	}
	for (size_t i = 0; i < from->n; i++) {
		to->v[to->n] = from->v[i];
		to->v[to->n++].line += shift;
	}
	tw_evlist_fini(from);
	return TW_OK;
}

/* ---- sources ------------------------------------------------------------------------- */

int tw_source_open(struct tw_source *s, const char *name, uint32_t file_index,
		   const struct tw_input_format *format, struct tw_errctx *ec)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->file_index = file_index;
	s->capture = format ? format->capture : tw_pcap_is_capture(name);
	if (s->capture)
		return tw_pcap_open(&s->pcap, name, file_index, ec);
	return tw_lines_open(&s->lines, name, 0, ec);
}

void tw_source_close(struct tw_source *s)
{
	if (s->capture)
		tw_pcap_close(&s->pcap);
	else
		tw_lines_close(&s->lines);
}

uint64_t tw_source_size(const struct tw_source *s)
{
	struct stat sb;
	if (!s->capture)
		return s->lines.total_size;
	return strcmp(s->name, "-") && stat(s->name, &sb) == 0 ? (uint64_t)sb.st_size : 0;
}

/* ---- one worker: a part of a mapped file, a stream, or a capture -------------------------- */

struct worker {
	const struct tw_pipe *p;
	struct tw_source *s;
	struct tw_lines sub; /* a part of a mapped file */
	struct tw_span prime;
	struct tw_agg own, *agg; /* agg: 'own', or the caller's (tw_pipe.into) */
	struct tw_evlist kept;
	struct tw_run_stats st;
	int err;
	struct tw_errctx ec;
	_Atomic uint64_t done; /* bytes of the source read, for progress */
	_Atomic bool finished;
	uint64_t begin;	      /* a part's first byte */
	bool inline_progress; /* runs in the caller's thread: reports progress itself */
	/* tw_pipe.spill: the aggregate became full; a part stopped before stop_at. */
	bool stopped;
	uint64_t stop_at;
};

/* The aggregate holds as many sources as it may (tw_pipe.spill). */
static bool agg_full(const struct worker *w)
{
	const struct tw_agg *a = w->agg;
	return w->p->spill && a == &w->own &&
	       a->nsrcs >= (a->max_sources ? a->max_sources : a->conf->max_sources);
}

static bool in_window(const struct tw_pipe *p, const struct tw_event *ev)
{
	if (!p->has_since && !p->has_until)
		return true;
	if (!(ev->has & TW_EV_HAS_TS))
		return false;
	if (p->has_since && ev->ts < p->since)
		return false;
	return !p->has_until || ev->ts < p->until;
}

static void note_time(struct tw_run_stats *st, const struct tw_event *ev)
{
	if (!(ev->has & TW_EV_HAS_TS))
		return;
	if (!st->has_time || ev->ts < st->first)
		st->first = ev->ts;
	if (!st->has_time || ev->ts > st->last)
		st->last = ev->ts;
	st->has_time = 1;
}

/* One classified event into the sink. */
static int take(struct worker *w, const struct tw_event *ev, const struct tw_verdict *v,
		const char *raw, size_t rawlen, bool rereadable)
{
	const struct tw_pipe *p = w->p;
	if (!in_window(p, ev)) {
		w->st.filtered++;
		return TW_OK;
	}
	note_time(&w->st, ev);
	w->st.events++;
	if (p->on_event) {
		int r = p->on_event(p->ctx, ev, v, raw, rawlen);
		if (r)
			return r;
	}
	if (p->keep_events && evlist_add(&w->kept, ev, v->cls))
		return TW_E_NOMEM;
	if (p->no_agg)
		return TW_OK;
	return tw_agg_add_raw(w->agg, ev, v, raw, rawlen, rereadable) ? TW_E_NOMEM : TW_OK;
}

static int oom(struct worker *w, int r)
{
	if (r == TW_E_NOMEM)
		return tw_err_set(&w->ec, TW_E_NOMEM, 0, "out of memory");
	return r;
}

/* Reads events from 'rd' until its end, or (limit > 0) until 'limit' more lines were read
 * and the reader holds nothing pending (*more is then set). */
static int read_lines(struct worker *w, struct tw_reader *rd, uint64_t limit, bool *more)
{
	const struct tw_pipe *p = w->p;
	uint64_t start = rd->lines_read, n = 0;
	/* A line of a mapped file stays where it is: its evidence is noted by offset. */
	bool rereadable = !p->copy_evidence && tw_lines_is_mapped(rd->lines);
	*more = false;
	for (;;) {
		struct tw_event ev;
		struct tw_verdict v;
		int r = tw_reader_next(rd, &ev, &w->ec);
		if (r == TW_EOF)
			return TW_OK;
		if (r < 0)
			return r;
		if ((++n & 0xffff) == 0) {
			uint64_t at = tw_lines_progress(rd->lines);
			atomic_store_explicit(&w->done, at, memory_order_relaxed);
			if (p->on_progress && w->inline_progress)
				p->on_progress(p->ctx, at);
		}
		if (r == TW_READER_SKIPPED) {
			if (p->on_skip)
				p->on_skip(p->ctx, "", rd->skip_line, rd->skip_reason,
					   rd->skip_detail);
			continue;
		}
		tw_classify(&ev, &v);
		r = take(w, &ev, &v, rd->raw.p, rd->raw.len, rereadable);
		if (r)
			return oom(w, r);
		if (((limit && rd->lines_read - start >= limit) || agg_full(w)) &&
		    !rd->have_glued && !rd->owed) {
			*more = true;
			w->stopped = agg_full(w);
			return TW_OK;
		}
	}
}

/* A worker over a part of a mapped file, to its end. */
static void *part_main(void *arg)
{
	struct worker *w = arg;
	struct tw_reader rd;
	bool more;
	tw_reader_init(&rd, &w->sub, w->p->format, w->s->file_index, w->p->year);
	if (w->prime.len)
		tw_reader_prime(&rd, w->prime.p, w->prime.len);
	w->err = read_lines(w, &rd, 0, &more);
	if (w->stopped)
		w->stop_at = w->sub.offset;
	w->st.lines += rd.lines_read;
	for (int i = 0; i < TW_SKIP_NREASONS; i++)
		w->st.skipped[i] += rd.skipped[i];
	atomic_store(&w->done, tw_lines_progress(&w->sub));
	tw_reader_fini(&rd);
	atomic_store(&w->finished, true);
	return NULL;
}

/* 'direct': the worker aggregates into the caller's aggregate (tw_pipe.into) when there is
 * one. */
static void worker_init(struct worker *w, const struct tw_pipe *p, struct tw_source *s, bool direct)
{
	memset(w, 0, sizeof(*w));
	w->p = p;
	w->s = s;
	tw_agg_init(&w->own, p->conf);
	w->agg = direct && p->into ? p->into : &w->own;
}

static void worker_fini(struct worker *w)
{
	tw_agg_fini(&w->own);
	tw_evlist_fini(&w->kept);
}

/* Hands a chunk to the sink; the worker's aggregate and list are empty again after. */
static int hand(struct worker *w, uint64_t end, uint64_t lines)
{
	const struct tw_pipe *p = w->p;
	int r = TW_OK;
	if (p->on_chunk)
		r = p->on_chunk(p->ctx, p->into ? NULL : w->agg, &w->kept, end, lines, &w->ec);
	worker_fini(w);
	tw_agg_init(&w->own, p->conf);
	return r;
}

/* ---- a mapped log: chunks by bytes, each split among workers ----------------------------- */

/* Runs the 'n' workers of a chunk: one in this thread, or each in a thread of its own while
 * this one reports progress ('from': where the chunk starts). */
static void run_parts(const struct tw_pipe *p, struct worker *ws, unsigned n, uint64_t from)
{
	pthread_t tids[TW_PIPE_THREADS_MAX];
	bool started[TW_PIPE_THREADS_MAX] = {false};
	if (n == 1) {
		ws[0].inline_progress = true;
		part_main(&ws[0]);
		return;
	}
	for (unsigned k = 0; k < n; k++)
		started[k] = pthread_create(&tids[k], NULL, part_main, &ws[k]) == 0;
	for (unsigned k = 0; k < n; k++)
		if (!started[k])
			part_main(&ws[k]); /* a thread that could not start: here */
	while (p->on_progress) {
		uint64_t sum = 0;
		unsigned fin = 0;
		for (unsigned k = 0; k < n; k++) {
			uint64_t d = atomic_load(&ws[k].done);
			sum += d > ws[k].begin ? d - ws[k].begin : 0;
			fin += atomic_load(&ws[k].finished);
		}
		if (fin == n)
			break;
		p->on_progress(p->ctx, from + sum);
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	for (unsigned k = 0; k < n; k++)
		if (started[k])
			pthread_join(tids[k], NULL);
}

/* Prepares worker 'w' over [from, to) of the mapping, sharing the bound on sources with the
 * other 'n' workers of its chunk. */
static void part_setup(struct worker *w, const struct tw_pipe *p, struct tw_source *s,
		       uint64_t from, uint64_t to, unsigned n)
{
	worker_init(w, p, s, n == 1);
	uint32_t per = p->conf->max_sources / n;
	w->own.max_sources = n == 1 ? 0 : per < 1024 ? 1024 : per;
	tw_lines_sub(&s->lines, (size_t)from, (size_t)to, 0, &w->sub);
	w->prime = tw_reader_headers_before(&s->lines, (size_t)from);
	w->begin = from;
	atomic_store(&w->done, from);
}

/* Joins the chunk's workers in order into 'c' (their line numbers made the file's, from
 * 'lines' on); returns the first error. *nlines gets the lines of the chunk. */
static int join_parts(struct worker *c, struct worker *ws, unsigned n, uint64_t lines,
		      uint64_t *nlines, struct tw_errctx *ec)
{
	int r = TW_OK;
	uint64_t cl = 0;
	for (unsigned k = 0; k < n; k++) {
		struct worker *w = &ws[k];
		if (!r && w->err) {
			r = w->err;
			*ec = w->ec;
		}
		if (w->agg == &w->own) /* else the lines were the file's from the start */
			tw_agg_shift_lines(w->agg, c->s->file_index, lines + cl);
		if (!r && evlist_join(&c->kept, &w->kept, lines + cl))
			r = tw_err_set(ec, TW_E_NOMEM, 0, "out of memory");
		cl += w->st.lines;
		tw_run_stats_add(&c->st, &w->st);
		if (!r && w->agg != c->agg && tw_agg_take(c->agg, w->agg))
			r = tw_err_set(ec, TW_E_NOMEM, 0, "out of memory");
		c->s->truncated |= w->sub.truncated;
		worker_fini(w);
		tw_lines_close(&w->sub);
	}
	*nlines = cl;
	return r;
}

static int run_mapped(struct worker *c, struct tw_errctx *ec)
{
	const struct tw_pipe *p = c->p;
	struct tw_source *s = c->s;
	struct tw_lines *lr = &s->lines;
	uint64_t from = s->from, end = s->to ? s->to : lr->map_size, lines = s->line_base;
	bool whole = tw_reader_multiline(lr);
	uint64_t cb = p->chunk_bytes && !p->into ? p->chunk_bytes : UINT64_MAX;
	unsigned maxp = p->threads < 1 ? 1 : p->threads;
	if (maxp > TW_PIPE_THREADS_MAX)
		maxp = TW_PIPE_THREADS_MAX;
	if (whole || p->on_event || p->on_skip)
		maxp = 1; /* in input order, or records that span lines: one reader */
	struct worker *ws = tw_calloc(maxp, sizeof(*ws));
	int r = TW_OK;
	if (!ws)
		return tw_err_set(ec, TW_E_NOMEM, 0, "out of memory");
	while (from < end && !r) {
		uint64_t cend =
		    whole || end - from <= cb ? end : tw_reader_part_start(lr, (size_t)(from + cb));
		if (cend <= from || cend > end)
			cend = end;
		uint64_t len = cend - from, nl = 0, pf = from;
		unsigned n = (unsigned)(len / TW_PIPE_PART_MIN);
		n = n < 1 ? 1 : n > maxp ? maxp : n;
		for (unsigned k = 0; k < n; k++) {
			uint64_t pt =
			    k + 1 == n
				? cend
				: tw_reader_part_start(lr, (size_t)(from + len / n * (k + 1)));
			if (pt < pf || pt > cend)
				pt = k + 1 == n ? cend : pf;
			part_setup(&ws[k], p, s, pf, pt, n);
			pf = pt;
		}
		run_parts(p, ws, n, from);
		/* A part whose aggregate became full ends the chunk where it stopped; the
		 * parts after it are read again as the next chunk. */
		for (unsigned k = 0; k < n; k++) {
			if (!ws[k].stopped)
				continue;
			cend = ws[k].stop_at;
			for (unsigned j = k + 1; j < n; j++) {
				worker_fini(&ws[j]);
				tw_lines_close(&ws[j].sub);
			}
			n = k + 1;
			break;
		}
		r = join_parts(c, ws, n, lines, &nl, ec);
		/* Read from a file that shrank meanwhile (copytruncate): what was read past its
		 * new end may be zeros. */
		if (!r && tw_lines_shrank(lr, cend)) {
			s->truncated = true;
			if (p->strict)
				r = tw_err_set(
				    ec, TW_E_IO, 0,
				    "%.200s: the file shrank while it was read (truncated "
				    "after a copy?); the rest is read at the next run",
				    s->name);
		}
		if (r)
			break;
		lines += nl;
		if ((r = hand(c, cend, lines)))
			*ec = c->ec;
		if (s->truncated)
			break;
		from = cend;
	}
	free(ws);
	return r;
}

/* ---- a stream: one reader, chunks by lines ------------------------------------------------ */

static int run_stream(struct worker *c, struct tw_errctx *ec)
{
	const struct tw_pipe *p = c->p;
	struct tw_source *s = c->s;
	struct tw_reader rd;
	bool more = true;
	int r = TW_OK;
	tw_reader_init(&rd, &s->lines, p->format, s->file_index, p->year);
	c->inline_progress = true;
	if (s->prime.len)
		tw_reader_prime(&rd, s->prime.p, s->prime.len);
	while (more && !r) {
		r = read_lines(c, &rd, p->into ? 0 : p->chunk_lines, &more);
		if (!r)
			r = hand(c, s->lines.offset, s->line_base + rd.lines_read);
		if (r)
			*ec = c->ec;
	}
	c->st.lines += rd.lines_read;
	for (int i = 0; i < TW_SKIP_NREASONS; i++)
		c->st.skipped[i] += rd.skipped[i];
	s->truncated |= s->lines.truncated;
	tw_reader_fini(&rd);
	return r;
}

/* ---- a capture: frame by frame, payloads decoded with a state ----------------------------- */

static int run_capture(struct worker *c, struct tw_errctx *ec)
{
	const struct tw_pipe *p = c->p;
	struct tw_source *s = c->s;
	struct tw_pcap *pc = &s->pcap;
	struct tw_decode_state ds;
	int r = TW_OK;
	tw_decode_state_init(&ds);
	c->inline_progress = true;
	for (;;) {
		struct tw_event ev;
		struct tw_verdict v;
		struct tw_decoded d;
		r = tw_pcap_next(pc, &ev, ec);
		if (r == TW_EOF) {
			r = TW_OK;
			break;
		}
		if (r < 0)
			break;
		if ((pc->frames & 0xfff) == 0 && p->on_progress)
			p->on_progress(p->ctx, pc->consumed);
		if (pc->frames <= s->skip_frames)
			continue; /* read before (ingest): only the reassembly state matters */
		if (r == TW_READER_SKIPPED) {
			if (p->on_skip)
				p->on_skip(p->ctx, "frame ", pc->skip_frame, pc->skip_reason,
					   pc->skip_detail);
			continue;
		}
		/* Decoded with a state, so that messages in fragments or split over TCP
		 * segments are classified when whole. */
		bool ok = ev.payload.p && tw_decode(&ev, &d, &ds) == TW_OK;
		tw_classify_decoded(&ev, ok ? &d : NULL, &v);
		char line[TW_EVIDENCE_LINE];
		size_t n = p->evline
			       ? p->evline(&ev, NULL, "frame", ev.origin.line, line, sizeof(line))
			       : 0;
		r = take(c, &ev, &v, n ? line : NULL, n, false);
		if (r) {
			r = oom(c, r);
			*ec = c->ec;
			break;
		}
	}
	tw_decode_state_fini(&ds);
	c->st.frames += pc->frames > s->skip_frames ? pc->frames - s->skip_frames : 0;
	for (int i = 0; i < TW_SKIP_NREASONS; i++)
		c->st.skipped[i] += pc->skipped[i];
	s->consumed = pc->consumed;
	if (!r && (r = hand(c, pc->consumed, pc->frames)))
		*ec = c->ec;
	return r;
}

unsigned tw_pipe_cpus(void)
{
	cpu_set_t set;
	int n = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;
	return n < 1 ? 1 : n > TW_PIPE_THREADS_MAX ? TW_PIPE_THREADS_MAX : (unsigned)n;
}

int tw_pipe_run(const struct tw_pipe *p, struct tw_source *s, struct tw_run_stats *st,
		struct tw_errctx *ec)
{
	struct worker c;
	int r;
	worker_init(&c, p, s, true);
	if (s->capture)
		r = run_capture(&c, ec);
	else if (tw_lines_is_mapped(&s->lines))
		r = run_mapped(&c, ec);
	else
		r = run_stream(&c, ec);
	tw_run_stats_add(st, &c.st);
	worker_fini(&c);
	return r;
}

size_t tw_pipe_live(const struct tw_pipe *p, const struct tw_event *ev, struct tw_decode_state *ds,
		    struct tw_verdict *v, char *line, size_t cap)
{
	struct tw_decoded d;
	bool ok = ev->payload.p && tw_decode(ev, &d, ds) == TW_OK;
	tw_classify_decoded(ev, ok ? &d : NULL, v);
	return p->evline ? p->evline(ev, ok ? &d : NULL, "nflog", 0, line, cap) : 0;
}

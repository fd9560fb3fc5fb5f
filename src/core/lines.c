/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Line reader over mmap (files), read() via zlib (pipes, stdin, gzip). Every line is bounded
 * by max_line: a longer line is returned cut and flagged, and the rest of it is skipped. */
#include "core/alloc.h"
#include "core/lines.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define CHUNK (256 * 1024)

/* ---- files that shrink under a mapping -------------------------------------------------
 * A mapped file truncated while it is read (logrotate's copytruncate, a log being followed)
 * raises SIGBUS on the pages past its new end. The reader's own mappings are registered
 * here; a SIGBUS inside one of them puts a page of zeros where the page was and returns,
 * so that the reader sees NUL bytes instead of dying. Readers look at the size before they
 * trust what they read (check_size, tw_lines_shrank). Any other SIGBUS goes to the handler
 * that was there before (or the default action). */
#define MAPS_MAX 64
static _Atomic(uintptr_t) maps_lo[MAPS_MAX], maps_hi[MAPS_MAX];
static struct sigaction old_bus;
static pthread_once_t bus_once = PTHREAD_ONCE_INIT;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr;
	for (int i = 0; i < MAPS_MAX; i++) {
		uintptr_t lo = atomic_load(&maps_lo[i]), hi = atomic_load(&maps_hi[i]);
		if (lo && a >= lo && a < hi) {
			uintptr_t pg = a & ~(uintptr_t)4095;
			if (mmap((void *)pg, 4096, PROT_READ,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED)
				return;
		}
	}
	if (old_bus.sa_flags & SA_SIGINFO) {
		old_bus.sa_sigaction(sig, si, uc);
		return;
	}
	if (old_bus.sa_handler != SIG_DFL && old_bus.sa_handler != SIG_IGN) {
		old_bus.sa_handler(sig);
		return;
	}
	signal(SIGBUS, SIG_DFL); /* the fault repeats, now with the default action */
}

static void bus_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old_bus);
}

static void map_register(const void *p, size_t n)
{
	pthread_once(&bus_once, bus_install);
	for (int i = 0; i < MAPS_MAX; i++) {
		uintptr_t zero = 0;
		if (atomic_compare_exchange_strong(&maps_lo[i], &zero, (uintptr_t)p)) {
			atomic_store(&maps_hi[i], (uintptr_t)p + n);
			return;
		}
	}
	/* More than MAPS_MAX files mapped at once: this one is read unguarded. */
}

static void map_unregister(const void *p)
{
	for (int i = 0; i < MAPS_MAX; i++)
		if (atomic_load(&maps_lo[i]) == (uintptr_t)p) {
			atomic_store(&maps_hi[i], 0);
			atomic_store(&maps_lo[i], 0);
		}
}

bool tw_lines_shrank(const struct tw_lines *lr, uint64_t upto)
{
	struct stat st;
	if (!lr->map || lr->fd < 0)
		return false;
	return lr->truncated || fstat(lr->fd, &st) != 0 || (uint64_t)st.st_size < upto;
}

static void reset(struct tw_lines *lr, const char *name, size_t max_line)
{
	memset(lr, 0, sizeof(*lr));
	lr->name = name;
	lr->fd = -1;
	lr->max_line = max_line ? max_line : TW_LINE_MAX_DEFAULT;
}

int tw_lines_open(struct tw_lines *lr, const char *path, size_t max_line, struct tw_errctx *ec)
{
	struct stat st;
	unsigned char magic[2] = {0, 0};
	bool is_stdin = strcmp(path, "-") == 0;
	int ret = TW_OK;

	reset(lr, path, max_line);
	lr->fd = is_stdin ? dup(0) : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	lr->owns_fd = lr->fd >= 0;
	if (lr->fd < 0) {
		ret = tw_err_set(ec, TW_E_IO, errno, "cannot open");
		goto out;
	}
	if (fstat(lr->fd, &st) < 0) {
		ret = tw_err_set(ec, TW_E_IO, errno, "cannot stat");
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = tw_err_set(ec, TW_E_IO, EISDIR, "cannot read");
		goto out;
	}
	lr->mtime_s = S_ISREG(st.st_mode) ? (int64_t)st.st_mtime : (int64_t)time(NULL);
	if (S_ISREG(st.st_mode)) {
		lr->total_size = (uint64_t)st.st_size;
		if (st.st_size >= 2 && pread(lr->fd, magic, 2, 0) != 2) {
			ret = tw_err_set(ec, TW_E_IO, errno, "cannot read");
			goto out;
		}
	}
	if (S_ISREG(st.st_mode) && !(magic[0] == 0x1f && magic[1] == 0x8b)) {
		lr->map_size = (size_t)st.st_size;
		lr->end = lr->map_size;
		if (lr->map_size) {
			void *m = mmap(NULL, lr->map_size, PROT_READ, MAP_PRIVATE, lr->fd, 0);
			if (m == MAP_FAILED) {
				ret = tw_err_set(ec, TW_E_IO, errno, "cannot map");
				goto out;
			}
			madvise(m, lr->map_size, MADV_SEQUENTIAL | MADV_WILLNEED);
			map_register(m, lr->map_size);
			lr->map = m;
			lr->owns_map = true;
		}
		goto out;
	}
	/* Streaming: zlib reads gzip (also concatenated members) and passes plain data through. */
	lr->compressed = magic[0] == 0x1f && magic[1] == 0x8b;
	lr->cap = lr->max_line + CHUNK;
	lr->buf = tw_malloc(lr->cap + 1);
	if (!lr->buf) {
		ret = tw_err_set(ec, TW_E_NOMEM, 0, "out of memory");
		goto out;
	}
	int gfd = dup(lr->fd);
	if (gfd < 0 || !(lr->gz = gzdopen(gfd, "rb"))) {
		if (gfd >= 0)
			close(gfd);
		ret = tw_err_set(ec, TW_E_NOMEM, errno, "cannot start decompression");
		goto out;
	}
	gzbuffer(lr->gz, CHUNK);
out:
	if (ret < 0)
		tw_lines_close(lr);
	return ret;
}

static void emit(struct tw_lines *lr, const char *p, size_t len, size_t consumed, unsigned fl,
		 struct tw_line *out)
{
	if (len && p[len - 1] == '\r')
		len--;
	if (len > lr->max_line) {
		len = lr->max_line;
		fl |= TW_LINE_TOO_LONG;
	}
	out->p = p;
	out->len = len;
	out->flags = fl;
	out->lineno = ++lr->lineno;
	out->offset = lr->offset;
	lr->offset += consumed;
}

/* Bytes kept mapped behind the read position: covers the previous line (64 KiB at most),
 * which a syslog repeat note refers to. */
#define KEEP_BEHIND    (1u << 20)
#define DROP_EVERY     (8u << 20)
#define PREFETCH_AHEAD 4096

/* Releases the pages already read, so that resident memory stays small however large the
 * file: they are clean file pages, and the page cache keeps them for other readers. */
static void drop_behind(struct tw_lines *lr)
{
	size_t pg = 4096, upto = lr->pos > KEEP_BEHIND ? lr->pos - KEEP_BEHIND : 0;
	upto &= ~(pg - 1);
	size_t from = lr->dropped & ~(pg - 1);
	if (upto > from)
		madvise((void *)(lr->map + from), upto - from, MADV_DONTNEED);
	lr->dropped = upto;
}

/* A mapped file that shrinks (logrotate's copytruncate) would raise SIGBUS on the pages
 * past its new end: look at its size every CHECK_EVERY bytes and stop reading there. */
#define CHECK_EVERY (256u << 10)

static void check_size(struct tw_lines *lr)
{
	struct stat st;

	lr->next_check = lr->pos + CHECK_EVERY;
	if (fstat(lr->fd, &st) == 0 && (uint64_t)st.st_size < lr->end) {
		lr->end = (size_t)st.st_size > lr->pos ? (size_t)st.st_size : lr->pos;
		lr->truncated = true;
	}
}

static int next_mapped(struct tw_lines *lr, struct tw_line *out)
{
	if (lr->pos >= lr->next_check)
		check_size(lr);
	if (lr->pos >= lr->end)
		return TW_EOF;
	if (lr->pos - lr->dropped >= DROP_EVERY + KEEP_BEHIND)
		drop_behind(lr);
	const char *p = lr->map + lr->pos;
	size_t left = lr->end - lr->pos;
	const char *nl = memchr(p, '\n', left);
	size_t len = nl ? (size_t)(nl - p) : left;
	size_t used = nl ? len + 1 : len;

	lr->pos += used;
	/* The parse of one line takes long enough that the hardware prefetcher stops running
	 * ahead of the line splitter; ask for the bytes a few lines ahead explicitly. */
	for (size_t o = PREFETCH_AHEAD; o < PREFETCH_AHEAD + used && lr->pos + o < lr->end; o += 64)
		__builtin_prefetch(lr->map + lr->pos + o);
	emit(lr, p, len, used, nl ? 0 : TW_LINE_NO_NL, out);
	return TW_OK;
}

/* Refills the buffer; returns bytes read, 0 at EOF, <0 on error. */
static int refill(struct tw_lines *lr, struct tw_errctx *ec)
{
	if (lr->start > 0) {
		memmove(lr->buf, lr->buf + lr->start, lr->fill - lr->start);
		lr->fill -= lr->start;
		lr->start = 0;
	}
	size_t room = lr->cap - lr->fill;
	if (room > CHUNK)
		room = CHUNK;
	if (lr->damaged)
		return tw_err_set(ec, TW_E_IO, 0,
				  "the compressed data ends early or is damaged after %llu bytes "
				  "of text (a truncated .gz?)",
				  (unsigned long long)(lr->offset + (lr->fill - lr->start)));
	int n = gzread(lr->gz, lr->buf + lr->fill, (unsigned)room);
	if (n < 0) {
		int zerr;
		const char *m = gzerror(lr->gz, &zerr);
		return tw_err_set(ec, TW_E_IO, zerr == Z_ERRNO ? errno : 0, "%s",
				  zerr == Z_ERRNO ? "read error" : m);
	}
	/* A gzip stream that ends before its end (a truncated or damaged .gz): what came
	 * before the damage is read, then an error, not an end — what follows the damage
	 * would be lost without a word. */
	int zerr = Z_OK;
	gzerror(lr->gz, &zerr);
	if ((zerr == Z_BUF_ERROR || zerr == Z_DATA_ERROR) && (lr->damaged || n == 0))
		return tw_err_set(ec, TW_E_IO, 0,
				  "the compressed data ends early or is damaged after %llu bytes "
				  "of text (a truncated .gz?)",
				  (unsigned long long)(lr->offset + (lr->fill - lr->start)));
	if (zerr == Z_BUF_ERROR || zerr == Z_DATA_ERROR)
		lr->damaged = true;
	lr->fill += (size_t)n;
	if (n == 0)
		lr->eof = true;
	return n;
}

static int next_stream(struct tw_lines *lr, struct tw_line *out, struct tw_errctx *ec)
{
	size_t scan = lr->start;

	for (;;) {
		char *p = lr->buf + lr->start;
		char *nl = memchr(lr->buf + scan, '\n', lr->fill - scan);
		if (nl) {
			size_t len = (size_t)(nl - p);
			lr->start += len + 1;
			if (lr->skipping) {
				/* End of an over-long line already returned: drop the tail. */
				lr->skipping = false;
				lr->offset += len + 1;
				scan = lr->start;
				continue;
			}
			emit(lr, p, len, len + 1, 0, out);
			return TW_OK;
		}
		size_t have = lr->fill - lr->start;
		if (have > lr->max_line && !lr->skipping) {
			/* Over-long line: return its first max_line bytes now, skip the rest. */
			emit(lr, p, lr->max_line, have, TW_LINE_TOO_LONG, out);
			lr->start = lr->fill;
			lr->skipping = true;
			return TW_OK;
		}
		if (lr->skipping) {
			lr->offset += have;
			lr->start = lr->fill;
		}
		if (lr->eof) {
			if (have == 0 || lr->skipping)
				return TW_EOF;
			lr->start = lr->fill;
			emit(lr, p, have, have, TW_LINE_NO_NL, out);
			return TW_OK;
		}
		scan = lr->fill - lr->start;
		int n = refill(lr, ec);
		if (n < 0)
			return n;
		scan = lr->start + scan;
	}
}

int tw_lines_next(struct tw_lines *lr, struct tw_line *out, struct tw_errctx *ec)
{
	if (lr->map || !lr->gz)
		return next_mapped(lr, out);
	return next_stream(lr, out, ec);
}

uint64_t tw_lines_progress(const struct tw_lines *lr)
{
	if (!lr->gz)
		return lr->pos;
	if (lr->compressed) {
		long o = (long)gzoffset(lr->gz);
		return o > 0 ? (uint64_t)o : 0;
	}
	return lr->offset;
}

bool tw_lines_is_mapped(const struct tw_lines *lr)
{
	return lr->map != NULL;
}

size_t tw_lines_align(const struct tw_lines *lr, size_t off)
{
	if (off == 0 || off >= lr->map_size)
		return off >= lr->map_size ? lr->map_size : 0;
	if (lr->map[off - 1] == '\n')
		return off;
	const char *nl = memchr(lr->map + off, '\n', lr->map_size - off);
	return nl ? (size_t)(nl - lr->map) + 1 : lr->map_size;
}

void tw_lines_sub(const struct tw_lines *lr, size_t from, size_t to, uint64_t lineno_base,
		  struct tw_lines *sub)
{
	reset(sub, lr->name, lr->max_line);
	sub->map = lr->map;
	sub->map_size = lr->map_size;
	sub->pos = from;
	sub->dropped = from;
	sub->fd = lr->fd; /* borrowed, for the size checks; owns_fd stays false */
	sub->next_check = from;
	sub->end = to;
	sub->offset = from;
	sub->lineno = lineno_base;
	sub->mtime_s = lr->mtime_s;
	sub->total_size = lr->total_size;
}

void tw_lines_close(struct tw_lines *lr)
{
	if (lr->gz)
		gzclose(lr->gz);
	if (lr->map && lr->owns_map) {
		map_unregister(lr->map);
		munmap((void *)lr->map, lr->map_size);
	}
	if (lr->fd >= 0 && lr->owns_fd)
		close(lr->fd);
	free(lr->buf);
	reset(lr, lr->name, lr->max_line);
}

int tw_file_slurp(const char *path, size_t max, char **buf, size_t *len, struct tw_errctx *ec)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *b = NULL;
	size_t n = 0;
	ssize_t r = 0;
	int ret = TW_OK;

	*buf = NULL;
	*len = 0;
	if (fd < 0)
		return tw_err_set(ec, errno == ENOENT ? TW_E_NOTFOUND : TW_E_IO, errno,
				  "%s: cannot open", path);
	b = tw_malloc(max + 1);
	if (!b) {
		ret = tw_err_set(ec, TW_E_NOMEM, 0, "%s: out of memory", path);
		goto out;
	}
	while (n <= max && (r = read(fd, b + n, max + 1 - n)) > 0)
		n += (size_t)r;
	if (r < 0) {
		ret = tw_err_set(ec, TW_E_IO, errno, "%s: cannot read", path);
		goto out;
	}
	if (n > max) {
		ret = tw_err_set(ec, TW_E_RANGE, 0, "%s: larger than %zu bytes", path, max);
		goto out;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	b = NULL;
out:
	free(b);
	close(fd);
	return ret;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: core/lines over mmap, gzip and a pipe. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "core/lines.h"
#include "tap.h"

static char *tmpfile_with(const char *data, size_t n, bool gz)
{
	static char path[64];
	strcpy(path, "/tmp/tw-lines-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	if (gz) {
		gzFile g = gzdopen(fd, "wb");
		gzwrite(g, data, (unsigned)n);
		gzclose(g);
	} else {
		if (write(fd, data, n) != (ssize_t)n)
			return NULL;
		close(fd);
	}
	return path;
}

/* Reads every line; returns a '|'-joined copy with flags marked. */
static void read_all(struct tw_lines *lr, char *out, size_t cap)
{
	struct tw_line l;
	struct tw_errctx ec;
	size_t n = 0;
	out[0] = '\0';
	while (tw_lines_next(lr, &l, &ec) == TW_OK) {
		int w = snprintf(out + n, cap - n, "%s%.*s%s", n ? "|" : "",
				 (int)(l.len > 20 ? 20 : l.len), l.p,
				 (l.flags & TW_LINE_TOO_LONG) ? "<LONG>" : "");
		if (w < 0 || (size_t)w >= cap - n)
			break;
		n += (size_t)w;
	}
}

static void t_mmap_crlf_nonl(void)
{
	static const char d[] = "one\r\ntwo\n\nthree";
	char *p = tmpfile_with(d, sizeof(d) - 1, false);
	struct tw_lines lr;
	struct tw_errctx ec;
	char out[256];
	CHECK(p != NULL);
	CHECK_EQ_I(tw_lines_open(&lr, p, 0, &ec), TW_OK);
	CHECK(tw_lines_is_mapped(&lr));
	read_all(&lr, out, sizeof(out));
	CHECK_STR(out, "one|two||three");
	CHECK_EQ_U(lr.lineno, 4);
	tw_lines_close(&lr);
	unlink(p);
}

static void t_gzip_and_long_line(void)
{
	size_t n = 200000;
	char *d = malloc(n + 32);
	memcpy(d, "first\n", 6);
	memset(d + 6, 'x', n);
	memcpy(d + 6 + n, "\nlast\n", 6);
	char *p = tmpfile_with(d, n + 12, true);
	struct tw_lines lr;
	struct tw_errctx ec;
	char out[256];
	CHECK_EQ_I(tw_lines_open(&lr, p, 1000, &ec), TW_OK);
	CHECK(!tw_lines_is_mapped(&lr));
	read_all(&lr, out, sizeof(out));
	CHECK_STR(out, "first|xxxxxxxxxxxxxxxxxxxx<LONG>|last");
	tw_lines_close(&lr);
	/* The same bytes, not compressed, over mmap: same lines. */
	p = tmpfile_with(d, n + 12, false);
	CHECK_EQ_I(tw_lines_open(&lr, p, 1000, &ec), TW_OK);
	read_all(&lr, out, sizeof(out));
	CHECK_STR(out, "first|xxxxxxxxxxxxxxxxxxxx<LONG>|last");
	tw_lines_close(&lr);
	unlink(p);
	free(d);
}

static void t_pipe_stdin(void)
{
	/* CI may start us with standard input closed: then fd 0 would be the pipe's read end,
	 * and closing it below would lose it. Hold fd 0 with /dev/null first. */
	if (fcntl(0, F_GETFD) < 0 && open("/dev/null", O_RDONLY) != 0)
		SKIP("cannot reopen standard input");
	int fds[2], saved = dup(0);
	struct tw_lines lr;
	struct tw_errctx ec;
	char out[256];
	CHECK(pipe(fds) == 0);
	CHECK(write(fds[1], "a\nb\nc", 5) == 5);
	close(fds[1]);
	dup2(fds[0], 0);
	close(fds[0]);
	CHECK_EQ_I(tw_lines_open(&lr, "-", 0, &ec), TW_OK);
	read_all(&lr, out, sizeof(out));
	CHECK_STR(out, "a|b|c");
	tw_lines_close(&lr);
	dup2(saved, 0);
	close(saved);
}

static void t_missing_file(void)
{
	struct tw_lines lr;
	struct tw_errctx ec;
	CHECK_EQ_I(tw_lines_open(&lr, "/nonexistent/tw", 0, &ec), TW_E_IO);
	CHECK(strstr(ec.msg, "No such file") != NULL);
	CHECK_EQ_I(tw_lines_open(&lr, "/tmp", 0, &ec), TW_E_IO);
}

static void t_split_align(void)
{
	static const char d[] = "aaaa\nbbbb\ncccc\n";
	char *p = tmpfile_with(d, sizeof(d) - 1, false);
	struct tw_lines lr, sub;
	struct tw_errctx ec;
	char out[64];
	CHECK_EQ_I(tw_lines_open(&lr, p, 0, &ec), TW_OK);
	CHECK_EQ_U(tw_lines_align(&lr, 2), 5);
	CHECK_EQ_U(tw_lines_align(&lr, 5), 5);
	CHECK_EQ_U(tw_lines_align(&lr, 14), 15);
	tw_lines_sub(&lr, 5, 10, 0, &sub);
	read_all(&sub, out, sizeof(out));
	CHECK_STR(out, "bbbb");
	tw_lines_close(&lr);
	unlink(p);
}

static void t_shrinks_while_read(void)
{
	/* logrotate's copytruncate empties a file while it may be mapped: reading on must stop
	 * at the new end, not die of SIGBUS on the vanished pages. */
	size_t n = 4u << 20, line = 64;
	char *d = malloc(n);
	for (size_t i = 0; i < n; i++)
		d[i] = (i % line == line - 1) ? '\n' : 'a';
	char *p = tmpfile_with(d, n, false);
	struct tw_lines lr;
	struct tw_line l;
	struct tw_errctx ec;
	uint64_t count = 0;
	CHECK_EQ_I(tw_lines_open(&lr, p, 0, &ec), TW_OK);
	CHECK(tw_lines_is_mapped(&lr));
	CHECK_EQ_I(tw_lines_next(&lr, &l, &ec), TW_OK);
	CHECK(truncate(p, (1u << 20) + 100) == 0);
	while (tw_lines_next(&lr, &l, &ec) == TW_OK)
		count++;
	CHECK(lr.truncated);
	CHECK_EQ_U(count + 1, ((1u << 20) + 100) / line + 1); /* whole lines + the cut one */
	tw_lines_close(&lr);
	unlink(p);
	free(d);
}

static void t_truncated_under_map(void)
{
	/* A bug the daemon's test found: ingest reads the mapping directly (the last newline,
	 * the first bytes), not only line by line; a file emptied under it raised SIGBUS and
	 * killed the process. Now the vanished pages read as zeros and the reader is told. */
	size_t n = 64u << 10;
	char *d = malloc(n);
	memset(d, 'b', n);
	d[n - 1] = '\n';
	char *p = tmpfile_with(d, n, false);
	struct tw_lines lr;
	struct tw_errctx ec;
	CHECK_EQ_I(tw_lines_open(&lr, p, 0, &ec), TW_OK);
	CHECK(!tw_lines_shrank(&lr, n));
	CHECK(truncate(p, 0) == 0);
	volatile char c0 = lr.map[0], cl = lr.map[n - 1]; /* SIGBUS before the fix */
	CHECK(c0 == 0 && cl == 0);
	CHECK(tw_lines_shrank(&lr, n));
	CHECK(tw_lines_shrank(&lr, 1));
	tw_lines_close(&lr);
	unlink(p);
	free(d);
}

TW_SUITE(lines, {"mmap_crlf_nonl", t_mmap_crlf_nonl}, {"gzip_and_long_line", t_gzip_and_long_line},
	 {"pipe_stdin", t_pipe_stdin}, {"missing_file", t_missing_file},
	 {"split_align", t_split_align}, {"shrinks_while_read", t_shrinks_while_read},
	 {"truncated_under_map", t_truncated_under_map});

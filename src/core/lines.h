/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Line reader: mmap for regular files, read() for pipes and "-", zlib for gzip (detected by
 * its magic bytes, so any mix of plain and .gz files works on one command line). */
#ifndef TW_CORE_LINES_H
#define TW_CORE_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define TW_LINE_MAX_DEFAULT (64 * 1024)

enum {
	TW_LINE_TOO_LONG = 1, /* the line was longer than max_line; 'len' is cut to max_line */
	TW_LINE_NO_NL = 2,    /* the last line of the input had no final newline */
};

struct tw_line {
	const char *p;	 /* valid until the next tw_lines_next(); for mmap until close */
	size_t len;	 /* without the newline (and without a CR before it) */
	uint64_t lineno; /* 1-based */
	uint64_t offset; /* byte offset of the line in the (uncompressed) input */
	unsigned flags;
};

struct tw_lines {
	const char *name; /* as given; "-" for stdin */
	int fd;
	void *gz;	 /* gzFile when streaming */
	const char *map; /* mmap'd file (or parent's mapping for a sub-reader) */
	size_t map_size;
	size_t pos, end;	 /* mmap: next byte, end of this reader's range */
	size_t dropped;		 /* mmap: pages before this were released (madvise) */
	char *buf;		 /* streaming buffer */
	size_t cap, start, fill; /* buffer window [start, fill) */
	bool eof, skipping, owns_map, owns_fd, compressed;
	bool truncated;	   /* the file shrank while being read; reading stopped at its end */
	bool damaged;	   /* gzip: the stream ends early; the next read is an error */
	size_t next_check; /* mmap: position of the next size check */
	uint64_t lineno, offset;
	size_t max_line;
	int64_t mtime_s;     /* the file's mtime, or now for pipes */
	uint64_t total_size; /* bytes of the file (compressed size for gzip); 0 if unknown */
};

/* Opens 'path' ("-" = stdin). max_line 0 means TW_LINE_MAX_DEFAULT. On error returns
 * TW_E_IO (or TW_E_NOMEM) with the reason in 'ec'. */
int tw_lines_open(struct tw_lines *lr, const char *path, size_t max_line, struct tw_errctx *ec);
/* Next line into 'out': TW_OK, TW_EOF, or TW_E_IO (read error, reason in 'ec'). */
int tw_lines_next(struct tw_lines *lr, struct tw_line *out, struct tw_errctx *ec);
/* Bytes of the underlying file consumed so far (for progress). */
uint64_t tw_lines_progress(const struct tw_lines *lr);
/* True when the reader is over a memory map (and so can be split across threads). */
bool tw_lines_is_mapped(const struct tw_lines *lr);
/* Makes 'sub' read lines of lr's mapping from byte 'from' to 'to' (both at line starts).
 * Line numbers restart at 1 + 'lineno_base'. 'sub' borrows the mapping: close it before lr. */
void tw_lines_sub(const struct tw_lines *lr, size_t from, size_t to, uint64_t lineno_base,
		  struct tw_lines *sub);
/* Offset of the first line start at or after 'off' in the mapping. */
size_t tw_lines_align(const struct tw_lines *lr, size_t off);
void tw_lines_close(struct tw_lines *lr);
/* True when the mapped file is now shorter than 'upto' bytes (or shrank while it was read):
 * what was read past its new end may be zeros, not the file's bytes. */
bool tw_lines_shrank(const struct tw_lines *lr, uint64_t upto);

/* Reads a whole small file (configuration, signatures) into a NUL-terminated buffer of at
 * most 'max' bytes (free with free()). TW_E_NOTFOUND when it does not exist, TW_E_IO,
 * TW_E_RANGE when larger than 'max'; the message in 'ec' names the file. */
int tw_file_slurp(const char *path, size_t max, char **buf, size_t *len, struct tw_errctx *ec);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Error vocabulary of libtracewall (style.md B5): a small closed set of negative codes. */
#ifndef TW_CORE_ERR_H
#define TW_CORE_ERR_H

#include <stddef.h>

enum tw_err {
	TW_OK = 0,
	TW_EOF = 1, /* not an error: end of input */
	TW_E_NOMEM = -1,
	TW_E_TRUNCATED = -2, /* data ends early (snap length, cut line) */
	TW_E_INVALID = -3,   /* data is wrong: evidence, not an accident */
	TW_E_UNSUPPORTED = -4,
	TW_E_IO = -5, /* errno saved in struct tw_errctx */
	TW_E_DB = -6,
	TW_E_NOTFOUND = -7, /* e.g. a line that is not of the asked format */
	TW_E_PERM = -8,
	TW_E_RANGE = -9,  /* a number or length out of its allowed range */
	TW_E_AGAIN = -10, /* another process got there first: look again */
};

/* Returns a static string for a tw_err code; never NULL. */
const char *tw_strerror(int err);

/* Context for errors that carry more than a code (libpcap's errbuf idea). */
struct tw_errctx {
	int code;
	int sys_errno;
	char msg[256];
};

/* Records code, errno and a printf-style message in 'ctx' (if not NULL); returns 'code'. */
int tw_err_set(struct tw_errctx *ctx, int code, int sys_errno, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif

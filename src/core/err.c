/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Error strings and error context. */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *tw_strerror(int err)
{
	switch (err) {
	case TW_OK: return "success";
	case TW_EOF: return "end of input";
	case TW_E_NOMEM: return "out of memory";
	case TW_E_TRUNCATED: return "truncated";
	case TW_E_INVALID: return "invalid";
	case TW_E_UNSUPPORTED: return "unsupported";
	case TW_E_IO: return "input/output error";
	case TW_E_DB: return "store error";
	case TW_E_NOTFOUND: return "not found";
	case TW_E_PERM: return "permission denied";
	case TW_E_RANGE: return "out of range";
	case TW_E_AGAIN: return "taken by another process";
	}
	return "unknown error";
}

int tw_err_set(struct tw_errctx *ctx, int code, int sys_errno, const char *fmt, ...)
{
	va_list ap;

	if (!ctx)
		return code;
	ctx->code = code;
	ctx->sys_errno = sys_errno;
	va_start(ap, fmt);
	vsnprintf(ctx->msg, sizeof(ctx->msg), fmt, ap);
	va_end(ap);
	if (sys_errno) {
		size_t n = strlen(ctx->msg);
		snprintf(ctx->msg + n, sizeof(ctx->msg) - n, ": %s", strerror(sys_errno));
	}
	return code;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The data-file readers of the network index: registry, detection, the import loop (every
 * line through core/lines, so gzip-compressed files work too) and shared field helpers. */
#include "enrich/nd-int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/lines.h"

const struct tw_nd_format *const tw_nd_formats[] = {&tw_nd_ipldb, &tw_nd_iptoasn, &tw_nd_delegated,
						    &tw_nd_mmdb, NULL};

const struct tw_nd_format *tw_nd_find(const char *name)
{
	for (size_t i = 0; tw_nd_formats[i]; i++)
		if (!strcmp(tw_nd_formats[i]->name, name))
			return tw_nd_formats[i];
	return NULL;
}

const struct tw_nd_format *tw_nd_detect(const char *path, const char *head, size_t len)
{
	size_t pl = strlen(path);
	if (pl > 5 && !strcmp(path + pl - 5, ".mmdb"))
		return &tw_nd_mmdb;
	for (size_t i = 0; tw_nd_formats[i]; i++)
		if (tw_nd_formats[i]->sniff && tw_nd_formats[i]->sniff(head, len))
			return tw_nd_formats[i];
	return NULL;
}

int tw_nd_field(const char *p, size_t len, char sep, bool quotes, size_t *pos, char *buf,
		size_t cap, size_t *outlen)
{
	size_t i = *pos, o = 0;
	if (i > len)
		return TW_E_NOTFOUND;
	if (quotes && i < len && p[i] == '"') {
		i++;
		for (;;) {
			if (i >= len)
				return TW_E_INVALID; /* no closing quote */
			if (p[i] == '"') {
				if (i + 1 < len && p[i + 1] == '"') {
					i += 2;
					if (o == cap)
						return TW_E_INVALID;
					buf[o++] = '"';
					continue;
				}
				i++;
				break;
			}
			if (o == cap)
				return TW_E_INVALID;
			buf[o++] = p[i++];
		}
		if (i < len && p[i] != sep)
			return TW_E_INVALID;
	} else {
		while (i < len && p[i] != sep) {
			if (o == cap)
				return TW_E_INVALID;
			buf[o++] = p[i++];
		}
	}
	*outlen = o;
	*pos = i + 1; /* past the separator (or past the end: the next call ends) */
	return TW_OK;
}

int tw_nd_addr(const char *s, size_t n, struct tw_addr *a)
{
	return tw_addr_parse(s, n, a);
}

int tw_nd_num(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	if (!n || n > 20)
		return TW_E_INVALID;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return TW_E_INVALID;
		if (v > (max - (uint64_t)(s[i] - '0')) / 10)
			return TW_E_RANGE;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return TW_OK;
}

int tw_nd_import(struct tw_nd_builder *b, const char *path, const struct tw_nd_format *forced,
		 struct tw_errctx *ec)
{
	struct stat st;
	struct tw_lines lr;
	struct tw_line l;
	const struct tw_nd_format *f = forced;
	int src, ret;

	if (stat(path, &st) < 0)
		return tw_err_set(ec, TW_E_IO, errno, "%s: cannot open", path);
	if (!f || f->file) {
		/* Whole-file formats are known by name; line formats by their first line. */
		if (!f) {
			size_t pl = strlen(path);
			if (pl > 5 && !strcmp(path + pl - 5, ".mmdb"))
				f = &tw_nd_mmdb;
		}
		if (f && f->file) {
			src = tw_nd_source(b, path, f->name, (int64_t)st.st_mtime);
			if (src < 0)
				return tw_err_set(ec, TW_E_RANGE, 0, "%s: more than 64 data files",
						  path);
			return f->file(b, path, (unsigned)src, ec);
		}
	}
	ret = tw_lines_open(&lr, path, 4096, ec);
	if (ret)
		return ret;
	src = -1;
	while ((ret = tw_lines_next(&lr, &l, ec)) == TW_OK) {
		if (!f) {
			/* Detect from the first line that is not blank or a comment. */
			if (!l.len || l.p[0] == '#')
				continue;
			f = tw_nd_detect(path, l.p, l.len);
			if (!f || !f->line) {
				ret = tw_err_set(ec, TW_E_INVALID, 0,
						 "%s:%llu: not a data file tracewall knows (see "
						 "`tracewall db import --list-formats`)",
						 path, (unsigned long long)l.lineno);
				break;
			}
		}
		if (src < 0) {
			src = tw_nd_source(b, path, f->name, (int64_t)st.st_mtime);
			if (src < 0) {
				ret = tw_err_set(ec, TW_E_RANGE, 0, "%s: more than 64 data files",
						 path);
				break;
			}
		}
		if (l.flags & TW_LINE_TOO_LONG) {
			ret = tw_err_set(ec, TW_E_INVALID, 0, "%s:%llu: line too long", path,
					 (unsigned long long)l.lineno);
			break;
		}
		struct tw_errctx le;
		memset(&le, 0, sizeof(le));
		ret = f->line(b, l.p, l.len, (unsigned)src,
			      l.lineno > UINT32_MAX ? UINT32_MAX : (uint32_t)l.lineno, &le);
		if (ret) {
			tw_err_set(ec, ret, 0, "%s:%llu: %s", path, (unsigned long long)l.lineno,
				   le.msg[0] ? le.msg : tw_strerror(ret));
			break;
		}
	}
	if (ret == TW_EOF)
		ret = TW_OK;
	if (ret == TW_OK && !f)
		ret = tw_err_set(ec, TW_E_INVALID, 0, "%s: no data", path);
	tw_lines_close(&lr);
	return ret;
}

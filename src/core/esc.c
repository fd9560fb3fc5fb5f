/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Output buffer and per-medium escaping (terminal, JSON). */
#include "core/alloc.h"
#include "core/esc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "core/err.h"

void tw_buf_init(struct tw_buf *b)
{
	b->p = NULL;
	b->len = b->cap = 0;
	b->oom = false;
}

void tw_buf_fini(struct tw_buf *b)
{
	free(b->p);
	tw_buf_init(b);
}

void tw_buf_reset(struct tw_buf *b)
{
	b->len = 0;
}

static bool grow(struct tw_buf *b, size_t extra)
{
	if (b->oom)
		return false;
	if (b->cap - b->len > extra)
		return true;
	size_t ncap = b->cap ? b->cap : 4096;
	while (ncap - b->len <= extra) {
		if (ncap > ((size_t)-1) / 2) {
			b->oom = true;
			return false;
		}
		ncap *= 2;
	}
	char *np = tw_realloc(b->p, ncap);
	if (!np) {
		b->oom = true;
		return false;
	}
	b->p = np;
	b->cap = ncap;
	return true;
}

void tw_buf_add(struct tw_buf *b, const void *s, size_t n)
{
	if (!grow(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void tw_buf_addc(struct tw_buf *b, char c)
{
	if (!grow(b, 1))
		return;
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

void tw_buf_adds(struct tw_buf *b, const char *s)
{
	tw_buf_add(b, s, strlen(s));
}

void tw_buf_printf(struct tw_buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];

	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		tw_buf_add(b, small, (size_t)n);
		return;
	}
	if (!grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

int tw_buf_flush(struct tw_buf *b, FILE *f)
{
	int ret = TW_OK;

	if (b->len && fwrite(b->p, 1, b->len, f) != b->len)
		ret = TW_E_IO;
	b->len = 0;
	/* Text was lost when the buffer could not grow: what was written is incomplete. */
	return b->oom ? TW_E_NOMEM : ret;
}

size_t tw_utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t need;
	unsigned min;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 2;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < need)
		return 0;
	unsigned cp = c & (0xff >> (need + 1));
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need;
}

void tw_esc_json(struct tw_buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0;

	while (i < n) {
		unsigned c = u[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			i++;
			run++;
			continue;
		}
		if (run)
			tw_buf_add(b, u + i - run, run);
		run = 0;
		if (c == '"' || c == '\\') {
			tw_buf_addc(b, '\\');
			tw_buf_addc(b, (char)c);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			static const char hex[] = "0123456789abcdef";
			char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			if (c == '\n')
				tw_buf_add(b, "\\n", 2);
			else if (c == '\t')
				tw_buf_add(b, "\\t", 2);
			else if (c == '\r')
				tw_buf_add(b, "\\r", 2);
			else
				tw_buf_add(b, e, 6);
			i++;
		} else {
			size_t l = tw_utf8_seq(u + i, n - i);
			if (l == 2 && c == 0xc2 && u[i + 1] < 0xa0) {
				/* A C1 control (U+0080..U+009F, CSI U+009B among them): valid
				 * UTF-8, but a terminal that shows the JSON would obey it. */
				static const char hex[] = "0123456789abcdef";
				char e[6] = {
				    '\\', 'u', '0', '0', hex[u[i + 1] >> 4], hex[u[i + 1] & 15]};
				tw_buf_add(b, e, 6);
				i += 2;
			} else if (l) {
				tw_buf_add(b, u + i, l);
				i += l;
			} else {
				tw_buf_add(b, "\\ufffd", 6);
				i++;
			}
		}
	}
	if (run)
		tw_buf_add(b, u + i - run, run);
}

size_t tw_esc_term_into(const char *s, size_t n, size_t *used, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o = 0;

	/* One unit (a byte or a UTF-8 sequence) at a time, while its worst case (16 bytes:
	 * four escaped bytes) fits. */
	while (i < n && cap - o >= 16) {
		unsigned c = u[i];
		size_t l = c < 0x80 ? 1 : tw_utf8_seq(u + i, n - i);
		/* C1 controls U+0080..U+009F are encoded C2 80..C2 9F. */
		bool c1 = l == 2 && c == 0xc2 && u[i + 1] < 0xa0;
		if (c == '\\') {
			out[o++] = '\\';
			out[o++] = '\\';
			i++;
		} else if (l == 1 && c >= 0x20 && c < 0x7f) {
			out[o++] = (char)c;
			i++;
		} else if (l > 1 && !c1) {
			memcpy(out + o, u + i, l);
			o += l;
			i += l;
		} else {
			size_t k = l ? l : 1;
			for (size_t j = 0; j < k; j++) {
				out[o++] = '\\';
				out[o++] = 'x';
				out[o++] = hex[u[i + j] >> 4];
				out[o++] = hex[u[i + j] & 15];
			}
			i += k;
		}
	}
	*used = i;
	return o;
}

void tw_esc_term(struct tw_buf *b, const char *s, size_t n)
{
	char tmp[512];
	size_t i = 0, used;

	while (i < n) {
		size_t k = tw_esc_term_into(s + i, n - i, &used, tmp, sizeof(tmp));
		tw_buf_add(b, tmp, k);
		i += used;
	}
}

void tw_base64(struct tw_buf *b, const void *data, size_t n, unsigned wrap)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = data;
	unsigned col = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		tw_buf_addc(b, tab[v >> 18 & 63]);
		tw_buf_addc(b, tab[v >> 12 & 63]);
		tw_buf_addc(b, i + 1 < n ? tab[v >> 6 & 63] : '=');
		tw_buf_addc(b, i + 2 < n ? tab[v & 63] : '=');
		if (wrap && (col += 4) >= wrap) {
			tw_buf_adds(b, "\r\n");
			col = 0;
		}
	}
	if (wrap && col)
		tw_buf_adds(b, "\r\n");
}

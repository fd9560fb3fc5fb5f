/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Code page conversion (see codepage.h). One iconv descriptor per thread, opened on first
 * use, since a descriptor keeps shift state and must not be shared. */
#include "core/codepage.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>

#include "core/err.h"

static char codepage[32] = TW_CODEPAGE_DEFAULT;
static unsigned generation; /* bumps when the code page changes */

static _Thread_local iconv_t cd = (iconv_t)-1;
static _Thread_local unsigned cd_generation;

int tw_codepage_set(const char *name)
{
	if (strlen(name) >= sizeof(codepage))
		return TW_E_INVALID;
	iconv_t t = iconv_open("UTF-8", name);
	if (t == (iconv_t)-1)
		return TW_E_INVALID;
	iconv_close(t);
	memcpy(codepage, name, strlen(name) + 1);
	generation++;
	return TW_OK;
}

const char *tw_codepage_get(void)
{
	return codepage;
}

void tw_codepage_to_utf8(struct tw_buf *out, const char *s, size_t n, bool smb_breaks)
{
	if (cd != (iconv_t)-1 && cd_generation != generation) {
		iconv_close(cd);
		cd = (iconv_t)-1;
	}
	if (cd == (iconv_t)-1) {
		cd = iconv_open("UTF-8", codepage);
		cd_generation = generation;
	}
	for (size_t i = 0; i < n;) {
		/* Convert a run up to the next byte that needs special handling. */
		if (smb_breaks && s[i] == 0x14) {
			tw_buf_addc(out, '\n');
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && !(smb_breaks && s[j] == 0x14) && j - i < 1024)
			j++;
		char tmp[4096];
		char *in = (char *)s + i, *o = tmp;
		size_t inleft = j - i, oleft = sizeof(tmp);
		if (cd == (iconv_t)-1) {
			/* No converter at all: keep ASCII, replace the rest. */
			for (size_t k = i; k < j; k++) {
				if ((unsigned char)s[k] < 0x80)
					tw_buf_addc(out, s[k]);
				else
					tw_buf_add(out, "\xef\xbf\xbd", 3);
			}
			i = j;
			continue;
		}
		while (inleft) {
			size_t r = iconv(cd, &in, &inleft, &o, &oleft);
			if (r == (size_t)-1 && (errno == EILSEQ || errno == EINVAL)) {
				/* An unmapped byte: U+FFFD, then go on after it. */
				tw_buf_add(out, tmp, (size_t)(o - tmp));
				o = tmp;
				oleft = sizeof(tmp);
				tw_buf_add(out, "\xef\xbf\xbd", 3);
				in++;
				inleft--;
				iconv(cd, NULL, NULL, NULL, NULL);
			} else if (r == (size_t)-1) {
				break; /* E2BIG cannot happen: 4 output bytes per input byte fit */
			}
		}
		tw_buf_add(out, tmp, (size_t)(o - tmp));
		i = j;
	}
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text in a sender's code page (Messenger messages are in the sender's OEM or ANSI code
 * page, messenger-protocol.md §3.1) to UTF-8, through iconv. */
#ifndef TW_CORE_CODEPAGE_H
#define TW_CORE_CODEPAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/esc.h"

#define TW_CODEPAGE_DEFAULT "CP1252"

/* Sets the code page for all later conversions (an iconv name: CP1252, CP437, CP850,
 * ISO-8859-1…). Call before threads start. TW_OK, or TW_E_INVALID when iconv does not know
 * it. */
int tw_codepage_set(const char *name);
const char *tw_codepage_get(void);

/* Appends s[0..n) converted to UTF-8. A byte the code page does not map becomes U+FFFD;
 * with 'smb_breaks', 0x14 (the SMB message line break, §5.2) becomes '\n'. */
void tw_codepage_to_utf8(struct tw_buf *out, const char *s, size_t n, bool smb_breaks);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The probe classes: the fixed names of DESIGN.md and the worm:NAME / scanner:NAME classes
 * the signature file registers. */
#include "classify/classify.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

static const char *const fixed[TW_CLS_N] = {
    [TW_CLS_MESSENGER_SPAM] = "messenger-spam",
    [TW_CLS_NETBIOS_NS] = "netbios-ns",
    [TW_CLS_NETBIOS_DGM] = "netbios-dgm",
    [TW_CLS_NETBIOS_SSN] = "netbios-ssn",
    [TW_CLS_SMB] = "smb",
    [TW_CLS_MSRPC] = "msrpc",
    [TW_CLS_OTHER] = "other",
    [TW_CLS_BACKSCATTER] = "backscatter",
};

/* worm:NAME and scanner:NAME classes, in the order the signature file names them. */
static char dynamic[TW_CLS_MAX - TW_CLS_N][48];
static int ndynamic;

const char *tw_class_name(int c)
{
	if (c >= 0 && c < TW_CLS_N)
		return fixed[c];
	if (c >= TW_CLS_N && c < TW_CLS_N + ndynamic)
		return dynamic[c - TW_CLS_N];
	return "other";
}

int tw_class_find(const char *name, size_t len)
{
	for (int c = 0; c < TW_CLS_N; c++)
		if (strlen(fixed[c]) == len && memcmp(fixed[c], name, len) == 0)
			return c;
	for (int c = 0; c < ndynamic; c++)
		if (strlen(dynamic[c]) == len && memcmp(dynamic[c], name, len) == 0)
			return TW_CLS_N + c;
	return -1;
}

int tw_class_register(const char *name, size_t len)
{
	int known = tw_class_find(name, len);
	if (known >= 0)
		return known;
	bool worm = len > 5 && memcmp(name, "worm:", 5) == 0;
	bool scanner = len > 8 && memcmp(name, "scanner:", 8) == 0;
	if (!(worm || scanner) || len >= sizeof(dynamic[0]) || ndynamic == TW_CLS_MAX - TW_CLS_N)
		return -1;
	memcpy(dynamic[ndynamic], name, len);
	dynamic[ndynamic][len] = '\0';
	return TW_CLS_N + ndynamic++;
}

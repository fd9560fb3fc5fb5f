/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where tracewall keeps its data (the XDG base directory rules), and making the
 * directories of a path. */
#ifndef TW_CORE_PATHS_H
#define TW_CORE_PATHS_H

#include <stddef.h>

/* $XDG_DATA_HOME/tracewall/NAME when XDG_DATA_HOME is absolute, else
 * $HOME/.local/share/tracewall/NAME. TW_E_NOTFOUND when neither is set, TW_E_RANGE when
 * it does not fit. */
int tw_data_path(const char *name, char *out, size_t cap);

/* Creates the missing directories above 'path' (mode 0700), never one directly under the
 * root ("/nonexistent/…" fails rather than creating /nonexistent). 0, or -1 with errno. */
int tw_mkdirs_for(const char *path);

#endif

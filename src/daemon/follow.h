/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Log files followed by the daemon (issue 8): for hosts whose firewall is ufw or firewalld
 * and logs through syslog. What is new in a file goes through the store's incremental
 * ingest (store/ingest.h), which knows a file by its first bytes and keeps its offset with
 * the incidents: a restart goes on where the last commit was. Rotation:
 *   - by rename: the old file is held open, and what was still unread in it is ingested
 *     through that descriptor before the new file is;
 *   - by copytruncate: when the file became shorter, its copy (PATH.1) is ingested first —
 *     it has the same first bytes, so it goes on from the committed offset.
 * inotify on the files' directories says when to look; a look every few seconds catches
 * what inotify cannot see (network file systems). */
#ifndef TW_DAEMON_FOLLOW_H
#define TW_DAEMON_FOLLOW_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/err.h"
#include "store/ingest.h"

struct tw_follow {
	char path[1024];
	int fd; /* the file last seen at 'path' (held across a rename), or -1 */
	dev_t dev;
	ino_t ino;
	uint64_t size;	 /* its size when last looked at */
	int wd;		 /* inotify watch of its directory */
	bool dirty;	 /* inotify said something changed there */
	bool warned;	 /* "cannot read" said once */
	bool more;	 /* a slice was read: more is left (look again at once) */
	bool copy_left;	 /* the predecessor PATH.1 still has lines to read */
	uint64_t events; /* events read from it since start */
};

struct tw_followers {
	struct tw_follow *f;
	size_t n, cap;
	int ino_fd; /* inotify, or -1 */
};

int tw_followers_init(struct tw_followers *fs, struct tw_errctx *ec);
/* Makes the set 'list' ("PATH[,PATH…]"): new paths added, the others dropped. */
int tw_followers_set(struct tw_followers *fs, const char *list, struct tw_errctx *ec);
/* After inotify woke: marks the followers whose directory changed. */
void tw_followers_inotify(struct tw_followers *fs);
/* Ingests what is new in every follower (all of them when 'all', else those marked), at
 * most o->max_bytes of each file per call (the rest at the next: tw_followers_pending).
 * Errors are reported through 'warn' (one line each), never fatal. Returns the events read. */
typedef void (*tw_follow_warn)(void *ctx, const char *msg);
uint64_t tw_followers_poll(struct tw_followers *fs, struct tw_store *st, bool all,
			   const struct tw_ingest_opts *o, tw_follow_warn warn, void *ctx);
/* Whether a follower has more to read than the last call read. */
bool tw_followers_pending(const struct tw_followers *fs);
void tw_followers_fini(struct tw_followers *fs);

#endif

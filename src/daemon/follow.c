/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Followed log files (follow.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "daemon/follow.h"

int tw_followers_init(struct tw_followers *fs, struct tw_errctx *ec)
{
	memset(fs, 0, sizeof(*fs));
	fs->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fs->ino_fd < 0)
		return tw_err_set(ec, TW_E_IO, errno, "inotify: %s", strerror(errno));
	return TW_OK;
}

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static int add(struct tw_followers *fs, const char *path, size_t len, struct tw_errctx *ec)
{
	if (len == 0 || len >= sizeof(fs->f->path) || path[0] != '/')
		return tw_err_set(ec, TW_E_INVALID, 0,
				  "follow: '%.*s': want an absolute path (shorter than %zu)",
				  (int)(len > 100 ? 100 : len), path, sizeof(fs->f->path));
	for (size_t i = 0; i < fs->n; i++)
		if (strlen(fs->f[i].path) == len && !memcmp(fs->f[i].path, path, len))
			return TW_OK;
	struct tw_follow *nf = tw_grow(fs->f, fs->n, &fs->cap, sizeof(*nf), 4);
	if (!nf)
		return tw_err_set(ec, TW_E_NOMEM, 0, "out of memory");
	fs->f = nf;
	struct tw_follow *f = &fs->f[fs->n++];
	memset(f, 0, sizeof(*f));
	memcpy(f->path, path, len);
	f->fd = -1;
	f->dirty = true;
	/* The directory: the file itself may be renamed away and come back new. */
	char dir[sizeof(f->path)];
	size_t dl = (size_t)(base(f->path) - f->path);
	memcpy(dir, f->path, dl);
	dir[dl > 1 ? dl - 1 : dl] = '\0';
	f->wd = inotify_add_watch(fs->ino_fd, dir,
				  IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
				      IN_CLOSE_WRITE);
	return TW_OK;
}

/* The next item of a comma-separated list, the blanks around it trimmed; *p moves past it.
 * False at the end. */
static bool next_item(const char **p, const char **item, size_t *len)
{
	while (**p) {
		const char *q = *p;
		size_t l = strcspn(q, ","), s = 0, e = l;
		while (s < l && (q[s] == ' ' || q[s] == '\t'))
			s++;
		while (e > s && (q[e - 1] == ' ' || q[e - 1] == '\t'))
			e--;
		*p += l + (q[l] == ',');
		*item = q + s;
		*len = e - s;
		if (*len)
			return true;
	}
	return false;
}

int tw_followers_set(struct tw_followers *fs, const char *list, struct tw_errctx *ec)
{
	const char *p, *it;
	size_t l;
	/* Dropped: those not in the new list (their watches stay; events for them are
	 * ignored). */
	size_t k = 0;
	for (size_t i = 0; i < fs->n; i++) {
		size_t pl = strlen(fs->f[i].path);
		bool keep = false;
		for (p = list; !keep && next_item(&p, &it, &l);)
			keep = l == pl && !memcmp(it, fs->f[i].path, pl);
		if (keep)
			fs->f[k++] = fs->f[i];
		else if (fs->f[i].fd >= 0)
			close(fs->f[i].fd);
	}
	fs->n = k;
	for (p = list; next_item(&p, &it, &l);) {
		int r = add(fs, it, l, ec);
		if (r)
			return r;
	}
	return TW_OK;
}

void tw_followers_inotify(struct tw_followers *fs)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(fs->ino_fd, buf, sizeof(buf));
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return;
		}
		for (char *p = buf; p + sizeof(struct inotify_event) <= buf + n;) {
			const struct inotify_event *ie = (const struct inotify_event *)p;
			size_t step = sizeof(*ie) + ie->len;
			if (p + step > buf + n)
				break;
			for (size_t i = 0; i < fs->n; i++) {
				struct tw_follow *f = &fs->f[i];
				if ((ie->mask & IN_Q_OVERFLOW) ||
				    (ie->wd == f->wd && ie->len &&
				     !strcmp(ie->name, base(f->path))))
					f->dirty = true;
			}
			p += step;
		}
	}
}

static uint64_t ingest(struct tw_store *st, const char *path, const char *shown,
		       const struct tw_ingest_opts *o, struct tw_ingest_result *res,
		       tw_follow_warn warn, void *ctx)
{
	struct tw_errctx ec;
	memset(&ec, 0, sizeof(ec));
	if (tw_store_ingest(st, path, o, res, &ec)) {
		char m[400];
		snprintf(m, sizeof(m), "%.150s: %.240s", shown, ec.msg);
		warn(ctx, m);
		return 0;
	}
	return res->events;
}

/* The rest of the predecessor PATH.1 (a copy, or the renamed file), slice by slice. */
static uint64_t read_copy(struct tw_follow *f, struct tw_store *st, const struct tw_ingest_opts *o,
			  tw_follow_warn warn, void *ctx)
{
	struct stat cb;
	struct tw_ingest_result res;
	char p[PATH_MAX];
	uint64_t ev = 0;
	snprintf(p, sizeof(p), "%s.1", f->path);
	memset(&res, 0, sizeof(res));
	if (stat(p, &cb) == 0 && S_ISREG(cb.st_mode))
		ev = ingest(st, p, p, o, &res, warn, ctx);
	f->copy_left = res.more;
	f->more |= res.more;
	return ev;
}

static uint64_t poll_one(struct tw_follow *f, struct tw_store *st, const struct tw_ingest_opts *o,
			 tw_follow_warn warn, void *ctx)
{
	struct stat sb;
	struct tw_ingest_result res;
	uint64_t ev = 0;
	char p[PATH_MAX];
	bool exists = stat(f->path, &sb) == 0 && S_ISREG(sb.st_mode);
	bool copy_read = false;
	f->more = false;
	/* Lines in the predecessor first, as they are older. */
	if (f->copy_left) {
		ev += read_copy(f, st, o, warn, ctx);
		if (f->copy_left)
			return ev;
		copy_read = true;
	}
	if (f->fd >= 0) {
		if (!exists || sb.st_dev != f->dev || sb.st_ino != f->ino) {
			/* Renamed or deleted: the rest of it through the descriptor held. */
			snprintf(p, sizeof(p), "/proc/self/fd/%d", f->fd);
			memset(&res, 0, sizeof(res));
			ev += ingest(st, p, f->path, o, &res, warn, ctx);
			if (res.more) {
				f->more = true;
				return ev; /* the old file's next slice before the new file */
			}
			close(f->fd);
			f->fd = -1;
			f->size = 0;
		} else if ((uint64_t)sb.st_size < f->size) {
			/* Truncated after a copy: the copy goes on from the committed offset. */
			ev += read_copy(f, st, o, warn, ctx);
			copy_read = true;
			if (f->copy_left)
				return ev;
		}
	}
	if (!exists)
		return ev;
	if (f->fd < 0) {
		f->fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		struct stat fb;
		if (f->fd < 0 || fstat(f->fd, &fb) != 0) {
			if (!f->warned) {
				char m[1200];
				snprintf(m, sizeof(m), "%s: cannot read: %s", f->path,
					 strerror(errno));
				warn(ctx, m);
				f->warned = true;
			}
			if (f->fd >= 0)
				close(f->fd);
			f->fd = -1;
			return ev;
		}
		f->dev = fb.st_dev;
		f->ino = fb.st_ino;
		f->warned = false;
	}
	memset(&res, 0, sizeof(res));
	ev += ingest(st, f->path, f->path, o, &res, warn, ctx);
	f->more |= res.more;
	/* A file new under this name (truncated and grown past the old size before this look,
	 * or rotated while the daemon was down): the rest of its predecessor too. */
	if (!res.known && !copy_read && res.from == 0)
		ev += read_copy(f, st, o, warn, ctx);
	f->size = (uint64_t)sb.st_size;
	return ev;
}

uint64_t tw_followers_poll(struct tw_followers *fs, struct tw_store *st, bool all,
			   const struct tw_ingest_opts *o, tw_follow_warn warn, void *ctx)
{
	uint64_t ev = 0;
	for (size_t i = 0; i < fs->n; i++) {
		struct tw_follow *f = &fs->f[i];
		if (!all && !f->dirty && !f->more)
			continue;
		f->dirty = false;
		uint64_t e = poll_one(f, st, o, warn, ctx);
		f->events += e;
		ev += e;
	}
	return ev;
}

bool tw_followers_pending(const struct tw_followers *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		if (fs->f[i].more)
			return true;
	return false;
}

void tw_followers_fini(struct tw_followers *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		if (fs->f[i].fd >= 0)
			close(fs->f[i].fd);
	free(fs->f);
	if (fs->ino_fd >= 0)
		close(fs->ino_fd);
	memset(fs, 0, sizeof(*fs));
	fs->ino_fd = -1;
}

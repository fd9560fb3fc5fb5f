/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Progress bar on stderr for long runs: only on a terminal, only for large input, at most
 * ten redraws a second, erased when done. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

#define PROGRESS_MIN_BYTES (64ull * 1024 * 1024)

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void tw_progress_start(struct tw_progress *p, uint64_t total)
{
	p->on = total >= PROGRESS_MIN_BYTES && isatty(STDERR_FILENO);
	p->total = total;
	p->started_ms = p->last_ms = now_ms();
}

void tw_progress_update(struct tw_progress *p, uint64_t done)
{
	if (!p->on)
		return;
	int64_t t = now_ms();
	if (t - p->last_ms < 100)
		return;
	p->last_ms = t;
	if (done > p->total)
		done = p->total;
	int width = 40, fill = (int)(done * (uint64_t)width / (p->total ? p->total : 1));
	double secs = (double)(t - p->started_ms) / 1000.0;
	double mbs = secs > 0 ? (double)done / 1e6 / secs : 0;
	fprintf(stderr, "\r[%.*s%*s] %3d%%  %.0f MB/s", fill,
		"########################################", width - fill, "",
		(int)(done * 100 / (p->total ? p->total : 1)), mbs);
	fflush(stderr);
}

void tw_progress_finish(struct tw_progress *p)
{
	if (!p->on)
		return;
	fprintf(stderr, "\r%*s\r", 70, "");
	fflush(stderr);
}

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Rewrites the expected outputs from the current build. Review `git diff` before committing.
UPDATE=1 exec "$(dirname "$0")/run-golden.sh" "$@"

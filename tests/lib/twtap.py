# SPDX-License-Identifier: GPL-2.0-or-later
"""TAP for the Python test suites (run with Debian's /usr/bin/python3): one counter per
process, `check`, `skip`, `done` (the plan and the totals, exit 1 on a failure), and a
free loopback port for the servers the suites start."""
import socket
import sys

_n = _ok = _fail = _skip = 0


def check(name, cond, why="", lines=20):
    """One test: 'ok N - name', or 'not ok' with the first lines of 'why'."""
    global _n, _ok, _fail
    _n += 1
    if cond:
        _ok += 1
    else:
        _fail += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", _n, name))
    if not cond:
        for line in str(why).splitlines()[:lines]:
            print("#   " + line)
    sys.stdout.flush()
    return bool(cond)


def skip(name, why):
    global _n, _skip
    _n += 1
    _skip += 1
    print("ok %d - %s # SKIP %s" % (_n, name, why))
    sys.stdout.flush()


def failed():
    return _fail


def done():
    print("1..%d" % _n)
    print("# %d passed, %d failed, %d skipped" % (_ok, _fail, _skip))
    sys.exit(1 if _fail else 0)


def free_port(kind=socket.SOCK_STREAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def netns_add(what, ns):
    """Creates the network namespace 'ns' and returns the path of `ip`; without root,
    iproute2 or a kernel that allows namespaces, skips 'what' with the reason and ends."""
    import os
    import shutil
    import subprocess
    ip = shutil.which("ip") or "/usr/sbin/ip"
    if os.geteuid() != 0 or not os.path.exists(ip):
        skip(what, "needs root and iproute2")
        done()
    p = subprocess.run([ip, "netns", "add", ns], capture_output=True)
    if p.returncode:
        skip(what, "the kernel refuses namespaces: %s" % p.stderr.decode().strip())
        done()
    return ip

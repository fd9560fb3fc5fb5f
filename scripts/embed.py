#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes a C file that holds a text file as a char array (the compiled-in default
signatures). Usage: embed.py INPUT OUTPUT SYMBOL"""
import sys

src, dst, sym = sys.argv[1:4]
data = open(src, "rb").read()
with open(dst, "w") as f:
    f.write("/* Generated from %s by scripts/embed.py: do not edit. */\n" % src.split("/")[-1])
    f.write("#include <stddef.h>\n\n")
    f.write("extern const char %s[];\nextern const size_t %s_len;\n" % (sym, sym))
    f.write("const char %s[] = {\n" % sym)
    for i in range(0, len(data), 16):
        f.write("    " + ", ".join("(char)0x%02x" % b if b > 127 else "0x%02x" % b for b in data[i:i + 16]) + ",\n")
    f.write("    0x00};\nconst size_t %s_len = %d;\n" % (sym, len(data)))

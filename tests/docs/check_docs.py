#!/usr/bin/env python3
"""The documentation's own checks, fast and offline (tools/test's lint stage, ctest `docs`):

- every local link of every Markdown file of the repository reaches a file, and its
  #anchor a heading of that file (GitHub's slugs, Korean headings included);
- README.md is at most 250 lines and links every page of docs/;
- every English page listed in TRANSLATED has its Korean twin with the same sections: the
  same number of headings, at the same levels, in the same order;
- no source file cites a text outside the repository (the design notes the project began
  from): comments cite docs/semantics.md and docs/design.md.

usage: tests/docs/check_docs.py [REPO_ROOT]   (exits 1 and names each failure)"""

import os
import re
import subprocess
import sys
import unicodedata
import urllib.parse

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(__file__), "..", ".."))

# English page -> its Korean twin (same sections, same order).
TRANSLATED = {
    "README.md": "README.ko.md",
    "docs/semantics.md": "docs/ko/semantics.md",
}
README_MAX_LINES = 250
# What source files may not cite, and where they are.
OUTSIDE = re.compile(r"\b(?:SEMANTICS|DESIGN|STYLE)\.md\b|\.\./shared/")
SOURCE_DIRS = ("src", "cl", "include", "tests", "tools", "python", "web", "examples", "docs")

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
INLINE_CODE = re.compile(r"(`+)(?:.|\n)*?\1")


def markdown_files():
    """Tracked and new (not ignored) *.md files, relative to ROOT."""
    try:
        out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard",
                              "*.md"], cwd=ROOT, check=True, capture_output=True,
                             text=True).stdout
        files = [f for f in out.splitlines() if os.path.isfile(os.path.join(ROOT, f))]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for d, dirs, names in os.walk(ROOT):
            dirs[:] = [x for x in dirs if not x.startswith((".", "build")) and
                       x != "node_modules"]
            files += [os.path.relpath(os.path.join(d, n), ROOT) for n in names
                      if n.endswith(".md")]
    return sorted(f for f in files if "node_modules/" not in f)


def prose_lines(text):
    """(line number, line) outside fenced code blocks."""
    fenced = False
    for n, line in enumerate(text.split("\n"), 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield n, line


def headings(text):
    """[(level, title)] of the ATX headings outside code."""
    out = []
    for _, line in prose_lines(text):
        m = HEADING.match(line)
        if m:
            out.append((len(m.group(1)), m.group(2)))
    return out


def slug(title):
    """GitHub's anchor for a heading: the text as rendered (no markup), lower case, every
    character that is not a letter, a digit, a space, '-' or '_' dropped, spaces as '-'."""
    t = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", title)    # links: their text
    t = re.sub(r"<[^>]+>", "", t)                            # inline HTML
    t = t.replace("`", "").replace("*", "")
    t = t.lower()
    kept = []
    for ch in t:
        cat = unicodedata.category(ch)
        if ch in " -_" or cat[0] in "LN" or cat in ("Mn", "Mc"):
            kept.append(ch)
    return "".join(kept).replace(" ", "-")


def anchors(text):
    seen, out = {}, set()
    for _, title in headings(text):
        s = slug(title)
        n = seen.get(s, 0)
        seen[s] = n + 1
        out.add(s if n == 0 else "%s-%d" % (s, n))
    for m in re.finditer(r"<a\s+(?:name|id)=\"([^\"]+)\"", text):
        out.add(m.group(1))
    return out


def links(text):
    """(line number, target) of every Markdown link outside code."""
    for n, line in prose_lines(text):
        for m in LINK.finditer(INLINE_CODE.sub("", line)):
            yield n, m.group(1)


def check_links(files, fail):
    cache = {}

    def read(path):
        if path not in cache:
            with open(os.path.join(ROOT, path), encoding="utf-8") as f:
                cache[path] = f.read()
        return cache[path]

    for md in files:
        for n, target in links(read(md)):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):   # http:, mailto:, ...
                continue
            path, _, frag = target.partition("#")
            path = urllib.parse.unquote(path)
            dest = os.path.normpath(os.path.join(os.path.dirname(md), path)) if path else md
            where = "%s:%d: %s" % (md, n, target)
            if dest.startswith(".."):
                fail("%s: leaves the repository" % where)
                continue
            full = os.path.join(ROOT, dest)
            if not os.path.exists(full):
                fail("%s: no such file %s" % (where, dest))
                continue
            if frag:
                if not dest.endswith(".md"):
                    fail("%s: an anchor into a file that is not Markdown" % where)
                elif urllib.parse.unquote(frag) not in anchors(read(dest)):
                    fail("%s: no heading of %s has the anchor #%s" % (where, dest, frag))


def check_readme(fail):
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    lines = text.count("\n")
    if lines > README_MAX_LINES:
        fail("README.md: %d lines, more than %d" % (lines, README_MAX_LINES))
    linked = {os.path.normpath(urllib.parse.unquote(t.partition("#")[0]))
              for _, t in links(text)}
    for name in sorted(os.listdir(os.path.join(ROOT, "docs"))):
        if name.endswith((".md", ".yaml")) and "docs/" + name not in linked:
            fail("README.md: does not link docs/%s" % name)


def check_translations(fail):
    for en, ko in TRANSLATED.items():
        if not os.path.isfile(os.path.join(ROOT, ko)):
            fail("%s: no Korean twin %s" % (en, ko))
            continue
        with open(os.path.join(ROOT, en), encoding="utf-8") as f:
            a = [lvl for lvl, _ in headings(f.read())]
        with open(os.path.join(ROOT, ko), encoding="utf-8") as f:
            b = [lvl for lvl, _ in headings(f.read())]
        if a != b:
            fail("%s: its sections (heading levels %s) differ from %s's (%s)"
                 % (ko, "".join(map(str, b)), en, "".join(map(str, a))))


def check_citations(fail):
    try:
        out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard",
                              "--", *SOURCE_DIRS, "CMakeLists.txt"], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        out = [os.path.relpath(os.path.join(d, n), ROOT) for top in SOURCE_DIRS
               for d, _, names in os.walk(os.path.join(ROOT, top)) for n in names]
    for path in out:
        full = os.path.join(ROOT, path)
        if "node_modules/" in path or not os.path.isfile(full):
            continue
        try:
            with open(full, encoding="utf-8") as f:
                lines = f.read().split("\n")
        except (UnicodeDecodeError, OSError):
            continue  # binary fixtures
        for n, line in enumerate(lines, 1):
            m = OUTSIDE.search(line)
            if m:
                fail("%s:%d: cites %s, which is not in the repository (docs/semantics.md, "
                     "docs/design.md are)" % (path, n, m.group(0)))


def main():
    failures = []
    files = markdown_files()
    check_links(files, failures.append)
    check_readme(failures.append)
    check_translations(failures.append)
    check_citations(failures.append)
    for f in failures:
        print("docs: " + f)
    print("docs: %d Markdown files, %d translated pages checked, %d failures"
          % (len(files), len(TRANSLATED), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

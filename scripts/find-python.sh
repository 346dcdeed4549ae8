#!/usr/bin/env bash
# Prints a Python 3.12+ interpreter: python3.13/python3.12 on PATH, else one that pyenv knows.
set -u
ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; }
for candidate in python3.13 python3.12 python3; do
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if ok "$path"; then echo "$path"; exit 0; fi
done
if command -v pyenv >/dev/null 2>&1; then
  for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9])' | sort -rV); do
    path="$(pyenv prefix "$version" 2>/dev/null)/bin/python3"
    if ok "$path"; then echo "$path"; exit 0; fi
  done
fi
echo "No Python 3.12 or newer found; install python3.13 and retry." >&2
exit 1

#!/bin/sh
# The one command: finds a Python 3 that can import pika ($PYTHON if set, then python3, then
# Debian's /usr/bin/python3, where apt's python3-pika lives) and runs the subscriber with it.
# exec: the subscriber itself receives Ctrl-C and SIGTERM, and stops cleanly.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
for python in "${PYTHON:-}" python3 /usr/bin/python3; do
  [ -n "$python" ] || continue
  if command -v "$python" >/dev/null 2>&1 && "$python" -c 'import pika' 2>/dev/null; then
    exec "$python" "$here/src/subscriber.py" "$@"
  fi
done
echo "run.sh: no python3 here can import pika. Install it: sudo apt-get install python3-pika" >&2
echo "run.sh:   or: python3 -m pip install -r $here/requirements.txt   (or set PYTHON=/path/to/python3)" >&2
exit 1

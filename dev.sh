#!/usr/bin/env bash
# The two set-up commands of the README:
#   bash dev.sh lab    install everything, open JupyterLab on examples/01_quickstart.ipynb, served from the
#                      repository root as on Binder (/lab/tree/examples/01_quickstart.ipynb); extra
#                      arguments go to jupyter lab: bash dev.sh lab --no-browser --port 8899
#   bash dev.sh test   install everything (Debian's chromium too, as root), run lint + the whole test suite
# Everything goes into ./.venv; nothing outside the project is changed except, for
# `test` as root on Debian, the apt packages the browser tests need.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
VENV=.venv

setup() {
  if [ ! -x "$VENV/bin/python" ]; then
    echo "== creating the virtual environment $VENV"
    "$PY" -m venv "$VENV"
    echo "== installing paperlens[$1] and its dependencies into $VENV (the first time takes a minute or two)"
  else
    echo "== checking paperlens[$1] is installed in $VENV"
  fi
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[$1]"
}

browser() {
  if [ -x /usr/bin/chromium ]; then return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing Debian's chromium for the browser tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
  elif [ "${CI:-}" = "true" ]; then
    echo "CI needs /usr/bin/chromium for the browser tests and cannot install it (not root or no apt-get)" >&2
    exit 1
  else
    echo "== /usr/bin/chromium missing: browser tests will be skipped (install Debian's chromium to run them)"
  fi
}

case "${1:-}" in
  lab)
    setup lab
    shift
    echo "== starting JupyterLab (the address to open is printed below)"
    # paperlens lab serves the repository root and opens examples/01_quickstart.ipynb (--allow-root as root).
    exec "$VENV/bin/paperlens" lab "$@"
    ;;
  test)
    shift
    browser
    setup test
    echo "== ruff"
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    echo "== pytest"
    set +e
    "$VENV/bin/python" -m pytest -n 2 --dist loadgroup "$@"
    rc=$?
    set -e
    if [ "$rc" = 5 ]; then echo "pytest collected no tests: that is a failure" >&2; exit 1; fi
    exit "$rc"
    ;;
  *)
    echo "usage: bash dev.sh lab | bash dev.sh test [pytest args]" >&2
    exit 2
    ;;
esac

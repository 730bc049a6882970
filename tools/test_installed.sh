#!/usr/bin/env bash
# Run the unit tests against a non-editable install of regnet_lab, from a folder outside the
# checkout, so that nothing is imported from the checkout by accident (see benchmarks/README.md,
# "Tests against an installed package").
#
#   tools/test_installed.sh                       the whole suite (tests/)
#   tools/test_installed.sh tests/test_reference.py -k checkout     some tests (paths as here)
#
# 1. The package is built from a copy of this working tree (pyproject.toml, README.md,
#    regnet_lab/) and installed with pip into a folder of its own (`pip install --target`):
#    the same wheel `pip install .` would install, data files included.
# 2. A throwaway virtual environment sees that folder first and then the project's .venv
#    packages (torch and the rest are not copied). It reads no .pth file of .venv, so the
#    editable install's import hook (__editable___regnet_lab_*_finder, started by a .pth) is
#    not active and `import regnet_lab` finds the installed copy; the script checks that.
# 3. pytest runs from an empty folder with the repository's pytest settings.
# Not part of `make test` (the CI budget is tight). Environment: VENV_PY (default .venv/bin/python).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV_PY=${VENV_PY:-$ROOT/.venv/bin/python}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/regnet_lab_installed.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

mkdir "$WORK/src" "$WORK/run"
cp "$ROOT/pyproject.toml" "$ROOT/README.md" "$WORK/src/"
(cd "$ROOT" && tar cf - --exclude=__pycache__ regnet_lab) | tar xf - -C "$WORK/src"
"$VENV_PY" -m pip install --quiet --no-deps --no-build-isolation --target "$WORK/site" "$WORK/src"

BASE=$("$VENV_PY" -c 'import sys; print(sys._base_executable)')
"$BASE" -m venv --without-pip "$WORK/venv"
PY="$WORK/venv/bin/python"
SITE=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
MAIN_SITE=$("$VENV_PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
printf '%s\n%s\n' "$WORK/site" "$MAIN_SITE" > "$SITE/regnet_lab_installed.pth"

cd "$WORK/run"
"$PY" - "$WORK/site" <<'EOF'
import sys
from pathlib import Path

import regnet_lab

where = Path(regnet_lab.__file__).resolve()
assert where.is_relative_to(Path(sys.argv[1]).resolve()), f"regnet_lab imported from {where}"
assert not any("editable" in type(f).__module__ for f in sys.meta_path), sys.meta_path
print(f"testing the installed regnet_lab {where.parent}")
EOF

if [ $# -eq 0 ]; then
  set -- "$ROOT/tests"
else  # paths relative to the repository root
  args=()
  for a in "$@"; do
    if [[ $a != -* && -e $ROOT/${a%%::*} ]]; then args+=("$ROOT/$a"); else args+=("$a"); fi
  done
  set -- "${args[@]}"
fi
"$PY" -m pytest -c "$ROOT/pyproject.toml" --rootdir "$ROOT" -p no:cacheprovider -q "$@"

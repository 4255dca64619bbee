#!/bin/sh
# The first step of `make install` (and so of `make lab` and `make test`): check the Python that
# will build .venv before anything is created, and rebuild a .venv that is broken or stale,
# saying why in one line. Silent when all is well. Plain POSIX sh, so that it runs anywhere make
# does, and can explain even an interpreter too old to run a Python script of ours.
#
# Settings come from the Makefile, as environment variables:
#   PYTHON        the interpreter that builds .venv (make PYTHON=python3.12 ...)
#   PYTHON_ASKED  non-empty when PYTHON was given explicitly: then .venv must be that version
#   VENV, STAMP   the venv folder, and the file that says its install finished
#   GOAL          the make goal, to name in the command we suggest
set -u

PYTHON=${PYTHON:-python3}
PYTHON_ASKED=${PYTHON_ASKED:-}
VENV=${VENV:-.venv}
STAMP=${STAMP:-$VENV/.installed}
GOAL=${GOAL:-install}
# Python 3.10-3.13: the versions TensorFlow 2.21 has wheels for. pyproject.toml's
# requires-python says the same (tests/test_install.py checks that they agree).
MIN_MINOR=10
MAX_MINOR=13
RANGE="3.$MIN_MINOR-3.$MAX_MINOR"
# The version the tests run on comes first.
CANDIDATES="python3.11 python3.12 python3.13 python3.10 python3"

say() { printf 'make: %s\n' "$*" >&2; }

# One line, "3.12 pip" or "3.12 nopip", from any Python (2.7 included).
PROBE='import sys
try:
    import importlib.util
    has_pip = importlib.util.find_spec("pip") is not None
except Exception:
    has_pip = False
sys.stdout.write("%d.%d %s\n" % (sys.version_info[0], sys.version_info[1],
                                 "pip" if has_pip else "nopip"))'

probe() { "$1" -c "$PROBE" 2>/dev/null; }

in_range() {
    case $1 in
        3.[0-9]|3.[0-9][0-9]) [ "${1#3.}" -ge $MIN_MINOR ] && [ "${1#3.}" -le $MAX_MINOR ] ;;
        *) return 1 ;;
    esac
}

# "python3.12 3.12": a Python of the right version on PATH, other than $PYTHON, that runs (a
# pyenv shim may not).
suggest() {
    for cand in $CANDIDATES; do
        [ "$cand" = "$PYTHON" ] && continue
        command -v "$cand" >/dev/null 2>&1 || continue
        out=$(probe "$cand") || continue
        if in_range "${out%% *}"; then
            echo "$cand ${out%% *}"
            return 0
        fi
    done
    return 1
}

# Sets PYVER to $PYTHON's version, or explains what to do and stops.
check_python() {
    why=""
    if ! command -v "$PYTHON" >/dev/null 2>&1; then
        why="$PYTHON was not found"
    elif ! out=$(probe "$PYTHON"); then
        why="$PYTHON does not run"
    else
        PYVER=${out%% *}
        in_range "$PYVER" || why="$PYTHON is Python $PYVER"
    fi
    [ -z "$why" ] && return 0
    say "$why, but cnn-notebooks needs Python $RANGE (TensorFlow 2.21 has wheels for no other)."
    if alt=$(suggest); then
        say "use ${alt% *} (Python ${alt#* }), found on your PATH:  make PYTHON=${alt% *} $GOAL"
    else
        say "no Python $RANGE found on your PATH: install one (python.org, or e.g." \
            "'sudo apt install python3.12'), then run  make PYTHON=python3.12 $GOAL" \
            "  (or use conda: see Troubleshooting in README.md)"
    fi
    exit 1
}

# Prints why $VENV cannot be used as it is (nothing when it can, or when there is none).
venv_problem() {
    [ -e "$VENV" ] || [ -L "$VENV" ] || return 0
    if [ ! -e "$VENV/bin/python" ] && [ ! -L "$VENV/bin/python" ]; then
        echo "it has no python ($VENV/bin/python is missing)"
        return 0
    fi
    if ! out=$(probe "$VENV/bin/python"); then
        echo "its python does not run (the Python that made it was moved or removed)"
        return 0
    fi
    ver=${out%% *}
    if ! in_range "$ver"; then
        echo "it was made by Python $ver, and cnn-notebooks needs Python $RANGE"
    elif [ -n "$PYTHON_ASKED" ] && [ "$ver" != "$PYVER" ]; then
        echo "it was made by Python $ver, and you asked for $PYTHON (Python $PYVER)"
    elif [ "${out#* }" != pip ]; then
        echo "it has no pip (Debian and Ubuntu make such a venv when python3-venv is missing)"
    elif [ ! -f "$STAMP" ]; then
        echo "its last install did not finish"
    fi
}

# Never delete a folder that is not a venv: VENV may have been set to anything.
refuse_unless_venv() {
    if [ -d "$VENV" ] && [ ! -L "$VENV" ]; then
        [ -f "$VENV/pyvenv.cfg" ] && return 0
        [ -z "$(ls -A "$VENV")" ] && return 0  # an empty folder
    fi
    say "$VENV is in the way but is not a Python venv (no $VENV/pyvenv.cfg), so it was left alone."
    say "move it away, or use another folder:  make VENV=.venv-cnn $GOAL"
    exit 1
}

create_venv() {
    say "creating $VENV with $PYTHON (Python $PYVER)"
    if ! "$PYTHON" -m venv "$VENV" || ! out=$(probe "$VENV/bin/python") \
            || [ "${out#* }" != pip ]; then
        [ -f "$VENV/pyvenv.cfg" ] && rm -rf "$VENV"  # half-made: start clean next time
        say "could not make a venv with pip in it from $PYTHON (Python $PYVER)."
        say "on Debian/Ubuntu, install Python's venv module, then run make again:" \
            " sudo apt install python$PYVER-venv"
        exit 1
    fi
    if [ "$(uname -s 2>/dev/null)" = Darwin ] && [ "$(uname -m 2>/dev/null)" = x86_64 ]; then
        say "this Intel Mac gets everything except TensorFlow (it has no 2.21 wheel): notebooks" \
            "01 and 04 run in full, 02, 03 and 05 all but their TensorFlow cells, 06 and 07" \
            "not at all; see Troubleshooting in README.md."
    fi
}

PYVER=""
[ -n "$PYTHON_ASKED" ] && check_python
problem=$(venv_problem)
if [ -n "$problem" ]; then
    refuse_unless_venv
    [ -n "$PYVER" ] || check_python  # before anything is deleted
    say "rebuilding $VENV: $problem."
    rm -rf "$VENV"
fi
if [ ! -e "$VENV" ]; then
    [ -n "$PYVER" ] || check_python
    create_venv
fi
exit 0

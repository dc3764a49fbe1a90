#!/usr/bin/env bash
# Times LesionTrack's labelling kernel against cc3d, scipy.ndimage and
# SimpleITK on the benchmark volumes, and checks that LesionTrack's
# 26-connected label map partitions the foreground exactly as cc3d does.
#
#   bash Tests/Peers/run-peers.sh [--quick] [--volumes LIST] [--connectivity LIST]
#                                 [--reps N] [--binary PATH] [--keep DIR]
#
# See Tests/Peers/README.md.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/../.." && pwd)

venv=${LESIONTRACK_PEERS_VENV:-$HOME/.cache/lesiontrack-peer-venv}
pins=(
  numpy==2.4.6
  scipy==1.17.1
  connected-components-3d==4.1.1
  simpleitk==2.5.7
  nibabel==5.4.2
  importlib-resources==7.1.0
  packaging==26.3
  typing-extensions==4.16.0
)
stamp=$venv/.lesiontrack-pins

quick=0
volumes=lesion,dense,large
connectivity=6,18,26
reps=5
binary=$repo_root/.build/release/lesiontrack
keep=

usage() {
  cat <<EOF
usage: bash Tests/Peers/run-peers.sh [options]

Runs 'lesiontrack bench' on its generated volumes, writes them as NIfTI, then
times cc3d, scipy.ndimage and SimpleITK on the same files and prints the
figures side by side with LesionTrack's. Exits 1 if the benchmark fails or if
any peer or LesionTrack's label map disagrees with cc3d.

options:
  --quick              smaller volumes (dense 128³, large 256³), as in CI
  --volumes LIST       generated volumes, comma-separated (default: $volumes)
  --connectivity LIST  connectivities, comma-separated (default: $connectivity)
  --reps N             timed repetitions of each peer step, after one
                       warm-up; the median is reported (default: $reps)
  --binary PATH        the lesiontrack executable
                       (default: <repo>/.build/release/lesiontrack)
  --keep DIR           write the volumes, label maps and JSON figures into DIR
                       and keep them (default: a temporary folder, removed)
  -h, --help           this text

The Python peers live in a private virtual environment at
\$LESIONTRACK_PEERS_VENV (now: $venv), created on first use.
EOF
}

die() {
  echo "run-peers.sh: $*" >&2
  exit 2
}

need_value() {
  [[ $# -ge 2 && -n $2 ]] || die "$1 needs a value (see --help)"
}

while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) quick=1; shift ;;
    --volumes) need_value "$@"; volumes=$2; shift 2 ;;
    --connectivity) need_value "$@"; connectivity=$2; shift 2 ;;
    --reps) need_value "$@"; reps=$2; shift 2 ;;
    --binary) need_value "$@"; binary=$2; shift 2 ;;
    --keep) need_value "$@"; keep=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

[[ $reps =~ ^[1-9][0-9]*$ ]] || die "--reps must be a positive integer, not '$reps'"
[[ $volumes =~ ^[a-z]+(,[a-z]+)*$ ]] || die "--volumes must be a comma-separated list such as lesion,dense,large"
[[ $connectivity =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--connectivity must be a comma-separated list such as 6,18,26"
if [[ ! -x $binary ]]; then
  die "no executable at $binary; build it first with 'swift build -c release' in $repo_root, or pass --binary"
fi

# --- the private Python environment ---------------------------------------

env_ready() {
  [[ -x $venv/bin/python && -f $stamp && "$(<"$stamp")" == "${pins[*]}" ]]
}

install_env() {
  echo "run-peers.sh: setting up the Python peers in $venv (first run only)" >&2
  if [[ ! -x $venv/bin/python ]] || ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
    if ! python3 -m venv "$venv"; then
      echo "run-peers.sh: 'python3 -m venv $venv' failed. Install Python's venv" \
           "module first (Debian/Ubuntu: apt-get install python3-venv) and retry." >&2
      exit 1
    fi
  fi
  if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
         --only-binary=:all: "${pins[@]}" >&2; then
    echo "run-peers.sh: pip could not install ${pins[*]}" >&2
    exit 1
  fi
  printf '%s\n' "${pins[*]}" >"$stamp"
  echo "run-peers.sh: Python peers ready" >&2
}

if ! env_ready; then
  mkdir -p "$venv"
  # Concurrent first runs wait here, and only the first one installs.
  exec 9>"$venv/.lesiontrack-install.lock"
  flock 9
  env_ready || install_env
  exec 9>&-
fi

# --- the volumes ------------------------------------------------------------

if [[ -n $keep ]]; then
  mkdir -p "$keep"
  work=$(cd "$keep" && pwd)
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/lesiontrack-peers.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi

bench_args=(bench --volumes "$volumes" --connectivity "$connectivity"
            --write-volumes "$work" --json "$work/bench.json")
((quick)) && bench_args+=(--quick)

rm -f "$work/bench.json"
echo "== lesiontrack ${bench_args[*]}"
bench_status=0
"$binary" "${bench_args[@]}" || bench_status=$?
if [[ $bench_status -ne 0 ]]; then
  echo "run-peers.sh: the benchmark exited with status $bench_status" >&2
fi
if [[ ! -s $work/bench.json ]]; then
  echo "run-peers.sh: the benchmark wrote no figures ($work/bench.json); nothing to compare" >&2
  exit 1
fi

echo
echo "== peers: cc3d, scipy.ndimage, SimpleITK on the same files (median of $reps after one warm-up)"
compare_status=0
"$venv/bin/python" "$script_dir/compare_peers.py" \
  --bench-json "$work/bench.json" --volumes-dir "$work" \
  --connectivity "$connectivity" --reps "$reps" \
  --json "$work/peers.json" || compare_status=$?

if [[ $bench_status -ne 0 || $compare_status -ne 0 ]]; then
  echo "run-peers.sh: FAILED (benchmark status $bench_status, comparison status $compare_status)" >&2
  exit 1
fi
[[ -n $keep ]] && echo "run-peers.sh: volumes, bench.json and peers.json kept in $work"
exit 0

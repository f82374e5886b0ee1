#!/usr/bin/env bash
# Grade shard I of N of one assignment in a private copy of the course; keep its results.
#
#   grade-shard.sh COURSE_DIR ASSIGNMENT I N RESULTS_DIR
#
# The copy matters on a cluster: the gradebook is SQLite, and N jobs writing one SQLite
# file on a shared filesystem at once corrupt it or lock each other out. Each shard
# grades into its own copy (node-local $TMPDIR) and leaves RESULTS_DIR/shard-I/STUDENT/
# (results.json, junit.xml, summary.md, the executed notebook); `medl merge` then writes
# every shard into the one gradebook. MEDL names the medl executable (default: medl).
set -euo pipefail
if [ $# -ne 5 ]; then
    echo "usage: $0 COURSE_DIR ASSIGNMENT I N RESULTS_DIR" >&2
    exit 2
fi
course=$1 assignment=$2 index=$3 count=$4 results=$5
medl=${MEDL:-medl}
[ -f "$course/nbgrader_config.py" ] || { echo "no nbgrader_config.py in $course" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/medl-shard-$index-XXXXXX")
trap 'rm -rf "$work"' EXIT
# Everything but what grading writes (earlier results, autograded notebooks, feedback).
tar -C "$course" --exclude=./medl-results --exclude=./autograded --exclude=./feedback -cf - . \
    | tar -C "$work" -xf -

"$medl" grade "$work" "$assignment" --shard "$index/$count" \
    --workers "${SLURM_CPUS_PER_TASK:-1}"

mkdir -p "$results"
rm -rf "$results/shard-$index.partial"
cp -a "$work/medl-results/$assignment" "$results/shard-$index.partial"
# Renamed last, so a shard folder exists only when the whole shard was copied.
rm -rf "$results/shard-$index"
mv "$results/shard-$index.partial" "$results/shard-$index"

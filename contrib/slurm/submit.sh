#!/usr/bin/env bash
# Submit the grading array and the merge that waits for it.
#
#   contrib/slurm/submit.sh COURSE_DIR ASSIGNMENT N_SHARDS RESULTS_DIR [extra sbatch options]
set -euo pipefail
if [ $# -lt 4 ]; then
    echo "usage: $0 COURSE_DIR ASSIGNMENT N_SHARDS RESULTS_DIR [sbatch options...]" >&2
    exit 2
fi
course=$(realpath "$1") assignment=$2 shards=$3 results=$(realpath -m "$4")
shift 4
here=$(dirname "$(realpath "$0")")
cd "$here/../.."  # the array's tasks find grade-shard.sh from the submit directory
array=$(sbatch --parsable --array="1-$shards" "$@" "$here/grade-array.sbatch" \
    "$course" "$assignment" "$results")
merge=$(sbatch --parsable --dependency="afterany:${array%%;*}" "$here/merge.sbatch" \
    "$course" "$assignment" "$results")
echo "grading array $array ($shards shards), merge $merge; results in $results"

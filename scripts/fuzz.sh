#!/usr/bin/env bash
# Fuzzes every reader of outside bytes with libFuzzer: IDX (plain and gzip), CIFAR-10, CSV,
# safetensors and the checkpoint loader (Fuzz/Sources/fuzz-*, one harness each).
#
#   scripts/fuzz.sh [--seconds N | --runs N] [READER ...]
#
# Builds the harness package Fuzz/ (release, libFuzzer and AddressSanitizer), then runs each
# READER (default: all) for N seconds (default 30) or N inputs, starting from its seeds in
# Fuzz/Corpus/READER (new inputs go to a temporary folder, not into the repository). A crash, a
# hang (an input that takes more than 10 s) or an out-of-memory input is written to
# Fuzz/findings/ and makes the script exit with status 1. Prints one line of figures per reader.
set -euo pipefail
cd "$(dirname "$0")/.."

limit=(-max_total_time=30)
readers=()
while (($#)); do
    case "$1" in
        --seconds) limit=(-max_total_time="$2"); shift 2 ;;
        --runs) limit=(-runs="$2"); shift 2 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) readers+=("$1"); shift ;;
    esac
done
((${#readers[@]})) || readers=(idx idx-gzip cifar10 csv safetensors checkpoint)

# zlib's headers: the Train module inflates gzip with it, and the gzip harness deflates.
if [[ ! -e /usr/include/zlib.h ]]; then
    apt-get install -y zlib1g-dev || { apt-get update && apt-get install -y zlib1g-dev; }
fi

# Always from scratch: release builds inline the library's code across modules, and an
# incremental build kept a harness with a fixed function's old body.
flags=(-c release --package-path Fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
rm -rf Fuzz/.build
swift build "${flags[@]}"
bin=$(swift build "${flags[@]}" --show-bin-path)

mkdir -p Fuzz/findings
# A trap then reaches libFuzzer's handler directly (Swift's backtracer does not run under ASan).
export SWIFT_BACKTRACE=enable=no
failed=0
for reader in "${readers[@]}"; do
    work=$(mktemp -d)
    log="$work/log"
    status=0
    "$bin/fuzz-$reader" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -use_value_profile=1 -print_final_stats=1 \
        -artifact_prefix="Fuzz/findings/$reader-" "$work" "Fuzz/Corpus/$reader" >"$log" 2>&1 || status=$?
    inputs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    seconds=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log")
    crashes=$(grep -c -E '^==[0-9]+== ?ERROR: (libFuzzer: (deadly signal|out-of-memory)|AddressSanitizer|LeakSanitizer)' "$log" || true)
    hangs=$(grep -c 'ERROR: libFuzzer: timeout' "$log" || true)
    echo "fuzz-$reader: ${inputs:-?} inputs in ${seconds:-?} s, corpus $(ls "$work" | grep -vc '^log$') new inputs, $crashes crashes, $hangs hangs (exit status $status)"
    if ((status != 0)); then
        failed=1
        tail -n 40 "$log"
    fi
    rm -rf "$work"
done
exit "$failed"

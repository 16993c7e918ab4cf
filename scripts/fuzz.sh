#!/usr/bin/env bash
# Builds the libFuzzer driver and runs the fuzz harnesses (docs/FUZZING.md).
#
#   scripts/fuzz.sh [NAME|all] [SECONDS]   run one harness, or each in turn (default: all, 60 s each)
#   scripts/fuzz.sh merge NAME             add the work corpus's new edges to Fuzz/corpus/NAME
#   scripts/fuzz.sh --list                 the harnesses and what each checks
#
# The driver (Fuzz/Package.swift) is built with -sanitize=fuzzer,address into .build-fuzz, apart
# from the normal build. A run reads the committed seeds (Fuzz/corpus/NAME) and regression inputs
# (Fuzz/regressions/NAME), which it never changes, and keeps what it finds in a work corpus.
# Environment:
#   TWOFOLD_FUZZ_WORK=DIR      work corpora, one folder per harness (default .build-fuzz/corpus)
#   TWOFOLD_FUZZ_FLAGS="..."   extra libFuzzer flags, e.g. "-jobs=2 -workers=2" or "-max_len=8192"
#   TWOFOLD_FUZZ_SKIP_BUILD=1  use the driver as it is
#   TWOFOLD_FUZZ_COVERAGE=edge instrument edges only, without libFuzzer's comparison tracing (which
#                              is most of the cost of loop-heavy harnesses such as qr); built
#                              into .build-fuzz-edge
#   TWOFOLD_FUZZ_SCRATCH=DIR   build folder (default .build-fuzz, or .build-fuzz-edge), e.g. so a
#                              long campaign keeps its own binary while the code changes
# A crash or broken invariant is saved under .build-fuzz/artifacts/NAME/ and makes the script
# exit 1 once every requested harness has run; reproduce it with
#   .build-fuzz/release/twofold-fuzz NAME .build-fuzz/artifacts/NAME/crash-…
set -euo pipefail
cd "$(dirname "$0")/.."

coverage_flags=()
scratch=.build-fuzz
if [ "${TWOFOLD_FUZZ_COVERAGE:-}" = edge ]; then
    coverage_flags=(-Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table)
    scratch=.build-fuzz-edge
fi
scratch=${TWOFOLD_FUZZ_SCRATCH:-$scratch}
bin=$scratch/release/twofold-fuzz
work=${TWOFOLD_FUZZ_WORK:-$scratch/corpus}
# Crash reports must come from libFuzzer and ASan, not from Swift's backtracer.
export SWIFT_BACKTRACE=enable=no
# ASan keeps every distinct allocation stack it sees (30 frames deep by default) in a depot that
# is never freed. A recursive parser (CBOR, JSON: up to 64 levels) fed mutated input reaches new
# stacks all the time, so a long run's memory grew ~170 bytes an input until libFuzzer's 2 GB
# limit stopped webauthn-cbor after 2 million inputs, while the live heap was 26 MB. Five frames
# still name the allocating function; with them its memory stays flat (docs/FUZZING.md).
export ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=5}

build() {
    [ -n "${TWOFOLD_FUZZ_SKIP_BUILD:-}" ] && [ -x "$bin" ] && return
    echo "== fuzz: building the driver (release, -sanitize=fuzzer,address) into $scratch"
    # lld: gold fails on the sanitizer runtime's symbols.
    swift build --package-path Fuzz --scratch-path "$scratch" -c release \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld "${coverage_flags[@]}"
}

# run NAME SECONDS: one bounded libFuzzer session; returns libFuzzer's status.
run() {
    local name=$1 seconds=$2
    local artifacts=$scratch/artifacts/$name
    mkdir -p "$work/$name" "$artifacts"
    local dictionary=()
    [ -f "Fuzz/dictionaries/$name.dict" ] && dictionary=(-dict="Fuzz/dictionaries/$name.dict")
    # vault and gateway-api start Dispatch queues and fill the Swift runtime's caches, so
    # libFuzzer sees more mallocs than frees on most inputs and runs LeakSanitizer after each of
    # them: 60 % of their time, and never a finding. Their per-input leak check is off (3.4 and
    # 5 times the executions a second); every other harness keeps it.
    local leaks=()
    case $name in vault | gateway-api) leaks=(-detect_leaks=0) ;; esac
    local readonly_corpora=(Fuzz/corpus/"$name")
    [ -d "Fuzz/regressions/$name" ] && readonly_corpora+=(Fuzz/regressions/"$name")
    echo "== fuzz: $name for ${seconds}s"
    # shellcheck disable=SC2086 # TWOFOLD_FUZZ_FLAGS is a list of flags
    "$bin" "$name" -max_total_time="$seconds" -seed="${TWOFOLD_FUZZ_SEED:-0}" -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "${dictionary[@]}" "${leaks[@]}" ${TWOFOLD_FUZZ_FLAGS:-} \
        "$work/$name" "${readonly_corpora[@]}" 2>"$scratch/$name.log" || {
        local status=$?
        grep -E 'invariant broken|ERROR: |SUMMARY: |Test unit written' "$scratch/$name.log" >&2 || tail -20 "$scratch/$name.log" >&2
        return $status
    }
    grep -E '^(#[0-9]+.*DONE|stat::(number_of_executed_units|average_exec_per_sec|new_units_added))' "$scratch/$name.log" |
        sed 's/^/   /'
}

case "${1:-all}" in
    --list | -l)
        build >&2
        "$bin" --list
        ;;
    merge)
        name=${2:?usage: scripts/fuzz.sh merge NAME}
        build
        # Adds only the work corpus's inputs that reach edges the committed ones do not (hit
        # counts ignored, which keeps the committed corpus small enough for the replay test).
        "$bin" "$name" -merge=1 -use_counters=0 "Fuzz/corpus/$name" "$work/$name"
        ;;
    *)
        name=${1:-all}
        seconds=${2:-60}
        build
        if [ "$name" = all ]; then
            names=$("$bin" --list | cut -f1)
        else
            names=$name
        fi
        failed=()
        for harness in $names; do
            run "$harness" "$seconds" || failed+=("$harness")
        done
        if [ ${#failed[@]} -gt 0 ]; then
            echo "fuzz: crashes or broken invariants in: ${failed[*]} (inputs under $scratch/artifacts/)" >&2
            exit 1
        fi
        ;;
esac

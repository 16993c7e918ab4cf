# shellcheck shell=bash
# Sourced by scripts/test, scripts/run, e2e-test.sh, browser-test.sh and load-smoke.sh: the flags
# of every debug build, shared so that none of them recompiles what another built (SwiftPM
# rebuilds everything whose command line changed). Warnings are errors: CI keeps the code free of
# them.
# shellcheck disable=SC2034 # used by the scripts that source this file
DEBUG_BUILD_FLAGS=(-Xswiftc -warnings-as-errors)

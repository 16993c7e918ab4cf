#!/usr/bin/env bash
# The one install step: what a fresh Debian machine with only the Swift toolchain lacks, for
#   scripts/lib/install-deps.sh run    building and running the system (scripts/run)
#   scripts/lib/install-deps.sh test   every test stage too (scripts/test, .ci/run)
# Apt packages by name, Python tools by pip. Checks first and says nothing when everything is
# there (a few hundred milliseconds); installs only what is missing; safe to run again and again.
# As root it installs; otherwise through `sudo -n` when that works, else it prints the commands
# and fails.
set -euo pipefail

profile=${1:-test}
case "$profile" in
run | test) ;;
*)
    echo "install-deps: usage: $0 [run|test]" >&2
    exit 64
    ;;
esac

# libssl-dev + pkg-config: OpenSSL for CLibCrypto (the build). For the tests: zbar-tools (QR
# decoding), oathtool (an independent TOTP), util-linux (setpriv: the isolation test), systemd
# (systemd-analyze: the unit checks), python3-pip (the Python tools below), chromium and
# chromium-driver (the browser test), faketime (the upgrade test runs the daemons at the moment
# its fixture was captured).
apt_packages=(libssl-dev pkg-config)
# module to import = pip package to install
python_packages=()
if [ "$profile" = test ]; then
    apt_packages+=(zbar-tools oathtool util-linux systemd python3-pip chromium chromium-driver faketime)
    python_packages+=(
        "jsonschema=jsonschema" "referencing=jsonschema" "openapi_spec_validator=openapi-spec-validator"
        "selenium=selenium" "schemathesis=schemathesis"
    )
fi

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        echo "install-deps: not root and no password-less sudo; run as root:" >&2
        echo "  $*" >&2
        return 1
    fi
}

missing=()
for package in "${apt_packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "install-deps: installing ${missing[*]} (apt)"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq
    as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ${#python_packages[@]} -gt 0 ]; then
    modules=()
    for pair in "${python_packages[@]}"; do modules+=("${pair%%=*}"); done
    # One interpreter start for all the checks: prints the modules that do not import.
    absent=$(python3 - "${modules[@]}" <<'PY'
import importlib.util, sys
print(" ".join(name for name in sys.argv[1:] if importlib.util.find_spec(name) is None))
PY
)
    wanted=()
    for pair in "${python_packages[@]}"; do
        module=${pair%%=*} package=${pair#*=}
        for name in $absent; do
            if [ "$name" = "$module" ] && [[ ! " ${wanted[*]-} " == *" $package "* ]]; then wanted+=("$package"); fi
        done
    done
    if [ ${#wanted[@]} -gt 0 ]; then
        echo "install-deps: installing ${wanted[*]} (pip)"
        # Debian's own python3 refuses system-wide pip installs without --break-system-packages.
        python3 -m pip install --quiet "${wanted[@]}" 2>/dev/null ||
            python3 -m pip install --quiet --break-system-packages "${wanted[@]}"
    fi
fi

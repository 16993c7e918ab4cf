#!/usr/bin/env bash
# Installs Twofold as systemd services (see deploy/README.md). Run as root from the checkout.
#
#   scripts/install.sh [--dry-run] [--bin-dir DIR]
#
#   --dry-run      print what would be done, change nothing
#   --bin-dir DIR  install the executables found in DIR instead of building release binaries
#   PREFIX         where the executables go (default /usr/local: ${PREFIX}/bin); the unit files'
#                  ExecStart= paths are rewritten to match
#   DESTDIR        stage everything under this folder instead of / (packaging, tests): users are
#                  then not created (systemd-sysusers creates them on the target at boot)
#   SWIFT_BUILD_FLAGS  extra flags for `swift build -c release` (default: --static-swift-stdlib,
#                  so the binaries do not need the toolchain at run time)
#
# Never overwrites an existing master key: /etc/twofold/vault-master-key is created only if absent.
set -euo pipefail
cd "$(dirname "$0")/.."

dry_run=0
bin_dir=""
while [ $# -gt 0 ]; do
    case "$1" in
        --dry-run) dry_run=1 ;;
        --bin-dir)
            [ $# -ge 2 ] || { echo "install: --bin-dir needs a folder" >&2; exit 64; }
            bin_dir=$2
            shift
            ;;
        -h | --help)
            sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *) echo "install: unknown argument '$1' (try --help)" >&2; exit 64 ;;
    esac
    shift
done

prefix=${PREFIX:-/usr/local}
prefix=${prefix%/}
destdir=${DESTDIR:-}
destdir=${destdir%/}
case "$prefix" in /*) ;; *) echo "install: PREFIX must be an absolute path" >&2; exit 64 ;; esac

if [ "$(id -u)" -ne 0 ] && [ $dry_run -eq 0 ] && [ -z "$destdir" ]; then
    echo "install: run as root (or use --dry-run, or DESTDIR=folder to stage)" >&2
    exit 77
fi
is_root=0
[ "$(id -u)" -eq 0 ] && is_root=1

# Every change goes through `run`, so --dry-run prints exactly what a real run does.
run() {
    if [ $dry_run -eq 1 ]; then
        printf '  would run:'
        printf ' %q' "$@"
        printf '\n'
    else
        "$@"
    fi
}
say() { echo "install: $*"; }

# 1. Executables.
if [ -z "$bin_dir" ]; then
    say "building release binaries (swift build -c release ${SWIFT_BUILD_FLAGS---static-swift-stdlib})"
    # shellcheck disable=SC2086 # the flags are words on purpose
    run swift build -c release ${SWIFT_BUILD_FLAGS---static-swift-stdlib}
    bin_dir=$(swift build -c release --show-bin-path)
fi
products="secret-vault sms-sender auth-gateway twofold load-driver"
for product in $products; do
    if [ ! -x "$bin_dir/$product" ] && [ $dry_run -eq 0 ]; then
        echo "install: $bin_dir/$product is missing; did the build fail?" >&2
        exit 1
    fi
done
for product in $products; do
    run install -D -m 0755 "$bin_dir/$product" "$destdir$prefix/bin/$product"
done

# 2. Documentation, units, sysusers.d and tmpfiles.d (units rewritten for PREFIX).
run install -D -m 0644 deploy/README.md "$destdir$prefix/share/doc/twofold/deploy/README.md"
run install -d -m 0755 "$destdir/etc/systemd/system" "$destdir/etc/sysusers.d" "$destdir/etc/tmpfiles.d"
for unit in deploy/systemd/*; do
    target="$destdir/etc/systemd/system/$(basename "$unit")"
    if [ $dry_run -eq 1 ]; then
        echo "  would write: $target (from $unit, /usr/local/ rewritten to $prefix/)"
    else
        sed -e "s|/usr/local/bin/|$prefix/bin/|g" -e "s|/usr/local/share/|$prefix/share/|g" "$unit" > "$target.tmp"
        chmod 0644 "$target.tmp"
        mv "$target.tmp" "$target"
    fi
done
run install -m 0644 deploy/sysusers.d/twofold.conf "$destdir/etc/sysusers.d/twofold.conf"
run install -m 0644 deploy/tmpfiles.d/twofold.conf "$destdir/etc/tmpfiles.d/twofold.conf"

# 3. Users and groups (only on a live system; a staged tree gets them from sysusers.d at boot).
create_users_without_sysusers() {
    local conf=deploy/sysusers.d/twofold.conf line name gecos home
    while IFS= read -r line; do
        if [[ $line =~ ^g[[:space:]]+([^[:space:]]+) ]]; then
            name=${BASH_REMATCH[1]}
            getent group "$name" >/dev/null || run groupadd --system "$name"
        fi
    done < "$conf"
    while IFS= read -r line; do
        if [[ $line =~ ^u[[:space:]]+([^[:space:]]+)[[:space:]]+[^[:space:]]+[[:space:]]+\"([^\"]*)\"[[:space:]]+([^[:space:]]+) ]]; then
            name=${BASH_REMATCH[1]} gecos=${BASH_REMATCH[2]} home=${BASH_REMATCH[3]}
            getent passwd "$name" >/dev/null \
                || run useradd --system --user-group --no-create-home --home-dir "$home" \
                    --shell /usr/sbin/nologin --comment "$gecos" "$name"
        fi
    done < "$conf"
    while IFS= read -r line; do
        if [[ $line =~ ^m[[:space:]]+([^[:space:]]+)[[:space:]]+([^[:space:]]+) ]]; then
            id -nG "${BASH_REMATCH[1]}" 2>/dev/null | tr ' ' '\n' | grep -qx "${BASH_REMATCH[2]}" \
                || run usermod -aG "${BASH_REMATCH[2]}" "${BASH_REMATCH[1]}"
        fi
    done < "$conf"
}
if [ -n "$destdir" ]; then
    say "DESTDIR set: users and groups are left to systemd-sysusers on the target"
elif command -v systemd-sysusers >/dev/null; then
    run systemd-sysusers /etc/sysusers.d/twofold.conf
else
    say "systemd-sysusers not found: creating users and groups with groupadd/useradd"
    create_users_without_sysusers
fi

# 4. /etc/twofold (root only) and the master key, created once and never overwritten.
run install -d -m 0700 "$destdir/etc/twofold"
[ $is_root -eq 1 ] && run chown root:root "$destdir/etc/twofold"
key="$destdir/etc/twofold/vault-master-key"
if [ -e "$key" ] || [ -L "$key" ]; then
    mode=$(stat -c %a "$key")
    say "keeping the existing master key $key (mode $mode)"
    [ "$mode" = 600 ] || [ "$mode" = 400 ] || say "WARNING: $key should be mode 0600; the vault refuses group/other-readable keys"
elif [ $dry_run -eq 1 ]; then
    echo "  would create: $key (32 random bytes, root:root 0600)"
else
    # noclobber opens with O_EXCL: even a key that appeared meanwhile is never replaced.
    (umask 077 && set -o noclobber && head -c 32 /dev/urandom > "$key")
    [ $is_root -eq 1 ] && chown root:root "$key"
    chmod 0600 "$key"
    [ "$(stat -c %s "$key")" -eq 32 ] || { echo "install: $key is not 32 bytes" >&2; exit 1; }
    say "created the master key $key; back it up offline: without it the vault's store cannot be read"
fi

if [ $dry_run -eq 1 ]; then
    say "dry run: nothing was changed"
    exit 0
fi
say "installed into ${destdir:-/} (executables in $prefix/bin)"
cat <<EOF

Next steps:
  systemctl daemon-reload && systemctl enable --now twofold.target
  systemctl status 'twofold-*'          # all three should be "active (running)"
  journalctl -u twofold-vault -f        # logs (JSON lines)
Put a TLS front (e.g. nginx, see deploy/README.md) before the gateway on 127.0.0.1:8080.
EOF

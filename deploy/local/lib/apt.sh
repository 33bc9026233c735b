# Debian packages: installs what is missing, with one `apt-get update` per run at most.

APT_UPDATED=0

pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'; }

apt_update_once() {
  [ "$APT_UPDATED" -eq 1 ] && return 0
  run_logged "$LOGS_DIR/apt.log" apt-get update -q || return 1
  APT_UPDATED=1
}

# apt_ensure pkg...: installs the packages that are not installed yet; no-op (and no network) when all are.
apt_ensure() {
  local missing=() p
  for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
  [ "${#missing[@]}" -eq 0 ] && return 0
  info "installing Debian packages: ${missing[*]}"
  apt_update_once || return 1
  DEBIAN_FRONTEND=noninteractive run_logged "$LOGS_DIR/apt.log" \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# apt_has_candidate pkg: whether the machine's apt knows an installable version of pkg.
apt_has_candidate() {
  local c
  c=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}')
  [ -n "$c" ] && [ "$c" != "(none)" ]
}

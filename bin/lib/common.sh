# Shared by the scripts in bin/ and .ci/: find a JDK 25, install Debian packages, run Maven.
# Sourced, not executed.

IPSEC4J_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# java_major JAVA_BIN -> prints the major version (17, 25, ...) or nothing.
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

# find_jdk25 -> prints a JAVA_HOME whose java is >= 25: $JAVA_HOME if it qualifies, else the
# Temurin 25 these machines carry, else any JDK >= 25 under /usr/lib/jvm. Returns 1 if none.
find_jdk25() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64)
  local d
  for d in /usr/lib/jvm/*; do candidates+=("$d"); done
  for d in "${candidates[@]}"; do
    [ -x "$d/bin/java" ] || continue
    local v
    v=$(java_major "$d/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then
      (cd "$d" && pwd -P)
      return 0
    fi
  done
  return 1
}

require_jdk25() {
  local home
  if ! home=$(find_jdk25); then
    echo "ipsec4j: no JDK 25 or newer found (looked at \$JAVA_HOME and /usr/lib/jvm/*)." >&2
    echo "ipsec4j: install one (e.g. Temurin 25 at /usr/lib/jvm/temurin-25-jdk-amd64) or set JAVA_HOME to it." >&2
    exit 3
  fi
  export JAVA_HOME="$home"
  export PATH="$JAVA_HOME/bin:$PATH"
}

# ensure_packages PKG... -> apt-get install whatever of PKG is missing (idempotent; needs root).
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "ipsec4j: missing Debian packages: ${missing[*]} (run as root, or install them first)." >&2
    exit 4
  fi
  echo "ipsec4j: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  # tshark asks whether non-root users may capture; preseed the answer.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
  # Packages such as strongswan-starter would start their service on the host; the tests run their own
  # daemons inside namespaces, so keep invoke-rc.d from starting anything while we install.
  local own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=1
  fi
  local status=0
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || status=$?
  [ "$own_policy" -eq 1 ] && rm -f /usr/sbin/policy-rc.d
  return $status
}

# The packages the build, the demo and the tests need.
BUILD_PACKAGES=(maven)
# strongSwan is the independent IKEv2 peer of the interop tests: charon, swanctl and kernel-libipsec
# (in libcharon-extra-plugins: this kernel has no ESP module).
TEST_PACKAGES=(tshark iproute2 iptables conntrack iperf3 iputils-ping iputils-tracepath tcpdump openssl strongswan-charon strongswan-swanctl
               libcharon-extra-plugins libstrongswan-standard-plugins)
DEMO_PACKAGES=(iproute2 iputils-ping)

# mvn_run ARGS... -> Maven with the JDK 25, quiet, batch mode.
mvn_run() {
  require_jdk25
  # Maven 3.8's own Guice/Guava call sun.misc.Unsafe; JDK 25 warns about it on every run.
  # Maven 3.8 with -q still writes colour resets; strip escape sequences (pipefail keeps Maven's status).
  (set -o pipefail
   cd "$IPSEC4J_ROOT" && MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
     mvn -B -ntp -Dstyle.color=never "$@" 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g')
}

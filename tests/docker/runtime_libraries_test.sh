#!/usr/bin/env bash
# The image cannot be built without a Docker engine, but its one fragile part
# can be checked here: the runtime stage installs packages by name, and a
# library the binaries load that none of them brings would only show up as a
# crash at start in the cluster. So: every shared library that the binaries
# CI built need must come from a package that the runtime stage's
# `apt-get install` pulls in (with its dependencies) or from debian:12-slim's
# essential set, and every binary the image copies must exist in the build.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:?BUILD_DIR must point at the CMake build directory}
DOCKERFILE=${DOCKERFILE:-$ROOT/deploy/Dockerfile}

# The runtime stage's RUN lines, continuations joined, and from them the words
# between `apt-get install` and the next `&&`.
runtime_packages=$(awk '/^FROM /{ stage++ } stage == 2' "$DOCKERFILE" | sed -e ':a' -e '/\\$/N' -e 's/\\\n//' -e 'ta' |
  grep -o 'apt-get install[^&]*' | tr ' ' '\n' | grep -E '^[a-z0-9][a-z0-9.+-]+$' |
  grep -vx -e apt-get -e install | sort -u)
[[ -n $runtime_packages ]] || { echo "no runtime packages found in $DOCKERFILE" >&2; exit 1; }

# What those packages bring, and what every Debian image has (Essential: yes).
available=$( {
  apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances $runtime_packages | grep -v '^ ' | grep -v '^<'
  dpkg-query -W -f='${Package} ${Essential}\n' | awk '$2 == "yes" { print $1 }'
} | sed 's/:amd64$//' | sort -u)

# The binaries the image copies, by their path in the build stage.
binaries=$(grep -o '/src/build/[^ ]*' "$DOCKERFILE" | sed "s|^/src/build|$BUILD_DIR|" | sort -u)
[[ $(wc -l <<<"$binaries") -ge 5 ]] || { echo "expected five binaries in $DOCKERFILE" >&2; exit 1; }

declare -A package_of  # library path → package, looked up once
failures=0
for binary in $binaries; do
  [[ -x $binary ]] || { echo "FAIL: $binary (copied by the Dockerfile) was not built" >&2; failures=1; continue; }
  while read -r library; do
    if [[ ! -v package_of[$library] ]]; then
      # usrmerge: dpkg knows /lib/… for what ldd resolves as /usr/lib/….
      real=$(readlink -f "$library")
      owner=$(dpkg -S "$real" 2>/dev/null || dpkg -S "${real#/usr}" 2>/dev/null || true)
      package_of[$library]=${owner%%:*}
    fi
    package=${package_of[$library]}
    if [[ -z $package ]]; then
      echo "FAIL: $(basename "$binary") loads $library, which no Debian package provides" >&2
      failures=1
    elif ! grep -qx "$package" <<<"$available"; then
      echo "FAIL: $(basename "$binary") loads $library from $package, which the runtime stage does not install" >&2
      failures=1
    fi
  done < <(ldd "$binary" | awk '/=> \// { print $3 }')
done
[[ $failures -eq 0 ]] || exit 1
echo "runtime stage ($(wc -w <<<"$runtime_packages") packages) provides every library of $(wc -l <<<"$binaries") binaries"

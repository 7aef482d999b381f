#!/usr/bin/env bash
# Release binaries: one self-contained, single-file `llmfleet` per platform, an archive of each and SHA256SUMS over
# the archives. Needs the .NET SDK (global.json), the NuGet feed it restores from and, for the build machine's own
# Linux platform, a C toolchain (clang or gcc) and zlib1g-dev.
#
#   eng/release.sh                 # every platform below
#   eng/release.sh linux-x64       # only the ones named
#
# Output: $LLMFLEET_RELEASE_DIR, else $LLMFLEET_ARTIFACTS/release, else artifacts/release:
#   <rid>/llmfleet[.exe]   llmfleet-<version>-<rid>.tar.gz (.zip for Windows)   SHA256SUMS
# The Dockerfile and CI run this same script, so CI proves the image's build step.
#
# Native AOT for the Linux platform the script runs on (linux-x64 on a linux-x64 machine, linux-arm64 in an arm64
# image build): `llmfleet models` starts in a third of the ReadyToRun binary's time (docs/benchmarks.md, "startup").
# Native AOT cannot cross-compile to another OS, nor to another architecture without a cross toolchain, so the other
# platforms get ReadyToRun per assembly (not composite: one composite image of the framework and every library made
# the binary 44 MB larger and its build several times longer for 15 % of start-up). LLMFLEET_RELEASE_AOT=0 builds
# ReadyToRun everywhere. A platform whose runtime pack the feed does not serve is skipped with a message; any other
# failure stops the script.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
all=(linux-x64 linux-arm64 osx-arm64 win-x64)
out=${LLMFLEET_RELEASE_DIR:-${LLMFLEET_ARTIFACTS:-$root/artifacts}/release}
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -n 1)

rids=("$@")
[ ${#rids[@]} -eq 0 ] && rids=("${all[@]}")
for rid in "${rids[@]}"; do
  case " ${all[*]} " in
    *" $rid "*) ;;
    *) echo "error: unknown platform '$rid'; one of: ${all[*]}" >&2; exit 2 ;;
  esac
done

# Outside a git checkout (a source archive, the container build) the commit can be handed in.
extra=()
[ -n "${SOURCE_REVISION:-}" ] && extra+=("-p:SourceRevisionId=$SOURCE_REVISION")

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) host=linux-x64 ;;
  Linux-aarch64) host=linux-arm64 ;;
  *) host= ;;
esac

mkdir -p "$out"
built=() skipped=()
for rid in "${rids[@]}"; do
  echo "== llmfleet $version for $rid"
  rm -rf "${out:?}/$rid"
  if [ "$rid" = "$host" ] && [ "${LLMFLEET_RELEASE_AOT:-1}" != 0 ]; then
    # The native linker step needs a C compiler and zlib; say so before a long build fails at its end.
    if ! command -v clang >/dev/null 2>&1 && ! command -v gcc >/dev/null 2>&1; then
      echo "error: Native AOT for $rid needs clang or gcc and zlib1g-dev (apt-get install gcc libc6-dev zlib1g-dev); LLMFLEET_RELEASE_AOT=0 builds ReadyToRun instead" >&2
      exit 1
    fi
    mode=(-p:PublishAot=true)
  else
    mode=(-p:PublishSingleFile=true -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=false -p:IncludeNativeLibrariesForSelfExtract=true)
  fi
  echo "   ${mode[0]#-p:}"
  # Intermediates of another mode (ReadyToRun, composite, AOT) share this folder, and the SDK has reused stale ones.
  rm -rf "${LLMFLEET_ARTIFACTS:-$root/artifacts}"/obj/*/release_"$rid"
  log=$(mktemp)
  if dotnet publish "$root/src/LlmFleet.Cli" -c Release -r "$rid" --self-contained "${mode[@]}" \
      -p:DebugType=none -p:PublishDocumentationFile=false -p:PublishReferencesDocumentationFiles=false ${extra[@]+"${extra[@]}"} -o "$out/$rid" >"$log" 2>&1; then
    :
  elif grep -qE 'error NU110[12]' "$log"; then
    # NU1101/NU1102: the feed has no runtime (or crossgen) pack of the SDK's version for this platform.
    grep -E 'error NU110[12]' "$log" | sort -u | head -n 3 >&2
    echo "skipped $rid: the package feed does not serve the .NET runtime packs for it" >&2
    skipped+=("$rid"); rm -f "$log"; continue
  else
    cat "$log" >&2; rm -f "$log"; exit 1
  fi
  rm -f "$log"
  archive="llmfleet-$version-$rid"
  if [[ $rid == win-* ]]; then
    (cd "$out/$rid" && rm -f "../$archive.zip" && zip -q "../$archive.zip" llmfleet.exe)
  else
    tar -C "$out/$rid" -czf "$out/$archive.tar.gz" llmfleet
  fi
  built+=("$rid")
done

# Sums over every archive in the folder (earlier runs' platforms included), in the format `sha256sum -c` reads.
(cd "$out" && shopt -s nullglob && sha256sum llmfleet-"$version"-*.tar.gz llmfleet-"$version"-*.zip >SHA256SUMS)
echo "built: ${built[*]:-none}${skipped[*]:+; skipped: ${skipped[*]}} -> $out"
[ ${#built[@]} -gt 0 ]

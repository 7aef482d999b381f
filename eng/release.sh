#!/usr/bin/env bash
# Release binaries: one self-contained, single-file, ReadyToRun `llmfleet` per platform, an archive of each and
# SHA256SUMS over the archives. Needs only the .NET SDK (global.json) and the NuGet feed it restores from.
#
#   eng/release.sh                 # every platform below
#   eng/release.sh linux-x64       # only the ones named
#
# Output: $LLMFLEET_RELEASE_DIR, else $LLMFLEET_ARTIFACTS/release, else artifacts/release:
#   <rid>/llmfleet[.exe]   llmfleet-<version>-<rid>.tar.gz (.zip for Windows)   SHA256SUMS
# The Dockerfile and CI run this same script, so CI proves the image's build step.
#
# ReadyToRun per assembly, not composite: the SDK's default for single-file, one composite image of the framework and
# every library, made the binary 44 MB larger and its build several times longer for the same start-up
# (docs/benchmarks.md, "startup"); the framework's assemblies come compiled ReadyToRun in the runtime pack.
#
# ReadyToRun, not Native AOT: the CLI's libraries (Spectre.Console.Cli, YamlDotNet, the Kubernetes client, YARP)
# reflect over types that trimming would remove. A platform whose runtime pack the feed does not serve is skipped
# with a message; any other failure stops the script.
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

mkdir -p "$out"
built=() skipped=()
for rid in "${rids[@]}"; do
  echo "== llmfleet $version for $rid"
  rm -rf "${out:?}/$rid"
  log=$(mktemp)
  if dotnet publish "$root/src/LlmFleet.Cli" -c Release -r "$rid" --self-contained \
      -p:PublishSingleFile=true -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=false \
      -p:IncludeNativeLibrariesForSelfExtract=true \
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

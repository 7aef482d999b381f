# syntax=docker/dockerfile:1
# The gateway image (`llmfleet serve` on port 8080). Build, from the repository root:
#   docker build -t llmfleet:$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props) \
#     --build-arg VERSION=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props) \
#     --build-arg SOURCE_REVISION=$(git rev-parse HEAD) .
# The build stage runs eng/release.sh, the same script and command CI runs, so CI proves this stage builds: a Native AOT
# binary for the image's own platform, which needs a C toolchain and zlib. The final stage holds only that binary on
# the small base with the native libraries .NET needs.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TARGETARCH=amd64
ARG SOURCE_REVISION=
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev zlib1g-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN rid=linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64) \
 && SOURCE_REVISION="$SOURCE_REVISION" LLMFLEET_RELEASE_DIR=/release eng/release.sh "$rid" \
 && cp "/release/$rid/llmfleet" /llmfleet

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0
ARG VERSION=dev
ARG SOURCE_REVISION=
ARG SOURCE_URL=
LABEL org.opencontainers.image.title="llmfleet" \
      org.opencontainers.image.description="OpenAI-compatible gateway for vLLM fleets (llmfleet serve)" \
      org.opencontainers.image.version="$VERSION" \
      org.opencontainers.image.revision="$SOURCE_REVISION" \
      org.opencontainers.image.source="$SOURCE_URL"
COPY --from=build /llmfleet /usr/local/bin/llmfleet
# The key store and usage ledger live in /var/lib/llmfleet (mount a volume there); fleet.yaml in /etc/llmfleet.
RUN mkdir -p /var/lib/llmfleet /etc/llmfleet && chown app:app /var/lib/llmfleet
# `app` (uid 1654) is the non-root user the .NET base images define.
USER app
EXPOSE 8080
ENTRYPOINT ["llmfleet"]
CMD ["serve", "--config", "/etc/llmfleet/fleet.yaml"]

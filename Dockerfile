# Container image of sps-apply (and sps-sim, to try it without an appliance).
#
#   docker build -t sps-apply .
#   docker run --rm -v "$PWD:/work" -e SPS_URL -e SPS_USERNAME -e SPS_PASSWORD \
#       -e SPS_CA_FILE=/work/sps-ca.pem sps-apply plan desired-state/
#
# Stage 1 builds on Debian 12 with the packages of scripts/setup-deps and installs into
# /opt/sps-apply; stage 2 is debian:12-slim with only the runtime libraries. Keep the package
# lists in sync with scripts/setup-deps; scripts/check-dockerfile checks that every package
# exists in Debian 12 and that the runtime stage covers the binaries' shared libraries.

FROM debian:12 AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config ca-certificates \
      libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-system1.81-dev \
      libssl-dev libyaml-cpp-dev libcli11-dev libfmt-dev libre2-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# Tests run in CI (scripts/test), not in the image build.
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
      -DCMAKE_INSTALL_PREFIX=/usr/local \
 && cmake --build /build \
 && DESTDIR=/out cmake --install /build --strip

FROM debian:12-slim AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libboost-json1.81.0 libboost-url1.81.0 libssl3 libyaml-cpp0.7 libre2-9 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/usr/local/ /usr/local/
RUN useradd --system --create-home --home-dir /home/sps --uid 10001 sps
USER sps
WORKDIR /work
ENTRYPOINT ["sps-apply"]
CMD ["--help"]

# fakeshift: a local emulator of Amazon Redshift audit logging.
# Build: docker build -t fakeshift .
# Run:   docker run --rm -p 5439:5439 -p 8439:8439 -p 5440-5459:5440-5459 fakeshift
# Seed:  docker run --rm -p 5439:5439 -p 8439:8439 -v "$PWD/seed.yaml:/seed.yaml:ro" \
#          -e FAKESHIFT_SEED=/seed.yaml fakeshift
#        (or the document itself in FAKESHIFT_SEED_INLINE, where no file can be mounted)
# Every flag is also a FAKESHIFT_* variable: --log-interval is FAKESHIFT_LOG_INTERVAL.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# DuckDB is linked through cgo: the builder has gcc, the runtime needs glibc.
RUN CGO_ENABLED=1 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/fakeshift ./cmd/fakeshift

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /data fakeshift \
 && mkdir -p /data && chown fakeshift /data
COPY --from=build /out/fakeshift /usr/local/bin/fakeshift
USER fakeshift
VOLUME /data
ENV FAKESHIFT_PG_ADDR=:5439 \
    FAKESHIFT_HTTP_ADDR=:8439 \
    FAKESHIFT_DATA_DIR=/data
# 5439: the default cluster; 8439: S3, the AWS APIs and /_fakeshift/; 5440-5459: clusters
# made with CreateCluster.
EXPOSE 5439 8439 5440-5459
# The slim image has no curl: the binary asks its own /_fakeshift/health on the loopback
# address of FAKESHIFT_HTTP_ADDR, and exits 0 on 200.
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/usr/local/bin/fakeshift", "--health-check"]
ENTRYPOINT ["/usr/local/bin/fakeshift"]

# syntax=docker/dockerfile:1
# One image, four services: `python -m services.registry|mapper|dispatcher|ingest`, and
# `python -m services.<name> migrate` for the three with a database. Built from a wheel so the
# runtime stage holds no source tree, no compiler and no pip cache.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY switchyard ./switchyard
COPY services ./services
# The wheel and all of its dependencies; the `local` extra (embedded servers) stays out.
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SWITCHYARD_LOG_FORMAT=json \
    SWITCHYARD_DATA_DIR=/tmp/switchyard
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links /wheels switchyard \
    && groupadd --system --gid 10001 switchyard \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin switchyard
# Nothing is written outside /tmp, so the root filesystem can be mounted read-only; the working
# directory is empty and root-owned, so nothing on sys.path is writable by the process.
WORKDIR /app
USER 10001:10001
# gRPC of registry, mapper, dispatcher, ingest; their metrics; ingest's HTTP gateway.
EXPOSE 50051 50052 50053 50054 9101 9102 9103 9104 8080
CMD ["switchyard", "--help"]

# Siang service image: the API (`siang serve`), the collector and the pipeline worker share it.
# Three stages: the dashboard bundle (Node.js), the wheel built with it, and the runtime
# image that installs that wheel and nothing of the source tree: the image runs exactly the
# artefact `tests/deploy/test_wheel.py` tests.
FROM node:20-slim AS dashboard
WORKDIR /build
COPY dashboard /build/dashboard
RUN dashboard/build.sh

FROM python:3.11-slim AS wheel
WORKDIR /src
COPY . /src
COPY --from=dashboard /build/dashboard/static /src/dashboard/static
RUN pip wheel . --no-deps --wheel-dir /dist

FROM python:3.11-slim
ENV PIP_NO_CACHE_DIR=1 PYTHONUNBUFFERED=1
# A Thai font for the alert mail's charts.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-core \
    && rm -rf /var/lib/apt/lists/*
COPY --from=wheel /dist /dist
RUN pip install /dist/siang-*.whl && pip install --no-deps "bertopic>=0.16,<0.18" && rm -rf /dist \
    && useradd --uid 1000 --create-home siang && mkdir -p /app/var && chown -R siang /app
# Relative paths in the configuration (var/siang.db, var/spool) land under /app/var.
WORKDIR /app
USER siang
EXPOSE 8000
CMD ["siang", "serve", "--host", "0.0.0.0"]

# Siang service image: the API (`siang serve`) and the pipeline worker share it.
# The dashboard bundle is built in its own stage (Node.js), then copied beside the code.
FROM node:20-slim AS dashboard
WORKDIR /build
COPY dashboard /build/dashboard
RUN dashboard/build.sh

FROM python:3.11-slim
WORKDIR /app
ENV PIP_NO_CACHE_DIR=1 PYTHONUNBUFFERED=1
# A Thai font for the alert mail's charts.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-core \
    && rm -rf /var/lib/apt/lists/*
COPY . /app
COPY --from=dashboard /build/dashboard/static /app/dashboard/static
RUN pip install . && useradd --uid 1000 --create-home siang && chown -R siang /app
USER siang
EXPOSE 8000
CMD ["siang", "serve", "--host", "0.0.0.0"]

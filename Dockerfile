# Siang service image: the API (`siang serve`) and the pipeline worker share it.
FROM python:3.11-slim
WORKDIR /app
ENV PIP_NO_CACHE_DIR=1 PYTHONUNBUFFERED=1
COPY . /app
RUN pip install . && useradd --uid 1000 --create-home siang && chown -R siang /app
USER siang
EXPOSE 8000
CMD ["siang", "serve", "--host", "0.0.0.0"]

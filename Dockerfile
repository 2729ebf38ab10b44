# onemap application image. Untested here (no Docker engine on the build machines); kept simple.
# The database is a separate PostGIS service (see docker-compose.yml), reached via DATABASE_URL.
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 onemap
WORKDIR /app
COPY pyproject.toml README.md ./
COPY common ./common
COPY etl ./etl
COPY dashboard ./dashboard
COPY onemap ./onemap
RUN pip install --no-cache-dir .

USER onemap
EXPOSE 8050
# migrate, then serve on all interfaces of the container
CMD ["sh", "-c", "onemap db up && exec onemap serve --host 0.0.0.0 --port 8050"]

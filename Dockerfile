# secgov: one image for the API, the worker and the scheduler (the command picks the role).
FROM python:3.12-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
# The production lock: exact versions with hashes, without the embedded PostgreSQL and Redis (a deployment
# has real servers) and without the test tools. Installed before the code so code changes reuse this layer.
COPY requirements/production.txt ./requirements/
RUN pip install --require-hashes -r requirements/production.txt
COPY pyproject.toml README.md ./
COPY api ./api
COPY schema ./schema
COPY services ./services
COPY domain ./domain
COPY sql ./sql
COPY validation ./validation
COPY workers ./workers
RUN pip install --no-deps . && useradd --system --uid 10001 --home /app secgov
USER secgov
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["secgov", "serve", "--host", "0.0.0.0", "--port", "8000"]

# The surveil image: the API (default command), the worker (`surveil worker`) and the migrate
# job (`surveil migrate`) all run it; see README "Deploying" and docker-compose.yml.
# - Dependencies come from requirements.lock (exact versions with hashes); the project itself
#   is installed without touching the network again.
# - No migrations at start: the compose `migrate` service runs them once, under a lock.
# - The server runs in exec form (no shell in between): SIGTERM reaches it, requests in flight
#   get --graceful-seconds to finish, and it exits 0.
# - Documents live on a volume at SURVEIL_DOCUMENT_DIR, owned by the service user (uid 10001).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SURVEIL_ENV=production \
    SURVEIL_DOCUMENT_DIR=/var/lib/surveil/documents

WORKDIR /app
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock

COPY pyproject.toml README.md ./
COPY domain domain
COPY store store
COPY policies policies
COPY services services
COPY schema schema
COPY resolvers resolvers
COPY server server
RUN pip install --no-deps --no-build-isolation . \
 && useradd --system --uid 10001 --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin surveil \
 && mkdir -p /var/lib/surveil/documents \
 && chown -R 10001:10001 /var/lib/surveil

USER 10001:10001
VOLUME ["/var/lib/surveil/documents"]
EXPOSE 8000
STOPSIGNAL SIGTERM
# Healthy = ready to serve: database reachable, migrations current, documents writable (a 503
# raises, so the check fails); /health stays the bare liveness answer for an orchestrator.
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/ready').status != 200)"]
CMD ["surveil", "serve", "--host", "0.0.0.0", "--port", "8000", "--graceful-seconds", "25"]

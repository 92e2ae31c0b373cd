# The API image: migrates at start, then serves on 0.0.0.0:8000.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY domain domain
COPY store store
COPY policies policies
COPY services services
COPY schema schema
COPY resolvers resolvers
COPY server server
RUN pip install . && useradd --system --uid 10001 surveil
USER surveil
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health').status != 200)"
CMD ["sh", "-c", "surveil migrate && surveil serve --host 0.0.0.0 --port 8000"]

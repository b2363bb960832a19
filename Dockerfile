# One image for every Rapid Response process; the command picks the role (see docker-compose.yml).
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \
    libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY . .
RUN pip install .
RUN useradd --system --home /app rrm && mkdir -p /app/var && chown rrm /app/var
USER rrm
EXPOSE 8000
CMD ["rrm", "--help"]

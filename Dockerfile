FROM python:3.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GRC_DATA_DIR=/data DEBUG=false

# WeasyPrint's native libraries and fonts for the PDFs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fonts-dejavu-core curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY . .
RUN pip install --no-cache-dir -e . \
 && SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
 && useradd --system --home /app grc && mkdir -p /data && chown grc /data

USER grc
EXPOSE 8000
CMD ["gunicorn", "grc_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]

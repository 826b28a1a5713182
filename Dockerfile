# govportal production-like image: gunicorn by default; the same image runs the Celery worker,
# the sweeper, beat and one-shot management commands (see docker-compose.yml, docs/deploy.md).
# Front-end libraries from the npm registry (package-lock.json), copied into static_vendor/ as
# scripts/lib.sh does for development.
FROM node:20-bookworm-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error \
 && mkdir -p static_vendor/echarts \
 && cp node_modules/echarts/dist/echarts.min.js node_modules/echarts/LICENSE static_vendor/echarts/

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=govportal.settings.production \
    MEDIA_ROOT=/data/media

# GeoDjango's runtime libraries (GDAL 3.6, GEOS, PROJ; Django finds libgdal.so.32 and
# libgeos_c.so.1 through ldconfig) and gettext for compilemessages. Not gdal-bin: on bookworm it
# also depends on python3-gdal and python3-numpy (a second Python interpreter in the image), and
# govportal reads GeoJSON/Shapefiles through libgdal, not through the command-line tools.
# fonts-wqy-zenhei: the CJK TrueType font embedded in mediation agreements (PDF).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgdal32 libgeos-c1v5 libproj25 gettext fonts-wqy-zenhei \
 && rm -rf /var/lib/apt/lists/*

# A fixed UID/GID, so that shared media storage (NFS) can be owned by the same numbers on every host.
RUN groupadd --system --gid 10001 govportal \
 && useradd --system --uid 10001 --gid govportal --no-create-home --home-dir /app \
      --shell /usr/sbin/nologin govportal

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

# The code stays owned by root: the application user can read it but not change it.
COPY . .
COPY --from=assets /assets/static_vendor ./static_vendor

# Both commands import the settings, which require these variables. The values are dummies for
# this RUN line only (nothing connects to PostgreSQL or Redis here) and are not in the image's env.
RUN DJANGO_SECRET_KEY=build-only \
    DATABASE_URL=postgis://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 \
    sh -c 'python manage.py compilemessages -v 0 && python manage.py collectstatic --no-input -v 0'

# Uploaded files; docker-compose.yml mounts the `media` volume here (a fresh named volume takes
# this directory's owner, so the application user can write to it).
RUN mkdir -p /data/media && chown govportal:govportal /data/media

USER 10001:10001
EXPOSE 8000
CMD ["gunicorn", "govportal.wsgi:application", "--config", "python:govportal.gunicorn_conf", "--bind", "0.0.0.0:8000", \
     "--workers", "4", "--access-logfile", "-"]

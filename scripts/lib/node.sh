# shellcheck shell=bash
# The Node.js runtime of npm start, npm test and npm stop. Sourced after scripts/infra/lib.sh
# (REPO, INSTAINSTRU_CACHE, LOG_DIR, log, die).
#
# .nvmrc names the supported release. A `node` on PATH of that major or newer is used as it is.
# An older one (or none) is replaced by exactly that release, taken once per machine from the npm
# registry's node-<os>-<cpu> package (the official binaries and headers) into
#   $INSTAINSTRU_CACHE/node/<version>-<os>-<cpu>/{bin/node,include/node}
# and put first on PATH, so node, npx, npm scripts, Jest workers and everything they spawn use it.

NODE_RELEASE=$(tr -d ' \tv\r\n' <"$REPO/.nvmrc") # e.g. 24.22.3
NODE_RELEASE_MAJOR=${NODE_RELEASE%%.*}

# ensure_node: make `node` on PATH the supported runtime (see the top of this file). Returns 1,
# having said why, when it cannot; it never exits the calling script (npm test still prints its
# summary line).
ensure_node() {
  local current os cpu dir
  current=$(node --version 2>/dev/null) || current=""
  current=${current#v}
  if [[ -n $current ]] && ((${current%%.*} >= NODE_RELEASE_MAJOR)); then return 0; fi
  case $(uname -s)/$(uname -m) in
    Linux/x86_64) os=linux cpu=x64 ;;
    Linux/aarch64) os=linux cpu=arm64 ;;
    Darwin/x86_64) os=darwin cpu=x64 ;;
    Darwin/arm64) os=darwin cpu=arm64 ;;
    *) (die "node ${current:-(none)} is older than $NODE_RELEASE_MAJOR and the npm registry has no Node.js for $(uname -sm); install Node.js $NODE_RELEASE_MAJOR or newer") || return 1 ;;
  esac
  dir="$INSTAINSTRU_CACHE/node/$NODE_RELEASE-$os-$cpu"
  [[ -x $dir/bin/node ]] || (install_node "node-$os-$cpu" "$dir") || return 1
  export PATH="$dir/bin:$PATH"
  # npm records the node that runs it in these; the npm and node-gyp our scripts start must build
  # for this one (native addons against its headers, not the machine's).
  export NODE="$dir/bin/node" npm_node_execpath="$dir/bin/node" npm_config_nodedir="$dir"
  log "Node.js $NODE_RELEASE from $dir (this machine's node: ${current:-none})"
}

# install_node <package> <dir>: unpack <package>@$NODE_RELEASE into <dir>. Serialized across
# clones by a lock; unpacked beside <dir> and renamed, so a half-written runtime is never used.
install_node() {
  local package=$1 dir=$2 install_log="$LOG_DIR/node.install.log"
  command -v npm >/dev/null 2>&1 || die "npm is needed to install Node.js $NODE_RELEASE (or install Node.js $NODE_RELEASE_MAJOR or newer)"
  mkdir -p "${dir%/*}" "$LOG_DIR"
  log "installing Node.js $NODE_RELEASE from the npm registry ($package, once per machine; log: $install_log)"
  (
    flock 9 || exit 1
    [[ -x $dir/bin/node ]] && exit 0
    rm -rf "$dir".tmp.* # left over by an interrupted install
    tmp=$(mktemp -d "$dir.tmp.XXXXXX") || exit 1
    (cd "$tmp" && npm pack --loglevel=warn "$package@$NODE_RELEASE") >>"$install_log" 2>&1 || exit 1
    mkdir "$tmp/node" && tar -xzf "$tmp"/*.tgz -C "$tmp/node" --strip-components=1 || exit 1
    [[ $("$tmp/node/bin/node" --version 2>>"$install_log") == "v$NODE_RELEASE" ]] || exit 1
    mv "$tmp/node" "$dir" && rm -rf "$tmp"
  ) 9>"$INSTAINSTRU_CACHE/.node.lock" || die "could not install $package@$NODE_RELEASE (see $install_log)"
}

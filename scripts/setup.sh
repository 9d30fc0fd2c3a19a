# shellcheck shell=bash
# Installs, idempotently, what building and testing ecs-console needs.
# Sourced by scripts/run and scripts/test; each step prints one line.

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
BINARYEN_VERSION=132
AXE_CORE_VERSION=4.14.1

step() { printf '==> %s\n' "$*"; }
fail() {
  printf '\nerror: %s\n' "$*" >&2
  exit 1
}

export PATH="$HOME/.cargo/bin:$PATH"

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo "$@"
  else
    return 1
  fi
}

apt_updated=
apt_install() {
  command -v apt-get >/dev/null 2>&1 || fail "apt-get is not available; install these packages by hand: $*"
  if [ -z "$apt_updated" ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null ||
      fail "cannot run 'apt-get update' (needs root or password-less sudo); install by hand: $*"
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null ||
    fail "'apt-get install $*' failed (needs root or password-less sudo); install them by hand"
}

ensure_rust() {
  command -v cargo >/dev/null 2>&1 || fail "cargo is missing: install Rust with rustup (https://rustup.rs) first"
  command -v rustup >/dev/null 2>&1 || fail "rustup is missing: ecs-console needs rustup to add the wasm32 target"
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "wasm32-unknown-unknown target: present"
  else
    step "wasm32-unknown-unknown target: installing"
    rustup target add wasm32-unknown-unknown >/dev/null || fail "'rustup target add wasm32-unknown-unknown' failed"
  fi
  for component in rustfmt clippy; do
    if ! rustup component list --installed | grep -q "^$component"; then
      step "$component: installing"
      rustup component add "$component" >/dev/null || fail "'rustup component add $component' failed"
    fi
  done
}

ensure_trunk() {
  if trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION\$"; then
    step "trunk $TRUNK_VERSION: present"
  else
    step "trunk $TRUNK_VERSION: installing with cargo (about 10 minutes on 2 cores)"
    cargo install trunk --version "$TRUNK_VERSION" --locked --quiet || fail "'cargo install trunk --version $TRUNK_VERSION' failed"
  fi
}

ensure_wasm_bindgen() {
  if wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$" &&
    command -v wasm-bindgen-test-runner >/dev/null 2>&1; then
    step "wasm-bindgen-cli $WASM_BINDGEN_VERSION: present"
  else
    step "wasm-bindgen-cli $WASM_BINDGEN_VERSION: installing with cargo"
    # Not --locked: the registry lacks one of its locked dependencies.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --quiet ||
      fail "'cargo install wasm-bindgen-cli --version $WASM_BINDGEN_VERSION' failed"
  fi
}

ensure_wasm_opt() {
  if wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
    step "wasm-opt (binaryen $BINARYEN_VERSION): present"
    return
  fi
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  step "wasm-opt (binaryen $BINARYEN_VERSION): installing with npm"
  # Debian's binaryen is too old: its output fails in Chromium.
  npm install -g --silent "binaryen@$BINARYEN_VERSION" >/dev/null 2>&1 ||
    as_root npm install -g --silent "binaryen@$BINARYEN_VERSION" >/dev/null 2>&1 ||
    fail "'npm install -g binaryen@$BINARYEN_VERSION' failed"
  hash -r
  wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION" ||
    fail "wasm-opt on PATH is '$(wasm-opt --version 2>&1)', not binaryen $BINARYEN_VERSION: put npm's global bin first on PATH"
}

# axe-core, the accessibility engine the browser tests run in each page (tests/browser/a11y.rs),
# from npm (never a CDN). The tests read AXE_CORE_JS, or find it in npm's global folder.
ensure_axe_core() {
  local root
  root="$(npm root -g 2>/dev/null || true)"
  if [ -n "$root" ] && grep -q "\"version\": \"$AXE_CORE_VERSION\"" "$root/axe-core/package.json" 2>/dev/null; then
    step "axe-core $AXE_CORE_VERSION: present"
  else
    command -v npm >/dev/null 2>&1 || apt_install nodejs npm
    step "axe-core $AXE_CORE_VERSION: installing with npm"
    npm install -g --silent "axe-core@$AXE_CORE_VERSION" >/dev/null 2>&1 ||
      as_root npm install -g --silent "axe-core@$AXE_CORE_VERSION" >/dev/null 2>&1 ||
      fail "'npm install -g axe-core@$AXE_CORE_VERSION' failed"
    root="$(npm root -g)"
  fi
  AXE_CORE_JS="$root/axe-core/axe.min.js"
  export AXE_CORE_JS
}

ensure_browser() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
  command -v ssh-keygen >/dev/null 2>&1 || missing+=(openssh-client)
  if [ ${#missing[@]} -eq 0 ]; then
    step "chromium, chromedriver, ssh-keygen: present"
  else
    step "installing ${missing[*]} with apt-get"
    apt_install "${missing[@]}"
  fi
}

ensure_python_venv() {
  if python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    step "python3 with venv (for the OpenStack client check): present"
  else
    step "installing python3-venv with apt-get"
    apt_install python3 python3-venv
  fi
}

ensure_build_tools() {
  ensure_rust
  ensure_wasm_bindgen
  ensure_wasm_opt
  ensure_trunk
}

build_app() {
  step "building the console (trunk build --release --offline)"
  trunk build --release --offline >target/trunk-build.log 2>&1 || {
    tail -n 40 target/trunk-build.log >&2
    fail "trunk build failed (full log: target/trunk-build.log)"
  }
}

#!/usr/bin/env bash
# Drives ecs-sim with the standard OpenStack command-line client, as a new user would:
# token, flavors, availability zones, key pair, boot-from-volume server create, wait for
# ACTIVE, stop/start/reboot, delete. The client lives in a throwaway venv outside the repo.
#
#   crates/ecs-sim/scripts/try-openstack-cli.sh [PORT]
#
# Needs python3 with venv and access to PyPI the first time (to install python-openstackclient).
set -euo pipefail

# A free loopback port unless one is given.
port="${1:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
venv="${ECS_SIM_OSC_VENV:-/tmp/ecs-sim-osc-venv}"
root="$(cd "$(dirname "$0")/../../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"

step() { printf '==> %s\n' "$*"; }

if ! "$venv/bin/openstack" --version 2>&1 | grep -q " 10.5.0$"; then
    step "installing python-openstackclient into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "python-openstackclient==10.5.0" "openstacksdk==4.22.0"
fi
openstack="$venv/bin/openstack"

# scripts/test passes the binary its test run already built: building the package alone
# would resolve other features and compile many crates a second time.
sim="${ECS_SIM_BIN:-}"
if [ -z "$sim" ] || [ ! -x "$sim" ]; then
    step "building ecs-sim"
    (cd "$root" && CARGO_TARGET_DIR="$target" cargo build --quiet -p ecs-sim)
    sim="$target/debug/ecs-sim"
fi

step "starting ecs-sim on 127.0.0.1:$port"
"$sim" --listen "127.0.0.1:$port" --build-ms 3000 --transition-ms 1000 >/tmp/ecs-sim-osc.log 2>&1 &
sim_pid=$!
workdir="$(mktemp -d)"
trap 'kill "$sim_pid" 2>/dev/null; rm -rf "$workdir"' EXIT
for _ in $(seq 50); do
    curl -fsS "http://127.0.0.1:$port/identity/v3" >/dev/null 2>&1 && break
    sleep 0.1
done

export OS_AUTH_URL="http://127.0.0.1:$port/identity/v3" OS_IDENTITY_API_VERSION=3
export OS_USERNAME=demo OS_PASSWORD=demo OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_NAME=demo OS_PROJECT_DOMAIN_NAME=Default

step "openstack token issue"
"$openstack" token issue -c expires -c project_id
step "openstack flavor list"
"$openstack" flavor list
step "openstack availability zone list"
"$openstack" availability zone list

step "openstack keypair create (private key checked with ssh-keygen -y)"
"$openstack" keypair create demo-key >"$workdir/demo-key.pem"
chmod 600 "$workdir/demo-key.pem"
ssh-keygen -y -f "$workdir/demo-key.pem" >/dev/null
"$openstack" keypair list

# The client has no image or network service to resolve names with, so ids come from Nova's
# own proxy APIs (as the ECS guide does).
token="$("$openstack" token issue -f value -c id)"
project="$("$openstack" token issue -f value -c project_id)"
compute="http://127.0.0.1:$port/compute/v2.1/$project"
image="$(curl -fsS -H "X-Auth-Token: $token" "$compute/images/detail?name=CentOS%207.9%2064bit" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["images"][0]["id"])')"
network="$(curl -fsS -H "X-Auth-Token: $token" "$compute/os-networks" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["networks"][0]["id"])')"

step "openstack server create --block-device source_type=image,... --wait"
"$openstack" server create --flavor c1.large \
    --block-device "source_type=image,uuid=$image,destination_type=volume,volume_size=40,boot_index=0,delete_on_termination=true" \
    --nic "net-id=$network" --key-name demo-key --availability-zone az1.dc1 --wait vm1 \
    -c id -c status -c addresses -c key_name -c OS-EXT-AZ:availability_zone -c volumes_attached
"$openstack" server list

step "openstack server stop / start / reboot --hard"
"$openstack" server stop vm1
until [ "$("$openstack" server show vm1 -f value -c status)" = SHUTOFF ]; do sleep 0.5; done
"$openstack" server start vm1
until [ "$("$openstack" server show vm1 -f value -c status)" = ACTIVE ]; do sleep 0.5; done
"$openstack" server reboot --hard --wait vm1

step "openstack server delete --wait"
"$openstack" server delete --wait vm1
"$openstack" server list
step "done: every call worked"

#!/usr/bin/env python3
"""Smoke test of a running launch.py: the guide's calls against real OpenStack.

    python3 tests/openstack/smoke.py 'READY {...}'     (or the JSON alone,
    python3 tests/openstack/smoke.py < ready-line       or on stdin)

Standard library only, so any python3 runs it. Signs in as demo (password,
project demo), then at microversion 2.35 lists zones, flavors, images and
networks; at 2.67 generates and imports a key pair and boots a server from a
volume made from an image, waits for ACTIVE with an address, stops, starts,
reboots (SOFT, HARD) and deletes it; checks a CORS preflight to both services
and that revoking the token (admin_token) makes Nova answer 401. Prints each
call with its status and time; exits 1 at the first unexpected answer.
"""

import json
import sys
import time
import urllib.error
import urllib.request

ORIGIN = 'http://console.example'


class Failure(Exception):
    pass


class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body) if self.body else None


def call(method, url, body=None, headers=None, expect=None, quiet=False):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers=dict(headers or {}))
    if data is not None:
        request.add_header('Content-Type', 'application/json')
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = Answer(response.status, response.headers,
                            response.read())
    except urllib.error.HTTPError as error:
        answer = Answer(error.code, error.headers, error.read())
    elapsed = (time.monotonic() - started) * 1000
    if not quiet:
        print(f'{method:7} {url} -> {answer.status} ({elapsed:.0f} ms)')
    if expect is not None and answer.status != expect:
        # A generated key pair's private key is a secret: never print it.
        shown = (b'<not shown: holds a private key>'
                 if b'PRIVATE KEY' in answer.body else answer.body[:500])
        raise Failure(f'{method} {url}: expected {expect}, got '
                      f'{answer.status}: {shown!r}')
    return answer


def check(condition, message):
    if not condition:
        raise Failure(message)


class Nova:
    def __init__(self, base, token):
        self.base = base
        self.token = token

    def __call__(self, method, path, body=None, version='2.67', **kwargs):
        headers = {'X-Auth-Token': self.token,
                   'X-OpenStack-Nova-API-Version': version}
        return call(method, self.base + path, body, headers, **kwargs)

    def wait_for(self, server_id, status, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            server = self('GET', f'/servers/{server_id}', quiet=True,
                          expect=200).json()['server']
            if server['status'] == status and not server.get(
                    'OS-EXT-STS:task_state'):
                return server
            check(server['status'] != 'ERROR',
                  f'server went ERROR: {server.get("fault")}')
            check(time.monotonic() < deadline,
                  f'server still {server["status"]}/'
                  f'{server.get("OS-EXT-STS:task_state")} after {timeout} s')
            time.sleep(0.3)


def sign_in(ready):
    answer = call('POST', ready['identity'] + '/auth/tokens', {'auth': {
        'identity': {'methods': ['password'], 'password': {'user': {
            'name': 'demo', 'domain': {'name': 'Default'},
            'password': 'demo'}}},
        'scope': {'project': {'name': 'demo',
                              'domain': {'name': 'Default'}}}}}, expect=201)
    token = answer.headers['X-Subject-Token']
    catalog = answer.json()['token']['catalog']
    endpoints = {service['type']: [
        endpoint for endpoint in service['endpoints']
        if endpoint['interface'] == 'public'
        and endpoint['region_id'] == 'RegionOne'] for service in catalog}
    check(endpoints.get('identity') and endpoints.get('compute'),
          f'catalog lacks identity or compute: {catalog}')
    compute = endpoints['compute'][0]['url']
    print(f'        catalog: identity {endpoints["identity"][0]["url"]}, '
          f'compute {compute}')
    return token, compute


def lists(nova):
    zones = nova('GET', '/os-availability-zone', version='2.35',
                 expect=200).json()['availabilityZoneInfo']
    names = sorted(zone['zoneName'] for zone in zones
                   if zone['zoneState']['available'])
    check(len(names) >= 2, f'fewer than two zones available: {zones}')
    print(f'        zones: {names}')
    flavors = nova('GET', '/flavors/detail', version='2.35',
                   expect=200).json()['flavors']
    print(f'        flavors: {[flavor["name"] for flavor in flavors]}')
    images = nova('GET', '/images/detail', version='2.35',
                  expect=200).json()['images']
    for image in images:
        metadata = image['metadata']
        check('__os_type' in metadata and '__platform' in metadata
              and '__os_version' in metadata,
              f'image without the Huawei metadata: {image}')
    print('        images: ' + ', '.join(
        f'{image["name"]} (minDisk {image["minDisk"]}, minRam '
        f'{image["minRam"]})' for image in images))
    networks = nova('GET', '/os-networks', version='2.35',
                    expect=200).json()['networks']
    check(len(networks) >= 2, f'fewer than two networks: {networks}')
    print(f'        networks: {[network["label"] for network in networks]}')
    return names, flavors, images, networks


def key_pairs(nova, suffix):
    generated = nova('POST', '/os-keypairs',
                     {'keypair': {'name': f'smoke-generated-{suffix}'}},
                     expect=201).json()['keypair']
    check(generated.get('private_key', '').startswith('-----BEGIN'),
          f'no private key in {generated}')
    imported = nova('POST', '/os-keypairs', {'keypair': {
        'name': f'smoke-imported-{suffix}',
        'public_key': generated['public_key']}}, expect=201).json()['keypair']
    check('private_key' not in imported, 'an imported key has a private key')
    return generated['name'], imported['name']


def server_life(nova, zones, flavors, images, networks, key_name):
    # The largest image (Windows needs 60 GB and 4 GB of RAM) on the smallest
    # flavor it fits: the volume holds the disk, the flavor only the RAM.
    image = max(images, key=lambda image: (image['minDisk'], image['minRam']))
    flavor = min((flavor for flavor in flavors
                  if flavor['ram'] >= image['minRam']),
                 key=lambda flavor: (flavor['ram'], flavor['vcpus']))
    started = time.monotonic()
    answer = nova('POST', '/servers', {'server': {
        'name': 'smoke-bfv',
        'flavorRef': flavor['id'],
        'availability_zone': zones[-1],
        'key_name': key_name,
        'networks': [{'uuid': networks[-1]['id']}],
        'block_device_mapping_v2': [{
            'boot_index': 0, 'uuid': image['id'], 'source_type': 'image',
            'destination_type': 'volume', 'volume_size': image['minDisk'],
            'delete_on_termination': True}],
    }}, expect=202)
    server_id = answer.json()['server']['id']
    print(f'        Location: {answer.headers.get("Location")}')
    server = nova.wait_for(server_id, 'ACTIVE')
    to_active = time.monotonic() - started
    addresses = server['addresses']
    check(addresses, f'ACTIVE without an address: {server}')
    print(f'        ACTIVE after {to_active:.1f} s in '
          f'{server["OS-EXT-AZ:availability_zone"]}, addresses {addresses}, '
          f'volumes {server["os-extended-volumes:volumes_attached"]}')
    for action, status in ((({'os-stop': None}), 'SHUTOFF'),
                           (({'os-start': None}), 'ACTIVE'),
                           (({'reboot': {'type': 'SOFT'}}), 'ACTIVE'),
                           (({'reboot': {'type': 'HARD'}}), 'ACTIVE')):
        nova('POST', f'/servers/{server_id}/action', action, expect=202)
        nova.wait_for(server_id, status)
    nova('DELETE', f'/servers/{server_id}', expect=204)
    deadline = time.monotonic() + 60
    while nova('GET', f'/servers/{server_id}', quiet=True).status != 404:
        check(time.monotonic() < deadline, 'server not gone after 60 s')
        time.sleep(0.3)
    print('        deleted (GET answers 404)')
    return to_active


def preflight(url, headers):
    answer = call('OPTIONS', url, headers={
        'Origin': ORIGIN, 'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': headers})
    allowed = answer.headers.get('Access-Control-Allow-Origin')
    check(allowed in (ORIGIN, '*'),
          f'preflight to {url} not allowed: {dict(answer.headers)}')
    headers = answer.headers
    print(f'        allow-origin {allowed}; allow-headers '
          f'{headers.get("Access-Control-Allow-Headers")}; allow-methods '
          f'{headers.get("Access-Control-Allow-Methods")}')


def cors(ready, compute, token):
    preflight(ready['identity'] + '/auth/tokens', 'content-type')
    preflight(compute + '/servers',
              'content-type,x-auth-token,x-openstack-nova-api-version')
    answer = call('GET', compute + '/flavors', headers={
        'Origin': ORIGIN, 'X-Auth-Token': token,
        'X-OpenStack-Nova-API-Version': '2.67'}, expect=200)
    exposed = answer.headers.get('Access-Control-Expose-Headers', '')
    check('X-OpenStack-Nova-API-Version' in exposed,
          f'Nova does not expose its version header: {exposed!r}')
    print(f'        Nova exposes: {exposed}')
    answer = call('GET', ready['identity'] + '/auth/tokens', headers={
        'Origin': ORIGIN, 'X-Auth-Token': token, 'X-Subject-Token': token},
        expect=200)
    exposed = answer.headers.get('Access-Control-Expose-Headers', '')
    check('X-Subject-Token' in exposed,
          f'Keystone does not expose X-Subject-Token: {exposed!r}')
    print(f'        Keystone exposes: {exposed}')


def revoke(ready, nova, token):
    call('DELETE', ready['identity'] + '/auth/tokens', headers={
        'X-Auth-Token': ready['admin_token'], 'X-Subject-Token': token},
        expect=204)
    nova('GET', '/flavors', expect=401)


def main():
    text = sys.argv[1] if len(sys.argv) > 1 else sys.stdin.readline()
    ready = json.loads(text.strip().removeprefix('READY').strip())
    token, compute = sign_in(ready)
    nova = Nova(compute, token)
    zones, flavors, images, networks = lists(nova)
    generated, imported = key_pairs(nova, int(time.time()))
    to_active = server_life(nova, zones, flavors, images, networks, imported)
    for name in (generated, imported):
        nova('DELETE', f'/os-keypairs/{name}', expect=204)
    cors(ready, compute, token)
    revoke(ready, nova, token)
    print(f'smoke: all passed (ACTIVE after {to_active:.1f} s)')


if __name__ == '__main__':
    try:
        main()
    except Failure as failure:
        print(f'smoke: FAILED: {failure}', file=sys.stderr)
        sys.exit(1)

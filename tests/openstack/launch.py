#!/usr/bin/env python3
"""Real OpenStack on loopback for the test suite: Keystone 30 and Nova 34.

    python3 tests/openstack/launch.py [--keep] [--allow-origin ORIGIN]

1. Install. Any python3 >= 3.11 bootstraps: it makes target/openstack-venv
   (or $CARGO_TARGET_DIR/openstack-venv) and pip-installs requirements.txt
   with every other package pinned by constraints.txt, then re-executes this
   script with the venv's python. A marker file in the venv records the pins;
   a venv whose marker matches is reused as it is. When pip fails, the script
   exits 1 naming the package(s) pip could not install.
2. Start, on free loopback ports (the launcher binds both sockets itself and
   hands them over, so no port can be taken in between):
   - Keystone under gunicorn (keystone_app.py): sqlite, fernet tokens, admin
     bootstrap, user demo/demo in domain Default with role member on project
     demo, a `nova` service user, and a catalog with `identity` and `compute`
     public endpoints in RegionOne;
   - Nova in one process (nova_stack.py): API, conductor, scheduler, two fake
     computes, Placement, and Nova's fake Glance, Neutron and Cinder.
   CORS on both allows ORIGIN (default `*`, any origin).
3. Once both answer (a demo token lists flavors), print one line to stdout
   (nothing else is printed there), `READY ` and a JSON object:
     identity      http://127.0.0.1:PORT/v3
     compute       http://127.0.0.1:PORT/v2.1; the catalog's compute URL
                   adds the token's project id: .../v2.1/<project id>
     keystone_port, nova_port, region ("RegionOne")
     demo          {username, password, domain, project, project_id}
     admin         {username, password, domain, project}
     admin_token   admin's token on project admin (valid an hour), e.g. to
                   revoke a user's token
     state_dir, logs {keystone, keystone-setup, nova}: paths of the logs
     versions, allow_origin, startup_seconds (laps since start), pid
   Progress and errors go to stderr.
4. Run until SIGTERM or SIGINT, or until stdin closes when stdin is a pipe
   (so a test that spawned it with a piped stdin and died still stops it);
   then stop both services (about 2 s) and remove the state directory
   (unless --keep). The services also die with the launcher if it is killed
   outright (SIGKILL), though the state directory then stays in $TMPDIR.
"""

import argparse
import fcntl
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
TARGET = Path(os.environ.get('CARGO_TARGET_DIR') or REPO / 'target').resolve()
VENV = TARGET / 'openstack-venv'
MARKER = VENV / 'ecs-console-pins.json'
INSTALL_LOG = TARGET / 'openstack-venv-install.log'
REQUIREMENTS = HERE / 'requirements.txt'
CONSTRAINTS = HERE / 'constraints.txt'
LOOPBACK = '127.0.0.1'
REGION = 'RegionOne'


def fail(message):
    print(f'launch.py: {message}', file=sys.stderr, flush=True)
    sys.exit(1)


# ---------------------------------------------------------------- install --

def wanted_marker():
    pins = REQUIREMENTS.read_bytes() + CONSTRAINTS.read_bytes()
    return {
        'python': sys.version.split()[0],
        'pins_sha256': hashlib.sha256(pins).hexdigest(),
        'packages': [line for line in REQUIREMENTS.read_text().splitlines()
                     if line and not line.startswith('#')],
    }


def venv_is_complete(marker):
    try:
        return json.loads(MARKER.read_text()) == marker
    except (OSError, ValueError):
        return False


REQUIREMENT = r'[A-Za-z0-9][A-Za-z0-9._-]*(?:[=<>!~]=[^\s,;()]+)?'


def failed_packages(pip_output, marker):
    """The requirements pip names in its errors, else every top-level pin."""
    found = re.findall(
        r'(?:satisfies the requirement|No matching distribution found for|'
        r'Failed to build|Failed building wheel for|'
        rf'Could not build wheels for)\s+({REQUIREMENT})', pip_output)
    # pip 23 words "no version reachable" under a constraint as a conflict:
    # "Cannot install a==1 and b==2 because these package versions ..."
    for listed in re.findall(r'Cannot install (.+?) because', pip_output):
        found += re.findall(REQUIREMENT, listed.replace(' and ', ', '))
    names = list(dict.fromkeys(found))
    return names or marker['packages']


def ensure_venv():
    marker = wanted_marker()
    TARGET.mkdir(parents=True, exist_ok=True)
    # Two test processes may start at once; one installs, the other waits.
    with open(TARGET / 'openstack-venv.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if venv_is_complete(marker):
            return
        started = time.monotonic()
        print(f'launch.py: installing {", ".join(marker["packages"])} into '
              f'{VENV} (about a minute; log: {INSTALL_LOG})',
              file=sys.stderr, flush=True)
        # A venv without a matching marker is half-installed or has other
        # pins: start again rather than patch it.
        shutil.rmtree(VENV, ignore_errors=True)
        with open(INSTALL_LOG, 'w') as log:
            created = subprocess.run(
                [sys.executable, '-m', 'venv', str(VENV)],
                stdout=log, stderr=subprocess.STDOUT)
            if created.returncode != 0:
                fail(f'could not create the venv {VENV}; see {INSTALL_LOG}')
            pip = subprocess.run(
                [str(VENV / 'bin' / 'python'), '-m', 'pip', 'install',
                 '--no-input', '--disable-pip-version-check',
                 '-r', str(REQUIREMENTS), '-c', str(CONSTRAINTS)],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            log.write(pip.stdout)
        if pip.returncode != 0:
            packages = ', '.join(failed_packages(pip.stdout, marker))
            if re.search(r'NewConnectionError|ConnectTimeout|ReadTimeout|'
                         r'Could not fetch URL|name resolution', pip.stdout):
                packages += ' (the package index could not be reached)'
            tail = '\n'.join(pip.stdout.splitlines()[-8:])
            fail(f'pip could not install {packages} (pip exit '
                 f'{pip.returncode}; full log: {INSTALL_LOG})\n{tail}')
        MARKER.write_text(json.dumps(marker))
        print(f'launch.py: installed in {time.monotonic() - started:.0f} s',
              file=sys.stderr, flush=True)


def bootstrap():
    if sys.version_info < (3, 11):
        fail(f'needs Python 3.11 or later (Nova 34 does); this is '
             f'{sys.version.split()[0]}')
    ensure_venv()
    python = str(VENV / 'bin' / 'python')
    os.execv(python, [python, str(Path(__file__).resolve()), *sys.argv[1:]])


def running_in_venv():
    return Path(sys.prefix).resolve() == VENV


if __name__ == '__main__' and not running_in_venv():
    bootstrap()

# ------------------------------------------------- in the venv from here on --

import ctypes  # noqa: E402
import secrets  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import threading  # noqa: E402
from importlib import metadata  # noqa: E402

import requests  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402


class Stopped(Exception):
    """SIGTERM, SIGINT or the end of stdin."""


class StackFailure(Exception):
    """A service failed to start, or died."""


PRCTL = ctypes.CDLL(None, use_errno=True).prctl  # looked up before forking
PR_SET_PDEATHSIG = 1


def die_with_parent():
    # Runs in each child before exec: the kernel sends it SIGTERM when the
    # launcher dies, even by SIGKILL.
    PRCTL(PR_SET_PDEATHSIG, signal.SIGTERM)


def bound_socket():
    # Bound, not listening: a connection is refused until the service itself
    # listens, and the port is ours from now on.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((LOOPBACK, 0))
    sock.set_inheritable(True)
    return sock


def child_env(**extra):
    env = {key: value for key, value in os.environ.items()
           # oslo.config reads OS_<GROUP>__<OPTION> from the environment and
           # oslotest reads OS_TEST_TIMEOUT and OS_*_CAPTURE: only ours count.
           if not key.startswith('OS_')
           # Loopback traffic must not go through a proxy.
           and key.lower() not in ('http_proxy', 'https_proxy', 'all_proxy')}
    # Keep this folder free of __pycache__ (keystone_app is imported).
    env['PYTHONDONTWRITEBYTECODE'] = '1'
    env.update(extra)
    return env


def tail(path, lines=30):
    try:
        return '\n'.join(Path(path).read_text(errors='replace')
                         .splitlines()[-lines:])
    except OSError:
        return ''


class Stack:
    def __init__(self, state, allow_origin):
        self.state = state
        self.allow_origin = allow_origin
        self.http = requests.Session()
        self.http.trust_env = False  # no proxy for loopback
        self.children = {}
        self.logs = {name: str(state / f'{name}.log')
                     for name in ('keystone', 'keystone-setup', 'nova')}
        self.admin_password = secrets.token_urlsafe(16)
        self.nova_password = secrets.token_urlsafe(16)
        self.keystone_socket = bound_socket()
        self.nova_socket = bound_socket()
        self.keystone_port = self.keystone_socket.getsockname()[1]
        self.nova_port = self.nova_socket.getsockname()[1]
        self.identity = f'http://{LOOPBACK}:{self.keystone_port}/v3'
        self.compute = f'http://{LOOPBACK}:{self.nova_port}/v2.1'
        self.cors = {'OS_CORS__ALLOWED_ORIGIN': allow_origin}
        self.timings = {}

    # -- processes --

    def spawn(self, name, argv, log, sock, **popen):
        with open(log, 'ab') as out:
            self.children[name] = subprocess.Popen(
                argv, pass_fds=(sock.fileno(),), stdout=out,
                stderr=subprocess.STDOUT, preexec_fn=die_with_parent,
                # Its own process group: Ctrl-C reaches the launcher only,
                # which then stops the services in order.
                start_new_session=True, **popen)
        sock.close()

    def check_children(self):
        for name, child in self.children.items():
            if child.poll() is not None:
                log = self.logs['nova' if name == 'nova' else 'keystone']
                raise StackFailure(
                    f'{name} exited with status {child.returncode}; last '
                    f'lines of {log}:\n{tail(log)}')

    def stop(self):
        nova = self.children.get('nova')
        if nova and nova.stdin:
            try:
                nova.stdin.close()
            except OSError:
                pass
        for child in self.children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 15
        for child in self.children.values():
            try:
                child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                # Its whole group: gunicorn's worker with its master.
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()

    # -- Nova --

    def start_nova(self):
        # Started first: its set-up is the longest and needs Keystone only
        # for the demo project id, sent on its stdin later.
        self.nova_tmp = self.state / 'nova-tmp'
        self.nova_tmp.mkdir()
        self.spawn(
            'nova',
            [sys.executable, str(HERE / 'nova_stack.py'),
             '--listen-fd', str(self.nova_socket.fileno()),
             '--identity', self.identity],
            self.logs['nova'], self.nova_socket, stdin=subprocess.PIPE,
            cwd=self.state,
            # Nova's harness keeps its sqlite files and locks in temp files.
            env=child_env(NOVA_SERVICE_PASSWORD=self.nova_password,
                          TMPDIR=str(self.nova_tmp), **self.cors))

    def release_nova(self, demo_project_id):
        nova = self.children['nova']
        nova.stdin.write(
            (json.dumps({'demo_project_id': demo_project_id}) + '\n')
            .encode())
        nova.stdin.flush()

    # -- Keystone --

    def keystone_conf(self):
        path = self.state / 'keystone.conf'
        path.write_text(f"""\
[DEFAULT]
# Logs to stderr, which the launcher sends to keystone.log.
use_stderr = true

[database]
connection = sqlite:///{self.state}/keystone.sqlite

[token]
provider = fernet

[fernet_tokens]
key_repository = {self.state}/fernet-keys

[fernet_receipts]
key_repository = {self.state}/fernet-receipts

[credential]
key_repository = {self.state}/credential-keys

[identity]
# bcrypt's cheapest cost: every password sign-in in the tests pays it.
password_hash_rounds = 4
""")
        return path

    def keystone_manage(self, conf, command, *args, **env):
        log = self.logs['keystone-setup']
        with open(log, 'ab') as out:
            done = subprocess.run(
                [str(VENV / 'bin' / 'keystone-manage'), '--config-file',
                 str(conf), command, *args],
                stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, env=child_env(**env),
                preexec_fn=die_with_parent)
        if done.returncode != 0:
            raise StackFailure(f'keystone-manage {command} failed; last '
                               f'lines of {log}:\n{tail(log)}')

    def keystone_database(self, conf):
        # db_sync takes several seconds of CPU; its result depends only on
        # the installed Keystone, so the first run keeps a copy in the venv.
        template = VENV / 'keystone-db-sync.sqlite'
        database = self.state / 'keystone.sqlite'
        if template.exists():
            shutil.copyfile(template, database)
            return
        self.keystone_manage(conf, 'db_sync')
        partial = template.with_suffix(f'.{os.getpid()}')
        shutil.copyfile(database, partial)
        os.replace(partial, template)

    def key_repositories(self):
        # What keystone-manage fernet_setup, receipt_setup and
        # credential_setup leave (key 0 staged, key 1 primary), without
        # three more Keystone start-ups' worth of CPU.
        for name in ('fernet-keys', 'fernet-receipts', 'credential-keys'):
            repository = self.state / name
            repository.mkdir(mode=0o700)
            for index in (0, 1):
                key = repository / str(index)
                key.write_bytes(Fernet.generate_key())
                key.chmod(0o600)

    def start_keystone(self):
        conf = self.keystone_conf()
        self.key_repositories()
        self.keystone_database(conf)
        self.lap('keystone_keys_and_database')
        # bootstrap: Default domain, roles admin/member/reader/service, the
        # admin user and project, and the identity endpoint.
        self.keystone_manage(
            conf, 'bootstrap', '--bootstrap-region-id', REGION,
            '--bootstrap-public-url', self.identity,
            # Not on the command line, where ps shows it (and where a
            # password starting with '-' reads as an option).
            OS_BOOTSTRAP_PASSWORD=self.admin_password)
        self.lap('keystone_bootstrap')
        self.spawn(
            'keystone',
            [str(VENV / 'bin' / 'gunicorn'),
             '--bind', f'fd://{self.keystone_socket.fileno()}',
             # One process, threads for the console's parallel requests.
             '--workers', '1', '--worker-class', 'gthread', '--threads', '8',
             '--graceful-timeout', '5', '--access-logfile', '-',
             # gunicorn 27 otherwise opens ~/.gunicorn/gunicorn.ctl, one path
             # for every launcher on the machine.
             '--no-control-socket',
             '--pythonpath', str(HERE), 'keystone_app:application'],
            self.logs['keystone'], self.keystone_socket, cwd=self.state,
            stdin=subprocess.DEVNULL,
            env=child_env(OS_KEYSTONE_CONFIG_FILES=str(conf), **self.cors))

    def wait_until(self, what, probe, timeout=120):
        deadline = time.monotonic() + timeout
        while True:
            self.check_children()
            try:
                if probe():
                    return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise StackFailure(f'{what} did not answer within {timeout} s')
            time.sleep(0.2)

    def keystone(self, method, path, token, body=None, expect=(200, 201, 204)):
        response = self.http.request(
            method, self.identity + path, json=body, timeout=30,
            headers={'X-Auth-Token': token})
        if response.status_code not in expect:
            raise StackFailure(f'Keystone {method} {path}: '
                               f'{response.status_code} {response.text}')
        return response.json() if response.content else None

    def password_token(self, user, password, scope):
        response = self.http.post(self.identity + '/auth/tokens', timeout=30,
                                  json={'auth': {
                                      'identity': {
                                          'methods': ['password'],
                                          'password': {'user': {
                                              'name': user,
                                              'domain': {'id': 'default'},
                                              'password': password}}},
                                      'scope': scope}})
        if response.status_code != 201:
            raise StackFailure(f'Keystone sign-in of {user}: '
                               f'{response.status_code} {response.text}')
        return response.headers['X-Subject-Token'], response.json()['token']

    def populate_keystone(self):
        token, _ = self.password_token(
            'admin', self.admin_password,
            {'project': {'name': 'admin', 'domain': {'id': 'default'}}})
        self.admin_token = token
        roles = {role['name']: role['id'] for role in
                 self.keystone('GET', '/roles', token)['roles']}

        def project(name, description):
            return self.keystone('POST', '/projects', token, {'project': {
                'name': name, 'domain_id': 'default',
                'description': description}})['project']['id']

        def user(name, password, project_id, *role_names):
            user_id = self.keystone('POST', '/users', token, {'user': {
                'name': name, 'password': password, 'domain_id': 'default',
                'default_project_id': project_id}})['user']['id']
            for role in role_names:
                self.keystone('PUT', f'/projects/{project_id}/users/{user_id}'
                              f'/roles/{roles[role]}', token)

        self.demo_project_id = project('demo', 'The console tests sign in '
                                       'here')
        user('demo', 'demo', self.demo_project_id, 'member')
        service_project_id = project('service', 'OpenStack services')
        # As DevStack does: admin to validate users' tokens, service to mark
        # its own requests as a service's.
        user('nova', self.nova_password, service_project_id, 'admin',
             'service')
        service_id = self.keystone('POST', '/services', token, {'service': {
            'type': 'compute', 'name': 'nova',
            'description': 'OpenStack Compute'}})['service']['id']
        # Keystone puts each token's project id in place of $(project_id)s,
        # so the catalog reads http://127.0.0.1:P/v2.1/<project id> as on ECS.
        self.keystone('POST', '/endpoints', token, {'endpoint': {
            'service_id': service_id, 'interface': 'public',
            'region_id': REGION,
            'url': self.compute + '/$(project_id)s'}})

    # -- start and report --

    def lap(self, name):
        self.timings[name] = round(time.monotonic() - self.started, 1)

    def start(self):
        self.started = time.monotonic()
        self.start_nova()
        self.start_keystone()
        self.wait_until('Keystone', lambda: self.http.get(
            self.identity, timeout=5).status_code == 200)
        self.lap('keystone_answers')
        self.populate_keystone()
        self.lap('keystone_ready')
        self.release_nova(self.demo_project_id)
        demo_token, _ = self.password_token(
            'demo', 'demo',
            {'project': {'name': 'demo', 'domain': {'id': 'default'}}})
        flavors = f'{self.compute}/{self.demo_project_id}/flavors'
        self.wait_until('Nova', lambda: self.http.get(
            flavors, headers={'X-Auth-Token': demo_token},
            timeout=10).status_code == 200)
        self.lap('ready')

    def ready_info(self):
        return {
            'identity': self.identity,
            'compute': self.compute,
            'keystone_port': self.keystone_port,
            'nova_port': self.nova_port,
            'region': REGION,
            'demo': {'username': 'demo', 'password': 'demo',
                     'domain': 'Default', 'project': 'demo',
                     'project_id': self.demo_project_id},
            'admin': {'username': 'admin', 'password': self.admin_password,
                      'domain': 'Default', 'project': 'admin'},
            'admin_token': self.admin_token,
            'state_dir': str(self.state),
            'logs': self.logs,
            'versions': {name: metadata.version(name) for name in
                         ('keystone', 'nova', 'openstack-placement')},
            'allow_origin': self.allow_origin,
            'startup_seconds': self.timings,
            'pid': os.getpid(),
        }


def stop_on_signals_and_stdin():
    def stopped(*_):
        raise Stopped()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stopped)
    # Watch stdin only when it is a pipe or socket: a terminal or /dev/null
    # never "closes" in this sense (and /dev/null reads as closed at once).
    try:
        mode = os.fstat(0).st_mode
    except OSError:  # no stdin at all
        mode = 0
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        def watch():
            while os.read(0, 65536):
                pass
            os.kill(os.getpid(), signal.SIGTERM)

        threading.Thread(target=watch, name='stdin', daemon=True).start()


def main():
    parser = argparse.ArgumentParser(
        description='Real Keystone and Nova on loopback for the tests.')
    parser.add_argument('--keep', action='store_true',
                        help='keep the state directory (logs, databases)')
    parser.add_argument('--allow-origin', default='*',
                        help='CORS origin(s) both services allow, comma '
                             'separated (default: any origin)')
    args = parser.parse_args()

    stop_on_signals_and_stdin()
    state = Path(tempfile.mkdtemp(prefix='ecs-openstack-'))
    stack = None
    status = 0
    try:
        stack = Stack(state, args.allow_origin)
        stack.start()
        print('READY ' + json.dumps(stack.ready_info()), flush=True)
        while True:
            stack.check_children()
            time.sleep(0.5)
    except Stopped:
        pass
    except StackFailure as error:
        print(f'launch.py: {error}', file=sys.stderr, flush=True)
        status = 1
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, signal.SIG_IGN)
        if stack:
            stack.stop()
        if args.keep:
            print(f'launch.py: kept {state}', file=sys.stderr, flush=True)
        else:
            shutil.rmtree(state, ignore_errors=True)
    sys.exit(status)


if __name__ == '__main__':
    main()

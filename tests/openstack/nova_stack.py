"""Nova 34 in one process on a real loopback port (started by launch.py).

Built the way Nova's functional tests build it (nova.tests.functional.
integrated_helpers._IntegratedTestBase, whose harness ships in the nova wheel):
Nova's own test case set-up gives the API and cell databases, the fake RPC
transport and the default flavors; on top of it run conductor, scheduler, two
compute services with the fake virt driver, real Placement (in process) and
Nova's Glance, Neutron and Cinder fixtures. Unlike the harness, the API is the
real `osapi_compute` paste pipeline (keystonemiddleware authtoken against the
launcher's Keystone, CORS) behind a real TCP socket, and the fake environment
looks like a small public cloud: two availability zones, two networks owned by
the demo project, images with Huawei ECS metadata, hosts every flavor fits.

Protocol with launch.py:
  argv: --listen-fd FD (a bound TCP socket) --identity URL (Keystone v3)
  env:  NOVA_SERVICE_PASSWORD (the `nova` service user's password)
  stdin: one JSON line {"demo_project_id": ...} once Keystone is set up; the
         API starts serving after it. End of stdin (the launcher is gone) or
         SIGTERM/SIGINT stops the process.
  stderr: every log line (the launcher sends it to nova.log).
"""

import os

# Native threads, not eventlet; this must precede every nova import. In
# eventlet mode the harness shares one in-memory sqlite connection, which loses
# writes under concurrent HTTP requests (servers keep `addresses: {}`); in
# threading mode it uses one file-backed sqlite database per cell instead.
os.environ['OS_NOVA_DISABLE_EVENTLET_PATCHING'] = '1'
from nova import monkey_patch  # noqa: E402  (nova/__init__ imports nothing)

monkey_patch.patch()

import argparse  # noqa: E402
import copy  # noqa: E402
import datetime  # noqa: E402
import ipaddress  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import socketserver  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import uuid  # noqa: E402
import warnings  # noqa: E402
from wsgiref import simple_server  # noqa: E402

# The filters Python starts with, restored once the harness has set up (below).
DEFAULT_WARNING_FILTERS = list(warnings.filters)

import futurist._thread  # noqa: E402
from neutronclient.common import exceptions as neutron_client_exc  # noqa
from oslo_config import fixture as config_fixture  # noqa: E402
from oslo_utils import uuidutils  # noqa: E402

from nova.api import wsgi  # noqa: E402
from nova.api.openstack import wsgi_app  # noqa: E402
from nova.compute import api as compute_api  # noqa: E402
import nova.conf  # noqa: E402
from nova import context  # noqa: E402
from nova import exception  # noqa: E402
from nova import test  # noqa: E402
from nova.tests import fixtures as nova_fixtures  # noqa: E402
from nova.tests.functional import fixtures as func_fixtures  # noqa: E402

CONF = nova.conf.CONF
LOG = logging.getLogger('nova_stack')

# Two compute hosts, one per availability zone, so the zone list has a choice.
HOSTS_AND_ZONES = (('compute-az1', 'az1.dc1'), ('compute-az2', 'az2.dc1'))

# Public images as ECS lists them: the console reads `__os_type`, `__platform`
# and `__os_version`, and checks `min_disk`/`min_ram` against the flavor.
IMAGES = (
    ('Ubuntu 22.04 server 64bit', 'Linux', 'Ubuntu',
     'Ubuntu 22.04 server 64bit', 10, 0),
    ('CentOS 7.9 64bit', 'Linux', 'CentOS', 'CentOS 7.9 64bit', 40, 0),
    ('EulerOS 2.5 64bit', 'Linux', 'EulerOS', 'EulerOS 2.5 64bit', 40, 0),
    ('Windows Server 2019 Datacenter 64bit', 'Windows', 'Windows',
     'Windows Server 2019 Datacenter 64bit', 60, 4096),
)


def huawei_image(index, name, os_type, platform, os_version, min_disk,
                 min_ram):
    # Nova's image proxy reads exactly these keys from the fake Glance.
    uploaded = datetime.datetime(2024, 3, 14, 6, index,
                                 tzinfo=datetime.timezone.utc)
    return {
        # The same id on every run, so that a test may name an image.
        'id': str(uuid.uuid5(uuid.NAMESPACE_URL, f'ecs-console-image:{name}')),
        'name': name,
        'created_at': uploaded,
        'updated_at': uploaded,
        'status': 'active',
        'visibility': 'public',
        'is_public': True,
        'protected': False,
        'deleted': False,
        'deleted_at': None,
        'container_format': 'bare',
        'disk_format': 'qcow2',
        'size': 2_361_393_152,
        'min_disk': min_disk,
        'min_ram': min_ram,
        'tags': [],
        'properties': {
            '__os_type': os_type,
            '__platform': platform,
            '__os_version': os_version,
            '__os_bit': '64',
            '__imagetype': 'gold',
            '__support_kvm': 'true',
            'architecture': 'x86_64',
        },
    }


class PagedGlance(nova_fixtures.GlanceFixture):
    """Nova's fake Glance, paging as Glance does: newest first, `limit` and
    `marker` honoured (the fixture returns every image whatever the query).
    Filters are still ignored."""

    def detail(self, context, limit=None, marker=None, **_filters):
        images = sorted(super().detail(context), reverse=True,
                        key=lambda image: (image['created_at'], image['id']))
        if marker is not None:
            ids = [image['id'] for image in images]
            if marker not in ids:
                # Glance answers 400, which Nova turns into its own 400.
                raise exception.Invalid(
                    f'Invalid marker: image {marker} could not be found.')
            images = images[ids.index(marker) + 1:]
        return images if limit is None else images[:int(limit)]


class DemoNeutron(nova_fixtures.NeutronFixture):
    """Nova's fake Neutron with its resources given to the demo project.

    The fixture's network, subnets and security group belong to a fixed test
    project, so a real token's project saw no network; here they belong to
    the demo project (set once Keystone has made it). A second network is
    added, and each new port gets its own address on the network it was asked
    for (the fixture gives every port the same address on its first network).
    """

    second_network_id = '9f1fcd0c-3f88-4bd3-9b47-d2e9e5a1c3a4'
    second_subnet_id = 'b9e4c5d2-7a51-4c0e-8f2a-6d3c1e0f5a77'

    def __init__(self, test_case):
        super().__init__(test_case)
        first = copy.deepcopy(self.network_1)
        first['name'] = 'subnet-default'
        second = copy.deepcopy(self.network_1)
        second.update(id=self.second_network_id, name='subnet-db',
                      subnets=[self.second_subnet_id])
        second_subnet = copy.deepcopy(self.subnet_1)
        second_subnet.update(
            id=self.second_subnet_id, name='subnet-db',
            network_id=self.second_network_id, cidr='192.168.10.0/24',
            gateway_ip='192.168.10.1',
            allocation_pools=[{'start': '192.168.10.2',
                               'end': '192.168.10.254'}])
        self._networks = {first['id']: first, second['id']: second}
        self._subnets = {subnet['id']: subnet for subnet in (
            copy.deepcopy(self.subnet_1), copy.deepcopy(self.subnet_ipv6_1),
            second_subnet)}
        group = copy.deepcopy(self.security_group)
        # Neutron lists a group with its rules inline, not their ids.
        group['security_group_rules'] = [copy.deepcopy(rule) for rule in (
            self.security_group_rule_ip4_ingress,
            self.security_group_rule_ip4_egress,
            self.security_group_rule_ip6_ingress,
            self.security_group_rule_ip6_egress)]
        self._security_groups = {group['id']: group}
        # The fixture's preset ports belong to the test project and to nobody
        # here; ports are made as servers ask for them.
        self._ports = {}
        self._lock = threading.Lock()

    def give_to(self, project_id):
        owned = (list(self._networks.values()) + list(self._subnets.values())
                 + list(self._security_groups.values()))
        for group in self._security_groups.values():
            owned += group['security_group_rules']
        for resource in owned:
            resource['tenant_id'] = resource['project_id'] = project_id

    def show_security_group(self, group_id, **_params):
        # Missing from the fixture; Nova calls it to name a rule's remote
        # group when it lists security groups.
        if group_id not in self._security_groups:
            raise neutron_client_exc.NeutronClientException(status_code=404)
        return {'security_group': copy.deepcopy(
            self._security_groups[group_id])}

    def create_port(self, body=None):
        request = copy.deepcopy((body or {}).get('port', {}))
        network_id = request.get('network_id', self.network_1['id'])
        subnet = next(subnet for subnet in self._subnets.values()
                      if subnet['network_id'] == network_id
                      and subnet['ip_version'] == 4)
        port = copy.deepcopy(self.default_port)
        port.update(request)
        owner = request.get('tenant_id') or request.get('project_id')
        if owner:
            port['tenant_id'] = port['project_id'] = owner
        port.update({
            'id': uuidutils.generate_uuid(),
            'network_id': network_id,
            'mac_address': 'fa:16:3e:%02x:%02x:%02x' % tuple(
                os.urandom(3)),
        })
        with self._lock:
            port['fixed_ips'] = [{'ip_address': self._free_address(subnet),
                                  'subnet_id': subnet['id']}]
            self._ports[port['id']] = port
        return {'port': copy.deepcopy(port)}

    def _free_address(self, subnet):
        # The lowest free address from .10 up, as Neutron reuses freed ones.
        used = {fixed['ip_address'] for port in self._ports.values()
                for fixed in port['fixed_ips']}
        network = ipaddress.ip_network(subnet['cidr'], strict=False)
        for offset in range(10, network.num_addresses - 1):
            address = str(network[offset])
            if address not in used:
                return address
        # What the real client raises when a subnet is full.
        raise neutron_client_exc.IpAddressGenerationFailureClient()


class LoopbackCloud(test.TestCase):
    """The Nova stack; `setUp` builds it, then `app` is the API to serve."""

    # As in _IntegratedTestBase: Nova's external locks need a lock path.
    REQUIRES_LOCKING = True

    def __init__(self, identity_url, service_password):
        super().__init__('runTest')
        self.identity_url = identity_url
        self.service_password = service_password

    def runTest(self):
        """Unused: testtools wants a test method; the cloud lives in setUp."""

    def setUp(self):
        super().setUp()
        # Production's default; the harness sets `error`, which turns a
        # response its own schema refuses into a 500 a real cloud never sends.
        self.flags(response_validation='warn', group='api')
        # The fake driver's full size (1000 vCPUs, 800 GB RAM): the harness's
        # SmallFakeDriver has 2 vCPUs, too few for the larger flavors.
        self.flags(compute_driver='fake.FakeDriver')
        # One host per zone: a resize stays on its host, as small clouds
        # allow (otherwise the scheduler finds no other host in the zone).
        self.flags(allow_resize_to_same_host=True)

        # The fixtures _IntegratedTestBase.setUp uses, in its order, without
        # CastAsCallFixture: casts stay asynchronous as on a real cloud, so
        # POST /servers answers while the server is still BUILD.
        self.useFixture(func_fixtures.PlacementFixture())
        self.neutron = self.useFixture(DemoNeutron(self))
        self.cinder = self.useFixture(nova_fixtures.CinderFixture(self))
        # The fake Cinder has no volume delete, which a server deleted with
        # delete_on_termination volumes calls.
        self.stub_out('nova.volume.cinder.API.delete',
                      lambda _api, _context, volume_id:
                      self.cinder.volumes.pop(volume_id, None))
        glance = self.useFixture(PagedGlance(self))
        # Only our images: the fixture's all share one name and carry kernel
        # and encryption properties that are of no use to a console.
        glance.images.clear()
        for index, image in enumerate(IMAGES):
            glance.create(None, huawei_image(index, *image))
        self.useFixture(nova_fixtures.RealPolicyFixture())
        self.useFixture(nova_fixtures.NotificationFixture(self))

        self.flags(transport_url=self.cell_mappings['cell1'].transport_url)
        self.start_service('conductor')
        self.start_service('scheduler')
        admin = context.get_admin_context()
        aggregates = compute_api.AggregateAPI()
        for host, zone in HOSTS_AND_ZONES:
            self._start_compute(host)
            aggregate = aggregates.create_aggregate(admin, zone, zone)
            aggregates.add_host_to_aggregate(admin, aggregate.id, host)

        self._configure_authtoken()
        paste = os.path.join(sys.prefix, 'etc', 'nova', 'api-paste.ini')
        self.app = wsgi.Loader(paste).load_app('osapi_compute')
        # As OSAPIFixture does: register the API service, which some
        # API calls (os-services, zones) look for.
        wsgi_app._setup_service(CONF.host, 'osapi_compute')

    def _configure_authtoken(self):
        # keystonemiddleware registers the password plugin's options only when
        # it loads, so they are given as raw values, as a config file would.
        config = self.useFixture(config_fixture.Config(CONF))
        config.load_raw_values(
            group='keystone_authtoken',
            www_authenticate_uri=self.identity_url,
            auth_url=self.identity_url,
            auth_type='password',
            username='nova',
            password=self.service_password,
            project_name='service',
            user_domain_name='Default',
            project_domain_name='Default',
            # Bootstrap registers only Keystone's public endpoint.
            interface='public',
            # No validation cache: a token revoked in Keystone must be
            # refused at once (the cache would accept it for 5 minutes).
            token_cache_time=-1,
        )


class ThreadingWSGIServer(socketserver.ThreadingMixIn,
                          simple_server.WSGIServer):
    # Threads per request: the console sends several requests at once.
    daemon_threads = True


class LoggingRequestHandler(simple_server.WSGIRequestHandler):
    def log_message(self, format, *args):
        logging.getLogger('nova_stack.access').info(format, *args)


def serve_on(listen_fd, app):
    server = ThreadingWSGIServer(('127.0.0.1', 0), LoggingRequestHandler,
                                 bind_and_activate=False)
    server.socket.close()
    # The launcher bound this socket, so its port was known (and in
    # Keystone's catalog) before Nova existed.
    server.socket = socket.socket(fileno=listen_fd)
    host, port = server.socket.getsockname()[:2]
    server.server_address = (host, port)
    server.server_name, server.server_port = host, port
    server.setup_environ()
    server.server_activate()
    server.set_app(app)
    threading.Thread(target=server.serve_forever, name='nova-api',
                     daemon=True).start()
    return port


def log_to_stderr(captured_output):
    """Send logs to stderr instead of the harness's in-memory capture."""
    sys.stderr.write(captured_output)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(
        '%(asctime)s %(levelname)s [%(name)s] %(message)s'))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--listen-fd', type=int, required=True)
    parser.add_argument('--identity', required=True)
    args = parser.parse_args()

    # Nothing to tidy on the way out (the launcher removes the files), and
    # the services' threads would never let a normal exit finish.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: os._exit(0))

    cloud = LoopbackCloud(args.identity, os.environ['NOVA_SERVICE_PASSWORD'])
    try:
        cloud.setUp()
    except BaseException:
        output = getattr(getattr(cloud, 'stdlog', None), 'logger', None)
        sys.stderr.write(output.output if output else '')
        raise
    log_to_stderr(cloud.stdlog.logger.output)
    # The harness turns deprecation warnings into errors, which broke
    # os-stop inside the compute (SQLAlchemy 2.1's SADeprecationWarning); a
    # real service only logs them.
    warnings.filters[:] = DEFAULT_WARNING_FILTERS
    # The harness makes idle worker threads wake every 10 ms, to end tests
    # sooner; back to futurist's 1 s, which a long-lived service idles at.
    futurist._thread.ThreadWorker.MAX_IDLE_FOR = 1
    LOG.info('Nova stack set up; waiting for the demo project id')

    line = sys.stdin.readline()
    if not line:
        return
    cloud.neutron.give_to(json.loads(line)['demo_project_id'])
    port = serve_on(args.listen_fd, cloud.app)
    LOG.info('Nova API serving on 127.0.0.1:%d', port)
    sys.stdin.read()
    LOG.info('Nova stack stopping: the launcher closed its pipe')


if __name__ == '__main__':
    main()
    sys.stderr.flush()
    # Skip the harness's cleanups and the interpreter's thread joins: the
    # services' threads never end, and the launcher removes every file.
    os._exit(0)

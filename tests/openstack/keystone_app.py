"""Keystone's public WSGI application, for gunicorn (started by launch.py).

Keystone finds its configuration through OS_KEYSTONE_CONFIG_FILES, which
launch.py sets to the keystone.conf it wrote in the state directory.
"""

import sys

# Keystone's oslo.config parses sys.argv when the application starts; in a
# gunicorn worker that is gunicorn's own command line, which it refuses.
sys.argv = sys.argv[:1]

from keystone.server import wsgi  # noqa: E402  (must follow the argv reset)

application = wsgi.initialize_public_application()

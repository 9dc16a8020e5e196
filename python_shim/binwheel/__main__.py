"""`python -m binwheel` and the `binwheel` console script: run the bundled command line."""

import json
import subprocess
import sys

from . import _host, _node


def main():
    node = _node.require_node()
    env = _node.node_environment()
    # Tell the core which Python it serves, so `binwheel build` targets this interpreter.
    env["BINWHEEL_HOST_FACTS"] = json.dumps(_host.host_facts())
    try:
        code = subprocess.call(_node.core_command(node) + sys.argv[1:], env=env)
    except KeyboardInterrupt:
        code = 130
    sys.exit(code)


if __name__ == "__main__":
    main()

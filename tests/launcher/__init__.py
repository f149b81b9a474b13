"""One way to start what tests and benchmarks run as processes: a service, the whole platform, any module.

    node = ServiceProcess("chat", env, port).wait_ready()       # python -m relais_chat, ready on /readyz
    platform = start_platform(isolated).wait_ready()            # relais up + the identity provider (tests)
    platform = Platform(env, "routing", offset=…, databases=…)  # relais up alone (benchmarks)
    server = Process(python_module("bench.baseline_app"), env, ready_url=…)
    … .stop()                                                   # or .kill(); leftovers die at exit

No pytest here: the benchmarks (bench/) use it too.
"""

from tests.launcher.platform import Platform, start_platform
from tests.launcher.process import ROOT, NotReady, Process, ServiceProcess, free_port, python_module

__all__ = ["ROOT", "NotReady", "Platform", "Process", "ServiceProcess", "free_port", "python_module",
           "start_platform"]

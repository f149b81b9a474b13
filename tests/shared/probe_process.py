"""The probe consumer as its own process, so that a test can kill it with SIGKILL mid-batch."""

import asyncio
import os

from tests.shared.probe import ProbeSettings, probe_runtime


async def main() -> None:
    runtime = probe_runtime(ProbeSettings(), delay=float(os.environ.get("PROBE_DELAY", "0")))
    await runtime.start()
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
